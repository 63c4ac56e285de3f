"""What the crawler needs from the rest of the system, as a protocol it is handed.

The spider and its item pipeline never import ``storage`` or ``dedupe``: the daemon constructs the
spider with an object that has these methods (``runner.crawl(crawler, backend=...)``), and the item
pipeline finds it on the spider. Tests and ``sources test`` pass their own (e.g. one that writes nothing).

Optional: a backend with a ``politeness_gate`` attribute (a ``crawlers.politeness.DomainGate``)
shares the per-domain rate limit and Retry-After holds with every worker using the same gate (the
daemon's: Redis); without one, politeness is kept in memory for this process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from crawlers.runs import SourceRun
from crawlers.sources import Source
from wirewatch.models import ExtractedArticle, FeedEntry

# Some servers answer 304 while the body changed. A trusted source's 304 is confirmed by an
# unconditional fetch on every CHECK_EVERY_RUNS-th conditional run or once CHECK_EVERY_SECONDS
# have passed; a source caught lying is fetched unconditionally (and hash-compared) until
# RETRUST_AFTER has passed, then checked again.
CHECK_EVERY_RUNS = 10
CHECK_EVERY_SECONDS = 86400.0
RETRUST_AFTER = 7 * 86400.0


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str = ""
    last_modified: str = ""
    body_hash: str = ""
    trusted: bool = True  # the server's 304s have matched the body so far
    runs_since_check: int = 0  # conditional runs since the validators were last confirmed
    checked_at: float | None = None  # when they were last confirmed (or first learned)

    def conditional(self, now: float) -> bool:
        """Send If-None-Match / If-Modified-Since this run?"""
        if not (self.etag or self.last_modified):
            return False
        return self.trusted or self.checked_at is None or now - self.checked_at >= RETRUST_AFTER

    def check_due(self, now: float) -> bool:
        """Confirm a 304 this run with an unconditional fetch?"""
        if not self.conditional(now):
            return False
        if not self.trusted or self.checked_at is None:
            return True
        return self.runs_since_check + 1 >= CHECK_EVERY_RUNS or now - self.checked_at >= CHECK_EVERY_SECONDS

    def after_run(self, *, conditional: bool, verdict: str, now: float) -> tuple[bool, int, float | None]:
        """(trusted, runs_since_check, checked_at) after a successful run that sent validators
        or not (``conditional``) and confirmed them (``verdict`` "trusted"), caught them lying
        ("stale") or did not check ("")."""
        if verdict:
            return verdict == "trusted", 0, now
        if conditional:
            return self.trusted, self.runs_since_check + 1, self.checked_at
        if self.trusted:  # a full fetch of a trusted source: its validators are new, as good as checked
            return True, 0, now
        return False, self.runs_since_check, self.checked_at


@dataclass(frozen=True, slots=True)
class ArticleItem:
    """One extracted article page on its way to ingestion."""

    source: Source
    url: str
    extracted: ExtractedArticle
    entry: FeedEntry | None
    run: SourceRun


@dataclass(frozen=True, slots=True)
class IngestResult:
    status: str  # "created", "joined", "duplicate", "filtered"
    article_id: str | None = None
    story_id: str | None = None


class CrawlBackend(Protocol):
    def validators(self, source: Source) -> Validators: ...

    def unseen(self, source: Source, entries: Sequence[FeedEntry]) -> list[FeedEntry]: ...

    def ingest(self, item: ArticleItem) -> IngestResult: ...

    def run_finished(self, run: SourceRun) -> None: ...

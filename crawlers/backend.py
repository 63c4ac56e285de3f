"""What the crawler needs from the rest of the system, as a protocol it is handed.

The spider and its item pipeline never import ``storage`` or ``dedupe``: the daemon constructs the
spider with an object that has these methods (``runner.crawl(crawler, backend=...)``), and the item
pipeline finds it on the spider. Tests and ``sources test`` pass their own (e.g. one that writes nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from crawlers.runs import SourceRun
from crawlers.sources import Source
from wirewatch.models import ExtractedArticle, FeedEntry


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str = ""
    last_modified: str = ""
    body_hash: str = ""


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

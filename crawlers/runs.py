"""Book-keeping for one pass over one source: counts for the progress line, and completion.

A run is finished when every request it started has been answered and every article it yielded
has been ingested; then ``on_done`` fires once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from crawlers.sources import Source


@dataclass
class SourceRun:
    source: Source
    started: float = field(default_factory=time.time)
    fetched: int = 0
    new: int = 0
    joined: int = 0
    duplicates: int = 0
    filtered: int = 0
    errors: int = 0
    not_modified: bool = False
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    articles: int = 0  # article pages fetched
    empty: int = 0  # of which extraction found no article
    retry_after: float | None = None
    conditional: bool = False  # the listing was requested with validators (If-None-Match ...)
    validators_verdict: str = ""  # "trusted" / "stale" when this run checked a 304 (see Validators)
    # seconds the server asks us to wait between polls (feed ttl / sy:updatePeriod / Cache-Control
    # max-age); 0: it asks nothing; None: not known this run
    poll_hint: float | None = None
    flags: tuple[str, ...] = ()
    # "<listing|article>:<final HTTP status, or why no answer came>" -> fetches (/metrics)
    fetches: dict[str, int] = field(default_factory=dict)
    pending: int = 0
    finished: float | None = None
    on_done: Callable[[SourceRun], None] | None = None

    def count_fetch(self, kind: str, status: int | None, failure: str = "error") -> None:
        """Count one fetch by its final HTTP status or, when none came, by ``failure`` (one of
        ``crawlers.fetch_failures.LABELS``). Label values stay bounded: a server's made-up status
        (999) is "other"."""
        code = failure if status is None else str(status) if 100 <= status <= 599 else "other"
        key = f"{kind}:{code}"
        self.fetches[key] = self.fetches.get(key, 0) + 1

    def begin(self, n: int = 1) -> None:
        self.pending += n

    def end(self, n: int = 1) -> None:
        self.pending -= n
        if self.pending <= 0 and self.finished is None:
            self.finished = time.time()
            if self.on_done is not None:
                self.on_done(self)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def seconds(self) -> float:
        return (self.finished or time.time()) - self.started

    def summary(self) -> str:
        if self.error:
            return f"{self.source.name}: FAILED {self.error}"
        state = " (not modified)" if self.not_modified else ""
        if self.flags:
            state += f" [{' '.join(self.flags)}]"
        return (
            f"{self.source.name}: fetched {self.fetched}, new {self.new} (joined stories: "
            f"{self.joined}), duplicates {self.duplicates}, filtered {self.filtered}, errors "
            f"{self.errors}{state} in {self.seconds:.1f}s"
        )

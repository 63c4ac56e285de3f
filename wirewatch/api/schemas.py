"""Typed response bodies of the HTTP API (they are what ``/openapi.json`` documents).

Times are ISO-8601 strings in UTC with a ``+00:00`` offset, exactly as ``wirewatch stories --json``
prints them (``wirewatch.models.iso``), so the CLI and the API emit the same Story JSON.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    detail: str = Field(description="What was wrong with the request, in one sentence.")


class ArticleRef(BaseModel):
    id: str
    url: str
    source: str
    title: str
    published: str | None = Field(None, description="As the outlet stated it; null when it did not.")


class OutletOut(BaseModel):
    name: str
    articles: int


class StoryOut(BaseModel):
    """DESIGN.md's Story JSON plus what cards need (summary, outlets, last_published, link)."""

    id: str
    title: str = Field(description="Headline of the representative article.")
    size: int = Field(description="Articles in the story (``articles`` may list fewer: max_articles).")
    first_seen: str = Field(description="Earliest publication (or fetch) time of a member.")
    updated: str = Field(description="When the story last gained an article: the sort key.")
    origin: str | None = Field(description="Wire agency named in the text, else null.")
    topics: list[str]
    articles: list[ArticleRef] = Field(description="Members, earliest first.")
    summary: str = Field(description="Opening of the representative article.")
    outlets: list[OutletOut] = Field(description="Outlets carrying the story, most articles first.")
    last_published: str = Field(description="Latest publication (or fetch) time of a member.")
    link: str = Field(description="The story's web page.")


class StoryPageOut(BaseModel):
    stories: list[StoryOut]
    next_cursor: str | None = Field(
        description="Pass as ``cursor`` for the next page; null at the end. A page may hold fewer "
        "than ``limit`` stories while this is set (filters checked on a bounded scan)."
    )


class ArticleOut(BaseModel):
    """DESIGN.md's Article JSON plus ``id``, ``source``, ``story`` and collection facts."""

    id: str
    url: str
    canonical_url: str
    title: str
    text: str
    authors: list[str]
    published: str | None
    language: str | None
    site_name: str | None
    source: str
    story: str | None
    fetched_at: str | None
    topics: list[str]


class SourceHealth(BaseModel):
    state: str = Field(description="ok, new (never succeeded yet), failing, paused or disabled.")
    last_run: str | None = None
    last_success: str | None = None
    last_error: str = ""
    last_error_at: str | None = None
    consecutive_failures: int = 0
    next_run: str | None = None
    last_new: int = 0
    total_new: int = 0
    flags: list[str] = Field([], description="Scheduler health flags: failing, paused, quiet, layout.")
    interval: float | None = Field(None, description="Polling interval in force (adaptive), seconds.")


class SourceOut(BaseModel):
    name: str
    configured: bool = Field(description="Listed in the sources file this server read.")
    kind: str | None = None
    url: str | None = None
    enabled: bool = True
    topics: list[str] = []
    health: SourceHealth


class SourcesOut(BaseModel):
    sources: list[SourceOut]


class TopicOut(BaseModel):
    name: str
    stories: int
    updated: str | None
    configured: bool
    atom: str
    json_feed: str


class TopicsOut(BaseModel):
    topics: list[TopicOut]


class LeaderHealth(BaseModel):
    state: str = Field(description="ok (a daemon holds the scheduler lock) or absent.")
    instance: str | None = Field(None, description="The holder (host:pid).")
    absent_seconds: float | None = Field(
        None, description="How long nobody has held it, as this API process saw it (at most since its start).")


class QueueHealth(BaseModel):
    state: str = Field(description="ok or stalled.")
    waiting: int = Field(description="Source runs queued, not yet claimed.")
    pending: int = Field(description="Source runs claimed by a daemon, not yet landed.")
    oldest_seconds: float | None = Field(None, description="Age of the oldest queued or claimed run.")
    last_run_seconds: float | None = Field(None, description="Since a run last landed (any daemon).")
    overdue_seconds: float = Field(0.0, description="How late the most overdue source's run is.")
    stall_after: float = Field(description="Seconds without progress that count as a stall.")


class HealthOut(BaseModel):
    status: str = Field(description="ok; unhealthy (full check: see reasons); unavailable (Redis).")
    scope: str = Field("full", description="full (API, Redis and the daemons) or api (this process and Redis).")
    redis: str
    stories: int | None = None
    leader: LeaderHealth | None = Field(None, description="Full check only.")
    queue: QueueHealth | None = Field(None, description="Full check only.")
    reasons: list[str] = Field([], description="Why the check failed, one sentence each.")

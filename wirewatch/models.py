"""The canonical records that flow between stages.

Feed entries and Scrapy responses are adapted into these frozen dataclasses right at the edge;
nothing downstream sees a feedparser dict or a Scrapy item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Source and topic names (sources.yaml, imports): they become key names, feed paths and labels.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def iso(dt: datetime | None) -> str | None:
    """ISO-8601 in UTC with a ``Z``-free ``+00:00`` offset, or None."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat()


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed (RSS, Atom or JSON Feed) or sitemap, after parsing."""

    guid: str | None
    url: str | None
    title: str | None = None
    summary: str | None = None
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    # Full body HTML when the feed carries it (content:encoded, Atom content, JSON Feed content_html).
    content: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "guid": self.guid,
            "url": self.url,
            "title": self.title,
            "summary": self.summary,
            "published": iso(self.published),
            "authors": list(self.authors),
        }


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """What extraction yields for one HTML page (DESIGN.md's Article JSON)."""

    url: str | None
    canonical_url: str | None
    title: str | None
    text: str
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    updated: datetime | None = None
    image: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "text": self.text,
            "authors": list(self.authors),
            "published": iso(self.published),
            "language": self.language,
            "site_name": self.site_name,
        }


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article: extraction plus where and when it came from."""

    id: str
    url: str
    canonical_url: str
    source: str
    title: str
    text: str
    fetched_at: datetime
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    topics: tuple[str, ...] = ()
    guid: str | None = None
    content_hash: str = ""
    story: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "canonical_url": self.canonical_url,
            "source": self.source,
            "title": self.title,
            "text": self.text,
            "authors": list(self.authors),
            "published": iso(self.published),
            "fetched_at": iso(self.fetched_at),
            "language": self.language,
            "site_name": self.site_name,
            "topics": list(self.topics),
            "story": self.story,
        }


@dataclass(frozen=True, slots=True)
class StoryArticle:
    id: str
    url: str
    source: str
    title: str
    published: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "source": self.source,
            "title": self.title,
            "published": iso(self.published),
        }


@dataclass(frozen=True, slots=True)
class Story:
    """A cluster of near-identical articles (DESIGN.md's Story JSON)."""

    id: str
    title: str
    size: int
    first_seen: datetime
    updated: datetime
    origin: str | None
    topics: tuple[str, ...] = ()
    articles: tuple[StoryArticle, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "size": self.size,
            "first_seen": iso(self.first_seen),
            "updated": iso(self.updated),
            "origin": self.origin,
            "topics": list(self.topics),
            "articles": [a.to_json() for a in self.articles],
        }

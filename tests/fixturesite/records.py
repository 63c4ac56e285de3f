"""The frozen records of the fixture world: an outlet and one of its articles.

URLs live on the records because tests compare them with what the crawler stored. They depend on
where the site is served, so ``World.bind`` replaces every record with re-addressed copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from tests.fixturesite.boilerplate import Author, Chrome, Comment

FeedKind = Literal["rss", "atom"]
PageTemplate = Literal["press", "newsroom", "legacy"]
ArticleKind = Literal["wire", "report", "off-topic"]

FIRST_HOST = 10  # outlet i is served on 127.0.0.(FIRST_HOST + i)
MAX_OUTLETS = 254 - FIRST_HOST
DISALLOWED_PREFIX = "/private/"
SECTION_PATH = "/world/"
SITEMAP_PATH = "/sitemap.xml"
ROBOTS_PATH = "/robots.txt"
TRACKING_QUERY = "utm_source=rss&utm_medium=feed"


def default_base_url(index: int) -> str:
    """Where outlet ``index`` lives before the world is served (nothing listens there)."""
    return f"http://127.0.0.{FIRST_HOST + index}"


@dataclass(frozen=True, slots=True)
class Outlet:
    index: int
    name: str
    slug: str
    base_url: str
    feed_kind: FeedKind
    template: PageTemplate
    language: str
    full_text_feed: bool
    news_sitemap: bool
    city: str
    founded: int
    authors: tuple[Author, ...]
    chrome: Chrome

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def feed_path(self) -> str:
        if self.feed_kind == "rss":
            return "/feed/" if self.template == "press" else "/rss.xml"
        return "/feed/atom/" if self.template == "press" else "/atom.xml"

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def feed_url(self) -> str:
        return self.url(self.feed_path)

    @property
    def sitemap_url(self) -> str:
        return self.url(SITEMAP_PATH)

    @property
    def section_url(self) -> str:
        return self.url(SECTION_PATH)

    @property
    def robots_url(self) -> str:
        return self.url(ROBOTS_PATH)

    @property
    def home_url(self) -> str:
        return self.url("/")

    @property
    def disallowed_url(self) -> str:
        """A page robots.txt forbids; the section page links to it, so crawlers find it."""
        return self.url(DISALLOWED_PREFIX + "drafts/")

    def author(self, name: str) -> Author | None:
        return next((a for a in self.authors if a.name == name), None)


@dataclass(frozen=True, slots=True)
class FixtureArticle:
    """One article page, with the ground truth extraction and clustering are checked against."""

    id: str
    outlet: str  # the outlet's slug
    number: int
    path: str
    url: str  # canonical: what <link rel="canonical"> says
    link: str  # as the feed links it: sometimes with tracking parameters
    guid: str
    title: str
    paragraphs: tuple[str, ...]
    authors: tuple[str, ...]
    published: datetime
    updated: datetime
    language: str
    kind: ArticleKind
    topic: str | None
    event: str
    story: str | None  # the wire story key for reprints, else None
    place: str
    comments: tuple[Comment, ...]
    caption: str | None
    junk_phrases: tuple[str, ...]

    @property
    def text(self) -> str:
        """The expected stored body text: paragraphs, one per line."""
        return "\n".join(self.paragraphs)

    @property
    def summary(self) -> str:
        """A feed's description of the article: the opening, cut at a word boundary."""
        first = self.paragraphs[0]
        if len(first) <= 240:
            return first
        return first[:240].rsplit(" ", 1)[0] + "…"

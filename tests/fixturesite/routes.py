"""Which document lives at which path of an outlet, rendered with its HTTP validators."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tests.fixturesite import feeds, pages
from tests.fixturesite.boilerplate import FOOTER_LINKS, NAV_SECTIONS
from tests.fixturesite.records import (
    DISALLOWED_PREFIX,
    ROBOTS_PATH,
    SECTION_PATH,
    SITEMAP_PATH,
    FixtureArticle,
    Outlet,
)
from tests.fixturesite.vocabulary import slugify

if TYPE_CHECKING:
    from tests.fixturesite.world import World

HTML = "text/html; charset=utf-8"
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "text": "text/plain; charset=utf-8",
}
HOME_ENTRIES = 10


@dataclass(frozen=True, slots=True)
class Document:
    body: bytes
    content_type: str
    last_modified: datetime
    etag: str


def _document(text: str, content_type: str, last_modified: datetime) -> Document:
    body = text.encode("utf-8")
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    return Document(body, content_type, last_modified.replace(microsecond=0), etag)


def _related(article: FixtureArticle, newest_first: list[FixtureArticle]) -> list[FixtureArticle]:
    others = [a for a in newest_first if a.id != article.id]
    at = next((i for i, a in enumerate(newest_first) if a.id == article.id), 0)
    start = max(0, min(at - 2, len(others) - 4))
    return others[start : start + 4]


def _furniture(outlet: Outlet, path: str, newest: datetime) -> Document | None:
    """Navigation targets that are not articles (and the robots-disallowed drafts page)."""
    labels = {href: label for label, href in (*NAV_SECTIONS, *FOOTER_LINKS)}
    labels["/subscribe/"] = "Subscribe"
    if path == DISALLOWED_PREFIX + "drafts/":
        heading, intro = "Staff drafts", "Embargoed drafts for editors. Not for publication."
    elif path in labels and path not in ("/", SECTION_PATH):
        heading, intro = labels[path], f"{labels[path]} at the {outlet.name}."
    else:
        return None
    html = pages.listing_page(outlet, heading, intro, outlet.url(path), [])
    return _document(html, HTML, newest)


def render(world: World, outlet: Outlet, path: str) -> Document | None:
    """The document at ``path`` (no query string) on ``outlet``, or None for a 404."""
    articles = world.articles_of(outlet.index)
    newest = max((a.updated for a in articles), default=world.now)
    if path == ROBOTS_PATH:
        return _document(feeds.robots(outlet), CONTENT_TYPES["text"], newest)
    if path == outlet.feed_path:
        render_feed = feeds.rss if outlet.feed_kind == "rss" else feeds.atom
        return _document(render_feed(outlet, articles, world.now), CONTENT_TYPES[outlet.feed_kind], newest)
    if path == SITEMAP_PATH:
        return _document(feeds.sitemap(outlet, articles), CONTENT_TYPES["xml"], newest)
    for article in articles:
        if article.path == path:
            html = pages.article_page(outlet, article, _related(article, articles))
            return _document(html, HTML, article.updated)
    authors = {f"/author/{slugify(a.name)}/": a.name for a in outlet.authors}
    tags = {f"/tag/{slugify(a.place)}/": a.place for a in articles}
    if path == "/":
        html = pages.listing_page(
            outlet, outlet.name, outlet.chrome.tagline, outlet.home_url, articles[:HOME_ENTRIES],
            [("All world news", SECTION_PATH)],
        )
    elif path == SECTION_PATH:
        links = [
            ("Politics", "/politics/"), ("Opinion", "/opinion/"), ("About us", "/about/"),
            *((name, href) for href, name in authors.items()),
            ("Ukraine", "/tag/ukraine/"), ("Staff drafts", DISALLOWED_PREFIX + "drafts/"),
        ]
        html = pages.listing_page(
            outlet, "World", f"World news from the {outlet.name}.", outlet.section_url, articles, links
        )
    elif path in authors:
        name = authors[path]
        own = [a for a in articles if name in a.authors]
        html = pages.listing_page(outlet, name, f"Articles by {name}.", outlet.url(path), own)
    elif path in tags or path == "/tag/ukraine/":
        place = tags.get(path, "Ukraine")
        tagged = [a for a in articles if place in a.text]
        html = pages.listing_page(outlet, place, f"Stories about {place}.", outlet.url(path), tagged)
    else:
        return _furniture(outlet, path, newest)
    return _document(html, HTML, newest)

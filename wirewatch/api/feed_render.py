"""Atom 1.0 (RFC 4287) and JSON Feed 1.1 documents of stories: pure functions of story views.

One entry per story. Its id never changes (a UUID derived from the story id), its ``updated`` is
the story's: when the story grows, readers see the same entry updated, not a new one. Text from
outlets goes through the XML serializer (escaped) after characters XML cannot carry are removed;
links to outlets are kept only when they are http(s).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any

from lxml import etree

from storage.queries import StoryView
from wirewatch.models import iso

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_STORY_NS = uuid.UUID("6f1d3c2e-8a4b-5c7d-9e0f-a1b2c3d4e5f6")


def clean(text: str | None) -> str:
    """Text without the characters XML 1.0 forbids (outlets do send form feeds and NULs)."""
    return _XML_BAD.sub("", text or "")


def safe_url(url: str | None) -> str | None:
    if not url:
        return None
    low = url.strip().lower()
    return url.strip() if low.startswith(("http://", "https://")) else None


def entry_id(story_id: str) -> str:
    return uuid.uuid5(_STORY_NS, story_id).urn


def _outlet_line(view: StoryView) -> str:
    n = len(view.outlets)
    names = ", ".join(name for name, _ in view.outlets[:12])
    more = f" and {n - 12} more" if n > 12 else ""
    size = view.story.size
    return f"{size} article{'s' if size != 1 else ''} from {n} outlet{'s' if n != 1 else ''}: {names}{more}"


def story_html(view: StoryView) -> str:
    """The entry body as HTML (escaped here; the feed serializer escapes it again as text)."""
    parts = [f"<p>{escape(clean(view.summary))}</p>", f"<p>{escape(clean(_outlet_line(view)))}</p>", "<ul>"]
    for art in view.story.articles:
        title = escape(clean(art.title) or art.url)
        url = safe_url(art.url)
        when = f" ({art.published:%Y-%m-%d %H:%M} UTC)" if art.published else ""
        link = f'<a href="{escape(url)}">{title}</a>' if url else title
        parts.append(f"<li>{escape(clean(art.source))}: {link}{when}</li>")
    rest = view.story.size - len(view.story.articles)
    if rest > 0:
        parts.append(f"<li>and {rest} more</li>")
    parts.append("</ul>")
    return "".join(parts)


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: clean(v) for k, v in attrs.items()})
    if text is not None:
        node.text = clean(text)
    return node


def atom_feed(
    views: Sequence[StoryView],
    *,
    title: str,
    feed_url: str,
    home_url: str,
    story_url: str,
    updated: datetime,
) -> bytes:
    """``story_url`` is a prefix: the story's page is ``story_url + id``."""
    return atom_document([atom_entry(v, story_url) for v in views], title=title, feed_url=feed_url,
                         home_url=home_url, updated=updated)


def atom_document(entries: Sequence[bytes], *, title: str, feed_url: str, home_url: str, updated: datetime) -> bytes:
    """The feed around entries serialized by ``atom_entry`` (spliced in as bytes: an entry is the
    same bytes whichever feed carries it, so the API can keep them per story)."""
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _el(feed, "id", entry_id("feed:" + feed_url))
    _el(feed, "title", title)
    _el(feed, "subtitle", "Clustered conflict coverage: one entry per story, updated as outlets join.")
    _el(feed, "updated", iso(updated))
    _el(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _el(feed, "link", rel="alternate", type="text/html", href=home_url)
    _el(_el(feed, "author"), "name", "wirewatch")
    _el(feed, "generator", "wirewatch")
    head = bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8"))
    if not entries:
        return head
    return head[: -len(_FEED_END)] + b"".join(entries) + _FEED_END


_FEED_END = b"</feed>"
_ENTRY_NS = f' xmlns="{ATOM_NS}"'.encode()


def atom_entry(view: StoryView, story_url: str) -> bytes:
    """One ``<entry>`` as the feed document serializes it (the namespace is declared once, on
    the feed)."""
    story = view.story
    entry = etree.Element(f"{{{ATOM_NS}}}entry", nsmap={None: ATOM_NS})
    _el(entry, "id", entry_id(story.id))
    _el(entry, "title", story.title or "(untitled story)", type="text")
    _el(entry, "updated", iso(story.updated))
    _el(entry, "published", iso(story.first_seen))
    # The outlets' articles are linked from the content, not as rel="related" links: those
    # cost as much to build as the rest of the entry and feed readers do not show them.
    _el(entry, "link", rel="alternate", type="text/html", href=story_url + story.id)
    _el(_el(entry, "author"), "name", story.origin or (view.outlets[0][0] if view.outlets else "wirewatch"))
    for topic in story.topics:
        _el(entry, "category", term=topic)
    _el(entry, "summary", view.summary or story.title, type="text")
    _el(entry, "content", story_html(view), type="html")
    return bytes(etree.tostring(entry, encoding="utf-8")).replace(_ENTRY_NS, b"", 1)


def json_feed(
    views: Sequence[StoryView],
    *,
    title: str,
    feed_url: str,
    home_url: str,
    story_url: str,
) -> dict[str, Any]:
    items = []
    for view in views:
        story = view.story
        item: dict[str, Any] = {
            "id": story.id,
            "url": story_url + story.id,
            "title": story.title or "(untitled story)",
            "content_html": story_html(view),
            "summary": view.summary,
            "date_published": iso(story.first_seen),
            "date_modified": iso(story.updated),
            "tags": list(story.topics),
            "authors": [{"name": story.origin or (view.outlets[0][0] if view.outlets else "wirewatch")}],
            "_wirewatch": {
                "size": story.size,
                "outlets": [{"name": n, "articles": c} for n, c in view.outlets],
                "articles": [a.to_json() for a in story.articles],
            },
        }
        items.append(item)
    return {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": home_url,
        "feed_url": feed_url,
        "description": "Clustered conflict coverage: one item per story, updated as outlets join.",
        "authors": [{"name": "wirewatch"}],
        "items": items,
    }

"""Feed documents (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1) -> ``ParsedFeed``.

A pure function of bytes: it never fetches, opens a file or resolves an entity. XML goes through
three stages, so feedparser only ever sees a small, well-formed, entity-free document:

1. ``xmlsafety`` decodes the bytes and strips every DOCTYPE/ENTITY declaration from the text;
2. a hardened lxml parse checks the root and trims the tree: at most ``max_entries`` items, a few
   dozen of each repeated field per item (feedparser's category handling is quadratic) and
   bounded text nodes;
3. feedparser (given a ``BytesIO``: a bare ``bytes`` would be taken for a path or URL) maps the
   dialects onto one shape, which ``_entry`` turns into validated ``FeedEntry`` values.

JSON Feed is read with the json module (feedparser does not know it).
"""

from __future__ import annotations

import html
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
from lxml import etree

from crawlers.decoding import read_document
from crawlers.surrogates import encodable_json
from crawlers.xmlsafety import (
    clean_html,
    clean_xml,
    http_url,
    local_name,
    parse_date,
    parse_xml,
    plain_text,
)
from wirewatch.errors import FeedError
from wirewatch.models import FeedEntry

MAX_TITLE_CHARS = 1024
MAX_SUMMARY_CHARS = 200_000
MAX_CONTENT_CHARS = 500_000
MAX_GUID_CHARS = 2048
MAX_AUTHORS = 20
MAX_AUTHOR_CHARS = 200
MAX_SAME_FIELD = 50  # categories, links, enclosures, authors ... per item
MAX_ITEM_CHILDREN = 500
MAX_TEXT_NODE_CHARS = 1_000_000
MAX_ATTRIBUTES = 32  # per element: SAX attribute lookup is quadratic in their number
MAX_TTL_SECONDS = 30 * 86400
MAX_LEADING_JUNK = 65_536

FEED_ROOTS = frozenset({"rss", "RDF", "feed", "channel"})
ITEM_TAGS = frozenset({"item", "entry"})
SY_NS = "http://purl.org/rss/1.0/modules/syndication/"
SY_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2592000, "yearly": 31536000}
JSON_FEED_VERSION = "https://jsonfeed.org/version/"
_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)
_ISSUES = {
    "no_link": "{n} entries without link",
    "no_title": "{n} entries without title",
    "unsafe_link": "{n} links with a non-http(s) scheme dropped",
    "bad_date": "{n} unusable dates ignored",
    "duplicate": "{n} entries with a duplicate GUID dropped",
    "empty": "{n} empty entries dropped",
    "not_object": "{n} JSON Feed items that are not objects dropped",
}


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    link: str | None
    entries: tuple[FeedEntry, ...]
    ttl_seconds: int | None  # poll-interval hint: RSS <ttl>, sy:updatePeriod/Frequency
    warnings: tuple[str, ...]  # e.g. "truncated to 5000 entries", "3 entries without link"


def parse_feed(
    body: bytes,
    url: str | None = None,
    *,
    max_entries: int = 5000,
    max_bytes: int = 20_000_000,
    now: datetime | None = None,
) -> ParsedFeed:
    """Parse one feed document. ``url`` (where it was fetched) resolves relative links; ``now``
    bounds plausible dates (default: the current time). ``FeedError`` when ``body`` is not a
    usable feed: empty, binary, HTML, hostile beyond repair, or over ``max_bytes``."""
    decoded = read_document(body, max_entries=max_entries, max_bytes=max_bytes, what="document")
    now = now or datetime.now(UTC)
    builder = _Builder(base=http_url(url), now=now, warnings=list(decoded.warnings))
    text = decoded.text.lstrip("\ufeff \t\r\n")
    if text[:1] in ("{", "["):
        return _parse_json_feed(text, builder, max_entries)
    if _HTML_START.match(text[:4096]):
        raise FeedError("an HTML page, not a feed")
    return _parse_xml_feed(text, builder, max_entries)


class _Builder:
    """Validates entries into ``FeedEntry`` values and tallies what it had to drop."""

    def __init__(self, base: str | None, now: datetime, warnings: list[str]) -> None:
        self.base = base
        self.now = now
        self.warnings = warnings
        self.issues: Counter[str] = Counter()
        self.entries: list[FeedEntry] = []
        self._guids: set[str] = set()

    def date(self, *raws: object) -> datetime | None:
        """The first valid date among ``raws``; invalid ones are counted, never repaired."""
        for raw in raws:
            if not isinstance(raw, str) or not raw.strip():
                continue
            value = parse_date(raw, self.now)
            if value is not None:
                return value
            self.issues["bad_date"] += 1
        return None

    def link(self, raw: object, base: str | None) -> str | None:
        value = http_url(raw, base)
        if value is None and isinstance(raw, str) and raw.strip():
            self.issues["unsafe_link"] += 1
        return value

    def add(
        self, *, guid: object, url: str | None, title: object, summary: object, content: str | None,
        published: datetime | None, authors: Iterable[str],
    ) -> None:
        guid_text = guid.strip()[:MAX_GUID_CHARS] if isinstance(guid, str) and guid.strip() else url
        entry = FeedEntry(
            guid=guid_text,
            url=url,
            title=plain_text(title, MAX_TITLE_CHARS),
            summary=plain_text(summary, MAX_SUMMARY_CHARS),
            published=published,
            authors=_authors(authors),
            content=content[:MAX_CONTENT_CHARS] if content and content.strip() else None,
        )
        if not (entry.guid or entry.title or entry.summary or entry.content):
            self.issues["empty"] += 1
            return
        if entry.guid is not None:
            if entry.guid in self._guids:
                self.issues["duplicate"] += 1
                return
            self._guids.add(entry.guid)
        self.issues["no_link"] += entry.url is None
        self.issues["no_title"] += entry.title is None
        self.entries.append(entry)

    def result(self, title: object, link: str | None, ttl: int | None) -> ParsedFeed:
        notes = [_ISSUES[key].format(n=n) for key, n in self.issues.items() if n]
        return ParsedFeed(
            title=plain_text(title, MAX_TITLE_CHARS),
            link=link,
            entries=tuple(self.entries),
            ttl_seconds=ttl,
            warnings=tuple(self.warnings + notes),
        )


def _authors(names: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        text = plain_text(name, MAX_AUTHOR_CHARS)
        if text and text not in out:
            out.append(text)
        if len(out) >= MAX_AUTHORS:
            break
    return tuple(out)


# -- RSS and Atom -------------------------------------------------------------------------------


def _parse_xml_feed(text: str, builder: _Builder, max_entries: int) -> ParsedFeed:
    junk = text.find("<", 0, MAX_LEADING_JUNK) if not text.startswith("<") else 0
    if junk > 0:  # a PHP warning or a stray line printed before the feed
        builder.warnings.append(f"{junk} characters before the first tag ignored")
        text = text[junk:]
    cleaned = clean_xml(text)
    if cleaned.entities:
        builder.warnings.append(f"{cleaned.entities} entity declarations ignored")
    try:
        root = parse_xml(cleaned.text)
    except FeedError:
        raise FeedError("not a feed: not an XML document") from None
    name = local_name(root)
    if name.lower() == "html":
        raise FeedError("an HTML page, not a feed")
    if name not in FEED_ROOTS:
        raise FeedError(f"not a feed: the root element is <{name[:40]}>")
    try:
        builder.warnings.extend(_trim(root, max_entries))
        ttl = _ttl(root)
        # Relative links in RSS mean the site (the channel link), not necessarily the feed's host.
        links = (c.text for c in _channel(root) if local_name(c) == "link" and (c.text or "").strip())
        site = http_url(next(links, None), builder.base)
        data = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    except UnicodeDecodeError:  # lxml's recovery can still leave bytes it cannot decode
        raise FeedError("not a feed: undecodable text in the XML tree") from None
    entry_base = site or builder.base
    # No content-location: feedparser would "resolve" GUIDs such as "g4999" into URLs.
    headers = {"content-type": "application/xml; charset=utf-8"}
    # Sanitizing and link resolution are done by ``clean_html`` (lxml: several times faster
    # than feedparser's pure-Python passes, which dominate the time of large feeds).
    try:
        parsed = feedparser.parse(
            io.BytesIO(data), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as exc:  # feedparser has input-driven crashes (KeyError 'links' on nested items)
        raise FeedError(f"unreadable feed structure ({type(exc).__name__}: {str(exc)[:80]})") from None
    feed = parsed.get("feed", {})
    link = builder.link(feed.get("link"), builder.base)
    for entry in parsed.get("entries", []):
        raw_link = entry.get("link")
        if entry.get("guidislink") and raw_link == entry.get("id") and not http_url(raw_link, entry_base):
            raw_link = None  # feedparser's guess from a GUID such as "urn:uuid:...", not a link
        builder.add(
            guid=entry.get("id"),
            url=builder.link(raw_link, entry_base),
            title=entry.get("title"),
            summary=entry.get("summary"),
            content=_content(entry.get("content"), entry_base),
            # dict.get: feedparser's own lookup maps a missing "updated" to "published", and warns
            published=builder.date(*(dict.get(entry, key) for key in ("published", "updated", "created"))),
            authors=(a.get("name") or a.get("email") or "" for a in entry.get("authors") or ()),
        )
    return builder.result(feed.get("title"), link, ttl)


def _trim(root: etree._Element, max_entries: int) -> list[str]:
    """Bound the tree before feedparser walks it; returns warnings."""
    warnings: list[str] = []
    containers = [root, *(c for c in root if local_name(c) == "channel")]
    # Every item, nested ones too: feedparser makes an entry of each wherever it is.
    items = list(root.iter("{*}item", "{*}entry"))
    for extra in items[max_entries:]:
        parent = extra.getparent()
        if parent is not None:
            parent.remove(extra)
    if len(items) > max_entries:
        warnings.append(f"truncated to {max_entries} entries (of {len(items)})")
    dropped = sum(_cap_children(box, skip=ITEM_TAGS) for box in containers)
    for item in items[:max_entries]:
        dropped += _cap_children(item)
        for child in item:
            if len(child) > MAX_SAME_FIELD:
                dropped += _cap_children(child)  # media:group and other field containers
    if dropped:
        warnings.append(f"{dropped} repeated fields dropped (over {MAX_SAME_FIELD} of a kind per item)")
    cut = 0
    for element in root.iter(etree.Element):  # not entity references left by a mangled document
        if len(element.attrib) > MAX_ATTRIBUTES:
            for key in element.keys()[MAX_ATTRIBUTES:]:  # not items(): quadratic in lxml
                del element.attrib[key]
            cut += 1
        text = element.text
        if text and len(text) > MAX_TEXT_NODE_CHARS:
            text, cut = text[:MAX_TEXT_NODE_CHARS], cut + 1
            element.text = text
        # As CDATA, escaped HTML reaches feedparser in one piece instead of one SAX event per
        # entity: five times faster on full-text feeds.
        if text and ("<" in text or "&" in text) and "]]>" not in text:
            element.text = etree.CDATA(text)
        if element.tail and len(element.tail) > MAX_TEXT_NODE_CHARS:
            element.tail, cut = element.tail[:MAX_TEXT_NODE_CHARS], cut + 1
    if cut:
        warnings.append(f"{cut} oversized text fields or attribute lists truncated")
    return warnings


def _cap_children(element: etree._Element, skip: frozenset[str] = frozenset()) -> int:
    """Drop children past ``MAX_SAME_FIELD`` of one tag or ``MAX_ITEM_CHILDREN`` in all."""
    seen: Counter[object] = Counter()
    doomed = []
    fields = 0
    for child in element:
        if skip and local_name(child) in skip:
            continue
        seen[child.tag] += 1
        fields += 1
        if seen[child.tag] > MAX_SAME_FIELD or fields > MAX_ITEM_CHILDREN:
            doomed.append(child)
    for child in doomed:
        element.remove(child)
    return len(doomed)


def _channel(root: etree._Element) -> etree._Element:
    return next((c for c in root if local_name(c) == "channel"), root)


def _ttl(root: etree._Element) -> int | None:
    channel = _channel(root)
    for box in (channel, root):
        minutes = _positive_int(box.findtext("ttl"))
        if minutes is not None:
            return min(minutes * 60, MAX_TTL_SECONDS)
    for box in (channel, root):
        period = (box.findtext(f"{{{SY_NS}}}updatePeriod") or "").strip().lower()
        if period in SY_PERIODS:
            frequency = _positive_int(box.findtext(f"{{{SY_NS}}}updateFrequency")) or 1
            return max(60, min(SY_PERIODS[period] // frequency, MAX_TTL_SECONDS))
    return None


def _positive_int(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    return int(value) or None


def _content(items: object, base: str | None) -> str | None:
    """The body HTML among feedparser's ``content`` values (HTML first, plain text escaped),
    sanitized, with links resolved against its ``xml:base`` or ``base``."""
    if not isinstance(items, list):
        return None
    ranked = sorted(
        (c for c in items if isinstance(c, Mapping) and isinstance(c.get("value"), str)),
        key=lambda c: "html" not in str(c.get("type", "")),
    )
    if not ranked:
        return None
    best = ranked[0]
    value: str = best["value"][:MAX_CONTENT_CHARS]
    if "html" not in str(best.get("type", "")):
        return _text_to_html(value)
    return clean_html(value, http_url(best.get("base"), base) or base)


def _text_to_html(text: str) -> str:
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", text[:MAX_CONTENT_CHARS]))
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)


# -- JSON Feed ----------------------------------------------------------------------------------


def _parse_json_feed(text: str, builder: _Builder, max_entries: int) -> ParsedFeed:
    try:
        doc = encodable_json(json.loads(text))
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"invalid JSON: {str(exc)[:120]}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise FeedError("JSON, but not a JSON Feed (no items list)")
    if not str(doc.get("version", "")).startswith(JSON_FEED_VERSION):
        builder.warnings.append("missing or unknown JSON Feed version")
    link = builder.link(doc.get("home_page_url"), builder.base)
    items: list[Any] = doc["items"]
    if len(items) > max_entries:
        builder.warnings.append(f"truncated to {max_entries} entries (of {len(items)})")
    feed_authors = _json_authors(doc)
    item_base = link or builder.base
    for item in items[:max_entries]:
        if not isinstance(item, dict):
            builder.issues["not_object"] += 1
            continue
        raw_id = item.get("id")
        content_html, content_text = item.get("content_html"), item.get("content_text")
        if isinstance(content_html, str) and content_html.strip():
            content = clean_html(content_html[:MAX_CONTENT_CHARS], item_base)
        else:
            content = _text_to_html(content_text) if isinstance(content_text, str) else None
        builder.add(
            guid=str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None,
            url=builder.link(item.get("url") or item.get("external_url"), item_base),
            title=item.get("title"),
            summary=item.get("summary"),
            content=content,
            published=builder.date(item.get("date_published"), item.get("date_modified")),
            authors=_json_authors(item) or feed_authors,
        )
    return builder.result(doc.get("title"), link, None)


def _json_authors(obj: Mapping[str, Any]) -> list[str]:
    """JSON Feed 1.1 ``authors`` (a list) or 1.0 ``author`` (one object)."""
    raw = obj.get("authors")
    people = raw[:MAX_AUTHORS] if isinstance(raw, list) else [obj.get("author")]
    return [p["name"] for p in people if isinstance(p, dict) and isinstance(p.get("name"), str)]

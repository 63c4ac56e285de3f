"""Sitemap documents (urlset, sitemapindex, Google News, gzip, plain text) -> ``ParsedSitemap``.

A pure function of bytes, like ``crawlers.feeds``. Sitemaps never need a DTD, so a document that
declares one is refused outright rather than repaired. The XML is read incrementally and each
``<url>`` is discarded once converted, so a 50 MB sitemap costs little memory.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from crawlers.decoding import read_document
from crawlers.xmlsafety import (
    clean_xml,
    http_url,
    iterparse_xml,
    local_name,
    parse_date,
    plain_text,
)
from wirewatch.errors import FeedError
from wirewatch.models import FeedEntry

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed
MAX_TITLE_CHARS = 1024
SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
MAX_LEADING_JUNK = 65_536
_XML_START = re.compile(r"<(?:\?xml|urlset|sitemapindex)\b")
_ISSUES = {
    "bad_loc": "{n} locations that are not http(s) URLs dropped",
    "duplicate": "{n} duplicate locations dropped",
    "bad_date": "{n} unusable dates ignored",
}


@dataclass(frozen=True, slots=True)
class ParsedSitemap:
    """``entries``: guid = url = ``loc``, title from ``news:title``, published from
    ``news:publication_date`` or ``lastmod``. ``sitemaps``: child sitemap URLs when it is a
    ``<sitemapindex>``. ``warnings``: what was dropped or truncated, one line each."""

    entries: tuple[FeedEntry, ...]
    sitemaps: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def parse_sitemap(
    body: bytes,
    url: str | None = None,
    *,
    max_entries: int = 50_000,
    max_bytes: int = MAX_SITEMAP_BYTES,
    now: datetime | None = None,
) -> ParsedSitemap:
    """Parse one sitemap; ``url`` resolves relative locations, ``now`` bounds plausible dates.
    ``FeedError`` when ``body`` is not a usable sitemap."""
    decoded = read_document(body, max_entries=max_entries, max_bytes=max_bytes, what="sitemap")
    collector = _Collector(http_url(url), now or datetime.now(UTC), max_entries)
    collector.warnings.extend(decoded.warnings)
    text = decoded.text.lstrip("\ufeff \t\r\n")
    xml_start = None if text.startswith("<") else _XML_START.search(text, 0, MAX_LEADING_JUNK)
    if xml_start:  # a PHP warning or a stray line printed first
        collector.warnings.append(f"{xml_start.start()} characters before the first tag ignored")
        text = text[xml_start.start() :]
    if text.startswith("<"):
        _read_xml(text, collector)
    else:
        _read_lines(text, collector)
    return collector.result()


class _Collector:
    def __init__(self, base: str | None, now: datetime, max_entries: int) -> None:
        self.base = base
        self.now = now
        self.max_entries = max_entries
        self.entries: list[FeedEntry] = []
        self.sitemaps: list[str] = []
        self.warnings: list[str] = []
        self.issues: Counter[str] = Counter()
        self.truncated = False
        self._seen: set[str] = set()

    @property
    def full(self) -> bool:
        return len(self.entries) + len(self.sitemaps) >= self.max_entries

    def location(self, raw: str | None, *, relative: bool = True) -> str | None:
        loc = http_url((raw or "").strip(), self.base if relative else None)
        if loc is None:
            self.issues["bad_loc"] += 1
        elif loc in self._seen:
            self.issues["duplicate"] += 1
            loc = None
        else:
            self._seen.add(loc)
        return loc

    def date(self, *raws: str | None) -> datetime | None:
        """The first valid date among ``raws``; invalid ones are counted, never repaired."""
        for raw in raws:
            if not isinstance(raw, str) or not raw.strip():
                continue
            value = parse_date(raw, self.now)
            if value is not None:
                return value
            self.issues["bad_date"] += 1
        return None

    def result(self) -> ParsedSitemap:
        notes = [_ISSUES[key].format(n=n) for key, n in self.issues.items() if n]
        if self.truncated:
            notes.insert(0, f"truncated to {self.max_entries} entries")
        return ParsedSitemap(tuple(self.entries), tuple(self.sitemaps), tuple(self.warnings + notes))


def _read_lines(text: str, collector: _Collector) -> None:
    """The plain-text sitemap format: one absolute URL per line."""
    for line in text.splitlines():
        if not line.strip():
            continue
        if collector.full:
            collector.truncated = True
            return
        # A line is one absolute URL, or not a location at all (no resolving "not a url").
        words = line.split()
        if len(words) != 1:
            collector.issues["bad_loc"] += 1
            continue
        loc = collector.location(words[0], relative=False)
        if loc is not None:
            collector.entries.append(FeedEntry(guid=loc, url=loc))
    if not collector.entries:
        raise FeedError("not a sitemap: no line is an http(s) URL")


def _read_xml(text: str, collector: _Collector) -> None:
    cleaned = clean_xml(text)
    if cleaned.declarations:
        raise FeedError("sitemap carries a DOCTYPE or ENTITY declaration; refused")
    root_seen = False
    for event, element in iterparse_xml(cleaned.text):
        name = local_name(element)
        if not root_seen:
            root_seen = True
            if name not in SITEMAP_ROOTS:
                raise FeedError(f"not a sitemap: the root element is <{name[:40]}>")
            continue
        if event != "end" or name not in ("url", "sitemap") or element.getparent() is None:
            continue
        if collector.full:
            collector.truncated = True
            return
        try:
            fields = _fields(element)
        except UnicodeDecodeError:  # lxml's recovery can still leave bytes it cannot decode
            raise FeedError("not a sitemap: undecodable text in the XML tree") from None
        loc = collector.location(fields.get("loc"))
        if loc is not None and name == "sitemap":
            collector.sitemaps.append(loc)
        elif loc is not None:
            collector.entries.append(
                FeedEntry(
                    guid=loc,
                    url=loc,
                    title=plain_text(fields.get("title"), MAX_TITLE_CHARS),
                    published=collector.date(fields.get("publication_date"), fields.get("lastmod")),
                )
            )
        _forget(element)
    if not root_seen:
        raise FeedError("not a sitemap: not an XML document")


def _fields(element: etree._Element) -> dict[str, str]:
    """Texts of ``<url>`` children by local name, with the ``news:news`` block flattened in."""
    fields: dict[str, str] = {}
    for child in element:
        name = local_name(child)
        if name == "news":
            for part in child:
                fields.setdefault(local_name(part), part.text or "")
        else:
            fields.setdefault(name, child.text or "")
    return fields


def _forget(element: etree._Element) -> None:
    element.clear(keep_tail=False)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]

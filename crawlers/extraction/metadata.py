"""Article metadata: trafilatura's extractor, sharpened by the page's own og:/JSON-LD timestamps.

trafilatura (``extract_metadata``) already merges ``<meta>``, OpenGraph and JSON-LD for the title,
authors, canonical URL, site name and image, and asks htmldate for the original publication date.
htmldate returns a day; the page usually states the exact instant in ``article:published_time`` or
JSON-LD ``datePublished``, which we keep when it agrees with htmldate's day. The last update comes
from ``article:modified_time`` / ``dateModified``, else from htmldate's latest-date search, and only
counts when it is later than the publication. The declared languages are collected here and
checked against the body text in ``language.py``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import extract_metadata
from trafilatura.settings import set_date_params

logger = logging.getLogger(__name__)

_PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "dc.date.issued",
    "dcterms.created", "parsely-pub-date", "sailthru.date", "pubdate", "publish-date",
)
_MODIFIED_KEYS = (
    "article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
    "dcterms.modified", "last-modified",
)
_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "liveblogposting", "opinionnewsarticle", "backgroundnewsarticle", "report", "webpage",
}
_MAX_JSON_LD_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None
    authors: tuple[str, ...]
    canonical_url: str | None
    site_name: str | None
    published: datetime | None
    updated: datetime | None
    image: str | None
    # What the page says its language is, most authoritative first (``<html lang>`` first).
    declared_languages: tuple[str, ...]


def _meta_tags(root: HtmlElement) -> dict[str, str]:
    """``<meta>`` name/property/itemprop (lowercased) -> first non-empty content."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = (meta.get("content") or meta.get("datetime") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key:
                found.setdefault(key, content)
    for element in root.xpath("//*[@itemprop='datePublished' or @itemprop='dateModified'][@datetime]"):
        found.setdefault(element.get("itemprop").lower(), element.get("datetime").strip())
    return found


def _walk_json(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _walk_json(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_json(item)


def _json_ld_articles(root: HtmlElement) -> list[dict[str, Any]]:
    articles = []
    for script in root.xpath("//script[@type='application/ld+json']"):
        raw = script.text or ""
        if not raw.strip() or len(raw) > _MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        for node in _walk_json(data):
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                articles.append(node)
    return articles


def parse_timestamp(value: object) -> datetime | None:
    """An ISO-8601 timestamp (``Z`` allowed) as an aware datetime; naive ones are taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _first_timestamp(keys: tuple[str, ...], tags: dict[str, str], ld: list[dict[str, Any]]) -> datetime | None:
    for key in keys:
        for article in ld:
            for field, value in article.items():
                if field.lower() == key and (parsed := parse_timestamp(value)):
                    return parsed
        if (parsed := parse_timestamp(tags.get(key))) is not None:
            return parsed
    return None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _at_midnight(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None


def _json_ld_url(ld: list[dict[str, Any]]) -> str | None:
    for article in ld:
        for field in ("url", "mainEntityOfPage"):
            value = article.get(field)
            value = value.get("@id") if isinstance(value, dict) else value
            if isinstance(value, str) and value.startswith(("http://", "https://")):
                return value
    return None


def _canonical(found: str | None, url: str | None) -> str | None:
    try:
        candidate = urljoin(url, found) if found and url else found
        if candidate and urlsplit(candidate).scheme in ("http", "https"):
            return candidate
    except ValueError:  # "http://[::1": a malformed canonical link or page URL
        pass
    return url


def _authors(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    names = [name.strip() for name in raw.split(";")]
    return tuple(dict.fromkeys(name for name in names if name))


def page_metadata(root: HtmlElement, url: str | None) -> PageMetadata:
    """Metadata of a parsed page (read only: ``root`` is not modified)."""
    # Not trafilatura's "extensive" date search: it hands odd date strings to dateparser, which
    # costs seconds per page (regexes for 200 locales) and turns "2024-13-45" into 2024-01-01.
    document = extract_metadata(root, default_url=url, date_config=set_date_params(False))
    tags = _meta_tags(root)
    ld = _json_ld_articles(root)

    day = _day(document.date)
    stated = _first_timestamp(_PUBLISHED_KEYS, tags, ld)
    agrees = stated is not None and (day is None or stated.date() == day)
    published = stated if agrees else _at_midnight(day)

    updated = _first_timestamp(_MODIFIED_KEYS, tags, ld)
    if updated is None and published is not None:
        latest = _day(find_date(root, extensive_search=False, original_date=False, url=url))
        updated = _at_midnight(latest)
    if updated is not None and (published is None or updated <= published):
        updated = None

    declared = [root.get("lang"), root.get("xml:lang"), tags.get("og:locale"), tags.get("content-language"),
                tags.get("dc.language"), *(a.get("inLanguage") for a in ld)]
    return PageMetadata(
        title=document.title or None,
        authors=_authors(document.author),
        # trafilatura falls back to the fetched URL; the article's JSON-LD URL is better evidence.
        canonical_url=_canonical((document.url != url and document.url) or _json_ld_url(ld) or document.url, url),
        site_name=document.sitename or None,
        published=published,
        updated=updated,
        image=document.image or None,
        declared_languages=tuple(v for v in declared if isinstance(v, str) and v.strip()),
    )

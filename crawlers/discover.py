"""``sources add``: from a homepage or a feed URL to a working source entry.

Order of preference: the URL itself when it is a feed or a sitemap; feeds the page advertises
(``<link rel="alternate">``); common feed paths; sitemaps named in robots.txt; finally the page
itself as a ``site`` source (section page whose links are followed). Every fetch goes through
Scrapy (``fetch_all``); the decisions are pure functions of the fetched bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawlers.discovery import discover_feed_links, robots_sitemaps
from crawlers.feeds import parse_feed
from crawlers.sitemaps import parse_sitemap
from crawlers.spiders.fetch import Fetched, fetch_all
from wirewatch.errors import InputError

COMMON_FEED_PATHS = ("/feed/", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feed.json")


@dataclass(frozen=True, slots=True)
class Discovery:
    kind: str  # feed | sitemap | site
    url: str
    title: str | None
    entries: int
    sample: tuple[str, ...] = ()
    tried: tuple[str, ...] = field(default_factory=tuple)


def as_feed(f: Fetched) -> Discovery | None:
    if f.status != 200 or not f.body:
        return None
    try:
        parsed = parse_feed(f.body, f.url)
    except Exception:
        return None
    if not parsed.entries:
        return None
    sample = tuple((e.title or e.url or "")[:100] for e in parsed.entries[:5])
    return Discovery("feed", f.url, parsed.title, len(parsed.entries), sample)


def as_sitemap(f: Fetched) -> Discovery | None:
    if f.status != 200 or not f.body:
        return None
    try:
        parsed = parse_sitemap(f.body, f.url)
    except Exception:
        return None
    if not parsed.entries and not parsed.sitemaps:
        return None
    sample = tuple((e.title or e.url or "")[:100] for e in parsed.entries[:5]) or parsed.sitemaps[:5]
    return Discovery("sitemap", f.url, None, len(parsed.entries) or len(parsed.sitemaps), sample)


async def discover(scrapy_settings: dict[str, Any], url: str) -> Discovery:
    tried = [url]
    first = (await fetch_all(scrapy_settings, [url]))[url]
    if first.status is None:
        raise InputError(f"{url}: could not fetch: {first.error}")
    found = as_feed(first) or as_sitemap(first)
    if found:
        return found
    if first.status != 200:
        raise InputError(f"{url}: HTTP {first.status}")
    base = first.url
    candidates = discover_feed_links(first.body, base)
    root = f"{urlsplit(base).scheme}://{urlsplit(base).netloc}"
    candidates += [urljoin(root, p) for p in COMMON_FEED_PATHS if urljoin(root, p) not in candidates]
    tried += candidates
    fetched = await fetch_all(scrapy_settings, candidates)
    for candidate in candidates:
        found = as_feed(fetched[candidate])
        if found:
            return Discovery(found.kind, found.url, found.title, found.entries, found.sample, tuple(tried))
    robots_url = urljoin(root, "/robots.txt")
    robots = (await fetch_all(scrapy_settings, [robots_url]))[robots_url]
    maps = robots_sitemaps(robots.body) if robots.status == 200 else []
    tried += maps
    if maps:
        fetched = await fetch_all(scrapy_settings, maps[:5])
        for m in maps[:5]:
            found = as_sitemap(fetched[m])
            if found:
                return Discovery(found.kind, found.url, found.title, found.entries, found.sample, tuple(tried))
    return Discovery("site", base, None, 0, (), tuple(tried))


def suggest_name(url: str, taken: set[str]) -> str:
    """A source name from the host: ``https://www.armenianweekly.com/feed/`` -> ``armenianweekly``."""
    import re

    import tldextract

    ext = tldextract.TLDExtract(suffix_list_urls=())(url)
    base = ext.domain or (urlsplit(url).hostname or "source")
    if ext.subdomain and ext.subdomain not in ("www", "feeds", "rss", "feed"):
        base = f"{ext.subdomain}-{base}"
    name = re.sub(r"[^a-z0-9-]+", "-", base.lower()).strip("-")[:60] or "source"
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    return candidate

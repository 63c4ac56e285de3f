"""Finding feeds and sitemaps for a site: ``Sitemap:`` lines of robots.txt and the
``<link rel="alternate">`` feed links of an HTML page. Pure functions of bytes."""

from __future__ import annotations

import re

from lxml import etree, html

from crawlers.xmlsafety import http_url

MAX_ROBOTS_BYTES = 500 * 1024  # Google reads no further either
MAX_HTML_BYTES = 5_000_000
MAX_LINKS = 1000
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json"})
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE)


def robots_sitemaps(robots_txt: bytes) -> list[str]:
    """The absolute http(s) URLs of the ``Sitemap:`` lines, in order, without duplicates."""
    text = robots_txt[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff")
    found: list[str] = []
    for line in text.splitlines():
        match = _SITEMAP_LINE.match(line.split("#", 1)[0])
        url = http_url(match.group(1)) if match else None
        if url and url not in found:
            found.append(url)
            if len(found) >= MAX_LINKS:
                break
    return found


def discover_feed_links(html_page: bytes, base_url: str) -> list[str]:
    """Feed URLs advertised by ``<link rel="alternate" type="application/rss+xml|atom+xml|
    feed+json">``, resolved against ``<base href>`` and ``base_url``, in order, deduplicated."""
    body = html_page[:MAX_HTML_BYTES]
    if not body.strip():
        return []
    parser = html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        doc = html.document_fromstring(body, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    base = http_url(base_url)
    declared_base = doc.find(".//base[@href]")
    if declared_base is not None:
        base = http_url(declared_base.get("href"), base) or base
    found: list[str] = []
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        url = http_url(link.get("href"), base)
        if url and url not in found:
            found.append(url)
            if len(found) >= MAX_LINKS:
                break
    return found

"""crawlers.discovery: Sitemap lines of robots.txt and feed links advertised by a page."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.discovery import discover_feed_links, robots_sitemaps

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds" / "discovery"


def test_robots_sitemaps() -> None:
    assert robots_sitemaps((DATA / "robots.txt").read_bytes()) == [
        "https://caucasuswire.example.com/sitemap_index.xml",
        "https://caucasuswire.example.com/news-sitemap.xml",
        "https://cdn.caucasuswire.example.com/sitemaps/video.xml.gz",
    ]


@pytest.mark.parametrize(
    "robots",
    [b"", b"User-agent: *\nDisallow: /\n", b"\x00\xff\xfe garbage \x80", b"Sitemap: javascript:alert(1)\n"],
)
def test_robots_without_usable_sitemaps(robots: bytes) -> None:
    assert robots_sitemaps(robots) == []


def test_robots_sitemaps_is_bounded() -> None:
    many = b"".join(b"Sitemap: https://news.example.com/s%d.xml\n" % i for i in range(5000))
    assert len(robots_sitemaps(many)) == 1000


def test_discover_feed_links() -> None:
    page = (DATA / "news_home.html").read_bytes()
    assert discover_feed_links(page, "https://caucasuswire.example.com/") == [
        "https://caucasuswire.example.com/feed/",
        "https://caucasuswire.example.com/en/comments/feed/",  # relative to <base href>
        "https://caucasuswire.example.com/feed/atom/",
        "https://caucasuswire.example.com/feed/json/",
    ]


def test_discover_feed_links_resolves_against_the_page_url() -> None:
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="feed.xml"></head></html>'
    assert discover_feed_links(page, "https://news.example.com/world/") == [
        "https://news.example.com/world/feed.xml"
    ]


def test_discover_feed_links_in_a_legacy_encoding() -> None:
    page = (
        '<html><head><meta charset="windows-1251"><title>Новости</title>'
        '<link rel="alternate" type="application/atom+xml" href="/новости.atom"></head></html>'
    ).encode("cp1251")
    assert discover_feed_links(page, "https://news.example.ru/") == ["https://news.example.ru/новости.atom"]


@pytest.mark.parametrize(
    "page",
    [b"", b"   ", b"\x00\x01\x02\x03", b"<html><body>No links</body></html>", b"not html at all", b"<" * 10_000],
)
def test_pages_without_feed_links(page: bytes) -> None:
    assert discover_feed_links(page, "https://news.example.com/") == []

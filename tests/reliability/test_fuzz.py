"""Fuzzing with hypothesis: URL canonicalisation properties, and mutation fuzzing of every parsing
entry point (feeds, sitemaps, article pages, feed discovery, robots.txt) seeded with real fixtures.

Each parser must return a result or raise the ``InputError`` it documents, never anything else,
and what it returns must be storable and printable (encodable as UTF-8, http(s) links only).
``WIREWATCH_FUZZ_EXAMPLES`` scales the run (default 120 per entry point; the report's long run used
5,000). Regression tests for what the fuzzing found close the file.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crawlers.discovery import discover_feed_links, robots_sitemaps
from crawlers.extract import extract_article
from crawlers.feeds import parse_feed
from crawlers.sitemaps import parse_sitemap
from crawlers.urls import canonicalize, clean_url, host_is_private, is_http_url, looks_like_article_url, url_id
from tests.reliability.corpus import HTML, REPO
from wirewatch.errors import ExtractionError, FeedError, InputError

EXAMPLES = int(os.environ.get("WIREWATCH_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("WIREWATCH_FUZZ_EXAMPLES"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
DATA = REPO / "tests" / "data"


def _seeds(*patterns: str) -> list[bytes]:
    return [p.read_bytes() for pattern in patterns for p in sorted(DATA.glob(pattern)) if p.is_file()]


FEED_SEEDS = _seeds("feeds/*.xml", "feeds/*.rdf", "feeds/*.json", "feeds/bad/xxe_*.xml", "feeds/bad/blowup_*.xml")
SITEMAP_SEEDS = _seeds("sitemaps/*.xml", "sitemaps/*.txt")
PAGE_SEEDS = [*_seeds("extraction/*.html", "feeds/discovery/*.html"), HTML.corpus()["encoding_utf16le_bom.html"]]
ROBOTS_SEEDS = _seeds("feeds/discovery/robots.txt")

# Fragments that parsers care about: markup, entities, encodings, links, dates, JSON escapes.
TOKENS = [
    b"<", b">", b"&", b"&amp;", b"&#0;", b"&#xD800;", b"&#x110000;", b"&lol;", b"]]>", b"<![CDATA[", b"<!--", b"-->",
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', b'<?xml version="1.0" encoding="base64"?>',
    b'<meta charset="rot13">', b'<meta charset="utf-16">', b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc0\xaf",
    b"\xed\xa0\x80", b"\r", b"\n", b" ", b"\t", b'"', b"'", b"javascript:alert(1)", b"http://[::1", b"http://a:99999/",
    b"http://169.254.169.254/", b"file:///etc/passwd", b"2024-13-45T25:61:61Z", b"-0044-03-15", b"9999-12-31",
    b"\\ud800", b'"\\udcff"', b"\\u0000", b"<item>", b"</item>", b"<entry>", b"<loc>", b"</loc>", b"<url>",
    b"<a href=", b"<link rel=alternate type=application/rss+xml href=", b"<base href=", b"Sitemap: ",
    b"<script>", b"</script>", b"<div>" * 50, b"1e309", b"NaN", b'{"@type":"NewsArticle","url":"',
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate", "token"]))
        at = draw(st.integers(0, max(0, len(data))))
        if kind == "flip" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "truncate":
            del data[at:]
        elif kind == "duplicate" and data:
            start = draw(st.integers(0, len(data) - 1))
            data[at:at] = data[start : start + draw(st.integers(1, 2048))] * draw(st.integers(1, 4))
        else:
            data[at:at] = draw(st.sampled_from(TOKENS))
    return bytes(data)


def _storable(value: Any) -> None:
    """What a parser returns can be printed and stored: JSON-serialisable and encodable as UTF-8."""
    json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")


def _safe_link(url: str | None) -> None:
    assert url is None or is_http_url(url), url  # schemes are case-insensitive: "httPs://" is https


@FUZZ
@given(mutated(FEED_SEEDS))
def test_parse_feed_gives_entries_or_feed_error(body: bytes) -> None:
    try:
        parsed = parse_feed(body, "https://news.example.com/feed/")
    except FeedError:
        return
    for entry in parsed.entries:
        _storable(entry.to_json())
        _safe_link(entry.url)
        assert "<script" not in (entry.title or "").lower()


@FUZZ
@given(mutated(SITEMAP_SEEDS))
def test_parse_sitemap_gives_entries_or_feed_error(body: bytes) -> None:
    try:
        parsed = parse_sitemap(body, "https://news.example.com/sitemap.xml")
    except FeedError:
        return
    for entry in parsed.entries:
        _storable(entry.to_json())
        _safe_link(entry.url)
    for child in parsed.sitemaps:
        _safe_link(child)


@FUZZ
@given(mutated(PAGE_SEEDS))
def test_extract_gives_an_article_or_extraction_error(body: bytes) -> None:
    try:
        article = extract_article(body, "https://news.example.com/2024/03/15/story/")
    except ExtractionError:
        return
    _storable(article.to_json())
    assert article.text.strip()
    _safe_link(article.canonical_url)


@FUZZ
@given(mutated(PAGE_SEEDS))
def test_feed_discovery_finds_http_links_or_none(body: bytes) -> None:
    for url in discover_feed_links(body, "https://news.example.com/"):
        _safe_link(url)
        _storable(url)


@FUZZ
@given(st.one_of(mutated(ROBOTS_SEEDS), st.binary(max_size=2000)))
def test_robots_sitemaps_are_http_links(body: bytes) -> None:
    for url in robots_sitemaps(body):
        _safe_link(url)


# -- URL canonicalisation ----------------------------------------------------------------------

HOSTS = st.one_of(
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]{2,6}){1,2}", fullmatch=True),
    st.sampled_from(["EXAMPLE.com", "xn--e1afmkfd.xn--p1ai", "пример.рф", "[::1]", "[2001:db8::1]", "127.0.0.1",
                     "news.example.com.", "a..b", "[fe80::1%25eth0]"]),
)
QUERY = st.lists(st.tuples(st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid", "id", "page", "q", "ref",
                                            "Share", "a", "b"]),
                           st.text(alphabet="abc 123&=%/?#é", max_size=6)), max_size=5)
URLS = st.builds(
    lambda scheme, host, port, path, query, frag: (
        f"{scheme}://{host}{port}{path}" + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")
        + (f"#{frag}" if frag else "")),
    st.sampled_from(["http", "https", "HTTP", "Https"]), HOSTS,
    st.sampled_from(["", ":80", ":443", ":8080", ":0", ":65535", ":99999", ":-1", ":x"]),
    st.from_regex(r"(/[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,12}){0,4}/?", fullmatch=True),
    QUERY, st.text(max_size=5),
)


@FUZZ
@given(st.one_of(st.text(max_size=200), URLS))
@example("http://[::1")
@example("http://a:99999/x")
@example("http://exa mple.com/")
def test_url_helpers_never_raise(text: str) -> None:
    canonical = canonicalize(text)
    assert isinstance(canonical, str)
    clean_url(text)
    looks_like_article_url(text)
    assert isinstance(is_http_url(text), bool)
    assert len(url_id(canonical)) == 16


@FUZZ
@given(URLS)
def test_canonical_urls_are_stable_and_free_of_tracking(url: str) -> None:
    canonical = canonicalize(url)
    assert canonicalize(canonical) == canonical  # idempotent: ids and "seen" checks are stable
    assert url_id(canonicalize(canonical)) == url_id(canonical)
    if is_http_url(url):
        assert is_http_url(canonical)
        assert "#" not in canonical
        keys = [k for k, _ in parse_qsl(canonical.partition("?")[2], keep_blank_values=True)]
        assert not any(k.lower().startswith("utm_") or k.lower() in ("fbclid", "gclid", "ref", "share") for k in keys)
        assert keys == sorted(keys)


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def numeric_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real(host, None, flags=socket.AI_NUMERICHOST)

    monkeypatch.setattr(socket, "getaddrinfo", numeric_only)


@FUZZ
@given(st.one_of(st.text(max_size=60), HOSTS, st.ip_addresses().map(str)))
def test_private_network_check_never_raises(no_dns: None, host: str) -> None:
    assert isinstance(host_is_private(host), bool)


# -- regressions found by the runs above and the corpus ----------------------------------------------


def test_lone_surrogates_from_json_escapes_are_replaced() -> None:
    feed = ('{"version": "https://jsonfeed.org/version/1.1", "title": "x\\ud800", "items": [{"id": "\\udcff1", '
            '"url": "https://news.example.com/a\\ud800", "title": "T \\ud800 \\ud83d\\ude00", "content_text": "b \\udfff"}]}')
    (entry,) = parse_feed(feed.encode()).entries
    _storable(entry.to_json())
    assert entry.title == "T \ufffd \U0001f600"  # a valid pair stays one character
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "url": "https://news.example.com/x\\ud800", '
          '"author": {"name": "A \\udcff"}, "publisher": {"name": "P\\ud800"}}</script>')
    article = extract_article(HTML.page(extra_head=ld), "https://news.example.com/x")
    _storable(article.to_json())


def test_invalid_urls_are_not_http_urls() -> None:
    for bad in ("http://[::1", "http://a:99999/x", "https://a:-1/", "http://a:port/"):
        assert not is_http_url(bad)
        assert canonicalize(bad) == bad  # returned as is: nothing to canonicalise, nothing fetched
    assert canonicalize("HTTP://Example.COM:80/a/?b=2&utm_source=x&a=1#top") == "http://example.com/a?a=1&b=2"


def test_hostile_pages_are_refused_fast_or_read_right() -> None:
    with pytest.raises(ExtractionError, match="too complex"):
        extract_article("<html><body><article>" + "<p>w</p>" * 70_000 + "</article></body></html>")
    wide = extract_article(HTML.page(body_attrs="".join(f" a{i}=x" for i in range(200_000))))
    assert "Kapan" in wide.text  # 200,000 attributes on <body>: cut before libxml2, not 10 minutes
    dated = extract_article(HTML.page(extra_head='<meta property="article:published_time" content="2024-13-45T25:61:61Z">'))
    assert dated.published is None  # an impossible date is no date (not 2024-01-01)
    for codec in ("base64", "rot13", "zlib", "undefined", "utf-7"):
        page = HTML.page(head=f'<meta charset="{codec}">', paragraphs=HTML.FRENCH).encode("latin-1")
        assert "électricité" in extract_article(page).text
    assert issubclass(ExtractionError, InputError)


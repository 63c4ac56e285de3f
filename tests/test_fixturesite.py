"""The fixture news site: a deterministic world, served correctly, with its faults bounded."""

from __future__ import annotations

import gzip
import html
import http.client
import itertools
import re
import threading
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from urllib.parse import quote, urlsplit

import feedparser
import pytest
import yaml

from tests.fixturesite import FixtureSite, World, build_world, serve_world
from tests.fixturesite.records import TRACKING_QUERY

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
WORD = re.compile(r"\w+")


def shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    """GET through urllib (no proxies); HTTP errors and 304 come back as a status, not an exception."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def raw_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request without following redirects or decoding anything."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def matches(rule: dict[str, list[str]], text: str) -> bool:
    return any(re.search(rf"\b{re.escape(word)}\b", text) for word in rule["any"])


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[World, FixtureSite]]:
    world = build_world()
    with serve_world(world) as site:
        yield world, site


# -- the generated world -------------------------------------------------------------------------


def test_build_is_deterministic_per_seed() -> None:
    first, again, other = build_world(), build_world(), build_world(seed=8)
    assert [a.text for a in first.articles] == [a.text for a in again.articles]
    assert [a.url for a in first.articles] == [a.url for a in again.articles]
    assert [a.text for a in first.articles] != [a.text for a in other.articles]


def test_world_has_outlets_of_every_kind() -> None:
    world = build_world()
    outlets = world.outlets
    assert len(outlets) >= 5
    assert all(re.fullmatch(r"[a-z0-9-]+", o.slug) for o in outlets)
    assert len({o.slug for o in outlets}) == len(outlets)
    assert {o.feed_kind for o in outlets} == {"rss", "atom"}
    assert {o.template for o in outlets} == {"press", "newsroom", "legacy"}
    assert any(o.news_sitemap for o in outlets)
    assert {o.feed_kind for o in outlets if o.full_text_feed} == {"rss", "atom"}
    assert [o.host for o in outlets] == [f"127.0.0.{10 + i}" for i in range(len(outlets))]


def test_article_ground_truth_is_consistent() -> None:
    world = build_world()
    assert len(world.articles) == 36
    assert len(set(world.article_urls)) == 36
    assert len(world.off_topic_urls) >= 2
    assert len(world.unrelated_urls) == 36 - 4 - len(world.off_topic_urls)
    for article in world.articles:
        assert 300 <= len(article.text.split()) <= 900, article.id
        assert article.published <= world.now
        assert world.article(article.link) == article
    assert any(TRACKING_QUERY in a.link for a in world.articles)


def test_wire_reprints_share_their_body_but_not_their_titles() -> None:
    world = build_world()
    reprints = [world.article(url) for url in world.wire_story_urls]
    assert len(reprints) == 4
    assert len({a.outlet for a in reprints}) == 4
    assert len({a.title for a in reprints}) == 4
    assert len({a.authors for a in reprints}) > 1
    for a, b in itertools.combinations(reprints, 2):
        assert jaccard(a.text, b.text) >= 0.6, (a.id, b.id)
    # The edits the brief promises: a local intro, trimmed tails, a dropped dateline and credit.
    wire = world.wire_story()
    assert sum(not a.paragraphs[0].startswith(wire.dateline) for a in reprints) == 2
    assert sum(wire.credit in a.paragraphs for a in reprints) == 2
    assert sum(a.paragraphs[-1] == wire.changed_credit for a in reprints) == 1


def test_unrelated_articles_do_not_resemble_the_wire_story_or_each_other() -> None:
    world = build_world()
    texts = {a.url: a.text for a in world.articles}
    wire_urls = world.wire_story_urls
    others = [url for url in texts if url not in wire_urls]
    # Hard negatives exist: another strike on Kyiv, written independently.
    assert any(world.article(u).event == "strike" and world.article(u).place == "Kyiv" for u in others)
    assert max(jaccard(texts[w], texts[o]) for w in wire_urls for o in others) < 0.2
    assert max(jaccard(texts[a], texts[b]) for a, b in itertools.combinations(others, 2)) < 0.2


def test_topic_rules_separate_the_war_from_off_topic_articles() -> None:
    world = build_world()
    ukraine, sudan = world.topics["ukraine"], world.topics["sudan"]
    for article in world.articles:
        body = f"{article.title}\n{article.text}"
        assert matches(ukraine, body) == (article.topic == "ukraine"), article.id
        assert matches(sudan, body) == (article.topic == "sudan"), article.id


def test_junk_phrases_are_on_pages_but_never_in_expected_text() -> None:
    world = build_world()
    pages = [
        html.unescape(re.sub(r"<[^>]+>", "", doc.body.decode()))
        for a in world.articles
        if (doc := world.document(world.outlet(a.outlet).index, a.path)) is not None
    ]
    assert len(pages) == len(world.articles)
    assert len(world.junk_phrases) > 20
    assert "Leave a Reply" in world.junk_phrases
    for phrase in world.junk_phrases:
        assert any(phrase in page for page in pages), phrase
        assert not any(phrase in a.text or phrase in a.title for a in world.articles), phrase
    for article, page in zip(world.articles, pages, strict=True):
        assert all(p in page for p in article.paragraphs), article.id
        assert all(j in page for j in article.junk_phrases), article.id


def test_sources_yaml_lists_every_outlet(tmp_path: Path) -> None:
    world = build_world()
    for kind in ("feed", "sitemap", "site"):
        written = world.sources_yaml(tmp_path / f"{kind}.yaml", kind=kind)
        document = yaml.safe_load(written.read_text())
        assert set(document["topics"]) == {"ukraine", "sudan"}
        sources = document["sources"]
        assert [s["name"] for s in sources] == [o.slug for o in world.outlets]
        assert {s["kind"] for s in sources} == {kind}
        assert all(s["every"] == "10m" for s in sources)
    feeds = yaml.safe_load((tmp_path / "feed.yaml").read_text())["sources"]
    assert [s["url"] for s in feeds] == [o.feed_url for o in world.outlets]
    with pytest.raises(ValueError):
        world.sources_yaml(tmp_path / "bad.yaml", kind="rss")  # type: ignore[arg-type]


def test_scale_mode_has_two_thousand_articles_and_many_clusters() -> None:
    world = build_world(outlets=50, articles_per_outlet=40)
    assert len(world.articles) == 2000
    clusters = world.wire_clusters
    assert len(clusters) == 30
    assert sum(len(urls) for urls in clusters.values()) == 200
    for urls in clusters.values():
        outlets = {world.article(u).outlet for u in urls}
        assert len(outlets) == len(urls) >= 2


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        build_world(outlets=3)
    with pytest.raises(ValueError):
        build_world(articles_per_outlet=2)


# -- serving -------------------------------------------------------------------------------------


def test_each_outlet_is_served_on_its_own_loopback_address(served: tuple[World, FixtureSite]) -> None:
    world, site = served
    for outlet in world.outlets:
        assert urlsplit(outlet.base_url).hostname == outlet.host
        status, _, body = fetch(outlet.home_url)
        assert status == 200
        assert outlet.name in body.decode()
    assert len(set(site.base_urls)) == len(world.outlets)


def test_feeds_list_every_article_with_stable_guids(served: tuple[World, FixtureSite]) -> None:
    world, _ = served
    for outlet in world.outlets:
        status, headers, body = fetch(outlet.feed_url)
        assert status == 200
        assert headers["Content-Type"].startswith(f"application/{outlet.feed_kind}+xml")
        parsed = feedparser.parse(body)
        assert not parsed.bozo, parsed.get("bozo_exception")
        expected = world.articles_of(outlet.slug)
        assert [e.link for e in parsed.entries] == [a.link for a in expected]
        assert [e.title for e in parsed.entries] == [a.title for a in expected]
        ids = [e.id for e in parsed.entries]
        assert len(set(ids)) == len(ids) and all(outlet.slug in i for i in ids)
        if outlet.full_text_feed:
            assert expected[0].paragraphs[-1] in html.unescape(parsed.entries[0].content[0].value)


def test_article_page_carries_metadata_and_a_clean_canonical(served: tuple[World, FixtureSite]) -> None:
    world, _ = served
    article = next(a for a in world.articles if TRACKING_QUERY in a.link)
    status, headers, body = fetch(article.link)
    page = body.decode()
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert f'<link rel="canonical" href="{article.url}">' in page
    assert TRACKING_QUERY not in article.url
    assert f'<meta property="og:title" content="{html.escape(article.title)}">' in page
    assert f'<meta property="article:published_time" content="{article.published.isoformat()}">' in page
    assert '<time datetime="' in page or "<time class=" in page
    assert re.search(r'<html lang="en(-[A-Z]{2})?">', page)
    assert html.escape(article.authors[0]) in page


def test_robots_txt_disallows_private_and_names_the_sitemap(served: tuple[World, FixtureSite]) -> None:
    world, _ = served
    outlet = world.outlets[0]
    status, headers, body = fetch(outlet.robots_url)
    text = body.decode()
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /private/" in text.splitlines()
    assert f"Sitemap: {outlet.sitemap_url}" in text.splitlines()
    section = fetch(outlet.section_url)[2].decode()
    assert 'href="/private/drafts/"' in section  # a crawler will find it; robots must stop it


def test_sitemaps_list_articles_and_one_is_a_news_sitemap(served: tuple[World, FixtureSite]) -> None:
    world, _ = served
    for outlet in world.outlets:
        status, headers, body = fetch(outlet.sitemap_url)
        text = body.decode()
        assert status == 200 and headers["Content-Type"].startswith("application/xml")
        assert "<urlset" in text
        locs = re.findall(r"<loc>([^<]+)</loc>", text)
        assert locs == [a.url for a in world.articles_of(outlet.slug)]
        assert ("<news:publication_date>" in text) == outlet.news_sitemap


def test_conditional_get_answers_304_until_the_feed_changes() -> None:
    world = build_world()
    with serve_world(world) as site:
        outlet = world.outlets[1]
        status, headers, _ = fetch(outlet.feed_url)
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert status == 200 and etag and modified
        assert fetch(outlet.feed_url, {"If-None-Match": etag})[0] == 304
        assert fetch(outlet.feed_url, {"If-Modified-Since": modified})[0] == 304
        assert fetch(outlet.sitemap_url, {"If-None-Match": fetch(outlet.sitemap_url)[1]["ETag"]})[0] == 304
        added = world.add_article(outlet.slug)
        status, headers, body = fetch(outlet.feed_url, {"If-None-Match": etag, "If-Modified-Since": modified})
        assert status == 200
        assert headers["ETag"] != etag
        assert feedparser.parse(body).entries[0].title == added.title
        assert fetch(outlet.feed_url, {"If-Modified-Since": modified})[0] == 200
        assert fetch(added.url)[0] == 200
        statuses = [r.status for r in site.requests_for(outlet.slug, outlet.feed_path)]
        assert statuses == [200, 304, 304, 200, 200]


def test_wire_reprints_can_be_added_while_serving() -> None:
    world = build_world()
    with serve_world(world):
        target = next(o for o in world.outlets if o.slug not in {world.article(u).outlet for u in world.wire_story_urls})
        reprint = world.add_wire_reprint(target.slug)
        assert len(world.wire_story_urls) == 5 and reprint.url in world.wire_story_urls
        status, _, body = fetch(reprint.url)
        assert status == 200 and html.escape(reprint.title) in body.decode()
        assert jaccard(reprint.text, world.article(world.wire_story_urls[0]).text) >= 0.6


def test_request_log_records_host_path_status_and_headers(served: tuple[World, FixtureSite]) -> None:
    world, site = served
    site.clear_requests()
    outlet = world.outlets[2]
    fetch(outlet.url("/no/such/page"), {"User-Agent": "fixture-test"})
    fetch(outlet.robots_url)
    log = site.requests
    assert [(r.host, r.path, r.status) for r in log] == [
        (outlet.host, "/no/such/page", 404),
        (outlet.host, "/robots.txt", 200),
    ]
    assert log[0].headers["User-Agent"] == "fixture-test"
    assert site.requests_for(outlet.slug, "/robots") == [log[1]]
    assert not site.requests_for(prefix="/private/")


def test_gzip_is_offered_to_clients_that_ask(served: tuple[World, FixtureSite]) -> None:
    world, _ = served
    outlet = world.outlets[0]
    plain = raw_get(outlet.feed_url)
    status, headers, body = raw_get(outlet.feed_url, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == plain[2]
    assert raw_get(outlet.feed_url, {"If-None-Match": headers["ETag"]})[0] == 304


# -- faults --------------------------------------------------------------------------------------


def test_fault_status_codes_carry_retry_after(served: tuple[World, FixtureSite]) -> None:
    world, _ = served
    outlet = world.outlets[0]
    for code in (429, 503):
        status, headers, _ = raw_get(outlet.url(f"/fault/status/{code}"))
        assert status == code and headers["Retry-After"] == "2"
    status, headers, _ = raw_get(outlet.url("/fault/status/404"))
    assert status == 404 and "Retry-After" not in headers


def test_fault_redirects(served: tuple[World, FixtureSite]) -> None:
    world, _ = served
    outlet = world.outlets[0]
    status, headers, _ = raw_get(outlet.url("/fault/redirect-loop"))
    assert status == 302
    back = raw_get(outlet.url(headers["Location"]))
    assert back[0] == 302 and back[1]["Location"] == "/fault/redirect-loop"
    target = world.outlets[1].feed_url
    status, headers, _ = raw_get(outlet.url("/fault/redirect-to/" + quote(target, safe="")))
    assert status == 302 and headers["Location"] == target
    status, _, body = fetch(outlet.url("/fault/redirect-to/" + quote(target, safe="")))
    assert status == 200 and body == raw_get(target)[2]


def test_fault_bodies_are_bounded(served: tuple[World, FixtureSite]) -> None:
    world, _ = served
    outlet = world.outlets[3]
    status, headers, body = raw_get(outlet.url("/fault/big/1"))
    assert status == 200 and len(body) == 1024 * 1024 == int(headers["Content-Length"])
    status, headers, body = raw_get(outlet.url("/fault/gzip-bomb"))
    assert headers["Content-Encoding"] == "gzip" and len(body) < 1024 * 1024
    inflater = zlib.decompressobj(31)
    first = inflater.decompress(body, 1024 * 1024)
    assert first.startswith(b"<!DOCTYPE html>") and len(first) == 1024 * 1024  # and there is more
    status, headers, body = raw_get(outlet.url("/fault/binary-as-html"))
    assert headers["Content-Type"].startswith("text/html")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    status, headers, body = raw_get(outlet.url("/fault/html-as-rss"))
    assert headers["Content-Type"].startswith("application/rss+xml") and body.startswith(b"<!DOCTYPE html>")
    with pytest.raises(http.client.IncompleteRead):
        raw_get(outlet.url("/fault/close-mid-body"))
    assert raw_get(outlet.url("/fault/slow-headers?seconds=0.1"))[0] == 200


def test_stopping_wakes_slow_routes() -> None:
    world = build_world()
    site = FixtureSite(world).start()
    outcome: list[object] = []

    def slow() -> None:
        try:
            outcome.append(raw_get(site.url(0, "/fault/slow-headers?seconds=10"))[0])
        except OSError as error:
            outcome.append(error)

    client = threading.Thread(target=slow)
    client.start()
    while site.in_flight == 0 and client.is_alive():
        threading.Event().wait(0.01)
    site.stop()
    client.join(timeout=60)
    assert not client.is_alive()
    assert outcome == [200]  # answered early, not refused: the wait was cut short, not the reply

"""Pages and Atom feeds spliced from cached story fragments: byte for byte what an uncached server
sends, and a story that grows, shrinks, is merged away, split or deleted is served as it is now."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from dedupe import DedupeConfig
from storage.connection import Store
from storage.queries import StoryView
from storage.retention import RetentionPolicy, sweep
from storage.story_admin import merge_stories, split_story
from storage.story_index import StoryIndex
from tests.api.builders import BASE, Ingested, add_article, load_fixture
from tests.api.conftest import make_app
from wirewatch.api.cache import ResponseCache
from wirewatch.api.feed_render import atom_feed
from wirewatch.api.fragments import FragmentCache, page_body, story_fragments
from wirewatch.models import Story, StoryArticle

DAY = 86400.0
PAGES: list[dict[str, Any]] = [
    {"limit": 50},
    {"limit": 2},
    {"limit": 50, "max_articles": 1},
    {"limit": 50, "topic": "black-sea"},
]
FEEDS = ["/feeds/all.atom", "/feeds/black-sea.atom", "/feeds/all.atom?limit=2"]


def test_fragment_cache_keeps_a_version_within_ttl_and_a_byte_bound() -> None:
    now = [0.0]
    cache = FragmentCache(10, max_bytes=10, clock=lambda: now[0])
    cache.put(("a", 10, "/"), "v1", b"AAAA")
    assert cache.get(("a", 10, "/"), "v1") == b"AAAA"
    assert cache.get(("a", 10, "/"), "v2") is None  # the story changed
    assert cache.get(("a", 5, "/"), "v1") is None  # another listing size renders differently
    cache.put(("b", 10, "/"), "v1", b"BBBB")
    cache.get(("a", 10, "/"), "v1")
    cache.put(("c", 10, "/"), "v1", b"CCCC")  # 12 bytes > 10: the least recently used (b) goes
    assert cache.get(("b", 10, "/"), "v1") is None
    assert cache.get(("a", 10, "/"), "v1") == b"AAAA" and cache.get(("c", 10, "/"), "v1") == b"CCCC"
    assert cache.size_bytes == 8 and len(cache) == 2
    cache.put(("d", 10, "/"), "v1", b"D" * 11)  # larger than the whole bound: not kept
    assert cache.get(("d", 10, "/"), "v1") is None and cache.size_bytes == 8
    now[0] = 11
    assert cache.get(("a", 10, "/"), "v1") is None  # older than the ttl
    off = FragmentCache(0)
    off.put(("a", 10, "/"), "v1", b"A")
    assert not off.enabled and off.get(("a", 10, "/"), "v1") is None


@pytest.fixture
def pair(store: Store, sources_file: Path) -> Iterator[tuple[TestClient, TestClient]]:
    """A server whose pages come from story fragments only (its page cache off) and one with no
    cache at all, over the same data."""
    cached_app = make_app(store, sources_file, api_cache_seconds=600)
    cached_app.state.api.cache = ResponseCache(0)
    with TestClient(cached_app) as cached, TestClient(make_app(store, sources_file, api_cache_seconds=0)) as plain:
        yield cached, plain


def fragments_of(client: TestClient) -> FragmentCache:
    app: Any = client.app
    cache: FragmentCache = app.state.api.fragments
    return cache


def same_pages(cached: TestClient, plain: TestClient) -> dict[str, dict[str, Any]]:
    """Every page of ``PAGES`` (and the pages after it) from both servers: equal bytes. Returns
    the first page's stories by id."""
    for query in PAGES:
        params = dict(query)
        while True:
            ours, theirs = cached.get("/stories", params=params), plain.get("/stories", params=params)
            assert ours.status_code == theirs.status_code == 200
            assert ours.content == theirs.content
            following = ours.json()["next_cursor"]
            if following is None:
                break
            params["cursor"] = following
    for feed in FEEDS:
        ours, theirs = cached.get(feed), plain.get(feed)
        assert ours.status_code == theirs.status_code == 200
        assert ours.content == theirs.content, feed
    return {s["id"]: s for s in cached.get("/stories").json()["stories"]}


def test_a_page_from_fragments_is_byte_identical_and_reused(
    pair: tuple[TestClient, TestClient], ingested: Ingested
) -> None:
    cached, plain = pair
    stories = same_pages(cached, plain)
    assert set(stories) == set(ingested.stories.values())
    hits = fragments_of(cached).hits
    assert cached.get("/stories").content == plain.get("/stories").content
    assert fragments_of(cached).hits == hits + len(stories)  # every story came from the cache
    scrape = cached.get("/metrics").text
    assert f'wirewatch_api_cache_hits_total{{cache="fragment"}} {float(fragments_of(cached).hits)}' in scrape
    assert 'wirewatch_api_cache_hits_total{cache="page"} 0.0' in scrape  # off in this app
    hits = fragments_of(cached).hits
    feed = cached.get("/feeds/all.atom").content
    assert fragments_of(cached).hits == hits + len(stories)  # entries too
    # Entries spliced in as bytes: the document a serializer writes for the whole tree.
    assert etree.tostring(etree.fromstring(feed), xml_declaration=True, encoding="utf-8") == feed


def test_a_story_that_grows_is_served_fresh(store: Store, pair: tuple[TestClient, TestClient],
                                            ingested: Ingested) -> None:
    cached, plain = pair
    before = same_pages(cached, plain)
    index = StoryIndex(store, DedupeConfig())
    fixture = {s["key"]: s for s in load_fixture()}
    # A reprint committed with the same clock as the story's last update: the update time does
    # not move, the size does.
    unsafe = ingested.stories["unsafe"]
    add_article(index, source="relief-wire", title="Reprint", text=fixture["unsafe"]["text"] + " RW.",
                published=ingested.last_now - 60, topics=tuple(fixture["unsafe"]["topics"]), now=ingested.last_now)
    grain = ingested.stories["grain"]
    add_article(index, source="relief-wire", title="Grain again", text=fixture["grain"]["text"] + " RW.",
                published=ingested.last_now, topics=("black-sea",), now=ingested.last_now + 60)
    after = same_pages(cached, plain)
    assert after[unsafe]["size"] == before[unsafe]["size"] + 1
    assert after[unsafe]["updated"] == before[unsafe]["updated"]
    assert after[grain]["size"] == before[grain]["size"] + 1
    assert "relief-wire" in {o["name"] for o in after[grain]["outlets"]}
    assert cached.get("/stories").json()["stories"][0]["id"] == grain


def test_merged_split_and_deleted_stories_vanish(store: Store, pair: tuple[TestClient, TestClient],
                                                 ingested: Ingested) -> None:
    cached, plain = pair
    before = same_pages(cached, plain)
    grain, ceasefire, power = (ingested.stories[k] for k in ("grain", "ceasefire", "power"))
    now = ingested.last_now + 120
    assert merge_stories(store, power, ceasefire, now=now) == power
    after = same_pages(cached, plain)
    assert ceasefire not in after
    assert after[power]["size"] == before[power]["size"] + before[ceasefire]["size"]

    moved = ingested.articles["grain"][-1]
    fresh = split_story(store, grain, [moved], now=now + 60)
    after = same_pages(cached, plain)
    assert after[grain]["size"] == before[grain]["size"] - 1
    assert fresh in after and [a["id"] for a in after[fresh]["articles"]] == [moved]

    # Retention: articles ingested in the first four hours go: what is left of grain (its three
    # oldest) goes with its story, and power (the merge) loses ceasefire's first two.
    cutoff = BASE + 4 * 3600
    sweep(store, RetentionPolicy(int(30 * DAY), int(3 * DAY), 1000), now=cutoff + 30 * DAY)
    after = same_pages(cached, plain)
    assert grain not in after and fresh in after
    assert after[power]["size"] == before[power]["size"] + 1


def test_story_fragments_without_a_cache_and_page_body(store: Store, ingested: Ingested) -> None:
    ids = [*ingested.stories.values(), "no-such-story"]
    off = story_fragments(store, FragmentCache(0), ids, max_articles=10, link_prefix="/story/")
    on = FragmentCache(60)
    assert story_fragments(store, on, ids, max_articles=10, link_prefix="/story/") == off
    assert story_fragments(store, on, ids, max_articles=10, link_prefix="/story/") == off  # from the cache
    assert len(off) == len(ingested.stories) and on.hits == len(ingested.stories)
    assert page_body([], None) == b'{"stories":[],"next_cursor":null}'


def test_atom_entries_spliced_as_bytes_are_the_whole_tree_serialized() -> None:
    when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    views = [
        StoryView(Story(id=f"s{i}", title=title, size=3, first_seen=when, updated=when, origin=None,
                        topics=("black-sea",), articles=(StoryArticle("a1", "https://x.example/1", "daily-kyiv",
                                                                      title + " & <more>", when),)),
                  "Зведення: «обстріл» & перемир'я\x0c", (("daily-kyiv", 2), ("wire-ap", 1)), (when.timestamp(),), when)
        for i, title in enumerate(("Одеса: удари по порту", "الهدنة في غزة", "Ceasefire <holds> & talks"))
    ]
    feed = atom_feed(views, title="wirewatch: black-sea", feed_url="http://h/feeds/black-sea.atom",
                     home_url="http://h/?topic=black-sea", story_url="http://h/story/", updated=when)
    assert etree.tostring(etree.fromstring(feed), xml_declaration=True, encoding="utf-8") == feed
    assert [e.findtext("{http://www.w3.org/2005/Atom}title") for e in etree.fromstring(feed).iter(
        "{http://www.w3.org/2005/Atom}entry")] == [v.story.title for v in views]

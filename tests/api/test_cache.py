"""Rendered responses are reused only while the story index they came from is unchanged."""

from __future__ import annotations

from fastapi.testclient import TestClient

from dedupe import DedupeConfig
from storage.connection import Store
from storage.story_index import StoryIndex
from tests.api.builders import Ingested, add_article, load_fixture
from wirewatch.api.cache import ResponseCache


def test_cache_hits_only_on_the_same_tag_within_the_ttl() -> None:
    now = [0.0]
    cache = ResponseCache(10, size=2, clock=lambda: now[0])
    cache.put("a", "t1", b"A")
    assert cache.get("a", "t1") == b"A"
    assert cache.get("a", "t2") is None  # the index changed
    now[0] = 11
    assert cache.get("a", "t1") is None  # too old
    cache.put("a", "t1", b"A")
    cache.put("b", "t1", b"B")
    cache.put("c", "t1", b"C")
    assert cache.get("a", "t1") is None and cache.get("c", "t1") == b"C"  # least recently used left
    off = ResponseCache(0)
    off.put("a", "t", b"A")
    assert off.get("a", "t") is None


def test_stories_etag_and_cached_body_follow_the_index(client: TestClient, store: Store, ingested: Ingested) -> None:
    first = client.get("/stories", params={"limit": 2})
    etag = first.headers["etag"]
    again = client.get("/stories", params={"limit": 2})
    assert again.content == first.content and again.headers["etag"] == etag
    assert client.get("/stories", params={"limit": 2}, headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/stories", params={"limit": 3}).headers["etag"] != etag  # another query
    text = next(s for s in load_fixture() if s["key"] == "refugees")["text"]
    add_article(StoryIndex(store, DedupeConfig()), source="relief-wire", title="Thousands flee", text=text + " RW.",
                published=ingested.last_now, topics=("sahel",), now=ingested.last_now + 60)
    fresh = client.get("/stories", params={"limit": 2}, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != etag
    assert fresh.json()["stories"][0]["id"] == ingested.stories["refugees"]
    assert fresh.json()["stories"][0]["size"] == 2

"""Atom 1.0 and JSON Feed 1.1: parsed back with feedparser, required elements checked, entries
updated in place when a story grows, conditional GETs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import feedparser
import httpx
import pytest
from fastapi.testclient import TestClient
from lxml import etree

from dedupe import DedupeConfig
from storage.connection import Store
from storage.story_index import StoryIndex
from tests.api.builders import Ingested, add_article, load_fixture
from wirewatch.api.feed_render import entry_id

A = "{http://www.w3.org/2005/Atom}"


def atom_tree(client: TestClient, topic: str) -> etree._Element:
    r = client.get(f"/feeds/{topic}.atom")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/atom+xml")
    return etree.fromstring(r.content)


def rfc3339(text: str | None) -> datetime:
    assert text
    parsed = datetime.fromisoformat(text)
    assert parsed.tzinfo is not None
    return parsed


def test_atom_parses_and_has_every_required_element(client: TestClient, ingested: Ingested) -> None:
    r = client.get("/feeds/all.atom")
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == len(ingested.stories)
    stories = {s["id"]: s for s in client.get("/stories").json()["stories"]}
    for entry in parsed.entries:
        story = next(s for s in stories.values() if entry.id == entry_id(s["id"]))
        assert entry.title == story["title"]
        assert entry.link.endswith("/story/" + story["id"])
        assert entry.updated_parsed is not None
    root = etree.fromstring(r.content)
    assert root.tag == A + "feed"
    for name in ("id", "title", "updated", "author"):  # RFC 4287 4.1.1 (author: feed level)
        assert root.find(A + name) is not None, name
    assert root.find(f"{A}link[@rel='self']") is not None
    rfc3339(root.findtext(A + "updated"))
    ids = []
    for entry in root.iter(A + "entry"):
        for name in ("id", "title", "updated"):  # RFC 4287 4.1.2
            assert entry.findtext(A + name), name
        rfc3339(entry.findtext(A + "updated"))
        assert entry.find(f"{A}link[@rel='alternate']") is not None
        assert entry.find(A + "content").get("type") == "html"
        ids.append(entry.findtext(A + "id"))
    assert len(set(ids)) == len(ids) == len(ingested.stories)


def test_outlet_text_is_escaped_and_unsafe_links_dropped(client: TestClient, ingested: Ingested) -> None:
    raw = client.get("/feeds/all.atom").content
    assert b"<script" not in raw and b"<img" not in raw
    root = etree.fromstring(raw)
    unsafe = ingested.stories["unsafe"]
    entry = next(e for e in root.iter(A + "entry") if e.findtext(A + "id") == entry_id(unsafe))
    title = entry.findtext(A + "title")
    assert title is not None and title.startswith("<script>alert('x')</script>")  # kept as text
    hrefs = [link.get("href") or "" for link in entry.iter(A + "link")]
    assert not any(h.lower().startswith("javascript:") for h in hrefs)
    content = entry.findtext(A + "content") or ""
    assert "javascript:" not in content and "&lt;script&gt;" in content


def test_topic_feeds_and_unknown_topics(client: TestClient, ingested: Ingested) -> None:
    energy = atom_tree(client, "energy")
    expected = {entry_id(ingested.stories[s["key"]]) for s in load_fixture() if "energy" in s["topics"]}
    assert {e.findtext(A + "id") for e in energy.iter(A + "entry")} == expected
    empty = feedparser.parse(client.get("/feeds/arctic.atom").content)
    assert not empty.bozo and empty.entries == []
    for path in ("/feeds/no-such-topic.atom", "/feeds/no-such-topic.json"):
        r = client.get(path)
        assert r.status_code == 404 and "unknown topic" in r.json()["detail"]
    assert client.get("/feeds/all.atom", params={"limit": 0}).status_code == 422
    assert len(list(atom_tree(client, "all").iter(A + "entry"))) == len(ingested.stories)
    two = etree.fromstring(client.get("/feeds/all.atom", params={"limit": 2}).content)
    assert len(list(two.iter(A + "entry"))) == 2


def test_json_feed_1_1(client: TestClient, ingested: Ingested) -> None:
    r = client.get("/feeds/all.json")
    assert r.headers["content-type"].startswith("application/feed+json")
    doc = json.loads(r.content)
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["title"] and doc["feed_url"].endswith("/feeds/all.json")
    assert [i["id"] for i in doc["items"]] == [s["id"] for s in client.get("/stories").json()["stories"]]
    for item in doc["items"]:
        assert isinstance(item["id"], str) and (item.get("content_html") or item.get("content_text"))
        rfc3339(item["date_modified"])
        assert all(k.startswith("_") or k in {
            "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
            "banner_image", "date_published", "date_modified", "authors", "tags", "language", "attachments",
        } for k in item)
        rfc3339(item["date_published"])
        assert all(isinstance(a["name"], str) and a["name"] for a in item["authors"])
        assert all(isinstance(t, str) for t in item["tags"])
    # feedparser 6.0 does not read JSON Feed: the checks above are the spec's required members.
    assert isinstance(doc["items"], list) and len(doc["items"]) == len(ingested.stories)


def test_entry_is_updated_in_place_when_the_story_grows(client: TestClient, store: Store, ingested: Ingested) -> None:
    grain = ingested.stories["grain"]
    before = feedparser.parse(client.get("/feeds/all.atom").content)
    old = next(e for e in before.entries if e.id == entry_id(grain))
    etag = client.get("/feeds/all.atom").headers["etag"]
    assert client.get("/feeds/all.atom", headers={"If-None-Match": etag}).status_code == 304

    text = next(s for s in load_fixture() if s["key"] == "grain")["text"]
    res = add_article(StoryIndex(store, DedupeConfig()), source="late-outlet", title="Grain ships sail",
                      text=text + " Late Outlet adds its note.", published=ingested.last_now,
                      topics=("black-sea",), now=ingested.last_now + 600)
    assert res.story_id == grain

    r = client.get("/feeds/all.atom", headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] != etag
    after = feedparser.parse(r.content)
    assert len(after.entries) == len(before.entries)
    assert after.entries[0].id == old.id  # same entry, moved to the top, newer
    assert after.entries[0].updated_parsed > old.updated_parsed
    doc = client.get("/feeds/all.json").json()
    assert doc["items"][0]["id"] == grain and doc["items"][0]["_wirewatch"]["size"] == 5


def test_conditional_requests_as_rfc_9110_says(client: TestClient, store: Store, ingested: Ingested) -> None:
    """Readers revalidate with If-None-Match (weak comparison: the tag with or without W/, or *)
    or, lacking an ETag, If-Modified-Since; If-None-Match wins when both are sent."""
    first = client.get("/feeds/all.atom")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('W/"')
    for sent in (etag, etag[2:], "*", f'"other", {etag}'):
        assert client.get("/feeds/all.atom", headers={"If-None-Match": sent}).status_code == 304, sent
    assert client.get("/feeds/all.atom", headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get("/feeds/all.json", headers={"If-Modified-Since": modified}).status_code == 304
    later = format_datetime(parsedate_to_datetime(modified) + timedelta(hours=1), usegmt=True)
    assert client.get("/feeds/all.atom", headers={"If-Modified-Since": later}).status_code == 304
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert client.get("/feeds/all.atom", headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get("/feeds/all.atom", headers={"If-Modified-Since": "yesterday"}).status_code == 200
    stale = client.get("/feeds/all.atom", headers={"If-None-Match": '"other"', "If-Modified-Since": later})
    assert stale.status_code == 200  # a non-matching ETag decides: If-Modified-Since is ignored

    # the feed changes: the old validators no longer match
    text = next(s for s in load_fixture() if s["key"] == "grain")["text"]
    add_article(StoryIndex(store, DedupeConfig()), source="late-outlet", title="Grain ships sail",
                text=text + " Late Outlet adds its note.", published=ingested.last_now,
                topics=("black-sea",), now=ingested.last_now + 600)
    assert client.get("/feeds/all.atom", headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/feeds/all.atom", headers={"If-Modified-Since": modified}).status_code == 200


@pytest.mark.parametrize("path", ["/feeds/all.atom", "/feeds/all.json", "/stories", "/", "/healthz?scope=api",
                                  "/static/app.css"])
def test_head_answers_with_the_get_headers_and_no_body(client: TestClient, ingested: Ingested, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("content-length") == got.headers.get("content-length")
    assert head.headers.get("etag") == got.headers.get("etag")


def test_head_over_a_real_server(live_url: str, ingested: Ingested) -> None:
    """uvicorn sends HEAD's headers and no body, and the connection stays usable after it."""
    with httpx.Client(timeout=30) as http:
        got = http.get(f"{live_url}/feeds/all.atom")
        head = http.head(f"{live_url}/feeds/all.atom")
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == got.headers["content-length"]
        assert http.get(f"{live_url}/stories").status_code == 200  # same keep-alive connection

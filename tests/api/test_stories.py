"""The JSON endpoints against a real Redis holding stories written by the real ingest path."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dedupe import DedupeConfig
from storage.connection import Store, connect
from storage.source_state import record_run, set_next_run
from storage.story_index import StoryIndex
from tests.api.builders import BASE, Ingested, add_article, load_fixture
from tests.api.conftest import make_app
from wirewatch.api.schemas import StoryOut, StoryPageOut
from wirewatch.settings import Settings

STORY_KEYS = {"id", "title", "size", "first_seen", "updated", "origin", "topics", "articles"}
ARTICLE_REF_KEYS = {"id", "url", "source", "title", "published"}


def fixture_by_key() -> dict[str, dict[str, Any]]:
    return {s["key"]: s for s in load_fixture()}


def walk(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        r = client.get("/stories", params={**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        out.extend(body["stories"])
        cursor = body["next_cursor"]
        if cursor is None:
            return out
    raise AssertionError("no end of pages")


def test_stories_carry_the_story_json_contract(client: TestClient, ingested: Ingested) -> None:
    body = client.get("/stories").json()
    assert body["next_cursor"] is None
    StoryPageOut.model_validate(body, strict=True)  # the hot path skips FastAPI's own check
    stories = body["stories"]
    assert {s["id"] for s in stories} == set(ingested.stories.values())
    fx = fixture_by_key()
    for s in stories:
        assert set(s) >= STORY_KEYS
        assert {"summary", "outlets", "last_published", "link"} <= set(s)
        key = next(k for k, sid in ingested.stories.items() if sid == s["id"])
        assert s["size"] == len(fx[key]["articles"]) == len(s["articles"])
        assert s["topics"] == fx[key]["topics"]
        assert {o["name"] for o in s["outlets"]} == {a["source"] for a in fx[key]["articles"]}
        for art in s["articles"]:
            assert set(art) == ARTICLE_REF_KEYS
        assert s["link"].endswith("/story/" + s["id"])
    updated = [s["updated"] for s in stories]
    assert updated == sorted(updated, reverse=True)


def test_pagination_through_the_api_covers_every_story_once(client: TestClient, ingested: Ingested) -> None:
    for limit in (1, 2, 4):
        ids = [s["id"] for s in walk(client, limit=limit)]
        assert sorted(ids) == sorted(ingested.stories.values())


def test_filters(client: TestClient, ingested: Ingested) -> None:
    fx = fixture_by_key()

    def expect(pred: Any) -> set[str]:
        return {ingested.stories[k] for k, s in fx.items() if pred(s)}

    def got(**params: Any) -> set[str]:
        return {s["id"] for s in walk(client, **params)}

    assert got(topic="energy") == expect(lambda s: "energy" in s["topics"])
    assert got(topic="all") == set(ingested.stories.values())
    assert got(topic="arctic") == set()  # configured, nothing stored yet: empty, not an error
    assert got(source="daily-kyiv") == expect(lambda s: any(a["source"] == "daily-kyiv" for a in s["articles"]))
    assert got(source="quiet-outlet") == set()
    assert got(min_size=3) == expect(lambda s: len(s["articles"]) >= 3)
    assert got(q="odesa") == {ingested.stories["grain"]}
    assert got(q="Ceasefire FRONT") == {ingested.stories["ceasefire"]}
    assert got(topic="black-sea", min_size=2) == expect(lambda s: "black-sea" in s["topics"] and len(s["articles"]) >= 2)
    stories = walk(client)
    middle = sorted(s["updated"] for s in stories)[2]
    assert got(since=middle) == {s["id"] for s in stories if s["updated"] >= middle}
    assert got(until=middle) == {s["id"] for s in stories if s["updated"] <= middle}
    assert got(since="2026-01-01", until="2026-01-01") == {s["id"] for s in stories if s["updated"][:10] == "2026-01-01"}
    assert got(since="2030-01-01T00:00:00Z") == set()


def test_max_articles_caps_the_listing_not_the_size(client: TestClient, ingested: Ingested) -> None:
    for s in client.get("/stories", params={"max_articles": 1}).json()["stories"]:
        assert len(s["articles"]) == 1
    sizes = {s["id"]: s["size"] for s in client.get("/stories", params={"max_articles": 0}).json()["stories"]}
    assert sizes[ingested.stories["grain"]] == 4


@pytest.mark.parametrize(
    ("params", "status", "needle"),
    [
        ({"limit": 0}, 422, "limit"),
        ({"limit": 501}, 422, "limit"),
        ({"limit": "ten"}, 422, "limit"),
        ({"min_size": 0}, 422, "min_size"),
        ({"max_articles": 501}, 422, "max_articles"),
        ({"cursor": "not-a-cursor"}, 400, "cursor"),
        ({"since": "yesterday"}, 400, "since"),
        ({"until": "2024-13-45"}, 400, "until"),
        ({"since": "2026-02-01", "until": "2026-01-01"}, 400, "since is later than until"),
        ({"topic": "no-such-topic"}, 400, "unknown topic"),
        ({"source": "no-such-outlet"}, 400, "unknown source"),
        ({"topic": "\x00"}, 400, "topic"),
        ({"q": "x" * 300}, 400, "q"),
    ],
)
def test_bad_requests_get_a_4xx_with_a_message(
    client: TestClient, ingested: Ingested, params: dict[str, Any], status: int, needle: str
) -> None:
    r = client.get("/stories", params=params)
    assert r.status_code == status
    assert needle in r.json()["detail"]


def test_one_story_one_article_and_not_found(client: TestClient, ingested: Ingested) -> None:
    sid = ingested.stories["grain"]
    story = client.get(f"/stories/{sid}").json()
    StoryOut.model_validate(story, strict=True)
    assert story["id"] == sid and len(story["articles"]) == story["size"] == 4
    aid = ingested.articles["grain"][1]
    article = client.get(f"/articles/{aid}").json()
    assert {"url", "canonical_url", "title", "text", "authors", "published", "language", "site_name"} <= set(article)
    assert article["id"] == aid and article["story"] == sid and article["source"] == "daily-kyiv"
    for path in ("/stories/s0000000000000000", "/articles/0000000000000000", "/stories/a:b", "/articles/a%20b"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "no such" in r.json()["detail"]


def test_merged_story_redirects_to_the_story_that_absorbed_it(client: TestClient, store: Store, ingested: Ingested) -> None:
    fx = fixture_by_key()
    index = StoryIndex(store, DedupeConfig())
    res = add_article(index, source="bridge", title="bridge", text=fx["grain"]["text"] + " " + fx["ceasefire"]["text"],
                      published=ingested.last_now, topics=(), now=ingested.last_now + 60)
    assert res.merged
    r = client.get(f"/stories/{res.merged[0]}", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"].endswith(f"/stories/{res.story_id}")
    assert client.get(f"/stories/{res.merged[0]}").json()["id"] == res.story_id
    page = client.get(f"/story/{res.merged[0]}", follow_redirects=False)
    assert page.status_code == 307 and page.headers["location"].endswith(f"/story/{res.story_id}")
    kept = client.get(f"/stories/{res.merged[0]}?max_articles=1", follow_redirects=False)
    assert kept.headers["location"].endswith(f"/stories/{res.story_id}?max_articles=1")  # the query goes along


def test_one_story_lists_all_its_articles_past_the_listing_cap(
    client: TestClient, store: Store, ingested: Ingested,
) -> None:
    """A wire story reprinted for a week can pass 500 members: /stories/{id} lists them all (up to
    STORY_ARTICLES), earliest first; ``max_articles`` lists fewer."""
    from storage.queries import MAX_ARTICLES

    sid = ingested.stories["grain"]
    k = store.keys
    before = client.get(f"/stories/{sid}").json()["articles"]
    pipe = store.text.pipeline(transaction=False)
    extra = MAX_ARTICLES + 100
    for n in range(extra):
        aid = f"reprint{n:04d}"
        pipe.hset(k.article(aid), mapping={"url": f"https://outlet{n}.example/grain", "source": f"outlet-{n}",
                                           "title": "Grain ships sail", "published": repr(ingested.last_now + 10_000 + n)})
        pipe.zadd(k.story_members(sid), {aid: ingested.last_now + 10_000 + n})
    pipe.execute()
    doc = client.get(f"/stories/{sid}").json()
    assert len(doc["articles"]) == len(before) + extra
    assert doc["articles"][: len(before)] == before and doc["articles"][-1]["id"] == f"reprint{extra - 1:04d}"
    assert [a["id"] for a in client.get(f"/stories/{sid}?max_articles=2").json()["articles"]] == [
        a["id"] for a in before[:2]]
    assert client.get(f"/stories/{sid}?max_articles=5001").status_code == 422


def test_sources_with_health(client: TestClient, store: Store, ingested: Ingested) -> None:
    # As the scheduler records runs (scheduler.backend): the fields, then the next run time.
    record_run(store, "wire-ap", {"last_run": BASE, "last_success": BASE, "last_new": 2, "interval": 400,
                                  "flags": "", "consecutive_failures": 0}, next_run=BASE + 400, new=2,
               only_if_present=False)
    record_run(store, "daily-kyiv", {"last_run": BASE, "last_error": "HTTP 503 from daily-kyiv.example",
                                     "last_error_at": BASE, "consecutive_failures": 3, "flags": "failing"},
               next_run=BASE + 900, only_if_present=False)
    set_next_run(store, "orphan-source", BASE + 600)
    sources = {s["name"]: s for s in client.get("/sources").json()["sources"]}
    assert sources["wire-ap"]["health"]["state"] == "ok"
    assert sources["wire-ap"]["health"]["last_new"] == 2 and sources["wire-ap"]["health"]["interval"] == 400
    assert sources["daily-kyiv"]["health"]["flags"] == ["failing"]
    assert sources["daily-kyiv"]["health"]["state"] == "failing"
    assert "503" in sources["daily-kyiv"]["health"]["last_error"]
    assert sources["quiet-outlet"]["health"]["state"] == "disabled" and sources["quiet-outlet"]["configured"]
    assert sources["orphan-source"]["configured"] is False and sources["orphan-source"]["health"]["next_run"]


def test_topics_lists_configured_and_stored(client: TestClient, ingested: Ingested) -> None:
    topics = {t["name"]: t for t in client.get("/topics").json()["topics"]}
    fx = load_fixture()
    for name in {t for s in fx for t in s["topics"]}:
        assert topics[name]["stories"] == sum(1 for s in fx if name in s["topics"])
        assert topics[name]["atom"].endswith(f"/feeds/{name}.atom")
    assert topics["arctic"] == {**topics["arctic"], "stories": 0, "configured": True, "updated": None}


def test_health_metrics_and_openapi(client: TestClient, ingested: Ingested) -> None:
    assert client.get("/healthz", params={"scope": "api"}).json() == {
        "status": "ok", "scope": "api", "redis": "ok", "stories": len(ingested.stories), "reasons": []}
    client.get("/stories")
    client.get("/stories/sNOPE")
    text = client.get("/metrics").text
    assert 'wirewatch_http_requests_total{method="GET",route="/stories",status="200"} 1.0' in text
    assert 'route="/stories/{story_id}",status="404"' in text
    assert f"wirewatch_stories {float(len(ingested.stories))}" in text
    spec = client.get("/openapi.json").json()
    for path in ("/stories", "/stories/{story_id}", "/articles/{article_id}", "/sources", "/topics", "/healthz",
                 "/metrics", "/feeds/{topic}.atom", "/feeds/{topic}.json", "/events"):
        assert path in spec["paths"], path
    assert "StoryPageOut" in spec["components"]["schemas"]
    assert client.get("/docs").status_code == 200


def test_store_down_is_a_503_not_a_500(settings: Settings, sources_file: Path) -> None:
    from dataclasses import replace

    down = connect(replace(settings, redis_url="redis://127.0.0.1:1/0"), check=False)
    try:
        with TestClient(make_app(down, sources_file)) as c:
            for scope in ("full", "api"):
                r = c.get("/healthz", params={"scope": scope})
                assert r.status_code == 503 and r.json() == {"status": "unavailable", "scope": scope, "redis":
                                                             "unavailable", "stories": None,
                                                             "reasons": ["Redis does not answer"]}
            r = c.get("/stories")
            assert r.status_code == 503 and "store unavailable" in r.json()["detail"]
            assert r.headers["retry-after"] == "10"
            assert "wirewatch_store_up 0.0" in c.get("/metrics").text
            for page in ("/", "/story/s0123456789abcdef"):  # a browser gets a page that retries
                r = c.get(page, headers={"Accept": "text/html,application/xhtml+xml"})
                assert r.status_code == 503 and r.headers["content-type"].startswith("text/html"), page
                assert "temporarily unavailable" in r.text and 'http-equiv="refresh"' in r.text
    finally:
        down.close()


def test_metrics_show_the_daemons_shared_state(client: TestClient, store: Store) -> None:
    from storage.work_queue import Leader, WorkQueue

    assert "wirewatch_scheduler_leader 0.0" in client.get("/metrics").text
    Leader(store, "host:1").acquire_or_renew()
    queue = WorkQueue(store, "w")
    queue.ensure_group()
    queue.enqueue({"name": "kyiv-feed"})
    store.text.zadd(store.keys.sources_due, {"kyiv-feed": 1.0})
    store.text.hset(store.keys.source("kyiv-feed"), mapping={"consecutive_failures": 3, "last_new": 2,
                                                             "flags": "failing quiet"})
    text = client.get("/metrics").text
    assert "wirewatch_scheduler_leader 1.0" in text
    assert "wirewatch_queue_waiting 1.0" in text
    assert 'wirewatch_source_consecutive_failures{source="kyiv-feed"} 3.0' in text
    assert 'wirewatch_source_last_new{source="kyiv-feed"} 2.0' in text
    assert 'wirewatch_source_flag{flag="quiet",source="kyiv-feed"} 1.0' in text


def test_a_stalled_store_is_a_prompt_503(settings: Settings, sources_file: Path) -> None:
    """A Redis that accepts connections and never answers (paused, swapping, wedged) costs each
    request the API's Redis timeout, then a 503, not the daemon's 30 s."""
    from dataclasses import replace

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)  # connections are accepted by the kernel and never read
        port = listener.getsockname()[1]
        stalled = connect(replace(settings, redis_url=f"redis://127.0.0.1:{port}/0"), check=False, timeout=0.5)
        try:
            with TestClient(make_app(stalled, sources_file)) as c:
                started = time.monotonic()
                r = c.get("/stories")
                assert r.status_code == 503 and "store unavailable" in r.json()["detail"]
                assert time.monotonic() - started < 10
        finally:
            stalled.close()

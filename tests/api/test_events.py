"""Story lifecycle events: written at ingest (commit.lua's serving block) and by the quiet watcher,
and served live as Server-Sent Events with resume by Last-Event-ID."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from dedupe import DedupeConfig
from storage.connection import Store, connect
from storage.story_index import StoryIndex
from tests.api.builders import BASE, Ingested, add_article, load_fixture
from tests.api.conftest import make_app
from wirewatch.api.quiet import announce_quiet
from wirewatch.settings import Settings

FX = {s["key"]: s for s in load_fixture()}


def stream(store: Store) -> list[dict[str, str]]:
    return [{"id": i, **f} for i, f in store.text.xrange(store.keys.events)]


def of_type(events: list[dict[str, str]], kind: str) -> list[dict[str, str]]:
    return [e for e in events if e["type"] == kind]


def test_ingest_emits_outlet_joined_headline_changed_and_merged(store: Store) -> None:
    index = StoryIndex(store, DedupeConfig())
    text = FX["grain"]["text"]
    a = add_article(index, source="wire-ap", title="Ships leave Odesa", text=text, published=BASE, topics=(), now=BASE)
    add_article(index, source="wire-ap", title="Ships leave Odesa (update)", text=text + " Updated with detail.",
                published=BASE + 60, topics=(), now=BASE + 60)
    assert of_type(stream(store), "story.outlet_joined") == []  # same outlet again: nobody joined
    # A fuller copy within six hours becomes the representative: a new headline.
    longer = text + " " + " ".join(["The corridor remained open through the afternoon."] * 4)
    add_article(index, source="harbour-news", title="Wheat convoy sails", text=longer, published=BASE + 120,
                topics=(), now=BASE + 120)
    events = stream(store)
    joined = of_type(events, "story.outlet_joined")
    assert [(e["story"], e["source"]) for e in joined] == [(a.story_id, "harbour-news")]
    changed = of_type(events, "story.headline_changed")
    assert [(e["story"], e["previous"], e["title"]) for e in changed] == [
        (a.story_id, "Ships leave Odesa", "Wheat convoy sails")]
    b = add_article(index, source="caucasus-times", title="Truce", text=FX["ceasefire"]["text"], published=BASE + 180,
                    topics=(), now=BASE + 180)
    bridge = add_article(index, source="bridge", title="Both", text=text + " " + FX["ceasefire"]["text"],
                         published=BASE + 240, topics=(), now=BASE + 240)
    merged = of_type(stream(store), "story.merged")
    assert len(merged) == 1 and merged[0]["story"] == bridge.story_id
    assert set(merged[0]["merged"].split()) == {a.story_id, b.story_id} - {bridge.story_id}


def test_quiet_stories_are_announced_once_per_quiet_spell(store: Store, ingested: Ingested) -> None:
    quiet_after = 3600.0
    start = ingested.last_now
    assert announce_quiet(store, now=start, quiet_after=quiet_after) == 0  # first run: history is not news
    later = start + 2 * quiet_after
    n = announce_quiet(store, now=later, quiet_after=quiet_after)
    quiet = of_type(stream(store), "story.quiet")
    assert n == len(quiet)
    # exactly the stories whose last update fell in (start - quiet_after, later - quiet_after]
    stories = updated_by_story(store)
    expected = {sid for sid, upd in stories.items() if start - quiet_after < upd <= later - quiet_after}
    assert {e["story"] for e in quiet} == expected and expected
    assert announce_quiet(store, now=later, quiet_after=quiet_after) == 0
    # The grain story grows, then goes quiet again: announced again.
    grain = ingested.stories["grain"]
    add_article(StoryIndex(store, DedupeConfig()), source="late", title="late", text=FX["grain"]["text"] + " Late.",
                published=later, topics=(), now=later)
    assert announce_quiet(store, now=later + quiet_after + 1, quiet_after=quiet_after) == 1
    assert of_type(stream(store), "story.quiet")[-1]["story"] == grain


def updated_by_story(store: Store) -> dict[str, float]:
    return dict(store.text.zrange(store.keys.stories_updated, 0, -1, withscores=True))


def test_quiet_ids_are_exact(store: Store, ingested: Ingested) -> None:
    stories = updated_by_story(store)
    announce_quiet(store, now=0.0, quiet_after=0.0)
    announce_quiet(store, now=max(stories.values()), quiet_after=0.0)
    assert sorted(e["story"] for e in of_type(stream(store), "story.quiet")) == sorted(stories)


def read_events(url: str, *, headers: dict[str, str] | None = None, want: int,
                started: threading.Event | None = None) -> list[dict[str, Any]]:
    """Read SSE messages until ``want`` events came (the server's keep-alives keep reads short)."""
    got: list[dict[str, Any]] = []
    with httpx.Client(timeout=httpx.Timeout(60.0)) as client, client.stream("GET", url, headers=headers) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        fields: dict[str, str] = {}
        for line in r.iter_lines():
            if started is not None:
                started.set()
            if line.startswith(":") or line.startswith("retry:"):
                continue
            if line == "":
                if "data" in fields:
                    got.append({"sse_id": fields["id"], "event": fields["event"], **json.loads(fields["data"])})
                    if len(got) >= want:
                        return got
                fields = {}
                continue
            key, _, value = line.partition(": ")
            fields[key] = value
    return got


def test_sse_delivers_live_events_and_resumes_after_last_event_id(live_url: str, store: Store) -> None:
    index = StoryIndex(store, DedupeConfig())
    started = threading.Event()
    result: list[list[dict[str, Any]]] = []
    url = f"{live_url}/events?types=story.created,story.outlet_joined"
    reader = threading.Thread(target=lambda: result.append(read_events(url, want=2, started=started)))
    reader.start()
    assert started.wait(60), "the SSE stream did not open"
    first = add_article(index, source="wire-ap", title="Ships", text=FX["grain"]["text"], published=BASE, topics=(),
                        now=BASE)
    add_article(index, source="daily-kyiv", title="Ships", text=FX["grain"]["text"] + " Kyiv.", published=BASE + 5,
                topics=(), now=BASE + 5)
    reader.join(120)
    assert not reader.is_alive()
    events = result[0]
    assert [(e["event"], e["story"]) for e in events] == [("story.created", first.story_id),
                                                          ("story.outlet_joined", first.story_id)]
    assert events[1]["source"] == "daily-kyiv" and events[0]["sse_id"] == events[0]["id"]

    # Reconnect after the first event: the missed one comes first, nothing repeats.
    again = read_events(url, headers={"Last-Event-ID": events[0]["sse_id"]}, want=1)
    assert [e["sse_id"] for e in again] == [events[1]["sse_id"]]
    by_story = read_events(f"{live_url}/events?after=0-0&story={first.story_id}&types=article.added", want=2)
    assert {e["article"] for e in by_story} == {first.article_id, by_story[1]["article"]}
    # Every stream above was closed by its client: the server let go of each one.
    deadline = time.monotonic() + 60
    while "wirewatch_sse_clients 0.0" not in httpx.get(f"{live_url}/metrics").text:
        assert time.monotonic() < deadline, "SSE streams were not released after the clients left"
        time.sleep(0.05)


@pytest.mark.parametrize("query", ["types=story.nope", "after=yesterday", "story=a:b",
                                   # in shape, but past the 64-bit halves a stream id has (Redis refuses them)
                                   "after=99999999999999999999-0", "after=1-18446744073709551616"])
def test_sse_bad_parameters_are_400(client: TestClient, query: str) -> None:
    r = client.get(f"/events?{query}")
    assert r.status_code == 400 and r.json()["detail"]


def test_sse_ignores_an_unusable_last_event_id(live_url: str, store: Store) -> None:
    """A browser resends its Last-Event-ID on every reconnect: one Redis cannot use starts the
    stream live instead of failing it (and failing again three seconds later)."""
    index = StoryIndex(store, DedupeConfig())
    started = threading.Event()
    result: list[list[dict[str, Any]]] = []
    url = f"{live_url}/events?types=story.created"
    headers = {"Last-Event-ID": "99999999999999999999-0"}
    reader = threading.Thread(target=lambda: result.append(read_events(url, headers=headers, want=1, started=started)))
    reader.start()
    assert started.wait(60), "the SSE stream did not open"
    created = add_article(index, source="wire-ap", title="Ships", text=FX["grain"]["text"], published=BASE,
                          topics=(), now=BASE)
    reader.join(120)
    assert not reader.is_alive()
    assert [(e["event"], e["story"]) for e in result[0]] == [("story.created", created.story_id)]


def test_sse_with_the_store_down_is_a_503_before_the_stream_starts(settings: Settings, sources_file: Path) -> None:
    from dataclasses import replace

    down = connect(replace(settings, redis_url="redis://127.0.0.1:1/0"), check=False)
    try:
        with TestClient(make_app(down, sources_file)) as c:
            r = c.get("/events", params={"after": "1-0"})
            assert r.status_code == 503 and "store unavailable" in r.json()["detail"]
    finally:
        down.close()

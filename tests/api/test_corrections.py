"""Operator corrections (``wirewatch stories merge`` / ``split``) as the API and the event stream
see them: afterwards every index reads as if ingest had built the stories (tests/storage/serving.py)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from storage.connection import Store
from storage.story_admin import merge_stories, split_story
from tests.api.builders import Ingested
from tests.storage.serving import assert_serving_consistent

LATER = 1_800_000_000.0


def ids(client: TestClient, **params: Any) -> set[str]:
    r = client.get("/stories", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return {s["id"] for s in r.json()["stories"]}


def events_after(store: Store, start: str) -> list[dict[str, str]]:
    return [f for _, f in store.text.xrange(store.keys.events, min=f"({start}")]


def last_event_id(store: Store) -> str:
    newest = store.text.xrevrange(store.keys.events, count=1)
    return str(newest[0][0]) if newest else "0-0"


def test_ingest_alone_satisfies_the_serving_check(store: Store, ingested: Ingested) -> None:
    # the reference the corrections are held to: what commit.lua builds
    assert len(assert_serving_consistent(store)) == len(ingested.stories)


def test_merge_moves_outlets_topics_and_redirects(store: Store, ingested: Ingested, client: TestClient) -> None:
    grain, ceasefire = ingested.stories["grain"], ingested.stories["ceasefire"]
    assert ids(client, source="wire-reuters") == {ceasefire}
    start = last_event_id(store)

    root = merge_stories(store, grain, ceasefire, now=LATER)

    assert root == grain
    assert_serving_consistent(store)
    # the merged-away story is in no index any more; the merged story is in all of both
    for source in ("wire-reuters", "caucasus-times", "armenian-weekly", "wire-ap", "harbour-news"):
        assert grain in ids(client, source=source) and ceasefire not in ids(client, source=source)
    assert ids(client, topic="nagorno-karabakh") == {grain}
    assert ceasefire not in ids(client)
    r = client.get(f"/stories/{ceasefire}", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"].endswith(f"/stories/{grain}")
    doc = client.get(f"/stories/{grain}").json()
    assert doc["size"] == len(ingested.articles["grain"]) + len(ingested.articles["ceasefire"])
    assert {o["name"] for o in doc["outlets"]} >= {"wire-reuters", "wire-ap"}
    assert set(doc["topics"]) == {"black-sea", "nagorno-karabakh"}
    assert doc["summary"]
    merged = [e for e in events_after(store, start) if e["type"] == "story.merged"]
    assert merged == [{"type": "story.merged", "story": grain, "merged": ceasefire, "size": str(doc["size"]),
                       "by": "operator"}]


def test_split_gives_the_new_story_its_outlets_and_a_new_headline(
    store: Store, ingested: Ingested, client: TestClient
) -> None:
    grain = ingested.stories["grain"]
    wire, kyiv, harbour, euro = ingested.articles["grain"]
    old_title = client.get(f"/stories/{grain}").json()["title"]
    start = last_event_id(store)

    fresh = split_story(store, grain, [wire, kyiv], now=LATER)

    assert_serving_consistent(store)
    # wire-ap and daily-kyiv now have the new story, not the old one; the others keep the old one
    for source in ("wire-ap", "daily-kyiv"):
        found = ids(client, source=source)
        assert fresh in found and grain not in found
    for source in ("harbour-news", "euro-desk"):
        assert ids(client, source=source) == {grain}
    assert {grain, fresh} <= ids(client, topic="black-sea")
    new = client.get(f"/stories/{fresh}").json()
    assert [a["id"] for a in new["articles"]] == [wire, kyiv] and new["title"] == old_title
    left = client.get(f"/stories/{grain}").json()
    assert [a["id"] for a in left["articles"]] == [harbour, euro]
    # the earliest remaining copy represents the story now: its title and its summary
    assert left["title"] == ingested.titles[harbour] != old_title
    assert store.text.hget(store.keys.story(grain), "summary_rep") == harbour
    events = events_after(store, start)
    assert [e["type"] for e in events] == ["story.split", "story.headline_changed", "story.updated", "story.created"]
    split, changed, _, created = events
    assert split == {"type": "story.split", "story": grain, "into": fresh, "articles": f"{wire} {kyiv}",
                     "size": "2", "by": "operator"}
    assert (changed["story"], changed["previous"], changed["title"]) == (grain, old_title, left["title"])
    assert (created["story"], created["size"], created["split_from"]) == (fresh, "2", grain)

"""/metrics: the daemons' run counters (written by their per-run write, ``record_run``) and story
sizes (stories written by the real ingest path), on a real Redis."""

from __future__ import annotations

from fastapi.testclient import TestClient

from storage import heartbeats
from storage.connection import Store
from storage.source_state import record_run
from tests.api.builders import Ingested


def test_metrics_count_fetches_by_status_runs_and_items(client: TestClient, store: Store) -> None:
    for name, ok in (("kyiv-feed", True), ("odesa-feed", False)):
        counters = {"fetch:listing:200" if ok else "fetch:listing:503": 1, "fetch:article:200": 2 if ok else 0,
                    "fetch:article:404": 1 if ok else 0, "runs:ok" if ok else "runs:failed": 1,
                    "items:new": 2 if ok else 0, "items:duplicate": 5 if ok else 0, "extract:empty": 1 if ok else 0}
        record_run(store, name, {"last_run": 1.0}, next_run=None, counters=counters, now=1_800_000_000.0)
    text = client.get("/metrics").text
    for line in (
        'wirewatch_fetches_total{kind="listing",status="200"} 1.0',
        'wirewatch_fetches_total{kind="listing",status="503"} 1.0',
        'wirewatch_fetches_total{kind="article",status="200"} 2.0',
        'wirewatch_fetches_total{kind="article",status="404"} 1.0',
        'wirewatch_source_runs_total{outcome="ok"} 1.0',
        'wirewatch_source_runs_total{outcome="failed"} 1.0',
        'wirewatch_items_total{outcome="new"} 2.0',
        'wirewatch_items_total{outcome="duplicate"} 5.0',
        "wirewatch_extraction_failures_total 1.0",
        "wirewatch_last_run_timestamp_seconds 1.8e+09",
    ):
        assert line in text, line


def test_metrics_story_sizes(client: TestClient, store: Store, ingested: Ingested) -> None:
    roots = store.text.zrange(store.keys.stories_updated, 0, -1)
    sizes = [int(store.text.hget(store.keys.story(sid), "size")) for sid in roots]
    assert len(set(sizes)) > 1  # the fixture has stories of several sizes
    text = client.get("/metrics").text
    for le in (1, 2, 3, 5, 10):
        assert f'wirewatch_story_size_articles_bucket{{le="{le}"}} {float(sum(1 for n in sizes if n <= le))}' in text
    assert f'wirewatch_story_size_articles_bucket{{le="+Inf"}} {float(len(sizes))}' in text
    assert f"wirewatch_story_size_articles_gsum {float(sum(sizes))}" in text


def test_metrics_count_the_live_daemons(client: TestClient, store: Store) -> None:
    assert "wirewatch_daemons 0.0" in client.get("/metrics").text
    heartbeats.beat(store, "host-a:1", "leader")
    heartbeats.beat(store, "host-b:1", "worker")
    heartbeats.forget(store, "host-b:1")  # stopped
    heartbeats.beat(store, "host-c:1", "worker")
    store.text.delete(store.keys.heartbeat("host-c:1"))  # its heartbeat expired: killed -9
    assert "wirewatch_daemons 1.0" in client.get("/metrics").text

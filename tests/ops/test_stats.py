"""``storage.stats``: counts and times straight from the store, memory from Redis itself."""

from __future__ import annotations

import time

from storage.connection import Store
from storage.retention import RetentionPolicy, sweep
from storage.stats import collect, measure_prefix
from tests.ops.conftest import Doc, Ingest


def test_empty_store(store: Store) -> None:
    found = collect(store)
    assert (found.articles, found.stories, found.indexed, found.events) == (0, 0, 0, 0)
    assert found.oldest_article is None and found.bytes_per_article is None
    assert found.used_memory > 0 and found.redis_version.count(".") == 2


def test_counts_times_and_memory(store: Store, ingest: Ingest, corpus: list[Doc]) -> None:
    base = time.time() - 3600
    stories = {ingest(doc, base + n).story_id for n, doc in enumerate(corpus)}
    found = collect(store, measure_keys=True)
    assert found.articles == found.indexed == len(corpus)
    assert found.stories == len(stories)
    assert found.events == store.text.xlen(store.keys.events) > 0
    assert found.oldest_article is not None and found.newest_article is not None
    assert abs(found.oldest_article.timestamp() - base) < 1e-3
    assert abs(found.newest_article.timestamp() - (base + len(corpus) - 1)) < 1e-3
    assert found.oldest_event is not None and found.newest_event is not None
    assert found.oldest_event <= found.newest_event
    # the measured prefix holds at least the article texts, and no more than the whole server
    text_bytes = sum(len(d.text.encode()) for d in corpus)
    assert found.prefix_memory is not None and text_bytes < found.prefix_memory <= found.used_memory
    assert found.bytes_per_article == found.prefix_memory / len(corpus)
    assert found.last_sweep is None
    assert any("no retention sweep" in w for w in found.warnings)
    assert found.to_json()["articles"] == len(corpus)


def test_measure_counts_every_key_of_the_prefix(store: Store, ingest: Ingest, corpus: list[Doc]) -> None:
    for n, doc in enumerate(corpus[:3]):
        ingest(doc, time.time() + n)
    total, keys = measure_prefix(store)
    expected = [k for k in store.text.scan_iter(match="ww:*")]
    assert keys == len(expected)
    assert total == sum(store.text.memory_usage(k, samples=0) for k in expected)


def test_last_sweep_is_reported(store: Store, ingest: Ingest, corpus: list[Doc]) -> None:
    ingest(corpus[0], time.time())
    sweep(store, RetentionPolicy(max_age=86400, index_window=86400, event_maxlen=100), now=time.time())
    found = collect(store)
    assert found.last_sweep is not None and not any("no retention sweep" in w for w in found.warnings)

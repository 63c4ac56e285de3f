"""Schema versions: an upgrade that changes keys migrates old data instead of stranding it."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

from dedupe import DedupeConfig
from dedupe.minhash import band_ids
from storage.connection import Store
from storage.keys import SCHEMA_VERSION
from storage.migrations import MIGRATIONS, Migration, migrate, plan, stored_version
from tests.ops.conftest import Doc, Ingest
from wirewatch.errors import ConfigError


def rename_stories_index(store: Store) -> None:
    """A stand-in layout change: version 2 keeps the story index under a new name."""
    old, new = store.keys.stories_updated, store.keys.stories_updated + ":v2"
    if store.text.exists(old):
        store.text.rename(old, new)


CHAIN = (Migration(2, "story index renamed", rename_stories_index),)


def test_the_shipped_chain_reaches_this_release() -> None:
    versions = [m.to_version for m in MIGRATIONS]
    assert versions == list(range(2, SCHEMA_VERSION + 1))


def test_empty_database_is_stamped(store: Store) -> None:
    store.text.delete(store.keys.schema)
    assert stored_version(store) is None
    result = migrate(store)
    assert result.stored is None and stored_version(store) == SCHEMA_VERSION


def test_unversioned_data_is_the_first_layout(store: Store, ingest: Ingest, corpus: list[Doc]) -> None:
    ingest(corpus[0], time.time())
    store.text.delete(store.keys.schema)
    assert stored_version(store) == 1


def test_migrates_in_order_and_stamps(store: Store, ingest: Ingest, corpus: list[Doc]) -> None:
    ingest(corpus[0], time.time())
    store.text.set(store.keys.schema, 1)
    members = store.text.zrange(store.keys.stories_updated, 0, -1)
    dry = migrate(store, migrations=CHAIN, target=2, dry_run=True)
    assert [m.to_version for m in dry.steps] == [2] and stored_version(store) == 1
    done = migrate(store, migrations=CHAIN, target=2)
    assert (done.stored, done.target) == (1, 2) and stored_version(store) == 2
    assert store.text.zrange(store.keys.stories_updated + ":v2", 0, -1) == members
    assert not store.text.exists(store.keys.migration_lock)
    assert migrate(store, migrations=CHAIN, target=2).current


def test_refusals(store: Store, ingest: Ingest, corpus: list[Doc]) -> None:
    ingest(corpus[0], time.time())
    store.text.set(store.keys.schema, 1)
    with pytest.raises(ConfigError, match="no migration to schema 3"):
        plan(store, migrations=CHAIN, target=3)
    store.text.set(store.keys.schema, 9)
    with pytest.raises(ConfigError, match="newer than this wirewatch"):
        plan(store, migrations=CHAIN, target=2)
    store.text.set(store.keys.schema, 1)
    store.text.set(store.keys.heartbeat("host-1"), "{}", ex=30)
    with pytest.raises(ConfigError, match="a daemon is running"):
        migrate(store, migrations=CHAIN, target=2)
    store.text.delete(store.keys.heartbeat("host-1"))
    store.text.set(store.keys.migration_lock, "1", ex=30)
    with pytest.raises(ConfigError, match="another migration"):
        migrate(store, migrations=CHAIN, target=2)
    assert stored_version(store) == 1


def to_schema_1_index(store: Store) -> dict[str, float]:
    """Rewrite the index the test just built into schema 1's layout (bucket hashes, signature
    keys, the times zset), as a release before the cell table left it; returns id -> indexed at."""
    from storage.lsh import live_entries

    k = store.keys
    times: dict[str, float] = {}
    for e in live_entries(store):
        times[e.article_id] = float(e.time)
        store.raw.set(k.legacy_signature(e.article_id), e.signature)
        store.text.zadd(k.legacy_lsh_times, {e.article_id: float(e.time)})
        sig = np.frombuffer(e.signature, "<u4").astype(np.uint32).reshape(1, -1)
        for band, bucket in enumerate(band_ids(sig, DedupeConfig().bands)[0]):
            key, field = f"{k.prefix}:lsh:{band}:{int(bucket[:3], 16) >> 2:x}", bucket[3:11]
            old = store.text.hget(key, field)
            store.text.hset(key, field, f"{old} {e.article_id}" if old else e.article_id)
        store.text.hdel(k.article(e.article_id), "lsh_n")
    for key in list(store.text.scan_iter(match=f"{k.lsh_record_prefix}*")):
        store.text.delete(key)
    store.text.delete(k.lsh_table, k.lsh_meta)
    store.text.set(k.schema, 1)
    return times


def test_schema_1_index_moves_to_the_cell_table(store: Store, ingest: Ingest, corpus: list[Doc]) -> None:
    now = time.time()
    keys = [d.story_key for d in corpus]
    # held back: the last copy of a story with several, to show the moved index still finds it
    held = max(i for i, d in enumerate(corpus) if keys.count(d.story_key) > 1)
    for n, doc in enumerate(corpus):
        if n != held:
            ingest(doc, now - 1000 + n)
    k = store.keys
    times = to_schema_1_index(store)
    assert store.text.exists(k.legacy_lsh_times) and stored_version(store) == 1

    done = migrate(store)
    assert (done.stored, done.target) == (1, SCHEMA_VERSION) and stored_version(store) == SCHEMA_VERSION
    # the old keys are gone; every article has its record, in the order it was indexed
    left = [key for key in store.text.scan_iter(match=f"{k.prefix}:*")
            if key.startswith((f"{k.prefix}:sig:", k.legacy_lsh_times)) or re.match(rf"{k.prefix}:lsh:\d+:", key)]
    assert left == []
    numbers = {aid: int(store.text.hget(k.article(aid), "lsh_n")) for aid in times}
    assert sorted(numbers, key=numbers.__getitem__) == sorted(times, key=times.__getitem__)
    # the index works: the held-back copy joins its story
    last = corpus[held]
    twin = next(d for d in corpus if d.story_key == last.story_key and d is not last)
    joined = ingest(last, now)
    assert joined.status == "joined" and joined.story_id == store.text.hget(k.article(twin.id), "story")
    # running it again (a crash after the move) only tidies up
    store.text.set(k.schema, 1)
    assert migrate(store).stored == 1 and store.text.hget(k.lsh_meta, "seq") == str(len(times) + 1)

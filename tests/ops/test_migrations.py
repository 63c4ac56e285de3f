"""Schema versions: an upgrade that changes keys migrates old data instead of stranding it."""

from __future__ import annotations

import time

import pytest

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

"""Schema versions of the Redis layout, and the migrations that carry old data forward.

``p:schema`` holds the layout version the data was written with (``storage.keys.SCHEMA_VERSION``
is the version this code writes). A release that changes keys bumps ``SCHEMA_VERSION`` and appends
a ``Migration`` to ``MIGRATIONS`` that rewrites version ``n - 1`` data into version ``n``; daemons of
the new release refuse to start on older data until ``wirewatch migrate`` has run, so an upgrade
never strands data under key names nobody reads.

Rules for a migration: idempotent (a crash part-way is repaired by running it again: the version
is stamped only after it finishes), batched (SCAN, never KEYS), and every key it writes named by
``storage.keys``. Data written before the version key existed is version 1, the first layout.
Run it with the daemons stopped: ``migrate`` refuses while a daemon heartbeat is fresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from storage import heartbeats
from storage.connection import Store
from storage.keys import SCHEMA_VERSION
from wirewatch.errors import ConfigError

log = logging.getLogger(__name__)

# A migration that takes longer than this loses its lock; a second migrator may then start.
LOCK_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class Migration:
    """Rewrites data of version ``to_version - 1`` into ``to_version``."""

    to_version: int
    description: str
    apply: Callable[[Store], None]


def _to_cell_table(store: Store) -> None:
    from storage.migrate_lsh import migrate_to_cell_table  # it imports storage.retention's helpers

    migrate_to_cell_table(store)


# The chain from version 1 on.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(2, "LSH index as one cell table with per-article records (storage/lsh.py)", _to_cell_table),
)


@dataclass(frozen=True, slots=True)
class MigrationPlan:
    stored: int | None  # None: an empty database (nothing to migrate, only stamped)
    target: int
    steps: tuple[Migration, ...]

    @property
    def current(self) -> bool:
        return self.stored is None or self.stored == self.target


def stored_version(store: Store) -> int | None:
    """The stored layout version; 1 for data older than the version key; None for no data."""
    k = store.keys
    raw = store.text.get(k.schema)
    if raw is not None:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{k.schema} holds {raw!r}, not a schema version") from None
    if store.text.exists(k.articles_by_time, k.stories_updated, k.sources_due):
        return 1
    return None


def plan(
    store: Store, *, migrations: Sequence[Migration] = MIGRATIONS, target: int = SCHEMA_VERSION
) -> MigrationPlan:
    stored = stored_version(store)
    if stored is None or stored == target:
        return MigrationPlan(stored, target, ())
    if stored > target:
        raise ConfigError(
            f"Redis holds schema {stored}, newer than this wirewatch ({target}): upgrade wirewatch"
        )
    by_version = {m.to_version: m for m in migrations}
    missing = [v for v in range(stored + 1, target + 1) if v not in by_version]
    if missing:
        raise ConfigError(f"no migration to schema {missing[0]} (from {stored} to {target})")
    return MigrationPlan(stored, target, tuple(by_version[v] for v in range(stored + 1, target + 1)))


def migrate(
    store: Store,
    *,
    migrations: Sequence[Migration] = MIGRATIONS,
    target: int = SCHEMA_VERSION,
    dry_run: bool = False,
    force: bool = False,
) -> MigrationPlan:
    """Apply the pending migrations in order, stamping the version after each; returns the plan."""
    k = store.keys
    steps = plan(store, migrations=migrations, target=target)
    if dry_run:
        return steps
    if steps.stored is None:
        store.text.set(k.schema, target, nx=True)
        return steps
    if steps.current:
        store.text.set(k.schema, target)  # stamps data written before the version key existed
        return steps
    if not force and heartbeats.any_running(store):
        raise ConfigError("a daemon is running (fresh heartbeat): stop the daemons, then migrate (or --force)")
    if not store.text.set(k.migration_lock, "1", nx=True, ex=LOCK_SECONDS):
        raise ConfigError(f"another migration holds {k.migration_lock}; wait for it (or delete the key)")
    try:
        for step in steps.steps:
            log.info("migrating to schema %s: %s", step.to_version, step.description)
            step.apply(store)
            store.text.set(k.schema, step.to_version)
    finally:
        store.text.delete(k.migration_lock)
    return steps

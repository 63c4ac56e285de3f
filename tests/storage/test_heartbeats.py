"""Daemon heartbeats: a beating instance is alive with its info, a stopped or silent one is not,
and names of long-gone instances leave the directory."""

from __future__ import annotations

import time
from typing import Any

import pytest

from storage import heartbeats
from storage.connection import Store


def test_a_beating_instance_is_alive_until_it_stops(store: Store) -> None:
    assert heartbeats.alive(store) == {}
    heartbeats.beat(store, "host-b:7", "1 worker inflight=0")
    heartbeats.beat(store, "host-a:9", "1 leader inflight=2")
    assert heartbeats.alive(store) == {"host-a:9": "1 leader inflight=2", "host-b:7": "1 worker inflight=0"}
    heartbeats.beat(store, "host-a:9", "2 leader inflight=0")  # the latest info wins
    assert heartbeats.alive(store)["host-a:9"] == "2 leader inflight=0"
    heartbeats.forget(store, "host-a:9")
    assert list(heartbeats.alive(store)) == ["host-b:7"]
    assert store.text.zrange(store.keys.daemon_instances, 0, -1) == ["host-b:7"]


def test_a_silent_instance_is_not_alive_and_is_forgotten_after_a_day(store: Store) -> None:
    heartbeats.beat(store, "killed:1", "x", ttl=1)  # killed -9: never says goodbye
    heartbeats.beat(store, "running:2", "y")
    deadline = time.monotonic() + 10
    while "killed:1" in heartbeats.alive(store) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert heartbeats.alive(store) == {"running:2": "y"}
    assert "killed:1" in store.text.zrange(store.keys.daemon_instances, 0, -1)  # until a day has passed
    heartbeats.beat(store, "running:2", "y", now=time.time() + heartbeats.FORGET_AFTER + 1)
    assert store.text.zrange(store.keys.daemon_instances, 0, -1) == ["running:2"]


def test_reading_the_heartbeats_does_not_depend_on_the_keyspace(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Readers list the directory instead of scanning: two commands whatever the database holds."""
    store.text.mset({f"filler:{i}": "x" for i in range(5_000)})
    heartbeats.beat(store, "host:1", "z")
    sent: list[str] = []
    execute = store.text.execute_command

    def counting(*args: Any, **options: Any) -> Any:
        sent.append(str(args[0]).upper())
        return execute(*args, **options)

    monkeypatch.setattr(store.text, "execute_command", counting)
    assert heartbeats.alive(store) == {"host:1": "z"}
    assert sent == ["ZRANGE", "MGET"]


def test_a_daemon_of_an_older_version_still_counts_as_running(store: Store) -> None:
    """Older daemons wrote only the TTL'd key, not the directory: migrate and reindex must not run
    beside them during an upgrade."""
    assert not heartbeats.any_running(store)
    store.text.set(store.keys.heartbeat("old-host:1"), "1 worker", ex=30)  # what they write
    assert heartbeats.alive(store) == {}
    assert heartbeats.any_running(store)
    store.text.delete(store.keys.heartbeat("old-host:1"))
    heartbeats.beat(store, "new-host:1", "1 leader")
    assert heartbeats.any_running(store)

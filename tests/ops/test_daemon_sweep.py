"""A lone daemon keeps Redis bounded: its leader runs the retention sweep when one is due
(WIREWATCH_DAEMON_SWEEP, on by default), in the background, without a separate sweeper."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from storage.connection import Store
from tests.ops.conftest import Doc, Ingest
from tests.scheduler.daemon_proc import DaemonProcess, wait_until

pytestmark = pytest.mark.slow


def _sources(tmp_path: Path) -> Path:
    with socket.socket() as sock:  # a port nothing listens on: the source fails, the daemon runs on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - name: a\n    kind: feed\n    url: http://127.0.0.1:{port}/feed\n    every: 1h\n")
    return path


def test_the_leader_sweeps_unless_told_not_to(
    tmp_path: Path, store: Store, ingest: Ingest, corpus: list[Doc], cli_env: dict[str, str],
) -> None:
    k = store.keys
    now = time.time()
    old, young = corpus[0], corpus[1]
    ingest(old, now - 2 * 3600)
    ingest(young, now - 60)
    env = {**cli_env, "WIREWATCH_RETENTION_AGE": "3600", "WIREWATCH_RETENTION_INTERVAL": "1"}
    sources = _sources(tmp_path)

    off = DaemonProcess(sources, {**env, "WIREWATCH_DAEMON_SWEEP": "false"})
    try:
        assert off.wait_for_log("now holds the scheduler lock"), off.log
        time.sleep(4)  # four chances to sweep, had it been on
        assert store.text.exists(k.article(old.id)) and not store.text.exists(k.last_sweep)
        assert off.sigterm() == 0
    finally:
        off.stop()

    on = DaemonProcess(sources, env)
    try:
        assert wait_until(lambda: not store.text.exists(k.article(old.id)), 90), on.log
        assert store.text.exists(k.article(young.id))
        assert on.wait_for_log("retention sweep: 1 article(s)"), on.log
        assert store.text.hget(k.last_sweep, "deep") is not None
        assert store.text.hget(k.last_sweep, "last_deep_at") is not None  # the first one was deep
        assert on.sigterm() == 0
    finally:
        on.stop()


def test_a_daemon_stopped_mid_sweep_ends_the_sweep_and_exits_cleanly(
    tmp_path: Path, store: Store, cli_env: dict[str, str],
) -> None:
    """SIGTERM during a long deep sweep: the sweep stops at its next batch, its claim is released
    and it is not recorded as done, and the daemon exits 0 without the exit watchdog."""
    pipe = store.text.pipeline(transaction=False)
    for n in range(150_000):  # another application's hashes: the deep sweep looks at each one
        pipe.hset(f"other-app:{n}", "field", "value")
        if n % 10_000 == 9_999:
            pipe.execute()
    pipe.execute()
    env = {**cli_env, "WIREWATCH_RETENTION_INTERVAL": "1"}
    proc = DaemonProcess(_sources(tmp_path), env)
    try:
        assert wait_until(lambda: bool(store.text.exists(store.keys.sweep_lock)), 60), proc.log
        time.sleep(0.5)
        assert store.text.hget(store.keys.last_sweep, "at") is None, "the sweep ended before the stop"
        assert proc.sigterm() == 0
    finally:
        proc.stop()
    assert "retention sweep stopped part-way (the process is stopping)" in proc.log
    assert "exit:" not in proc.log  # the exit watchdog had nothing to do
    assert not store.text.exists(store.keys.sweep_lock)
    assert store.text.hget(store.keys.last_sweep, "at") is None

"""A daemon that stops during its retention sweep ends the sweep at its next batch and waits for
it: the claim is released, nothing is recorded as swept, and no thread is left talking to Redis."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import scheduler.daemon as daemon_module
from crawlers.sources import load_sources
from dedupe import DedupeConfig
from scheduler.daemon import Daemon
from storage.connection import Store
from storage.retention import sweep as real_sweep
from tests.ops.conftest import Doc, Ingest
from wirewatch.settings import Settings

DAY = 86400.0


def _daemon(tmp_path: Path, settings: Settings, store: Store, dedupe_config: DedupeConfig) -> Daemon:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: a\n    kind: feed\n    url: http://127.0.0.1:9/feed\n    every: 1h\n")
    daemon = Daemon(settings, load_sources(path), store, dedupe_config)
    daemon.is_leader = True
    return daemon


def _slow_sweep(monkeypatch: pytest.MonkeyPatch, hold: float) -> tuple[threading.Event, threading.Event]:
    """The daemon's sweep, with its first batch taking until ``go`` is set (at most ``hold`` s)."""
    entered, go = threading.Event(), threading.Event()

    def slow(store: Store, policy: Any, *, deep: bool, checkpoint: Callable[[], None]) -> Any:
        def check() -> None:
            if not entered.is_set():
                entered.set()
                go.wait(hold)
            checkpoint()

        return real_sweep(store, policy, deep=deep, checkpoint=check)

    monkeypatch.setattr(daemon_module, "sweep", slow)
    return entered, go


def test_a_stop_ends_the_sweep_and_waits_for_it(
    tmp_path: Path, settings: Settings, store: Store, dedupe_config: DedupeConfig, ingest: Ingest,
    corpus: list[Doc], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    old = time.time() - 10 * DAY
    for n, doc in enumerate(corpus[:6]):
        ingest(doc, now=old + n)
    daemon = _daemon(tmp_path, settings, store, dedupe_config)
    entered, go = _slow_sweep(monkeypatch, hold=10)
    caplog.set_level(logging.INFO, logger="scheduler.daemon")

    async def scenario() -> None:
        await daemon.retain()
        assert await asyncio.to_thread(entered.wait, 10)
        assert store.text.exists(store.keys.sweep_lock)  # claimed while it runs
        daemon.request_stop("SIGTERM")
        go.set()  # the batch in progress ends; the next checkpoint sees the stop
        await daemon._stop_sweeper()

    asyncio.run(scenario())
    assert daemon._sweeper is not None and not daemon._sweeper.is_alive()
    assert not store.text.exists(store.keys.sweep_lock)  # released: the next sweeper starts at once
    assert store.text.hget(store.keys.last_sweep, "at") is None  # not recorded as a sweep done
    assert store.text.zcard(store.keys.articles_by_time) == 6  # stopped before its first batch
    assert "retention sweep stopped part-way (the process is stopping)" in caplog.text


def test_a_sweep_that_does_not_stop_in_time_is_abandoned(
    tmp_path: Path, settings: Settings, store: Store, dedupe_config: DedupeConfig,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    daemon = _daemon(tmp_path, settings, store, dedupe_config)
    entered, go = _slow_sweep(monkeypatch, hold=30)
    monkeypatch.setattr(daemon_module, "SWEEP_STOP_SECONDS", 0.2)

    async def scenario() -> float:
        await daemon.retain()
        assert await asyncio.to_thread(entered.wait, 10)
        daemon.request_stop("SIGTERM")
        started = time.monotonic()
        await daemon._stop_sweeper()
        return time.monotonic() - started

    try:
        waited = asyncio.run(scenario())
        assert waited < 5  # the stop is not held by a stuck sweep
        assert "retention sweep did not stop within 0.2s" in caplog.text
    finally:
        go.set()
        assert daemon._sweeper is not None
        daemon._sweeper.join(10)
    assert not store.text.exists(store.keys.sweep_lock)  # the late thread still released its claim


def test_a_failed_sweep_is_recorded_and_not_retried_at_the_next_check(
    tmp_path: Path, settings: Settings, store: Store, dedupe_config: DedupeConfig,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    daemon = _daemon(tmp_path, settings, store, dedupe_config)
    calls = 0

    def failing(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        raise ConnectionError("Connection reset by peer")

    monkeypatch.setattr(daemon_module, "sweep", failing)

    async def twice() -> None:
        for _ in range(2):
            await daemon.retain()
            assert daemon._sweeper is not None
            await asyncio.to_thread(daemon._sweeper.join, 10)

    asyncio.run(twice())
    assert calls == 1  # the second check found the failure recent: no retry every minute
    last = store.text.hgetall(store.keys.last_sweep)
    assert "Connection reset by peer" in last["failure"] and float(last["failed_at"]) > time.time() - 60
    assert not store.text.exists(store.keys.sweep_lock)
    assert "retention sweep failed (retried in 3600s): Connection reset by peer" in caplog.text

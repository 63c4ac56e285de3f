"""Hot reload of the sources file (Daemon.maybe_reload / sync_due), in process: what counts as a
change, which next-run times move, and what a truncated file does."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from crawlers.sources import load_sources
from dedupe import DedupeConfig
from scheduler.backend import next_cron_time
from scheduler.daemon import Daemon
from storage.connection import Store
from storage.work_queue import WorkQueue
from wirewatch.settings import Settings

SOURCES = """\
sources:
  - name: alpha
    url: https://alpha.example/feed
    every: 1h
  - name: beta
    url: https://beta.example/feed
    every: 1h
"""


def _daemon(path: Path, settings: Settings, store: Store) -> Daemon:
    daemon = Daemon(settings, load_sources(path), store, DedupeConfig())
    daemon.sync_due()
    return daemon


def _edit(path: Path, text: str) -> None:
    path.write_text(text)
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))  # a new mtime even within one clock tick


def _due(store: Store) -> dict[str, float]:
    return dict(store.text.zrange(store.keys.sources_due, 0, -1, withscores=True))


def test_a_line_added_above_changes_nothing_and_a_running_source_is_not_run_twice(
    tmp_path: Path, settings: Settings, store: Store, caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES)
    daemon = _daemon(path, settings, store)
    now = time.time()
    store.text.zadd(store.keys.sources_due, {"alpha": now - 1, "beta": now + 3000})
    assert WorkQueue(store, "w").dispatch_due(now, {"alpha": {"name": "alpha"}}, lease=900) == ["alpha"]
    leased = _due(store)
    caplog.set_level(logging.INFO, logger="scheduler.daemon")
    _edit(path, "# the desk's sources\n" + SOURCES.replace("every: 1h\n  - name: beta", "every: 1m\n  - name: beta"))
    assert daemon.maybe_reload()
    assert "1 changed ['alpha']" in caplog.text  # alpha's interval; beta moved a line down only
    # alpha's schedule changed while it runs: its run sets the next time, not the reload
    assert _due(store) == leased


def test_a_shorter_interval_brings_the_next_run_forward_unless_paused(
    tmp_path: Path, settings: Settings, store: Store,
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES)
    daemon = _daemon(path, settings, store)
    now = time.time()
    store.text.zadd(store.keys.sources_due, {"alpha": now + 3000, "beta": now + 3000})
    store.text.hset(store.keys.source("beta"), mapping={"paused": "5 consecutive failures", "last_run": now - 60})
    _edit(path, SOURCES.replace("every: 1h", "every: 1m"))
    assert daemon.maybe_reload()
    due = _due(store)
    assert due["alpha"] <= time.time() + 30  # no longer left waiting its old hour
    assert due["beta"] == pytest.approx(now + 3000)  # paused: stays paused until its retry


def test_a_truncated_file_keeps_the_running_config_and_next_run_times(
    tmp_path: Path, settings: Settings, store: Store, caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES)
    daemon = _daemon(path, settings, store)
    before = _due(store)
    _edit(path, "")
    caplog.set_level(logging.ERROR, logger="scheduler.daemon")
    assert not daemon.maybe_reload()
    assert "lists no source" in caplog.text
    assert [s.name for s in daemon.sources.sources] == ["alpha", "beta"]
    assert _due(store) == before


def test_a_new_cron_source_first_runs_at_its_time(tmp_path: Path, settings: Settings, store: Store) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES)
    daemon = _daemon(path, settings, store)
    _edit(path, SOURCES + '  - name: nightly\n    url: https://n.example/feed\n    cron: "0 3 * * *"\n')
    now = time.time()
    assert daemon.maybe_reload()
    expected = next_cron_time("0 3 * * *", now)
    assert expected is not None and _due(store)["nightly"] == pytest.approx(expected, abs=5)


def test_status_shows_a_dispatched_source_as_running(
    tmp_path: Path, settings: Settings, store: Store, cli_env: dict[str, str],
) -> None:
    """Not `ok` with a next run in 15 minutes (the lease): `running`, next run `-`."""
    from click.testing import CliRunner

    from storage.source_state import record_run
    from wirewatch.cli import main

    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES)
    _daemon(path, settings, store)
    now = time.time()
    store.text.zadd(store.keys.sources_due, {"alpha": now - 1})
    WorkQueue(store, "w").dispatch_due(now, {"alpha": {"name": "alpha"}}, lease=900)

    def line(name: str) -> list[str]:
        out = CliRunner().invoke(main, ["status", "--sources", str(path)], env=cli_env, catch_exceptions=False).stdout
        return next(r for r in out.splitlines() if r.startswith(name)).split()

    row = line("alpha")
    assert row[1] == "running" and row[6] == "-", row
    assert line("beta")[1] == "new"
    record_run(store, "alpha", {"last_run": now + 1, "last_success": now + 1}, next_run=now + 3600)  # landed
    assert line("alpha")[1] == "ok"

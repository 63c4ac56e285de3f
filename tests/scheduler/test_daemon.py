"""The daemon as ops teams run it: hot reload, backoff and pause, several instances with one
leader, SIGTERM and kill -9 mid-crawl without loss or duplicates, next runs kept over restarts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from storage.connection import Store
from tests.fixturesite import build_world, serve_world
from tests.scheduler.daemon_proc import DaemonProcess, wait_until

pytestmark = pytest.mark.slow


def wirewatch(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wirewatch", *args], env=env, capture_output=True, text=True,
                          timeout=240)


def stored_urls(store: Store) -> list[str]:
    ids = store.text.zrange(store.keys.articles_by_time, 0, -1)
    pipe = store.text.pipeline(transaction=False)
    for aid in ids:
        pipe.hget(store.keys.article(aid), "url")
    return [u for u in pipe.execute() if u]


def test_hot_reload_follows_the_sources_file(tmp_path: Path, cli_env: dict[str, str], store: Store) -> None:
    world = build_world()
    with serve_world(world):
        path = world.sources_yaml(tmp_path / "sources.yaml", every="30s")
        doc = yaml.safe_load(path.read_text())
        all_sources = doc["sources"]
        doc["sources"] = all_sources[:2]
        path.write_text(yaml.safe_dump(doc))
        d = DaemonProcess(path, cli_env)
        try:
            first, second, third = (s["name"] for s in all_sources[:3])
            assert d.wait_for_log(f"{first}: fetched") and d.wait_for_log(f"{second}: fetched"), d.log
            # edit: add a third source, remove the first
            doc["sources"] = all_sources[1:3]
            time.sleep(0.05)
            path.write_text(yaml.safe_dump(doc))
            assert d.wait_for_log(f"{third}: fetched", timeout=30), d.log
            assert "1 added ['" + third + "'], 1 removed ['" + first + "']" in d.log
            due = set(store.text.zrange(store.keys.sources_due, 0, -1))
            assert due == {second, third}
            # a broken edit is refused and the running config keeps going
            path.write_text("sources:\n  - name: Broken!\n")
            assert d.wait_for_log("sources file rejected, keeping the running config", timeout=30), d.log
            assert set(store.text.zrange(store.keys.sources_due, 0, -1)) == {second, third}
            assert d.proc.poll() is None
            assert d.sigterm() == 0
        finally:
            d.stop()


def test_failing_source_backs_off_pauses_and_resumes(tmp_path: Path, cli_env: dict[str, str], store: Store) -> None:
    world = build_world()
    with serve_world(world) as site:
        outlet = world.outlets[0]
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": [
            {"name": "flaky", "kind": "feed", "url": site.url(outlet.slug, "/fault/status/503"), "every": "1m"},
        ]}))
        env = {**cli_env, "WIREWATCH_PAUSE_AFTER": "3"}
        nexts = []
        for _ in range(3):
            run = wirewatch(["run", "--once", "--sources", str(path)], env)
            assert run.returncode == 0, run.stderr
            assert "flaky: FAILED" in run.stderr and "HTTP 503" in run.stderr
            nexts.append(store.text.zscore(store.keys.sources_due, "flaky") - time.time())
        state = store.text.hgetall(store.keys.source("flaky"))
        assert state["consecutive_failures"] == "3"
        assert state["paused"].startswith("paused after 3 consecutive failures")
        # exponential: 1 min, 2 min (each with up to 10% jitter), then paused (retried daily, not forgotten)
        assert 50 < nexts[0] < 70 and 104 < nexts[1] < 136 and nexts[2] > 20 * 3600
        status = wirewatch(["status", "--sources", str(path)], env)
        assert "paused" in status.stdout or "failing" in status.stdout
        enable = wirewatch(["sources", "enable", "flaky", "--sources", str(path)], env)
        assert enable.returncode == 0 and "resumed" in enable.stdout
        assert store.text.hget(store.keys.source("flaky"), "paused") == ""
        assert store.text.zscore(store.keys.sources_due, "flaky") <= time.time()


def test_two_instances_share_work_and_a_standby_takes_over(tmp_path: Path, cli_env: dict[str, str], store: Store) -> None:
    world = build_world(outlets=8, articles_per_outlet=4)
    with serve_world(world):
        path = world.sources_yaml(tmp_path / "sources.yaml", every="30s")
        # one run at a time each, and slow runs: the leader alone cannot keep up, so work is shared
        env = {**cli_env, "WIREWATCH_CONCURRENCY": "2", "WIREWATCH_DOWNLOAD_DELAY": "0.5"}
        a = DaemonProcess(path, env)
        assert a.wait_for_log("now holds the scheduler lock"), a.log
        b = DaemonProcess(path, env)
        try:
            assert wait_until(lambda: a.log.count(": fetched") + b.log.count(": fetched") >= 8, 90), a.log + b.log
            assert ": fetched" in b.log and ": fetched" in a.log, "both instances crawl"
            check = wirewatch(["check"], env)
            assert (check.returncode, check.stdout.strip()) == (0, "healthy: 2 daemon(s)"), check.stderr
            status = json.loads(wirewatch(["status", "--json", "--sources", str(path)], env).stdout)
            assert len(status["daemons"]) == 2 and status["leader"] in status["daemons"]
            assert "now holds the scheduler lock" not in b.log  # one leader
            killed = time.monotonic()
            a.kill9()
            assert b.wait_for_log("now holds the scheduler lock", timeout=60), b.log
            takeover = time.monotonic() - killed
            print(f"standby took over {takeover:.1f}s after the leader was killed")
            assert store.text.get(store.keys.leader) is not None
            assert b.sigterm() == 0
        finally:
            a.stop()
            b.stop()
        urls = stored_urls(store)
        assert len(urls) == len(set(urls)) == len(world.article_urls)


@pytest.mark.parametrize("how", ["sigterm", "kill9"])
def test_stop_mid_crawl_then_restart_loses_nothing_and_stores_nothing_twice(
    how: str, tmp_path: Path, cli_env: dict[str, str], store: Store
) -> None:
    world = build_world(outlets=6, articles_per_outlet=10)
    with serve_world(world):
        path = world.sources_yaml(tmp_path / "sources.yaml", every="30s")
        # slow article fetches so the stop lands mid-crawl
        env = {**cli_env, "WIREWATCH_DOWNLOAD_DELAY": "0.3", "WIREWATCH_CONCURRENCY": "4"}
        d = DaemonProcess(path, env)
        try:
            assert wait_until(lambda: store.text.zcard(store.keys.articles_by_time) >= 3, 90), d.log
            if how == "sigterm":
                assert d.sigterm() == 0, d.log
            else:
                d.kill9()
        finally:
            d.stop()
        partial = store.text.zcard(store.keys.articles_by_time)
        assert partial > 0
        restarted = DaemonProcess(path, env)
        try:
            assert wait_until(lambda: store.text.zcard(store.keys.articles_by_time) >= len(world.article_urls), 120), (
                f"{store.text.zcard(store.keys.articles_by_time)} of {len(world.article_urls)}\n" + restarted.log)
            assert restarted.sigterm() == 0
        finally:
            restarted.stop()
    urls = stored_urls(store)
    assert len(urls) == len(set(urls)) == len(world.article_urls)


def test_restart_keeps_next_run_times(tmp_path: Path, cli_env: dict[str, str], store: Store) -> None:
    world = build_world()
    with serve_world(world):
        path = world.sources_yaml(tmp_path / "sources.yaml", every="2h")
        d = DaemonProcess(path, cli_env)
        try:
            assert wait_until(lambda: d.log.count(": fetched") >= len(world.outlets), 60), d.log
            before = dict(store.text.zrange(store.keys.sources_due, 0, -1, withscores=True))
            assert d.sigterm() == 0
        finally:
            d.stop()
        assert all(t > time.time() + 3600 for t in before.values())
        again = DaemonProcess(path, cli_env)
        try:
            assert again.wait_for_log("now holds the scheduler lock"), again.log
            time.sleep(2)
            after = dict(store.text.zrange(store.keys.sources_due, 0, -1, withscores=True))
            assert after == before
            assert ": fetched" not in again.log  # nothing refetched at start
            assert again.sigterm() == 0
        finally:
            again.stop()


def test_ctrl_c_stops_the_daemon_and_its_workers_without_tracebacks(
    tmp_path: Path, cli_env: dict[str, str], store: Store
) -> None:
    """Ctrl-C in a terminal signals the whole process group, extraction workers included: the
    daemon stops cleanly (exit 0) and no worker dies with a KeyboardInterrupt traceback."""
    world = build_world(outlets=4, articles_per_outlet=10)
    with serve_world(world):
        path = world.sources_yaml(tmp_path / "sources.yaml", every="30s")
        env = {**cli_env, "WIREWATCH_DOWNLOAD_DELAY": "0.3", "WIREWATCH_CONCURRENCY": "4",
               "WIREWATCH_EXTRACT_WORKERS": "2"}
        d = DaemonProcess(path, env, own_group=True)
        try:
            assert wait_until(lambda: store.text.zcard(store.keys.articles_by_time) >= 3, 90), d.log
            os.killpg(d.proc.pid, signal.SIGINT)
            assert d.proc.wait(60) == 0, d.log
        finally:
            d.stop()
    time.sleep(1)  # the workers' last words, if any, reach the pipe
    assert "SIGINT received" in d.log
    assert "Traceback" not in d.log and "KeyboardInterrupt" not in d.log, d.log

"""Redis faults under a running daemon, on redis-servers these tests own: killed mid-ingest and
restarted (with and without its data), absent at start, down while a run's articles land.

Nothing acknowledged may be lost and nothing stored twice; the daemon says once that Redis is
gone, retries with backoff (not once per tick), and says when it is back.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
import yaml

from storage.keys import SCHEMA_VERSION, Keys
from tests.fixturesite import build_world, serve_world
from tests.reliability.docserver import DocServer
from tests.reliability.redis_proc import OwnRedis, free_port
from tests.scheduler.daemon_proc import DaemonProcess, wait_until

PASSWORD = "pw-Redis-4f9c1e"  # every test here uses a password and checks that no output shows it
KEYS = Keys("ww")


def stored_urls(client: redis.Redis) -> list[str]:
    ids = client.zrange(KEYS.articles_by_time, 0, -1)
    pipe = client.pipeline(transaction=False)
    for aid in ids:
        pipe.hget(KEYS.article(str(aid)), "url")
    return [str(u) for u in pipe.execute() if u]


def count(client: redis.Redis) -> int:
    try:
        return int(client.zcard(KEYS.articles_by_time))
    except redis.RedisError:
        return -1


@pytest.mark.slow
def test_killed_mid_ingest_pauses_retries_with_backoff_resumes_and_loses_nothing(
    tmp_path: Path, own_redis: Callable[..., OwnRedis], plain_env: dict[str, str]
) -> None:
    server = own_redis(password=PASSWORD, durable=True)
    client = server.client()
    world = build_world(outlets=6, articles_per_outlet=10)
    with serve_world(world):
        expected = sorted(world.article(u).url for u in world.article_urls)
        sources = world.sources_yaml(tmp_path / "sources.yaml", every="30s")
        env = {**plain_env, "WIREWATCH_REDIS_URL": server.url, "WIREWATCH_DOWNLOAD_DELAY": "0.3",
               "WIREWATCH_CONCURRENCY": "4"}
        daemon = DaemonProcess(sources, env)
        try:
            assert wait_until(lambda: count(client) >= 5, 90), daemon.log
            acknowledged = set(client.zrange(KEYS.articles_by_time, 0, -1))
            server.kill9()
            assert daemon.wait_for_log("Redis unavailable", 60), daemon.log
            time.sleep(4)  # a real outage: several retry periods
            assert daemon.proc.poll() is None, daemon.log
            server.start()
            client = server.client()
            # durable Redis (AOF, fsync always): what it acknowledged before the kill is all there
            assert acknowledged <= set(client.zrange(KEYS.articles_by_time, 0, -1))
            assert daemon.wait_for_log("ingestion resumed", 90), daemon.log
            assert wait_until(lambda: count(client) >= len(expected), 180), (
                f"{count(client)} of {len(expected)}\n{daemon.log}")
            assert daemon.sigterm() == 0, daemon.log
        finally:
            daemon.stop()
    urls = stored_urls(client)
    assert sorted(urls) == expected  # every article, none twice
    log = daemon.log
    assert log.count("Redis unavailable (") == 1, log
    assert "ingestion paused; retrying with backoff" in log
    # backoff 1, 2, 4, 8... s: a handful of retries, where one per tick (0.2 s) was 20+ lines per job
    assert log.count("Redis still unavailable") <= 8, log
    assert "work queue unavailable" not in log and "heartbeat/lock not renewed" not in log
    assert PASSWORD not in log


@pytest.mark.slow
def test_restarted_without_its_data_the_daemon_recovers_and_ingests_again(
    tmp_path: Path, own_redis: Callable[..., OwnRedis], plain_env: dict[str, str]
) -> None:
    """A Redis that comes back empty (no persistence, failover to an empty replica): the work
    queue's consumer group is gone; the daemon recreates it and fills the new Redis once."""
    server = own_redis(password=PASSWORD, durable=False)
    client = server.client()
    world = build_world(outlets=4, articles_per_outlet=5)
    with serve_world(world):
        expected = sorted(world.article(u).url for u in world.article_urls)
        sources = world.sources_yaml(tmp_path / "sources.yaml", every="30s")
        daemon = DaemonProcess(sources, {**plain_env, "WIREWATCH_REDIS_URL": server.url})
        try:
            assert wait_until(lambda: count(client) >= len(expected), 90), daemon.log
            server.kill9()
            server.start()
            client = server.client()
            assert count(client) == 0
            assert wait_until(lambda: count(client) >= len(expected), 120), (
                f"{count(client)} of {len(expected)}\n{daemon.log}")
            # the emptied Redis lost the schema stamp too: the daemon writes it again, so the data
            # is not later mistaken for the oldest layout
            assert client.get(Keys("ww").schema) == str(SCHEMA_VERSION), daemon.log
            assert daemon.sigterm() == 0, daemon.log
        finally:
            daemon.stop()
    assert sorted(stored_urls(client)) == expected
    assert PASSWORD not in daemon.log


def _article_page(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<article><h1>{title}</h1>{paragraphs}</article></body></html>").encode()


@pytest.mark.slow
def test_an_article_not_stored_during_an_outage_is_fetched_again(
    tmp_path: Path, own_redis: Callable[..., OwnRedis], plain_env: dict[str, str]
) -> None:
    """The run goes on while Redis is away, and Redis is back before it ends: the run must not keep
    the feed's validators (ETag, body hash), or the next run is "not modified" and the article that
    could not be stored is never fetched again. Gates decide exactly when each page is served."""
    server = own_redis(password=PASSWORD, durable=True)
    client = server.client()
    world = build_world()
    picked = [world.article(u) for u in world.unrelated_urls[:3]]
    gates = [threading.Event(), threading.Event()]
    with DocServer() as site:
        links = []
        for i, art in enumerate(picked):
            links.append(site.put(f"/a{i}", _article_page(art.title, art.text), gate=gates[i - 1] if i else None))
        items = "".join(f"<item><title>t{i}</title><link>{u}</link><guid>g{i}</guid></item>" for i, u in enumerate(links))
        feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'.encode()
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": [{"name": "gated", "kind": "feed", "every": "30s",
                                                     "url": site.put("/feed.xml", feed, "application/rss+xml")}]}))
        env = {**plain_env, "WIREWATCH_REDIS_URL": server.url, "WIREWATCH_PER_DOMAIN_CONCURRENCY": "4"}
        daemon = DaemonProcess(path, env)
        try:
            assert wait_until(lambda: count(client) == 1, 90), daemon.log  # a0 stored; a1, a2 held
            server.kill9()
            gates[0].set()  # a1 arrives while Redis is down: it cannot be stored
            assert daemon.wait_for_log("/a1 not stored", 60), daemon.log
            server.start()
            client = server.client()
            gates[1].set()  # a2 arrives with Redis back; then the run ends and is recorded
            assert wait_until(lambda: count(client) >= 2, 60), daemon.log
            assert daemon.wait_for_log("gated: FAILED", 60), daemon.log
            # the next run (backoff: one interval) fetches the feed in full and stores a1
            assert wait_until(lambda: count(client) == 3, 120), daemon.log
            assert daemon.sigterm() == 0, daemon.log
        finally:
            daemon.stop()
        assert sorted(stored_urls(client)) == sorted(links)
        assert len(site.hits_for("/a1")) == 2  # fetched twice (stored once), a0 and a2 once each
        assert len(site.hits_for("/a0")) == len(site.hits_for("/a2")) == 1


@pytest.mark.slow
def test_daemon_started_before_redis_waits_and_retries_then_runs(
    tmp_path: Path, plain_env: dict[str, str], own_redis: Callable[..., OwnRedis]
) -> None:
    port = free_port()
    later = OwnRedis(tmp_path / "late-redis", password=PASSWORD, port=port)
    world = build_world(outlets=4, articles_per_outlet=3)
    with serve_world(world):
        sources = world.sources_yaml(tmp_path / "sources.yaml", every="30s")
        daemon = DaemonProcess(sources, {**plain_env, "WIREWATCH_REDIS_URL": later.url})
        try:
            assert daemon.wait_for_log("retrying in 1s", 60), daemon.log
            assert daemon.wait_for_log("retrying in 2s", 60), daemon.log
            assert daemon.proc.poll() is None
            later.start()
            assert daemon.wait_for_log("started:", 60), daemon.log
            client = later.client()
            assert wait_until(lambda: count(client) >= len(world.article_urls), 90), daemon.log
            assert daemon.sigterm() == 0
        finally:
            daemon.stop()
            later.stop()
    first = next(line for line in daemon.lines if "retrying in" in line)
    assert "127.0.0.1" in first and "unavailable" in first  # says what it waits for
    assert PASSWORD not in daemon.log


def test_daemon_waiting_for_redis_stops_cleanly_on_sigterm(tmp_path: Path, plain_env: dict[str, str]) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: a\n    kind: feed\n    url: http://127.0.0.1:9/feed\n    every: 1h\n")
    url = f"redis://:{PASSWORD}@127.0.0.1:{free_port()}/0"
    daemon = DaemonProcess(sources, {**plain_env, "WIREWATCH_REDIS_URL": url})
    try:
        assert daemon.wait_for_log("retrying in", 60), daemon.log
        assert daemon.sigterm(timeout=30) == 0, daemon.log
    finally:
        daemon.stop()
    assert "Traceback" not in daemon.log and PASSWORD not in daemon.log


@pytest.mark.parametrize("args", [
    ["run", "--once", "--sources", "{sources}"], ["stories"], ["stories", "--json"], ["status", "--sources", "{sources}"],
    ["check"], ["stats"], ["export"], ["sources", "enable", "a", "--sources", "{sources}"], ["stories", "merge", "s1", "s2"],
])
def test_one_shot_commands_without_redis_exit_2_with_one_line(
    args: list[str], tmp_path: Path, plain_env: dict[str, str]
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: a\n    kind: feed\n    url: http://127.0.0.1:9/feed\n")
    env = {**plain_env, "WIREWATCH_REDIS_URL": f"redis://:{PASSWORD}@127.0.0.1:{free_port()}/0"}
    done = subprocess.run([sys.executable, "-m", "wirewatch", *(a.format(sources=sources) for a in args)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert done.stderr.startswith("wirewatch: error: Redis at redis://:***@127.0.0.1:")
    assert len(done.stderr.splitlines()) == 1 and "unavailable" in done.stderr
    assert PASSWORD not in done.stderr + done.stdout


@pytest.mark.slow
def test_redis_gone_while_a_listing_is_parsed_is_one_line_not_a_traceback(
    tmp_path: Path, own_redis: Callable[..., OwnRedis], plain_env: dict[str, str]
) -> None:
    server = own_redis(password=PASSWORD, durable=True)
    world = build_world()
    art = world.article(world.unrelated_urls[0])
    gate = threading.Event()
    with DocServer() as site:
        link = site.put("/a0", _article_page(art.title, art.text))
        feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>t</title>'
                f"<link>{link}</link><guid>g0</guid></item></channel></rss>").encode()
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": [{"name": "held", "kind": "feed", "every": "30s",
                                                     "url": site.put("/feed.xml", feed, "application/rss+xml", gate=gate)}]}))
        daemon = DaemonProcess(path, {**plain_env, "WIREWATCH_REDIS_URL": server.url})
        try:
            assert wait_until(lambda: "/feed.xml" in site.arrived, 60), daemon.log
            server.kill9()
            gate.set()  # the listing arrives while Redis is down: its seen-check cannot be made
            assert daemon.wait_for_log("held: FAILED", 60), daemon.log
            server.start()
            assert daemon.sigterm() == 0, daemon.log
        finally:
            daemon.stop()
    line = next(ln for ln in daemon.lines if "held: FAILED" in ln)
    assert "unavailable" in line.lower() or "redis" in line.lower(), line
    assert "Traceback" not in daemon.log

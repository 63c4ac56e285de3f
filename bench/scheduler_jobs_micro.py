"""Micro-benchmark: one tick job reading a due sorted set vs one APScheduler job per source.

The same work either way: every source is due once per ``--every`` seconds and, when due, its job
payload goes into the work queue (a Redis Stream). Only the scheduling differs:

* ``tick``: the daemon's own code. ``Daemon.sync_due`` fills ``sources:due`` at start-up, and one
  APScheduler interval job runs ``Daemon.tick`` every ``--tick`` seconds (one Lua call takes the due
  names and leases them, one pipeline enqueues them). The lease is set to ``--every`` here, so a
  dispatched source comes back on time as if its run had ended (a run's end normally does that).
* ``jobs``: one APScheduler interval job per source (``--every``, jitter, ``max_instances=1``,
  ``coalesce``, misfire grace), each enqueuing its own source with ``WorkQueue.enqueue``.

Each case runs in a fresh process on a plain asyncio loop, after the sources exist in memory (the
same for both designs), and measures: start-up (building the schedule until the scheduler runs),
memory (process RSS growth from that; Redis bytes of the due set), then, with due times spread
evenly over one period, CPU seconds of the process per minute of scheduling, dispatches and Redis
round trips (``send_packed_command`` calls) per minute.

    python -m bench.scheduler_jobs_micro                         # 1,000 and 10,000 sources, 60 s each
    python -m bench.scheduler_jobs_micro --sizes 1000 --seconds 20

Keys live under ``--prefix`` in ``--redis-url``'s database and are deleted after each case.
Results go in bench/README.md, section "Scheduler".
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import redis

import scheduler.daemon as daemon_module
from crawlers.sources import Source, SourcesConfig, source_to_json
from scheduler.daemon import Daemon
from storage.connection import Store, connect
from storage.work_queue import WorkQueue
from wirewatch.settings import load_settings

REPO = Path(__file__).resolve().parent.parent


class RoundTrips:
    """Counts what redis-py sends: one packed command (a command, a pipeline) is one round trip."""

    count = 0

    @classmethod
    def install(cls) -> None:
        original = redis.connection.Connection.send_packed_command

        def counted(self: Any, command: Any, check_health: bool = True) -> None:
            cls.count += 1
            original(self, command, check_health)

        redis.connection.Connection.send_packed_command = counted  # type: ignore[method-assign]


def rss() -> int:
    gc.collect()
    return int(psutil.Process().memory_info().rss)


def make_sources(n: int, every: int, path: Path) -> SourcesConfig:
    path.write_text("# sources are built in memory by the benchmark\n")
    return SourcesConfig(path=str(path), topics={}, sources=tuple(
        Source(name=f"micro-{i:05d}", kind="feed", url=f"http://127.0.0.1:9/s/{i}/feed.xml", every=every)
        for i in range(n)))


def delete_prefix(store: Store, prefix: str) -> None:
    keys = list(store.text.scan_iter(f"{prefix}:*", count=1000))
    for i in range(0, len(keys), 500):
        store.text.unlink(*keys[i:i + 500])


async def measure(design: str, n: int, every: int, seconds: float, tick: float, store: Store, tmp: Path) -> dict[str, Any]:
    from apscheduler.events import EVENT_JOB_MISSED, JobEvent
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    settings = load_settings(env={}, redis_url="redis://unused", key_prefix=store.keys.prefix, tick_seconds=tick)
    config = make_sources(n, every, tmp / "sources.yaml")
    missed = [0]

    def on_missed(event: JobEvent) -> None:
        missed[0] += 1

    loop = asyncio.get_running_loop()
    base_rss = rss()
    started = time.perf_counter()
    sched = AsyncIOScheduler(event_loop=loop, timezone=UTC)
    sched.add_listener(on_missed, EVENT_JOB_MISSED)
    opts: dict[str, Any] = {"trigger": "interval", "max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
    queue = WorkQueue(store, "micro")
    now = time.time()
    rng = random.Random(5)
    if design == "tick":
        daemon_module.LEASE = float(every)  # a dispatched source is due again one period later
        daemon = Daemon(settings, config, store, None)
        daemon.is_leader = True
        daemon.sync_due()
        sched.add_job(daemon.tick, seconds=tick, id="tick", **opts)
    else:
        async def run(source: Source) -> None:
            queue.enqueue(source_to_json(source))

        for s in config.sources:
            first = datetime.fromtimestamp(now + rng.uniform(0, every), tz=UTC)
            sched.add_job(run, seconds=every, jitter=min(30, every // 10), id=s.name, args=[s],
                          next_run_time=first, **opts)
    sched.start()
    startup = time.perf_counter() - started
    grown = rss() - base_rss
    redis_bytes = 0
    if design == "tick":
        # Steady state: due times spread evenly over one period, as the jobs' first runs are.
        store.text.zadd(store.keys.sources_due, {s.name: now + rng.uniform(0, every) for s in config.sources})
        redis_bytes = int(store.text.memory_usage(store.keys.sources_due, samples=0) or 0)
    await asyncio.sleep(2.0)
    queued0, trips0, cpu0, t0 = store.text.xlen(store.keys.queue), RoundTrips.count, time.process_time(), time.time()
    await asyncio.sleep(seconds)
    cpu, wall, trips = time.process_time() - cpu0, time.time() - t0, RoundTrips.count - trips0
    queued = store.text.xlen(store.keys.queue) - queued0
    sched.shutdown(wait=False)
    per_min = 60.0 / wall
    return {"design": design, "sources": n, "every": every, "startup_s": startup, "rss_mb": grown / 2**20,
            "redis_kb": redis_bytes / 1024, "cpu_s_per_min": cpu * per_min, "dispatched_per_min": queued * per_min,
            "expected_per_min": n * 60.0 / every, "round_trips_per_min": trips * per_min, "missed": missed[0]}


def child(args: argparse.Namespace) -> None:
    RoundTrips.install()
    settings = load_settings(env={"WIREWATCH_REDIS_URL": args.redis_url, "WIREWATCH_KEY_PREFIX": args.prefix})
    store = connect(settings)
    delete_prefix(store, args.prefix)
    try:
        with tempfile.TemporaryDirectory(prefix="schedmicro-") as tmp:
            result = asyncio.run(measure(args.case, args.n, args.every, args.seconds, args.tick, store, Path(tmp)))
    finally:
        delete_prefix(store, args.prefix)
        store.close()
    print(json.dumps(result))


def table(results: list[dict[str, Any]]) -> str:
    rows = ["| sources | design | start-up | memory (process RSS; Redis) | CPU s per minute | dispatches/min (due) "
            "| Redis round trips/min | misfires |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        memory = f"{r['rss_mb']:.1f} MB" + (f"; {r['redis_kb']:.0f} KB due set" if r["design"] == "tick" else "")
        rows.append(f"| {r['sources']:,} | {r['design']} | {r['startup_s'] * 1000:.0f} ms | {memory} "
                    f"| {r['cpu_s_per_min']:.2f} | {r['dispatched_per_min']:,.0f} ({r['expected_per_min']:,.0f}) "
                    f"| {r['round_trips_per_min']:,.0f} | {r['missed']} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated source counts")
    parser.add_argument("--designs", default="tick,jobs")
    parser.add_argument("--every", type=int, default=60, help="each source's period, seconds")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds per case")
    parser.add_argument("--tick", type=float, default=1.0, help="the tick job's period (WIREWATCH_TICK_SECONDS)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--prefix", default="benchsched:micro")
    parser.add_argument("--case", choices=("tick", "jobs"), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, default=None, help="write the raw results here")
    args = parser.parse_args()
    if args.case:
        child(args)
        return
    results = []
    for n in (int(x) for x in args.sizes.split(",")):
        for design in args.designs.split(","):
            out = subprocess.run(
                [sys.executable, "-m", "bench.scheduler_jobs_micro", "--case", design, "--n", str(n),
                 "--every", str(args.every), "--seconds", str(args.seconds), "--tick", str(args.tick),
                 "--redis-url", args.redis_url, "--prefix", args.prefix],
                cwd=REPO, capture_output=True, text=True, check=True,
            )
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"  {design} x {n}: {results[-1]}", file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()

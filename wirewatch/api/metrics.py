"""Prometheus metrics of the API process, and the ASGI middleware that times every request.

Each app has its own registry (several apps in one process, as in tests, must not collide in the
global one). Store-wide gauges (stories, articles, stream length) are read from Redis at scrape
time by a collector, so they are right whichever process wrote the data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any, Protocol

import redis
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeHistogramMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storage import heartbeats
from storage.connection import Store

log = logging.getLogger(__name__)

# Story sizes are read at scrape time from the most recently updated stories only: a bounded cost
# (two round trips) however large the store; older stories rarely change size.
STORY_SIZE_SAMPLE = 10_000
STORY_SIZE_BUCKETS = (1, 2, 3, 5, 10, 20, 50, 100, 200, 500)

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
# Pages load nothing from elsewhere and run no inline script: outlet-supplied text cannot run code
# even if an escaping bug slipped through.
PAGE_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "wirewatch_http_requests", "HTTP requests answered.", ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "wirewatch_http_request_duration_seconds", "Time to answer, by route (streams excluded).",
            ["route"], registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
        )
        self.sse_clients = Gauge("wirewatch_sse_clients", "Open Server-Sent Events streams.", registry=self.registry)
        self.webhook_deliveries = Counter(
            "wirewatch_webhook_deliveries", "Webhook delivery attempts by outcome.", ["outcome"],
            registry=self.registry,
        )
        self.quiet_events = Counter("wirewatch_story_quiet_events", "story.quiet events announced.",
                                    registry=self.registry)

    def watch_store(self, store: Store) -> None:
        self.registry.register(_StoreCollector(store))

    def watch_caches(self, **caches: _Counted) -> None:
        """Hits and misses of the in-process caches (``page``, ``fragment``), read at scrape time."""
        self.registry.register(_CacheCollector(caches))


class _Counted(Protocol):
    hits: int
    misses: int


class _CacheCollector(Collector):
    def __init__(self, caches: dict[str, _Counted]) -> None:
        self.caches = caches

    def collect(self) -> Iterator[CounterMetricFamily]:
        hits = CounterMetricFamily("wirewatch_api_cache_hits", "Lookups an in-process cache answered.",
                                   labels=["cache"])
        misses = CounterMetricFamily("wirewatch_api_cache_misses", "Lookups an in-process cache could not "
                                     "answer (absent, changed or expired).", labels=["cache"])
        for name, cache in self.caches.items():
            hits.add_metric([name], cache.hits)
            misses.add_metric([name], cache.misses)
        yield hits
        yield misses


class _StoreCollector(Collector):
    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        k = self.store.keys
        try:
            pipe = self.store.text.pipeline(transaction=False)
            pipe.zcard(k.stories_updated)
            pipe.zcard(k.articles_by_time)
            pipe.xlen(k.events)
            stories, articles, events = pipe.execute()
        except redis.RedisError as exc:
            log.warning("metrics: store unavailable: %s", exc)
            yield GaugeMetricFamily("wirewatch_store_up", "Whether Redis answered the scrape.", value=0)
            return
        yield GaugeMetricFamily("wirewatch_store_up", "Whether Redis answered the scrape.", value=1)
        yield GaugeMetricFamily("wirewatch_stories", "Stories (root clusters) in the store.", value=stories)
        yield GaugeMetricFamily("wirewatch_articles", "Articles in the store.", value=articles)
        yield GaugeMetricFamily("wirewatch_events_stream_length", "Entries in the events stream.", value=events)
        yield from self._daemon()
        yield from self._story_sizes()

    def _story_sizes(self) -> Iterator[Metric]:
        k = self.store.keys
        try:
            ids = self.store.text.zrevrange(k.stories_updated, 0, STORY_SIZE_SAMPLE - 1)
            pipe = self.store.text.pipeline(transaction=False)
            for sid in ids:
                pipe.hget(k.story(sid), "size")
            sizes = [int(s) for s in pipe.execute() if s]
        except redis.RedisError as exc:
            log.warning("metrics: story sizes unavailable: %s", exc)
            return
        counts = [sum(1 for n in sizes if n <= le) for le in STORY_SIZE_BUCKETS]
        yield GaugeHistogramMetricFamily(
            "wirewatch_story_size_articles",
            f"Articles per story, over the {STORY_SIZE_SAMPLE} most recently updated stories.",
            buckets=[*((str(le), c) for le, c in zip(STORY_SIZE_BUCKETS, counts, strict=True)),
                     ("+Inf", len(sizes))],
            gsum_value=sum(sizes),
        )

    def _daemon(self) -> Iterator[Metric]:
        """The daemons' shared state in Redis: scheduler lock, heartbeats, work queue, per-source health."""
        from storage.work_queue import WorkQueue

        k = self.store.keys
        try:
            leader = self.store.text.get(k.leader)
            beats = len(heartbeats.alive(self.store))
            waiting, pending = WorkQueue(self.store, "metrics").depth()
            oldest = self.store.text.xrange(k.queue, count=1)
            names = self.store.text.zrange(k.sources_due, 0, -1)
            pipe = self.store.text.pipeline(transaction=False)
            for name in names:
                pipe.hmget(k.source(name), "consecutive_failures", "last_new", "last_duplicates", "flags")
            pipe.hgetall(k.daemon_counters)
            *states, counters = pipe.execute()
        except redis.RedisError as exc:
            log.warning("metrics: daemon state unavailable: %s", exc)
            return
        yield GaugeMetricFamily("wirewatch_scheduler_leader", "1 while a daemon holds the scheduler lock.",
                                value=1 if leader else 0)
        yield GaugeMetricFamily("wirewatch_daemons", "Daemon instances with a fresh heartbeat.", value=beats)
        yield GaugeMetricFamily("wirewatch_queue_waiting", "Source runs queued, not yet claimed.", value=waiting)
        yield GaugeMetricFamily("wirewatch_queue_pending", "Source runs claimed and not yet acknowledged.",
                                value=pending)
        lag = 0.0
        if oldest:
            lag = max(0.0, time.time() - int(str(oldest[0][0]).split("-")[0]) / 1000)
        yield GaugeMetricFamily("wirewatch_queue_oldest_seconds", "Age of the oldest queued run (queue lag).",
                                value=lag)
        failures = GaugeMetricFamily("wirewatch_source_consecutive_failures", "Consecutive failed runs.",
                                     labels=["source"])
        new = GaugeMetricFamily("wirewatch_source_last_new", "New articles in the source's last run.",
                                labels=["source"])
        dup = GaugeMetricFamily("wirewatch_source_last_duplicates", "Already-seen items in the last run.",
                                labels=["source"])
        flagged = GaugeMetricFamily("wirewatch_source_flag", "1 when a source is flagged (failing, paused, "
                                    "quiet: no new articles for far longer than usual, layout: empty extractions).",
                                    labels=["source", "flag"])
        for name, (fails, last_new, last_dup, flags) in zip(names, states, strict=True):
            failures.add_metric([name], float(fails or 0))
            new.add_metric([name], float(last_new or 0))
            dup.add_metric([name], float(last_dup or 0))
            for flag in (flags or "").split():
                flagged.add_metric([name, flag], 1.0)
        yield from (failures, new, dup, flagged)
        yield from _counters(counters)


def _counters(counters: dict[str, str]) -> Iterator[Metric]:
    """The daemons' totals (``Keys.daemon_counters``, added to by every run's state write)."""
    fetches = CounterMetricFamily("wirewatch_fetches", "Listing and article fetches by final HTTP status "
                                  "(error: no answer: timeout, refused, blocked).", labels=["kind", "status"])
    runs = CounterMetricFamily("wirewatch_source_runs", "Source runs by outcome.", labels=["outcome"])
    items = CounterMetricFamily("wirewatch_items", "Listing entries: new articles stored, or already seen.",
                                labels=["outcome"])
    for field, value in sorted(counters.items()):
        kind, _, rest = field.partition(":")
        if kind == "fetch" and ":" in rest:
            fetches.add_metric(rest.split(":", 1), float(value))
        elif kind == "runs":
            runs.add_metric([rest], float(value))
        elif kind == "items":
            items.add_metric([rest], float(value))
    yield from (fetches, runs, items)
    yield CounterMetricFamily("wirewatch_extraction_failures", "Article pages whose extraction found no article.",
                              value=float(counters.get("extract:empty", 0)))
    if "last_run_at" in counters:
        yield GaugeMetricFamily("wirewatch_last_run_timestamp_seconds", "Unix time a source run last landed.",
                                value=float(counters["last_run_at"]))


class MetricsMiddleware:
    """Counts and times requests by route template (bounded label values), adds security headers."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                ctype = next((v for k, v in headers if k == b"content-type"), b"")
                if ctype.startswith(b"text/html"):
                    headers.append((b"content-security-policy", PAGE_CSP))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route: Any = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(path, scope.get("method", ""), str(status)).inc()
            if path != "/events":
                self.metrics.latency.labels(path).observe(time.perf_counter() - start)

"""Signed webhooks: story events POSTed to configured URLs, retried with backoff.

Each URL reads the events stream through its own consumer group (``webhook-<hash of the URL>``),
so a receiver that is down delays only itself, several API processes share the deliveries, and
an event is acknowledged only once delivered or given up. A process that dies mid-delivery leaves
the entry pending; another (or the restarted one) claims it after ``CLAIM_IDLE_MS``: delivery is
at least once, and ``X-Wirewatch-Delivery`` (the stream id, the same on every attempt) lets a
receiver drop repeats.

Signature (Stripe's scheme): ``X-Wirewatch-Signature: t=<unix seconds>,v1=<hex>`` where ``hex`` is
HMAC-SHA256 with the shared secret over ``"<t>." + body``. Receivers recompute it, compare in
constant time and refuse a ``t`` far from their clock (replays); ``verify`` does exactly that.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import redis

from storage.connection import Store
from wirewatch.api.config import ServeConfig
from wirewatch.api.metrics import ApiMetrics

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Wirewatch-Signature"
CLAIM_IDLE_MS = 10 * 60 * 1000
USER_AGENT = "wirewatch-webhooks/0.1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, now: float, tolerance: float = 300) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` at a time within ``tolerance`` of ``now``."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        ts = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - ts) > tolerance:
        return False
    expected = sign(secret, ts, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Wait before retry number ``attempt`` (1-based): doubling from ``base`` up to ``cap``, with
    "equal jitter" (half fixed, half random) so many failing senders do not retry in step."""
    full = min(cap, base * 2 ** (attempt - 1))
    return full / 2 + rng.uniform(0, full / 2)


def retryable(status: int) -> bool:
    """Server trouble and throttling are worth retrying; other client errors will not change."""
    return status >= 500 or status in (408, 425, 429)


def group_name(url: str) -> str:
    return "webhook-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]


def event_body(entry_id: str, fields: dict[str, str]) -> bytes:
    data = {k: v for k, v in fields.items() if k not in ("type", "story")}
    body = {"id": entry_id, "type": fields.get("type", ""), "story": fields.get("story"), "data": data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Outcome:
    delivered: bool
    attempts: int
    status: int | None = None
    error: str = ""
    interrupted: bool = False


class WebhookSender:
    """Delivers the events of one URL, in stream order, from a thread (``run``)."""

    def __init__(
        self,
        store: Store,
        url: str,
        config: ServeConfig,
        metrics: ApiMetrics | None = None,
        *,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        block_ms: int = 1000,
    ) -> None:
        self.store = store
        self.url = url
        self.config = config
        self.metrics = metrics
        self.group = group_name(url)
        self.consumer = f"{socket.gethostname()}-{threading.get_native_id()}-{id(self):x}"
        self.client = client or httpx.Client(timeout=config.webhook_timeout, follow_redirects=False,
                                             headers={"User-Agent": USER_AGENT})
        self.clock = clock
        self.rng = rng or random.Random()
        self.block_ms = block_ms
        self.types = frozenset(config.webhook_events)

    def ensure_group(self) -> None:
        try:
            self.store.text.xgroup_create(self.store.keys.events, self.group, id="$", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def deliver(self, entry_id: str, fields: dict[str, str], stop: threading.Event) -> Outcome:
        body = event_body(entry_id, fields)
        status: int | None = None
        error = ""
        for attempt in range(1, self.config.webhook_attempts + 1):
            headers = {
                "Content-Type": "application/json",
                "X-Wirewatch-Event": fields.get("type", ""),
                "X-Wirewatch-Delivery": entry_id,
                "X-Wirewatch-Attempt": str(attempt),
                SIGNATURE_HEADER: sign(self.config.webhook_secret, int(self.clock()), body),
            }
            try:
                status = self.client.post(self.url, content=body, headers=headers).status_code
                error = ""
            except httpx.HTTPError as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"
            if status is not None and 200 <= status < 300:
                self._count("delivered")
                return Outcome(True, attempt, status)
            if status is not None and not retryable(status):
                self._count("rejected")
                log.warning("webhook %s refused event %s with HTTP %s: not retried", self.url, entry_id, status)
                return Outcome(False, attempt, status)
            self._count("retried" if attempt < self.config.webhook_attempts else "failed")
            if attempt == self.config.webhook_attempts:
                break
            delay = backoff_delay(attempt, self.config.webhook_backoff, self.config.webhook_backoff_max, self.rng)
            log.info("webhook %s: event %s attempt %d failed (%s); retrying in %.1fs",
                     self.url, entry_id, attempt, error or f"HTTP {status}", delay)
            if stop.wait(delay):
                return Outcome(False, attempt, status, error, interrupted=True)
        log.warning("webhook %s: giving up on event %s after %d attempts (%s)",
                    self.url, entry_id, self.config.webhook_attempts, error or f"HTTP {status}")
        return Outcome(False, self.config.webhook_attempts, status, error)

    def _count(self, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.webhook_deliveries.labels(outcome).inc()

    def step(self, stop: threading.Event) -> int:
        """Claim stale entries or read new ones, deliver them, acknowledge; entries handled."""
        r, key = self.store.text, self.store.keys.events
        _next, claimed, *_ = r.xautoclaim(key, self.group, self.consumer, CLAIM_IDLE_MS, count=20)
        entries = [e for e in claimed if e and e[1] is not None]
        if not entries:
            reply = r.xreadgroup(self.group, self.consumer, {key: ">"}, count=20, block=self.block_ms)
            entries = [e for _stream, batch in reply or [] for e in batch]
        done = 0
        for entry_id, fields in entries:
            if stop.is_set():
                break
            if fields.get("type") in self.types:
                outcome = self.deliver(entry_id, fields, stop)
                if outcome.interrupted:
                    break  # left pending: claimed again after a restart
            r.xack(key, self.group, entry_id)
            done += 1
        return done

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.ensure_group()
                while not stop.is_set():
                    self.step(stop)
            except redis.RedisError as exc:
                log.warning("webhook %s: store unavailable (%s); retrying", self.url, exc)
                stop.wait(2.0)
        self.client.close()

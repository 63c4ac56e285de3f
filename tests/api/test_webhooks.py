"""Signed webhooks: signature, retries with backoff, refusal, at-least-once via the consumer group."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dedupe import DedupeConfig
from storage.connection import Store
from storage.story_index import StoryIndex
from tests.api.builders import BASE, add_article, load_fixture
from tests.api.conftest import make_app
from wirewatch.api.config import LIFECYCLE_EVENTS, ServeConfig
from wirewatch.api.webhooks import WebhookSender, backoff_delay, group_name, retryable, sign, verify
from wirewatch.errors import ConfigError
from wirewatch.settings import load_settings

SECRET = "s3cret-for-tests"
TEXT = load_fixture()[0]["text"]


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that answers with scripted statuses and records requests."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests.append({"headers": dict(self.headers), "body": body})
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, n: int, timeout: float = 60) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= n:
                    return list(self.requests)
            time.sleep(0.02)
        raise AssertionError(f"expected {n} webhook requests, got {len(self.requests)}")


@pytest.fixture
def receiver_factory() -> Iterator[Any]:
    made: list[Receiver] = []

    def make(statuses: list[int]) -> Receiver:
        r = Receiver(statuses).__enter__()
        made.append(r)
        return r

    yield make
    for r in made:
        r.__exit__()


def config(url: str, **kw: Any) -> ServeConfig:
    return ServeConfig(webhook_urls=(url,), webhook_secret=SECRET, webhook_backoff=0.01, webhook_backoff_max=0.04,
                       webhook_attempts=4, **kw)


def drain(sender: WebhookSender, rounds: int = 5) -> None:
    stop = threading.Event()
    for _ in range(rounds):
        sender.step(stop)


def test_signature_round_trip_and_tampering() -> None:
    body = b'{"id":"1-0"}'
    header = sign(SECRET, 1_700_000_000, body)
    assert verify(SECRET, header, body, now=1_700_000_100)
    assert not verify(SECRET, header, body + b" ", now=1_700_000_100)
    assert not verify("other", header, body, now=1_700_000_100)
    assert not verify(SECRET, header, body, now=1_700_000_000 + 3600)  # replayed later
    assert not verify(SECRET, "garbage", body, now=1_700_000_000)


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    rng = random.Random(7)
    for attempt in range(1, 12):
        full = min(60.0, 2.0 * 2 ** (attempt - 1))
        for _ in range(20):
            assert full / 2 <= backoff_delay(attempt, 2.0, 60.0, rng) <= full
    assert [retryable(s) for s in (500, 503, 429, 408, 400, 404, 410)] == [True] * 4 + [False] * 3


def test_config_needs_a_secret_and_http_urls() -> None:
    with pytest.raises(ConfigError, match="webhook_secret"):
        ServeConfig(webhook_urls=("https://example.org/hook",))
    with pytest.raises(ConfigError, match="webhook_urls"):
        ServeConfig(webhook_urls=("ftp://example.org/x",), webhook_secret="x")
    with pytest.raises(ConfigError, match="WIREWATCH_WEBHOOK_ATTEMPTS"):
        load_settings(env={"WIREWATCH_WEBHOOK_ATTEMPTS": "many"}, config_file=None)
    with pytest.raises(ConfigError, match="webhook_secret"):
        load_settings(env={"WIREWATCH_WEBHOOK_URLS": "https://a.example/h"}, config_file=None)
    settings = load_settings(env={"WIREWATCH_WEBHOOK_URLS": "https://a.example/h, https://b.example/h",
                                  "WIREWATCH_WEBHOOK_SECRET": "k", "WIREWATCH_STORY_QUIET_AFTER": "600"})
    cfg = ServeConfig.from_settings(settings, background=False)
    assert cfg.webhook_urls == ("https://a.example/h", "https://b.example/h") and cfg.story_quiet_after == 600
    assert cfg.webhook_secret == "k" and cfg.webhook_events == LIFECYCLE_EVENTS and not cfg.background


def test_failed_deliveries_are_retried_then_succeed_signed(store: Store, receiver_factory: Any) -> None:
    receiver = receiver_factory([500, 503])
    sender = WebhookSender(store, receiver.url, config(receiver.url), block_ms=50)
    sender.ensure_group()
    story = add_article(StoryIndex(store, DedupeConfig()), source="wire-ap", title="t", text=TEXT, published=BASE,
                        topics=(), now=BASE).story_id
    drain(sender)
    requests = receiver.wait_for(3)
    assert [r["headers"]["X-Wirewatch-Attempt"] for r in requests] == ["1", "2", "3"]
    assert len({r["headers"]["X-Wirewatch-Delivery"] for r in requests}) == 1
    for r in requests:
        assert verify(SECRET, r["headers"]["X-Wirewatch-Signature"], r["body"], now=time.time())
    body = json.loads(requests[-1]["body"])
    assert body["type"] == "story.created" == requests[-1]["headers"]["X-Wirewatch-Event"]
    assert body["story"] == story and body["data"]["size"] == "1"
    pending = store.text.xpending(store.keys.events, group_name(receiver.url))
    assert pending["pending"] == 0


def test_client_errors_are_not_retried_and_other_types_are_skipped(store: Store, receiver_factory: Any) -> None:
    receiver = receiver_factory([410])
    sender = WebhookSender(store, receiver.url, config(receiver.url), block_ms=50)
    sender.ensure_group()
    index = StoryIndex(store, DedupeConfig())
    add_article(index, source="wire-ap", title="t", text=TEXT, published=BASE, topics=(), now=BASE)
    add_article(index, source="wire-ap", title="t", text=TEXT + " again", published=BASE, topics=(), now=BASE + 1)
    drain(sender)
    # created (refused with 410, dropped); the same outlet's second copy is only story.updated.
    assert len(receiver.wait_for(1)) == 1
    assert store.text.xpending(store.keys.events, group_name(receiver.url))["pending"] == 0


def test_giving_up_after_the_last_attempt(store: Store, receiver_factory: Any) -> None:
    receiver = receiver_factory([500] * 10)
    sender = WebhookSender(store, receiver.url, config(receiver.url), block_ms=50)
    sender.ensure_group()
    add_article(StoryIndex(store, DedupeConfig()), source="wire-ap", title="t", text=TEXT, published=BASE,
                topics=(), now=BASE)
    drain(sender)
    assert len(receiver.wait_for(4)) == 4
    assert store.text.xpending(store.keys.events, group_name(receiver.url))["pending"] == 0


def test_interrupted_delivery_stays_pending_for_another_worker(store: Store, receiver_factory: Any) -> None:
    receiver = receiver_factory([500])
    cfg = ServeConfig(webhook_urls=(receiver.url,), webhook_secret=SECRET, webhook_backoff=30,
                      webhook_backoff_max=60)
    sender = WebhookSender(store, receiver.url, cfg, block_ms=50)
    sender.ensure_group()
    add_article(StoryIndex(store, DedupeConfig()), source="wire-ap", title="t", text=TEXT, published=BASE,
                topics=(), now=BASE)
    stop = threading.Event()
    worker = threading.Thread(target=sender.step, args=(stop,))
    worker.start()
    receiver.wait_for(1)
    stop.set()  # shutting down during the backoff wait
    worker.join(60)
    assert store.text.xpending(store.keys.events, group_name(receiver.url))["pending"] == 1


def test_the_app_runs_senders_in_the_background(store: Store, sources_file: Path, receiver_factory: Any) -> None:
    receiver = receiver_factory([])
    app = make_app(store, sources_file, background=True, webhook_urls=(receiver.url,), webhook_secret=SECRET,
                   story_quiet_after=0)
    with TestClient(app):
        deadline = time.monotonic() + 60
        while not store.text.exists(store.keys.events) and time.monotonic() < deadline:
            time.sleep(0.02)  # the sender creates its group (and the stream) at start
        add_article(StoryIndex(store, DedupeConfig()), source="wire-ap", title="t", text=TEXT, published=BASE,
                    topics=(), now=BASE)
        requests = receiver.wait_for(1)
    assert json.loads(requests[0]["body"])["type"] == "story.created"

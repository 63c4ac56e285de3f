"""Fetching at production quality, on real parts: the ingest spider with the daemon's backend and
Scrapy settings, against the fixture news site (or a small scripted server on 127.0.0.1) and a
real Redis. Covers conditional GET and the "validators are trustworthy" check, scheduling hints,
robots.txt, Retry-After holds shared through Redis, size/time/redirect limits, content-type checks,
the private-network guard (redirects included), "seen" entries and the User-Agent.

Each crawl runs in a subprocess (``harness_main``): the Twisted reactor cannot be restarted, so a
pytest process cannot host more than one.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawlers.backend import CHECK_EVERY_RUNS, RETRUST_AFTER, Validators
from crawlers.middleware import HostDeferred, PolitenessMiddleware, PrivateNetworkGuard, body_problem
from crawlers.politeness import Budget, RedisGate
from crawlers.spiders.ingest import check_verdict
from scheduler.backend import hinted_bounds
from scheduler.policy import Bounds
from storage.connection import Store
from tests.fixturesite import FixtureSite, World, build_world, serve_world
from wirewatch.settings import Settings

REPO = Path(__file__).resolve().parents[2]
HARNESS = "from tests.crawlers.test_fetching import harness_main; harness_main()"


# -- the harness: one crawler process, batches of source runs, a JSON report ------------------------

def harness_main() -> None:  # pragma: no cover - runs in the subprocess
    from collections import Counter

    from scrapy import signals
    from scrapy.crawler import AsyncCrawlerRunner

    import crawlers.spiders.ingest as ingest
    from crawlers.runs import SourceRun
    from crawlers.scrapy_config import scrapy_settings
    from crawlers.sources import source_from_json
    from crawlers.spiders import IngestSpider
    from scheduler.backend import StoreBackend
    from scheduler.runner import run_on_reactor
    from storage.connection import connect
    from wirewatch.cli import dedupe_config
    from wirewatch.logs import configure_logging
    from wirewatch.settings import load_settings

    spec = json.load(sys.stdin)
    configure_logging("INFO")
    settings = load_settings(env={}, config_file=None, **spec["settings"])
    store = connect(settings, check=False)
    backend = StoreBackend(store, dedupe_config(settings), {})
    parses: Counter[str] = Counter()
    real_feed, real_sitemap = ingest.parse_feed, ingest.parse_sitemap

    def count_feed(body: bytes, url: str) -> Any:
        parses[url] += 1
        return real_feed(body, url)

    def count_sitemap(body: bytes, url: str) -> Any:
        parses[url] += 1
        return real_sitemap(body, url)

    ingest.parse_feed, ingest.parse_sitemap = count_feed, count_sitemap  # type: ignore[assignment]
    headers_at: list[tuple[str, int, float]] = []

    def on_headers(headers: Any, body_length: int, request: Any, spider: Any) -> None:
        headers_at.append((request.url, body_length, time.time()))

    async def main() -> list[Any]:
        loop = asyncio.get_running_loop()
        runner = AsyncCrawlerRunner({**scrapy_settings(settings), **spec["scrapy"]})
        crawler = runner.create_crawler(IngestSpider)
        opened: asyncio.Future[Any] = loop.create_future()

        def on_opened(spider: Any) -> None:
            opened.done() or opened.set_result(spider)

        crawler.signals.connect(on_opened, signal=signals.spider_opened)
        crawler.signals.connect(on_headers, signal=signals.headers_received)
        task = runner.crawl(crawler, backend=backend)
        await asyncio.wait([opened, task], return_when=asyncio.FIRST_COMPLETED)
        spider = opened.result()
        runs = []
        for batch in spec["batches"]:
            waiting = []
            for data in batch:
                done: asyncio.Future[Any] = loop.create_future()

                def finished(run: Any, done: asyncio.Future[Any] = done) -> None:
                    backend.run_finished(run)
                    done.done() or done.set_result(run)

                spider.submit(SourceRun(source=source_from_json(data), on_done=finished))
                waiting.append(done)
            runs += await asyncio.gather(*waiting)
        spider.stopping = True
        await crawler.stop_async()
        return runs

    runs = run_on_reactor(main)
    fields = ("error", "fetched", "new", "duplicates", "errors", "articles", "not_modified", "retry_after",
              "poll_hint", "conditional", "validators_verdict", "started", "finished", "fetches")
    report = {
        "runs": [{"name": r.source.name, "ok": r.ok, **{f: getattr(r, f) for f in fields}} for r in runs],
        "parses": dict(parses),
        "headers_at": headers_at,
    }
    store.close()
    print(json.dumps(report))


@dataclass
class Crawl:
    runs: dict[str, dict[str, Any]]
    parses: dict[str, int]
    headers_at: list[tuple[str, int, float]]
    log: str

    def first_headers(self, url: str) -> list[float]:
        return [t for u, _, t in self.headers_at if u == url]


def crawl(settings: Settings, *batches: list[dict[str, Any]], scrapy: dict[str, Any] | None = None,
          **overrides: Any) -> Crawl:
    spec = {
        "settings": {"redis_url": settings.redis_url, "data_dir": settings.data_dir, "allow_private_networks": True,
                     "download_delay": 0, "extract_workers": 0, **overrides},
        "scrapy": scrapy or {},
        "batches": list(batches),
    }
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NO_PROXY"] = "*"
    proc = subprocess.run([sys.executable, "-c", HARNESS], input=json.dumps(spec), capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr[-4000:]
    report = json.loads(proc.stdout.splitlines()[-1])
    return Crawl({r["name"]: r for r in report["runs"]}, report["parses"],
                 [tuple(x) for x in report["headers_at"]], proc.stderr)


def source(name: str, url: str, kind: str = "feed", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": kind, "url": url, "every": 600, **extra}


# -- a small scripted server (for what the fixture site does not do) -------------------------------

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Scripted:
    """HTTP on 127.0.0.1: ``routes[path](request headers) -> (status, headers, body)``."""

    routes: dict[str, Callable[[dict[str, str]], Answer]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests if p != "/robots.txt"]


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    state = Scripted()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = dict(self.headers.items())
            state.requests.append((self.path, headers))
            route = state.routes.get(self.path) or state.routes.get(self.path.split("?", 1)[0])
            status, extra, body = route(headers) if route else (404, {"Content-Type": "text/plain"}, b"no")
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def rss(items: list[tuple[str, str]], *, ttl: int | None = None) -> bytes:
    """An RSS 2.0 document with ``(guid, link)`` items."""
    body = "".join(
        f"<item><title>Item {escape(g)}</title><guid isPermaLink=\"false\">{escape(g)}</guid>"
        f"<link>{escape(link)}</link></item>" for g, link in items
    )
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Scripted</title>'
            f"<link>http://127.0.0.1/</link>{ttl_tag}{body}</channel></rss>").encode()


RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


@pytest.fixture
def world_site() -> Iterator[tuple[World, FixtureSite]]:
    world = build_world()
    with serve_world(world) as site:
        yield world, site


def page_paths(site: FixtureSite, outlet: int | None = None) -> list[str]:
    return [r.path for r in site.requests_for(outlet) if r.path != "/robots.txt"]


# -- conditional GET and the "validators are trustworthy" check ------------------------------------

def test_a_304_run_stores_and_parses_nothing(settings: Settings, store: Store,
                                             world_site: tuple[World, FixtureSite]) -> None:
    world, site = world_site
    outlet = world.outlets[0]
    feed = source("ledger", outlet.feed_url)
    first = crawl(settings, [feed])
    assert first.runs["ledger"]["ok"] and first.runs["ledger"]["new"] > 0
    assert first.parses == {outlet.feed_url: 1}
    stored = store.text.zcard(store.keys.articles_by_time)
    events = store.text.xlen(store.keys.events)
    site.clear_requests()

    second = crawl(settings, [feed])
    run = second.runs["ledger"]
    assert run["ok"] and run["not_modified"] and run["conditional"]
    assert (run["new"], run["articles"], run["fetched"]) == (0, 0, 1)
    assert second.parses == {}  # the 304 cost no parsing
    (request,) = site.requests_for(0, outlet.feed_path)
    assert request.status == 304 and request.headers.get("If-None-Match")
    assert page_paths(site) == [outlet.feed_path]  # no article page either
    assert store.text.zcard(store.keys.articles_by_time) == stored
    assert store.text.xlen(store.keys.events) == events


def test_an_unchanged_body_without_validators_costs_no_parsing(settings: Settings, scripted: Scripted) -> None:
    # a server that sends no ETag/Last-Modified: every poll is a full fetch, the hash decides
    scripted.routes["/feed"] = lambda h: (200, RSS, rss([("g1", scripted.url("/a"))]))
    scripted.routes["/a"] = lambda h: (200, {"Content-Type": "text/html"}, b"<html><body><p>short</p></body></html>")
    feed = source("plain", scripted.url("/feed"))
    first = crawl(settings, [feed])
    second = crawl(settings, [feed])
    assert first.parses == {scripted.url("/feed"): 1}
    assert not second.runs["plain"]["conditional"] and second.runs["plain"]["not_modified"]
    assert second.parses == {}
    assert scripted.paths() == ["/feed", "/a", "/feed"]


def test_a_server_that_answers_304_over_a_changed_body_is_caught_and_distrusted(
        settings: Settings, store: Store, scripted: Scripted, world_site: tuple[World, FixtureSite]) -> None:
    world, site = world_site
    honest = world.outlets[1]
    version = {"items": [("g1", world.articles[0].url)]}
    stale = {"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT", **RSS}

    def liar(headers: dict[str, str]) -> Answer:
        if headers.get("If-None-Match") == '"v1"':
            return 304, stale, b""  # whatever the body has become
        return 200, stale, rss(version["items"])

    scripted.routes["/feed"] = liar
    sources = [source("liar", scripted.url("/feed")), source("honest", honest.feed_url)]
    first = crawl(settings, sources)
    assert all(r["ok"] and not r["conditional"] for r in first.runs.values())
    # The body changes; the server keeps its validators. A day later the check is due.
    version["items"] = [("g1", world.articles[0].url), ("g2", world.articles[1].url)]
    for name in ("liar", "honest"):
        store.text.hset(store.keys.source(name), "validators_checked_at", time.time() - 86400 - 60)
    scripted.requests.clear()
    site.clear_requests()

    second = crawl(settings, sources)
    liar_run, honest_run = second.runs["liar"], second.runs["honest"]
    assert liar_run["validators_verdict"] == "stale" and liar_run["new"] == 1
    assert second.parses.get(scripted.url("/feed")) == 1  # the changed body was parsed after all
    assert [h.get("If-None-Match") for p, h in scripted.requests if p == "/feed"] == ['"v1"', None]
    assert "answered 304 Not Modified while its body had changed" in second.log
    assert store.text.hget(store.keys.source("liar"), "validators_trusted") == "0"
    # the honest server's 304 is confirmed by the same check: same hash, trusted, nothing parsed
    assert honest_run["validators_verdict"] == "trusted" and honest_run["not_modified"]
    assert [r.status for r in site.requests_for(1, honest.feed_path)] == [304, 200]
    assert honest.feed_url not in second.parses
    state = store.text.hgetall(store.keys.source("honest"))
    assert state["validators_trusted"] == "1" and state["validators_runs"] == "0"
    assert time.time() - float(state["validators_checked_at"]) < 600

    # From now on the liar is fetched in full and hash-compared: unchanged, so not parsed.
    scripted.requests.clear()
    third = crawl(settings, sources[:1])
    assert not third.runs["liar"]["conditional"] and third.runs["liar"]["not_modified"]
    assert [h.get("If-None-Match") for p, h in scripted.requests if p == "/feed"] == [None]
    assert third.parses == {}


def test_fetches_are_counted_by_final_status_into_the_daemon_counters(settings: Settings, store: Store,
                                                                     scripted: Scripted) -> None:
    page = b"<html><body><article><p>" + b"Shelling near the port went on overnight. " * 40 + b"</p></article></body></html>"
    scripted.routes["/feed"] = lambda h: (200, RSS, rss([("g1", scripted.url("/a")), ("g2", scripted.url("/gone"))]))
    scripted.routes["/a"] = lambda h: (200, {"Content-Type": "text/html"}, page)
    scripted.routes["/down"] = lambda h: (503, {"Content-Type": "text/plain"}, b"busy")
    result = crawl(settings, [source("ok-feed", scripted.url("/feed")), source("down-feed", scripted.url("/down"))],
                   scrapy={"RETRY_TIMES": 1})
    assert result.runs["ok-feed"]["fetches"] == {"listing:200": 1, "article:200": 1, "article:404": 1}
    # retried once by Scrapy: one fetch, counted by its final answer
    assert result.runs["down-feed"]["fetches"] == {"listing:503": 1}
    counters = store.text.hgetall(store.keys.daemon_counters)
    assert abs(float(counters.pop("last_run_at")) - time.time()) < 600
    assert counters == {
        "fetch:listing:200": "1", "fetch:article:200": "1", "fetch:article:404": "1", "fetch:listing:503": "1",
        "runs:ok": "1", "runs:failed": "1", "items:new": "1",
    }


def test_validators_decisions() -> None:
    now = 1_710_000_000.0
    fresh = Validators(etag='"a"', checked_at=now - 60)
    assert fresh.conditional(now) and not fresh.check_due(now)
    assert Validators(etag='"a"', runs_since_check=CHECK_EVERY_RUNS - 1, checked_at=now).check_due(now)
    assert Validators(etag='"a"', checked_at=now - 86400).check_due(now)
    assert not Validators(body_hash="h").conditional(now)  # nothing to send
    distrusted = Validators(etag='"a"', trusted=False, checked_at=now - 60)
    assert not distrusted.conditional(now) and not distrusted.check_due(now)
    retrial = Validators(etag='"a"', trusted=False, checked_at=now - RETRUST_AFTER)
    assert retrial.conditional(now) and retrial.check_due(now)
    assert fresh.after_run(conditional=True, verdict="", now=now) == (True, 1, now - 60)
    assert fresh.after_run(conditional=True, verdict="stale", now=now) == (False, 0, now)
    assert fresh.after_run(conditional=False, verdict="", now=now) == (True, 0, now)
    assert distrusted.after_run(conditional=False, verdict="", now=now) == (False, 0, now - 60)


def test_check_verdict() -> None:
    at = 1_710_000_000.5
    assert check_verdict("h1", "h1", None, at) == "trusted"
    assert check_verdict("h1", "h2", None, at) == "stale"
    assert check_verdict("h1", "h2", formatdate(at - 3600, usegmt=True).encode(), at) == "stale"
    # changed in the very second of the 304 or later: the 304 was honest
    assert check_verdict("h1", "h2", formatdate(at, usegmt=True).encode(), at) == "trusted"
    assert check_verdict("h1", "h2", b"not a date", at) == "stale"


# -- scheduling hints ----------------------------------------------------------------------------

def test_feed_ttl_and_cache_control_are_lower_bounds_for_the_next_poll(
        settings: Settings, store: Store, scripted: Scripted) -> None:
    scripted.routes["/ttl"] = lambda h: (200, RSS, rss([], ttl=120))  # minutes
    scripted.routes["/max-age"] = lambda h: (200, {**RSS, "Cache-Control": "public, max-age=900"}, rss([]))
    scripted.routes["/none"] = lambda h: (200, {**RSS, "Cache-Control": "no-cache"}, rss([]))
    result = crawl(settings, [
        {**source("ttl", scripted.url("/ttl")), "every": 60},  # bounds 30 s .. 6 min
        {**source("max-age", scripted.url("/max-age")), "every": 60, "max_every": 3600},
        {**source("none", scripted.url("/none")), "every": 60},
    ])
    assert result.runs["ttl"]["poll_hint"] == 7200
    assert result.runs["max-age"]["poll_hint"] == 900
    assert result.runs["none"]["poll_hint"] == 0  # asked: no hint
    now = time.time()
    due = {n: store.text.zscore(store.keys.sources_due, n) - now for n in ("ttl", "max-age", "none")}
    assert 300 < due["ttl"] <= 360  # the hint, capped by the source's own max_every
    # the hint is a lower bound; the scheduler's ±10% jitter may only lengthen it
    assert 890 < due["max-age"] <= 990
    assert due["none"] <= 75 * 1.1  # no hint: the adaptive interval (60 s x 1.25), plus up to 10% jitter
    assert store.text.hget(store.keys.source("max-age"), "poll_hint") == "900.0"


def test_hinted_bounds() -> None:
    bounds = Bounds.for_source(60)
    assert hinted_bounds(bounds, None) == bounds
    assert hinted_bounds(bounds, 10) == bounds  # below the floor: nothing to raise
    assert hinted_bounds(bounds, 200).min_every == 200
    assert hinted_bounds(bounds, 10**6).min_every == bounds.max_every


# -- robots.txt, User-Agent, "seen" -----------------------------------------------------------------

def test_robots_txt_disallow_is_obeyed_and_the_user_agent_names_us(
        settings: Settings, world_site: tuple[World, FixtureSite]) -> None:
    world, site = world_site
    outlet = world.outlets[2]
    # every same-host link of the section page is a candidate, /private/drafts/ included
    section = source("section", outlet.url("/world/"), kind="site", include=[".*"])
    result = crawl(settings, [section], contact_url="https://example.org/wirewatch-ops")
    assert result.runs["section"]["ok"] and result.runs["section"]["new"] > 0
    assert site.requests_for(2, "/robots.txt")
    assert not site.requests_for(prefix="/private/")
    assert "/private/drafts/" in result.log and "robots.txt" in result.log
    agents = {r.headers.get("User-Agent", "") for r in site.requests}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.startswith("wirewatch/") and "https://example.org/wirewatch-ops" in agent


def test_entries_seen_by_guid_or_canonical_url_are_not_fetched_again(
        settings: Settings, scripted: Scripted, world_site: tuple[World, FixtureSite]) -> None:
    world, site = world_site
    a, b, c = (world.articles[i] for i in (0, 1, 2))
    items = {"now": [("guid-a", a.url)]}
    scripted.routes["/feed"] = lambda h: (200, RSS, rss(items["now"]))
    feed = source("mixed", scripted.url("/feed"))
    first = crawl(settings, [feed])
    assert first.runs["mixed"]["new"] == 1
    site.clear_requests()
    items["now"] = [
        ("guid-a", b.url),  # a known GUID now pointing elsewhere
        ("guid-new", a.url.rstrip("/") + "/?utm_source=rss&utm_medium=feed&fbclid=x#comments"),  # a's URL again
        ("guid-c", c.url),
    ]
    second = crawl(settings, [feed])
    assert second.runs["mixed"]["duplicates"] == 2 and second.runs["mixed"]["new"] == 1
    assert page_paths(site) == [c.path]


def test_robots_txt_is_read_again_when_its_time_is_up(settings: Settings, world_site: tuple[World, FixtureSite]) -> None:
    world, site = world_site
    feed = source("ledger", world.outlets[0].feed_url)
    kept = crawl(settings, [feed], [feed])
    assert kept.runs["ledger"]["ok"] and len(site.requests_for(0, "/robots.txt")) == 1  # one per crawler...
    site.clear_requests()
    crawl(settings, [feed], [feed], scrapy={"WIREWATCH_ROBOTS_TTL": 0})
    assert len(site.requests_for(0, "/robots.txt")) == 2  # ...until it expires


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://News.Example.COM.:80/a/?UTM_Source=x&Id=2#comments", "http://news.example.com/a?Id=2"),
        ("https://e.org/a?ref=tw&q=kyiv+strike&mc_cid=1&gclid=2", "https://e.org/a?q=kyiv+strike"),
        ("http://e.org?b=1&a=2", "http://e.org/?a=2&b=1"),
        ("http://[2001:DB8::1]:80/x/", "http://[2001:db8::1]/x"),
        ("https://e.org:8443/a/#x", "https://e.org:8443/a"),
        # one spelling of a non-ASCII path and host, however the feed printed it
        ("http://Україна.example/Новини/", "http://xn--80aa2annq7l.example/%D0%9D%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8"),
        ("http://xn--80aa2annq7l.example/%d0%9d%d0%be%d0%b2%d0%b8%d0%bd%d0%b8",
         "http://xn--80aa2annq7l.example/%D0%9D%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8"),
        ("http://e.org/%7Ejane/%41rticle", "http://e.org/~jane/Article"),
        ("http://e.org/a%2Fb", "http://e.org/a%2Fb"),  # an escaped slash is not a path separator
        ("http://e.org/a b", "http://e.org/a%20b"),
    ],
)
def test_canonicalisation_rules(url: str, canonical: str) -> None:
    from crawlers.urls import canonicalize

    assert canonicalize(url) == canonical
    assert canonicalize(canonical) == canonical


# -- Retry-After and the shared per-domain budget ---------------------------------------------------

def test_a_budget_spent_by_another_worker_delays_this_workers_requests(
        settings: Settings, store: Store, world_site: tuple[World, FixtureSite]) -> None:
    world, site = world_site
    outlet = world.outlets[4]
    budget = Budget(rate=2.0, burst=2, max_wait=60)  # what download_delay=0.5 and 2 per domain give
    gate = RedisGate(store.text, store.keys.politeness)
    # another worker queued 18 requests to this domain: the bucket is booked 8 s ahead
    before = time.time()
    booked = [gate.acquire("127.0.0.14", budget) for _ in range(18)]
    assert booked[-1].wait > 7.5
    result = crawl(settings, [source("late", outlet.feed_url)], download_delay=0.5)
    assert result.runs["late"]["ok"]
    # Redis answered after ``before``: no request of ours (robots.txt included) left before the
    # last booked slot (a millisecond of slack for the microseconds Redis stores)
    assert min(t for _, _, t in result.headers_at) >= before + booked[-1].wait - 0.001
    assert site.requests_for(4, "/robots.txt")


def test_429_retry_after_holds_every_request_to_that_domain(
        settings: Settings, store: Store, world_site: tuple[World, FixtureSite]) -> None:
    world, site = world_site
    outlet = world.outlets[0]
    limited = outlet.url("/fault/status/429")
    result = crawl(settings, [source("limited", limited)], [source("neighbour", outlet.feed_url)])
    limited_run = result.runs["limited"]
    assert not limited_run["ok"] and "HTTP 429" in limited_run["error"]
    assert limited_run["retry_after"] == 2
    assert len(site.requests_for(0, "/fault/status/429")) == 2  # one retry, no more
    first, retry = result.first_headers(limited)
    assert retry - first >= 1.99  # the retry waited for Retry-After: 2
    # the other source on that host waited too, though it never got a 429 itself
    (feed_at,) = result.first_headers(outlet.feed_url)
    assert feed_at - retry >= 1.99
    assert result.runs["neighbour"]["ok"]
    assert "Retry-After 2s: every request to 127.0.0.10 waits" in result.log
    # the failed source is not polled again before the server's Retry-After
    assert store.text.zscore(store.keys.sources_due, "limited") >= time.time()


def test_a_hold_set_by_another_worker_defers_this_workers_requests(
        settings: Settings, store: Store, world_site: tuple[World, FixtureSite]) -> None:
    world, site = world_site
    outlet = world.outlets[1]
    RedisGate(store.text, store.keys.politeness).hold("127.0.0.11", 300)  # "another machine" got a 429
    result = crawl(settings, [{**source("held", outlet.feed_url), "every": 60}])
    run = result.runs["held"]
    assert not run["ok"] and "deferred" in run["error"] and "asked us to wait (Retry-After)" in run["error"]
    assert 250 < run["retry_after"] <= 300
    assert site.requests_for(1) == []  # not even robots.txt
    assert store.text.zscore(store.keys.sources_due, "held") - time.time() > 250


def test_politeness_middleware_holds_and_defers() -> None:
    crawler = get_crawler(Spider, {"WIREWATCH_DOMAIN_RATE": 0, "WIREWATCH_POLITENESS_MAX_WAIT": 1,
                                   "RETRY_TIMES": 1})
    crawler.spider = crawler._create_spider("t")
    mw = PolitenessMiddleware.from_crawler(crawler)
    request = Request("http://news.example.co.uk/story")
    assert asyncio.run(mw.process_request(request)) is None
    assert request.meta["download_slot"] == "example.co.uk"  # Scrapy's slots are per service too
    limited = HtmlResponse(request.url, status=429, headers={"Retry-After": "0.5"}, body=b"", request=request)
    retry = mw.process_response(request, limited)
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    unavailable = HtmlResponse(request.url, status=503, headers={"Retry-After": "120"}, body=b"", request=request)
    assert mw.process_response(request, unavailable) is unavailable  # no retry into a long hold
    with pytest.raises(HostDeferred, match=r"example\.co\.uk asked us to wait") as deferred:
        asyncio.run(mw.process_request(Request("https://www.example.co.uk/other")))
    assert 100 < deferred.value.seconds <= 120
    assert asyncio.run(mw.process_request(Request("https://example.com/"))) is None


def test_budget_from_settings(settings: Settings) -> None:
    from crawlers.scrapy_config import scrapy_settings
    from wirewatch.settings import load_settings

    polite = scrapy_settings(load_settings(env={}, config_file=None, download_delay=0.5, per_domain_concurrency=3))
    budget = Budget(polite["WIREWATCH_DOMAIN_RATE"], polite["WIREWATCH_DOMAIN_BURST"])
    assert (budget.rate, budget.burst) == (2.0, 3)
    assert polite["DOWNLOADER_MIDDLEWARES"]["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert polite["WIREWATCH_GUARD_EXEMPT_HOSTPORTS"] == []


# -- limits: size, time, redirects, content types ---------------------------------------------------

def test_oversized_bodies_are_refused_while_downloading_or_inflating(
        settings: Settings, store: Store, world_site: tuple[World, FixtureSite]) -> None:
    world, site = world_site
    outlet = world.outlets[0]
    result = crawl(settings, [
        source("big", outlet.url("/fault/big/3")),
        source("big-chunked", outlet.url("/fault/big/3?chunked")),
        source("bomb", outlet.url("/fault/gzip-bomb")),
    ], max_body_bytes=1024 * 1024)
    for name in ("big", "big-chunked"):
        run = result.runs[name]
        assert not run["ok"] and "larger than download max size (1048576)" in run["error"], run
    bomb = result.runs["bomb"]
    assert not bomb["ok"] and "during decompression" in bomb["error"], bomb
    # counted by why: cut off at the cap (streamed or inflated), not lumped in with outages
    assert {name: result.runs[name]["fetches"] for name in ("big", "big-chunked", "bomb")} == {
        "big": {"listing:too_large": 1}, "big-chunked": {"listing:too_large": 1}, "bomb": {"listing:too_large": 1}}
    # the bomb arrived compressed (about 100 KB) and was cut off at 1 MiB while inflating
    (received,) = [n for u, n, _ in result.headers_at if u.endswith("/fault/gzip-bomb")]
    assert 0 < received < 1024 * 1024
    assert result.parses == {} and store.text.zcard(store.keys.articles_by_time) == 0
    # a chunked body of unknown size was cut off after the cap: nothing near 3 MiB was kept
    assert len(site.requests_for(0, "/fault/big/3")) == 2


def test_timeouts_and_redirect_loops_end_the_fetch(settings: Settings, world_site: tuple[World, FixtureSite]) -> None:
    world, site = world_site
    outlet = world.outlets[3]
    with socket.socket() as sock:  # a port nothing listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/feed"
        result = crawl(settings, [
            source("slow", outlet.url("/fault/slow-headers?seconds=4")),
            source("loop", outlet.url("/fault/redirect-loop")),
            source("dead", dead),
        ], download_timeout=1, scrapy={"RETRY_TIMES": 0})
    slow, loop, dead_run = result.runs["slow"], result.runs["loop"], result.runs["dead"]
    # each counted by why it got no answer (/metrics: wirewatch_fetches_total{status=...})
    assert slow["fetches"] == {"listing:timeout": 1}
    assert dead_run["fetches"] == {"listing:refused": 1} and not dead_run["ok"], dead_run
    assert not slow["ok"] and "TimeoutError" in slow["error"] and "1.0 seconds" in slow["error"]
    assert not result.first_headers(outlet.url("/fault/slow-headers?seconds=4"))  # no answer was waited for
    assert not loop["ok"] and "max redirections" in loop["error"]
    assert len(site.requests_for(3, "/fault/redirect-loop")) == 6  # the first request and 5 redirects


def test_content_type_checks(settings: Settings, store: Store, scripted: Scripted,
                             world_site: tuple[World, FixtureSite]) -> None:
    world, _ = world_site
    outlet = world.outlets[0]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    scripted.routes["/logo.png"] = lambda h: (200, {"Content-Type": "image/png"}, png)
    scripted.routes["/report.pdf"] = lambda h: (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7\n" + png)
    binary_page = outlet.url("/fault/binary-as-html")
    scripted.routes["/feed"] = lambda h: (200, RSS, rss([("pdf", scripted.url("/report.pdf")),
                                                        ("bin", binary_page)]))
    result = crawl(settings, [
        source("image", scripted.url("/logo.png")),
        source("binary", binary_page),
        source("html-as-rss", outlet.url("/fault/html-as-rss")),
        source("articles", scripted.url("/feed")),
    ])
    image, binary = result.runs["image"], result.runs["binary"]
    assert "not a feed, sitemap or page (Content-Type: image/png)" in image["error"]
    assert image["fetches"] == {"listing:ignored": 1}  # answered, but refused by us
    assert "binary body (Content-Type: text/html)" in binary["error"]
    assert "not a feed" in result.runs["html-as-rss"]["error"], result.runs["html-as-rss"]
    articles = result.runs["articles"]
    assert articles["ok"] and articles["errors"] == 2 and articles["articles"] == 0
    refusals = [line for line in result.log.splitlines() if "source=articles" in line and "refused" in line]
    assert len(refusals) == 2, result.log
    assert any("report.pdf" in line and "not an HTML page (Content-Type: application/pdf)" in line for line in refusals)
    assert any("binary-as-html" in line and "binary body served as text/html" in line for line in refusals)
    # the image and binary listings never reached a parser; a web page served as RSS did, and failed there
    assert result.parses == {scripted.url("/feed"): 1, outlet.url("/fault/html-as-rss"): 1}
    assert store.text.zcard(store.keys.articles_by_time) == 0


@pytest.mark.parametrize(
    ("expect", "ctype", "body", "problem"),
    [
        ("html", "text/html; charset=utf-8", b"<!DOCTYPE html><html><body>x</body></html>", None),
        ("html", "", b"\n<html><head><title>x</title></head></html>", None),
        ("html", "text/plain", b"<!doctype html><p>x</p>", None),
        ("html", "application/xhtml+xml", b"<?xml version='1.0'?><html/>", None),
        ("html", "application/pdf", b"%PDF-1.7", "not an HTML page (Content-Type: application/pdf)"),
        ("html", "application/json", b"{}", "not an HTML page (Content-Type: application/json)"),
        ("html", "text/html", bytes(range(256)) * 8, "binary body served as text/html"),
        ("html", "text/html", b"\x1b$B<html>\x1b(B" * 30, None),  # ISO-2022-JP escapes are text
        ("listing", "application/rss+xml", b"<?xml version='1.0'?><rss/>", None),
        ("listing", "text/xml", "<?xml version='1.0'?><rss/>".encode("utf-16"), None),
        ("listing", "text/xml", "<?xml version='1.0'?><rss/>".encode("utf-16-le"), None),
        ("listing", "application/x-gzip", b"\x1f\x8b\x08\x00" + bytes(range(256)), None),  # sitemap.xml.gz
        ("listing", "image/png", b"\x89PNG\r\n", "not a feed, sitemap or page (Content-Type: image/png)"),
        ("listing", "application/octet-stream", b"\xff\xd8\xff\xe0JFIF", "binary body (Content-Type: "
                                                                          "application/octet-stream), not a feed, "
                                                                          "sitemap or page"),
    ],
)
def test_body_problem(expect: str, ctype: str, body: bytes, problem: str | None) -> None:
    assert body_problem(expect, ctype, body) == problem


# -- the private-network guard --------------------------------------------------------------------

REFUSED = [
    "http://localhost:8080/feed", "http://LOCALHOST./", "http://news.localhost/", "http://127.0.0.1/",
    "http://127.1.2.3:9000/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/",
    "http://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/computeMetadata/v1/",
    "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/", "http://100.64.0.1/", "http://0.0.0.0/",
    "http://2130706433/", "http://0x7f000001/", "http://[fe80::1]/", "http://[fd00::1]/",
    "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:a9fe:a9fe::1]/", "ftp://example.com/feed",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("url", REFUSED)
def test_guard_refuses_private_metadata_and_odd_schemes(url: str) -> None:
    with pytest.raises(IgnoreRequest, match="refused"):
        asyncio.run(PrivateNetworkGuard(allow_private=False).process_request(Request(url)))
    assert asyncio.run(PrivateNetworkGuard(allow_private=True).process_request(Request(url))) is None


@pytest.mark.parametrize("url", ["http://93.184.215.14/", "https://[2606:4700:4700::1111]/", "http://8.8.8.8:8080/x"])
def test_guard_lets_public_addresses_through(url: str) -> None:
    assert asyncio.run(PrivateNetworkGuard(allow_private=False).process_request(Request(url))) is None


def test_guard_exemption_is_one_exact_host_and_port() -> None:
    guard = PrivateNetworkGuard(allow_private=False, exempt=frozenset({"127.0.0.1:8080"}))
    assert asyncio.run(guard.process_request(Request("http://127.0.0.1:8080/feed"))) is None
    for other in ("http://127.0.0.1:8081/", "http://127.0.0.1/", "http://localhost:8080/", "http://127.0.0.2:8080/"):
        with pytest.raises(IgnoreRequest, match="refused"):
            asyncio.run(guard.process_request(Request(other)))


def test_private_targets_refused_with_the_guard_on(settings: Settings, scripted: Scripted,
                                                   world_site: tuple[World, FixtureSite]) -> None:
    world, site = world_site
    inside = world.outlets[0].feed_url
    scripted.routes["/to-fixture"] = lambda h: (302, {"Location": inside}, b"")
    scripted.routes["/to-metadata"] = lambda h: (301, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    scripted.routes["/by-name"] = lambda h: (200, RSS, rss([]))
    exempt = [f"127.0.0.1:{scripted.port}", f"localhost:{scripted.port}"]  # the first hops only
    result = crawl(settings, [
        source("redirect", scripted.url("/to-fixture")),
        source("metadata", scripted.url("/to-metadata")),
        source("direct", inside),
        source("by-name", scripted.url("/by-name", host="localhost")),
    ], scrapy={"WIREWATCH_GUARD_EXEMPT_HOSTPORTS": exempt}, allow_private_networks=False)
    runs = result.runs
    assert f"refused {inside}" in runs["redirect"]["error"]
    assert "refused http://169.254.169.254/latest/meta-data/" in runs["metadata"]["error"]
    assert f"refused {inside}" in runs["direct"]["error"]
    # a name let through by the middleware still cannot connect to a private address
    assert "DNS lookup failed" in runs["by-name"]["error"]
    assert "refused localhost: resolves to non-public address 127.0.0.1" in result.log
    assert site.requests == []  # nothing behind the guard was ever asked, robots.txt included
    assert sorted(scripted.paths()) == ["/to-fixture", "/to-metadata"]

"""The local servers the scheduler benchmark runs against: a feed site and a counting Redis proxy.

**The feed site.** ``FeedPlan`` is a pure, seeded plan of ``sources`` outlets: each has one RSS
feed whose items appear over time (a Poisson process per outlet; busy, normal and quiet outlets),
plus ``backlog`` items already published at ``epoch``. Every item links to a small article page
(fixture-site prose, 200-450 words); a share of items are reprints of one wire story per minute,
so several outlets' copies join one story. The plan is a function of its arguments, so the
benchmark knows when each item appeared without asking the server.

``FeedSite`` serves the plan on many loopback addresses (``127.0.100.1``, ``127.0.100.2``, ... one
per outlet by default, so Scrapy's per-host politeness applies per outlet as it would on the
internet), all on one port. It is deliberately light (asyncio, a hand-rolled HTTP/1.1 subset:
GET, keep-alive, ``If-None-Match`` -> 304) so that it costs little of the machine's CPU, and it
records every feed poll and every article fetch (``/__log``) so freshness can be broken down into
waiting for a poll, waiting for the article fetch, and processing.

**The proxy.** ``RoundTripProxy`` sits between the daemons and Redis and counts round trips: a
client's turn to speak after Redis has answered (a single command, or a whole pipeline, or a Lua
call, is one). Redis' own ``INFO`` counts commands, not round trips, and counts every tenant of a
shared server.

    python -m bench.sched_fixture --sources 1000 --epoch 1700000000   # prints "READY <port>"
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import functools
import json
import random
import signal
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from tests.fixturesite import prose, wire

EVENTS = tuple(sorted(prose.UKRAINE_EVENTS))
# (share of outlets, multiple of the mean gap between their items)
TIERS = ((0.15, 0.25), (0.55, 1.0), (0.30, 4.0))
HOSTS_PER_BLOCK = 250
FIRST_BLOCK = 100  # 127.0.100.x onwards: clear of the fixture site's 127.0.0.10+


def _mix(*parts: int) -> int:
    """A stable seed from integers (``hash`` of a tuple is stable for ints, but say it plainly)."""
    value = 1469598103934665603
    for p in parts:
        value = ((value ^ (p & 0xFFFFFFFFFFFF)) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return value


def host_address(h: int) -> str:
    if not 0 <= h < HOSTS_PER_BLOCK * (255 - FIRST_BLOCK):
        raise ValueError(f"host index out of range: {h}")
    return f"127.0.{FIRST_BLOCK + h // HOSTS_PER_BLOCK}.{1 + h % HOSTS_PER_BLOCK}"


@dataclass(frozen=True, slots=True)
class Item:
    appears: float  # epoch seconds at which the item shows in its feed (and its pubDate)
    wire_slot: int | None  # items of one slot (a minute) reprint one wire story


@dataclass(frozen=True)
class FeedPlan:
    sources: int
    epoch: float
    seed: int = 11
    mean_gap: float = 600.0
    backlog: int = 1
    horizon: float = 3600.0
    hosts: int = 0  # 0: one host per source
    feed_window: int = 20
    wire_share: float = 0.1
    wire_slot: float = 60.0

    def __post_init__(self) -> None:
        if self.sources < 1:
            raise ValueError("sources: at least 1")
        if self.mean_gap <= 0 or self.horizon <= 0:
            raise ValueError("mean_gap and horizon: must be positive")
        if self.backlog < 0:
            raise ValueError("backlog: must be >= 0")
        host_address(self.host_count - 1)

    @property
    def host_count(self) -> int:
        return min(self.hosts or self.sources, self.sources)

    def host(self, i: int) -> str:
        return host_address(i % self.host_count)

    def addresses(self) -> list[str]:
        return [host_address(h) for h in range(self.host_count)]

    def name(self, i: int) -> str:
        return f"bench-{i:05d}"

    def feed_url(self, i: int, port: int) -> str:
        return f"http://{self.host(i)}:{port}/s/{i}/feed.xml"

    def article_url(self, i: int, k: int, port: int) -> str:
        return f"http://{self.host(i)}:{port}/s/{i}/a/{k}.html"

    def gap(self, i: int) -> float:
        roll = random.Random(_mix(self.seed, i, 1)).random()
        for share, factor in TIERS:
            if roll < share:
                return self.mean_gap * factor
            roll -= share
        return self.mean_gap * TIERS[-1][1]

    @functools.cache  # noqa: B019 - the plan is frozen and lives as long as the process
    def items(self, i: int) -> tuple[Item, ...]:
        """Source ``i``'s items, oldest first (``k`` indexes this tuple)."""
        rng = random.Random(_mix(self.seed, i, 2))
        gap = self.gap(i)
        times = sorted(self.epoch - rng.uniform(60.0, 6 * 3600.0) for _ in range(self.backlog))
        t = self.epoch
        while True:
            t += rng.expovariate(1.0 / gap)
            if t >= self.epoch + self.horizon:
                break
            times.append(t)
        out = []
        for t in times:
            is_wire = rng.random() < self.wire_share
            out.append(Item(t, int((t - self.epoch) // self.wire_slot) if is_wire else None))
        return tuple(out)

    def visible(self, i: int, now: float) -> int:
        """How many of source ``i``'s items have appeared by ``now``."""
        return sum(1 for it in self.items(i) if it.appears <= now)

    @staticmethod
    def parse_article_path(path: str) -> tuple[int, int] | None:
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[0] == "s" and parts[2] == "a" and parts[3].endswith(".html"):
            try:
                return int(parts[1]), int(parts[3][: -len(".html")])
            except ValueError:
                return None
        return None


@functools.cache
def _wire_story(seed: int, slot: int) -> wire.WireStory:
    rng = random.Random(_mix(seed, slot, 3))
    return wire.write_wire_story(rng, f"w{slot}", rng.choice(EVENTS))


@functools.cache
def article_content(plan: FeedPlan, i: int, k: int) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(headline, paragraphs, authors) of source ``i``'s item ``k``."""
    item = plan.items(i)[k]
    rng = random.Random(_mix(plan.seed, i, k, 4))
    if item.wire_slot is not None:
        copy = wire.reprint(_wire_story(plan.seed, item.wire_slot), wire.random_plan(rng, k), rng,
                            f"Outlet {i}", "Lviv")
        return copy.headline, copy.paragraphs, copy.authors
    story = prose.write_story(rng, rng.choice(EVENTS), min_words=200, max_words=450)
    return prose.headline(story, k), story.paragraphs, (f"Outlet {i} staff",)


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=UTC).isoformat(timespec="seconds")


def feed_xml(plan: FeedPlan, i: int, shown: int, base: str) -> str:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>Outlet {i}</title><link>{base}/s/{i}/</link><description>Bench outlet {i}</description>",
    ]
    for k in range(shown - 1, max(0, shown - plan.feed_window) - 1, -1):  # newest first
        title, paragraphs, _authors = article_content(plan, i, k)
        when = email.utils.formatdate(plan.items(i)[k].appears, usegmt=True)
        parts.append(
            f"<item><title>{escape(title)}</title><link>{base}/s/{i}/a/{k}.html</link>"
            f'<guid isPermaLink="false">bench-{i}-{k}</guid><pubDate>{when}</pubDate>'
            f"<description>{escape(paragraphs[0][:240])}</description></item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts)


def article_html(plan: FeedPlan, i: int, k: int, base: str) -> str:
    title, paragraphs, authors = article_content(plan, i, k)
    iso = _iso(plan.items(i)[k].appears)
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | Outlet {i}</title>'
        f'<link rel="canonical" href="{base}/s/{i}/a/{k}.html">'
        f'<meta property="article:published_time" content="{iso}"></head><body>'
        f'<header><a href="/s/{i}/">Outlet {i}</a><nav><a href="/s/{i}/world/">World</a> '
        f'<a href="/s/{i}/about/">About</a></nav></header>'
        f"<main><article><h1>{escape(title)}</h1><p class=\"byline\">By {escape(', '.join(authors))}</p>"
        f'<time datetime="{iso}">{iso}</time>{body}</article></main>'
        f"<footer><p>Outlet {i}. All rights reserved.</p></footer></body></html>"
    )


def _bind_all(addresses: list[str], attempts: int = 20) -> tuple[list[socket.socket], int]:
    """Listening sockets on every address, all on one port (picked by the first bind)."""
    for _ in range(attempts):
        socks: list[socket.socket] = []
        port = 0
        try:
            for address in addresses:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                socks.append(s)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((address, port))
                s.listen(256)
                s.setblocking(False)
                port = s.getsockname()[1]
            return socks, port
        except OSError:
            for s in socks:
                s.close()
    raise OSError(f"could not bind {len(addresses)} loopback addresses on one port")


class FeedSite:
    """Serves a ``FeedPlan``; records feed polls and article fetches for ``/__log``."""

    def __init__(self, plan: FeedPlan, clock: Any = time.time) -> None:
        self.plan = plan
        self.clock = clock
        self.port = 0
        self.counts: dict[str, int] = defaultdict(int)
        self.polls: dict[int, list[tuple[float, int]]] = defaultdict(list)
        self.fetches: dict[str, list[float]] = defaultdict(list)
        self._feeds: dict[tuple[int, int], bytes] = {}

    async def start(self) -> int:
        socks, self.port = _bind_all(self.plan.addresses())
        self._servers = [await asyncio.start_server(self._handle, sock=s) for s in socks]
        return self.port

    def respond(self, target: str, headers: dict[str, str], host: str) -> tuple[int, str, bytes, dict[str, str]]:
        path = target.split("?", 1)[0]
        now = self.clock()
        base = f"http://{host}"
        if path == "/robots.txt":
            self.counts["robots"] += 1
            return 200, "text/plain", b"User-agent: *\nDisallow: /private/\n", {}
        if path == "/__log":
            log = {"polls": self.polls, "fetches": self.fetches, "counts": self.counts}
            return 200, "application/json", json.dumps(log).encode(), {}
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "s" and parts[2] == "feed.xml" and parts[1].isdigit():
            i = int(parts[1])
            if i < self.plan.sources:
                shown = self.plan.visible(i, now)
                etag = f'"f{i}-{shown}"'
                newest = self.plan.items(i)[shown - 1].appears if shown else self.plan.epoch - 86400
                extra = {"ETag": etag, "Last-Modified": email.utils.formatdate(newest, usegmt=True)}
                if headers.get("if-none-match") == etag:
                    self.counts["feed_304"] += 1
                    self.polls[i].append((now, 304))
                    return 304, "application/rss+xml", b"", extra
                self.counts["feed_200"] += 1
                self.polls[i].append((now, 200))
                body = self._feeds.get((i, shown))
                if body is None:
                    body = self._feeds[(i, shown)] = feed_xml(self.plan, i, shown, base).encode()
                return 200, "application/rss+xml; charset=utf-8", body, extra
        found = self.plan.parse_article_path(path)
        if found is not None:
            i, k = found
            if i < self.plan.sources and k < len(self.plan.items(i)) and self.plan.items(i)[k].appears <= now:
                self.counts["article"] += 1
                self.fetches[f"{i}/{k}"].append(now)
                return 200, "text/html; charset=utf-8", article_html(self.plan, i, k, base).encode(), {}
        self.counts["not_found"] += 1
        return 404, "text/plain", b"not found\n", {}

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                try:
                    method, target, version = lines[0].split(" ", 2)
                except ValueError:
                    return
                headers = {}
                for line in lines[1:]:
                    key, _, value = line.partition(":")
                    if key:
                        headers[key.strip().lower()] = value.strip()
                host = headers.get("host") or f"{writer.get_extra_info('sockname')[0]}:{self.port}"
                status, ctype, body, extra = self.respond(target, headers, host)
                keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
                head_out = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {ctype}",
                            f"Content-Length: {len(body) if status != 304 else 0}",
                            "Connection: keep-alive" if keep else "Connection: close"]
                head_out.extend(f"{k}: {v}" for k, v in extra.items())
                writer.write(("\r\n".join(head_out) + "\r\n\r\n").encode("latin-1"))
                if method != "HEAD" and status != 304:
                    writer.write(body)
                await writer.drain()
                if not keep:
                    return
        except ConnectionError:
            return
        finally:
            writer.close()


class CommandCounter:
    """Counts the commands in a client's RESP stream by name (redis-py sends each command as an
    array of bulk strings; the first is the name). Fed chunks as they arrive."""

    def __init__(self, totals: dict[str, int]) -> None:
        self.totals = totals
        self._buf = b""
        self._skip = 0
        self._want_name = False

    def feed(self, data: bytes) -> None:
        buf, pos = self._buf + data, 0
        if self._skip:
            pos = min(self._skip, len(buf))
            self._skip -= pos
        while not self._skip:
            nl = buf.find(b"\r\n", pos)
            if nl < 0:
                break
            kind, line_end = buf[pos:pos + 1], nl + 2
            if kind == b"*":
                self._want_name = True
            elif kind == b"$":
                size = int(buf[pos + 1:nl]) + 2
                if self._want_name:
                    if line_end + size > len(buf):
                        break  # wait for the whole name
                    name = buf[line_end:line_end + size - 2].decode("latin-1").lower()
                    self.totals[name] = self.totals.get(name, 0) + 1
                    self._want_name = False
                take = min(size, len(buf) - line_end)
                self._skip = size - take
                line_end += take
            pos = line_end
        self._buf = buf[pos:]


class RoundTripProxy:
    """A TCP proxy to Redis, in a thread of its own, counting round trips, commands and bytes."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.commands: dict[str, int] = {}
        self.round_trips = 0
        self.bytes_up = 0
        self.bytes_down = 0
        self.connections = 0
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> int:
        threading.Thread(target=self._run, name="redis-proxy", daemon=True).start()
        if not self._ready.wait(10):
            raise RuntimeError("the Redis proxy did not start")
        return self.port

    def counts(self) -> dict[str, int]:
        return {"round_trips": self.round_trips, "bytes_up": self.bytes_up, "bytes_down": self.bytes_down,
                "connections": self.connections, **{f"cmd:{k}": v for k, v in self.commands.items()}}

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, creader: asyncio.StreamReader, cwriter: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            ureader, uwriter = await asyncio.open_connection(*self.upstream)
        except OSError:
            cwriter.close()
            return
        # True while the client has spoken and Redis has not answered yet: more client bytes then
        # belong to the same round trip (a pipeline split over several reads).
        awaiting = [False]
        counter = CommandCounter(self.commands)

        async def up() -> None:
            while data := await creader.read(65536):
                if not awaiting[0]:
                    awaiting[0] = True
                    self.round_trips += 1
                self.bytes_up += len(data)
                counter.feed(data)
                uwriter.write(data)
                await uwriter.drain()

        async def down() -> None:
            while data := await ureader.read(65536):
                awaiting[0] = False
                self.bytes_down += len(data)
                cwriter.write(data)
                await cwriter.drain()

        tasks = [asyncio.ensure_future(up()), asyncio.ensure_future(down())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        except ConnectionError:
            pass
        finally:
            for t in tasks:
                t.cancel()
            for w in (cwriter, uwriter):
                w.close()


async def _serve(plan: FeedPlan) -> None:
    site = FeedSite(plan)
    port = await site.start()
    print(f"READY {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def plan_args(parser: argparse.ArgumentParser) -> None:
    """The options that define a plan (shared with bench.scheduler_load)."""
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=0, help="loopback hosts (0: one per source)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--mean-gap", type=float, default=600.0, help="mean seconds between a typical outlet's items")
    parser.add_argument("--backlog", type=int, default=1, help="items each feed already holds at the start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    plan_args(parser)
    parser.add_argument("--epoch", type=float, required=True, help="when new items start appearing (epoch s)")
    parser.add_argument("--horizon", type=float, default=3600.0)
    args = parser.parse_args()
    plan = FeedPlan(sources=args.sources, epoch=args.epoch, seed=args.seed, mean_gap=args.mean_gap,
                    backlog=args.backlog, horizon=args.horizon, hosts=args.hosts)
    asyncio.run(_serve(plan))


if __name__ == "__main__":
    main()

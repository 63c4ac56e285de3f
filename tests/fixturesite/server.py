"""Serve a ``World`` over HTTP on loopback: one address per outlet, one port shared by all.

Outlet i listens on 127.0.0.(10 + i) so per-domain politeness (robots.txt, concurrency, delays)
behaves as on the real web. Linux routes all of 127.0.0.0/8 to ``lo``; if the shared port cannot
be bound on every address, each outlet falls back to a free port of its own.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from tests.fixturesite import faults
from tests.fixturesite.records import FIRST_HOST
from tests.fixturesite.routes import Document
from tests.fixturesite.world import World

SHARED_PORT_ATTEMPTS = 3
SOCKET_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the site answered."""

    host: str  # the outlet address it arrived at
    outlet: str  # the outlet's slug
    method: str
    path: str  # the request target as sent: path and query
    status: int
    headers: dict[str, str]

    @property
    def route(self) -> str:
        """The path without its query string."""
        return urlsplit(self.path).path


class _OutletServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: FixtureSite, outlet_index: int) -> None:
        self.site = site
        self.outlet_index = outlet_index
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client hanging up mid-response is routine here, not worth a traceback."""


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    bare = etag.strip('"')
    for candidate in header.split(","):
        tag = candidate.strip().removeprefix("W/").strip('"')
        if tag in (bare, bare + "-gzip"):
            return True
    return False


def _not_modified(doc: Document, headers: Any) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, doc.etag)
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            since: datetime = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return since.tzinfo is not None and doc.last_modified <= since
    return False


class _Handler(BaseHTTPRequestHandler):
    server: _OutletServer
    protocol_version = "HTTP/1.1"
    server_version = "FixtureNews/1.0"
    timeout = SOCKET_TIMEOUT  # idle keep-alive connections give their thread back

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the request log instead of stderr."""

    def do_GET(self) -> None:
        self._serve(head_only=False)

    def do_HEAD(self) -> None:
        self._serve(head_only=True)

    def _serve(self, head_only: bool) -> None:
        site = self.server.site
        split = urlsplit(self.path)
        site._enter()
        try:
            if split.path.startswith("/fault/"):
                faults.handle(self, split.path, split.query, site.stopping, head_only)
            else:
                self._document(split.path, head_only)
        finally:
            site._leave()

    def send_response(self, code: int, message: str | None = None) -> None:
        # Logged before any byte leaves, so a client that has its answer always finds it in the log.
        self.server.site._record(self, code)
        super().send_response(code, message)

    def _document(self, path: str, head_only: bool) -> int:
        world = self.server.site.world
        doc = world.document(self.server.outlet_index, path)
        if doc is None:
            body = b"<!DOCTYPE html><html><head><title>Not found</title></head><body>Not found</body></html>"
            return self._send(404, body, "text/html; charset=utf-8", {}, head_only)
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "")
        etag = doc.etag[:-1] + '-gzip"' if gzipped else doc.etag
        validators = {"ETag": etag, "Last-Modified": format_datetime(doc.last_modified, usegmt=True)}
        if _not_modified(doc, self.headers):
            return self._send(304, b"", doc.content_type, validators, head_only)
        body = doc.body
        if gzipped:
            body = gzip.compress(body, compresslevel=5, mtime=0)
            validators |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return self._send(200, body, doc.content_type, validators, head_only)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str], head_only: bool) -> int:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only and status != 304:
            self.wfile.write(body)
        return status


def _bind(site: FixtureSite, count: int) -> list[_OutletServer]:
    """All outlets on one port if possible, else each on its own free port."""
    for _ in range(SHARED_PORT_ATTEMPTS):
        servers = [_OutletServer((f"127.0.0.{FIRST_HOST}", 0), site, 0)]
        port = servers[0].server_address[1]
        try:
            for i in range(1, count):
                servers.append(_OutletServer((f"127.0.0.{FIRST_HOST + i}", port), site, i))
            return servers
        except OSError:
            for server in servers:
                server.server_close()
    return [_OutletServer((f"127.0.0.{FIRST_HOST + i}", 0), site, i) for i in range(count)]


class FixtureSite:
    """The world's outlets served on loopback. Use as a context manager or start()/stop()."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.stopping = threading.Event()
        self._servers: list[_OutletServer] = []
        self._threads: list[threading.Thread] = []
        self._log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._active = 0

    def start(self) -> FixtureSite:
        if self._servers:
            raise RuntimeError("the fixture site is already running")
        self.stopping.clear()
        self._servers = _bind(self, len(self.world.outlets))
        self.world.bind([f"http://{s.server_address[0]!s}:{s.server_address[1]}" for s in self._servers])
        for server, outlet in zip(self._servers, self.world.outlets, strict=True):
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05},
                name=f"fixturesite-{outlet.slug}", daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop every server; slow fault routes wake up and finish at once."""
        self.stopping.set()
        # shutdown() blocks until that server's loop notices: do them all at once, not in turn.
        stoppers = [threading.Thread(target=s.shutdown, daemon=True) for s in self._servers]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join(timeout=5)
        for server in self._servers:
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> FixtureSite:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_urls(self) -> tuple[str, ...]:
        return tuple(o.base_url for o in self.world.outlets)

    @property
    def ports(self) -> tuple[int, ...]:
        return tuple(s.server_address[1] for s in self._servers)

    def url(self, outlet: str | int, path: str = "/") -> str:
        return self.world.outlet(outlet).url(path)

    # -- request log --------------------------------------------------------------------------

    def _enter(self) -> None:
        with self._log_lock:
            self._active += 1

    def _leave(self) -> None:
        with self._log_lock:
            self._active -= 1

    @property
    def in_flight(self) -> int:
        """Requests being answered right now (a slow fault route holds one)."""
        with self._log_lock:
            return self._active

    def _record(self, handler: _Handler, status: int) -> None:
        server = handler.server
        record = RequestRecord(
            host=str(server.server_address[0]),
            outlet=self.world.outlets[server.outlet_index].slug,
            method=handler.command,
            path=handler.path,
            status=status,
            headers=dict(handler.headers.items()),
        )
        with self._log_lock:
            self._log.append(record)

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request answered so far, oldest first (a copy)."""
        with self._log_lock:
            return list(self._log)

    def requests_for(self, outlet: str | int | None = None, prefix: str = "") -> list[RequestRecord]:
        """Requests to one outlet (any, if None) whose path starts with ``prefix``."""
        slug = None if outlet is None else self.world.outlet(outlet).slug
        return [r for r in self.requests if (slug is None or r.outlet == slug) and r.path.startswith(prefix)]

    def clear_requests(self) -> None:
        with self._log_lock:
            self._log.clear()


@contextmanager
def serve_world(world: World) -> Iterator[FixtureSite]:
    """Serve ``world`` for the duration of a ``with`` block; the world is re-addressed to it."""
    site = FixtureSite(world)
    site.start()
    try:
        yield site
    finally:
        site.stop()

"""A tiny HTTP server on 127.0.0.1 that serves whatever documents a test puts in it, and logs requests.

    with DocServer() as site:
        site.put("/feed.xml", body, "application/rss+xml")
        site.put("/flaky", b"", status=503, headers={"Retry-After": "2"})
        url = site.url("/feed.xml")

A route may also be a list of responses, served in turn (the last one repeats): a page that fails
once and then works. A response with a ``gate`` (a ``threading.Event``) is held until the test sets
it, so a test decides exactly when a crawler gets it. Every document gets an ETag, and
``If-None-Match`` gets a 304, like a real site.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Doc:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    gate: threading.Event | None = None


@dataclass(frozen=True)
class Hit:
    path: str
    status: int
    at: float


class DocServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Doc]] = {}
        self.hits: list[Hit] = []  # answered requests
        self.arrived: list[str] = []  # paths of requests received (a gated one before it is answered)
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server._answer(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def put(self, path: str, body: bytes | list[Doc], content_type: str = "text/html; charset=utf-8", *,
            status: int = 200, headers: dict[str, str] | None = None, gate: threading.Event | None = None) -> str:
        docs = body if isinstance(body, list) else [Doc(body, content_type, status, headers or {}, gate)]
        with self._lock:
            self.routes[path] = docs
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        with self._lock:
            self.arrived.append(path)
            docs = self.routes.get(path)
            n = self._served.get(path, 0)
            self._served[path] = n + 1
        doc = docs[min(n, len(docs) - 1)] if docs else Doc(b"not found", status=404)
        if doc.gate is not None:
            doc.gate.wait(60)
        etag = '"' + hashlib.sha1(doc.body).hexdigest()[:16] + '"'
        status = 304 if doc.status == 200 and h.headers.get("If-None-Match") == etag else doc.status
        with self._lock:
            self.hits.append(Hit(path, status, time.monotonic()))
        try:
            h.send_response(status)
            h.send_header("Content-Type", doc.content_type)
            h.send_header("ETag", etag)
            for name, value in doc.headers.items():
                h.send_header(name, value)
            body = b"" if status == 304 else doc.body
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True

    def __enter__(self) -> DocServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for docs in self.routes.values():
            for doc in docs:
                if doc.gate is not None:
                    doc.gate.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(10)

"""Misbehaving routes for reliability tests, served under ``/fault/`` on every outlet.

Every fault is bounded in time and bytes (nothing is endless) and wakes up when the site stops, so
a test's teardown never waits on a slow route.

    /fault/status/<code>             that status; Retry-After: 2 on 429 and 503
    /fault/slow-headers?seconds=N    waits N seconds (default 5, at most 10) before responding
    /fault/slow-body?seconds=N       headers at once, then the body trickles in over N seconds
    /fault/redirect-loop             302 -> /fault/redirect-loop/b -> 302 -> back
    /fault/redirect-to/<target>      302 to the URL-decoded target (?status=301 for another code)
    /fault/big/<MB>                  streams that many MiB of HTML (at most 256); ?chunked: no length
    /fault/gzip-bomb                 ~100 KB gzip body that inflates to ~100 MiB
    /fault/binary-as-html            random bytes labelled text/html
    /fault/html-as-rss               an HTML page labelled application/rss+xml
    /fault/close-mid-body            announces 100,000 bytes, sends 20,000, closes the connection
"""

from __future__ import annotations

import random
import socket
import threading
import zlib
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote

MAX_SLEEP = 10.0
MAX_BIG_MIB = 256
BOMB_MIB = 100
CHUNK = 64 * 1024
_HTML_FILL = b"<p>" + b"filler text " * 5000 + b"</p>\n"

_bomb: bytes | None = None
_bomb_lock = threading.Lock()


def gzip_bomb() -> bytes:
    """A gzip stream of ~100 MiB of HTML filler, built once per process."""
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
            parts = [packer.compress(b"<!DOCTYPE html><html><body>")]
            block = b" " * (1024 * 1024)
            parts.extend(packer.compress(block) for _ in range(BOMB_MIB))
            parts.append(packer.compress(b"</body></html>") + packer.flush())
            _bomb = b"".join(parts)
        return _bomb


def _seconds(query: str, default: float) -> float:
    try:
        value = float(parse_qs(query).get("seconds", [default])[0])
    except ValueError:
        value = default
    return max(0.0, min(MAX_SLEEP, value))


def _send(
    h: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str, head_only: bool,
    extra: dict[str, str] | None = None,
) -> int:
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    for name, value in (extra or {}).items():
        h.send_header(name, value)
    if status not in (204, 304):
        h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if not head_only and status not in (204, 304):
        h.wfile.write(body)
    return status


def _page(title: str) -> bytes:
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>".encode()


def _stream(h: BaseHTTPRequestHandler, total: int, stop: threading.Event, pause: float = 0.0) -> None:
    sent = 0
    while sent < total and not stop.is_set():
        piece = _HTML_FILL[: min(len(_HTML_FILL), total - sent)]
        h.wfile.write(piece)
        sent += len(piece)
        if pause:
            stop.wait(pause)


def handle(h: BaseHTTPRequestHandler, path: str, query: str, stop: threading.Event, head_only: bool) -> int:
    """Serve a ``/fault/...`` path; returns the status sent."""
    route = path.removeprefix("/fault/")
    html = "text/html; charset=utf-8"
    try:
        if route.startswith("status/"):
            try:
                code = int(route.removeprefix("status/"))
            except ValueError:
                code = 0
            if not 200 <= code <= 599:
                return _send(h, 400, _page("Bad status code"), html, head_only)
            extra = {"Retry-After": "2"} if code in (429, 503) else {}
            return _send(h, code, _page(f"Status {code}"), html, head_only, extra)
        if route == "slow-headers":
            stop.wait(_seconds(query, 5.0))
            return _send(h, 200, _page("Finally"), html, head_only)
        if route == "slow-body":
            seconds = _seconds(query, 5.0)
            total = 20 * len(_HTML_FILL)
            h.send_response(200)
            h.send_header("Content-Type", html)
            h.send_header("Content-Length", str(total))
            h.end_headers()
            if not head_only:
                _stream(h, total, stop, pause=seconds / 20)
            return 200
        if route in ("redirect-loop", "redirect-loop/b"):
            target = "/fault/redirect-loop" if route.endswith("/b") else "/fault/redirect-loop/b"
            return _send(h, 302, _page("Moved"), html, head_only, {"Location": target})
        if route.startswith("redirect-to/"):
            target = unquote(route.removeprefix("redirect-to/"))
            wanted = parse_qs(query).get("status", ["302"])[0]
            code = int(wanted) if wanted in ("301", "302", "303", "307", "308") else 302
            return _send(h, code, _page("Moved"), html, head_only, {"Location": target})
        if route.startswith("big/"):
            try:
                mib = max(0.0, min(float(MAX_BIG_MIB), float(route.removeprefix("big/"))))
            except ValueError:
                return _send(h, 400, _page("Bad size"), html, head_only)
            total = int(mib * 1024 * 1024)
            h.send_response(200)
            h.send_header("Content-Type", html)
            if "chunked" in parse_qs(query, keep_blank_values=True):
                h.send_header("Connection", "close")
                h.close_connection = True
            else:
                h.send_header("Content-Length", str(total))
            h.end_headers()
            if not head_only:
                _stream(h, total, stop)
            return 200
        if route == "gzip-bomb":
            extra = {"Content-Encoding": "gzip"}
            return _send(h, 200, gzip_bomb(), html, head_only, extra)
        if route == "binary-as-html":
            return _send(h, 200, random.Random(0).randbytes(8192), html, head_only)
        if route == "html-as-rss":
            body = _page("This is a web page, not a feed")
            return _send(h, 200, body, "application/rss+xml; charset=utf-8", head_only)
        if route == "close-mid-body":
            h.send_response(200)
            h.send_header("Content-Type", html)
            h.send_header("Content-Length", "100000")
            h.end_headers()
            if not head_only:
                h.wfile.write(b"<!DOCTYPE html><html><body><p>" + b"x" * 19970)
                h.wfile.flush()
                h.connection.shutdown(socket.SHUT_RDWR)
            h.close_connection = True
            return 200
    except (BrokenPipeError, ConnectionResetError):
        h.close_connection = True
        return 200
    return _send(h, 404, _page("No such fault"), html, head_only)

"""Downloader middlewares: what every request and response passes, whatever the spider.

- ``PrivateNetworkGuard`` (first): refuses URLs on loopback, private, link-local, metadata and
  other non-public addresses, redirects included (Scrapy sends redirected requests through the
  middlewares again). Names are resolved off the event loop. ``PublicOnlyResolver`` repeats the
  check on the address the connection actually uses, so a name that re-resolves to a private
  address between the check and the connect (DNS rebinding) is refused too.
- ``PolitenessMiddleware`` (in place of Scrapy's retry middleware): one request budget per
  registrable domain shared by every worker (``crawlers.politeness``), and retries of 429/503
  that wait for the server's ``Retry-After`` (Scrapy's own retry ignores it); the hold slows every
  source and article on that domain. Requests that would wait longer than ``max_wait`` are
  deferred (``HostDeferred``) to a later run instead of queueing.
- ``RobotsPolicy`` (in place of Scrapy's robots.txt middleware, which keeps a parser for the
  life of the crawler, and "allow all" for good after one failed fetch): a robots.txt is kept for
  ``WIREWATCH_ROBOTS_TTL`` (a day), a failed fetch for ``ROBOTS_RETRY`` only; a robots.txt that
  could not be asked for because the host is held defers the request instead of allowing it.
- ``BodyTypeCheck``: an article that is not HTML, or a listing that is an image or binary, is
  refused with one clear reason instead of reaching the parsers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.abstract import isIPAddress, isIPv6Address
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IHostnameResolver, IResolutionReceiver
from zope.interface import implementer

from crawlers.politeness import Budget, DomainGate, LocalGate, registrable_domain, retry_after_seconds
from crawlers.urls import DEFAULT_PORTS, host_is_private, is_public_address

log = logging.getLogger(__name__)
_CACHE_SECONDS = 300
_CACHE_MAX = 10_000
RETRY_AFTER_STATUSES = (429, 503)
ROBOTS_TTL = 86400.0  # RFC 9309: a robots.txt should not be cached for more than a day
ROBOTS_RETRY = 600.0  # a robots.txt that could not be fetched is asked for again after this


def _host_port(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        port = None
    return parts.scheme, host, port


def _exempt_key(entry: str) -> str:
    entry = entry.strip().lower()
    host, _, port = entry.rpartition(":")
    return f"{host.strip('[]').rstrip('.')}:{port}"


class PrivateNetworkGuard:
    """``exempt`` lists exact ``host:port`` pairs the guard lets through although they are
    private: tests only (``WIREWATCH_GUARD_EXEMPT_HOSTPORTS``, empty by default and not a
    wirewatch setting), to reach a first hop on loopback while everything after it is guarded."""

    def __init__(self, allow_private: bool, exempt: frozenset[str] = frozenset()) -> None:
        self.allow_private = allow_private
        self.exempt = frozenset(_exempt_key(e) for e in exempt)
        self._cache: dict[str, tuple[bool, float]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateNetworkGuard:
        allow = crawler.settings.getbool("WIREWATCH_ALLOW_PRIVATE_NETWORKS")
        install_resolver(allow)
        return cls(allow, frozenset(crawler.settings.getlist("WIREWATCH_GUARD_EXEMPT_HOSTPORTS")))

    async def _private(self, host: str) -> bool:
        now = time.monotonic()
        hit = self._cache.get(host)
        if hit and hit[1] > now:
            return hit[0]
        # getaddrinfo blocks: never on the event loop
        private = await asyncio.to_thread(host_is_private, host)
        if len(self._cache) >= _CACHE_MAX:
            self._cache.clear()
        self._cache[host] = (private, now + _CACHE_SECONDS)
        return private

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.allow_private:
            return
        scheme, host, port = _host_port(request.url)
        if scheme not in ("http", "https"):
            raise IgnoreRequest(f"refused {request.url}: only http and https are fetched")
        if f"{host}:{port}" in self.exempt:
            return
        if not host or await self._private(host):
            raise IgnoreRequest(
                f"refused {request.url}: {host or 'no host'} is a loopback/private/link-local/metadata address "
                "(set WIREWATCH_ALLOW_PRIVATE_NETWORKS=true to allow)"
            )


@implementer(IHostnameResolver)
class PublicOnlyResolver:
    """Wraps the reactor's name resolver: the non-public addresses of a name are dropped, so a
    connection only ever goes to a public one. IP literals pass: no DNS answer is involved, and
    ``PrivateNetworkGuard`` has judged them already."""

    def __init__(self, inner: Any, allow_private: bool) -> None:
        self.inner = inner
        self.allow_private = allow_private

    def resolveHostName(
        self, resolutionReceiver: Any, hostName: str, portNumber: int = 0,
        addressTypes: Any = None, transportSemantics: str = "TCP",
    ) -> Any:
        receiver = resolutionReceiver
        if not (self.allow_private or isIPAddress(hostName) or isIPv6Address(hostName)):
            receiver = _PublicAddressesOnly(resolutionReceiver, hostName)
        return self.inner.resolveHostName(receiver, hostName, portNumber, addressTypes, transportSemantics)


@implementer(IResolutionReceiver)
class _PublicAddressesOnly:
    def __init__(self, receiver: Any, name: str) -> None:
        self.receiver = receiver
        self.name = name

    def resolutionBegan(self, resolution: Any) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:
        host = str(getattr(address, "host", ""))
        if is_public_address(host):
            self.receiver.addressResolved(address)
        else:
            log.warning("refused %s: resolves to non-public address %s (DNS answer dropped)", self.name, host)

    def resolutionComplete(self) -> None:
        self.receiver.resolutionComplete()


def install_resolver(allow_private: bool) -> None:
    """Put a ``PublicOnlyResolver`` in front of the running reactor's name resolver (once: a
    later crawler in the same process only changes the flag)."""
    from scrapy.utils.reactor import is_reactor_installed

    if not is_reactor_installed():
        return
    from twisted.internet import reactor

    current = reactor.nameResolver
    inner = current.inner if isinstance(current, PublicOnlyResolver) else current
    reactor.installNameResolver(PublicOnlyResolver(inner, allow_private))


class HostDeferred(IgnoreRequest):
    """Not sent now: the domain is held (Retry-After) or its budget is spent for longer than we
    queue for. ``seconds`` is how long until it may be tried."""

    def __init__(self, message: str, seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds


class PolitenessMiddleware(RetryMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        s = crawler.settings
        self.budget = Budget(
            rate=s.getfloat("WIREWATCH_DOMAIN_RATE", 0.0),
            burst=max(1.0, s.getfloat("WIREWATCH_DOMAIN_BURST", 1.0)),
            max_wait=s.getfloat("WIREWATCH_POLITENESS_MAX_WAIT", 60.0),
        )
        self._local = LocalGate()
        self._shared_failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolitenessMiddleware:
        return cls(crawler)

    def _gate(self) -> DomainGate:
        backend = getattr(self.crawler.spider, "backend", None)
        shared: DomainGate | None = getattr(backend, "politeness_gate", None)
        return self._local if shared is None or self._shared_failed else shared

    def _call(self, what: str, *args: Any) -> Any:
        gate = self._gate()
        try:
            return getattr(gate, what)(*args)
        except Exception as exc:
            if gate is self._local:
                raise
            # Redis trouble must not stop the crawl: keep going with this process's own limits.
            log.warning("politeness store unavailable (%s): limiting this process only until restart", exc)
            self._shared_failed = True
            return getattr(self._local, what)(*args)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = urlsplit(request.url).hostname or ""
        domain = registrable_domain(host)
        # Scrapy's per-slot concurrency and AutoThrottle then work per service too.
        request.meta["download_slot"] = domain
        while True:
            admission = self._call("acquire", domain, self.budget)
            if admission.wait <= 0:
                return
            if admission.wait > self.budget.max_wait:
                why = "asked us to wait (Retry-After)" if admission.held else "has no request budget left"
                raise HostDeferred(
                    f"deferred {request.url}: {domain} {why} for {admission.wait:.0f}s more", admission.wait
                )
            await asyncio.sleep(admission.wait)
            if admission.reserved:
                return

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if response.status in RETRY_AFTER_STATUSES:
            seconds = retry_after_seconds(response.headers.get("Retry-After"))
            if seconds is not None:
                domain = registrable_domain(urlsplit(request.url).hostname or "")
                self._call("hold", domain, seconds)
                log.info("domain=%s status=%s url=%s Retry-After %.0fs: every request to %s waits",
                         domain, response.status, request.url, seconds, domain)
                if seconds > self.budget.max_wait:
                    return response  # retrying would only be deferred: the scheduler comes back later
        return super().process_response(request, response)


class RobotsPolicy(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.ttl = crawler.settings.getfloat("WIREWATCH_ROBOTS_TTL", ROBOTS_TTL)
        self._expires: dict[str, float] = {}
        self._held: dict[str, HostDeferred] = {}

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        expires = self._expires.get(netloc)
        if expires is not None and expires <= time.monotonic() and not isinstance(self._parsers.get(netloc), Deferred):
            del self._parsers[netloc], self._expires[netloc]
            self._held.pop(netloc, None)
        parser = await super().robot_parser(request)
        held = self._held.get(netloc)
        if netloc not in self._expires:
            self._expires[netloc] = time.monotonic() + (self.ttl if parser is not None else ROBOTS_RETRY)
        if parser is None and held is not None:
            raise HostDeferred(f"deferred {request.url}: its robots.txt could not be asked for ({held})",
                               held.seconds)
        return parser

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        super()._robots_error(exc, netloc)
        if isinstance(exc, HostDeferred):
            self._held[netloc] = exc
            self._expires[netloc] = 0.0  # ask again as soon as the next request comes


# -- what a body must look like ------------------------------------------------------------------

_BINARY_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"%PDF-", b"PK\x03\x04", b"\x00\x00\x01\x00",
    b"OggS", b"ID3", b"fLaC", b"wOFF", b"wOF2", b"7z\xbc\xaf", b"Rar!", b"\x1a\x45\xdf\xa3",
)
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_NOT_LISTING_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_VAGUE_TYPES = ("", "text/plain", "application/octet-stream", "binary/octet-stream")


def looks_binary(head: bytes) -> bool:
    """Whether the first bytes of a body are a binary format rather than text in any encoding
    we parse (UTF-8, legacy 8-bit, UTF-16 with or without a byte-order mark)."""
    if head.startswith(_TEXT_BOMS):
        return False
    if head.startswith(_BINARY_MAGIC) or (head[8:12] == b"WEBP" and head.startswith(b"RIFF")):
        return True
    sample = head[:1024]
    if not sample:
        return False
    if b"\x00" in sample:
        # UTF-16 without a BOM puts NUL in every other byte of ASCII markup; binary does not.
        evens, odds = sample[0::2], sample[1::2]
        return not (evens.count(0) > 0.8 * len(evens) or odds.count(0) > 0.8 * len(odds))
    # ESC (27) stays out: ISO-2022-JP text switches character sets with it
    controls = sum(1 for b in sample if (b < 0x20 and b not in (9, 10, 12, 13, 27)) or b == 0x7F)
    return controls > 0.05 * len(sample)


def _looks_html(head: bytes) -> bool:
    text = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")) or b"<html" in text


def body_problem(expect: str, content_type: str, head: bytes) -> str | None:
    """Why a 2xx body is not what the request is for (``expect``: "html" for an article page,
    "listing" for a feed, sitemap or section page), or None when it may be."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    shown = ctype or "none"
    if expect == "html":
        if ctype not in _HTML_TYPES and not (ctype in _VAGUE_TYPES and _looks_html(head)):
            return f"not an HTML page (Content-Type: {shown})"
        if looks_binary(head):
            return f"binary body served as {shown}"
        return None
    if ctype.startswith(_NOT_LISTING_TYPES):
        return f"not a feed, sitemap or page (Content-Type: {shown})"
    # gzip is how sitemaps travel (sitemap.xml.gz); the sitemap parser inflates it with a cap
    if not head.startswith(b"\x1f\x8b") and looks_binary(head):
        return f"binary body (Content-Type: {shown}), not a feed, sitemap or page"
    return None


class BodyTypeCheck:
    """Refuses 2xx bodies that are not what ``request.meta["wirewatch_expect"]`` asks for."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        expect = request.meta.get("wirewatch_expect")
        if expect and 200 <= response.status < 300:
            ctype = (response.headers.get("Content-Type") or b"").decode("latin-1")
            problem = body_problem(expect, ctype, response.body[:2048])
            if problem:
                raise IgnoreRequest(f"refused {response.url}: {problem}")
        return response

"""Downloader middleware: refuse requests to loopback, private, link-local or metadata addresses.

Redirects pass through here again (Scrapy reschedules redirected requests through the downloader
middlewares), so a public URL that redirects to 169.254.169.254 is refused too.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawlers.urls import host_is_private

log = logging.getLogger(__name__)
_CACHE_SECONDS = 300


class PrivateNetworkGuard:
    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._cache: dict[str, tuple[bool, float]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateNetworkGuard:
        return cls(crawler.settings.getbool("WIREWATCH_ALLOW_PRIVATE_NETWORKS"))

    def _private(self, host: str) -> bool:
        now = time.monotonic()
        hit = self._cache.get(host)
        if hit and hit[1] > now:
            return hit[0]
        private = host_is_private(host)
        self._cache[host] = (private, now + _CACHE_SECONDS)
        return private

    def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        if self.allow_private:
            return None
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise IgnoreRequest(f"refused {request.url}: only http and https are fetched")
        host = parts.hostname or ""
        if self._private(host):
            raise IgnoreRequest(
                f"refused {request.url}: {host} is a loopback/private/link-local address "
                "(set WIREWATCH_ALLOW_PRIVATE_NETWORKS=true to allow)"
            )
        return None

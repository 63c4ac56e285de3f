"""The long-lived spider: the scheduler submits source runs; it fetches listings (feeds,
sitemaps, section pages), then the new articles they link to, and yields ``ArticleItem``s.

It never closes by itself (the Twisted reactor cannot be restarted in one process): on idle it
raises ``DontCloseSpider`` until the daemon stops the crawler.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, DownloadCancelledError
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawlers.backend import ArticleItem, CrawlBackend, Validators
from crawlers.extract import ExtractOverrides
from crawlers.extract_pool import ExtractPool
from crawlers.feeds import parse_feed
from crawlers.fetch_failures import failure_label
from crawlers.middleware import HostDeferred
from crawlers.politeness import cache_hint_seconds, retry_after_seconds
from crawlers.runs import SourceRun
from crawlers.sitemaps import parse_sitemap
from crawlers.sources import Source
from crawlers.urls import canonicalize, clean_url, is_http_url, looks_like_article_url
from wirewatch import timing
from wirewatch.errors import InputError, StoreUnavailable
from wirewatch.models import FeedEntry

log = logging.getLogger(__name__)

LISTING_STATUSES = [304]


def _short(failure: Failure, max_bytes: int = 0) -> str:
    """One line for the log: ``HTTP 503`` or ``TimeoutError: ...``."""
    value = failure.value
    response = getattr(value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    text = str(value).strip().splitlines()[0] if str(value).strip() else ""
    if not text and isinstance(value, DownloadCancelledError) and max_bytes:
        # Scrapy cancels a body that outgrows the cap without saying so in the exception
        # (timeouts and refusals have their own types)
        text = f"cancelled mid-body: larger than download max size ({max_bytes})"
    return f"{type(value).__name__}: {text}" if text else type(value).__name__


def _count_failed(run: SourceRun, kind: str, failure: Failure) -> None:
    """Count a failed fetch by its HTTP status, or when no answer came by why (timeout, dns,
    refused, ...: ``crawlers.fetch_failures``); a request held back by a host's Retry-After was
    not sent: not a fetch."""
    if isinstance(failure.value, HostDeferred):
        return
    response = getattr(failure.value, "response", None)
    if response is not None:
        run.count_fetch(kind, response.status)
    else:
        run.count_fetch(kind, None, failure_label(failure.value) if failure.value is not None else "error")


def _http_time(value: bytes | None) -> float | None:
    try:
        return parsedate_to_datetime(value.decode("latin-1")).timestamp() if value else None
    except (TypeError, ValueError, IndexError):
        return None


def check_verdict(previous_hash: str, digest: str, last_modified: bytes | None, answered_304_at: float) -> str:
    """The verdict on a source's 304, from the unconditional fetch that followed it: "trusted"
    when the body is the one the validators stand for, or changed only after the 304 was
    given (its Last-Modified says so); "stale" when the server said 304 over a changed body."""
    if digest == previous_hash:
        return "trusted"
    changed_at = _http_time(last_modified)
    # Last-Modified has whole seconds: a change within the 304's second counts as after it
    if changed_at is not None and changed_at >= int(answered_304_at):
        return "trusted"
    return "stale"


FULL_TEXT_MIN_WORDS = 150
_TRUNCATED = re.compile(r"(\[(…|\.\.\.)\]|…\s*$|continue reading|read more|the post .{0,200} appeared first on)",
                        re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FeedText:
    """A feed entry that carries the whole article (``content:encoded``, Atom content, JSON Feed)."""

    entry: FeedEntry
    document: bytes


def full_text_document(entry: FeedEntry) -> bytes | None:
    """The entry's full text as an HTML document, when it looks like the whole article: long enough
    and not cut off with "[…]" or "Continue reading". Otherwise None: fetch the page."""
    if not entry.content:
        return None
    text = " ".join(re.sub(r"<[^>]+>", " ", entry.content).split())
    if len(text.split()) < FULL_TEXT_MIN_WORDS or _TRUNCATED.search(text[-300:]):
        return None
    title = html.escape(entry.title or "")
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{entry.content}</article></body></html>").encode()


class IngestSpider(Spider):
    name = "wirewatch"

    def __init__(self, backend: CrawlBackend, max_articles: int = 200, extract_workers: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.backend = backend
        self.max_articles = max_articles
        self.extractor = ExtractPool(extract_workers)
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> IngestSpider:
        kwargs.setdefault("max_articles", crawler.settings.getint("WIREWATCH_MAX_ARTICLES_PER_RUN", 200))
        kwargs.setdefault("extract_workers", crawler.settings.getint("WIREWATCH_EXTRACT_WORKERS", 0))
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        return spider

    async def start(self) -> Any:
        # No start requests: work arrives through submit().
        return
        yield  # pragma: no cover

    def _on_closed(self) -> None:
        self.extractor.close()

    def _on_idle(self) -> None:
        if not self.stopping:
            raise DontCloseSpider

    @property
    def _max_bytes(self) -> int:
        return self.crawler.settings.getint("DOWNLOAD_MAXSIZE")

    # -- work in
    def submit(self, run: SourceRun) -> None:
        """Start one run of ``run.source``; ``run.on_done`` fires when all its work has landed."""
        source = run.source
        v = self.backend.validators(source)
        now = time.time()
        headers = dict(source.headers)
        run.conditional = v.conditional(now)
        if run.conditional:
            if v.etag:
                headers["If-None-Match"] = v.etag
            if v.last_modified:
                headers["If-Modified-Since"] = v.last_modified
        run.begin()
        assert self.crawler.engine is not None
        self.crawler.engine.crawl(self._listing_request(run, headers, v, check=run.conditional and v.check_due(now)))

    def _listing_request(self, run: SourceRun, headers: dict[str, str], v: Validators, *, check: bool,
                         answered_304_at: float | None = None) -> Request:
        return Request(
            run.source.url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            headers=headers,
            dont_filter=True,
            priority=10,
            meta={"run": run, "listing": True, "handle_httpstatus_list": LISTING_STATUSES,
                  "validators": v, "check": check, "answered_304_at": answered_304_at,
                  "wirewatch_expect": "listing"},
        )

    # -- listings
    async def parse_listing(self, response: Response) -> AsyncIterator[Any]:
        run: SourceRun = response.meta["run"]
        try:
            run.fetched += 1
            run.count_fetch("listing", response.status)
            timing.add("fetch", float(response.meta.get("download_latency") or 0.0))
            for out in self._listing(response, run):
                if isinstance(out, FeedText):
                    out = await self._from_feed_text(run, out)
                yield out
        except (InputError, StoreUnavailable) as exc:
            run.error = f"{response.url}: {exc}"
        except Exception as exc:  # a bug must not kill the daemon: log it with its traceback
            log.exception("source=%s url=%s unexpected error parsing listing", run.source.name, response.url)
            run.error = f"{response.url}: internal error {type(exc).__name__}"
        finally:
            run.end()

    def _listing(self, response: Response, run: SourceRun) -> Iterator[Any]:
        source = run.source
        log.debug("source=%s url=%s status=%s fetched listing", source.name, response.url, response.status)
        meta = response.meta
        if meta.get("listing"):
            # 0: the server gave no hint (a full answer); None: not known (a 304 may omit it)
            hint = cache_hint_seconds(response.headers.get("Cache-Control"))
            run.poll_hint = hint if hint is not None or response.status == 304 else 0.0
        if response.status == 304:
            if meta.get("check"):
                # Now and then a 304 is confirmed: fetch in full and compare the body's hash.
                run.begin()
                yield self._listing_request(run, dict(source.headers), meta["validators"], check=False,
                                            answered_304_at=time.time())
                return
            run.not_modified = True
            return
        body = response.body
        digest = hashlib.sha1(body).hexdigest()
        if meta.get("listing"):
            v: Validators = meta["validators"]
            run.etag = (response.headers.get("ETag") or b"").decode("latin-1")
            run.last_modified = (response.headers.get("Last-Modified") or b"").decode("latin-1")
            run.body_hash = digest
            if meta.get("answered_304_at") is not None:
                run.validators_verdict = check_verdict(v.body_hash, digest, response.headers.get("Last-Modified"),
                                                       meta["answered_304_at"])
            if digest == v.body_hash:
                run.not_modified = True  # an unchanged body costs no parsing either
                return
        entries: list[FeedEntry]
        if source.kind == "feed":
            with timing.timed("parse"):
                feed = parse_feed(body, response.url)
            entries = list(feed.entries)
            if feed.ttl_seconds and meta.get("listing"):
                run.poll_hint = max(run.poll_hint or 0.0, float(feed.ttl_seconds))
        elif source.kind == "sitemap":
            with timing.timed("parse"):
                sitemap = parse_sitemap(body, response.url)
            for child in sitemap.sitemaps[:50]:
                if is_http_url(child):
                    run.begin()
                    yield Request(child, callback=self.parse_listing, errback=self.listing_failed,
                                  dont_filter=True, meta={"run": run, "wirewatch_expect": "listing"})
            entries = list(sitemap.entries)
        else:
            entries = self._site_links(response, source)
        entries = [e for e in entries if e.url and is_http_url(e.url) and source.url_allowed(e.url)]
        fresh = self.backend.unseen(source, entries)
        run.duplicates += len(entries) - len(fresh)
        for entry in fresh[: self.max_articles]:
            assert entry.url is not None
            document = full_text_document(entry)
            if document is not None:
                yield FeedText(entry, document)
                continue
            run.begin()
            yield Request(
                entry.url, callback=self.parse_article, errback=self.article_failed,
                meta={"run": run, "entry": entry, "wirewatch_expect": "html"},
            )

    def _site_links(self, response: Response, source: Source) -> list[FeedEntry]:
        if not isinstance(response, TextResponse):
            return []
        selector = source.follow or "a[href]"
        hrefs = response.css(f"{selector}::attr(href)").getall() if source.follow else response.css(
            "a::attr(href)"
        ).getall()
        base_host = urlsplit(response.url).hostname
        seen: set[str] = {canonicalize(source.url), canonicalize(response.url)}
        out = []
        for href in hrefs:
            try:
                url = clean_url(urljoin(response.url, href))
                if not is_http_url(url):
                    continue
                # other hosts only when the operator chose the links (a `follow` selector or `include`)
                if urlsplit(url).hostname != base_host and not (source.follow or source.include):
                    continue
            except ValueError:  # a malformed link (http://[::1, a bad port) costs only itself
                continue
            key = canonicalize(url)
            if key in seen:
                continue
            # without an explicit selector or URL pattern, follow only links that look like articles
            if not source.follow and not source.include and not looks_like_article_url(url):
                continue
            seen.add(key)
            out.append(FeedEntry(guid=key, url=url))
        return out

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        run: SourceRun = request.meta["run"]
        run.error = f"{request.url}: {_short(failure, self._max_bytes)}"
        response = getattr(failure.value, "response", None)
        _count_failed(run, "listing", failure)
        if response is not None:
            run.retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        elif isinstance(failure.value, HostDeferred):
            run.retry_after = failure.value.seconds
        run.end()

    # -- articles
    async def _from_feed_text(self, run: SourceRun, feed_text: FeedText) -> Any:
        """An article from the feed's own full text, without fetching the page; the page is fetched
        after all if the feed's copy turns out unusable."""
        entry = feed_text.entry
        assert entry.url is not None
        run.articles += 1
        try:
            extracted = await self.extractor.extract(feed_text.document, entry.url, None)
        except InputError:
            run.begin()
            return Request(entry.url, callback=self.parse_article, errback=self.article_failed,
                           meta={"run": run, "entry": entry, "wirewatch_expect": "html"})
        extracted = replace(
            extracted,
            title=entry.title or extracted.title,
            published=extracted.published or entry.published,
            authors=extracted.authors or entry.authors,
            canonical_url=extracted.canonical_url or entry.url,
        )
        run.begin()
        return ArticleItem(source=run.source, url=entry.url, extracted=extracted, entry=entry, run=run)

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        run: SourceRun = response.meta["run"]
        entry: FeedEntry | None = response.meta.get("entry")
        try:
            run.fetched += 1
            run.count_fetch("article", response.status)
            timing.add("fetch", float(response.meta.get("download_latency") or 0.0))
            run.articles += 1
            overrides = ExtractOverrides(**run.source.selectors) if run.source.selectors else None
            try:
                extracted = await self.extractor.extract(response.body, response.url, overrides)
            except InputError as exc:
                run.errors += 1
                run.empty += 1
                log.warning("source=%s url=%s extraction failed: %s", run.source.name, response.url, exc)
                return
            run.begin()
            yield ArticleItem(source=run.source, url=response.url, extracted=extracted, entry=entry, run=run)
        except Exception:
            run.errors += 1
            log.exception("source=%s url=%s unexpected error on article", run.source.name, response.url)
        finally:
            run.end()

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        run: SourceRun = request.meta["run"]
        run.errors += 1
        _count_failed(run, "article", failure)
        # Keep the listing's previous validators: saving this run's would make the next run a 304
        # (the feed is unchanged) and the failed page would never be asked for again.
        run.etag = run.last_modified = run.body_hash = None
        log.warning("source=%s url=%s fetch failed: %s", run.source.name, request.url,
                    _short(failure, self._max_bytes))
        run.end()

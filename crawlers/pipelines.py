"""Scrapy item pipeline that hands extracted articles to the spider's backend (dedupe + store)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from crawlers.backend import ArticleItem, CrawlBackend

log = logging.getLogger(__name__)


class BackendPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackendPipeline:
        return cls(crawler)

    @property
    def backend(self) -> CrawlBackend:
        # The backend holds live connections (not copyable into Scrapy settings): the spider is
        # constructed with it, and the pipeline finds it there.
        return self.crawler.spider.backend  # type: ignore[union-attr]

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        run = item.run
        try:
            result = self.backend.ingest(item)
            if result.status == "created":
                run.new += 1
            elif result.status == "joined":
                run.new += 1
                run.joined += 1
            elif result.status == "filtered":
                run.filtered += 1
            else:
                run.duplicates += 1
        except Exception as exc:
            run.errors += 1
            # Keep the listing's previous validators: saving this run's would make the next run a
            # 304 (or an unchanged body hash), and this article, never marked seen, would be lost.
            run.etag = run.last_modified = run.body_hash = None
            if getattr(exc, "retryable", False):  # the store is down: the run has not landed its work
                run.error = f"{item.url}: not stored ({exc})"
            log.error("source=%s url=%s not stored: %s", run.source.name, item.url, exc)
        finally:
            run.end()
        return item

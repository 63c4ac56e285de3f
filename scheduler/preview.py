"""``sources test NAME``: run one source once through the real crawler and extraction, and report
what would be stored (title, date, words, topics, duplicate-of), writing nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crawlers.backend import ArticleItem, IngestResult, Validators
from crawlers.runs import SourceRun
from crawlers.sources import Source
from crawlers.topics import TopicRule, match_topics
from dedupe import DedupeConfig, fingerprint
from storage.story_index import StoryIndex
from wirewatch.models import FeedEntry, iso
from wirewatch.settings import Settings


@dataclass(frozen=True, slots=True)
class PreviewRow:
    url: str
    title: str
    published: str | None
    words: int
    topics: tuple[str, ...]
    kept: bool
    duplicate_of: str | None


class PreviewBackend:
    def __init__(self, index: StoryIndex | None, dedupe: DedupeConfig, topics: Mapping[str, TopicRule]) -> None:
        self.index = index
        self.dedupe = dedupe
        self.topics = topics
        self.rows: list[PreviewRow] = []

    def validators(self, source: Source) -> Validators:
        return Validators()  # always a full fetch

    def unseen(self, source: Source, entries: Sequence[FeedEntry]) -> list[FeedEntry]:
        return list(entries)

    def ingest(self, item: ArticleItem) -> IngestResult:
        ex = item.extracted
        title = (ex.title or (item.entry.title if item.entry else None) or "").strip()
        topics = match_topics(self.topics, title, ex.text)
        src = item.source
        kept = not (src.topics and src.keep == "matching" and not set(topics) & set(src.topics))
        dup = None
        published = ex.published or (item.entry.published if item.entry else None)
        if self.index is not None:
            story, _ = self.index.peek(fingerprint(ex.text, title, self.dedupe), source=src.name,
                                       published=published.timestamp() if published else None)
            dup = story
        self.rows.append(PreviewRow(item.url, title, iso(published), len(ex.text.split()), topics, kept, dup))
        return IngestResult("created" if kept else "filtered")

    def run_finished(self, run: SourceRun) -> None:
        pass


async def preview_source(settings: Settings, source: Source, backend: PreviewBackend) -> SourceRun:
    from scrapy import signals
    from scrapy.crawler import AsyncCrawlerRunner

    from crawlers.scrapy_config import scrapy_settings
    from crawlers.spiders import IngestSpider

    loop = asyncio.get_running_loop()
    runner = AsyncCrawlerRunner(scrapy_settings(settings))
    crawler = runner.create_crawler(IngestSpider)
    opened: asyncio.Future[Any] = loop.create_future()
    def on_opened(spider: Any) -> None:  # a named function: Scrapy's signals hold receivers weakly
        if not opened.done():
            opened.set_result(spider)

    crawler.signals.connect(on_opened, signal=signals.spider_opened)
    task = runner.crawl(crawler, backend=backend)
    await asyncio.wait([opened, task], return_when=asyncio.FIRST_COMPLETED)
    spider = opened.result()
    done: asyncio.Future[SourceRun] = loop.create_future()
    def finished(run: SourceRun) -> None:
        if not done.done():
            done.set_result(run)

    run = SourceRun(source=source, on_done=finished)
    spider.submit(run)
    try:
        return await done
    finally:
        spider.stopping = True
        await crawler.stop_async()

"""The daemon: one asyncio event loop (Twisted's asyncio reactor) runs Scrapy and APScheduler.

APScheduler holds one job per source (interval from ``every`` with jitter, or ``cron``), with
``max_instances=1`` (a source never overlaps itself: the job awaits its run), ``coalesce`` and a
misfire grace time. A job submits a run to the long-lived spider and waits for it to land. Next-run
times go to Redis so a restart neither refetches everything at once nor forgets a due source.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from crawlers.runs import SourceRun
from crawlers.sources import Source, SourcesConfig
from storage.connection import Store
from storage.keys import HEARTBEAT_TTL
from storage.source_state import load_states
from wirewatch.settings import Settings

log = logging.getLogger(__name__)

FIRST_RUN_SPREAD = 30.0  # seconds over which due sources are spread after a start


@dataclass
class RunSummary:
    runs: list[SourceRun] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.runs if not r.ok)

    @property
    def new(self) -> int:
        return sum(r.new for r in self.runs)


class Daemon:
    def __init__(self, settings: Settings, sources: SourcesConfig, store: Store, dedupe: Any) -> None:
        self.settings = settings
        self.sources = sources
        self.store = store
        self.dedupe = dedupe
        self.instance = f"{socket.gethostname()}:{os.getpid()}"
        self.summary = RunSummary()
        self._stop = asyncio.Event()
        self._inflight: set[asyncio.Future[SourceRun]] = set()
        self.spider: Any = None
        self.crawler: Any = None

    # -- reporting
    def _on_run(self, run: SourceRun) -> None:
        self.summary.runs.append(run)
        if run.ok:
            log.info("%s", run.summary())
        else:
            log.warning("%s", run.summary())

    # -- one source run
    async def run_source(self, source: Source) -> SourceRun:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[SourceRun] = loop.create_future()

        def finished(run: SourceRun) -> None:
            self.crawler.settings.get("WIREWATCH_BACKEND").run_finished(run)
            if not done.done():
                done.set_result(run)

        run = SourceRun(source=source, on_done=finished)
        self._inflight.add(done)
        try:
            self.spider.submit(run)
            return await done
        finally:
            self._inflight.discard(done)

    async def _job(self, name: str) -> None:
        source = self.sources.get(name)
        if source is None or not source.enabled or self._stop.is_set():
            return
        try:
            await self.run_source(source)
        except Exception:
            log.exception("source=%s run failed unexpectedly", name)

    # -- lifecycle
    async def start_crawler(self) -> None:
        from scrapy.crawler import AsyncCrawlerRunner

        from crawlers.scrapy_config import scrapy_settings
        from crawlers.spiders import IngestSpider
        from scheduler.backend import StoreBackend

        backend = StoreBackend(
            self.store, self.dedupe, self.sources.topics,
            event_maxlen=self.settings.event_stream_maxlen, on_run=self._on_run,
        )
        runner = AsyncCrawlerRunner(scrapy_settings(self.settings, backend))
        self.crawler = runner.create_crawler(IngestSpider)
        self._crawl_task = runner.crawl(self.crawler)
        for _ in range(200):  # the spider exists once the engine has opened it
            if getattr(self.crawler, "spider", None) is not None and self.crawler.engine is not None \
                    and self.crawler.engine.running:
                break
            await asyncio.sleep(0.01)
        self.spider = self.crawler.spider

    async def stop_crawler(self) -> None:
        if self.spider is not None:
            self.spider.stopping = True
        if self.crawler is not None and self.crawler.crawling:
            await self.crawler.stop_async()

    async def _heartbeat(self) -> None:
        k = self.store.keys
        while not self._stop.is_set():
            try:
                self.store.text.set(
                    k.heartbeat(self.instance),
                    f"{time.time():.0f} sources={len(self.sources.sources)} inflight={len(self._inflight)}",
                    ex=HEARTBEAT_TTL,
                )
            except Exception as exc:
                log.warning("heartbeat not written: %s", exc)
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=HEARTBEAT_TTL / 3)
            except TimeoutError:
                pass

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, self.request_stop, sig.name)
            except (NotImplementedError, RuntimeError):  # pragma: no cover - non-main thread
                pass

    def request_stop(self, why: str = "stop") -> None:
        if not self._stop.is_set():
            log.info("%s received: finishing in-flight work (at most %.0fs), then exiting", why,
                     self.settings.drain_seconds)
            self._stop.set()

    async def _drain(self) -> None:
        if self._inflight:
            _, pending = await asyncio.wait(set(self._inflight), timeout=self.settings.drain_seconds)
            if pending:
                log.warning("%d source run(s) did not finish within %.0fs; they will be retried next time",
                            len(pending), self.settings.drain_seconds)

    async def run_once(self) -> RunSummary:
        self._stop = asyncio.Event()
        self._install_signals()
        await self.start_crawler()
        try:
            enabled = [s for s in self.sources.sources if s.enabled]
            log.info("one pass over %d source(s)", len(enabled))
            tasks = [asyncio.ensure_future(self.run_source(s)) for s in enabled]
            stop_wait = asyncio.ensure_future(self._stop.wait())
            await asyncio.wait([*tasks, stop_wait], return_when=asyncio.FIRST_COMPLETED)
            while not all(t.done() for t in tasks) and not self._stop.is_set():
                await asyncio.wait([*tasks, stop_wait], return_when=asyncio.FIRST_COMPLETED)
            if self._stop.is_set():
                await self._drain()
            stop_wait.cancel()
        finally:
            await self.stop_crawler()
        return self.summary

    async def run_forever(self) -> RunSummary:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self._stop = asyncio.Event()
        self._install_signals()
        await self.start_crawler()
        scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=UTC)
        self._add_jobs(scheduler)
        scheduler.start()
        heartbeat = asyncio.ensure_future(self._heartbeat())
        log.info("daemon %s running %d source(s); Ctrl-C or SIGTERM stops it", self.instance,
                 len(scheduler.get_jobs()))
        try:
            await self._stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            await self._drain()
            await self.stop_crawler()
            heartbeat.cancel()
            try:
                self.store.text.delete(self.store.keys.heartbeat(self.instance))
            except Exception:
                pass
        return self.summary

    def _add_jobs(self, scheduler: Any) -> None:
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        names = [s.name for s in self.sources.sources if s.enabled]
        states = load_states(self.store, names) if names else {}
        now = time.time()
        for i, source in enumerate(s for s in self.sources.sources if s.enabled):
            state = states.get(source.name)
            due = state.next_run if state and state.next_run else now
            # spread the first runs so a restart does not hit every outlet at the same moment
            first = max(due, now) + random.uniform(0, min(FIRST_RUN_SPREAD, source.every / 2)) * (i > 0)
            trigger: Any
            if source.cron:
                trigger = CronTrigger.from_crontab(source.cron, timezone=UTC)
                first_run = None
            else:
                trigger = IntervalTrigger(seconds=source.every, jitter=min(source.every * 0.1, 60))
                first_run = datetime.fromtimestamp(first, tz=UTC)
            scheduler.add_job(
                self._job, trigger, args=[source.name], id=source.name, name=source.name,
                max_instances=1, coalesce=True, misfire_grace_time=max(30, source.every // 2),
                next_run_time=first_run or datetime.now(UTC) + timedelta(seconds=1),
            )

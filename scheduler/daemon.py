"""The daemon: one asyncio event loop (Twisted's asyncio reactor) runs Scrapy and APScheduler.

Scheduling is data (see docs/decisions.md): each source's next run time lives in the Redis sorted
set ``sources:due``. APScheduler runs a few jobs on the crawler's loop, each with
``max_instances=1``, ``coalesce`` and a misfire grace time:

- ``tick`` (leader only): hot-reloads the sources file when it changed, keeps the due set in step
  with it, and moves due sources into the shared work queue (a Redis Stream);
- ``work`` (every instance): claims queued runs up to its capacity, hands them to the long-lived
  spider, and acknowledges each when its articles have landed; keeps in-flight entries fresh;
- ``beat`` (every instance): the heartbeat key and the scheduler lock (TTL + renewal);
- ``retain`` (leader only, unless ``daemon_sweep`` is off): the retention sweep when one is due.

Several instances share one Redis: one leads, all crawl. A standby takes the lock within
``LEADER_TTL`` seconds of the leader's death; runs a dead worker had claimed are taken over after
``QUEUE_VISIBILITY`` seconds (at-least-once; "seen" checks make a repeat run store nothing twice).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import socket
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC
from pathlib import Path
from typing import Any

import redis

from crawlers.runs import SourceRun
from crawlers.sources import Source, SourcesConfig, load_sources, source_from_json, source_to_json
from scheduler.backend import next_cron_time
from scheduler.outage import Outage
from storage import heartbeats
from storage.connection import Store, ensure_schema
from storage.keys import HEARTBEAT_TTL
from storage.retention import (
    SWEEP_CHECK_SECONDS,
    SWEEP_LOCK_SECONDS,
    RetentionPolicy,
    SweepInterrupted,
    claim_sweep,
    sweep,
)
from storage.source_state import load_states
from storage.work_queue import Claimed, Leader, WorkQueue
from wirewatch.errors import ConfigError, StoreUnavailable
from wirewatch.settings import Settings

log = logging.getLogger(__name__)

FIRST_RUN_SPREAD = 30.0  # new sources' first runs are spread over this many seconds
LEASE = 900.0  # a dispatched source is not dispatched again for this long unless its run ends
# After the drain, how long the crawler may take to close its downloads and connections.
CRAWLER_STOP_SECONDS = 5.0
# At a stop, a sweep in progress ends at its next batch (one script call): wait this long for it.
SWEEP_STOP_SECONDS = 5.0
_STORE_ERRORS = (redis.RedisError, StoreUnavailable)


def _schedule(source: Source) -> tuple[Any, ...]:
    """What decides when a source runs: a change of it may bring the next run forward."""
    return source.every, source.cron, source.min_every, source.max_every


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
    def __init__(
        self, settings: Settings, sources: SourcesConfig, store: Store, dedupe: Any, *, capacity: int | None = None
    ) -> None:
        self.settings = settings
        self.sources = sources
        self.store = store
        self.dedupe = dedupe
        self.instance = f"{socket.gethostname()}:{os.getpid()}"
        self.summary = RunSummary()
        self.capacity = capacity or max(1, settings.concurrency // 2)
        self.queue = WorkQueue(store, self.instance, visibility=settings.queue_visibility)
        self.leader = Leader(store, self.instance)
        self.is_leader = False
        self._inflight: dict[str, tuple[Claimed, asyncio.Future[SourceRun]]] = {}
        self._acked: set[str] = set()  # entries the run's own state write acknowledged
        self._sources_mtime = self._mtime()
        self._reload_requested = False
        self.spider: Any = None
        self.crawler: Any = None
        self.backend: Any = None
        self._stop = asyncio.Event()
        self._payload: dict[str, dict[str, Any]] = {}
        self._payload_for: SourcesConfig | None = None
        self.outage = Outage()  # the scheduler jobs pause together while Redis is away
        self._sweeper: threading.Thread | None = None
        self._sweep_stop = threading.Event()  # read by the sweep thread between batches

    # -- reporting
    def _on_run(self, run: SourceRun) -> None:
        self.summary.runs.append(run)
        if run.ok:
            log.info("%s", run.summary())
        else:
            log.warning("%s", run.summary())

    # -- one source run
    async def run_source(self, source: Source, *, entry_id: str | None = None) -> SourceRun:
        """Run ``source`` once; its queue entry ``entry_id`` is acknowledged by the write that
        records the run (one round trip for both)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[SourceRun] = loop.create_future()

        def finished(run: SourceRun) -> None:
            if self.backend.finish(run, ack=entry_id) and entry_id is not None:
                self._acked.add(entry_id)
            if not done.done():
                done.set_result(run)

        run = SourceRun(source=source, on_done=finished)
        self.spider.submit(run)
        return await done

    # -- crawler lifecycle
    async def start_crawler(self, *, only_if_present: bool) -> None:
        from scrapy.crawler import AsyncCrawlerRunner

        from crawlers.scrapy_config import scrapy_settings
        from crawlers.spiders import IngestSpider
        from scheduler.backend import StoreBackend

        self.backend = StoreBackend(
            self.store, self.dedupe, self.sources.topics, event_maxlen=self.settings.event_stream_maxlen,
            on_run=self._on_run, only_if_present=only_if_present, pause_after=self.settings.pause_after,
        )
        from scrapy import signals

        runner = AsyncCrawlerRunner(scrapy_settings(self.settings))
        self.crawler = runner.create_crawler(IngestSpider)
        opened = asyncio.get_running_loop().create_future()

        def on_opened(spider: Any) -> None:
            if not opened.done():
                opened.set_result(spider)

        self.crawler.signals.connect(on_opened, signal=signals.spider_opened)
        self._crawl_task = runner.crawl(self.crawler, backend=self.backend)
        done, _ = await asyncio.wait([opened, self._crawl_task], return_when=asyncio.FIRST_COMPLETED)
        if opened not in done:
            self._crawl_task.result()  # raises what stopped the crawler from starting
            raise RuntimeError("the crawler stopped before it opened")
        self.spider = opened.result()

    async def stop_crawler(self) -> None:
        if self.spider is not None:
            self.spider.stopping = True
        if self.crawler is not None and self.crawler.crawling:
            # Scrapy's stop waits for the downloads in flight (up to the download timeout): after
            # the drain they are abandoned work, so the stop is bounded and the exit is prompt
            try:
                await asyncio.wait_for(self.crawler.stop_async(), timeout=CRAWLER_STOP_SECONDS)
            except TimeoutError:
                log.warning("crawler did not stop within %gs; downloads still in flight are abandoned",
                            CRAWLER_STOP_SECONDS)

    # -- signals
    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, self.request_stop, sig.name)
            except (NotImplementedError, RuntimeError):  # pragma: no cover - not the main thread
                pass
        try:
            loop.add_signal_handler(signal.SIGHUP, self.request_reload)
        except (NotImplementedError, RuntimeError, AttributeError):  # pragma: no cover
            pass

    def request_stop(self, why: str = "stop") -> None:
        if not self._stop.is_set():
            log.info("%s received: no new work; finishing in-flight runs (at most %.0fs), then exiting", why,
                     self.settings.drain_seconds + CRAWLER_STOP_SECONDS)
            self._stop.set()
            self._sweep_stop.set()  # a sweep in progress ends at its next batch meanwhile

    def request_reload(self) -> None:
        log.info("SIGHUP received: reloading %s", self.sources.path)
        self._reload_requested = True

    # -- hot reload
    def _mtime(self) -> float | None:
        try:
            return Path(self.sources.path).stat().st_mtime
        except OSError:
            return None

    def maybe_reload(self) -> bool:
        mtime = self._mtime()
        if not self._reload_requested and mtime == self._sources_mtime:
            return False
        self._reload_requested = False
        self._sources_mtime = mtime
        try:
            fresh = load_sources(self.sources.path)
        except ConfigError as exc:
            log.error("sources file rejected, keeping the running config: %s", exc)
            return False
        if not fresh.sources and self.sources.sources:
            # an editor or a deploy tool that truncates before it writes: taken as it stands, it
            # would drop every source's next-run time and refetch them all when the file is back
            log.error("sources file %s lists no source (a save in progress?); keeping the running config",
                      self.sources.path)
            return False
        old = {s.name: s for s in self.sources.sources}
        new = {s.name: s for s in fresh.sources}
        added = sorted(set(new) - set(old))
        removed = sorted(set(old) - set(new))
        # what the entry says, not where: a line added above an entry changes its line number only
        changed = sorted(n for n in set(new) & set(old) if replace(new[n], line=None) != replace(old[n], line=None))
        rescheduled = sorted(n for n in changed if _schedule(new[n]) != _schedule(old[n]))
        self.sources = fresh
        if self.backend is not None:
            self.backend.topics = dict(fresh.topics)
        log.info("sources reloaded: %d added %s, %d removed %s, %d changed %s", len(added), added,
                 len(removed), removed, len(changed), changed)
        self.sync_due(changed=rescheduled)
        return True

    def sync_due(self, *, changed: list[str] = ()) -> None:  # type: ignore[assignment]
        """Keep the due set in step with the config: new sources get a first run soon (spread; a
        cron source at its next fire time), removed or disabled ones leave, and a source whose
        schedule changed (``changed``) is not left waiting past its new interval, unless it is
        paused or running (its run sets the next time). Existing next-run times are kept, so a
        restart neither refetches all nor forgets one."""
        now = time.time()
        key = self.store.keys.sources_due
        current = dict(self.store.text.zrange(key, 0, -1, withscores=True))
        enabled = {s.name: s for s in self.sources.sources if s.enabled}
        pulled = [n for n in changed if n in enabled and n in current]
        states = load_states(self.store, pulled) if pulled else {}
        pipe = self.store.text.pipeline(transaction=False)
        for name in set(current) - set(enabled):
            pipe.zrem(key, name)
        for i, (name, source) in enumerate(sorted(enabled.items())):
            if name not in current:
                first = next_cron_time(source.cron, now) if source.cron else None
                spread = random.uniform(0, min(FIRST_RUN_SPREAD, source.every / 2)) if i else 0.0
                pipe.zadd(key, {name: first or now + spread}, nx=True)
            elif name in states and not states[name].paused and not states[name].running:
                due = next_cron_time(source.cron, now) if source.cron else None
                if due is None and current[name] > now + source.every:
                    due = now + random.uniform(0, min(FIRST_RUN_SPREAD, source.every / 2))
                if due is not None:
                    pipe.zadd(key, {name: due})
        pipe.execute()

    # -- the jobs
    def _jobs_payload(self) -> dict[str, dict[str, Any]]:
        # built once per config (the tick runs every second; at 10,000 sources rebuilding it
        # was most of the scheduler's CPU: bench/README.md, Scheduler)
        if self._payload_for is not self.sources:
            self._payload = {s.name: source_to_json(s) for s in self.sources.sources if s.enabled}
            self._payload_for = self.sources
        return self._payload

    async def tick(self) -> None:
        if self._stop.is_set() or not self.outage.ready(time.time()):
            return
        try:
            self.maybe_reload()
            if not self.is_leader:
                return
            sent = self.queue.dispatch_due(time.time(), self._jobs_payload(), lease=LEASE)
            if sent:
                log.debug("dispatched %d due source(s): %s", len(sent), ", ".join(sent[:10]))
        except _STORE_ERRORS as exc:
            self.outage.failed(time.time(), exc)
        except Exception as exc:
            log.warning("scheduler tick failed (will retry): %s", exc)
        else:
            self.outage.succeeded(time.time())

    async def work(self) -> None:
        if self._stop.is_set() or not self.outage.ready(time.time()):
            return
        try:
            room = self.capacity - len(self._inflight)
            for claimed in self.queue.claim(room):
                self._start(claimed)
            self.queue.touch([c.entry_id for c, _ in self._inflight.values()])
        except _STORE_ERRORS as exc:
            self.outage.failed(time.time(), exc)
        except Exception as exc:
            log.warning("work queue unavailable (will retry): %s", exc)
        else:
            self.outage.succeeded(time.time())

    def _start(self, claimed: Claimed) -> None:
        try:
            source = source_from_json(claimed.job)
        except (KeyError, TypeError, ValueError) as exc:
            log.error("dropping malformed queued job %s: %s", claimed.entry_id, exc)
            self.queue.ack(claimed.entry_id)
            return
        task = asyncio.ensure_future(self.run_source(source, entry_id=claimed.entry_id))
        self._inflight[claimed.entry_id] = (claimed, task)

        def landed(t: asyncio.Future[SourceRun]) -> None:
            self._inflight.pop(claimed.entry_id, None)
            if claimed.entry_id in self._acked:
                self._acked.discard(claimed.entry_id)
                return
            if t.cancelled():
                return
            if t.exception() is not None:
                log.error("source=%s run crashed: %s", source.name, t.exception())
            try:
                self.queue.ack(claimed.entry_id)
            except Exception as exc:
                log.warning("source=%s run landed but its queue entry was not acknowledged (%s); "
                            "it will run again, storing nothing twice", source.name, exc)

        task.add_done_callback(landed)
        # a finished run frees a slot: claim the next one now rather than at the next tick
        task.add_done_callback(lambda _: self._stop.is_set() or asyncio.ensure_future(self.work()))

    async def retain(self) -> None:
        """Leader only, when ``daemon_sweep``: the retention sweep, when none ran for
        ``retention_interval`` anywhere (storage.retention.claim_sweep). It runs in a thread of its
        own, so a long deep sweep does not hold the event loop; a stop ends it at its next batch
        (``SweepClaim.checkpoint``), and one cut short is safe (each batch is one script)."""
        if not (self.settings.daemon_sweep and self.is_leader) or self._stop.is_set() or self._sweep_stop.is_set():
            return
        if self._sweeper is not None and self._sweeper.is_alive():
            return
        try:
            claim = claim_sweep(self.store, self.settings.retention_interval, stop=self._sweep_stop)
        except _STORE_ERRORS:
            return  # the outage is reported by the beat
        if claim is None:
            return
        policy = RetentionPolicy.from_settings(self.settings, self.dedupe)
        interval = self.settings.retention_interval

        def run() -> None:
            try:
                sweep(self.store, policy, deep=claim.deep, checkpoint=claim.checkpoint)  # logs its own summary
            except SweepInterrupted as exc:
                log.info("retention sweep stopped part-way (%s); the next one carries on", exc)
            except Exception as exc:
                if claim.failed(exc):
                    log.warning("retention sweep failed (retried in %gs): %s", interval, exc)
                else:
                    log.warning("retention sweep failed (retried when its claim lapses, within %ds): %s",
                                SWEEP_LOCK_SECONDS, exc)
            finally:
                claim.release()

        # a daemon thread all the same: a sweep blocked on a dead Redis must not hold the exit
        self._sweeper = threading.Thread(target=run, name="retention-sweep", daemon=True)
        self._sweeper.start()

    async def _stop_sweeper(self) -> None:
        """Ask a running sweep to stop and wait for it, so its claim is released and no thread
        still talks to Redis when the store closes (an embedded server saves on its last close)."""
        self._sweep_stop.set()
        sweeper = self._sweeper
        if sweeper is None or not sweeper.is_alive():
            return
        await asyncio.to_thread(sweeper.join, SWEEP_STOP_SECONDS)
        if sweeper.is_alive():
            log.warning("retention sweep did not stop within %gs; abandoned (its claim lapses by itself)",
                        SWEEP_STOP_SECONDS)

    async def beat(self) -> None:
        if not self.outage.ready(time.time()):
            self.is_leader = False  # the lock cannot be renewed meanwhile: act as a worker
            return
        try:
            was = self.is_leader
            self.is_leader = False if self._stop.is_set() else self.leader.acquire_or_renew()
            if self.is_leader and not was:
                log.info("this instance (%s) now holds the scheduler lock", self.instance)
                ensure_schema(self.store)  # the lock may have gone with an emptied Redis
                self.sync_due()
            elif self.is_leader and self.leader.acquired:
                # still leader, but the lock had gone: Redis restarted without its data (or the lock
                # expired while this process stalled); the due set may be gone too
                log.warning("scheduler lock re-acquired (Redis lost it): re-syncing the due set")
                ensure_schema(self.store)  # an emptied Redis lost the schema stamp too
                self.sync_due()
            elif was and not self.is_leader:
                log.info("this instance (%s) no longer holds the scheduler lock", self.instance)
            waiting, pending = self.queue.depth()
            role = "leader" if self.is_leader else "worker"
            heartbeats.beat(
                self.store, self.instance,
                f"{time.time():.0f} {role} inflight={len(self._inflight)} queued={waiting} pending={pending}",
            )
        except _STORE_ERRORS as exc:
            self.is_leader = False
            self.outage.failed(time.time(), exc)
        except Exception as exc:
            self.is_leader = False
            log.warning("heartbeat/lock not renewed: %s", exc)
        else:
            self.outage.succeeded(time.time())

    async def _drain(self) -> None:
        if not self._inflight:
            return
        tasks = [t for _, t in self._inflight.values()]
        _, pending = await asyncio.wait(tasks, timeout=self.settings.drain_seconds)
        for entry_id, (claimed, task) in list(self._inflight.items()):
            if task in pending:
                try:
                    self.queue.put_back(claimed)
                    log.warning("source=%s did not finish within %.0fs: put back on the queue",
                                claimed.job.get("name"), self.settings.drain_seconds)
                except Exception as exc:
                    log.warning("source=%s not put back (%s): another instance takes it over after the "
                                "visibility timeout", claimed.job.get("name"), exc)
                task.cancel()
                self._inflight.pop(entry_id, None)

    # -- entry points
    async def run_once(self) -> RunSummary:
        """One pass over every enabled source in this process (no queue), then return."""
        self._install_signals()
        await self.start_crawler(only_if_present=False)
        try:
            enabled = [s for s in self.sources.sources if s.enabled]
            log.info("one pass over %d source(s)", len(enabled))
            tasks = [asyncio.ensure_future(self.run_source(s)) for s in enabled]
            stop_wait = asyncio.ensure_future(self._stop.wait())
            while tasks and not all(t.done() for t in tasks) and not self._stop.is_set():
                await asyncio.wait([*tasks, stop_wait], return_when=asyncio.FIRST_COMPLETED)
            if self._stop.is_set():
                _, pending = await asyncio.wait(tasks, timeout=self.settings.drain_seconds) if tasks else ((), ())
                for t in pending:
                    t.cancel()
            stop_wait.cancel()
        finally:
            await self.stop_crawler()
        return self.summary

    async def run_forever(self) -> RunSummary:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self._install_signals()
        self.queue.ensure_group()
        await self.start_crawler(only_if_present=True)
        scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=UTC)
        every = self.settings.tick_seconds
        opts = {"trigger": "interval", "max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
        scheduler.add_job(self.beat, seconds=max(1.0, HEARTBEAT_TTL / 10), id="beat", **opts)
        scheduler.add_job(self.tick, seconds=every, id="tick", **opts)
        scheduler.add_job(self.work, seconds=every, id="work", **opts)
        scheduler.add_job(self.retain, seconds=min(self.settings.retention_interval, SWEEP_CHECK_SECONDS),
                          id="retain", **opts)
        await self.beat()
        scheduler.start()
        log.info("daemon %s started: %d source(s), up to %d concurrent run(s); Ctrl-C or SIGTERM stops it",
                 self.instance, len(self.sources.sources), self.capacity)
        try:
            await self._stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            try:
                await self._drain()
                await self.stop_crawler()
            finally:
                await self._stop_sweeper()  # it was asked to stop at the signal: it ended meanwhile
            try:
                if self.is_leader:
                    self.leader.release()
                heartbeats.forget(self.store, self.instance)
            except Exception:
                pass
            log.info("daemon %s stopped", self.instance)
        return self.summary

"""Article extraction off the event loop, in worker processes.

Extraction is the CPU-heavy stage (about 90% of the crawler's CPU time, bench/pipeline.py): run
inline it blocks the event loop that also drives downloads and scheduling, and uses one core.
Worker processes (``spawn``: the parent runs threads and a reactor, so no ``fork``) extract in
parallel; each is recycled after ``max_tasks`` pages so a slow leak in a parser stays bounded, and a
page that takes longer than ``timeout`` seconds gets an ``ExtractionError`` and a fresh pool (the
stuck worker is killed). ``workers=0`` extracts inline (tests, one-shot commands).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawlers.extract import ExtractOverrides, extract_article
from wirewatch import timing
from wirewatch.errors import ExtractionError
from wirewatch.models import ExtractedArticle

log = logging.getLogger(__name__)


class ExtractPool:
    def __init__(self, workers: int, *, timeout: float = 60.0, max_tasks: int = 500) -> None:
        self.workers = workers
        self.timeout = timeout
        self.max_tasks = max_tasks
        self._pool: ProcessPoolExecutor | None = None
        self._closed: ProcessPoolExecutor | None = None  # the pool close() stopped, if it had work

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                max_tasks_per_child=self.max_tasks, initializer=_worker_init, initargs=(os.getpid(),),
            )
        return self._pool

    def _reset(self, pool: ProcessPoolExecutor | None, kill: bool) -> None:
        # Every extraction in flight on a killed pool fails with BrokenProcessPool; only the first
        # may reset, or each would kill the fresh pool's workers too, maybe in the middle of a result.
        if pool is None or pool is not self._pool:
            return
        self._pool = None
        if kill:
            _kill(pool)
        else:
            pool.shutdown(wait=False, cancel_futures=True)

    async def extract(self, body: bytes, url: str | None, overrides: ExtractOverrides | None) -> ExtractedArticle:
        if self.workers <= 0:
            with timing.timed("extract"):
                return extract_article(body, url, overrides=overrides)
        loop = asyncio.get_running_loop()
        pool = self._executor()
        try:
            future = loop.run_in_executor(pool, _extract, body, url, overrides)
            article, seconds = await asyncio.wait_for(future, self.timeout)
            timing.add("extract", seconds)  # the worker's own time, not the wait
            return article
        except TimeoutError:
            log.warning("url=%s extraction took over %.0fs: abandoned, workers restarted", url, self.timeout)
            self._reset(pool, kill=True)
            raise ExtractionError(f"extraction took over {self.timeout:.0f}s") from None
        except BrokenProcessPool:
            if pool is self._closed:  # close() stopped it under us: the daemon is stopping
                raise ExtractionError("extraction abandoned: the extraction workers were stopped") from None
            log.warning("url=%s an extraction worker died: workers restarted", url)
            self._reset(pool, kill=True)
            raise ExtractionError("the extraction worker died on this page") from None

    def close(self) -> None:
        """Stop the workers. Idle ones exit on their own; busy ones are killed, since nobody will
        read their results: left running, a long extraction would keep the executor's thread, and
        so the process, alive after the daemon is done."""
        pool = self._pool
        busy = pool is not None and bool(getattr(pool, "_pending_work_items", None))
        if busy:
            self._closed = pool
        self._reset(pool, kill=busy)


def _kill(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and let its manager thread finish (CPython 3.11's
    concurrent/futures/process.py).

    That thread reads results from one pipe. A worker killed while sending a result leaves half a
    message there, and the thread's ``recv()`` waits for the rest for as long as any process holds
    the pipe's write end open: this one does, so it would wait forever. Since 3.9 the thread is not
    a daemon and interpreter shutdown joins it, so the daemon would never exit. Closing our copy of
    the write end turns that wait into end-of-file once the workers are dead: the thread marks the
    pool broken (its futures are abandoned already), reaps the workers and returns.
    """
    # The manager thread shares this dict and shutdown() drops the pool's references to it and
    # to the result queue, so take both first.
    processes = getattr(pool, "_processes", None) or {}
    result_queue = getattr(pool, "_result_queue", None)
    for proc in list(processes.values()):
        proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    writer = getattr(result_queue, "_writer", None)
    if writer is not None:
        writer.close()  # the workers write results, this process never does
    # A worker the manager thread started meanwhile (replacing one that reached max_tasks) would
    # hold the write end open in its turn.
    for proc in list(processes.values()):
        with contextlib.suppress(ValueError):  # closed by the manager thread meanwhile
            proc.kill()  # a no-op for one already reaped


def _extract(body: bytes, url: str | None, overrides: ExtractOverrides | None) -> tuple[ExtractedArticle, float]:
    start = time.perf_counter()
    article = extract_article(body, url, overrides=overrides)
    return article, time.perf_counter() - start


def _worker_init(parent: int) -> None:
    """In each worker, at start. Ctrl-C in a terminal (or ``timeout -s INT``) signals the whole
    process group: the daemon stops its pool itself, so a worker ignores SIGINT rather than die
    with a KeyboardInterrupt traceback mid-task."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)


def _exit_with_parent(parent: int) -> None:
    """In each worker: exit once the daemon that started it is gone. A daemon killed with -9 never
    shuts its pool down, and its idle workers would otherwise wait forever on the dead pipe."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


# How often a worker checks that its daemon is still there.
PARENT_CHECK_SECONDS = 1.0

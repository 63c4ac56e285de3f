"""Run a coroutine on Twisted's asyncio reactor (installed once per process).

The reactor cannot be restarted, so each process runs exactly one of these: the daemon, or a
one-shot command (``sources add``, ``sources test``).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from crawlers.sources import SourcesConfig
from scheduler.daemon import Daemon, RunSummary
from storage.connection import Store
from wirewatch.settings import Settings

REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
T = TypeVar("T")


def run_on_reactor(main: Callable[[], Coroutine[Any, Any, T]], *, interruptible: bool = False) -> T:
    """Run ``main`` on Scrapy's reactor until it is done. ``interruptible``: SIGINT and SIGTERM
    cancel it and raise KeyboardInterrupt here (the reactor installs no handlers of its own, and
    Python's default one would raise inside the reactor loop, which logs it and runs on); the
    daemon instead handles its signals itself, to drain."""
    from scrapy.utils.reactor import install_reactor

    install_reactor(REACTOR)
    from twisted.internet import reactor as _reactor
    from twisted.internet.defer import Deferred

    reactor: Any = _reactor
    outcome: dict[str, Any] = {}

    def go() -> None:
        task = asyncio.ensure_future(main())
        if interruptible:
            loop = asyncio.get_event_loop()
            def interrupt() -> None:
                # stop now: waiting for the cancelled crawl would wait for its requests in flight
                outcome.setdefault("interrupted", True)
                task.cancel()
                if reactor.running:
                    reactor.stop()

            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, interrupt)
        d: Deferred[T] = Deferred.fromFuture(task)
        d.addCallback(lambda value: outcome.setdefault("value", value))
        d.addErrback(lambda failure: outcome.setdefault("error", failure))
        d.addBoth(lambda _: reactor.running and not outcome.get("interrupted") and reactor.stop())

    reactor.callWhenRunning(go)
    reactor.run(installSignalHandlers=False)
    if outcome.get("interrupted"):
        raise KeyboardInterrupt
    if "error" in outcome:
        outcome["error"].raiseException()
    value: T = outcome["value"]
    return value


def run_daemon(settings: Settings, sources: SourcesConfig, store: Store, dedupe: Any, *, once: bool) -> RunSummary:
    daemon = Daemon(settings, sources, store, dedupe)

    async def main() -> RunSummary:
        return await (daemon.run_once() if once else daemon.run_forever())

    return run_on_reactor(main)

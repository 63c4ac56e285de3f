"""Run a coroutine on Twisted's asyncio reactor (installed once per process).

The reactor cannot be restarted, so each process runs exactly one of these: the daemon, or a
one-shot command (``sources add``, ``sources test``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from crawlers.sources import SourcesConfig
from scheduler.daemon import Daemon, RunSummary
from storage.connection import Store
from wirewatch.settings import Settings

REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
T = TypeVar("T")


def run_on_reactor(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    from scrapy.utils.reactor import install_reactor

    install_reactor(REACTOR)
    from twisted.internet import reactor as _reactor
    from twisted.internet.defer import Deferred

    reactor: Any = _reactor
    outcome: dict[str, Any] = {}

    def go() -> None:
        d: Deferred[T] = Deferred.fromFuture(asyncio.ensure_future(main()))
        d.addCallback(lambda value: outcome.setdefault("value", value))
        d.addErrback(lambda failure: outcome.setdefault("error", failure))
        d.addBoth(lambda _: reactor.stop())

    reactor.callWhenRunning(go)
    reactor.run(installSignalHandlers=False)
    if "error" in outcome:
        outcome["error"].raiseException()
    value: T = outcome["value"]
    return value


def run_daemon(settings: Settings, sources: SourcesConfig, store: Store, dedupe: Any, *, once: bool) -> RunSummary:
    daemon = Daemon(settings, sources, store, dedupe)

    async def main() -> RunSummary:
        return await (daemon.run_once() if once else daemon.run_forever())

    return run_on_reactor(main)

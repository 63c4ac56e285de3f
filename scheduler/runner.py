"""Run the daemon's coroutine on Twisted's asyncio reactor (installed once per process)."""

from __future__ import annotations

import asyncio
from typing import Any

from crawlers.sources import SourcesConfig
from scheduler.daemon import Daemon, RunSummary
from storage.connection import Store
from wirewatch.settings import Settings

REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


def run_daemon(settings: Settings, sources: SourcesConfig, store: Store, dedupe: Any, *, once: bool) -> RunSummary:
    from scrapy.utils.reactor import install_reactor

    install_reactor(REACTOR)
    from twisted.internet import reactor as _reactor
    from twisted.internet.defer import Deferred

    reactor: Any = _reactor

    daemon = Daemon(settings, sources, store, dedupe)
    outcome: dict[str, Any] = {}

    async def main() -> RunSummary:
        return await (daemon.run_once() if once else daemon.run_forever())

    def go() -> None:
        d: Deferred[RunSummary] = Deferred.fromFuture(asyncio.ensure_future(main()))
        d.addCallback(lambda summary: outcome.setdefault("summary", summary))
        d.addErrback(lambda failure: outcome.setdefault("error", failure))
        d.addBoth(lambda _: reactor.stop())

    reactor.callWhenRunning(go)
    reactor.run(installSignalHandlers=False)
    if "error" in outcome:
        outcome["error"].raiseException()
    summary: RunSummary = outcome.get("summary", daemon.summary)
    return summary

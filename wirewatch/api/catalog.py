"""What the sources file says (configured outlets and topics), re-read when the file changes.

The API serves what is stored whether or not a sources file is at hand; the file adds what is
configured but has no stories yet (a new topic, a source that never succeeded) and each source's
kind, URL and enabled flag. A broken edit of the file keeps the last good version in use.
"""

from __future__ import annotations

import logging
import os
import threading

from crawlers.sources import SourcesConfig, load_sources
from wirewatch.errors import ConfigError

log = logging.getLogger(__name__)


class Catalog:
    def __init__(self, path: str | None, initial: SourcesConfig | None = None) -> None:
        self.path = path
        self._config = initial
        self._mtime: float | None = self._stat() if initial is not None else None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str | None) -> Catalog:
        """Load ``path`` now; a missing file is fine (stored data only), a broken one is a ConfigError."""
        if not path or not os.path.exists(path):
            if path:
                log.info("sources file %s not found: serving stored data only", path)
            return cls(path)
        return cls(path, load_sources(path))

    def _stat(self) -> float | None:
        try:
            return os.stat(self.path).st_mtime if self.path else None
        except OSError:
            return None

    @property
    def config(self) -> SourcesConfig | None:
        mtime = self._stat()
        if mtime is not None and mtime != self._mtime:
            with self._lock:
                if mtime != self._mtime:
                    self._mtime = mtime
                    try:
                        self._config = load_sources(self.path or "")
                    except ConfigError as exc:
                        log.warning("sources file changed but is unusable, keeping the last good one: %s", exc)
        return self._config

    def topics(self) -> list[str]:
        cfg = self.config
        if cfg is None:
            return []
        names = set(cfg.topics)
        for source in cfg.sources:
            names.update(source.topics)
        return sorted(names)

    def has_topic(self, name: str) -> bool:
        return name in self.topics()

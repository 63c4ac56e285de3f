"""A small in-process cache of rendered responses, valid while the story index is unchanged.

Clients poll the same few URLs (the first page, a topic's feed). Each entry remembers the
freshness tag of the sorted set it was read from (count, newest update and its id: any ingest,
merge or removal changes it); a request reads that tag (one round trip) and reuses the body only
when it matches and the entry is younger than ``ttl`` (the bound on changes the tag cannot see,
such as an operator editing an article in place). Bodies are bytes; nothing here is shared
between processes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class ResponseCache:
    def __init__(self, ttl: float, *, size: int = 256, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._entries: OrderedDict[str, tuple[str, float, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def get(self, key: str, tag: str) -> bytes | None:
        if not self.enabled:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != tag or self.clock() - entry[1] > self.ttl:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[2]

    def put(self, key: str, tag: str, body: bytes) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._entries[key] = (tag, self.clock(), body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

"""``story.quiet``: announce stories that stopped growing, once each time they go quiet.

Nothing is ingested when a story goes quiet, so no write path can emit this event; a watcher
does. A watermark (``Keys.quiet_mark``: the ``updated`` time up to which stories were announced)
moves forward through ``stories:updated``; each step announces the stories whose last update
fell between the old mark and ``now - quiet_after``. The step is one optimistic transaction on
the mark (WATCH/MULTI), so API processes running the watcher side by side announce each story
once. A story that grows again and then stops is announced again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis

from storage.connection import Store

log = logging.getLogger(__name__)

BATCH = 1000


def announce_quiet(store: Store, *, now: float, quiet_after: float, maxlen: int = 100_000) -> int:
    """Emit ``story.quiet`` for stories last updated in (mark, now - quiet_after]; how many."""
    k = store.keys
    cutoff = now - quiet_after
    with store.text.pipeline(transaction=True) as pipe:
        try:
            pipe.watch(k.quiet_mark)
            mark = pipe.get(k.quiet_mark)
            if mark is None:
                # A fresh store (or a new deployment of the watcher): history is not news.
                pipe.multi()
                pipe.set(k.quiet_mark, repr(cutoff))
                pipe.execute()
                return 0
            low = float(mark)
            if cutoff <= low:
                return 0
            entries: list[tuple[str, float]] = pipe.zrange(
                k.stories_updated, f"({low!r}", repr(cutoff), byscore=True, offset=0, num=BATCH, withscores=True
            )
            new_mark = cutoff
            if len(entries) == BATCH:
                # More may follow at the last score: stop before it so none is skipped next time.
                last = entries[-1][1]
                kept = [e for e in entries if e[1] < last]
                entries, new_mark = (kept, kept[-1][1]) if kept else (entries, last)
            details = []
            for sid, _score in entries:
                details.append(pipe.hmget(k.story(sid), "size", "title"))
            pipe.multi()
            for (sid, score), (size, title) in zip(entries, details, strict=True):
                pipe.xadd(
                    k.events,
                    {"type": "story.quiet", "story": sid, "updated": repr(score), "size": size or "0",
                     "title": title or "", "quiet_after": repr(quiet_after)},
                    maxlen=maxlen, approximate=True,
                )
            pipe.set(k.quiet_mark, repr(new_mark))
            pipe.execute()
            return len(entries)
        except redis.WatchError:
            return 0


class QuietWatcher:
    """Runs ``announce_quiet`` every ``every`` seconds in a thread until ``stop`` is set."""

    def __init__(
        self,
        store: Store,
        *,
        quiet_after: float,
        every: float,
        maxlen: int,
        on_announce: Callable[[int], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.quiet_after = quiet_after
        self.every = every
        self.maxlen = maxlen
        self.on_announce = on_announce
        self.clock = clock

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                n = announce_quiet(self.store, now=self.clock(), quiet_after=self.quiet_after, maxlen=self.maxlen)
                if n:
                    log.info("announced %d quiet stor%s", n, "y" if n == 1 else "ies")
                    if self.on_announce is not None:
                        self.on_announce(n)
            except redis.RedisError as exc:
                log.warning("quiet watcher: store unavailable (%s)", exc)
            stop.wait(self.every)

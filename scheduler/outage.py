"""Redis outages as the daemon sees them: one clear line when one starts, retries spaced by
exponential backoff, one line when it ends. Pure book-keeping, ``now`` passed in.

Without it every scheduler job retried on every tick: an hour without Redis was thousands of
identical warnings and connection attempts.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

FIRST_RETRY = 1.0
MAX_RETRY = 30.0


class Outage:
    def __init__(self, *, first: float = FIRST_RETRY, cap: float = MAX_RETRY) -> None:
        self.first = first
        self.cap = cap
        self.since: float | None = None
        self.delay = first
        self.next_try = 0.0
        self.attempts = 0

    @property
    def active(self) -> bool:
        return self.since is not None

    def ready(self, now: float) -> bool:
        """May a job talk to Redis now? Always, unless an outage is on and its next retry is not due."""
        return self.since is None or now >= self.next_try

    def failed(self, now: float, error: object) -> None:
        self.attempts += 1
        if self.since is None:
            self.since = now
            self.delay = self.first
            log.warning("Redis unavailable (%s): ingestion paused; retrying with backoff (%.0fs, up to %.0fs)",
                        error, self.first, self.cap)
        else:
            self.delay = min(self.cap, self.delay * 2)
            log.info("Redis still unavailable after %.0fs (%s); next retry in %.0fs", now - self.since, error,
                     self.delay)
        self.next_try = now + self.delay

    def succeeded(self, now: float) -> None:
        if self.since is not None:
            log.info("Redis reachable again after %.0fs (%d retries): ingestion resumed", now - self.since,
                     self.attempts)
            self.since = None
            self.attempts = 0
            self.delay = self.first

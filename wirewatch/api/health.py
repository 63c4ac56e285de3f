"""``/healthz``: is this deployment doing its job? (the contract is in wirewatch/api/README.md)

``scope=api`` asks only what this process needs to answer requests (Redis). The full check (the
default) also asks whether the daemons are working:

- **leader**: a daemon holds the scheduler lock. The lock has a ``LEADER_TTL`` (10 s) and a standby
  takes it within about 13 s of the holder's death, so it may be missing for a moment; unhealthy
  once nobody has held it for ``LEADER_GRACE``, counted from the last time this process saw it held,
  or from this process's start (a fresh API next to daemons that are still starting is not flagged).
- **queue**: runs are queued or claimed, yet none has landed for ``stall_after`` seconds since the
  oldest of them was queued: the daemons are alive enough to hold the lock but not working. Deep but
  moving queues are reported (``oldest_seconds``) and stay healthy.
- **scheduler**: a source due for longer than ``stall_after`` has not been dispatched while a leader
  holds the lock (its tick is stuck).

``stall_after`` is ``STALL_FACTOR`` x ``WIREWATCH_QUEUE_VISIBILITY`` (300 s by default): a dead
worker's runs are taken over after one visibility period, and a run may then take minutes (up to
200 article pages at the per-host delay), so a few periods without a single run landing is a stall.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis

from storage.connection import Store
from storage.keys import LEADER_TTL, QUEUE_GROUP

# Module constants rather than settings: both derive from values the daemon already has.
LEADER_GRACE = 3 * LEADER_TTL
STALL_FACTOR = 5


@dataclass
class HealthWatch:
    """What one API process remembers between checks: its start, and when it last saw a leader."""

    clock: Callable[[], float] = time.time
    started: float = field(default_factory=time.time)
    leader_seen: float | None = None


@dataclass(frozen=True, slots=True)
class Observed:
    """The daemons' shared state as one health check read it (one round trip)."""

    stories: int
    leader: str | None = None
    queued: int = 0  # runs in the queue stream: waiting or claimed, not yet acknowledged
    pending: int = 0  # of which claimed by a worker
    oldest_queued: float | None = None  # when the oldest of them was queued
    last_run: float | None = None  # when a run last landed (any daemon)
    first_due: float | None = None  # the earliest next-run time in the due set


def observe(store: Store, *, full: bool) -> Observed:
    """Read what the check needs; raises ``redis.RedisError`` when Redis does not answer."""
    k = store.keys
    pipe = store.text.pipeline(transaction=False)
    pipe.zcard(k.stories_updated)
    if not full:
        return Observed(stories=int(pipe.execute()[0]))
    pipe.get(k.leader)
    pipe.xlen(k.queue)
    pipe.xpending(k.queue, QUEUE_GROUP)
    pipe.xrange(k.queue, count=1)
    pipe.hget(k.daemon_counters, "last_run_at")
    pipe.zrange(k.sources_due, 0, 0, withscores=True)
    replies = pipe.execute(raise_on_error=False)
    for reply in replies:
        # XPENDING answers NOGROUP before any daemon made the queue: nothing is pending then
        if isinstance(reply, redis.RedisError) and not isinstance(reply, redis.ResponseError):
            raise reply
    stories, leader, queued, pending, oldest, last_run, first_due = (
        None if isinstance(r, redis.ResponseError) else r for r in replies
    )
    return Observed(
        stories=int(stories or 0),
        leader=str(leader) if leader else None,
        queued=int(queued or 0),
        pending=int(pending["pending"]) if pending else 0,
        oldest_queued=int(str(oldest[0][0]).split("-")[0]) / 1000 if oldest else None,
        last_run=float(last_run) if last_run else None,
        first_due=float(first_due[0][1]) if first_due else None,
    )


def judge(obs: Observed, *, now: float, watch: HealthWatch, queue_visibility: float) -> tuple[int, dict[str, Any]]:
    """The full check's HTTP status and body. Pure but for remembering a leader sighting in ``watch``."""
    reasons: list[str] = []
    stall_after = STALL_FACTOR * queue_visibility
    if obs.leader:
        watch.leader_seen = now
        absent = None
    else:
        absent = now - max(watch.started, watch.leader_seen or 0.0)
        if absent > LEADER_GRACE:
            reasons.append(f"no daemon has held the scheduler lock for {absent:.0f} s (grace {LEADER_GRACE} s)")
    oldest = now - obs.oldest_queued if obs.oldest_queued is not None else None
    since_run = now - obs.last_run if obs.last_run is not None else None
    stalled = False
    if obs.queued and obs.oldest_queued is not None:
        quiet_for = now - max(obs.oldest_queued, obs.last_run or 0.0)
        if quiet_for > stall_after:
            stalled = True
            landed = f"{since_run:.0f} s ago" if since_run is not None else "never"
            reasons.append(f"queue stalled: {obs.queued} run(s) queued, the oldest {oldest:.0f} s ago, and the "
                           f"last run landed {landed} (bound {stall_after:.0f} s)")
    overdue = max(0.0, now - obs.first_due) if obs.first_due is not None else 0.0
    if obs.leader and overdue > stall_after:
        reasons.append(f"scheduler stalled: a source due {overdue:.0f} s ago has not been dispatched "
                       f"(bound {stall_after:.0f} s)")
    body = {
        "status": "unhealthy" if reasons else "ok",
        "scope": "full",
        "redis": "ok",
        "stories": obs.stories,
        "leader": {"state": "ok" if obs.leader else "absent", "instance": obs.leader,
                   "absent_seconds": _round(absent)},
        "queue": {"state": "stalled" if stalled else "ok", "waiting": max(0, obs.queued - obs.pending),
                  "pending": obs.pending, "oldest_seconds": _round(oldest), "last_run_seconds": _round(since_run),
                  "overdue_seconds": _round(overdue), "stall_after": stall_after},
        "reasons": reasons,
    }
    return (503 if reasons else 200), body


def _round(value: float | None) -> float | None:
    return None if value is None else round(max(0.0, value), 1)

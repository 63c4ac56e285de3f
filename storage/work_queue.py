"""Shared work for several daemon instances: a Redis Stream with a consumer group, at-least-once.

- The leader moves due sources from ``sources:due`` into the stream (``dispatch_due``, one Lua
  call: each due source gets a lease so it is not dispatched twice while it runs).
- Every instance claims entries (``claim``): first entries that another worker left idle longer
  than ``QUEUE_VISIBILITY`` (it died: kill -9), then new ones. A worker keeps its in-flight entries
  fresh (``touch``) and acknowledges an entry only when the run's work has landed (``ack``).
- On a graceful stop, unfinished entries are put back at once (``put_back``).

The scheduler lock (``Leader``) is a key with a TTL, renewed by its holder; a standby takes over
when the holder stops renewing (at most ``LEADER_TTL`` seconds).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import redis

from storage.connection import Store
from storage.keys import LEADER_TTL, QUEUE_GROUP, QUEUE_VISIBILITY

_DISPATCH = """
-- KEYS: due zset; ARGV: now, lease, max, prefix. Returns the names whose time has come, leased;
-- each source's state records when (`dispatched_at`), so a reload can tell a lease from a schedule.
local names = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, n in ipairs(names) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), n)
  redis.call('HSET', ARGV[4] .. ':source:' .. n, 'dispatched_at', ARGV[1])
end
return names
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(frozen=True, slots=True)
class Claimed:
    entry_id: str
    job: dict[str, Any]


class WorkQueue:
    def __init__(self, store: Store, consumer: str, *, visibility: int = QUEUE_VISIBILITY) -> None:
        self.store = store
        self.consumer = consumer
        self.visibility_ms = visibility * 1000
        self.key = store.keys.queue
        self._dispatch = store.text.register_script(_DISPATCH)

    def ensure_group(self) -> None:
        try:
            self.store.text.xgroup_create(self.key, QUEUE_GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def dispatch_due(self, now: float, jobs: dict[str, dict[str, Any]], *, lease: float, limit: int = 500) -> list[str]:
        """Enqueue the sources that are due (``jobs``: name -> job payload). Names in the due set
        without a payload (removed from the config) are dropped from it."""
        names: list[str] = self._dispatch(keys=[self.store.keys.sources_due],
                                          args=[repr(now), lease, limit, self.store.keys.prefix])
        if not names:
            return []
        pipe = self.store.text.pipeline(transaction=False)
        sent = []
        for name in names:
            job = jobs.get(name)
            if job is None:
                pipe.zrem(self.store.keys.sources_due, name)
                continue
            pipe.xadd(self.key, {"job": json.dumps(job)})
            sent.append(name)
        pipe.execute()
        return sent

    def enqueue(self, job: dict[str, Any]) -> str:
        return str(self.store.text.xadd(self.key, {"job": json.dumps(job)}))

    def claim(self, count: int) -> list[Claimed]:
        if count <= 0:
            return []
        try:
            return self._claim(count)
        except redis.ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            # Redis came back without its data (no persistence, failover to an empty replica): the
            # stream and its group are gone, and every claim would fail until they exist again.
            self.ensure_group()
            return self._claim(count)

    def _claim(self, count: int) -> list[Claimed]:
        out: list[Claimed] = []
        reply = self.store.text.xautoclaim(
            self.key, QUEUE_GROUP, self.consumer, min_idle_time=self.visibility_ms, start_id="0-0", count=count
        )
        out.extend(self._parse(reply[1]))
        if len(out) < count:
            fresh = self.store.text.xreadgroup(QUEUE_GROUP, self.consumer, {self.key: ">"}, count=count - len(out))
            for _stream, entries in fresh or []:
                out.extend(self._parse(entries))
        return out

    @staticmethod
    def _parse(entries: list[Any]) -> list[Claimed]:
        out = []
        for entry_id, fields in entries:
            if not fields:  # deleted meanwhile
                continue
            try:
                out.append(Claimed(entry_id, json.loads(fields["job"])))
            except (KeyError, ValueError):
                continue
        return out

    def touch(self, entry_ids: list[str]) -> None:
        """Reset the idle time of entries still being worked on, so nobody takes them over."""
        if entry_ids:
            self.store.text.xclaim(self.key, QUEUE_GROUP, self.consumer, 0, entry_ids, justid=True)

    def ack(self, entry_id: str) -> None:
        pipe = self.store.text.pipeline(transaction=True)
        pipe.xack(self.key, QUEUE_GROUP, entry_id)
        pipe.xdel(self.key, entry_id)
        pipe.execute()

    def put_back(self, claimed: Claimed) -> None:
        pipe = self.store.text.pipeline(transaction=True)
        pipe.xadd(self.key, {"job": json.dumps(claimed.job)})
        pipe.xack(self.key, QUEUE_GROUP, claimed.entry_id)
        pipe.xdel(self.key, claimed.entry_id)
        pipe.execute()

    def depth(self) -> tuple[int, int]:
        """(entries waiting to be claimed, entries claimed and not yet acknowledged)."""
        try:
            groups = self.store.text.xinfo_groups(self.key)
        except redis.ResponseError:
            return 0, 0
        for g in groups:
            if g["name"] == QUEUE_GROUP:
                pending = int(g["pending"])
                lag = g.get("lag")
                if lag is None:
                    lag = max(0, int(self.store.text.xlen(self.key)) - pending)
                return int(lag), pending
        return 0, 0


class Leader:
    """The scheduler lock: one holder at a time, with a TTL its holder renews."""

    def __init__(self, store: Store, instance: str, *, ttl: int = LEADER_TTL) -> None:
        self.store = store
        self.instance = instance
        self.ttl_ms = ttl * 1000
        self._renew = store.text.register_script(_RENEW)
        self._release = store.text.register_script(_RELEASE)
        self.acquired = False

    def acquire_or_renew(self) -> bool:
        """Renew the lock, or take it if free; ``acquired`` tells a fresh acquisition from a renewal
        (a holder that finds its lock gone, e.g. Redis restarted empty, is a new leader)."""
        key = self.store.keys.leader
        self.acquired = False
        if self._renew(keys=[key], args=[self.instance, self.ttl_ms]):
            return True
        self.acquired = bool(self.store.text.set(key, self.instance, nx=True, px=self.ttl_ms))
        return self.acquired

    def release(self) -> None:
        self._release(keys=[self.store.keys.leader], args=[self.instance])

    def holder(self) -> str | None:
        value = self.store.text.get(self.store.keys.leader)
        return str(value) if value else None

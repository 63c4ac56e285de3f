"""Daemon heartbeats: which instances are alive, found without scanning the keyspace.

Each daemon instance keeps a string ``daemon:heartbeat:<instance>`` alive with a TTL (its
freshness, on Redis's own clock) and its name in the ``daemon:instances`` sorted set (the
directory). Readers list the set and read those keys: a name whose key has expired is a stopped or
dead instance. The readers are healthchecks (``wirewatch check`` every few seconds), ``/metrics``
and ``status``: a ``SCAN`` of the keyspace for the heartbeat pattern cost one round trip per 100
keys, thousands on a store with millions of articles. The set's scores are the beating daemon's
clock, used only to drop names not seen for a day, so clock skew between hosts does not matter.
"""

from __future__ import annotations

import time

from storage.connection import Store
from storage.keys import HEARTBEAT_TTL

# Names of instances silent this long leave the directory (the next beat of any instance prunes).
FORGET_AFTER = 86_400.0


def beat(store: Store, instance: str, info: str, *, ttl: int = HEARTBEAT_TTL, now: float | None = None) -> None:
    """Mark ``instance`` alive for ``ttl`` seconds, with ``info`` (one line) as its status."""
    k = store.keys
    now = time.time() if now is None else now
    pipe = store.text.pipeline(transaction=True)
    pipe.set(k.heartbeat(instance), info, ex=ttl)
    pipe.zadd(k.daemon_instances, {instance: now})
    pipe.zremrangebyscore(k.daemon_instances, "-inf", now - FORGET_AFTER)
    pipe.execute()


def forget(store: Store, instance: str) -> None:
    """``instance`` stopped: it is not alive any more."""
    k = store.keys
    pipe = store.text.pipeline(transaction=True)
    pipe.delete(k.heartbeat(instance))
    pipe.zrem(k.daemon_instances, instance)
    pipe.execute()


def any_running(store: Store) -> bool:
    """True when some daemon's heartbeat is fresh, daemons of older versions included (they do
    not list themselves in the directory: a scan finds them). For the commands that must not run
    beside a daemon (``migrate``, ``reindex``), which run rarely; the scan is their cost."""
    if alive(store):
        return True
    return any(True for _ in store.text.scan_iter(match=store.keys.heartbeat_pattern, count=1000))


def alive(store: Store) -> dict[str, str]:
    """Instances with a fresh heartbeat, by name, with the info of their last beat; in name order."""
    k = store.keys
    names: list[str] = sorted(store.text.zrange(k.daemon_instances, 0, -1))
    if not names:
        return {}
    infos = store.text.mget([k.heartbeat(name) for name in names])
    return {name: info for name, info in zip(names, infos, strict=True) if info is not None}

"""Retention: what keeps Redis memory bounded over years of crawling.

Two horizons, both measured on the time an article was stored (``fetched_at``):

* the **dedupe window** (``dedupe_window``): past it an article can no longer join a story, so its
  index entries go: its index record (signature and bucket chains, ``storage/lsh.py``) and its
  content-hash entry. Records go oldest first, from the index's floor up, in the order they were
  written; lookups already ignore them once outside the window.
* the **retention age** (``retention_age``, 0 = forever): past it the article itself goes, with its
  story membership, seen-hash entries and split set. A story that keeps members gets its size,
  outlets, topics and representative (with its title and summary) updated, and leaves the set of
  each outlet and topic it no longer has a member from or under; a story left without members
  goes (hash, members, "kept apart" set, ``stories:updated``, topic and per-outlet index entries),
  as does the merge stub the article opened. A topic leaves ``topics`` when no story is left
  under it.
  Events older than the age are trimmed from the stream, which is also capped at
  ``event_stream_maxlen``.

Deletions run in a Lua script per batch, re-checking each item's age inside it, so a sweep racing
the daemon never removes a young item. A *deep* sweep also scans the seen hashes and the
content-hash index for entries whose article is gone or unindexed (entries keyed by URL variants
the article record does not keep) and for the marks of pages a source's topic filter left out
(``-<time>``) older than the retention age, and the story indexes for entries of stories merged
away or gone (``storage.index_repair``); run it now and then (``--deep``).

In Redis Cluster every key shares the prefix's hash tag, so each script's keys live in one slot;
the first key is declared so the client routes the call to that slot's node.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from redis.cluster import RedisCluster

from storage.connection import Store
from storage.lsh import record_id
from storage.scripts import lua

log = logging.getLogger(__name__)

BATCH = 500


# Scheduled sweeps: a deep one (scans of the seen hashes and story indexes) at most this often.
DEEP_EVERY = 86400.0
# How often the scheduled sweepers look whether a sweep is due (one script call).
SWEEP_CHECK_SECONDS = 60.0
# A sweep's claim lapses this long after its last renewal (its process died or hung); a running
# sweep renews it between batches every SWEEP_RENEW_SECONDS.
SWEEP_LOCK_SECONDS = 600
SWEEP_RENEW_SECONDS = 60.0

# Compare-and-set on one hash field: rewrite (or delete, when the new value is '') only if unchanged.
_CAS_LUA = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
return 1
"""


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long things are kept. ``max_age`` 0 keeps articles forever (the index still expires)."""

    max_age: int
    index_window: int
    event_maxlen: int
    batch: int = BATCH

    def __post_init__(self) -> None:
        if self.max_age < 0:
            raise ValueError(f"max_age must be 0 (forever) or positive, got {self.max_age}")
        if self.index_window < 1:
            raise ValueError(f"index_window must be positive, got {self.index_window}")
        if self.event_maxlen < 1:
            raise ValueError(f"event_maxlen must be positive, got {self.event_maxlen}")
        if self.batch < 1:
            raise ValueError(f"batch must be positive, got {self.batch}")

    @classmethod
    def from_settings(cls, settings: Any, dedupe: Any) -> RetentionPolicy:
        """From ``wirewatch.settings.Settings`` and the ``dedupe.DedupeConfig`` the daemon uses."""
        return cls(
            max_age=settings.retention_age,
            index_window=dedupe.window_seconds,
            event_maxlen=settings.event_stream_maxlen,
        )


@dataclass(slots=True)
class SweepReport:
    index_expired: int = 0
    articles_expired: int = 0
    stories_expired: int = 0
    events_trimmed: int = 0
    # deep sweep only: stale entries found by scanning
    seen_cleared: int = 0
    orphans_cleared: int = 0
    index_entries_cleared: int = 0
    seconds: float = 0.0
    extra: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        text = (
            f"{self.articles_expired} article(s) and {self.stories_expired} story(ies) expired, "
            f"{self.index_expired} more unindexed, {self.events_trimmed} event(s) trimmed"
        )
        if self.seen_cleared or self.orphans_cleared or self.index_entries_cleared:
            text += (
                f"; deep: {self.seen_cleared} seen entries, "
                f"{self.orphans_cleared} orphans, {self.index_entries_cleared} story index entries"
            )
        return f"{text} in {self.seconds:.1f}s"


def seen_field(value: str) -> str:
    """The field a seen hash files ``value`` (a GUID or URL) under: the crawler's scheme."""
    return hashlib.sha1(value.encode("utf-8")).hexdigest()[:16]


# Whether a scheduled sweep is due, and its claim, in one step (no second sweeper between them).
# KEYS: the last-sweep hash, the claim. ARGV: now, interval, token, claim seconds, DEEP_EVERY.
# Reply: -1 none due (one succeeded or failed less than an interval ago) or one running; 0 a
# sweep; 1 a deep one (none for DEEP_EVERY).
_CLAIM_LUA = """
local h = redis.call('HMGET', KEYS[1], 'at', 'failed_at', 'last_deep_at')
local now, interval = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 1, 2 do
  local t = tonumber(h[i])
  if t and now - t < interval then return -1 end
end
if not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'EX', ARGV[4]) then return -1 end
local deep = tonumber(h[3])
if deep and now - deep < tonumber(ARGV[5]) then return 0 end
return 1
"""
# The claim's holder renews (ARGV[2] seconds) or releases (ARGV[2] = 0) it; anyone else's is untouched.
_HOLD_LUA = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then return redis.call('DEL', KEYS[1]) end
return redis.call('EXPIRE', KEYS[1], ARGV[2])
"""
# The claim's holder records its sweep's failure (KEYS: claim, last-sweep hash; ARGV: token, when,
# why); a sweeper whose claim lapsed does not overwrite what the next one recorded.
_FAILED_LUA = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('HSET', KEYS[2], 'failed_at', ARGV[2], 'failure', ARGV[3])
"""


class SweepInterrupted(Exception):
    """A sweep stopped between two batches: its process is stopping, or its claim lapsed."""


@dataclass(slots=True)
class SweepClaim:
    """A scheduled sweep's right to run (``claim_sweep``). Its ``checkpoint`` goes to ``sweep``,
    which calls it between batches: it renews the claim and ends the sweep when ``stop`` is set."""

    store: Store
    token: str
    deep: bool
    stop: threading.Event | None = None
    renewed: float = field(default_factory=time.monotonic)

    def checkpoint(self) -> None:
        if self.stop is not None and self.stop.is_set():
            raise SweepInterrupted("the process is stopping")
        if time.monotonic() - self.renewed < SWEEP_RENEW_SECONDS:
            return
        if not int(self._hold(SWEEP_LOCK_SECONDS)):
            # another sweeper may have started since: two would only repeat each other's work
            raise SweepInterrupted("its claim lapsed")
        self.renewed = time.monotonic()

    def failed(self, exc: BaseException, *, now: float | None = None) -> bool:
        """Record the failure, so the scheduled sweepers retry one interval later rather than at
        every check; False when it could not be (Redis is what failed, or the claim lapsed): then
        the next sweeper starts once the claim is gone."""
        now = time.time() if now is None else now
        k = self.store.keys
        try:
            script = self.store.text.register_script(_FAILED_LUA)
            return bool(script(keys=[k.sweep_lock, k.last_sweep], args=[self.token, repr(now), str(exc)[:300]]))
        except Exception:
            return False

    def release(self) -> None:
        """End the claim if it is still ours; never raises (it runs after a failure, which it must
        not hide, and a lapsed claim ends on its own)."""
        with contextlib.suppress(Exception):
            self._hold(0)

    def _hold(self, seconds: int) -> Any:
        script = self.store.text.register_script(_HOLD_LUA)
        return script(keys=[self.store.keys.sweep_lock], args=[self.token, seconds])


def claim_sweep(store: Store, interval: float, *, now: float | None = None,
                stop: threading.Event | None = None) -> SweepClaim | None:
    """For the scheduled sweeps (the daemon's leader, ``wirewatch sweep --loop``): None when no
    sweep is due (one ran or failed, anywhere, less than ``interval`` seconds ago) or one is
    running; otherwise this process's claim to sweep, deep when no deep sweep ran for
    ``DEEP_EVERY``. The claim lapses ``SWEEP_LOCK_SECONDS`` after its last renewal."""
    k = store.keys
    now = time.time() if now is None else now
    token = secrets.token_hex(8)
    script = store.text.register_script(_CLAIM_LUA)
    reply = int(script(keys=[k.last_sweep, k.sweep_lock],
                       args=[repr(now), repr(float(interval)), token, SWEEP_LOCK_SECONDS, repr(DEEP_EVERY)]))
    if reply < 0:
        return None
    return SweepClaim(store, token, deep=bool(reply), stop=stop)


def sweep(store: Store, policy: RetentionPolicy, *, now: float | None = None, deep: bool = False,
          checkpoint: Callable[[], None] | None = None) -> SweepReport:
    """Remove everything past its horizon; idempotent, safe to run from several processes.
    ``checkpoint`` runs between batches (``SweepClaim.checkpoint``); what it raises ends the sweep
    there, unrecorded, and everything removed so far stays removed."""
    started = time.monotonic()
    now = time.time() if now is None else now
    check = checkpoint or _carry_on
    report = SweepReport()
    script = store.raw.register_script(lua("expire.lua"))
    if policy.max_age:
        report.articles_expired, report.stories_expired = _expire(
            store, script, policy, "article", now - policy.max_age, check
        )
    report.index_expired, _ = _expire(store, script, policy, "index", now - policy.index_window, check)
    report.events_trimmed = _trim_events(store, policy, now)
    if deep:
        cas = store.raw.register_script(_CAS_LUA)
        report.seen_cleared = _gc_seen(store, cas, now, policy.max_age, check)
        report.orphans_cleared = _gc_orphans(store, cas, check) + _gc_misfiled_seen(store, check)
        from storage.index_repair import repair_serving_indexes  # it imports this module's helpers

        report.index_entries_cleared = repair_serving_indexes(store, check)
    report.seconds = time.monotonic() - started
    record = {name: getattr(report, name) for name in report.__dataclass_fields__ if name != "extra"}
    if deep:
        record["last_deep_at"] = repr(now)
    pipe = store.text.pipeline(transaction=False)
    pipe.hset(store.keys.last_sweep, mapping={"at": repr(now), "deep": int(deep), **record})
    pipe.hdel(store.keys.last_sweep, "failed_at", "failure")
    pipe.execute()
    log.info("retention sweep: %s", report.summary())
    return report


def _carry_on() -> None:
    """The checkpoint of a sweep nothing stops (``wirewatch sweep``)."""


def _expire(store: Store, script: Any, policy: RetentionPolicy, mode: str, cutoff: float,
            check: Callable[[], None]) -> tuple[int, int]:
    k = store.keys
    removed = stories = 0
    if mode == "index":
        # index records expire oldest first from the floor (storage/lsh.py): no ids to look up
        position = 0
        while True:
            check()
            done, _, more, position = script(keys=[k.lsh_meta],
                                             args=[k.prefix, mode, repr(cutoff), policy.batch, position])
            removed += int(done)
            if not int(more):
                return removed, 0
    while True:
        check()
        ids = [str(i) for i in store.text.zrangebyscore(k.articles_by_time, "-inf", f"({cutoff!r}", start=0,
                                                        num=policy.batch)]
        if not ids:
            break
        pipe = store.raw.pipeline(transaction=False)
        for aid in ids:
            pipe.hmget(k.article(aid), "source", "canonical_url", "url", "guid")
        replies = pipe.execute()
        args: list[Any] = [k.prefix, mode, repr(cutoff)]
        for aid, fields in zip(ids, replies, strict=True):
            pairs = _seen_pairs(store, fields)
            args += [aid, len(pairs)]
            for key, fld in pairs:
                args += [key, fld]
        done, gone = script(keys=[k.articles_by_time], args=args)
        removed += int(done)
        stories += int(gone)
        if int(done) == 0:
            # every id was re-stamped younger meanwhile (re-added): nothing left to do this round
            break
    return removed, stories


def _seen_pairs(store: Store, fields: list[bytes | None]) -> list[tuple[str, str]]:
    """Seen-hash entries an article was filed under, as far as its record tells (the deep sweep finds
    the rest: entries under a feed's own URL for the article, when it differs)."""
    source, canonical, url, guid = (f.decode() if f else "" for f in fields)
    k = store.keys
    pairs = {(k.seen_url, seen_field(u)) for u in (canonical, url) if u}
    if source:
        pairs |= {(k.seen_source(source), seen_field(v)) for v in (guid, canonical, url) if v}
    return sorted(pairs)


def _trim_events(store: Store, policy: RetentionPolicy, now: float) -> int:
    k = store.keys
    # exact trims (the commit path trims approximately): an hourly sweep can afford them
    trimmed = int(store.text.xtrim(k.events, maxlen=policy.event_maxlen, approximate=False))
    if policy.max_age:
        minid = f"{int((now - policy.max_age) * 1000)}-0"
        trimmed += int(store.text.xtrim(k.events, minid=minid, approximate=False))
    return trimmed


def scan_keys(store: Store, check: Callable[[], None], *, match: str | None = None, kind: str | None = None,
              count: int = 1000) -> Iterator[str]:
    """The keys a SCAN finds (each at least once; keys written meanwhile may or may not be), with
    ``check`` called before each call to the server, so a sweep can stop or renew its claim
    during a scan of millions of keys (on Redis Cluster, whose client scans node by node, before
    every ``count`` keys found instead)."""
    if isinstance(store.text, RedisCluster):
        for n, key in enumerate(store.text.scan_iter(match=match, count=count, _type=kind)):
            if n % count == 0:
                check()
            yield key
        return
    cursor = 0
    while True:
        check()
        cursor, keys = store.text.scan(cursor, match=match, count=count, _type=kind)
        yield from keys
        if cursor == 0:
            return


def glob_escape(prefix: str) -> str:
    """``prefix`` escaped for a SCAN MATCH pattern (shared by the modules that scan the prefix)."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in prefix)


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter), for pipelined batches."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def filtered_mark(now: float) -> str:
    """The seen value of a page the source's topic filter left out: ``-`` and when (Unix seconds)."""
    return f"-{int(now)}"


def filtered_mark_expired(value: str, cutoff: float | None) -> bool | None:
    """For a filtered page's mark: whether it is older than ``cutoff`` (None: kept forever). None
    for a mark without a time (written before marks had one), or a value that is not a mark."""
    if not value.startswith("-"):
        return None
    try:
        when = int(value[1:])
    except ValueError:
        return None
    return cutoff is not None and when < cutoff


def _gc_seen(store: Store, cas: Any, now: float, max_age: int, check: Callable[[], None]) -> int:
    """Drop seen entries that name an article no longer stored, and filtered pages' marks older
    than the retention age (an article's marks live as long as it does; a filtered page's as long
    as it would have). A mark written before marks had a time gets one: it expires one retention
    age from now, rather than all of them at once (each would be fetched again while still listed)."""
    k = store.keys
    cutoff = now - max_age if max_age else None
    cleared = 0
    for key in scan_keys(store, check, match=glob_escape(k.seen_source("")) + "*"):
        for chunk in chunked(store.text.hscan_iter(key, count=1000), 1000):
            check()
            live = [(f, v) for f, v in chunk if v and not v.startswith("-")]
            pipe = store.text.pipeline(transaction=False)
            for _, aid in live:
                pipe.exists(k.article(aid))
            stale = [f for (f, _), exists in zip(live, pipe.execute(), strict=True) if not exists]
            if stale:
                cleared += int(store.text.hdel(key, *stale))
            # compare-and-set: the field may have been filed again meanwhile (stored by another source)
            marks = [(f, v, filtered_mark(now)) for f, v in chunk if v == "-"]
            marks += [(f, v, "") for f, v in chunk if v and filtered_mark_expired(v, cutoff)]
            # one call each, not pipelined: a cluster pipeline does not load the script (NOSCRIPT)
            for f, v, new in marks:
                done = int(cas(keys=[key], args=[f, v, new]))
                cleared += done if not new else 0
    return cleared


def _gc_orphans(store: Store, cas: Any, check: Callable[[], None]) -> int:
    """Content-hash entries of articles no longer indexed (the sweep drops the entry with the
    article's index record; these are left by a record deleted some other way)."""
    k = store.keys
    cleared = 0
    for chunk in chunked(store.text.hscan_iter(k.content_hashes, count=1000), 1000):
        check()
        live = _indexed(store, [aid for _, aid in chunk])
        for chash, aid in chunk:
            if aid not in live:
                cleared += int(cas(keys=[k.content_hashes], args=[chash, aid, ""]))
    return cleared


def _gc_misfiled_seen(store: Store, check: Callable[[], None]) -> int:
    """Repair for a commit bug (seen pairs read one argument off): hashes outside the prefix whose
    every field names one of our seen hashes were written by it, keyed by article payloads. They
    never expire, so a deep sweep deletes them."""
    seen = store.keys.seen_source("")
    prefix = store.keys.prefix + ":"
    cleared = 0
    for key in scan_keys(store, check, kind="hash"):
        if key.startswith(prefix):
            continue
        fields = store.text.hkeys(key)
        if fields and all(f.startswith(seen) for f in fields):
            cleared += int(store.text.delete(key))
    return cleared


def _indexed(store: Store, ids: Sequence[str]) -> set[str]:
    """The articles among ``ids`` that still have their index record."""
    if not ids:
        return set()
    k = store.keys
    numbers = store.text.pipeline(transaction=False)
    for aid in ids:
        numbers.hget(k.article(aid), "lsh_n")
    pairs = [(aid, n) for aid, n in zip(ids, numbers.execute(), strict=True) if n]
    records = store.raw.pipeline(transaction=False)
    for _, n in pairs:
        records.get(k.lsh_record(int(n)))
    return {aid for (aid, _), raw in zip(pairs, records.execute(), strict=True) if raw and record_id(raw) == aid}

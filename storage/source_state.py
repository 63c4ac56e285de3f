"""Per-source state kept in Redis so it survives restarts: validators, health, last run."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, fields

from storage.connection import Store
from storage.keys import QUEUE_GROUP


@dataclass(frozen=True, slots=True)
class SourceState:
    name: str
    last_run: float | None = None
    last_success: float | None = None
    last_error: str = ""
    last_error_at: float | None = None
    consecutive_failures: int = 0
    last_fetched: int = 0
    last_new: int = 0
    last_duplicates: int = 0
    last_errors: int = 0
    total_new: int = 0
    etag: str = ""
    last_modified: str = ""
    body_hash: str = ""
    next_run: float | None = None
    paused: str = ""
    flags: str = ""  # space separated health flags: failing, paused, quiet, layout
    interval: float | None = None  # the adaptive polling interval in force
    last_new_at: float | None = None
    avg_gap: float | None = None
    dispatched_at: float | None = None  # when the leader last queued a run of it

    @property
    def running(self) -> bool:
        """Queued or running since its last run landed (its next-run time is then the lease)."""
        return self.dispatched_at is not None and (self.last_run is None or self.dispatched_at > self.last_run)

    @classmethod
    def from_hash(cls, name: str, rec: dict[str, str]) -> SourceState:
        values: dict[str, object] = {"name": name}
        for f in fields(cls):
            if f.name == "name" or f.name not in rec:
                continue
            raw = rec[f.name]
            if "float" in str(f.type):
                values[f.name] = float(raw) if raw else None
            elif "int" in str(f.type):
                values[f.name] = int(float(raw or 0))
            else:
                values[f.name] = raw
        return cls(**values)  # type: ignore[arg-type]


def load_states(store: Store, names: list[str]) -> dict[str, SourceState]:
    pipe = store.text.pipeline(transaction=False)
    for name in names:
        pipe.hgetall(store.keys.source(name))
    due = store.keys.sources_due
    for name in names:
        pipe.zscore(due, name)
    replies = pipe.execute()
    out = {}
    for i, name in enumerate(names):
        state = SourceState.from_hash(name, replies[i])
        nxt = replies[len(names) + i]
        if nxt is not None:
            state = _with(state, next_run=float(nxt))
        out[name] = state
    return out


def _with(state: SourceState, **changes: object) -> SourceState:
    from dataclasses import replace

    return replace(state, **changes)  # type: ignore[arg-type]


# Compare-and-set on the source's generation: the run's fields were planned from the hash as the
# run read it at its start (one read per run instead of two); any write since (another run of the
# source, ``sources enable``) bumped the generation, and then nothing is written and the caller
# plans again from a fresh read. The queue ack and the /metrics counters ride in the same call.
# KEYS: source hash, due zset, counters hash, queue stream.
# ARGV: expected generation ('*': any), next run ('' none), 'xx' or '', new articles, now, entry id to ack
# ('' none), queue group, number of field/value pairs, the pairs, then counter/increment pairs.
_RECORD = """
local gen = redis.call('HGET', KEYS[1], 'generation') or ''
if ARGV[1] ~= '*' and gen ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[8])
local pairs_ = {}
for i = 9, 8 + 2 * n do pairs_[#pairs_ + 1] = ARGV[i] end
pairs_[#pairs_ + 1] = 'generation'
pairs_[#pairs_ + 1] = (tonumber(gen) or 0) + 1
redis.call('HSET', KEYS[1], unpack(pairs_))
if tonumber(ARGV[4]) > 0 then redis.call('HINCRBY', KEYS[1], 'total_new', ARGV[4]) end
if ARGV[2] ~= '' then
  if ARGV[3] == 'xx' then redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[9 + 2 * n])
  else redis.call('ZADD', KEYS[2], ARGV[2], ARGV[9 + 2 * n]) end
end
for i = 10 + 2 * n, #ARGV, 2 do redis.call('HINCRBY', KEYS[3], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[3], 'last_run_at', ARGV[5])
if ARGV[6] ~= '' then
  redis.call('XACK', KEYS[4], ARGV[7], ARGV[6])
  redis.call('XDEL', KEYS[4], ARGV[6])
end
return 1
"""


def record_run(
    store: Store,
    name: str,
    fields: Mapping[str, str | float | int],
    *,
    next_run: float | None,
    new: int = 0,
    only_if_present: bool = True,
    expect: str | None = None,
    counters: Mapping[str, int] | None = None,
    ack: str | None = None,
    now: float | None = None,
) -> bool:
    """Write a finished run's state and the source's next run time, in one round trip; add
    ``counters`` to the daemons' totals (``Keys.daemon_counters``) and acknowledge the queue entry
    ``ack`` in the same call. With ``expect`` (the ``generation`` field as read, "" when absent),
    nothing is written and False returned when the hash changed since."""
    k = store.keys
    args: list[str | float | int] = [
        expect if expect is not None else "*", "" if next_run is None else repr(float(next_run)),
        "xx" if only_if_present else "", new, repr(time.time() if now is None else now), ack or "",
        QUEUE_GROUP, len(fields),
    ]
    for field, value in fields.items():
        args += [field, value]
    args.append(name)
    for field, by in (counters or {}).items():
        if by:
            args += [field, by]
    script = store.text.register_script(_RECORD)
    return bool(script(keys=[k.source(name), k.sources_due, k.daemon_counters, k.queue], args=args))


def set_next_run(store: Store, name: str, when: float, *, only_if_present: bool = False) -> None:
    """Schedule ``name``; with ``only_if_present`` a source removed from the config meanwhile
    (and so from the due set) is not brought back."""
    store.text.zadd(store.keys.sources_due, {name: when}, xx=only_if_present)


def resume_source(store: Store, name: str, *, now: float) -> str:
    """Clear a pause and the failure count, and make the source due now. Returns the old reason."""
    key = store.keys.source(name)
    was = store.text.hget(key, "paused") or ""
    pipe = store.text.pipeline(transaction=True)
    pipe.hset(key, mapping={"paused": "", "consecutive_failures": 0, "flags": ""})
    pipe.hincrby(key, "generation", 1)  # a run in flight that read the old state plans again
    pipe.zadd(store.keys.sources_due, {name: now})
    pipe.execute()
    return str(was)

"""Per-source state kept in Redis so it survives restarts: validators, health, last run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from storage.connection import Store


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


def record_run(
    store: Store,
    name: str,
    fields: Mapping[str, str | float | int],
    *,
    next_run: float | None,
    new: int = 0,
    only_if_present: bool = True,
) -> None:
    """Write a finished run's state and the source's next run time, in one round trip."""
    key = store.keys.source(name)
    pipe = store.text.pipeline(transaction=True)
    pipe.hset(key, mapping=dict(fields))
    if new:
        pipe.hincrby(key, "total_new", new)
    if next_run is not None:
        pipe.zadd(store.keys.sources_due, {name: next_run}, xx=only_if_present)
    pipe.execute()


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
    pipe.zadd(store.keys.sources_due, {name: now})
    pipe.execute()
    return str(was)

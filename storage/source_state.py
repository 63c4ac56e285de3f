"""Per-source state kept in Redis so it survives restarts: validators, health, last run."""

from __future__ import annotations

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
    *,
    now: float,
    ok: bool,
    error: str = "",
    fetched: int = 0,
    new: int = 0,
    duplicates: int = 0,
    errors: int = 0,
    etag: str | None = None,
    last_modified: str | None = None,
    body_hash: str | None = None,
) -> None:
    key = store.keys.source(name)
    mapping: dict[str, str | float | int] = {
        "last_run": now,
        "last_fetched": fetched,
        "last_new": new,
        "last_duplicates": duplicates,
        "last_errors": errors,
    }
    if etag is not None:
        mapping["etag"] = etag
    if last_modified is not None:
        mapping["last_modified"] = last_modified
    if body_hash is not None:
        mapping["body_hash"] = body_hash
    pipe = store.text.pipeline(transaction=True)
    if ok:
        mapping["last_success"] = now
        mapping["consecutive_failures"] = 0
    else:
        mapping["last_error"] = error[:500]
        mapping["last_error_at"] = now
        pipe.hincrby(key, "consecutive_failures", 1)
    pipe.hset(key, mapping=mapping)
    if new:
        pipe.hincrby(key, "total_new", new)
    pipe.execute()


def set_next_run(store: Store, name: str, when: float) -> None:
    store.text.zadd(store.keys.sources_due, {name: when})

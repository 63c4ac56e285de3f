"""What the store holds and what it costs: the numbers behind ``wirewatch stats``.

Counts come from the index sorted sets (O(1) each). Memory comes from ``INFO memory`` of every
server the data lives on; when the server is shared (another prefix, another database) that figure
covers them too, so ``measure_keys`` sums ``MEMORY USAGE`` over this prefix's keys instead (a full
SCAN: seconds per hundred thousand articles, fine for an operator, not for a dashboard).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from storage.connection import Store
from storage.retention import chunked, glob_escape


@dataclass(frozen=True, slots=True)
class StoreStats:
    articles: int
    stories: int
    indexed: int
    events: int
    sources: int
    oldest_article: datetime | None
    newest_article: datetime | None
    oldest_event: datetime | None
    newest_event: datetime | None
    schema: int | None
    redis_version: str
    used_memory: int
    dataset_memory: int
    maxmemory: int
    maxmemory_policy: str
    last_sweep: datetime | None = None
    # the last scheduled sweep's failure, while no sweep succeeded since
    sweep_failed: datetime | None = None
    sweep_failure: str | None = None
    prefix_memory: int | None = None
    prefix_keys: int | None = None

    @property
    def bytes_per_article(self) -> float | None:
        """Prefix memory per article when measured, else the whole dataset's (an upper bound)."""
        if not self.articles:
            return None
        total = self.prefix_memory if self.prefix_memory is not None else self.dataset_memory
        return total / self.articles

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.maxmemory and self.maxmemory_policy != "noeviction":
            out.append(
                f"maxmemory-policy is {self.maxmemory_policy}: Redis may evict index or story keys at the "
                "memory limit; use noeviction and let retention bound memory"
            )
        if self.sweep_failed is not None:
            out.append(f"the last retention sweep failed at {self.sweep_failed.isoformat(timespec='seconds')}: "
                       f"{self.sweep_failure or 'no reason recorded'} (retried one interval later)")
        elif self.articles and self.last_sweep is None:
            out.append("no retention sweep has run: schedule `wirewatch sweep` (see docs/deploy.md)")
        if self.maxmemory and self.used_memory > 0.9 * self.maxmemory:
            out.append(f"used memory is {self.used_memory / self.maxmemory:.0%} of maxmemory")
        return out

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, datetime):
                out[key] = value.isoformat()
        out["bytes_per_article"] = self.bytes_per_article
        out["warnings"] = self.warnings
        return out


def _ts(score: float | None) -> datetime | None:
    return None if score is None else datetime.fromtimestamp(score, tz=UTC)


def _stream_time(entry_id: Any) -> datetime | None:
    if not entry_id:
        return None
    text = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
    return datetime.fromtimestamp(int(text.split("-")[0]) / 1000, tz=UTC)


def _memory_info(store: Store) -> Mapping[str, Any]:
    """``INFO memory`` summed over nodes (a cluster client answers per node)."""
    info: Any = store.text.info("memory")
    nodes = [info] if "used_memory" in info else [v for v in info.values() if isinstance(v, Mapping)]
    total: dict[str, Any] = {"used_memory": 0, "used_memory_dataset": 0, "maxmemory": 0}
    for node in nodes:
        for key in total:
            total[key] += int(node.get(key, 0))
        total["maxmemory_policy"] = node.get("maxmemory_policy", "")
    return total


def _server_version(store: Store) -> str:
    info: Any = store.text.info("server")
    if "redis_version" not in info:
        info = next((v for v in info.values() if isinstance(v, Mapping)), {})
    return str(info.get("redis_version", "?"))


def _prefix_keys(store: Store) -> Iterator[str]:
    yield from store.text.scan_iter(match=glob_escape(store.keys.prefix) + ":*", count=1000)


def measure_prefix(store: Store) -> tuple[int, int]:
    """(bytes, keys) used by this prefix, from ``MEMORY USAGE ... SAMPLES 0`` (exact) per key."""
    total = keys = 0
    for chunk in chunked(_prefix_keys(store), 500):
        pipe = store.text.pipeline(transaction=False)
        for key in chunk:
            pipe.memory_usage(key, samples=0)
        total += sum(int(n or 0) for n in pipe.execute())
        keys += len(chunk)
    return total, keys


def collect(store: Store, *, measure_keys: bool = False) -> StoreStats:
    k = store.keys
    pipe = store.text.pipeline(transaction=False)
    pipe.zcard(k.articles_by_time)
    pipe.zcard(k.stories_updated)
    pipe.hmget(k.lsh_meta, "seq", "floor")
    pipe.xlen(k.events)
    pipe.zcard(k.sources_due)
    pipe.zrange(k.articles_by_time, 0, 0, withscores=True)
    pipe.zrange(k.articles_by_time, -1, -1, withscores=True)
    pipe.xrange(k.events, count=1)
    pipe.xrevrange(k.events, count=1)
    pipe.get(k.schema)
    pipe.hmget(k.last_sweep, "at", "failed_at", "failure")
    (articles, stories, indexed, events, sources, oldest, newest, first_ev, last_ev, schema, sweeps) = pipe.execute()
    swept, failed, failure = sweeps
    memory = _memory_info(store)
    prefix_memory = prefix_keys = None
    if measure_keys:
        prefix_memory, prefix_keys = measure_prefix(store)
    return StoreStats(
        articles=int(articles),
        stories=int(stories),
        # article numbers given and not yet expired (storage/lsh.py): live index records, at most
        indexed=max(0, int(indexed[0] or 0) - int(indexed[1] or 1) + 1),
        events=int(events),
        sources=int(sources),
        oldest_article=_ts(oldest[0][1]) if oldest else None,
        newest_article=_ts(newest[0][1]) if newest else None,
        oldest_event=_stream_time(first_ev[0][0]) if first_ev else None,
        newest_event=_stream_time(last_ev[0][0]) if last_ev else None,
        schema=int(schema) if schema else None,
        last_sweep=_ts(float(swept)) if swept else None,
        sweep_failed=_ts(float(failed)) if failed else None,
        sweep_failure=failure,
        redis_version=_server_version(store),
        used_memory=int(memory["used_memory"]),
        dataset_memory=int(memory["used_memory_dataset"]),
        maxmemory=int(memory["maxmemory"]),
        maxmemory_policy=str(memory["maxmemory_policy"]),
        prefix_memory=prefix_memory,
        prefix_keys=prefix_keys,
    )

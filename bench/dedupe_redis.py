"""Dedupe against Redis: ours (two round trips per article, batches pipelined) vs the plain
datasketch way (``MinHashLSH`` with Redis storage, named ``basename``, ``update_batch`` MinHash and a
Python union-find), side by side in one run.

    python -m bench.dedupe_redis [--docs 10000] [--plain-docs 2000] [--workers 2] [--redis-url URL]

Reported per pipeline: documents per second for signature + LSH query + insert + story assignment
("all"), and for the index stage alone, signatures computed beforehand ("index": LSH query + insert
+ story assignment, the issue's 5,000/s target); Redis round trips per document (counted on the
client: a command sent alone, a pipeline or a script call is one); Redis CPU per document (the
server's ``evalsha`` time from ``INFO commandstats``); and for ours the Redis memory of the dedupe
index per indexed document (the LSH table, index records and content hash: ``MEMORY USAGE``
summed over those keys) and of everything stored per document (used_memory growth; the article hash
holds the text too). ``--workers N`` adds a row with N processes indexing one stream at once (every
Nth document each), as N daemons would: the Redis server is then the limit.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from typing import Any

import redis

from bench.dedupe_speed import UnionFind, _shingles, synthetic_docs
from bench.pipeline import count_round_trips
from bench.redis_target import Target, add_redis_url, redis_target

PREFIX = "benchdd"


def _store(url: str) -> Any:
    from storage.connection import connect
    from wirewatch.settings import load_settings

    return connect(load_settings(env={}, redis_url=url, key_prefix=PREFIX))


def _clear(client: Any, pattern: str) -> None:
    for key in client.scan_iter(match=pattern, count=2000):
        client.delete(key)


def _index_bytes(store: Any) -> int:
    k = store.keys
    total = 0
    for key in store.text.scan_iter(match=f"{k.lsh_record_prefix}*", count=2000):
        total += int(store.text.memory_usage(key, samples=0) or 0)
    for key in (k.lsh_table, k.lsh_meta, k.content_hashes):
        total += int(store.text.memory_usage(key, samples=0) or 0)
    return total


def _records(chunk: list[tuple[str, str]], fps: list[Any], now: float, offset: int) -> list[Any]:
    from storage.story_index import ArticleRecord

    return [
        (ArticleRecord(id=doc_id, url=f"http://e.org/{doc_id}", canonical_url=f"http://e.org/{doc_id}",
                       source=f"outlet-{(offset + n) % 50}", title=doc_id, text=text, authors=(), published=now,
                       language="en", site_name=None, topics=(), guid=None), fp, ())
        for n, ((doc_id, text), fp) in enumerate(zip(chunk, fps, strict=True))
    ]


def _script_usec(client: Any) -> float:
    return float(client.info("commandstats").get("cmdstat_evalsha", {}).get("usec", 0))


def run_ours(docs: list[tuple[str, str]], url: str, trips: Any, batch: int) -> dict[str, float]:
    from dedupe import DedupeConfig, fingerprint_many
    from storage.story_index import StoryIndex

    store = _store(url)
    _clear(store.text, f"{PREFIX}:*")
    config = DedupeConfig()
    index = StoryIndex(store, config)
    used_before = int(store.text.info("memory")["used_memory"])
    usec0 = _script_usec(store.text)
    t0, n0 = time.perf_counter(), trips()
    now = time.time()
    in_index = 0.0
    for start in range(0, len(docs), batch):
        chunk = docs[start : start + batch]
        items = _records(chunk, fingerprint_many([(text, None) for _, text in chunk], config), now, start)
        t1 = time.perf_counter()
        index.add_many(items, now=now)
        in_index += time.perf_counter() - t1
    seconds = time.perf_counter() - t0
    n_trips = trips() - n0
    redis_usec = _script_usec(store.text) - usec0
    index_bytes = _index_bytes(store)
    used = int(store.text.info("memory")["used_memory"]) - used_before
    stories = int(store.text.zcard(store.keys.stories_updated))
    _clear(store.text, f"{PREFIX}:*")
    store.close()
    return {"docs": len(docs), "seconds": seconds, "index_seconds": in_index, "trips": n_trips,
            "index_bytes": index_bytes, "used": used, "stories": stories, "redis_usec": redis_usec}


def _worker(args: tuple[list[tuple[str, str]], str, int, int, float, Any]) -> tuple[float, float]:
    """One of N processes: fingerprints its share first, waits for the others, then indexes it;
    returns (start, end) of its index stage."""
    docs, url, batch, offset, now, barrier = args
    from dedupe import DedupeConfig, fingerprint_many
    from storage.story_index import StoryIndex

    store = _store(url)
    config = DedupeConfig()
    index = StoryIndex(store, config)
    fps = fingerprint_many([(text, None) for _, text in docs], config)
    items = _records(docs, fps, now, offset)
    barrier.wait()
    start = time.time()
    for i in range(0, len(items), batch):
        index.add_many(items[i : i + batch], now=now)
    end = time.time()
    store.close()
    return start, end


def run_workers(docs: list[tuple[str, str]], url: str, batch: int, workers: int) -> dict[str, float]:
    """N spawned processes index every Nth document at once; docs/s over the index stage only."""
    store = _store(url)
    _clear(store.text, f"{PREFIX}:*")
    usec0 = _script_usec(store.text)
    ctx = multiprocessing.get_context("spawn")
    now = time.time()
    with ctx.Manager() as manager:
        barrier = manager.Barrier(workers)
        with ctx.Pool(workers) as pool:
            spans = pool.map(_worker, [(docs[w::workers], url, batch, w, now, barrier) for w in range(workers)])
    seconds = max(e for _, e in spans) - min(s for s, _ in spans)
    redis_usec = _script_usec(store.text) - usec0
    stories = int(store.text.zcard(store.keys.stories_updated))
    _clear(store.text, f"{PREFIX}:*")
    store.close()
    return {"docs": len(docs), "seconds": float("nan"), "index_seconds": seconds, "trips": float("nan"),
            "index_bytes": float("nan"), "used": float("nan"), "stories": stories, "redis_usec": redis_usec}


def run_plain(docs: list[tuple[str, str]], url: str, trips: Any) -> dict[str, float]:
    from datasketch import MinHash, MinHashLSH

    client = redis.Redis.from_url(url)
    _clear(client, "benchplainlsh*")
    kw = client.connection_pool.connection_kwargs
    params = {"unix_socket_path": kw["path"]} if "path" in kw else {"host": kw["host"], "port": kw["port"],
                                                                      "db": kw.get("db", 0)}
    lsh = MinHashLSH(threshold=0.5, num_perm=128,
                     storage_config={"type": "redis", "basename": b"benchplainlsh", "redis": params})
    uf = UnionFind()
    used_before = int(client.info("memory")["used_memory"])
    t0, n0 = time.perf_counter(), trips()
    for doc_id, text in docs:
        m = MinHash(num_perm=128)
        m.update_batch(_shingles(text))
        for other in lsh.query(m):
            uf.union(doc_id, other.decode() if isinstance(other, bytes) else other)
        uf.find(doc_id)
        lsh.insert(doc_id, m)
    seconds = time.perf_counter() - t0
    n_trips = trips() - n0
    used = int(client.info("memory")["used_memory"]) - used_before
    _clear(client, "benchplainlsh*")
    return {"docs": len(docs), "seconds": seconds, "trips": n_trips, "index_bytes": used, "used": used,
            "stories": len({uf.find(d) for d, _ in docs})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--plain-docs", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="processes of the parallel row (0: skip it)")
    add_redis_url(parser)
    args = parser.parse_args()
    with redis_target(args.redis_url) as target:
        report(args, target)


def report(args: argparse.Namespace, target: Target) -> None:
    url = target.url
    trips = count_round_trips()
    docs = synthetic_docs(max(args.docs, args.plain_docs))
    plain = run_plain(docs[: args.plain_docs], url, trips) if args.plain_docs else None
    ours1 = run_ours(docs[: args.plain_docs or 2000], url, trips, batch=1)
    ours = run_ours(docs[: args.docs], url, trips, batch=args.batch)
    par = run_workers(docs[: args.docs], url, args.batch, args.workers) if args.workers > 1 else None
    print(f"\nRedis: {target.description}; ~700-word docs, "
          "a third edited copies; load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"{'pipeline':<50} {'docs':>7} {'all/s':>7} {'index/s':>8} {'RT/doc':>7} {'Redis us/doc':>12} "
          f"{'index B/doc':>12} {'all B/doc':>10}")
    rows = [("plain datasketch (MinHashLSH redis, update_batch)", plain),
            ("ours, one article at a time", ours1), (f"ours, batches of {args.batch}", ours),
            (f"ours, {args.workers} processes, batches of {args.batch}", par)]
    for name, r in rows:
        if r is None:
            continue
        index_rate = r["docs"] / r["index_seconds"] if "index_seconds" in r else float("nan")
        usec = r["redis_usec"] / r["docs"] if "redis_usec" in r else float("nan")
        print(f"{name:<50} {r['docs']:>7} {r['docs'] / r['seconds']:>7.0f} {index_rate:>8.0f} "
              f"{r['trips'] / r['docs']:>7.2f} {usec:>12.0f} {r['index_bytes'] / r['docs']:>12.0f} "
              f"{r['used'] / r['docs']:>10.0f}")
    if plain:
        print(f"speed-up over plain: one at a time {ours1['docs'] / ours1['seconds'] / (plain['docs'] / plain['seconds']):.0f}x, "
              f"batched {ours['docs'] / ours['seconds'] / (plain['docs'] / plain['seconds']):.0f}x")


if __name__ == "__main__":
    main()

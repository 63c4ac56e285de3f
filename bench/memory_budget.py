"""Memory budget: Redis bytes per stored article, text included, at a realistic steady state.

Feeds ``--articles`` generated news articles (fixture-site prose: wire stories reprinted by several
outlets, and stories only one outlet ran) through the daemon's own path (``StoryIndex.add``) at
``--per-day`` articles a simulated day, running the retention sweeper every simulated hour, then
measures:

* ``MEMORY USAGE ... SAMPLES 0`` summed over every key of the benchmark's prefix, by key family;
* ``used_memory`` growth of the server (exact only on a server of its own: ``--private`` starts a
  throwaway ``redis-server``; on a shared server other tenants' writes land in it too).

    python -m bench.memory_budget                      # 100k articles, redis://127.0.0.1:6379/13
    python -m bench.memory_budget --private            # on a private redis-server (clean used_memory)
    python -m bench.memory_budget --articles 5000      # a quick look

The database it uses is FLUSHED before and after (``--keep`` leaves the data for inspection).
Results go in bench/README.md, section "Memory".
"""

from __future__ import annotations

import argparse
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dedupe import DedupeConfig, fingerprint_many
from storage.connection import Store, connect
from storage.export import export_articles
from storage.keys import SCHEMA_VERSION
from storage.lsh import indexed_count
from storage.retention import RetentionPolicy, chunked, glob_escape, seen_field, sweep
from storage.story_index import ArticleRecord, StoryIndex
from tests.fixturesite import prose, wire
from wirewatch.settings import Settings, load_settings

BUDGET = 6 * 1024
HOUR = 3600.0
DAY = 86400.0
OUTLETS = 200


@dataclass(frozen=True, slots=True)
class Doc:
    id: str
    source: str
    title: str
    text: str
    topics: tuple[str, ...]


def generate(n: int, seed: int) -> Iterator[Doc]:
    """``n`` articles: about 40% wire copies (2-8 outlets per wire story), the rest single stories."""
    rng = random.Random(seed)
    events = sorted(prose.UKRAINE_EVENTS)
    made = 0
    while made < n:
        event = rng.choice(events)
        if rng.random() < 0.12:
            story = wire.write_wire_story(rng, f"w{made}", event)
            for c in range(min(rng.randint(2, 8), n - made)):
                outlet = rng.randrange(OUTLETS)
                copy = wire.reprint(story, wire.random_plan(rng, c), rng, f"Outlet {outlet}", "Lviv")
                yield Doc(f"a{made:07d}", f"outlet-{outlet}", copy.headline, "\n\n".join(copy.paragraphs),
                          ("ukraine", event))
                made += 1
        else:
            single = prose.write_story(rng, event, min_words=400, max_words=900)
            yield Doc(f"a{made:07d}", f"outlet-{rng.randrange(OUTLETS)}", single.headlines[0],
                      "\n\n".join(single.paragraphs), ("ukraine", event))
            made += 1


def family(key: str, prefix: str) -> str:
    """The key family a key belongs to (``article``, ``lsh``, ``story members`` ...)."""
    rest = key[len(prefix) + 1 :]
    head, _, tail = rest.partition(":")
    if head == "story":
        return "story members" if tail.endswith(":members") else "story"
    if head == "lsh":
        return {"table": "lsh table", "meta": "lsh table"}.get(tail.split(":")[0], "lsh records")
    if head in ("stories", "topic", "seen"):
        return f"{head} index"
    return head


def measure(store: Store) -> tuple[Counter[str], int, int]:
    """Bytes by key family for the prefix, and (keys outside the prefix, their bytes)."""
    by_family: Counter[str] = Counter()
    prefix = store.keys.prefix
    for chunk in chunked(store.text.scan_iter(match=glob_escape(prefix) + ":*", count=1000), 500):
        pipe = store.text.pipeline(transaction=False)
        for key in chunk:
            pipe.memory_usage(key, samples=0)
        for key, size in zip(chunk, pipe.execute(), strict=True):
            by_family[family(key, prefix)] += int(size or 0)
    stray_keys = stray_bytes = 0
    for key in store.text.scan_iter(count=1000):
        if not key.startswith(prefix + ":"):
            stray_keys += 1
            stray_bytes += int(store.text.memory_usage(key, samples=0) or 0)
    return by_family, stray_keys, stray_bytes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_private_server(workdir: Path, extra: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("--private needs redis-server on PATH")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return proc, f"redis://127.0.0.1:{port}/0"


def wait_ready(settings: Settings) -> Store:
    for _ in range(100):
        try:
            return connect(settings)
        except Exception:
            time.sleep(0.1)
    return connect(settings)


def run(args: argparse.Namespace) -> int:
    server = None
    url = args.url
    workdir = Path(tempfile.mkdtemp(prefix="ww-membench-"))
    if args.private:
        extra = ["--hash-max-listpack-value", str(args.listpack_value)] if args.listpack_value else []
        server, url = start_private_server(workdir, extra)
    settings = load_settings(env={}, redis_url=url, key_prefix=args.prefix, data_dir=str(workdir))
    store = wait_ready(settings)
    try:
        return _bench(store, settings, args)
    finally:
        if not args.keep:
            store.text.flushdb()
        store.close()
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def _bench(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    store.text.flushdb()
    store.text.set(store.keys.schema, SCHEMA_VERSION)
    config = DedupeConfig(window_seconds=args.window)
    policy = RetentionPolicy(max_age=args.retention, index_window=args.window,
                             event_maxlen=settings.event_stream_maxlen)
    index = StoryIndex(store, config, event_maxlen=settings.event_stream_maxlen)
    base_memory = int(store.text.info("memory")["used_memory"])
    k = store.keys
    start = time.time() - args.articles / args.per_day * DAY
    gap = DAY / args.per_day
    next_sweep = start + HOUR
    text_bytes = 0
    statuses: Counter[str] = Counter()
    rng = random.Random(args.seed + 1)
    sweep_times: list[float] = []
    began = time.monotonic()
    n = 0
    for chunk in chunked(generate(args.articles, args.seed), 500):
        fps = fingerprint_many([(d.text, d.title) for d in chunk], config)
        for doc, fp in zip(chunk, fps, strict=True):
            now = start + n * gap
            if now >= next_sweep:
                t = time.monotonic()
                sweep(store, policy, now=now)
                sweep_times.append(time.monotonic() - t)
                next_sweep += HOUR
            url = f"https://{doc.source}.example/news/{doc.id}"
            record = ArticleRecord(
                id=doc.id, url=url, canonical_url=url, source=doc.source, title=doc.title, text=doc.text,
                authors=("Staff reporter",), published=now - rng.uniform(0, 6 * HOUR), language="en",
                site_name=doc.source, topics=doc.topics, guid=url,
            )
            seen = ((k.seen_url, seen_field(url)), (k.seen_source(doc.source), seen_field(url)))
            statuses[index.add(record, fp, seen=seen, now=now).status] += 1
            text_bytes += len(doc.text.encode("utf-8"))
            n += 1
        if args.progress:
            print(f"  {n} articles, {time.monotonic() - began:.0f}s", file=sys.stderr)
    elapsed = time.monotonic() - began
    sweep(store, policy, now=start + n * gap)
    articles = int(store.text.zcard(k.articles_by_time))
    by_family, stray_keys, stray_bytes = measure(store)
    used = int(store.text.info("memory")["used_memory"]) - base_memory
    total = sum(by_family.values())
    version = store.text.info("server")["redis_version"]
    print(f"Redis {version}; {n} articles fed at {args.per_day}/day over {n / args.per_day:.0f} simulated days "
          f"in {elapsed:.0f}s ({n / elapsed:.0f}/s), hourly sweeps, dedupe window {args.window / DAY:g} days")
    print(f"stored: {articles} articles, {store.text.zcard(k.stories_updated)} stories "
          f"({dict(statuses)}), {indexed_count(store)} still indexed, "
          f"{store.text.xlen(k.events)} events")
    print(f"text: {text_bytes / n:.0f} bytes/article on average (UTF-8)")
    print(f"prefix keys (MEMORY USAGE): {total / articles:.0f} bytes/article "
          f"= text {text_bytes / n:.0f} + overhead {(total - text_bytes) / articles:.0f}")
    for name, size in by_family.most_common():
        print(f"    {name:<16} {size / articles:>7.0f} bytes/article")
    if stray_keys:
        print(f"keys outside the prefix: {stray_keys} ({stray_bytes / articles:.0f} bytes/article; not wirewatch's "
              "layout: see bench/README.md)")
    clean = used - stray_bytes
    print(f"server used_memory growth: {used / articles:.0f} bytes/article, {clean / articles:.0f} without the keys "
          f"outside the prefix ({'private server' if args.private else 'shared server: includes other tenants'})")
    worst = max(total, clean if args.private else 0) / articles
    verdict = "within" if worst < BUDGET else "OVER"
    print(f"budget {BUDGET} bytes/article: {verdict} ({worst:.0f})")
    t0 = time.monotonic()
    deep = sweep(store, policy, now=start + n * gap, deep=True)
    t1 = time.monotonic()
    exported = sum(1 for _ in export_articles(store))
    t2 = time.monotonic()
    if sweep_times:
        print(f"hourly sweeps: {len(sweep_times)}, mean {1000 * sum(sweep_times) / len(sweep_times):.1f} ms, "
              f"longest {1000 * max(sweep_times):.1f} ms")
    print(f"operations at this size: deep sweep {t1 - t0:.1f}s ({deep.summary()}); "
          f"export of {exported} articles {t2 - t1:.1f}s")
    return 0 if worst < BUDGET else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--per-day", type=int, default=2000, help="simulated arrival rate")
    parser.add_argument("--window", type=int, default=3 * 86400, help="dedupe window, seconds")
    parser.add_argument("--retention", type=int, default=90 * 86400, help="retention age, seconds")
    parser.add_argument("--url", default="redis://127.0.0.1:6379/13", help="FLUSHED before and after")
    parser.add_argument("--prefix", default="wwbench")
    parser.add_argument("--private", action="store_true", help="start a throwaway redis-server")
    parser.add_argument("--listpack-value", type=int, default=0,
                        help="with --private: the server's hash-max-listpack-value (default: Redis's, 64)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="leave the data in Redis")
    parser.add_argument("--progress", action="store_true")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

"""API load benchmark: fill Redis with articles in realistic stories, then measure the HTTP API.

1. Fill: ``--articles`` articles (default 100,000; the issue's target is 1,000,000) in stories of a
   heavy-tailed size (45% singletons, a few wire stories reprinted by up to 80 outlets), from 400
   outlets of Zipf-like popularity, over ``--days`` days, ingested in publication order through
   the real store code, pipelined: ``StoryIndex.add_many`` in batches of 200 (LSH query, dedupe
   decision, then the commit script writing article, index, story, serving indexes and events).
   A story's reprints share its text's MinHash signature (``dedupe.fingerprint_many``, computed
   once per story) with their own content hash; the run checks every article landed in its story.
   ``--fill-seconds`` stops the fill early and measures what it stored.
2. Serve: ``wirewatch serve`` in a subprocess (the real entry point), against the same database,
   once per ``--modes`` entry (``MODES``: caches off, page cache, page + story fragment cache,
   and the latter with every request a distinct URL so that only the fragment cache can answer).
3. Load: ``wrk`` on loopback for ``/stories?limit=50``, a deep cursor page, ``/feeds/all.atom`` and
   one topic's feed (``--endpoints``), each at 1 connection (latency) and ``--connections``
   (throughput); p50/p99 and requests per second from wrk's latency distribution, and each
   cache's hit rate from the server's /metrics. Measured quiet, then again while a child process
   adds ``--ingest-rate`` articles a second through ``StoryIndex.add_many`` (half reprints that
   grow a recently updated story, half new stories): the real situation, where every commit
   invalidates the page cache.
4. Redis memory: growth of ``used_memory`` over the fill (the server may be shared: see the note).

    python -m bench.api_load                        # 100k articles on redis://127.0.0.1:6379/14
    python -m bench.api_load --articles 1000000     # the issue's size
    python -m bench.api_load --skip-fill --keep     # measure again on data left by --keep
    python -m bench.api_load --redis-url redis://127.0.0.1:6401/0 --articles 1000000 \
        --fill-seconds 1800 --modes off,page+fragment,fragment --endpoints first,atom-topic

The database is FLUSHED before the fill and after the run (``--keep`` leaves the data).
Results go in bench/README.md, section "API".
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import httpx

from dedupe import DedupeConfig, Fingerprint, fingerprint_many
from storage.connection import Store, connect
from storage.keys import SCHEMA_VERSION
from storage.story_index import ArticleRecord, StoryIndex
from wirewatch.settings import load_settings

OUTLETS = 400
TOPICS = ("ukraine", "black-sea", "gaza", "sudan", "sahel", "nagorno-karabakh", "energy", "drones")
BATCH = 200
BATCH_SPAN = 600.0
ACTORS = ("Officials", "Rescuers", "The army", "Negotiators", "Aid groups", "Residents", "Ministers", "Observers",
          "The navy", "Engineers", "Monitors", "Prosecutors", "Medics", "Diplomats", "Farmers", "Volunteers")
VERBS = ("report", "confirm", "deny", "warn of", "restore", "halt", "extend", "investigate", "count", "evacuate")
OBJECTS = ("shelling", "power cuts", "a ceasefire", "grain exports", "drone strikes", "prisoner swaps", "aid convoys",
           "water supplies", "border crossings", "troop movements", "casualties", "port traffic")
PLACES = ("Odesa", "Kharkiv", "Khartoum", "Gaza City", "Stepanakert", "Bamako", "Mykolaiv", "Rafah", "El Fasher",
          "Zaporizhzhia", "Kherson", "Goma", "Tigray", "Sumy", "Dnipro", "Niamey")
WORDS = (
    "the", "of", "and", "to", "in", "a", "said", "on", "that", "for", "was", "with", "officials", "forces",
    "city", "region", "attack", "civilians", "government", "minister", "talks", "ceasefire", "border",
    "drones", "night", "artillery", "village", "river", "bridge", "humanitarian", "corridor", "convoy", "aid",
    "refugees", "power", "station", "missiles", "defence", "air", "sirens", "hospital", "damaged", "rescue",
    "teams", "residents", "statement", "military", "spokesman", "killed", "wounded", "morning", "evening",
    "villages", "roads", "checkpoint", "negotiators", "agreement", "monitors", "observers", "report", "week",
    "month", "water", "grain", "port", "ships", "insurers", "exports", "shelling", "front", "line", "troops",
    "supplies", "electricity", "grid", "repairs", "schools", "shelters", "families", "children", "food",
)


@dataclass(frozen=True, slots=True)
class Planned:
    published: float
    story: int
    member: int  # 0 = the story's first article
    source: int


def outlet(i: int) -> str:
    return f"outlet-{i:03d}" if i >= 8 else ("wire-ap", "wire-reuters", "wire-afp", "wire-dpa", "wire-efe",
                                             "wire-ansa", "wire-tass", "wire-ukrinform")[i]


def story_size(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.45:
        return 1
    if r < 0.80:
        return rng.randint(2, 5)
    if r < 0.95:
        return rng.randint(6, 20)
    return rng.randint(21, 80)


def plan(n: int, days: float, end: float, seed: int) -> tuple[list[Planned], list[tuple[str, tuple[str, ...]]]]:
    """Articles in publication order, and per story its title and topics."""
    rng = random.Random(seed)
    weights = [1.0 / (i + 1) ** 0.9 for i in range(OUTLETS)]
    start = end - days * 86400
    planned: list[Planned] = []
    stories: list[tuple[str, tuple[str, ...]]] = []
    while len(planned) < n:
        sid = len(stories)
        size = min(story_size(rng), n - len(planned))
        t0 = rng.uniform(start, end - 6 * 3600)
        first = rng.randrange(8) if size > 3 else rng.choices(range(OUTLETS), weights)[0]
        chosen = [first]
        while len(chosen) < size:
            o = rng.choices(range(OUTLETS), weights)[0]
            if o not in chosen:
                chosen.append(o)
        times = sorted(t0 + rng.expovariate(1 / 7200) for _ in range(size - 1))
        for member, (o, t) in enumerate(zip(chosen, [t0, *times], strict=True)):
            planned.append(Planned(t, sid, member, o))
        title = f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {rng.choice(PLACES)}"
        stories.append((title, tuple(rng.sample(TOPICS, rng.choice((1, 1, 2))))))
    planned.sort(key=lambda p: p.published)
    return planned, stories


def story_text(sid: int, words: int) -> str:
    """The story's text: sentences of 14 words drawn from a news vocabulary, fixed by ``sid``."""
    picked = random.Random(sid * 7919 + 17).choices(WORDS, k=words)
    sentences = [" ".join(picked[i : i + 14]) for i in range(0, words, 14)]
    return " ".join(s[0].upper() + s[1:] + "." for s in sentences)


def fingerprints(texts: list[str], config: DedupeConfig) -> Iterator[Fingerprint]:
    for lo in range(0, len(texts), 1000):
        yield from fingerprint_many([(t, None) for t in texts[lo : lo + 1000]], config)


def batches(planned: list[Planned]) -> Iterator[list[Planned]]:
    """Batches in publication order of at most ``BATCH`` articles published within
    ``BATCH_SPAN`` seconds (a batch is stored with one clock), and at most one per story: the
    articles of a batch are committed in one pipeline, where a second member of the same story
    would only find its twin after the fact and go round again (``add_many`` retries a few times,
    not 80 times)."""
    queue = deque(planned)
    while queue:
        batch: list[Planned] = []
        taken: set[int] = set()
        later: list[Planned] = []
        start = queue[0].published
        while queue and len(batch) < BATCH and queue[0].published - start <= BATCH_SPAN:
            p = queue.popleft()
            (later if p.story in taken else batch).append(p)
            taken.add(p.story)
        queue.extendleft(reversed(later))
        yield batch


def fill(store: Store, args: argparse.Namespace) -> dict[str, Any]:
    """Every planned article through commit.lua, pipelined; returns counts and timings."""
    cfg = DedupeConfig()
    index = StoryIndex(store, cfg)
    end = time.time() - 600
    t = time.perf_counter()
    planned, stories = plan(args.articles, args.days, end, args.seed)
    t_plan = time.perf_counter() - t
    t = time.perf_counter()
    texts = [story_text(sid, args.words) for sid in range(len(stories))]
    fps = list(fingerprints(texts, cfg))
    t_fp = time.perf_counter() - t
    sizes: dict[int, int] = {}
    retried = not_ok = 0
    t = time.perf_counter()
    done = 0
    stop_at = time.monotonic() + args.fill_seconds if args.fill_seconds else None
    for batch in batches(planned):
        if stop_at is not None and time.monotonic() > stop_at:
            print(f"  fill stopped after {args.fill_seconds} s (--fill-seconds) at {done:,} articles",
                  file=sys.stderr, flush=True)
            break
        items: list[tuple[ArticleRecord, Fingerprint, tuple[tuple[str, str], ...]]] = []
        for p in batch:
            title, topics = stories[p.story]
            src = outlet(p.source)
            url = f"https://{src}.example/{p.story}/{p.member}"
            record = ArticleRecord(f"{p.story:08x}{p.member:08x}", url, url, src,
                                   title if p.member == 0 else f"{title} ({src})",
                                   texts[p.story] + f" Reporting by {src}.", (), p.published, "en", src, topics, None)
            # Reprints share the story text's signature; the content hash tells them apart.
            items.append((record, replace(fps[p.story], content_hash=f"{p.story:x}-{p.member:x}"), ()))
        # One ingest batch, as the daemon writes one: the same clock for all of it.
        results = index.add_many(items, now=max(p.published for p in batch) + 60)
        for p, res in zip(batch, results, strict=True):
            sizes[p.story] = sizes.get(p.story, 0) + 1
            retried += res.round_trips > 2
            if res.story_id != f"s{p.story:08x}00000000":
                not_ok += 1
        done += len(batch)
        if done % 50_000 < len(batch) or done == len(planned):
            rate = done / (time.perf_counter() - t)
            print(f"  filled {done:,} articles ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    t_commit = time.perf_counter() - t
    return {
        "articles": done, "articles_planned": len(planned), "stories": len(sizes), "misassigned": not_ok, "retried": retried,
        "mean_story_size": round(sum(sizes.values()) / len(sizes), 2), "largest_story": max(sizes.values()),
        "plan_s": round(t_plan, 1), "fingerprint_s": round(t_fp, 1), "commit_s": round(t_commit, 1),
        "commits_per_s": round(done / t_commit),
    }


def ingest_loop(redis_url: str, prefix: str, rate: float, words: int, stop: Any, counts: Any) -> None:
    """Articles through ``StoryIndex.add_many`` at ``rate`` a second, one per commit (a live
    daemon commits as pages arrive), until ``stop`` is set: half are reprints joining one of the
    200 most recently updated stories (it grows and moves to the top), half start a story.
    ``counts``: [added, joined as planned, started]."""
    store = connect(load_settings(env={}, config_file=None, redis_url=redis_url, key_prefix=prefix))
    cfg = DedupeConfig()
    index = StoryIndex(store, cfg)
    run = int(time.time()) % 2000  # article and story numbers apart from the fill's and other runs'
    rng = random.Random(run)
    recent: list[str] = []
    n = 0
    t0 = time.monotonic()
    try:
        while not stop.is_set():
            wait = t0 + n / rate - time.monotonic()
            if wait > 0 and stop.wait(wait):
                break
            if n % 50 == 0:
                recent = [sid for sid in store.text.zrange(store.keys.stories_updated, 0, 199, desc=True)
                          if len(sid) == 17 and sid.endswith("00000000")]
            joining = bool(recent) and rng.random() < 0.5
            sid = int(rng.choice(recent)[1:9], 16) if joining else 0x40000000 + run * 100_000 + n
            member = 0x10000000 + run * 100_000 + n if joining else 0
            src = outlet(rng.randrange(OUTLETS))
            text = story_text(sid, words)
            url = f"https://{src}.example/{sid}/{member}"
            record = ArticleRecord(f"{sid:08x}{member:08x}", url, url, src, f"Update {n} ({src})",
                                   text + f" Reporting by {src}.", (), time.time(), "en", src,
                                   (rng.choice(TOPICS),), None)
            fp = replace(fingerprint_many([(text, None)], cfg)[0], content_hash=f"live-{run}-{n}")
            item: tuple[ArticleRecord, Fingerprint, tuple[tuple[str, str], ...]] = (record, fp, ())
            result = index.add_many([item], now=time.time())[0]
            n += 1
            counts[0] += 1
            if result.story_id == f"s{sid:08x}00000000":
                counts[1 if joining else 2] += 1
    finally:
        store.close()


class Ingest:
    """``ingest_loop`` in a child process for the length of a ``with`` block."""

    def __init__(self, args: argparse.Namespace) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.stop = ctx.Event()
        self.counts = ctx.Array("l", 3)
        self.proc = ctx.Process(target=ingest_loop, daemon=True, args=(
            args.redis_url, args.prefix, args.ingest_rate, args.words, self.stop, self.counts))
        self.started = 0.0

    def __enter__(self) -> Ingest:
        self.proc.start()
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.proc.join(30)
        if self.proc.is_alive():
            self.proc.kill()

    def report(self) -> dict[str, Any]:
        added, joined, started = self.counts[:]
        seconds = time.monotonic() - self.started
        return {"articles_added": added, "joined_planned_story": joined, "started_story": started,
                "articles_per_s": round(added / seconds, 1)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Servers measured: (api_cache_seconds, fragment cache on, every request a distinct URL). off: no
# cache; page: the response cache only; page+fragment: both (the shipped behaviour; both follow
# api_cache_seconds); fragment: both, but every request's URL differs (an ignored parameter), so
# the page cache never answers: what a request costs when its page is not cached (many clients
# with their own filters and cursors, or a page that just changed).
MODES = {"off": (0.0, False, False), "page": (10.0, False, False), "page+fragment": (10.0, True, False),
         "fragment": (10.0, True, True)}


def start_server(args: argparse.Namespace, port: int, mode: str) -> subprocess.Popen[bytes]:
    cache_seconds, fragments, _ = MODES[mode]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_") and k != "REDIS_URL"}
    env.update({
        "WIREWATCH_REDIS_URL": args.redis_url, "WIREWATCH_KEY_PREFIX": args.prefix, "WIREWATCH_LOG_LEVEL": "WARNING",
        "WIREWATCH_STORY_QUIET_AFTER": "0", "WIREWATCH_SOURCES": os.devnull + ".absent",
        "WIREWATCH_API_CACHE_SECONDS": str(cache_seconds),
    })
    # The fragment cache has no setting of its own: its byte bound at 0 turns it off.
    boot = "" if fragments else "import wirewatch.api.fragments as f; f.MAX_BYTES = 0; "
    cmd = [sys.executable, "-c", boot + "from wirewatch.cli import main; main()", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"wirewatch serve exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("wirewatch serve did not start")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * _UNITS[m.group(2)]


# Appends v=<run>-<thread>-<n> to every request's URL (``distinct``): the page cache keys on the URL.
_DISTINCT_LUA = """
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) n = 0 end
function request()
  n = n + 1
  return wrk.format(nil, wrk.path .. "%s" .. "v=%s-" .. tid .. "-" .. n)
end
"""


def wrk(url: str, *, connections: int, threads: int, seconds: int, distinct: bool = False) -> dict[str, float]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    with tempfile.TemporaryDirectory() as tmp:
        if distinct:
            script = os.path.join(tmp, "distinct.lua")
            with open(script, "w", encoding="utf-8") as f:
                f.write(_DISTINCT_LUA % ("&" if "?" in url else "?", os.urandom(4).hex()))
            cmd[1:1] = ["-s", script]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if not rps or "50" not in lat:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    return {"p50_ms": round(_ms(lat["50"]), 2), "p99_ms": round(_ms(lat["99"]), 2),
            "rps": round(float(rps.group(1))), "non_2xx": int(errors.group(1)) if errors else 0}


_CACHE_LINE = re.compile(r'^wirewatch_api_cache_(hits|misses)_total\{cache="(\w+)"\} ([\d.e+]+)$', re.M)


def cache_counts(base: str) -> dict[str, float]:
    text = httpx.get(f"{base}/metrics", timeout=30).text
    return {f"{cache}_{kind}": float(v) for kind, cache, v in _CACHE_LINE.findall(text)}


def hit_rates(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Share of lookups each cache answered between two scrapes (a fragment lookup is per story)."""
    out = {}
    for cache in ("page", "fragment"):
        hits = after.get(f"{cache}_hits", 0) - before.get(f"{cache}_hits", 0)
        misses = after.get(f"{cache}_misses", 0) - before.get(f"{cache}_misses", 0)
        if hits + misses:
            out[f"{cache}_hit_rate"] = round(hits / (hits + misses), 3)
    return out


ENDPOINTS = ("first", "deep", "atom-all", "atom-topic")


def measure(args: argparse.Namespace, store: Store, mode: str) -> dict[str, Any]:
    """One server in ``mode``: each endpoint at 1 and ``--connections`` connections, quiet and (with
    ``--ingest-rate``) while articles arrive."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(args, port, mode)
    try:
        cursor = None
        for _ in range(20):  # 20 pages down: a deep keyset page costs what the first does
            body = httpx.get(f"{base}/stories", params={"limit": 50, **({"cursor": cursor} if cursor else {})},
                             timeout=30).json()
            cursor = body["next_cursor"]
        first = httpx.get(f"{base}/stories?limit=50", timeout=30).json()["stories"]
        topic = max(TOPICS, key=lambda tp: store.text.zcard(store.keys.topic_stories(tp)))
        urls = {
            "first": ("/stories?limit=50", f"{base}/stories?limit=50"),
            "deep": ("/stories?limit=50 (page 21)", f"{base}/stories?limit=50&cursor={cursor}"),
            "atom-all": ("/feeds/all.atom", f"{base}/feeds/all.atom"),
            "atom-topic": (f"/feeds/{topic}.atom", f"{base}/feeds/{topic}.atom"),
        }
        results: dict[str, Any] = {
            "response_bytes": {"/stories?limit=50": len(json.dumps({"stories": first}))},
            "articles_in_first_page": sum(len(s["articles"]) for s in first),
        }
        conditions = (["quiet"] if args.quiet else []) + (["ingest"] if args.ingest_rate > 0 else [])
        for condition in conditions:
            ingest = Ingest(args) if condition == "ingest" else None
            if ingest is not None:
                ingest.__enter__()
            try:
                out: dict[str, Any] = {}
                for name in args.endpoints:
                    label, url = urls[name]
                    httpx.get(url, timeout=30)  # warm
                    row = {}
                    for conns, threads in ((1, 1), (args.connections, 2)):
                        before = cache_counts(base)
                        row[f"{conns} connection{'s' if conns > 1 else ''}"] = {
                            **wrk(url, connections=conns, threads=threads, seconds=args.seconds,
                                  distinct=MODES[mode][2]),
                            **hit_rates(before, cache_counts(base)),
                        }
                    out[label] = row
                    print(f"  {mode} {condition} {label}: {row}", file=sys.stderr, flush=True)
                if ingest is not None:
                    out["ingest"] = ingest.report()
            finally:
                if ingest is not None:
                    ingest.__exit__(None, None, None)
            results[condition] = out
        return results
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def used_memory(store: Store) -> int:
    return int(store.text.info("memory")["used_memory"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--days", type=float, default=30.0, help="time span the articles were published over")
    ap.add_argument("--words", type=int, default=120, help="words per article text")
    ap.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    ap.add_argument("--prefix", default="benchapi")
    ap.add_argument("--seconds", type=int, default=10, help="wrk duration per measurement")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-fill", action="store_true", help="measure the data a --keep run left")
    ap.add_argument("--keep", action="store_true", help="leave the data in Redis")
    ap.add_argument("--fill-seconds", type=float, default=0,
                    help="stop the fill after this long and measure what it stored (0: fill everything)")
    ap.add_argument("--modes", default=",".join(MODES), help=f"servers to measure, of {', '.join(MODES)}")
    ap.add_argument("--endpoints", default=",".join(ENDPOINTS), help=f"of {', '.join(ENDPOINTS)}")
    ap.add_argument("--ingest-rate", type=float, default=10.0,
                    help="articles/s added while measuring again under ingest (0: quiet only)")
    ap.add_argument("--no-quiet", dest="quiet", action="store_false", help="measure under ingest only")
    args = ap.parse_args(argv)
    args.modes = [m for m in args.modes.split(",") if m]
    args.endpoints = [e for e in args.endpoints.split(",") if e]
    bad = sorted(set(args.modes) - set(MODES)) + sorted(set(args.endpoints) - set(ENDPOINTS))
    if bad:
        ap.error(f"unknown mode or endpoint: {', '.join(bad)}")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is required: apt-get install -y wrk")
    settings = load_settings(env={}, config_file=None, redis_url=args.redis_url, key_prefix=args.prefix)
    store = connect(settings)
    report: dict[str, Any] = {"articles_requested": args.articles, "redis": args.redis_url}
    try:
        if not args.skip_fill:
            store.text.flushdb()
            # what connect() stamped on the empty database went with the flush
            store.text.set(store.keys.schema, SCHEMA_VERSION)
            before = used_memory(store)
            report["fill"] = fill(store, args)
            after = used_memory(store)
            report["redis_used_memory_growth_mb"] = round((after - before) / 2**20, 1)
            report["redis_bytes_per_article"] = round((after - before) / max(1, report["fill"]["articles"]))
        report["stored"] = {"stories": store.text.zcard(store.keys.stories_updated),
                            "articles": store.text.zcard(store.keys.articles_by_time),
                            "db_keys": store.text.dbsize()}
        # Uncached: every request reads Redis and renders. Cached: the server's response cache
        # (reused while the index is unchanged, as between two ingests) answers repeat requests.
        # off: every request reads Redis and renders. page: the response cache (reused while the
        # index is unchanged: any ingest changes it). page+fragment: also per-story JSON reused
        # while that story is unchanged (what ships).
        report["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
        for mode in args.modes:
            report[f"load_{mode}"] = measure(args, store, mode)
        report["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        report["stored_after"] = {"stories": store.text.zcard(store.keys.stories_updated),
                                  "articles": store.text.zcard(store.keys.articles_by_time)}
    finally:
        if not args.keep:
            store.text.flushdb()
        store.close()
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

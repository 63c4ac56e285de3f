"""Scheduler load benchmark: the real daemon (`wirewatch run`) against 1,000 feeds that gain items.

For each instance count (default: one, then two, sharing one Redis):

1. A feed site (``bench.sched_fixture``, its own process) serves ``--sources`` RSS feeds, one per
   loopback host; each feed already holds ``--backlog`` items, and new ones appear over time.
2. ``--sources`` sources (``every: --every``) go in a generated sources file, and N ``wirewatch run``
   processes start against ``--redis-url`` through a counting proxy (``RoundTripProxy``), with
   ``WIREWATCH_KEY_PREFIX=--prefix``. They run for ``--duration`` seconds, then get SIGTERM.
3. Measured, from the daemons' "started" line to the end: articles per second (backlog pass and
   steady state), CPU seconds of the daemon processes per article (psutil), Redis round trips and
   commands per article (counted by the proxy, so only our daemons' traffic: the server may be
   shared, and ``INFO`` counts every tenant), and freshness: from an item appearing in its feed to its article stored in its
   story (``fetched_at``, written by the same Lua call that files it in the story), p50 and p95,
   beside the polling gaps the site observed and the adaptive intervals in force.

    python -m bench.scheduler_load                               # 1,000 sources, 1 then 2 instances
    python -m bench.scheduler_load --sources 200 --duration 60 --instances 1    # a quick look
    python -m bench.scheduler_load --tick 0.2                    # WIREWATCH_TICK_SECONDS=0.2

Keys under the prefix are deleted before each run; the database is FLUSHED at the end if it holds
nothing else (otherwise only the prefix is deleted; ``--keep`` leaves the data). Results go in
bench/README.md, section "Scheduler".
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psutil
import redis
import yaml

from bench.sched_fixture import FeedPlan, RoundTripProxy, plan_args
from crawlers.urls import canonicalize, url_id

REPO = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 5.0


@dataclass
class Snap:
    t: float
    daemon_cpu: list[float]
    site_cpu: float
    harness_cpu: float
    proxy: dict[str, int]
    commands: dict[str, int]
    redis_cpu: float
    busy: float  # machine-wide busy CPU seconds

    def minus(self, other: Snap) -> dict[str, Any]:
        cmds = {k: v - other.commands.get(k, 0) for k, v in self.commands.items()}
        return {
            "seconds": self.t - other.t,
            "daemon_cpu": [a - b for a, b in zip(self.daemon_cpu, other.daemon_cpu, strict=True)],
            "site_cpu": self.site_cpu - other.site_cpu, "harness_cpu": self.harness_cpu - other.harness_cpu,
            "round_trips": self.proxy["round_trips"] - other.proxy["round_trips"],
            "commands": {k: v for k, v in cmds.items() if v}, "redis_cpu": self.redis_cpu - other.redis_cpu,
            "busy": self.busy - other.busy,
        }


def _cpu(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return float(t.user + t.system)


class Harness:
    """One benchmark session: the proxy, a direct Redis client, and the runs."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        # Any, as in storage.connection.Store: redis-py's annotations cannot express decode_responses.
        self.direct: Any = redis.Redis.from_url(args.redis_url, decode_responses=True)
        parts = urlsplit(args.redis_url)
        self.proxy = None if args.direct else RoundTripProxy(parts.hostname or "127.0.0.1", parts.port or 6379)
        self.daemon_url = args.redis_url
        if self.proxy is not None:
            port = self.proxy.start()
            userinfo = parts.netloc.rpartition("@")[0]
            netloc = f"{userinfo}@127.0.0.1:{port}" if userinfo else f"127.0.0.1:{port}"
            self.daemon_url = urlunsplit(parts._replace(netloc=netloc))
        self.me = psutil.Process()

    def delete_prefix(self) -> int:
        n = 0
        for batch in _chunks(self.direct.scan_iter(f"{self.args.prefix}:*", count=1000), 500):
            n += self.direct.unlink(*batch)
        return n

    def snap(self, daemons: list[psutil.Process], site: psutil.Process) -> Snap:
        info = self.direct.info("cpu")
        proxy = self.proxy.counts() if self.proxy else {"round_trips": 0}
        commands = {k.removeprefix("cmd:"): v for k, v in proxy.items() if k.startswith("cmd:")}
        m = psutil.cpu_times()
        return Snap(
            time.time(), [_cpu(p) for p in daemons], _cpu(site), _cpu(self.me), proxy, commands,
            float(info["used_cpu_user"]) + float(info["used_cpu_sys"]),
            m.user + m.nice + m.system + m.irq + m.softirq + getattr(m, "steal", 0.0),
        )

    def stored(self, ids: dict[str, tuple[int, int]]) -> dict[tuple[int, int], float]:
        """Stored plan items -> fetched_at (the time the commit filed the article in its story)."""
        rows = self.direct.zrange(f"{self.args.prefix}:articles:by_time", 0, -1, withscores=True)
        return {ids[aid]: score for aid, score in rows if aid in ids}

    def queue_depth(self) -> tuple[int, int]:
        try:
            groups = self.direct.xinfo_groups(f"{self.args.prefix}:queue")
        except redis.ResponseError:
            return 0, 0
        for g in groups:
            return int(g.get("lag") or 0), int(g["pending"])
        return 0, 0

    # -- one run
    def run(self, instances: int) -> dict[str, Any]:
        a = self.args
        self.delete_prefix()
        tmp = Path(tempfile.mkdtemp(prefix="schedbench-"))
        epoch = time.time() + 3.0
        plan = FeedPlan(sources=a.sources, epoch=epoch, seed=a.seed, mean_gap=a.mean_gap, backlog=a.backlog,
                        hosts=a.hosts, horizon=a.duration + 600)
        site_proc = subprocess.Popen(
            [sys.executable, "-m", "bench.sched_fixture", "--sources", str(a.sources), "--epoch", repr(epoch),
             "--seed", str(a.seed), "--mean-gap", str(a.mean_gap), "--backlog", str(a.backlog),
             "--hosts", str(a.hosts), "--horizon", str(a.duration + 600)],
            cwd=REPO, stdout=subprocess.PIPE, text=True,
        )
        assert site_proc.stdout is not None
        port = int(site_proc.stdout.readline().split()[1])
        site = psutil.Process(site_proc.pid)
        ids = {url_id(canonicalize(plan.article_url(i, k, port))): (i, k)
               for i in range(a.sources) for k in range(len(plan.items(i)))}
        sources = tmp / "sources.yaml"
        sources.write_text(yaml.safe_dump({"sources": [
            {"name": plan.name(i), "kind": "feed", "url": plan.feed_url(i, port), "every": f"{a.every}s"}
            for i in range(a.sources)]}, sort_keys=False))
        env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_") and k != "REDIS_URL"}
        env.update(self.daemon_env(tmp))
        logs = [tmp / f"daemon-{n}.log" for n in range(instances)]
        handles = [log.open("w") for log in logs]
        procs = [subprocess.Popen([sys.executable, "-m", "wirewatch", "run", "--sources", str(sources)],
                                  cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=h) for h in handles]
        t_launch = time.time()
        daemons = [psutil.Process(p.pid) for p in procs]
        try:
            while not all("started:" in log.read_text() for log in logs):
                if any(p.poll() is not None for p in procs) or time.time() - t_launch > 120:
                    raise RuntimeError("a daemon did not start:\n" + "\n".join(log.read_text()[-2000:] for log in logs))
                time.sleep(0.2)
            s_ready = self.snap(daemons, site)
            t_end = s_ready.t + a.duration
            backlog = {(i, k) for i in range(a.sources) for k, it in enumerate(plan.items(i)) if it.appears < epoch}
            s_backlog: Snap | None = None
            timeline = []
            while time.time() < t_end:
                time.sleep(min(SAMPLE_SECONDS, max(0.0, t_end - time.time())))
                got = self.stored(ids)
                waiting, pending = self.queue_depth()
                timeline.append((round(time.time() - s_ready.t), len(got), waiting, pending))
                if s_backlog is None and backlog <= got.keys():
                    s_backlog = self.snap(daemons, site)
                if len(timeline) % 3 == 0:
                    print(f"  [{instances}] t={timeline[-1][0]:>4}s stored={len(got):>5} queue waiting={waiting:>4} "
                          f"claimed={pending:>3} load={os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
            s_end = self.snap(daemons, site)
            got = self.stored(ids)
            intervals = self.intervals(plan)
        finally:
            t_stop = time.time()
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            codes = [_wait(p, 60) for p in procs]
            for h in handles:
                h.close()
            stop_seconds = time.time() - t_stop
            with urllib.request.urlopen(f"http://{plan.host(0)}:{port}/__log", timeout=30) as resp:
                site_log = json.load(resp)
            site_proc.send_signal(signal.SIGTERM)
            _wait(site_proc, 10)
        runs = [_count_runs(log.read_text()) for log in logs]
        return summarise(plan, a, instances, s_ready, s_backlog, s_end, got, backlog, site_log, intervals,
                         timeline, runs, codes, stop_seconds)

    def daemon_env(self, tmp: Path) -> dict[str, str]:
        a = self.args
        env = {"WIREWATCH_REDIS_URL": self.daemon_url, "WIREWATCH_KEY_PREFIX": a.prefix,
               "WIREWATCH_ALLOW_PRIVATE_NETWORKS": "true", "WIREWATCH_DATA_DIR": str(tmp), "WIREWATCH_LOG_LEVEL": "INFO"}
        if a.tick is not None:
            env["WIREWATCH_TICK_SECONDS"] = str(a.tick)
        if a.concurrency is not None:
            env["WIREWATCH_CONCURRENCY"] = str(a.concurrency)
        return env

    def intervals(self, plan: FeedPlan) -> list[float]:
        pipe = self.direct.pipeline(transaction=False)
        for i in range(plan.sources):
            pipe.hget(f"{self.args.prefix}:source:{plan.name(i)}", "interval")
        return [float(v) for v in pipe.execute() if v]

    def finish(self) -> None:
        if self.args.keep:
            return
        ours = sum(1 for _ in self.direct.scan_iter(f"{self.args.prefix}:*", count=1000))
        if ours == self.direct.dbsize():
            self.direct.flushdb()
        else:
            print(f"the database holds other keys too: deleting only {self.args.prefix}:*", file=sys.stderr)
            self.delete_prefix()


def _chunks(it: Any, n: int) -> Any:
    batch: list[Any] = []
    for x in it:
        batch.append(x)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


def _wait(p: subprocess.Popen[Any], timeout: float) -> int | None:
    try:
        return p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(10)
        return None


def _count_runs(log: str) -> dict[str, int]:
    lines = log.splitlines()
    return {"runs": sum(1 for ln in lines if ": fetched " in ln or ": FAILED " in ln),
            "failed": sum(1 for ln in lines if ": FAILED " in ln),
            "warnings": sum(1 for ln in lines if " WARNING " in ln or " ERROR " in ln)}


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank); ``inf`` counts as larger than everything."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summarise(plan: FeedPlan, a: argparse.Namespace, instances: int, s_ready: Snap, s_backlog: Snap | None,
              s_end: Snap, got: dict[tuple[int, int], float], backlog: set[tuple[int, int]], site_log: dict[str, Any],
              intervals: list[float], timeline: list[tuple[int, int, int, int]], runs: list[dict[str, int]],
              codes: list[int | None], stop_seconds: float) -> dict[str, Any]:
    t0, t1 = s_ready.t, s_end.t
    stored = {key: t for key, t in got.items() if t <= t1}
    whole = s_end.minus(s_ready)
    n_whole = sum(1 for t in stored.values() if t >= t0)
    polls = {int(i): sorted(t for t, _ in p) for i, p in site_log["polls"].items()}
    out: dict[str, Any] = {
        "instances": instances, "sources": a.sources, "every": a.every, "duration": a.duration,
        "articles": n_whole, "articles_per_s": n_whole / whole["seconds"],
        "cpu_per_article": sum(whole["daemon_cpu"]) / max(1, n_whole),
        "cpu_per_instance": whole["daemon_cpu"],
        "round_trips_per_article": whole["round_trips"] / max(1, n_whole),
        "commands_per_article": sum(whole["commands"].values()) / max(1, n_whole),
        "top_commands_per_article": {k: round(v / max(1, n_whole), 2) for k, v in sorted(
            whole["commands"].items(), key=lambda kv: -kv[1])[:10]},
        "site_requests": dict(site_log["counts"]), "runs": runs, "exit_codes": codes,
        "stop_seconds": round(stop_seconds, 1), "max_waiting": max((w for _, _, w, _ in timeline), default=0),
        "timeline": timeline[::6],
        "machine": {"busy_cores": whole["busy"] / whole["seconds"], "ours_cores": (
            sum(whole["daemon_cpu"]) + whole["site_cpu"] + whole["harness_cpu"] + whole["redis_cpu"]) / whole["seconds"],
            "daemon_cores": sum(whole["daemon_cpu"]) / whole["seconds"], "site_cores": whole["site_cpu"] / whole["seconds"],
            "redis_cores": whole["redis_cpu"] / whole["seconds"], "load_end": os.getloadavg()},
    }
    done = [stored[k] for k in backlog if k in stored]
    if backlog:
        last = max(done) if len(done) == len(backlog) else math.inf
        out["backlog"] = {"items": len(backlog), "stored": len(done), "seconds": last - t0,
                          "articles_per_s": len(backlog) / (last - t0) if last < math.inf else None}
    if s_backlog is not None and s_end.t - s_backlog.t > 20:
        steady = s_end.minus(s_backlog)
        n = sum(1 for t in stored.values() if t >= s_backlog.t)
        feed_polls = sum(1 for p in polls.values() for t in p if t >= s_backlog.t)
        out["steady"] = {"seconds": steady["seconds"], "articles": n, "articles_per_s": n / steady["seconds"],
                         "cpu_per_article": sum(steady["daemon_cpu"]) / max(1, n),
                         "round_trips_per_article": steady["round_trips"] / max(1, n),
                         "feed_polls": feed_polls, "cpu_ms_per_poll": 1000 * sum(steady["daemon_cpu"]) / max(1, feed_polls),
                         "round_trips_per_poll": steady["round_trips"] / max(1, feed_polls)}
    out["polls_per_s"] = sum(1 for p in polls.values() for t in p if t0 <= t <= t1) / whole["seconds"]
    out["freshness"] = freshness(plan, a.every, t1, stored, polls, site_log["fetches"])
    gaps = [b - x for p in polls.values() for x, b in itertools.pairwise(p) if x >= t0]
    out["poll_gap"] = {"p50": pct(gaps, 0.5), "p95": pct(gaps, 0.95), "n": len(gaps)}
    out["interval"] = {"p50": pct(intervals, 0.5), "p95": pct(intervals, 0.95), "n": len(intervals)}
    return out


def freshness(plan: FeedPlan, every: float, t1: float, stored: dict[tuple[int, int], float],
              polls: dict[int, list[float]], fetches: dict[str, list[float]]) -> dict[str, Any]:
    """Delay from appearing to stored, for items that appeared at least ``every`` before the end;
    one not stored by the end counts as infinitely late. Split into the wait for a poll that saw it,
    the wait for its page to be fetched, and processing (extract, dedupe, commit)."""
    delays, poll_wait, fetch_wait, processing = [], [], [], []
    for i in range(plan.sources):
        for k, it in enumerate(plan.items(i)):
            if not plan.epoch <= it.appears <= t1 - every:
                continue
            s = stored.get((i, k))
            delays.append(s - it.appears if s is not None else math.inf)
            seen_by = next((t for t in polls.get(i, []) if t >= it.appears), None)
            fetched = min(fetches.get(f"{i}/{k}", [math.inf]))
            if s is not None and seen_by is not None and fetched < math.inf:
                poll_wait.append(seen_by - it.appears)
                fetch_wait.append(fetched - seen_by)
                processing.append(s - fetched)
    return {"items": len(delays), "not_stored": sum(1 for d in delays if d == math.inf),
            "p50": pct(delays, 0.5), "p95": pct(delays, 0.95), "poll_wait_p50": pct(poll_wait, 0.5),
            "poll_wait_p95": pct(poll_wait, 0.95), "fetch_wait_p50": pct(fetch_wait, 0.5),
            "processing_p50": pct(processing, 0.5), "processing_p95": pct(processing, 0.95)}


def _f(x: float | None, fmt: str = "{:.1f}") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return "not stored" if x == math.inf else fmt.format(x)


def report(results: list[dict[str, Any]]) -> str:
    head = "| | " + " | ".join(f"{r['instances']} instance{'s' if r['instances'] > 1 else ''}" for r in results) + " |"
    rows = [head, "| --- |" + " --- |" * len(results)]

    def row(label: str, fn: Any) -> None:
        rows.append(f"| {label} | " + " | ".join(fn(r) for r in results) + " |")

    row("articles stored (from start to end)", lambda r: f"{r['articles']:,} in {r['duration']:.0f} s")
    row("articles/s, whole run", lambda r: _f(r["articles_per_s"], "{:.2f}"))
    row("backlog pass: articles/s (time to store all)", lambda r: (
        f"{r['backlog']['articles_per_s']:.1f} ({r['backlog']['seconds']:.0f} s)" if r["backlog"]["articles_per_s"]
        else f"{r['backlog']['stored']:,} of {r['backlog']['items']:,} stored by the end"))
    row("steady: articles/s stored", lambda r: _f(r.get("steady", {}).get("articles_per_s"), "{:.2f}"))
    row("CPU s per article, whole run (daemons)", lambda r: _f(r["cpu_per_article"], "{:.3f}"))
    row("CPU s per article, steady (polling included)", lambda r: _f(r.get("steady", {}).get("cpu_per_article"), "{:.3f}"))
    row("CPU ms per feed poll, steady (articles included)", lambda r: _f(r.get("steady", {}).get("cpu_ms_per_poll")))
    row("Redis round trips per article (proxy), whole run", lambda r: _f(r["round_trips_per_article"]))
    row("Redis round trips per article, steady", lambda r: _f(r.get("steady", {}).get("round_trips_per_article")))
    row("Redis commands per article (proxy), whole run", lambda r: _f(r["commands_per_article"]))
    row("Redis round trips per feed poll, steady", lambda r: _f(r.get("steady", {}).get("round_trips_per_poll")))
    row("freshness p50 / p95 (s)", lambda r: " / ".join(
        _f(r["freshness"][q]) if r["freshness"][q] != math.inf else f"> {r['every']} (not stored)" for q in ("p50", "p95")))
    row("freshness items (not stored by the end)", lambda r: f"{r['freshness']['items']} ({r['freshness']['not_stored']})")
    row("p50 split: wait for poll / page fetch / processing (s)", lambda r: " / ".join(
        _f(r["freshness"][k]) for k in ("poll_wait_p50", "fetch_wait_p50", "processing_p50")))
    row("observed gap between polls of a feed, p50 / p95 (s)", lambda r: f"{_f(r['poll_gap']['p50'])} / {_f(r['poll_gap']['p95'])}")
    row("adaptive interval in force at the end, p50 / p95 (s)", lambda r: f"{_f(r['interval']['p50'])} / {_f(r['interval']['p95'])}")
    row("feed polls 200 / 304, article fetches", lambda r: "{feed_200} / {feed_304}, {article}".format(
        **{k: r["site_requests"].get(k, 0) for k in ("feed_200", "feed_304", "article")}))
    row(f"feed polls/s (every source on time: {results[0]['sources'] / results[0]['every']:.1f})",
        lambda r: _f(r["polls_per_s"]))
    row("most queued runs waiting", lambda r: str(r["max_waiting"]))
    row("runs per instance (failed)", lambda r: ", ".join(f"{x['runs']} ({x['failed']})" for x in r["runs"]))
    row("CPU cores used: daemons / site / Redis", lambda r: " / ".join(
        f"{r['machine'][k]:.2f}" for k in ("daemon_cores", "site_cores", "redis_cores")))
    row("machine: busy cores of 2 (others' share), load at end", lambda r: (
        f"{r['machine']['busy_cores']:.2f} ({max(0.0, r['machine']['busy_cores'] - r['machine']['ours_cores']):.2f}), "
        f"{r['machine']['load_end'][0]:.1f}"))
    row("SIGTERM: exit codes, seconds to stop", lambda r: f"{r['exit_codes']}, {r['stop_seconds']}")
    return "\n".join(rows)


def code_version() -> str:
    """The commit measured, and which daemon files differed from it (others edit the same tree)."""
    git = ["git", "-C", str(REPO)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--", "crawlers", "scheduler", "storage", "dedupe",
                            "wirewatch"], capture_output=True, text=True).stdout.split("\n")
    changed = [line[3:] for line in dirty if line.strip()]
    return f"{head}" + (f" + uncommitted {', '.join(changed)}" if changed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    plan_args(parser)
    parser.add_argument("--every", type=int, default=60, help="the sources' `every`, seconds (at least 30)")
    parser.add_argument("--duration", type=float, default=200.0, help="seconds per run, from the daemons' start")
    parser.add_argument("--instances", default="1,2", help="comma-separated instance counts, one run each")
    parser.add_argument("--tick", type=float, default=None, help="WIREWATCH_TICK_SECONDS (default: the daemon's)")
    parser.add_argument("--concurrency", type=int, default=None, help="WIREWATCH_CONCURRENCY (default: the daemon's)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--prefix", default="benchsched")
    parser.add_argument("--direct", action="store_true", help="no counting proxy (no round-trip counts)")
    parser.add_argument("--json", type=Path, default=None, help="write the raw results here")
    parser.add_argument("--keep", action="store_true", help="leave the last run's data in Redis")
    args = parser.parse_args()
    harness = Harness(args)
    code = code_version()  # at the start: the daemons import the tree as it is now
    results = []
    try:
        for n in (int(x) for x in args.instances.split(",")):
            print(f"run: {n} instance(s), {args.sources} sources every {args.every}s, {args.duration:.0f}s",
                  file=sys.stderr, flush=True)
            results.append(harness.run(n))
    finally:
        harness.finish()
    for r in results:
        r["code"] = code
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    print(f"code: {code}")
    print(report(results))
    for r in results:
        print(f"\n{r['instances']} instance(s): top commands per article {r['top_commands_per_article']}")
        print(f"  timeline (s, stored, waiting, claimed): {r['timeline']}")


if __name__ == "__main__":
    main()

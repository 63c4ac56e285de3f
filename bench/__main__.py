"""``python -m bench``: list the benchmarks, or run the quick ones with ``--quick``."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = [
    ("pipeline", "whole pipeline over the fixture site (50 outlets, 2,000 articles): articles/s, stage shares",
     ["--outlets", "20", "--articles-per-outlet", "20"]),
    ("dedupe_quality", "clustering precision/recall/F1/ARI on the labelled corpus", []),
    ("dedupe_speed", "signature + LSH + assignment docs/s vs datasketch naive and batch", ["--quick"]),
    ("extraction_quality", "extraction F1 vs trafilatura defaults on devdata and our pages", []),
    ("memory_budget", "Redis bytes per stored article", []),
    ("api_load", "/stories and /feeds latency under load", []),
    ("scheduler_load", "1,000 simulated sources, one and two daemon instances", []),
    ("dedupe_redis", "dedupe index against a real Redis: ours vs datasketch MinHashLSH redis storage", []),
    ("dedupe_profile", "where the dedupe script's Redis time goes, section by section", []),
    ("heartbeat_lookup", "finding live daemons on a 1M-key store: heartbeat directory vs SCAN", []),
]


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    for name, what, _quick_args in BENCHMARKS:
        print(f"python -m bench.{name:<20} {what}")
    if not quick:
        print("\nrun one of the above, or `python -m bench --quick` for the quick ones")
        return
    for name, _, quick_args in BENCHMARKS[:3]:
        print(f"\n== bench.{name} {' '.join(quick_args)}", flush=True)
        subprocess.run([sys.executable, "-m", f"bench.{name}", *quick_args], check=False)


if __name__ == "__main__":
    main()

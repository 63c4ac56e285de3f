"""Per-stage time accounting (fetch, parse, extract, dedupe, store) for progress output and the
pipeline benchmark. A process-wide accumulator: cheap enough to leave on (two perf_counter calls
per stage per article)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

STAGES = ("fetch", "parse", "extract", "dedupe", "store")
_totals: defaultdict[str, float] = defaultdict(float)
_counts: defaultdict[str, int] = defaultdict(int)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        _totals[stage] += time.perf_counter() - start
        _counts[stage] += 1


def add(stage: str, seconds: float) -> None:
    _totals[stage] += seconds
    _counts[stage] += 1


def snapshot() -> dict[str, tuple[float, int]]:
    return {stage: (_totals[stage], _counts[stage]) for stage in STAGES}


def reset() -> None:
    _totals.clear()
    _counts.clear()

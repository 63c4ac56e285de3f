"""Extraction quality benchmark: ``python -m bench.extraction_quality [--write-baseline]``.

Scores ``crawlers.extract.extract_article`` against trafilatura's defaults
(``trafilatura.extract(html)``, no options) on two sets:

- ``devdata``: the 60 real pages with hand-checked bodies in ``../shared/devdata/extraction``
  (read in place, never copied into the repo; skipped when absent);
- ``generated``: the pages built by ``bench/make_extraction_pages.py`` in
  ``bench/data/extraction_pages`` (six languages, seven templates, lots of page furniture).

Metric (the article-extraction-benchmark's): word 4-gram multisets over ``\\w+`` tokens; precision
averaged over pages with a non-empty prediction, recall over all pages, F1 of the two averages.
``--write-baseline`` stores our figures, rounded down a little, in ``bench/extraction_baseline.json``,
the floor that ``tests/crawlers/test_extraction_quality.py`` enforces.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from crawlers.extract import extract_article
from wirewatch.errors import ExtractionError

REPO = Path(__file__).resolve().parents[1]
DEVDATA_DIR = REPO.parent / "shared" / "devdata" / "extraction"
GENERATED_DIR = REPO / "bench" / "data" / "extraction_pages"
BASELINE_FILE = REPO / "bench" / "extraction_baseline.json"
# The stored floor sits this far below the measured figure, so only a real regression trips it.
BASELINE_MARGIN = 0.005
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Sample:
    id: str
    html: bytes
    url: str | None
    truth: str


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    ms_per_page: float
    pages: int


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    words = _TOKEN.findall(text)
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def page_score(predicted: str, truth: str) -> tuple[float | None, float]:
    """(precision or None when nothing was predicted, recall) of one page."""
    pred, true = shingles(predicted), shingles(truth)
    common = sum((pred & true).values())
    precision = common / sum(pred.values()) if pred else None
    recall = common / sum(true.values()) if true else 1.0
    return precision, recall


def evaluate(samples: Sequence[Sample], extractor: Callable[[Sample], str]) -> tuple[Score, dict[str, tuple]]:
    """The set's score, and per page (precision, recall)."""
    if samples:
        extractor(samples[0])  # warm-up: imports and caches are not per-page cost
    per_page: dict[str, tuple[float | None, float]] = {}
    started = time.perf_counter()
    for sample in samples:
        per_page[sample.id] = page_score(extractor(sample), sample.truth)
    elapsed = time.perf_counter() - started
    precisions = [p for p, _ in per_page.values() if p is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(r for _, r in per_page.values()) / len(per_page) if per_page else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    ms = 1000 * elapsed / len(samples) if samples else 0.0
    return Score(precision, recall, f1, ms, len(samples)), per_page


def devdata_samples(root: Path = DEVDATA_DIR) -> list[Sample]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Sample(pid, gzip.decompress((root / "html" / f"{pid}.html.gz").read_bytes()), item.get("url"),
               item["articleBody"])
        for pid, item in sorted(truth.items())
    ]


def generated_samples(root: Path = GENERATED_DIR) -> list[Sample]:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return [
        Sample(pid, (root / f"{pid}.html").read_bytes(), meta["url"],
               (root / f"{pid}.txt").read_text(encoding="utf-8"))
        for pid, meta in sorted(manifest.items())
    ]


def ours(sample: Sample) -> str:
    try:
        return extract_article(sample.html, sample.url).text
    except ExtractionError:
        return ""


def trafilatura_defaults(sample: Sample) -> str:
    return trafilatura.extract(sample.html) or ""


METHODS: dict[str, Callable[[Sample], str]] = {"ours": ours, "trafilatura": trafilatura_defaults}


def load_sets(devdata: Path = DEVDATA_DIR, generated: Path = GENERATED_DIR) -> dict[str, list[Sample]]:
    sets = {}
    if (devdata / "ground-truth.json").is_file():
        sets["devdata"] = devdata_samples(devdata)
    sets["generated"] = generated_samples(generated)
    return sets


def floor(value: float) -> float:
    return math.floor((value - BASELINE_MARGIN) * 1000) / 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devdata", type=Path, default=DEVDATA_DIR)
    parser.add_argument("--pages", type=Path, default=GENERATED_DIR)
    parser.add_argument("--write-baseline", action="store_true", help=f"store our figures in {BASELINE_FILE}")
    parser.add_argument("--per-page", action="store_true", help="list pages where we score below 0.9")
    args = parser.parse_args(argv)

    sets = load_sets(args.devdata, args.pages)
    print(f"{'set':<10} {'method':<12} {'pages':>5} {'precision':>9} {'recall':>7} {'F1':>7} {'ms/page':>8}")
    results: dict[str, dict[str, Score]] = {}
    for set_name, samples in sets.items():
        for method, extractor in METHODS.items():
            score, per_page = evaluate(samples, extractor)
            results.setdefault(set_name, {})[method] = score
            print(f"{set_name:<10} {method:<12} {score.pages:>5} {score.precision:>9.4f} {score.recall:>7.4f} "
                  f"{score.f1:>7.4f} {score.ms_per_page:>8.1f}")
            if args.per_page and method == "ours":
                for pid, (p, r) in per_page.items():
                    if p is None or min(p, r) < 0.9:
                        print(f"    {pid}: precision={p if p is None else round(p, 3)} recall={r:.3f}")

    beaten = all(r["ours"].f1 > r["trafilatura"].f1 and r["ours"].precision > r["trafilatura"].precision
                 for r in results.values())
    print("ours beats trafilatura defaults on F1 and precision on every set:", "yes" if beaten else "NO")
    if args.write_baseline:
        baseline: dict[str, dict[str, object]] = {
            name: {"precision": floor(r["ours"].precision), "recall": floor(r["ours"].recall),
                   "f1": floor(r["ours"].f1), "pages": r["ours"].pages}
            for name, r in results.items()
        }
        # For the reader: what the floor is being compared with (not enforced).
        baseline["trafilatura_defaults"] = {
            name: {"precision": round(r["trafilatura"].precision, 4), "recall": round(r["trafilatura"].recall, 4),
                   "f1": round(r["trafilatura"].f1, 4)}
            for name, r in results.items()
        }
        BASELINE_FILE.write_text(json.dumps(baseline, indent=2) + "\n", encoding="utf-8")
        print(f"baseline written to {BASELINE_FILE}")
    return 0 if beaten else 1


if __name__ == "__main__":
    raise SystemExit(main())

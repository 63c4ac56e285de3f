"""Clustering quality on the labelled corpus: pairwise precision, recall, F1 and adjusted Rand index.

    python -m bench.dedupe_quality                 # the default DedupeConfig, with error breakdown
    python -m bench.dedupe_quality --sweep         # grid over shingles, permutations, bands, thresholds
    python -m bench.dedupe_quality --write-baseline   # pin the scores (rounded down) for the CI gate

The scored run goes through ``dedupe.offline.cluster_lines`` exactly as ``wirewatch cluster``
would, with the labels removed from the input. The sweep reuses fingerprints between settings
that only change the decision and calls the same ``InMemoryClusterer`` path.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench.dedupe_corpus import build_corpus
from dedupe import DedupeConfig, InMemoryClusterer, cluster_lines, fingerprint_many

BASELINE = Path(__file__).resolve().parent / "dedupe_baseline.json"
_INPUT_KEYS = ("id", "text", "title", "url", "source", "published")


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    ari: float

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "ari": self.ari}


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pair_scores(truth: Sequence[str], predicted: Sequence[str]) -> Scores:
    """Pairwise precision/recall/F1 (a pair is positive when both items share a cluster) and ARI."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted must label the same items")
    both = sum(_pairs(c) for c in Counter(zip(truth, predicted, strict=True)).values())
    true_pairs = sum(_pairs(c) for c in Counter(truth).values())
    pred_pairs = sum(_pairs(c) for c in Counter(predicted).values())
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = _pairs(len(truth))
    expected = true_pairs * pred_pairs / total if total else 0.0
    maximum = (true_pairs + pred_pairs) / 2
    ari = 1.0 if maximum == expected else (both - expected) / (maximum - expected)
    return Scores(precision, recall, f1, ari)


def input_lines(docs: Sequence[dict[str, Any]]) -> list[str]:
    """The corpus as ``wirewatch cluster`` input: labels and generator notes removed."""
    return [json.dumps({k: d[k] for k in _INPUT_KEYS}, ensure_ascii=False) for d in docs]


def evaluate(docs: Sequence[dict[str, Any]], config: DedupeConfig) -> tuple[Scores, list[str]]:
    out = [json.loads(line) for line in cluster_lines(input_lines(docs), config)]
    predicted = [o["cluster"] for o in out]
    return pair_scores([d["label"] for d in docs], predicted), predicted


def breakdown(docs: Sequence[dict[str, Any]], predicted: Sequence[str]) -> tuple[Counter[str], Counter[str]]:
    """Wrongly merged story pairs by the kinds involved, and missed reprints by their kind."""
    glued: Counter[str] = Counter()
    by_cluster: dict[str, set[str]] = {}
    for d, p in zip(docs, predicted, strict=True):
        by_cluster.setdefault(p, set()).add(d["label"])
    for labels in by_cluster.values():
        for a, b in itertools.combinations(sorted(labels), 2):
            glued[_relation(a, b)] += 1
    missed: Counter[str] = Counter()
    home: dict[str, Counter[str]] = {}
    for d, p in zip(docs, predicted, strict=True):
        home.setdefault(d["label"], Counter())[p] += 1
    for d, p in zip(docs, predicted, strict=True):
        if p != home[d["label"]].most_common(1)[0][0]:
            missed[d["kind"]] += 1
    return glued, missed


def _relation(a: str, b: str) -> str:
    if a.split("-")[0] == b.split("-")[0] and a.startswith("s"):
        return "update" if "update" in a + b else "same-event"
    if a.startswith(("briefing", "live")) and b.startswith(("briefing", "live")):
        return "template"
    return "unrelated"


def sweep(docs: Sequence[dict[str, Any]]) -> list[tuple[DedupeConfig, Scores]]:
    truth = [d["label"] for d in docs]
    pairs = [(d["text"], d.get("title")) for d in docs]
    published = [_timestamp(d["published"]) for d in docs]
    results = []
    for shingle, perms, bands in itertools.product((3, 4, 5), (64, 128), (16, 32, 42, 64)):
        if bands > perms // 2:
            continue
        base = DedupeConfig(shingle_size=shingle, num_perm=perms, bands=bands)
        fps = fingerprint_many(pairs, base)
        for threshold, containment in itertools.product((0.4, 0.5, 0.6), (0.6, 0.7, 0.8)):
            config = replace(base, threshold=threshold, containment=containment)
            clusterer = InMemoryClusterer(config)
            for d, fp, when in zip(docs, fps, published, strict=True):
                clusterer.add_fingerprint(d["id"], fp, source=d["source"], published=when)
            predicted = [clusterer.story_of(d["id"]) for d in docs]
            results.append((config, pair_scores(truth, predicted)))
    return results


def _timestamp(value: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(value).timestamp()


def _row(config: DedupeConfig, s: Scores) -> str:
    return (
        f"{config.shingle_size:>7} {config.num_perm:>5} {config.bands:>5} {config.rows:>4} "
        f"{config.threshold:>5.2f} {config.containment:>5.2f} | "
        f"{s.precision:.4f} {s.recall:.4f} {s.f1:.4f} {s.ari:.4f}"
    )


_HEADER = "shingle perms bands rows thres contn | precision recall f1     ari"


def main() -> None:
    parser = argparse.ArgumentParser(description="Dedupe clustering quality on the labelled corpus.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--write-baseline", action="store_true")
    args = parser.parse_args()
    docs = build_corpus(args.seed)
    print(f"corpus: {len(docs)} documents, {len({d['label'] for d in docs})} stories (seed {args.seed})")
    if args.sweep:
        print(_HEADER)
        results = sweep(docs)
        for config, s in sorted(results, key=lambda r: -r[1].f1):
            print(_row(config, s))
        return
    config = DedupeConfig()
    start = time.perf_counter()
    scores, predicted = evaluate(docs, config)
    elapsed = time.perf_counter() - start
    print(_HEADER)
    print(_row(config, scores), f"  ({elapsed:.2f} s)")
    glued, missed = breakdown(docs, predicted)
    print("wrongly merged story pairs:", dict(glued) or "none")
    print("documents outside their story's main cluster, by kind:", dict(missed) or "none")
    if args.write_baseline:
        floors = {k: math.floor(v * 100 - 0.5) / 100 for k, v in scores.as_dict().items()}
        BASELINE.write_text(json.dumps({"seed": args.seed, **floors}, indent=2) + "\n", encoding="utf-8")
        print(f"baseline written to {BASELINE}: {floors}")


if __name__ == "__main__":
    main()

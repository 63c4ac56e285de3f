"""The quality gate: clustering the labelled corpus must not score below the pinned baseline.

The baseline (``bench/dedupe_baseline.json``) holds the scores of ``python -m bench.dedupe_quality``
rounded down a little; re-pin it with ``--write-baseline`` after a deliberate improvement.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.dedupe_corpus import build_corpus
from bench.dedupe_quality import evaluate, pair_scores
from dedupe import DedupeConfig

BASELINE = json.loads((Path(__file__).resolve().parents[2] / "bench" / "dedupe_baseline.json").read_text())


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    result, _ = evaluate(build_corpus(BASELINE["seed"]), DedupeConfig())
    return result.as_dict()


@pytest.mark.parametrize("metric", ["precision", "recall", "f1", "ari"])
def test_not_below_baseline(scores: dict[str, float], metric: str) -> None:
    assert scores[metric] >= BASELINE[metric], f"{metric} {scores[metric]:.4f} < baseline {BASELINE[metric]}"


def test_targets() -> None:
    assert BASELINE["precision"] >= 0.98 and BASELINE["f1"] >= 0.95


def test_pair_scores_on_small_cases() -> None:
    perfect = pair_scores(["a", "a", "b", "c", "c"], ["x", "x", "y", "z", "z"])
    assert (perfect.precision, perfect.recall, perfect.f1, perfect.ari) == (1.0, 1.0, 1.0, 1.0)
    # Everything in one cluster: every true pair is found, most found pairs are wrong.
    lumped = pair_scores(["a", "a", "b", "b"], ["x", "x", "x", "x"])
    assert lumped.recall == 1.0 and lumped.precision == pytest.approx(2 / 6)
    # Every item alone: nothing is found; the ARI of a labelling against singletons is 0.
    split = pair_scores(["a", "a", "b", "b"], ["1", "2", "3", "4"])
    assert split.recall == 0.0 and split.ari == pytest.approx(0.0)
    with pytest.raises(ValueError):
        pair_scores(["a"], [])

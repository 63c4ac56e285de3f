"""Quality gate: extraction must not score below bench/extraction_baseline.json.

Scores ``extract_article`` on the 60 real development pages (``../shared/devdata/extraction``,
skipped when absent) and on the generated pages in ``bench/data/extraction_pages``. Only quality
is checked, never timing. Raise the baseline with ``python -m bench.extraction_quality
--write-baseline`` after a measured improvement.
"""

from __future__ import annotations

import json

import pytest

from bench.extraction_quality import (
    BASELINE_FILE,
    DEVDATA_DIR,
    GENERATED_DIR,
    devdata_samples,
    evaluate,
    generated_samples,
    ours,
    page_score,
)

BASELINE = json.loads(BASELINE_FILE.read_text(encoding="utf-8"))


def test_metric_counts_word_4gram_multisets() -> None:
    truth = "one two three four five six"
    assert page_score(truth, truth) == (1.0, 1.0)
    # 3 predicted 4-grams, 2 of them true: precision 2/3; 2 of the 3 true 4-grams found: recall 2/3
    assert page_score("one two three four five zzz", truth) == pytest.approx((2 / 3, 2 / 3))
    assert page_score("", truth) == (None, 0.0)
    # multisets: a repeated paragraph is not counted twice
    precision, recall = page_score(f"{truth} {truth}", truth)
    assert recall == 1.0 and precision is not None and precision < 0.5


@pytest.mark.skipif(not (DEVDATA_DIR / "ground-truth.json").is_file(), reason="devdata not available")
def test_devdata_quality_at_least_baseline() -> None:
    samples = devdata_samples(DEVDATA_DIR)
    assert len(samples) == BASELINE["devdata"]["pages"]
    score, _ = evaluate(samples, ours)
    assert score.f1 >= BASELINE["devdata"]["f1"], score
    assert score.precision >= BASELINE["devdata"]["precision"], score


def test_generated_pages_quality_at_least_baseline() -> None:
    samples = generated_samples(GENERATED_DIR)
    assert len(samples) == BASELINE["generated"]["pages"] >= 40
    score, _ = evaluate(samples, ours)
    assert score.f1 >= BASELINE["generated"]["f1"], score
    assert score.precision >= BASELINE["generated"]["precision"], score

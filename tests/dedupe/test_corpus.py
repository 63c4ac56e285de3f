"""The evaluation corpus generator: deterministic, varied, labelled as the brief asks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.dedupe_corpus import build_corpus

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, object]]:
    return build_corpus(7)


def test_deterministic_across_processes(corpus: list[dict[str, object]]) -> None:
    child = "import json; from bench.dedupe_corpus import build_corpus; print(json.dumps(build_corpus(7)))"
    env = {**os.environ, "PYTHONHASHSEED": "99", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True, env=env)
    assert json.loads(out.stdout) == corpus


def test_size_languages_and_kinds(corpus: list[dict[str, object]]) -> None:
    kinds = Counter(str(d["kind"]) for d in corpus)
    bases = {str(d["label"]) for d in corpus if d["kind"] == "wire" and "-" not in str(d["label"])}
    assert len(bases) >= 200
    assert kinds["reprint"] > 2 * kinds["wire"] and kinds["briefing"] > 0 and kinds["live"] > 0
    labels = {str(d["label"]) for d in corpus}
    assert any(label.endswith("-update") for label in labels) and any(label.endswith("-same-event") for label in labels)
    text = " ".join(str(d["text"]) for d in corpus)
    for marker in ("the", "les", "los", "и", "і", "في"):  # en, fr, es, ru, uk, ar
        assert f" {marker} " in text


def test_wire_story_lengths(corpus: list[dict[str, object]]) -> None:
    lengths = [len(str(d["text"]).split()) for d in corpus if d["kind"] == "wire"]
    assert min(lengths) >= 150 and max(lengths) <= 1700


def test_reprints_differ_from_their_wire_story(corpus: list[dict[str, object]]) -> None:
    wires = {d["label"]: d for d in corpus if d["kind"] == "wire"}
    reprints = [d for d in corpus if d["kind"] == "reprint"]
    assert all(d["text"] != wires[d["label"]]["text"] for d in reprints)
    assert len({d["source"] for d in reprints}) > 20

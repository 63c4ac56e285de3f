"""Deduplication throughput: wirewatch's dedupe against the plain uses of datasketch, in one run.

    python -m bench.dedupe_speed            # 10k and 100k documents (the baselines take minutes)
    python -m bench.dedupe_speed --quick    # 10k documents only

Every pipeline does the same work per document: shingle the text (4-word shingles), compute a
128-permutation MinHash, query an LSH index, insert into it and assign a cluster with union-find.

- ``dedupe``: ``fingerprint_many`` in batches, then ``InMemoryClusterer.add_fingerprint`` (what
  ``cluster_lines`` does, JSON aside).
- ``naive``: datasketch ``MinHash.update`` once per shingle, default ``MinHashLSH``, union-find.
- ``batch``: datasketch ``MinHash.update_batch``, default ``MinHashLSH``, union-find.

In-process rates use the CPU time of the benchmark process (``time.process_time``), so other load
on a shared machine does not skew the comparison. Then ``cluster_lines`` over a 10k-line JSONL file in a fresh process against a script doing the
batch way, start-up included, and the bare import times. Documents are synthetic (a Zipf draw over
the corpus grammars' vocabulary, about 700 words, a third of them edited copies of earlier ones).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import yaml

from dedupe import DedupeConfig, InMemoryClusterer, fingerprint_many

DATA = Path(__file__).resolve().parent / "data" / "dedupe"
ROOT = Path(__file__).resolve().parent.parent
SHINGLE = 4
NUM_PERM = 128
_BATCH = 512


def _vocabulary() -> list[str]:
    words: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            words.update(w for w in node.replace("{", " ").replace("}", " ").split() if w.isalpha())
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(DATA.glob("grammar_*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    rng = np.random.default_rng(1)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    while len(words) < 30_000:
        words.add("".join(rng.choice(letters, rng.integers(3, 11))))
    return sorted(words)


def synthetic_docs(n: int, seed: int = 1) -> list[tuple[str, str]]:
    """``(id, text)`` pairs: about 700 words each; a third are edited copies of an earlier text."""
    vocab = np.array(_vocabulary())
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 0.9
    weights /= weights.sum()
    docs: list[tuple[str, str]] = []
    for i in range(n):
        if i > 10 and rng.random() < 1 / 3:
            words = docs[int(rng.integers(max(0, i - 2000), i))][1].split(" ")
            cut = int(len(words) * rng.uniform(0.6, 1.0))
            words = list(vocab[rng.choice(len(vocab), int(rng.integers(0, 50)), p=weights)]) + words[:cut]
            for k in rng.integers(0, len(words), 4):
                words[k] = str(vocab[rng.integers(len(vocab))])
        else:
            words = list(vocab[rng.choice(len(vocab), int(rng.integers(400, 1000)), p=weights)])
        docs.append((f"d{i}", " ".join(words)))
    return docs


class UnionFind:
    """The union-find a plain datasketch pipeline would write (path halving)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _shingles(text: str) -> list[bytes]:
    words = text.lower().split()
    return list({" ".join(words[i : i + SHINGLE]).encode() for i in range(max(1, len(words) - SHINGLE + 1))})


def run_datasketch(docs: Sequence[tuple[str, str]], batch: bool) -> float:
    from datasketch import MinHash, MinHashLSH

    start = time.process_time()
    lsh = MinHashLSH(threshold=0.5, num_perm=NUM_PERM)
    uf = UnionFind()
    for doc_id, text in docs:
        m = MinHash(num_perm=NUM_PERM)
        shingles = _shingles(text)
        if batch:
            m.update_batch(shingles)
        else:
            for s in shingles:
                m.update(s)
        uf.find(doc_id)
        for other in lsh.query(m):
            uf.union(other, doc_id)
        lsh.insert(doc_id, m)
    return time.process_time() - start


def run_dedupe(docs: Sequence[tuple[str, str]]) -> float:
    config = DedupeConfig(shingle_size=SHINGLE, num_perm=NUM_PERM)
    start = time.process_time()
    clusterer = InMemoryClusterer(config)
    for lo in range(0, len(docs), _BATCH):
        batch = docs[lo : lo + _BATCH]
        for (doc_id, _), fp in zip(batch, fingerprint_many([(t, None) for _, t in batch], config), strict=True):
            clusterer.add_fingerprint(doc_id, fp)
    return time.process_time() - start


_BATCH_SCRIPT = """
import json, sys
from datasketch import MinHash, MinHashLSH
lsh = MinHashLSH(threshold=0.5, num_perm=128)
parent = {}
def find(x):
    parent.setdefault(x, x)
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
ids = []
for line in open(sys.argv[1], encoding="utf-8"):
    doc = json.loads(line)
    words = doc["text"].lower().split()
    m = MinHash(num_perm=128)
    m.update_batch({" ".join(words[i:i + 4]).encode() for i in range(max(1, len(words) - 3))})
    find(doc["id"])
    for other in lsh.query(m):
        ra, rb = find(other), find(doc["id"])
        if ra != rb:
            parent[rb] = ra
    lsh.insert(doc["id"], m)
    ids.append(doc["id"])
out = sys.stdout
for i in ids:
    out.write(json.dumps({"id": i, "cluster": find(i)}) + "\\n")
"""
_DEDUPE_SCRIPT = (
    "import sys\nfrom dedupe.offline import cluster_lines\n"
    "sys.stdout.writelines(line + '\\n' for line in cluster_lines(open(sys.argv[1], encoding='utf-8')))\n"
)


def _wall(args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
    return time.perf_counter() - start


def _table(rows: list[tuple[str, int, float]], reference: Callable[[int], float | None]) -> None:
    print(f"{'pipeline':<34} {'docs':>7} {'seconds':>8} {'docs/s':>8} {'vs naive':>9} {'vs batch':>9}")
    for name, n, seconds in rows:
        rate = n / seconds
        naive = reference(n)
        batch = next((n / s for nm, k, s in rows if nm.startswith("datasketch batch") and k == n), None)
        vs_naive = f"{rate / naive:8.1f}x" if naive else "        -"
        vs_batch = f"{rate / batch:8.1f}x" if batch else "        -"
        print(f"{name:<34} {n:>7} {seconds:>8.2f} {rate:>8.0f} {vs_naive} {vs_batch}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Dedupe throughput against plain datasketch.")
    parser.add_argument("--quick", action="store_true", help="10k documents only")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [10_000, 100_000]
    rows: list[tuple[str, int, float]] = []
    for n in sizes:
        docs = synthetic_docs(n)
        words = sum(len(t.split()) for _, t in docs) / n
        print(f"{n} synthetic documents, {words:.0f} words on average", flush=True)
        rows.append(("dedupe (fingerprint_many + decide)", n, run_dedupe(docs)))
        rows.append(("datasketch batch (update_batch)", n, run_datasketch(docs, batch=True)))
        rows.append(("datasketch naive (update)", n, run_datasketch(docs, batch=False)))

    def naive_rate(n: int) -> float | None:
        return next((n / s for nm, k, s in rows if nm.startswith("datasketch naive") and k == n), None)

    _table(rows, naive_rate)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "docs.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for doc_id, text in synthetic_docs(10_000, seed=2):
                fh.write(json.dumps({"id": doc_id, "text": text}) + "\n")
        script = Path(tmp) / "batch_way.py"
        script.write_text(_BATCH_SCRIPT, encoding="utf-8")
        python = sys.executable
        print("\nwhole process over a 10k-line JSONL file, start-up included (wall seconds)")
        ours = _wall([python, "-c", _DEDUPE_SCRIPT, str(path)])
        theirs = _wall([python, str(script), str(path)])
        print(f"  cluster_lines                {ours:7.2f} s  ({10_000 / ours:6.0f} docs/s)")
        print(
            f"  datasketch batch script      {theirs:7.2f} s  ({10_000 / theirs:6.0f} docs/s)  -> {theirs / ours:.1f}x"
        )
        print(
            f"  start-up: import dedupe.offline {_wall([python, '-c', 'import dedupe.offline']):.2f} s, "
            f"import datasketch {_wall([python, '-c', 'import datasketch']):.2f} s, "
            f"bare python {_wall([python, '-c', 'pass']):.2f} s"
        )


if __name__ == "__main__":
    main()

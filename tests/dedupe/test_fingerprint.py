"""Fingerprints: datasketch-equivalent signatures, stable bytes, batch == one by one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash

from dedupe import DedupeConfig, Fingerprint, fingerprint, fingerprint_many
from dedupe.minhash import permutations, shingle_hash32
from dedupe.normalize import normalize

ROOT = Path(__file__).resolve().parents[2]
CONFIG = DedupeConfig()


def shingle_set(text: str, k: int) -> set[str]:
    words = normalize(text).split()
    if not words:
        return set()
    return {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def datasketch_signature(shingles: set[str], config: DedupeConfig) -> np.ndarray:
    m = MinHash(num_perm=config.num_perm, seed=config.seed, scheme="affine32", hashfunc=shingle_hash32)
    m.update_batch(sorted(shingles))
    return m.hashvalues


@pytest.mark.parametrize("k", [1, 3, 5])
def test_signature_equals_datasketch_affine32(original: str, update: str, k: int) -> None:
    config = DedupeConfig(shingle_size=k, num_perm=64, bands=16, seed=7)
    for text in (original, update, "Короткий текст", "東京都で地震"):
        fp = fingerprint(text, None, config)
        shingles = shingle_set(text, k)
        assert fp.n_shingles == len(shingles)
        assert np.array_equal(fp.signature, datasketch_signature(shingles, config))


def test_permutations_are_datasketchs() -> None:
    a, b = permutations(128, 1)
    m = MinHash(num_perm=128, seed=1, scheme="affine32")
    assert np.array_equal(a, m.permutations[0]) and np.array_equal(b, m.permutations[1])


def test_shingle_hash_matches_the_vectorised_hash() -> None:
    # One-word texts have exactly one shingle: its hash, permuted, is the whole signature.
    fp = fingerprint("Kharkiv", None, DedupeConfig(shingle_size=3))
    a, b = permutations(CONFIG.num_perm, CONFIG.seed)
    h = np.array([shingle_hash32("kharkiv")], dtype=np.uint32)
    mixed = MinHash(num_perm=CONFIG.num_perm, seed=1, scheme="affine32", hashfunc=lambda s: int(h[0]))
    mixed.update("kharkiv")
    assert np.array_equal(fp.signature, mixed.hashvalues)
    assert fp.signature.dtype == np.uint32 and a.dtype == b.dtype == np.uint32


def test_signature_bytes_round_trip(original: str) -> None:
    fp = fingerprint(original, None, CONFIG)
    packed = fp.signature_bytes()
    assert len(packed) == 4 * CONFIG.num_perm
    assert np.array_equal(Fingerprint.unpack_signature(packed), fp.signature)
    with pytest.raises(ValueError, match="multiple of 4"):
        Fingerprint.unpack_signature(packed[:-1])
    with pytest.raises(ValueError):
        fp.signature[0] = 1  # read-only: a fingerprint cannot change under the index


_CHILD = """
import sys
from dedupe import DedupeConfig, fingerprint
fp = fingerprint(open(sys.argv[1], encoding="utf-8").read(), None, DedupeConfig())
print(fp.signature_bytes().hex(), " ".join(fp.bands), fp.content_hash, fp.n_shingles, fp.origin)
"""


def test_fingerprints_are_stable_across_processes(original: str) -> None:
    fp = fingerprint(original, None, CONFIG)
    expected = f"{fp.signature_bytes().hex()} {' '.join(fp.bands)} {fp.content_hash} {fp.n_shingles} {fp.origin}"
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(Path(__file__).parent / "data" / "wire_original.txt")],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=ROOT,
        )
        assert out.stdout.strip() == expected


def test_batch_equals_one_by_one(original: str, reprint: str, update: str) -> None:
    docs = [
        (original, None),
        ("", "Headline only"),
        ("", None),
        (reprint, "t"),
        ("  \n ", None),
        (update, None),
        ("東京都で地震", None),
        ("a", None),
    ]
    batch = fingerprint_many(docs, CONFIG)
    for (text, title), fp in zip(docs, batch, strict=True):
        one = fingerprint(text, title, CONFIG)
        assert fp.signature_bytes() == one.signature_bytes()
        assert (fp.content_hash, fp.n_shingles, fp.bands, fp.origin) == (
            one.content_hash,
            one.n_shingles,
            one.bands,
            one.origin,
        )


def test_title_is_used_only_without_a_body(original: str) -> None:
    with_title = fingerprint(original, "A very different headline", CONFIG)
    assert with_title.signature_bytes() == fingerprint(original, None, CONFIG).signature_bytes()
    headline_only = fingerprint("", "Missile hits Zaporizhzhia bus station", CONFIG)
    assert headline_only.n_shingles == 1
    assert fingerprint("", None, CONFIG).n_shingles == 0


def test_empty_text_is_datasketchs_empty_minhash() -> None:
    fp = fingerprint("", None, CONFIG)
    assert np.array_equal(fp.signature, MinHash(num_perm=CONFIG.num_perm, scheme="affine32").hashvalues)


def test_fingerprint_fields(original: str) -> None:
    fp = fingerprint(original, None, CONFIG)
    assert len(fp.bands) == CONFIG.bands
    assert all(len(b) == 16 and int(b, 16) >= 0 for b in fp.bands)
    assert len(set(fp.bands)) == CONFIG.bands
    assert fp.origin == "AP"
    assert len(fp.content_hash) == 32
    # Boilerplate and case do not change the content hash; a word does.
    assert (
        fingerprint("KYIV (Reuters) - Drones hit a depot.", None, CONFIG).content_hash
        == fingerprint("drones HIT a depot", None, CONFIG).content_hash
    )
    assert (
        fingerprint("Drones hit a depot.", None, CONFIG).content_hash
        != fingerprint("Drones hit a school.", None, CONFIG).content_hash
    )

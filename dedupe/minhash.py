"""Word-shingle MinHash signatures and LSH band ids, computed for many documents at once.

Semantics (the tests check them against datasketch): a document's normalised text is split on
spaces into words; its shingles are the runs of ``shingle_size`` consecutive words (a text with
fewer words is one shingle), taken as strings with single spaces, and hashed to 32 bits by
``shingle_hash32``. Signature value ``k`` is ``min((a_k * fmix32(h) + b_k) mod 2**32)`` over
the shingle hashes ``h``: exactly ``datasketch.MinHash(num_perm, seed=seed, scheme="affine32",
hashfunc=shingle_hash32)`` updated with the same shingles, including its permutations, drawn from
``numpy.random.RandomState(seed)``. Signatures are ``uint32``; an empty text has every value at
``2**32 - 1`` (datasketch's empty MinHash).

Why it is fast: no Python loop runs per word or per shingle. The texts of a batch are joined into
one array; a polynomial prefix hash over it gives the hash of any span of it with two
multiplications, so every shingle of the batch is hashed by a few array operations. Texts arrive
as code point arrays from ``dedupe.codepoints``, so the hash runs over code points. The
permutations then run as a ``(num_perm, shingles)`` matrix per few thousand shingles, reduced per
document with ``numpy.minimum.reduceat`` along the contiguous axis (measured fastest: see README).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

EMPTY_VALUE = np.uint32(0xFFFFFFFF)
_NEWLINE = np.array([10], dtype=np.uint32)

_MASK64 = (1 << 64) - 1
# Polynomial hash base (odd, so it is invertible modulo 2**64) and the band-combining multiplier.
_BASE = 0x9E3779B97F4A7C15
_BASE_INV = pow(_BASE, -1, 1 << 64)
_BAND_MUL = np.uint64(0xD6E8FEB86659FD93)
# Shingles per permutation matrix: 128 x 6144 uint32 is 3 MB, which stays in cache.
_MATRIX_SHINGLES = 6144
# Characters of text per batch: bounds the prefix-hash arrays to a few tens of MB.
_BATCH_CHARS = 1 << 18

_F64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))
_F32 = (np.uint32(16), np.uint32(13), np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35))


def _fmix64(h: U64) -> U64:
    s, m1, m2 = _F64
    h = h ^ (h >> s)
    h = h * m1
    h = h ^ (h >> s)
    h = h * m2
    return h ^ (h >> s)


def _fmix32(h: U32) -> U32:
    s16, s13, m1, m2 = _F32
    h = h ^ (h >> s16)
    h = h * m1
    h = h ^ (h >> s13)
    h = h * m2
    return h ^ (h >> s16)


def shingle_hash32(shingle: str) -> int:
    """The 32-bit hash of one shingle (reference implementation, one shingle at a time).

    ``fmix64(sum((code_point_i + 1) * BASE**i) mod 2**64) >> 32``: what ``signatures`` computes
    in bulk.
    """
    h = 0
    power = 1
    for char in shingle:
        h = (h + (ord(char) + 1) * power) & _MASK64
        power = (power * _BASE) & _MASK64
    mixed = _fmix64(np.array([h], dtype=np.uint64))
    return int(mixed[0] >> np.uint64(32))


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[U32, U32]:
    """The affine permutation parameters ``(a, b)``, drawn as datasketch's "affine32" scheme does."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


class _Powers:
    """BASE**i and BASE**-i modulo 2**64, grown on demand and shared by every batch."""

    def __init__(self) -> None:
        self.forward: U64 = np.ones(1, dtype=np.uint64)
        self.inverse: U64 = np.ones(1, dtype=np.uint64)

    def upto(self, n: int) -> tuple[U64, U64]:
        if len(self.forward) < n:
            size = max(n, 2 * len(self.forward), 1 << 16)
            forward = np.cumprod(np.full(size, _BASE, dtype=np.uint64), dtype=np.uint64)
            inverse = np.cumprod(np.full(size, _BASE_INV, dtype=np.uint64), dtype=np.uint64)
            self.forward = forward * np.uint64(_BASE_INV)
            self.inverse = inverse * np.uint64(_BASE)
        return self.forward[:n], self.inverse[:n]


_POWERS = _Powers()


def _shingle_hashes(texts: Sequence[U32], shingle_size: int) -> tuple[U32, npt.NDArray[np.int64]]:
    """Hashes of every shingle of every text, concatenated, and the shingle count of each text."""
    n_docs = len(texts)
    pieces: list[U32] = []
    for t in texts:
        pieces.append(t)
        pieces.append(_NEWLINE)
    arr = np.concatenate(pieces) if pieces else np.empty(0, dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n_docs)
    doc_starts = np.cumsum(lengths + 1) - (lengths + 1)

    bounds = np.concatenate(([-1], np.flatnonzero(arr <= 32), [len(arr)]))
    word_start = bounds[:-1] + 1
    word_end = bounds[1:]
    nonempty = word_end > word_start
    word_start = word_start[nonempty]
    word_end = word_end[nonempty]
    # Search the few document starts among the many words, not the other way round.
    first_word = np.searchsorted(word_start, doc_starts)
    words_per_doc = np.diff(first_word, append=len(word_start))

    per_doc = np.where(words_per_doc >= shingle_size, words_per_doc - shingle_size + 1, words_per_doc > 0)
    per_doc = per_doc.astype(np.int64)
    total = int(per_doc.sum())
    offsets = np.cumsum(per_doc) - per_doc
    first = np.repeat(first_word, per_doc) + (np.arange(total) - np.repeat(offsets, per_doc))
    last = np.minimum(first + (shingle_size - 1), np.repeat(first_word + words_per_doc - 1, per_doc))
    start = word_start[first]
    end = word_end[last]

    forward, inverse = _POWERS.upto(len(arr) + 1)
    prefix = np.zeros(len(arr) + 1, dtype=np.uint64)
    np.cumsum(np.multiply(arr + np.uint32(1), forward[: len(arr)], dtype=np.uint64), out=prefix[1:])
    span = (prefix[end] - prefix[start]) * inverse[start]
    hashes = (_fmix64(span) >> np.uint64(32)).astype(np.uint32)
    return hashes, per_doc


def _distinct(hashes: U32, per_doc: npt.NDArray[np.int64]) -> tuple[U32, npt.NDArray[np.int64]]:
    """Each document's distinct shingle hashes, grouped by document, and how many there are."""
    # One small uint32 sort per document (SIMD sorts make these several times faster per element
    # than one large sort of (document, hash) keys), then one vectorised pass drops repeats.
    ordered = hashes.copy()
    ends = np.cumsum(per_doc)
    starts = ends - per_doc
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        if hi - lo > 1:
            ordered[lo:hi].sort()
    keep = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    keep[starts[(per_doc > 0) & (starts < len(ordered))]] = True
    kept_before = np.concatenate(([0], np.cumsum(keep)))
    return ordered[keep], kept_before[ends] - kept_before[starts]


def _minimums(distinct: U32, counts: npt.NDArray[np.int64], num_perm: int, seed: int) -> U32:
    a, b = permutations(num_perm, seed)
    out = np.full((len(counts), num_perm), EMPTY_VALUE, dtype=np.uint32)
    mixed = _fmix32(distinct)
    a_col = a[:, None]
    b_col = b[:, None]
    docs = np.flatnonzero(counts)
    ends = np.cumsum(counts[docs])
    starts = ends - counts[docs]
    i = 0
    while i < len(docs):
        # As many whole documents as fit in one matrix (always at least one).
        j = max(i + 1, int(np.searchsorted(ends, starts[i] + _MATRIX_SHINGLES, side="right")))
        lo, hi = int(starts[i]), int(ends[j - 1])
        matrix = np.multiply(a_col, mixed[lo:hi])
        np.add(matrix, b_col, out=matrix)
        out[docs[i:j]] = np.minimum.reduceat(matrix, starts[i:j] - lo, axis=1).T
        i = j
    return out


def signatures(texts: Sequence[U32], shingle_size: int, num_perm: int, seed: int) -> tuple[U32, npt.NDArray[np.int64]]:
    """MinHash signatures ``(len(texts), num_perm)`` of normalised texts, and their shingle counts.

    ``texts`` are code point arrays of normalised text (``dedupe.normalize.normalized_words``):
    words separated by single spaces.
    """
    encoded = texts
    sigs = np.empty((len(encoded), num_perm), dtype=np.uint32)
    counts = np.empty(len(encoded), dtype=np.int64)
    lo = 0
    while lo < len(encoded):
        hi, size = lo, 0
        while hi < len(encoded) and (hi == lo or size + len(encoded[hi]) <= _BATCH_CHARS):
            size += len(encoded[hi]) + 1
            hi += 1
        hashes, per_doc = _shingle_hashes(encoded[lo:hi], shingle_size)
        distinct, counts[lo:hi] = _distinct(hashes, per_doc)
        sigs[lo:hi] = _minimums(distinct, counts[lo:hi], num_perm, seed)
        lo = hi
    return sigs, counts


def band_ids(sigs: U32, bands: int) -> list[tuple[str, ...]]:
    """One LSH bucket id per band for each signature row: 16 hex digits of a 64-bit band hash.

    The ``rows = num_perm // bands`` values of a band are folded with fmix64, so the ids depend only
    on the values (never on the machine's byte order or Python's hash seed).
    """
    n_docs, num_perm = sigs.shape
    rows = num_perm // bands
    banded = sigs[:, : bands * rows].reshape(n_docs, bands, rows).astype(np.uint64)
    h: U64 = np.tile(np.arange(1, bands + 1, dtype=np.uint64), (n_docs, 1))
    for r in range(rows):
        h = _fmix64((h * _BAND_MUL) ^ banded[:, :, r])
    # bytes.hex with a separator every 8 bytes, then split: the slicing stays in C.
    packed = h.astype(">u8").tobytes()
    width = 8 * bands
    return [tuple(packed[k : k + width].hex(" ", 8).split()) for k in range(0, len(packed), width)]

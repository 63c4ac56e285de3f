"""A document's fingerprint: exact-duplicate hash, MinHash signature, LSH band ids, wire origin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xxhash

from dedupe.config import DedupeConfig
from dedupe.minhash import U32, band_ids, signatures
from dedupe.normalize import analyse, normalized_words


@dataclass(frozen=True, slots=True, eq=False)
class Fingerprint:
    """What the index stores and compares for one article.

    ``signature`` is a read-only ``uint32`` array of ``num_perm`` values (datasketch's "affine32"
    MinHash, see ``dedupe.minhash``); ``signature_bytes`` packs it little-endian, 4 bytes a value.
    Equality is identity (the array has no truth value): compare ``signature_bytes()`` instead.
    """

    content_hash: str
    signature: U32
    n_shingles: int
    bands: tuple[str, ...]
    origin: str | None

    def __post_init__(self) -> None:
        self.signature.setflags(write=False)

    def signature_bytes(self) -> bytes:
        return self.signature.astype("<u4", copy=False).tobytes()

    @staticmethod
    def unpack_signature(b: bytes) -> U32:
        if len(b) % 4:
            raise ValueError(f"packed signature length must be a multiple of 4, got {len(b)} bytes")
        return np.frombuffer(b, dtype="<u4").astype(np.uint32)


def _matching_words(docs: Sequence[tuple[str, str | None]]) -> tuple[list[U32], list[str | None]]:
    words, origins = analyse([text for text, _ in docs])
    # Headlines are rewritten by every outlet, so they are shingled only when there is no body.
    untitled = [i for i, w in enumerate(words) if not len(w) and docs[i][1]]
    if untitled:
        for i, w in zip(untitled, normalized_words([docs[i][1] or "" for i in untitled]), strict=True):
            words[i] = w
    return words, origins


def fingerprint_many(docs: Sequence[tuple[str, str | None]], config: DedupeConfig) -> list[Fingerprint]:
    """Fingerprints of ``(text, title)`` pairs, computed in one vectorised pass.

    ``content_hash`` is the xxh3-128 hex digest of the normalised text (UTF-32-LE code points).
    """
    words, origins = _matching_words(docs)
    sigs, counts = signatures(words, config.shingle_size, config.num_perm, config.seed)
    bands = band_ids(sigs, config.bands)
    return [
        Fingerprint(
            content_hash=xxhash.xxh3_128_hexdigest(w.astype("<u4", copy=False).tobytes()),
            signature=sigs[i],
            n_shingles=int(counts[i]),
            bands=bands[i],
            origin=origins[i],
        )
        for i, w in enumerate(words)
    ]


def fingerprint(text: str, title: str | None, config: DedupeConfig) -> Fingerprint:
    """The fingerprint of one article (``title`` is used only when ``text`` has no words)."""
    return fingerprint_many([(text, title)], config)[0]

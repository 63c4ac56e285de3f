"""The tuning knobs of deduplication, validated once, shared by the daemon and offline clustering.

The defaults were chosen with ``python -m bench.dedupe_quality --sweep`` on the labelled corpus
(``bench/dedupe_corpus.py``); ``dedupe/README.md`` records the numbers behind each choice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DedupeConfig:
    """Parameters of fingerprinting and of the join decision.

    ``shingle_size``: words per shingle; ``num_perm``: MinHash permutations; ``bands``: LSH bands of
    ``num_perm // bands`` rows each; ``threshold``: estimated Jaccard that joins two articles;
    ``containment``: estimated containment (of the smaller shingle set in the larger) that joins
    them; ``window_seconds``: only articles published this close together are compared; ``seed``:
    fixes the permutations, so signatures stay comparable across restarts and machines;
    ``same_source_threshold``: the stricter Jaccard needed between two articles of the same outlet,
    whose shared page template (briefing header, live-blog shell) must not glue different stories.
    ``index_slots``: cells per band of the Redis LSH index (``storage/lsh.py``), a power of two;
    ignored in memory.
    """

    shingle_size: int = 5
    num_perm: int = 128
    bands: int = 42
    threshold: float = 0.5
    containment: float = 0.7
    window_seconds: int = 3 * 86400
    seed: int = 1
    same_source_threshold: float = 0.8
    index_slots: int = 1 << 16

    def __post_init__(self) -> None:
        _check_int("shingle_size", self.shingle_size, 1, 64)
        _check_int("num_perm", self.num_perm, 2, 4096)
        _check_int("bands", self.bands, 1, self.num_perm)
        _check_int("window_seconds", self.window_seconds, 1, 10 * 365 * 86400)
        # numpy's RandomState takes seeds in [0, 2**32).
        _check_int("seed", self.seed, 0, 2**32 - 1)
        _check_fraction("threshold", self.threshold)
        _check_fraction("containment", self.containment)
        _check_fraction("same_source_threshold", self.same_source_threshold)
        _check_int("index_slots", self.index_slots, 1 << 8, 1 << 20)
        if self.index_slots & (self.index_slots - 1):
            raise ValueError(f"index_slots must be a power of two, got {self.index_slots}")
        # the Redis index's cells are 52 bits, addressed by u32 bit offsets (storage/lsh.py)
        if self.bands * self.index_slots * 52 >= 1 << 32:
            raise ValueError(f"bands x index_slots ({self.bands} x {self.index_slots}) is too large for the "
                             "Redis index: use fewer index_slots")

    @property
    def rows(self) -> int:
        """Signature values per LSH band (the tail ``num_perm % bands`` values are only verified)."""
        return self.num_perm // self.bands


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def _check_fraction(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not 0.0 < float(value) <= 1.0:
        raise ValueError(f"{name} must be in (0, 1], got {value}")

"""Which story an article joins: a pure function over the candidates an LSH query returned.

The daemon's Redis index and offline clustering both call ``decide``, so they cannot disagree.

A candidate matches when the estimated Jaccard similarity reaches ``config.threshold``, or when
the estimated containment of the smaller shingle set in the larger reaches ``config.containment``
(a reprint that keeps only the first half of a wire story). Two articles of the same outlet must
reach the stricter ``config.same_source_threshold`` in Jaccard and never match by containment: an
outlet's own template (briefing header and footer, live-blog shell) is shared by unrelated pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedupe.config import DedupeConfig
from dedupe.fingerprint import Fingerprint
from dedupe.minhash import U32

# Containment is estimated from Jaccard and the two set sizes; when one set is tiny next to the
# other, a single colliding permutation swings the estimate, so very lopsided pairs (a 20-word
# blurb against a 1,500-word feature) are judged by Jaccard alone.
MIN_SIZE_RATIO = 0.15


@dataclass(frozen=True, slots=True, eq=False)
class Candidate:
    """An indexed article returned by the LSH query (``story_id`` is its current root story)."""

    article_id: str
    story_id: str
    signature: U32
    n_shingles: int
    source: str
    published: float | None


@dataclass(frozen=True, slots=True)
class Match:
    """Evidence for grouping: a candidate that passed verification."""

    article_id: str
    story_id: str
    jaccard: float
    containment: float


@dataclass(frozen=True, slots=True)
class Decision:
    """Join ``story_id`` (None: open a new story) and merge the ``merge`` stories into it."""

    story_id: str | None
    merge: tuple[str, ...]
    matches: tuple[Match, ...]


NEW_STORY = Decision(story_id=None, merge=(), matches=())
# The outlet `wirewatch import` files an article under when its line names none: not an outlet,
# so the stricter same-outlet rule (an outlet's own templates) does not apply between such
# articles, as it does not between lines without a source in `wirewatch cluster`.
UNKNOWN_SOURCE = "import"


def estimate(fp: Fingerprint, signature: U32, n_shingles: int) -> tuple[float, float]:
    """Estimated (Jaccard, containment of the smaller set in the larger) against one signature."""
    if len(signature) != len(fp.signature):
        raise ValueError(f"signature has {len(signature)} values, expected {len(fp.signature)}")
    jaccard = float(np.count_nonzero(fp.signature == signature)) / len(signature)
    return jaccard, _containment(jaccard, fp.n_shingles, n_shingles)


def _containment(jaccard: float, n_a: int, n_b: int) -> float:
    # |A ∩ B| = J (|A| + |B|) / (1 + J); divided by the smaller set, capped at 1.
    smaller = min(n_a, n_b)
    if smaller <= 0:
        return 0.0
    return min(1.0, jaccard * (n_a + n_b) / (1.0 + jaccard) / smaller)


def _passes(jaccard: float, containment: float, n_a: int, n_b: int, same_source: bool, config: DedupeConfig) -> bool:
    if same_source:
        return jaccard >= config.same_source_threshold
    if jaccard >= config.threshold:
        return True
    return containment >= config.containment and min(n_a, n_b) >= MIN_SIZE_RATIO * max(n_a, n_b)


def decide(
    fp: Fingerprint,
    candidates: Sequence[Candidate],
    config: DedupeConfig,
    *,
    source: str,
    published: float | None,
    exclude_stories: frozenset[str] = frozenset(),
) -> Decision:
    """Verify ``candidates`` against ``fp`` and choose the story to join and the stories to merge.

    Skipped: candidates of ``exclude_stories`` (an operator split the article out of them), empty
    texts, and candidates published more than ``config.window_seconds`` apart from ``published``
    (when both times are known). The best story is the one holding the best match (highest
    Jaccard, then containment, then smallest article id, so the choice is deterministic).
    """
    if fp.n_shingles == 0:
        return NEW_STORY
    kept = [
        c
        for c in candidates
        if c.story_id not in exclude_stories
        and c.n_shingles > 0
        and (published is None or c.published is None or abs(published - c.published) <= config.window_seconds)
    ]
    if not kept:
        return NEW_STORY
    sigs = np.stack([c.signature for c in kept])
    if sigs.shape[1] != len(fp.signature):
        raise ValueError(f"candidate signatures have {sigs.shape[1]} values, expected {len(fp.signature)}")
    equal = np.count_nonzero(sigs == fp.signature, axis=1) / len(fp.signature)
    matches = []
    for cand, j in zip(kept, equal.tolist(), strict=True):
        c = _containment(j, fp.n_shingles, cand.n_shingles)
        same_source = source not in ("", UNKNOWN_SOURCE) and cand.source == source
        if _passes(j, c, fp.n_shingles, cand.n_shingles, same_source, config):
            matches.append(Match(cand.article_id, cand.story_id, j, c))
    if not matches:
        return NEW_STORY
    matches.sort(key=lambda m: (-m.jaccard, -m.containment, m.article_id))
    stories: list[str] = []
    for m in matches:
        if m.story_id not in stories:
            stories.append(m.story_id)
    return Decision(story_id=stories[0], merge=tuple(stories[1:]), matches=tuple(matches))

"""decide(): verification by Jaccard and containment, the template guard, exclusions, merges."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dedupe import Candidate, DedupeConfig, Fingerprint, decide, fingerprint
from dedupe.decide import estimate

CONFIG = DedupeConfig()
T0 = 1_700_000_000.0


def candidate(
    article_id: str, story_id: str, fp: Fingerprint, source: str = "ap", published: float | None = T0
) -> Candidate:
    return Candidate(article_id, story_id, fp.signature, fp.n_shingles, source, published)


def test_reprint_joins_the_wire_story(original: str, reprint: str) -> None:
    wire = fingerprint(original, None, CONFIG)
    fp = fingerprint(reprint, "Nine killed as missile hits bus station", CONFIG)
    decision = decide(fp, [candidate("a1", "s1", wire)], CONFIG, source="halton-chronicle", published=T0 + 600)
    assert decision.story_id == "s1"
    assert decision.merge == ()
    assert [m.article_id for m in decision.matches] == ["a1"]
    assert decision.matches[0].jaccard >= CONFIG.threshold


def test_half_kept_reprint_joins_by_containment(original: str, first_half: str) -> None:
    wire = fingerprint(original, None, CONFIG)
    fp = fingerprint(first_half, None, CONFIG)
    decision = decide(fp, [candidate("a1", "s1", wire)], CONFIG, source="metro", published=T0)
    assert decision.story_id == "s1"
    match = decision.matches[0]
    # Joined on containment alone: the Jaccard estimate is below the threshold.
    assert match.jaccard < CONFIG.threshold <= CONFIG.containment <= match.containment


def test_update_of_a_developing_story_opens_a_new_story(original: str, update: str) -> None:
    first = fingerprint(original, None, CONFIG)
    later = fingerprint(update, None, CONFIG)
    jaccard, containment = estimate(later, first.signature, first.n_shingles)
    assert jaccard > 0  # they share the background paragraph ...
    decision = decide(later, [candidate("a1", "s1", first)], CONFIG, source="ap", published=T0 + 4 * 3600)
    assert decision.story_id is None  # ... but are different stories
    assert containment < CONFIG.containment


def test_same_outlet_template_does_not_glue(briefings: tuple[str, str]) -> None:
    monday, tuesday = (fingerprint(b, None, CONFIG) for b in briefings)
    jaccard, _ = estimate(tuesday, monday.signature, monday.n_shingles)
    # The shared header and footer make the two pages look alike to the plain thresholds ...
    assert jaccard >= CONFIG.threshold
    other_outlet = decide(
        tuesday, [candidate("b1", "s1", monday, source="valley-courier")], CONFIG, source="somewhere-else", published=T0
    )
    assert other_outlet.story_id == "s1"
    # ... but the same outlet's pages need the stricter same-source threshold.
    same_outlet = decide(
        tuesday,
        [candidate("b1", "s1", monday, source="valley-courier")],
        CONFIG,
        source="valley-courier",
        published=T0 + 86400,
    )
    assert same_outlet.story_id is None
    assert jaccard < CONFIG.same_source_threshold


def test_articles_without_an_outlet_are_not_one_outlet(briefings: tuple[str, str]) -> None:
    """`wirewatch import` files a line without a source under "import", which stands for no
    outlet: the same-outlet rule does not apply, as between `wirewatch cluster` lines without one."""
    from dedupe.decide import UNKNOWN_SOURCE

    monday, tuesday = (fingerprint(b, None, CONFIG) for b in briefings)
    for source in ("", UNKNOWN_SOURCE):
        got = decide(tuesday, [candidate("b1", "s1", monday, source=source)], CONFIG, source=source,
                     published=T0 + 86400)
        assert got.story_id == "s1", source


def test_same_outlet_reposting_a_story_still_joins(original: str) -> None:
    fp = fingerprint(original, None, CONFIG)
    decision = decide(fp, [candidate("a1", "s1", fp, source="ap")], CONFIG, source="ap", published=T0)
    assert decision.story_id == "s1"


def test_excluded_stories_are_skipped(original: str, reprint: str) -> None:
    wire = fingerprint(original, None, CONFIG)
    fp = fingerprint(reprint, None, CONFIG)
    cands = [candidate("a1", "s1", wire), candidate("a2", "s2", wire, source="reuters")]
    assert decide(fp, cands, CONFIG, source="x", published=T0).story_id == "s1"
    decision = decide(fp, cands, CONFIG, source="x", published=T0, exclude_stories=frozenset({"s1"}))
    assert decision.story_id == "s2" and decision.merge == ()
    none_left = decide(fp, cands, CONFIG, source="x", published=T0, exclude_stories=frozenset({"s1", "s2"}))
    assert none_left.story_id is None and none_left.matches == ()


def test_two_matched_stories_are_merged_into_the_best(original: str, reprint: str, first_half: str) -> None:
    fp = fingerprint(original, None, CONFIG)
    close = fingerprint(reprint, None, CONFIG)
    partial = fingerprint(first_half, None, CONFIG)
    cands = [candidate("b", "s-half", partial, source="metro"), candidate("a", "s-reprint", close, source="halton")]
    decision = decide(fp, cands, CONFIG, source="ap", published=T0)
    assert decision.story_id == "s-reprint"  # the higher Jaccard
    assert decision.merge == ("s-half",)
    assert [m.article_id for m in decision.matches] == ["a", "b"]
    assert decision.matches[0].jaccard > decision.matches[1].jaccard


def test_candidates_outside_the_window_are_skipped(original: str, reprint: str) -> None:
    wire = fingerprint(original, None, CONFIG)
    fp = fingerprint(reprint, None, CONFIG)
    late = T0 + CONFIG.window_seconds + 1
    assert decide(fp, [candidate("a1", "s1", wire)], CONFIG, source="x", published=late).story_id is None
    # Unknown publication times are not held against a candidate.
    assert (
        decide(fp, [candidate("a1", "s1", wire, published=None)], CONFIG, source="x", published=late).story_id == "s1"
    )


def test_empty_texts_never_join() -> None:
    empty = fingerprint("", None, CONFIG)
    assert decide(empty, [candidate("a1", "s1", empty)], CONFIG, source="x", published=T0).story_id is None


def test_signature_length_mismatch_is_an_error(original: str) -> None:
    fp = fingerprint(original, None, CONFIG)
    short = fingerprint(original, None, replace(CONFIG, num_perm=64, bands=16))
    with pytest.raises(ValueError, match="128"):
        decide(fp, [candidate("a1", "s1", short)], CONFIG, source="x", published=T0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"shingle_size": 0}, "shingle_size"),
        ({"num_perm": 1}, "num_perm"),
        ({"bands": 200}, "bands"),
        ({"threshold": 0.0}, "threshold"),
        ({"containment": 1.5}, "containment"),
        ({"window_seconds": 0}, "window_seconds"),
        ({"seed": -1}, "seed"),
        ({"seed": True}, "seed"),
        ({"same_source_threshold": "high"}, "same_source_threshold"),
    ],
)
def test_config_is_validated(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DedupeConfig(**changes)  # type: ignore[arg-type]

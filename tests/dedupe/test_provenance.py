"""Provenance of a story: how each member differs from the representative, reprints, and the
count of independent outlets (dedupe/provenance.py, pure)."""

from __future__ import annotations

import random

import pytest

from dedupe.provenance import MemberText, compare, story_provenance

WORDS = ("shelling artillery city officials said residents power grid drone strike overnight region "
         "governor reported damage buildings casualties hospital emergency services ceasefire talks "
         "frontline troops advanced village bridge ministry statement unconfirmed").split()


def paragraph(seed: int, n: int = 45) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


WIRE = [paragraph(i) for i in range(8)]  # the agency's eight paragraphs


def member(aid: str, source: str, paras: list[str], t: float, title: str = "Shelling hits city") -> MemberText:
    return MemberText(aid, source, title, "\n".join(paras), t)


def test_reprint_with_new_headline_local_intro_and_cut_tail() -> None:
    rep = member("ap1", "ap", WIRE, 0.0)
    local = paragraph(100)
    reprint = member("r1", "daily", [local, *WIRE[:5]], 60.0, title="City shelled overnight, officials say")
    rewritten, n, kept, trimmed, added, tail, jaccard, containment = compare(reprint, rep, 5)
    assert rewritten is True
    assert (n, kept, trimmed, added) == (6, 5, 3, 1)
    assert tail is True  # the three missing paragraphs are the last three
    assert 0.5 < jaccard < 0.7 and 0.75 < containment < 0.9


def test_middle_cut_is_not_a_tail_trim_and_same_headline_is_not_rewritten() -> None:
    rep = member("ap1", "ap", WIRE, 0.0)
    other = member("r2", "weekly", [*WIRE[:3], *WIRE[5:]], 60.0, title="  SHELLING hits city! ")
    rewritten, _, kept, trimmed, added, tail, _, containment = compare(other, rep, 5)
    assert rewritten is False  # only case and punctuation differ
    assert (kept, trimmed, added, tail) == (6, 2, 0, False)
    # every word is the wire's; only the shingles across the cut (paragraph 3 into 6) are new
    assert 0.95 < containment < 1.0


def test_independent_outlets_count_reprints_once() -> None:
    ap = member("ap1", "ap", WIRE, 0.0)
    reprints = [member(f"r{i}", f"outlet-{i}", WIRE[: 8 - i % 3], 100.0 + i) for i in range(5)]
    # its own version: half its text is new reporting, so it is not a copy of the wire
    own = member("own", "kyiv-desk", [*WIRE[:3], *(paragraph(200 + i) for i in range(4))], 50.0)
    update = member("ap2", "ap", [*WIRE, paragraph(300)], 400.0)  # the agency's own update
    prov = story_provenance([*reprints, update, own, ap], "ap1")
    assert prov.earliest == "ap1" and prov.representative == "ap1"
    assert prov.independent_outlets == ("ap", "kyiv-desk")
    assert prov.reprints == 5
    by_id = {m.article_id: m for m in prov.members}
    assert all(by_id[f"r{i}"].reprint_of == "ap1" for i in range(5))
    assert by_id["own"].reprint_of is None and by_id["ap2"].reprint_of is None
    assert [m.article_id for m in prov.members][:2] == ["ap1", "own"]  # earliest first
    assert by_id["ap1"].representative and by_id["ap1"].earliest
    assert by_id["ap1"].jaccard == 1.0 and by_id["ap1"].paragraphs_trimmed == 0


def test_reprint_of_a_reprint_points_at_the_first_original() -> None:
    ap = member("ap1", "ap", WIRE, 0.0)
    first = member("a", "outlet-a", WIRE[:6], 10.0)
    second = member("b", "outlet-b", WIRE[:5], 20.0)  # copied from outlet-a's copy, or from AP
    prov = story_provenance([second, first, ap], "ap1")
    assert {m.article_id: m.reprint_of for m in prov.members} == {"ap1": None, "a": "ap1", "b": "ap1"}
    assert prov.independent_outlets == ("ap",)


def test_empty_story_is_an_error() -> None:
    with pytest.raises(ValueError):
        story_provenance([], "x")

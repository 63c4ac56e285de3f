from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crawlers.topics import TopicRule, fold, match_topics

RULES = [
    TopicRule("nk", any=("Nagorno-Karabakh", "Artsakh", "Stepanakert")),
    TopicRule("ukraine", any=("Kyiv", "Київ"), none=("Kyiv Post Cafe",)),
    TopicRule("both", all=("ceasefire", "Lavrov")),
]


def test_case_diacritics_and_hyphens() -> None:
    assert match_topics(RULES, "Shelling near STEPANAKERT", "") == ("nk",)
    assert match_topics(RULES, "", "the nagorno karabakh talks") == ("nk",)
    assert match_topics(RULES, "", "Київ під обстрілом") == ("ukraine",)
    assert match_topics(RULES, "Fête à Kýiv", "") == ("ukraine",)


def test_word_boundaries_and_none_and_all() -> None:
    assert match_topics(RULES, "", "Artsakhian") == ()
    assert match_topics(RULES, "", "Opening of the Kyiv Post Cafe") == ()
    assert match_topics(RULES, "", "Lavrov defends the ceasefire") == ("both",)
    assert match_topics(RULES, "", "Lavrov speaks") == ()


@given(st.text())
def test_fold_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)

"""Topic rules: keyword matching that is case and diacritic insensitive, on word boundaries.

A rule matches an article when any ``any`` term, every ``all`` term, and no ``none`` term occurs in
its title or text. Terms are words or phrases in any script ("Stepanakert", "Степанакерт", "Nagorno
Karabakh" also matches "Nagorno-Karabakh").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class TopicRule:
    name: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()


def fold(text: str) -> str:
    """Case-fold and strip diacritics; hyphens and punctuation become spaces."""
    # compatibility forms first (a mathematical "𝕊" is an "S"), then case, then again: casefold
    # can produce composed characters
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", stripped).split())


@lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str]:
    words = fold(term).split()
    return re.compile(r"(?<!\w)" + r" ".join(re.escape(w) for w in words) + r"(?!\w)")


def _has(folded: str, term: str) -> bool:
    return bool(fold(term)) and _term_pattern(term).search(folded) is not None


def rule_matches(rule: TopicRule, folded_text: str) -> bool:
    if rule.none and any(_has(folded_text, t) for t in rule.none):
        return False
    if rule.all and not all(_has(folded_text, t) for t in rule.all):
        return False
    if rule.any:
        return any(_has(folded_text, t) for t in rule.any)
    return bool(rule.all)


def match_topics(rules: Mapping[str, TopicRule] | Iterable[TopicRule], title: str, text: str) -> tuple[str, ...]:
    """Names of the rules the article matches, in rule order."""
    items = rules.values() if isinstance(rules, Mapping) else rules
    folded = fold(f"{title}\n{text}")
    return tuple(rule.name for rule in items if rule_matches(rule, folded))

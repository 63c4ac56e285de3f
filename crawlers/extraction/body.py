"""The article text: trafilatura in the mode that fits the page, then a line-level clean-up.

Mode choice, measured on the development set (bench/extraction_quality.py): trafilatura's fast
precision mode runs first (fast: no comparison with readability and jusText, which costs as much
again and lost F1 here). Precision drops more furniture, so its text is kept when it covers most
of the page's paragraph text. Otherwise fast balanced mode runs too, and precision still wins
unless it is much shorter than the balanced text, the sign that it lost part of the article. When
even that is implausibly short, the slower non-fast modes get a chance. About one page in eight
needs the second run.

The clean-up drops lines that are furniture in any layout: the headline repeated (with or without
a "Live:" label), "Read more: ..." teasers, newsletter, follow-us and copyright lines in the
languages we cover, pull quotes that repeat a paragraph.
"""

from __future__ import annotations

import re
import unicodedata

from lxml.html import HtmlElement
from trafilatura import bare_extraction

from crawlers.extraction.tree import paragraph_text_length

# Precision text covering this share of the page's <p> text is trusted without a second run.
PARAGRAPH_SHARE = 0.7
# Precision text shorter than this share of the balanced text has lost part of the article
# (F1 on the development set is flat from 0.6 to 0.75 and drops either side).
PRECISION_MIN_SHARE = 0.7
# Below this many characters a result is suspect (a headline plus a teaser)...
PLAUSIBLE_CHARS = 300
# ... and a slower mode's result replaces it only when clearly longer.
FALLBACK_GAIN = 2.0

_LABELS = (
    r"read (?:more|also|next)", r"related(?: (?:stories|articles|news|coverage|content))?", r"see also",
    r"also read", r"more on this(?: story)?", r"recommended", r"watch", r"listen", r"more",
    r"lire aussi", r"voir aussi", r"à lire aussi", r"sur le même sujet",
    r"читайте также", r"читайте також", r"по теме", r"смотрите также", r"дивіться також", r"по темі",
    r"اقرأ أيضا", r"اقرأ أيضًا", r"اقرأ ايضا", r"شاهد أيضا", r"مواضيع ذات صلة", r"أخبار ذات صلة",
    r"lea también", r"lee también", r"ver también", r"le puede interesar", r"noticias relacionadas",
    r"leia também", r"veja também", r"lesen sie auch", r"mehr zum thema",
)
_LABEL_LINE = re.compile(
    r"^\W{0,3}(?:" + "|".join(_LABELS) + r")(?:\s*[:|»>]|\s+[-–—]\s|$)", re.IGNORECASE
)
_FURNITURE_PHRASES = (
    r"sign up (?:for|to) (?:our|the)\b", r"subscribe to (?:our|the)\b", r"thanks? (?:you )?for signing up",
    r"follow (?:us|him|her|them|@\w+) on (?:twitter|facebook|instagram|x|telegram)",
    r"all rights reserved", r"we use cookies", r"this copy is for your personal, non-commercial use",
    r"abonnez-vous", r"inscrivez-vous (?:à|pour)", r"tous droits réservés", r"nous utilisons des cookies",
    r"подпишитесь на", r"все права защищены", r"мы используем (?:файлы )?cookie",
    r"підпишіться на", r"усі права захищені", r"ми використовуємо (?:файли )?cookie",
    r"suscr[íi]b(?:ase|ete) a", r"todos los derechos reservados", r"utilizamos cookies",
    r"اشترك في", r"جميع الحقوق محفوظة", r"نستخدم ملفات تعريف الارتباط",
)
# Matched against the lowercased line: an IGNORECASE alternation this long costs 15 times more.
_FURNITURE = re.compile("|".join(_FURNITURE_PHRASES))
# A furniture phrase inside a long paragraph is reporting ("the ministry said all rights reserved...").
_FURNITURE_MAX_WORDS = 40
_LABEL_MAX_WORDS = 30
_HEADLINE_LABEL_CHARS = 30
_REPEAT_MIN_WORDS = 6
_SENTENCE_END = re.compile(r"(?<=[.!?…。])\s+")
_SYMBOL_LINE_CHARS = 10
_BYLINE_MAX_WORDS = 12
_BY_WORDS = {"by", "par", "por", "von", "door", "di", "автор", "від", "بقلم"}


def run_trafilatura(tree: HtmlElement, url: str | None, mode: str, *, fast: bool = False) -> str:
    """trafilatura's text for ``tree`` in ``mode`` ("precision", "balanced" or "recall")."""
    document = bare_extraction(
        tree,
        url=url,
        fast=fast,
        favor_precision=mode == "precision",
        favor_recall=mode == "recall",
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    text = getattr(document, "text", None) if document is not None else None
    return text or ""


def main_text(tree: HtmlElement, url: str | None) -> str:
    """The article body of a cleaned tree, choosing trafilatura's mode per page."""
    precise = run_trafilatura(tree, url, "precision", fast=True)
    if len(precise) >= PLAUSIBLE_CHARS and len(precise) >= PARAGRAPH_SHARE * paragraph_text_length(tree):
        return precise
    balanced = run_trafilatura(tree, url, "balanced", fast=True)
    best = precise if len(precise) >= PRECISION_MIN_SHARE * len(balanced) else balanced
    for mode in ("balanced", "recall"):
        if len(best) >= PLAUSIBLE_CHARS:
            break
        candidate = run_trafilatura(tree, url, mode)
        if len(candidate) > FALLBACK_GAIN * len(best):
            best = candidate
    return best


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", folded))


def _is_headline(key: str, title_key: str) -> bool:
    """The headline itself, or the headline with a short label around it ("Live: ...", "... | Site")."""
    return key == title_key or (title_key in key and len(key) - len(title_key) <= _HEADLINE_LABEL_CHARS)


def _sentence_keys(lines: list[str]) -> dict[str, int]:
    """Key of every sentence of every multi-sentence line -> the length of the longest such line."""
    index: dict[str, int] = {}
    for line in lines:
        sentences = [_key(part) for part in _SENTENCE_END.split(line)]
        sentences = [key for key in sentences if key]
        if len(sentences) > 1:
            for key in sentences:
                index[key] = max(index.get(key, 0), len(line))
    return index


def _is_repeat(line: str, key: str, sentences: dict[str, int]) -> bool:
    """A pull quote: a line that repeats one sentence of a longer paragraph.

    Looked up in an index of sentences rather than searched as a substring of every other line,
    which would be quadratic in the number of lines.
    """
    return key.count(" ") + 1 >= _REPEAT_MIN_WORDS and sentences.get(key, 0) > len(line)


def _is_byline(key: str, author_keys: list[str]) -> bool:
    """"By Jane Doe", "05.03.2024 09:40 | Jane Doe": an author's name plus a date or a "by" word."""
    for author in author_keys:
        if author and author in key:
            rest = key.replace(author, " ").split()
            words = [w for w in rest if not w.isdigit()]
            if len(words) <= 2 and (len(words) < len(rest) or (words and words[0] in _BY_WORDS)):
                return True
    return False


def clean_lines(text: str, title: str | None, authors: tuple[str, ...] = ()) -> str:
    """Drop furniture lines, headline and byline repeats, pull quotes. Paragraphs stay in order."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    keys = [_key(line) for line in lines]
    title_key = _key(title) if title else ""
    author_keys = [_key(a) for a in authors]
    sentences = _sentence_keys(lines)
    kept = []
    for line, key in zip(lines, keys, strict=True):
        words = len(line.split())
        if not key and len(line) < _SYMBOL_LINE_CHARS:
            continue  # separators, lone bullets and table pipes
        if title_key and _is_headline(key, title_key):
            continue
        if words <= _BYLINE_MAX_WORDS and _is_byline(key, author_keys):
            continue
        if words <= _LABEL_MAX_WORDS and _LABEL_LINE.match(line):
            continue
        if words <= _FURNITURE_MAX_WORDS and _FURNITURE.search(line.lower()):
            continue
        if _is_repeat(line, key, sentences):
            continue
        kept.append(line)
    return "\n".join(kept)

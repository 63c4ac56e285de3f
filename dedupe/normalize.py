"""Text normalisation for matching, and wire-agency detection.

``normalize`` turns an article body into the canonical form that is shingled: the same story
reprinted by another outlet should come out identical apart from the words the outlet really
changed. It is for matching only, never for display.

Order matters: datelines, bylines and credits are recognised on the raw text (they are told apart by
capitals, parentheses and dashes, which the later steps remove), then the text is case-folded and
stripped to words. Because every pattern that removes text needs a capital letter or punctuation,
normalised text never matches one again, which keeps ``normalize`` idempotent.
"""

from __future__ import annotations

import re
import unicodedata

# Latin and Cyrillic capitals (ASCII, Latin-1, Latin Extended-A, Cyrillic), for ALL-CAPS datelines.
_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽА-ЯЁЄІЇҐЎ"
_AGENCY_TAGS = (
    r"AP|The Associated Press|Associated Press|Reuters|AFP|dpa|DPA|ANSA|EFE|Xinhua|TASS|Interfax|"
    r"Ukrinform|Anadolu|AA|Armenpress|ARMENPRESS|APA|Kyodo|Yonhap|Europa Press|"
    r"Рейтер|Рейтерс|АФП|ТАСС|РИА Новости|Интерфакс|Укрінформ|УНІАН|"
    r"رويترز|أ ف ب|ا ف ب|أ\.ف\.ب|فرانس برس|د ب أ|أسوشيتد برس|الأناضول"
)
_DASH = r"[-‐‑‒–—―]+"
_DATE = r"(?:[^\S\n]*,?[^\S\n]*(?:[A-Z][a-z]{2,8}\.?[^\S\n]+\d{1,2}|\d{1,2}[^\S\n]+[^\W\d]{3,9}\.?))?"
_PLACE_CAPS = rf"[{_UP}][{_UP}.'’ -]*[{_UP}]"
_PLACE_ANY = r"[^\W\d][\w.'’ -]{0,40}?"
_REGION = r"(?:,[^\S\n]*[^\W\d][\w.'’ -]{0,30}?)?"

# "YEREVAN, Armenia (AP) —", "KYIV (Reuters) -", "PARIS, Jan 5 (AFP) –", "BEIRUT —"
_DATELINE_TAGGED = re.compile(
    rf"^[^\S\n]*{_PLACE_ANY}{_REGION}{_DATE}[^\S\n]*\((?:{_AGENCY_TAGS})\)[^\S\n]*(?:{_DASH}|[.:])?[^\S\n]*",
    re.MULTILINE,
)
_DATELINE_CAPS = re.compile(rf"^[^\S\n]*{_PLACE_CAPS}{_REGION}{_DATE}[^\S\n]*{_DASH}[^\S\n]*", re.MULTILINE)
# Russian and Ukrainian agencies: "МОСКВА, 5 января. /ТАСС/." and "КИЕВ, 5 янв - РИА Новости."
_DATELINE_SLASHED = re.compile(
    r"^[^\S\n]*[^\n]{0,60}?/(?:ТАСС|TASS|Укрінформ|УНІАН|Интерфакс)/\.?[^\S\n]*", re.MULTILINE
)
_DATELINE_RIA = re.compile(
    rf"^[^\S\n]*[{_UP}][^\n]{{0,50}}?{_DASH}[^\S\n]*(?:РИА Новости|Интерфакс|Укрінформ|УНІАН)\.[^\S\n]*",
    re.MULTILINE,
)
# "By JANE DOE Associated Press", "By Jane Doe and John Roe, Reuters", "Par Jean DUPONT (AFP)"
_BYLINE_LINE = re.compile(
    rf"^[^\S\n]*(?:By|BY|Par|PAR|Por|POR|Von|VON)[^\S\n]+[{_UP}][^\n]{{0,120}}(?<![.!?])$", re.MULTILINE
)
_CREDIT_LINES = re.compile(
    r"^[^\S\n]*(?:"
    r"(?:©|\(c\)|\(C\)|Copyright\b)[^\n]*"
    r"|[^\n]*All rights reserved\.?"
    r"|[^\n]*(?:Tous droits réservés|Todos los derechos reservados|Все права защищены|"
    r"Усі права захищені|Всі права захищені)\.?"
    r"|\(?(?:Reporting|Additional reporting|Writing|Editing|Compiled|Translated|Production|"
    r"Rédigé|Édité|Redacción|Edición) by\b[^\n]*"
    r"|[^\n]*contributed(?: reporting)? to this (?:report|story)\.?"
    r"|This (?:material|story|article) may not be [^\n]*"
    r"|\((?:Avec|With|Con|Par|Por)[^\S\n]+[^\n()]{0,60}\)\.?"
    r")[^\S\n]*$",
    re.MULTILINE,
)
_CREDIT_INLINE = re.compile(r"\((?:Reporting|Additional reporting|Writing|Editing|Compiled) by[^()]*\)")
_AGENCY_INLINE = re.compile(rf"\((?:{_AGENCY_TAGS})\)")

# A byline line is short; longer lines starting with "By" are prose ("By nightfall, ...").
_BYLINE_MAX_WORDS = 10
_CREDIT_MAX_WORDS = 60

_APOSTROPHES = re.compile(r"['’ʼ`´ʻ]")
# Arabic harakat and tatweel are optional in writing: drop them so vocalised and bare forms match.
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_NON_WORD = re.compile(r"[\W_]+")
# Scripts written without spaces: each character becomes a token (character n-gram shingles).
_UNSPACED = re.compile(r"([\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")
# Thousands separators: after punctuation became spaces, "1,200", "1.200" and "1 200" read "1 200".
_DIGIT_GROUPS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_DIGITS = str.maketrans(
    {chr(base + i): str(i) for base in (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50) for i in range(10)}
)


def _drop_lines(pattern: re.Pattern[str], text: str, max_words: int) -> str:
    def repl(m: re.Match[str]) -> str:
        return "" if len(m.group(0).split()) <= max_words else m.group(0)

    return pattern.sub(repl, text)


def strip_boilerplate(text: str) -> str:
    """Remove datelines, bylines, agency tags and credit lines, keeping the line structure."""
    text = _drop_lines(_BYLINE_LINE, text, _BYLINE_MAX_WORDS)
    text = _drop_lines(_CREDIT_LINES, text, _CREDIT_MAX_WORDS)
    text = _CREDIT_INLINE.sub(" ", text)
    for pattern in (_DATELINE_SLASHED, _DATELINE_RIA, _DATELINE_TAGGED, _DATELINE_CAPS):
        text = pattern.sub("", text)
    return _AGENCY_INLINE.sub(" ", text)


def normalize(text: str) -> str:
    """The matching form of ``text``: words only, case-folded, single spaces, no boilerplate.

    NFKC, datelines/bylines/credits removed, case fold, digits made ASCII with their grouping
    dropped, punctuation removed (apostrophes join: "Russia's" -> "russias"), unspaced scripts split
    into characters, whitespace collapsed. ``normalize(normalize(t)) == normalize(t)``.
    """
    text = unicodedata.normalize("NFKC", text)
    text = strip_boilerplate(text)
    text = unicodedata.normalize("NFKC", text.casefold())
    text = text.translate(_DIGITS)
    text = _APOSTROPHES.sub("", text)
    text = _ARABIC_MARKS.sub("", text)
    text = _NON_WORD.sub(" ", text)
    text = _UNSPACED.sub(r" \1 ", text)
    text = " ".join(text.split())
    return _DIGIT_GROUPS.sub("", text)


# Strong markers only (datelines, credits, copyright lines): a story that merely quotes "Reuters
# reported" is not a Reuters story. The earliest marker in the text wins.
_ORIGIN_MARKERS: tuple[tuple[str, str], ...] = (
    ("AP", r"\((?:AP|The Associated Press)\)|Associated Press (?:writers?|reporters?)\b|"
     r"Copyright \d{4} The Associated Press|\bBy [^\n]{2,80}?\bAssociated Press\b|\(أسوشيتد برس\)"),
    ("Reuters", r"\((?:Reuters|Рейтер|Рейтерс|رويترز)\)|\(?(?:Additional )?[Rr]eporting by\b|"
     r"(?:©|\(c\)|Copyright)\s*\d{4}\s*(?:Thomson )?Reuters"),
    ("AFP", r"\((?:AFP|АФП|أ ف ب|ا ف ب|أ\.ف\.ب)\)|Agence France-Presse|©\s*AFP|\((?:Avec|avec) AFP\)|"
     r"فرانس برس"),
    ("dpa", r"\((?:dpa|DPA|د ب أ)\)|/dpa\b"),
    ("ANSA", r"\(ANSA\)"),
    ("EFE", r"\(EFE\)|\bEFE\)?\.-"),
    ("Xinhua", r"\(Xinhua\)"),
    ("TASS", r"/ТАСС/|\(TASS\)|\(ТАСС\)"),
    ("RIA Novosti", r"РИА Новости\."),
    ("Interfax", r"\(Interfax\)|/Интерфакс/|Интерфакс\."),
    ("Ukrinform", r"\(Ukrinform\)|/Укрінформ/|Укрінформ\."),
    ("Anadolu", r"\((?:AA|Anadolu|الأناضول)\)|Anadolu Agency"),
    ("Armenpress", r"\bARMENPRESS\b|\(Armenpress\)"),
)
_ORIGIN_RE = re.compile("|".join(f"(?P<o{i}>{pat})" for i, (_, pat) in enumerate(_ORIGIN_MARKERS)))


def detect_origin(text: str) -> str | None:
    """The wire agency that filed ``text`` ("AP", "Reuters", "AFP", "dpa", "ANSA", ...), or None."""
    m = _ORIGIN_RE.search(unicodedata.normalize("NFKC", text))
    if m is None or m.lastgroup is None:
        return None
    return _ORIGIN_MARKERS[int(m.lastgroup[1:])][0]

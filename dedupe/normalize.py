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
    rf"^[^\S\n]*{_PLACE_ANY}{_REGION}(?:[^\S\n]*\([^()\n]{{1,30}}\))?{_DATE}[^\S\n]*\((?:{_AGENCY_TAGS})\)[^\S\n]*(?:{_DASH}|[.:])?[^\S\n]*",
)
_DATELINE_CAPS = re.compile(rf"^[^\S\n]*{_PLACE_CAPS}{_REGION}{_DATE}[^\S\n]*{_DASH}[^\S\n]*")
# Russian and Ukrainian agencies: "МОСКВА, 5 января. /ТАСС/." and "КИЕВ, 5 янв - РИА Новости."
_DATELINE_SLASHED = re.compile(
    r"^[^\S\n]*[^\n]{0,60}?/(?:ТАСС|TASS|Укрінформ|УНІАН|Интерфакс)/\.?[^\S\n]*"
)
_DATELINE_RIA = re.compile(
    rf"^[^\S\n]*[{_UP}][^\n]{{0,50}}?{_DASH}[^\S\n]*(?:РИА Новости|Интерфакс|Укрінформ|УНІАН)\.[^\S\n]*",
)
# "By JANE DOE Associated Press", "By Jane Doe and John Roe, Reuters", "Par Jean DUPONT (AFP)"
_BYLINE_LINE = re.compile(
    rf"^[^\S\n]*(?:By|BY|Par|PAR|Por|POR|Von|VON)[^\S\n]+[{_UP}][^\n]{{0,120}}(?<![.!?])$"
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
)
_CREDIT_INLINE = re.compile(r"\((?:Reporting|Additional reporting|Writing|Editing|Compiled) by[^()]*\)")
_AGENCY_INLINE = re.compile(rf"\((?:{_AGENCY_TAGS})\)")

# A byline line is short; longer lines starting with "By" are prose ("By nightfall, ...").
_BYLINE_MAX_WORDS = 10
_CREDIT_MAX_WORDS = 60
_CREDIT_MAX_CHARS = 600

_APOSTROPHES = re.compile(r"['’ʼ`´ʻ]")
# Arabic harakat and tatweel are optional in writing: drop them so vocalised and bare forms match.
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_NON_WORD = re.compile(r"[\W_]+")
# Scripts written without spaces: each character becomes a token (character n-gram shingles).
_UNSPACED = re.compile(r"([\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")
# Thousands separators: after punctuation became spaces, "1,200", "1.200" and "1 200" read "1 200".
_DIGIT_GROUPS = re.compile(r"(\d) (?=\d{3}(?!\d))")
_DIGITS = str.maketrans(
    {chr(base + i): str(i) for base in (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50) for i in range(10)}
)


_NON_ASCII_DIGIT = re.compile(r"[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\u09e6-\u09ef\u0e50-\u0e59]")
# ASCII fast path: lower-case letters, keep digits, drop apostrophes, every other byte becomes a space.
_ASCII_TABLE = bytes(
    c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256)
)
# A dateline sits in the first characters of its line.
_DATELINE_HEAD = 140


def _is_boilerplate_line(line: str) -> bool:
    # Credit and byline lines are short; the word count is only taken when a pattern matched.
    if len(line) > _CREDIT_MAX_CHARS:
        return False
    if _BYLINE_LINE.match(line):
        return len(line.split()) <= _BYLINE_MAX_WORDS
    if _CREDIT_LINES.match(line):
        return len(line.split()) <= _CREDIT_MAX_WORDS
    return False


def _strip_dateline(line: str) -> str:
    # Cheap gates first: the dateline patterns backtrack, and most lines are plain prose.
    head = line[:_DATELINE_HEAD]
    if "(" in head:
        m = _DATELINE_TAGGED.match(line)
        if m:
            return line[m.end() :]
    if "/" in head or "РИА" in head or "Интерфакс" in head or "Укрінформ" in head or "УНІАН" in head:
        m = _DATELINE_SLASHED.match(line) or _DATELINE_RIA.match(line)
        if m:
            return line[m.end() :]
    if head.lstrip()[:2].isupper():
        m = _DATELINE_CAPS.match(line)
        if m:
            return line[m.end() :]
    return line


def strip_boilerplate(text: str) -> str:
    """Remove datelines, bylines, agency tags and credit lines, keeping the line structure.

    The line patterns are tried once at the start of each line (``re.match``), not scanned for.
    """
    kept = []
    for line in text.split("\n"):
        if not line or line.isspace() or _is_boilerplate_line(line):
            continue
        kept.append(_strip_dateline(line))
    text = "\n".join(kept)
    if "(" in text:
        text = _AGENCY_INLINE.sub(" ", _CREDIT_INLINE.sub(" ", text))
    return text


def normalize(text: str) -> str:
    """The matching form of ``text``: words only, case-folded, single spaces, no boilerplate.

    NFKC, datelines/bylines/credits removed, case fold, digits made ASCII with their grouping
    dropped, punctuation removed (apostrophes join: "Russia's" -> "russias"), unspaced scripts split
    into characters, whitespace collapsed. ``normalize(normalize(t)) == normalize(t)``.
    """
    text = strip_boilerplate(unicodedata.normalize("NFKC", text))
    if text.isascii():
        text = text.encode("ascii").translate(_ASCII_TABLE, b"'`").decode("ascii")
    else:
        text = unicodedata.normalize("NFKC", text.casefold())
        if _NON_ASCII_DIGIT.search(text):
            text = text.translate(_DIGITS)
        text = _APOSTROPHES.sub("", text)
        text = _ARABIC_MARKS.sub("", text)
        text = _NON_WORD.sub(" ", text)
        text = _UNSPACED.sub(r" \1 ", text)
    text = " ".join(text.split())
    return _DIGIT_GROUPS.sub(r"\1", text)


# Strong markers only (datelines, credits, copyright lines): a story that merely quotes "Reuters
# reported" is not a Reuters story. Literal strings, found with str.find (a regex alternation
# scanned over every position costs a millisecond per article); the earliest marker wins.
_ORIGIN_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AP", ("(AP)", "(The Associated Press)", "Associated Press writer", "Associated Press reporter",
            "The Associated Press. All rights reserved", "Associated Press\n", "(أسوشيتد برس)")),
    ("Reuters", ("(Reuters)", "(Рейтер)", "(Рейтерс)", "(رويترز)", "Reporting by", "reporting by",
                 "Thomson Reuters", "© Reuters")),
    ("AFP", ("(AFP)", "(АФП)", "(أ ف ب)", "(ا ف ب)", "(أ.ف.ب)", "Agence France-Presse", "© AFP",
             "(Avec AFP)", "(avec AFP)", "فرانس برس")),
    ("dpa", ("(dpa)", "(DPA)", "(د ب أ)", "/dpa")),
    ("ANSA", ("(ANSA)",)),
    ("EFE", ("(EFE)", "Agencia EFE")),
    ("Xinhua", ("(Xinhua)",)),
    ("TASS", ("/ТАСС/", "(TASS)", "(ТАСС)", "© ТАСС")),
    ("RIA Novosti", ("РИА Новости.", "© РИА Новости")),
    ("Interfax", ("(Interfax)", "/Интерфакс/", "Интерфакс.", "Інтерфакс-Україна")),
    ("Ukrinform", ("(Ukrinform)", "/Укрінформ/", "Укрінформ.", "© Укрінформ")),
    ("Anadolu", ("(AA)", "(Anadolu)", "(الأناضول)", "Anadolu Agency")),
    ("Armenpress", ("ARMENPRESS", "(Armenpress)")),
)
# Datelines open a story and credits close it: only its head and tail are searched.
_ORIGIN_WINDOW = 1500


def detect_origin(text: str) -> str | None:
    """The wire agency that filed ``text`` ("AP", "Reuters", "AFP", "dpa", "ANSA", ...), or None."""
    if len(text) > 2 * _ORIGIN_WINDOW:
        text = text[:_ORIGIN_WINDOW] + "\n" + text[-_ORIGIN_WINDOW:]
    text = unicodedata.normalize("NFKC", text)
    best: tuple[int, str] | None = None
    for agency, markers in _ORIGIN_MARKERS:
        for marker in markers:
            at = text.find(marker)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, agency)
    if best is None and text.rstrip().endswith("Associated Press"):
        return "AP"
    return best[1] if best else None

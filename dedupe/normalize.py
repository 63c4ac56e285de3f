"""Text normalisation for matching, and wire-agency detection.

``normalize`` turns an article body into the canonical form that is shingled: the same story
reprinted by another outlet should come out identical apart from the words the outlet really
changed. It is for matching only, never for display.

Order matters: datelines, bylines and credits are recognised on the raw text (they are told apart by
capitals, parentheses and dashes, which the later steps remove), then the text is lower-cased and
stripped to words character by character (``dedupe.codepoints``). Because every pattern that
removes text needs a capital letter or punctuation, normalised text never matches one again, which
keeps ``normalize`` idempotent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from dedupe.codepoints import U32, decode, words_many

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
_DATELINE_SLASHED = re.compile(r"^[^\S\n]*[^\n]{0,60}?/(?:ТАСС|TASS|Укрінформ|УНІАН|Интерфакс)/\.?[^\S\n]*")
_DATELINE_RIA = re.compile(
    rf"^[^\S\n]*[{_UP}][^\n]{{0,50}}?{_DASH}[^\S\n]*(?:РИА Новости|Интерфакс|Укрінформ|УНІАН)\.[^\S\n]*",
)
# "By JANE DOE Associated Press", "By Jane Doe and John Roe, Reuters", "Par Jean DUPONT (AFP)"
_BYLINE_LINE = re.compile(rf"^[^\S\n]*(?:By|BY|Par|PAR|Por|POR|Von|VON)[^\S\n]+[{_UP}][^\n]{{0,120}}(?<![.!?])$")
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


def _strip_dateline(line: str) -> tuple[str, str]:
    """The line without its dateline, and the dateline ("" when there is none)."""
    # Cheap gates first: the dateline patterns backtrack, and most lines are plain prose.
    head = line[:_DATELINE_HEAD]
    m = None
    if "(" in head:
        m = _DATELINE_TAGGED.match(line)
    if m is None and ("/" in head or "РИА" in head or "Интерфакс" in head or "Укрінформ" in head or "УНІАН" in head):
        m = _DATELINE_SLASHED.match(line) or _DATELINE_RIA.match(line)
    if m is None and head.lstrip()[:2].isupper():
        m = _DATELINE_CAPS.match(line)
    return (line, "") if m is None else (line[m.end() :], m.group(0))


def _strip(text: str) -> tuple[str, list[str]]:
    """The text without boilerplate, and the removed pieces (where the origin markers are)."""
    kept = []
    removed: list[str] = []
    for line in text.split("\n"):
        if not line or line.isspace():
            continue
        if _is_boilerplate_line(line):
            removed.append(line)
            continue
        line, dateline = _strip_dateline(line)
        if dateline:
            removed.append(dateline)
        kept.append(line)
    text = "\n".join(kept)
    if "(" in text:

        def cut(m: re.Match[str]) -> str:
            removed.append(m.group(0))
            return " "

        text = _AGENCY_INLINE.sub(cut, _CREDIT_INLINE.sub(cut, text))
    return text, removed


def strip_boilerplate(text: str) -> str:
    """Remove datelines, bylines, agency tags and credit lines, keeping the line structure.

    The line patterns are tried once at the start of each line (``re.match``), not scanned for.
    """
    return _strip(text)[0]


def analyse(texts: Sequence[str]) -> tuple[list[U32], list[str | None]]:
    """Each text's matching form as a code point array, and its wire origin (``detect_origin``)."""
    stripped = [_strip(unicodedata.normalize("NFKC", t)) for t in texts]
    out = words_many([text for text, _ in stripped])
    return out, [_origin(removed) for _, removed in stripped]


def normalized_words(texts: Sequence[str]) -> list[U32]:
    """The matching form of each text as a code point array (see ``dedupe.codepoints``)."""
    return analyse(texts)[0]


def normalize(text: str) -> str:
    """The matching form of ``text``: words only, lower-cased, single spaces, no boilerplate.

    NFKC; datelines, bylines and credits removed; then per character (``dedupe.codepoints``):
    simple lower case, decimal digits of any script made ASCII, apostrophes, Arabic diacritics and
    format characters dropped ("Russia's" -> "russias"), punctuation and symbols made spaces, CJK
    and Thai split into characters; digit groups rejoined ("1,200" -> "1200"); single spaces.
    ``normalize(normalize(t)) == normalize(t)``.
    """
    return decode(normalized_words([text])[0])


# Strong markers only (datelines, credits, copyright lines): a story that merely quotes "Reuters
# reported" is not a Reuters story. They are looked for in the boilerplate that normalisation strips.
_ORIGIN_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "AP",
        (
            "(AP)",
            "(The Associated Press)",
            "Associated Press writer",
            "Associated Press reporter",
            "The Associated Press",
            "Associated Press",
            "(أسوشيتد برس)",
        ),
    ),
    (
        "Reuters",
        (
            "(Reuters)",
            "(Рейтер)",
            "(Рейтерс)",
            "(رويترز)",
            "Reporting by",
            "reporting by",
            "Thomson Reuters",
            "Reuters",
        ),
    ),
    (
        "AFP",
        (
            "(AFP)",
            "(АФП)",
            "(أ ف ب)",
            "(ا ف ب)",
            "(أ.ف.ب)",
            "Agence France-Presse",
            "© AFP",
            "(Avec AFP)",
            "(avec AFP)",
            "فرانس برس",
            "AFP",
        ),
    ),
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
_ORIGIN_RE = re.compile(
    "|".join(re.escape(m) for m in sorted((m for _, ms in _ORIGIN_MARKERS for m in ms), key=len, reverse=True))
)
_ORIGIN_OF = {m: agency for agency, ms in _ORIGIN_MARKERS for m in ms}


def _origin(removed: list[str]) -> str | None:
    # The markers sit in what was stripped: datelines, bylines, credit lines, agency tags. The
    # earliest wins (a story's own dateline before the credits of one it quotes).
    for piece in removed:
        m = _ORIGIN_RE.search(piece)
        if m is not None:
            return _ORIGIN_OF[m.group(0)]
    return None


def detect_origin(text: str) -> str | None:
    """The wire agency that filed ``text`` ("AP", "Reuters", "AFP", "dpa", "ANSA", ...), or None.

    Only strong markers count: a dateline ("KYIV (Reuters) -"), a byline ("By JANE DOE Associated
    Press"), a credit or copyright line, an agency tag; a story quoting "Reuters reported" has none.
    """
    return _origin(_strip(unicodedata.normalize("NFKC", text))[1])

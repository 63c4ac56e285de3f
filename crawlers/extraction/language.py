"""The page's language as ISO-639-1, from what the page declares, checked against its script.

No statistical language identification (a heavy dependency for a field we can mostly read off
the page): the ``<html lang>`` attribute, then ``og:locale`` / ``Content-Language`` / JSON-LD
``inLanguage``. Templates often keep a default ``lang="en"`` on pages in another language, so a
declaration whose script contradicts the text (``en`` over Cyrillic) is dropped; a script that
belongs to one language only (Armenian, Georgian, Greek, Hebrew, Korean, Japanese kana, Thai), or
Cyrillic with letters unique to Ukrainian or Russian, then names the language; otherwise None.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_ISO_639_2 = {
    "eng": "en", "fra": "fr", "fre": "fr", "rus": "ru", "ukr": "uk", "ara": "ar", "spa": "es",
    "deu": "de", "ger": "de", "hye": "hy", "arm": "hy", "aze": "az", "tur": "tr", "heb": "he",
    "fas": "fa", "per": "fa", "por": "pt", "ita": "it", "jpn": "ja", "kor": "ko", "zho": "zh",
    "chi": "zh", "kat": "ka", "geo": "ka", "pol": "pl", "nld": "nl", "dut": "nl", "ell": "el",
    "gre": "el",
}
_ISO_639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz "
    "ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii "
    "ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi "
    "mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw "
    "sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk "
    "ur uz ve vi vo wa wo xh yi yo za zh zu".split()
)
# Obsolete ISO-639-1 codes still found in the wild.
_RENAMED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv"}
_CODE = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")

# Script of a code's usual writing system; languages not listed are not checked.
_SCRIPT_OF = {
    "en": "latin", "fr": "latin", "es": "latin", "de": "latin", "pt": "latin", "it": "latin",
    "tr": "latin", "az": "latin", "pl": "latin", "nl": "latin", "ru": "cyrillic", "uk": "cyrillic",
    "bg": "cyrillic", "sr": "cyrillic", "be": "cyrillic", "kk": "cyrillic", "ar": "arabic", "fa": "arabic",
    "ur": "arabic", "he": "hebrew", "hy": "armenian", "ka": "georgian", "el": "greek", "ko": "hangul",
    "ja": "kana", "zh": "han", "th": "thai",
}
_SCRIPT_ONLY_LANGUAGE = {"armenian": "hy", "georgian": "ka", "greek": "el", "hebrew": "he", "hangul": "ko",
                         "kana": "ja", "thai": "th"}
_RANGES = (
    ("latin", 0x0041, 0x024F), ("greek", 0x0370, 0x03FF), ("cyrillic", 0x0400, 0x04FF),
    ("armenian", 0x0530, 0x058F), ("hebrew", 0x0590, 0x05FF), ("arabic", 0x0600, 0x06FF),
    ("thai", 0x0E00, 0x0E7F), ("georgian", 0x10A0, 0x10FF), ("kana", 0x3040, 0x30FF),
    ("han", 0x4E00, 0x9FFF), ("hangul", 0xAC00, 0xD7AF),
)
_SAMPLE_CHARS = 4000
_UKRAINIAN_ONLY = set("ґєїіҐЄЇІ")
_RUSSIAN_ONLY = set("ыэёъЫЭЁЪ")


def normalise_code(value: str | None) -> str | None:
    """``en-US`` / ``uk_UA`` / ``eng`` -> ``en`` / ``uk`` / ``en``; anything else -> None."""
    match = _CODE.match(value or "")
    if match is None:
        return None
    code = match.group(1).lower()
    if len(code) == 3:
        return _ISO_639_2.get(code)
    code = _RENAMED.get(code, code)
    return code if code in _ISO_639_1 else None


def dominant_script(text: str) -> str | None:
    counts: Counter[str] = Counter()
    for char in text[:_SAMPLE_CHARS]:
        point = ord(char)
        if point < 0x41:
            continue
        for name, low, high in _RANGES:
            if low <= point <= high:
                counts[name] += 1
                break
    if not counts:
        return None
    script, count = counts.most_common(1)[0]
    # Japanese text mixes kana and kanji; kana anywhere marks it as Japanese.
    if script == "han" and counts["kana"] > 0.1 * count:
        return "kana"
    return script


def _from_script(script: str | None, text: str) -> str | None:
    if script in _SCRIPT_ONLY_LANGUAGE:
        return _SCRIPT_ONLY_LANGUAGE[script]
    if script == "cyrillic":
        letters = set(text[:_SAMPLE_CHARS])
        ukrainian, russian = bool(letters & _UKRAINIAN_ONLY), bool(letters & _RUSSIAN_ONLY)
        if ukrainian != russian:
            return "uk" if ukrainian else "ru"
    return None


def page_language(declared: Iterable[str], text: str) -> str | None:
    """The first declared language consistent with the text's script, else a script-only guess."""
    script = dominant_script(text) if text else None
    for value in declared:
        code = normalise_code(value)
        if code is None:
            continue
        expected = _SCRIPT_OF.get(code)
        if script is None or expected is None or expected == script or (code == "ja" and script == "han"):
            return code
    return _from_script(script, text)

"""Vectorised word normalisation: texts as NumPy arrays of code points, classified by table lookup.

Regular expressions over article text cost 20-40 ns a character and pass after pass (case fold,
punctuation, digits, spacing) they dominated fingerprinting. Here a whole batch of texts is
encoded once to UTF-32 and every character is looked up in two tables built from ``unicodedata``
on first use (about 40 ms): its simple lower-case form (decimal digits of any script become ASCII
digits) and its class:

- word characters: letters, digits, combining marks (they belong to the letter before them);
- deleted characters: apostrophes ("Russia's" -> "russias"), Arabic harakat and tatweel (optional
  in writing), format characters (soft hyphen, zero-width joiners);
- unspaced-script characters (CJK, kana, Thai): each one is a word of its own, so shingles of
  those scripts are character n-grams (their combining marks are dropped);
- everything else separates words.

Words are then joined by single spaces, except that digit groups are rejoined ("1,200", "1.200"
and "1 200" all read "1200": a word ending in a digit followed by a word starting with exactly
three digits). The result, one ``uint32`` array per text, is what ``dedupe.minhash`` shingles.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

U32 = npt.NDArray[np.uint32]

SEP, WORD, DELETE, SOLO = 0, 1, 2, 3
_BMP = 0x10000
_NEWLINE32 = "\n".encode("utf-32-le")
_SPACE = 32
_APOSTROPHES = frozenset("'’ʼ`´ʻ‘")
# Arabic harakat, tatweel and Quranic marks: optional in writing.
_ARABIC_MARKS = ((0x0610, 0x061A), (0x0640, 0x0640), (0x064B, 0x065F), (0x0670, 0x0670))
_UNSPACED = (
    (0x0E00, 0x0E7F),
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)


def _is_deleted(cp: int) -> bool:
    return chr(cp) in _APOSTROPHES or any(lo <= cp <= hi for lo, hi in _ARABIC_MARKS)


def _describe(cp: int) -> tuple[int, int]:
    """(class, mapped code point) of one character (the table below holds this for the BMP)."""
    c = chr(cp)
    category = unicodedata.category(c)
    if _is_deleted(cp) or category == "Cf":
        return DELETE, cp
    digit = unicodedata.decimal(c, -1)
    if digit >= 0:
        return WORD, 48 + digit
    if any(lo <= cp <= hi for lo, hi in _UNSPACED):
        if category[0] in "LN":
            return SOLO, cp
        if category[0] == "M":  # Thai vowel and tone marks: each character is a token already
            return DELETE, cp
    if category[0] in "LNM":
        # "İ" (U+0130) is the one BMP letter whose lower case is two characters: take its "i".
        return WORD, ord(c.lower()[0])
    return SEP, cp


@cache
def _table() -> U32:
    """Per BMP code point: its mapped code point in the low 24 bits, its class in the top 8.

    Built with bulk string methods, equal to ``_describe`` for every BMP code point (tested).
    """
    chars = "".join(map(chr, range(_BMP)))
    cps = np.arange(_BMP, dtype=np.uint32)
    alnum = np.fromiter(map(str.isalnum, chars), dtype=bool, count=_BMP)
    lower = np.fromiter((ord(x[0]) for x in map(str.lower, chars)), dtype=np.uint32, count=_BMP)
    cls = np.where(alnum, np.uint32(WORD), np.uint32(SEP))
    mapped = np.where(alnum, lower, cps)
    unspaced = np.zeros(_BMP, dtype=bool)
    for lo, hi in _UNSPACED:
        unspaced[lo : min(hi, _BMP - 1) + 1] = True
    cls[alnum & unspaced] = SOLO
    mapped[alnum & unspaced] = cps[alnum & unspaced]
    # Categories are looked up one by one only where str methods cannot tell (marks, formats).
    surrogate_or_private = (cps >= 0xD800) & (cps <= 0xF8FF)
    for cp in np.flatnonzero(~alnum & ~surrogate_or_private).tolist():
        category = unicodedata.category(chr(cp))
        if category[0] == "M":
            cls[cp] = DELETE if unspaced[cp] else WORD
        elif category == "Cf":
            cls[cp] = DELETE
    for cp in np.flatnonzero(np.fromiter(map(str.isdecimal, chars), dtype=bool, count=_BMP)).tolist():
        cls[cp], mapped[cp] = WORD, 48 + unicodedata.decimal(chr(cp))
    for lo, hi in _ARABIC_MARKS:
        cls[lo : hi + 1] = DELETE
    cls[[ord(c) for c in _APOSTROPHES]] = DELETE
    result: U32 = mapped | (cls << np.uint32(24))
    return result


def _classify(cps: U32) -> tuple[U32, U32]:
    """(class, mapped code point) arrays for an array of code points."""
    table = _table()
    if len(cps) and int(cps.max()) >= _BMP:
        packed = np.take(table, cps & np.uint32(0xFFFF))
        # Rare (emoji, historic scripts, CJK extensions): described one by one.
        for i in np.flatnonzero(cps >= _BMP).tolist():
            cls, mapped = _describe(int(cps[i]))
            packed[i] = mapped | cls << 24
    else:
        packed = np.take(table, cps)
    return packed >> np.uint32(24), packed & np.uint32(0xFFFFFF)


def encode(text: str) -> U32:
    """The code points of ``text`` (lone surrogates included) as a ``uint32`` array."""
    try:
        raw = text.encode("utf-32-le")
    except UnicodeEncodeError:
        raw = text.encode("utf-32-le", "surrogatepass")
    return np.frombuffer(raw, dtype=np.uint32)


def decode(cps: U32) -> str:
    return cps.astype("<u4", copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def words_many(texts: Sequence[str]) -> list[U32]:
    """Each text as its normalised words: a ``uint32`` code point array, words joined by spaces.

    ``texts`` should already be NFKC-normalised and stripped of boilerplate (``dedupe.normalize``).
    """
    n_docs = len(texts)
    try:
        # Encoding each text and joining bytes avoids widening every text to the widest one.
        cps = np.frombuffer(_NEWLINE32.join([t.encode("utf-32-le") for t in texts]), dtype=np.uint32)
    except UnicodeEncodeError:
        cps = encode("\n".join(texts))
    cls, low = _classify(cps)
    # the "\n" joining text i and i + 1 sits at len(text_0..i) + i
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n_docs)
    bounds = np.cumsum(lengths[:-1] + 1) - 1
    special = np.flatnonzero(cls >= DELETE)  # DELETE and SOLO: rare, so found in one pass
    deleted = special[cls[special] == DELETE]
    unsettled: list[int] = []
    if len(deleted):
        bounds = bounds - np.searchsorted(deleted, bounds)
        low, cls = np.delete(low, deleted), np.delete(cls, deleted)
        unsettled = _recomposable(low, deleted - np.arange(len(deleted)), bounds)
    solo = np.flatnonzero(cls == SOLO) if len(special) > len(deleted) else special[:0]
    if len(solo):
        # Unspaced scripts: put a separator on both sides of each such character.
        at = np.concatenate((solo, solo + 1))
        at.sort()
        bounds = bounds + np.searchsorted(at, bounds, side="right")
        low = np.insert(low, at, np.uint32(_SPACE))
        cls = np.insert(cls, at, np.uint8(SEP))
    word = cls != SEP
    edges = np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    if not len(starts):
        return [np.empty(0, dtype=np.uint32) for _ in range(n_docs)]
    # Search the few document boundaries among the many words, not the other way round.
    first = np.concatenate(([0], np.searchsorted(starts, bounds), [len(starts)]))
    first_in_doc = np.zeros(len(starts) + 1, dtype=bool)
    first_in_doc[first] = True
    first_in_doc = first_in_doc[:-1]

    # A word joins the previous one (no space) when it continues a digit group.
    glue = np.zeros(len(starts), dtype=bool)
    after_digit = np.flatnonzero(_is_digit(low[ends[:-1] - 1]) & ~first_in_doc[1:]) + 1
    if len(after_digit):
        s, e = starts[after_digit], ends[after_digit]
        long_enough = e - s >= 3
        s, e, after_digit = s[long_enough], e[long_enough], after_digit[long_enough]
        fourth = np.where(e > s + 3, low[np.minimum(s + 3, len(low) - 1)], 0)
        glue[after_digit] = _is_digit(low[s]) & _is_digit(low[s + 1]) & _is_digit(low[s + 2]) & ~_is_digit(fourth)

    # Keep the word characters, and turn the first separator before each spaced word into a space.
    spaced = ~first_in_doc & ~glue
    gaps = ends[:-1][spaced[1:]]
    low[gaps] = _SPACE
    word[gaps] = True
    out = low[word]
    cost = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum((ends - starts) + spaced, out=cost[1:])
    doc_start, doc_end = cost[first[:-1]], cost[first[1:]]
    result = [out[doc_start[d] : doc_end[d]] for d in range(n_docs)]
    for d in unsettled:
        result[d] = _settle(result[d])
    return result


def _recomposable(low: U32, after: npt.NDArray[np.intp], bounds: npt.NDArray[np.int64]) -> list[int]:
    """Documents where a deleted character sat before one that NFKC composes with what precedes
    it (a combining mark, a Hangul vowel or final jamo): deleting can leave text NFKC would change.
    """
    after = after[after < len(low)]
    after = after[low[after] >= 0x300]  # nothing below U+0300 composes backwards
    docs = {
        int(d)
        for i, d in zip(after.tolist(), np.searchsorted(bounds, after).tolist(), strict=True)
        if unicodedata.category(chr(int(low[i])))[0] == "M" or 0x1160 <= low[i] <= 0x11FF or 0xD7B0 <= low[i] <= 0xD7FF
    }
    return sorted(docs)


def _settle(words: U32) -> U32:
    """Normalise again until NFKC changes nothing (each round only removes or composes)."""
    for _ in range(4):
        text = decode(words)
        if unicodedata.is_normalized("NFKC", text):
            break
        words = words_many([unicodedata.normalize("NFKC", text)])[0]
    return words


def _is_digit(cps: U32) -> npt.NDArray[np.bool_]:
    return (cps >= 48) & (cps <= 57)

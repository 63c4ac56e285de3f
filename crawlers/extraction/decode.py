"""Bytes of a fetched page -> text, without the HTTP charset (extraction never sees headers).

Order of evidence: a byte-order mark; then valid UTF-8 (a page whose bytes decode as UTF-8 is
UTF-8 whatever its ``<meta charset>`` claims: legacy encodings almost never form valid multi-byte
UTF-8 by accident, while CMSs that re-encode to UTF-8 but keep an old meta tag are common); then the
declared ``<meta charset>``; then statistical detection (charset-normalizer, already a trafilatura
dependency); finally UTF-8 with replacement characters. Never raises on a wrong encoding.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]{2,40})""", re.IGNORECASE
)
# WHATWG: browsers decode these labels as windows-1252, and so do the pages' authors' tools.
_AS_WINDOWS_1252 = {"ascii", "latin-1", "iso8859-1", "iso-8859-1", "us-ascii", "cp1252"}
# Text codecs a page could name but never be written in: a declaration must not select them.
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "undefined", "idna", "punycode", "utf-7"})
_SNIFF_BYTES = 4096
_DETECT_SAMPLE = 65536
# A page that is UTF-8 apart from a few stray bytes (a truncated character, one pasted cp1252
# quote) is still UTF-8: below this share of invalid sequences among non-ASCII bytes, keep UTF-8.
_STRAY_BYTES_SHARE = 0.02


def declared_charset(data: bytes) -> str | None:
    """The codec named by the first ``<meta charset>`` / ``http-equiv`` tag, if Python knows it."""
    match = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
        "".encode(name)  # LookupError for codecs that are no charset (base64, rot-13, zlib...)
    except (LookupError, UnicodeError):
        return None
    if name in _NOT_CHARSETS:
        return None
    return "cp1252" if name in _AS_WINDOWS_1252 else name


def _mostly_utf8(data: bytes) -> str | None:
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    non_ascii = sum(1 for b in data if b > 0x7F) if bad else 0
    if bad and bad <= _STRAY_BYTES_SHARE * non_ascii:
        return text
    return None


def _detected(data: bytes) -> str | None:
    sample = data if len(data) <= _DETECT_SAMPLE else data[: _DETECT_SAMPLE // 2] + data[-_DETECT_SAMPLE // 2 :]
    best = from_bytes(sample).best()
    if best is None or best.encoding is None:
        return None
    try:
        return data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def decode_html(data: bytes) -> str:
    """Decode a page's bytes to text; see the module docstring for the order of evidence."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared is None or declared.startswith("utf"):
        text = _mostly_utf8(data)
        if text is not None:
            return text
    else:
        try:
            return data.decode(declared)
        except (UnicodeError, LookupError):
            pass
    text = _detected(data)
    if text is not None:
        return text
    return data.decode(declared or "utf-8", errors="replace")

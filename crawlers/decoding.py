"""Bytes to text for the feed and sitemap parsers, trusting nothing: size caps, gzip bombs,
BOMs and XML declarations the bytes contradict, binary bodies.

- ``read_document``: the checks every document starts with (size cap, gzip, empty) and decoding.
- ``decode_document`` turns bytes into text, honouring a BOM and the XML declaration but not
  believing a declaration the bytes contradict (the W3C rule: valid UTF-8 is UTF-8).
- ``gunzip_capped`` decompresses with an output cap (gzip bombs).
"""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass

from wirewatch.errors import FeedError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_ILLEGAL_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def read_document(body: bytes, *, max_entries: int, max_bytes: int, what: str) -> Decoded:
    """``body`` as text, after the checks every feed or sitemap starts with: positive limits, at
    most ``max_bytes`` (compressed and decompressed), not empty. ``what`` names the document in
    the ``FeedError`` messages ("document", "sitemap")."""
    if max_entries < 1 or max_bytes < 1:
        raise ValueError("max_entries and max_bytes must be positive")
    if len(body) > max_bytes:
        raise FeedError(f"{what} is {len(body):,} bytes, over the {max_bytes:,}-byte limit")
    if body[:2] == b"\x1f\x8b":
        body = gunzip_capped(body, max_bytes)
    if not body.strip():
        raise FeedError(f"empty {what}")
    return decode_document(body)


def gunzip_capped(body: bytes, limit: int) -> bytes:
    """The decompressed gzip ``body``; ``FeedError`` past ``limit`` bytes or when corrupt."""
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise FeedError(f"corrupt gzip data: {exc}") from None
    if len(out) > limit:
        raise FeedError(f"gzip body inflates past the {limit:,}-byte limit")
    if not inflater.eof:
        raise FeedError("truncated gzip data")
    return out


# Python codecs that are no character set a document could be written in.
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "undefined", "idna", "punycode", "utf-7"})


def _canonical_codec(name: str) -> str | None:
    """Python's name for a declared charset; None for unknown names and for codecs such as
    base64, rot-13 or unicode-escape, which a declaration must never select."""
    try:
        codec = codecs.lookup(name).name
        "".encode(codec)  # LookupError for the bytes-to-bytes and str-to-str codecs
    except (LookupError, UnicodeError):
        return None
    if codec == "utf-8-sig":
        return "utf-8"
    return None if codec in _NOT_CHARSETS or codec.startswith("charmap") else codec


def _sniff_wide(head: bytes) -> str | None:
    """UTF-16/32 without a BOM, recognised by where the NUL bytes of ASCII markup fall."""
    sample = head[:64]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    for width, endian in ((4, "le"), (4, "be"), (2, "le"), (2, "be")):
        units = [sample[i : i + width] for i in range(0, len(sample) - width + 1, width)]
        ascii_pos = 0 if endian == "le" else width - 1
        # Most units, not all: a few non-ASCII characters may sit among the first ones.
        ascii_units = sum(u[ascii_pos] != 0 and u.count(0) == width - 1 for u in units)
        if ascii_units * 4 >= len(units) * 3:
            return f"utf-{width * 8}-{endian}"
    return None


def _mostly_utf8(body: bytes) -> str | None:
    """UTF-8 with a few stray bytes (one pasted Windows quote) is still UTF-8: text in a legacy
    encoding almost never contains valid multi-byte UTF-8 sequences by accident."""
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return text if good >= bad else None


# Among decodings that look equally clean, the encodings the web actually uses win.
_COMMON_ENCODINGS = (
    "cp1252", "cp1251", "cp932", "shift_jis", "euc_jp", "gb18030", "gb2312", "big5", "euc_kr",
    "koi8_r", "koi8_u", "cp1250", "cp1256", "cp1255", "cp1253", "cp1254", "cp1257", "cp874",
    "iso8859_2", "iso8859_5", "iso8859_15",
)


def _detect(body: bytes) -> tuple[str, str] | None:
    # Imported lazily: only documents whose declaration lies pay for the detector.
    import charset_normalizer

    matches = [m for m in charset_normalizer.from_bytes(body, steps=8, chunk_size=1024) if _canonical_codec(m.encoding)]
    if not matches:
        return None
    cleanest = min(m.chaos for m in matches)
    rank = {name: i for i, name in enumerate(_COMMON_ENCODINGS)}
    clean = [m for m in matches if m.chaos <= cleanest + 0.05]
    # A rare encoding (hp_roman8, mac_iceland) wins only when no common one reads as cleanly.
    clean = [m for m in clean if m.encoding in rank] or clean
    best = max(clean, key=lambda m: (round(m.coherence, 2), -rank.get(m.encoding, len(rank))))
    return body.decode(best.encoding, errors="replace"), best.encoding


def decode_document(body: bytes) -> Decoded:
    """Text of an XML or JSON document; ``FeedError`` when it is binary or undecodable."""
    warnings: list[str] = []
    encoding = next((enc for bom, enc in _BOMS if body.startswith(bom)), None)
    if encoding is not None:
        body = body[len(next(bom for bom, enc in _BOMS if enc == encoding)) :]
    else:
        encoding = _sniff_wide(body)
    if encoding is not None and encoding != "utf-8":
        text = body.decode(encoding, errors="replace")
    else:
        text, encoding = _decode_ascii_family(body, warnings)
    _refuse_binary(text)
    return Decoded(_ILLEGAL_XML_CHARS.sub("", text), encoding, tuple(warnings))


def _decode_ascii_family(body: bytes, warnings: list[str]) -> tuple[str, str]:
    match = _XML_DECL_ENCODING.match(body)
    label = match.group(1).decode("ascii") if match else "nothing"
    declared = _canonical_codec(label) if match else None
    if declared in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        declared = None  # the bytes are plainly not wide, so the declaration is stale
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.end == len(body) and exc.reason == "unexpected end of data":
            return _decode_ascii_family(body[: exc.start], warnings)  # cut mid-character
    else:
        if declared not in (None, "utf-8") and not text.isascii():
            warnings.append(f"declared {label} but is valid UTF-8; decoded as UTF-8")
        return text, "utf-8"
    if declared not in (None, "utf-8"):
        try:
            return body.decode(declared), declared
        except (UnicodeError, LookupError):
            pass
    mostly = _mostly_utf8(body)
    if mostly is not None:
        warnings.append("invalid UTF-8 bytes replaced")
        return mostly, "utf-8"
    detected = _detect(body)
    if detected is None:
        raise FeedError("cannot tell the character encoding of the document")
    warnings.append(f"declared {label} but decoded as {detected[1]}")
    return detected


def _refuse_binary(text: str) -> None:
    head = text[:8192]
    if "\x00" in head or len(CONTROL_CHARS.findall(head)) > len(head) // 20:
        raise FeedError("binary data, not a text document")

"""Hardening shared by the feed and sitemap parsers: bytes in, safe text and trees out.

Hostile documents are the normal case for a crawler, so nothing here trusts its input:

- ``crawlers.decoding`` turns bytes into text first (caps, gzip, encodings, binary bodies).
- ``clean_xml`` removes every DOCTYPE and markup declaration *from the decoded text*, so no
  entity is ever declared, let alone expanded or fetched (XXE, billion laughs, quadratic blowup),
  and rewrites entity references into ones a DTD-less parser accepts.
- ``parse_xml`` / ``iterparse_xml`` use lxml with entity resolution, network and huge trees off.
- ``plain_text``, ``http_url`` and ``parse_date`` turn untrusted field values into bounded,
  plain, validated values; ``clean_html`` makes an HTML fragment safe to show.
"""

from __future__ import annotations

import email.utils
import html
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.entities import html5 as HTML5_ENTITIES
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html
from lxml_html_clean import Cleaner

from crawlers.decoding import CONTROL_CHARS
from wirewatch.errors import FeedError

EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)
MAX_URL_CHARS = 4096

_XML_DECL = re.compile(r"^\s*<\?xml[^>]{0,300}\?>")
_ENTITY_REF = re.compile(r"&(?:#(\d{1,8});|#[xX]([0-9a-fA-F]{1,8});|([A-Za-z][A-Za-z0-9._-]{0,40});)?")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_DECLARATION_KEYWORDS = ("DOCTYPE", "ENTITY", "ELEMENT", "ATTLIST", "NOTATION")
_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
_DOCTYPE_TOKEN = re.compile(r"[\"'\[\]>]|<!--")


# -- text to safe XML ---------------------------------------------------------------------------


def _declaration_end(text: str, start: int) -> int:
    """Index just past the markup declaration at ``start``: quoted literals, an internal subset
    in brackets and comments may all contain ``>``. Unterminated means the rest of the text."""
    depth = 0
    pos = start + 2
    while True:
        match = _DOCTYPE_TOKEN.search(text, pos)
        if match is None:
            return len(text)
        token = match.group()
        if token in "\"'":
            close = text.find(token, match.end())
            if close < 0:
                return len(text)
            pos = close + 1
        elif token == "<!--":
            close = text.find("-->", match.end())
            if close < 0:
                return len(text)
            pos = close + 3
        elif token == "[":
            depth += 1
            pos = match.end()
        elif token == "]":
            depth = max(0, depth - 1)
            pos = match.end()
        elif depth == 0:
            return match.end()
        else:
            pos = match.end()


def _fix_entities(chunk: str, *, markup: bool = True) -> str:
    """Character data whose entity references a DTD-less parser accepts: HTML names become the
    characters, unknown names and bare ampersands become literal text, references to illegal
    code points go. In CDATA and comments (``markup=False``) only the last applies: a CDATA
    opener inside an attribute value must not shield a reference lxml would turn into a lone
    surrogate."""

    def replace(match: re.Match[str]) -> str:
        dec, hexa, name = match.groups()
        if dec is not None or hexa is not None:
            code = int(dec) if dec is not None else int(hexa, 16)
            legal = code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0x10FFFF
            return match.group() if legal and code not in (0xFFFE, 0xFFFF) else ""
        if not markup:
            return match.group()
        if name is None:
            return "&amp;"
        if name in _XML_ENTITIES:
            return match.group()
        char = HTML5_ENTITIES.get(name + ";")
        if char is None:
            return "&amp;" + match.group()[1:]
        return html.escape(char, quote=False)

    return _ENTITY_REF.sub(replace, chunk)


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    declarations: int  # DOCTYPE and other markup declarations removed
    entities: int  # of which entity declarations (inside a DOCTYPE or not)


def clean_xml(text: str) -> Cleaned:
    """``text`` without its XML declaration and without any DOCTYPE or ``<!ENTITY``-style
    declaration, with entity references fixed outside CDATA sections and comments."""
    text = _XML_DECL.sub("", text, count=1)
    out: list[str] = []
    removed = entities = 0
    pos = 0
    while True:
        start = text.find("<!", pos)
        if start < 0:
            out.append(_fix_entities(text[pos:]))
            break
        out.append(_fix_entities(text[pos:start]))
        if text.startswith("<![CDATA[", start) or text.startswith("<!--", start):
            closer = "]]>" if text[start + 2] == "[" else "-->"
            close = text.find(closer, start + 4)
            end = len(text) if close < 0 else close + len(closer)
            out.append(_fix_entities(text[start:end], markup=False))
        elif text[start + 2 : start + 10].upper().startswith(_DECLARATION_KEYWORDS):
            end = _declaration_end(text, start)
            removed += 1
            entities += len(_ENTITY_DECL.findall(text, start, end))
        else:
            out.append("&lt;!")
            end = start + 2
        pos = end
    return Cleaned("".join(out), removed, entities)


def _parser() -> etree.XMLParser:
    # encoding: the text was decoded already; a (mangled) declaration left in it must not count.
    return etree.XMLParser(
        encoding="utf-8", resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        recover=True, remove_comments=True, remove_pis=True,
    )


def parse_xml(text: str) -> etree._Element:
    """The root of the cleaned ``text`` (see ``clean_xml``), parsed by a hardened, recovering
    lxml parser; ``FeedError`` when nothing resembling XML is there."""
    try:
        root = etree.fromstring(text.encode("utf-8"), _parser())
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise FeedError("not an XML document")
    return root


def iterparse_xml(text: str) -> Iterator[tuple[str, etree._Element]]:
    """``("start" | "end", element)`` events over cleaned ``text`` from a hardened, recovering
    parser; a caller that clears elements it is done with keeps memory flat."""
    events = etree.iterparse(
        io.BytesIO(text.encode("utf-8")), events=("start", "end"), encoding="utf-8",
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True,
        remove_comments=True, remove_pis=True,
    )
    try:
        yield from events
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not an XML document: {str(exc)[:120]}") from None


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


# -- untrusted field values ---------------------------------------------------------------------

_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_SCRIPT_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def _drop_scripts(value: str) -> str:
    lowered = value.lower()
    out: list[str] = []
    pos = 0
    while (match := _SCRIPT_OPEN.search(value, pos)) is not None:
        out.append(value[pos : match.start()])
        close = lowered.find(f"</{match.group(1).lower()}", match.end())
        if close < 0:
            return "".join(out)
        end = lowered.find(">", close)
        pos = len(value) if end < 0 else end + 1
    out.append(value[pos:])
    return "".join(out)


def plain_text(value: object, limit: int) -> str | None:
    """``value`` as one line of plain text of at most ``limit`` characters: scripts and tags
    stripped, entities unescaped (twice, for doubly escaped feeds), whitespace collapsed."""
    if not isinstance(value, str):
        return None
    text = value[: limit * 8]
    for _ in range(2):
        text = html.unescape(_TAG.sub(" ", _drop_scripts(text)))
    text = _SPACE.sub(" ", _TAG.sub(" ", text)).strip()
    return text[:limit].rstrip() or None


def http_url(value: object, base: str | None = None) -> str | None:
    """``value`` resolved against ``base`` when it is an absolute http(s) URL, else None: no
    ``javascript:``, ``data:``, ``file:`` or ``vbscript:`` link leaves the parser."""
    if not isinstance(value, str):
        return None
    value = CONTROL_CHARS.sub("", value).strip()
    if not value or len(value) > MAX_URL_CHARS:
        return None
    try:
        if base:
            value = urljoin(base, value)
        parts = urlsplit(value)
        host, _port = parts.hostname, parts.port  # both raise ValueError when malformed
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return value


# Scripts, event handlers, javascript:/data: links, styles, frames, forms and embeds go; the
# article's own markup (paragraphs, headings, links, images, tables) stays.
_CLEANER = Cleaner(
    scripts=True, javascript=True, comments=True, style=True, inline_style=True, links=True,
    meta=True, page_structure=True, processing_instructions=True, embedded=True, frames=True,
    forms=True, annoying_tags=True, safe_attrs_only=True,
)


def clean_html(fragment: str, base: str | None) -> str | None:
    """``fragment`` sanitized, with links made absolute against ``base``; None when empty."""
    if not fragment.strip():
        return None
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
        _CLEANER(root)
        if base:
            root.make_links_absolute(base, resolve_base_href=False, handle_failures="discard")
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    out = etree.tostring(root, encoding="unicode", method="html")
    inner = out[len("<div>") : -len("</div>")].strip()
    return inner or None


_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_SLASHED_DATE = re.compile(r"^\d{4}/\d{2}/\d{2}")
_SPACED_OFFSET = re.compile(r"\s+(?:([+-]\d{2}:?\d{2})|UTC|GMT|Z)$")


def _parse_iso(raw: str) -> datetime | None:
    partial = _ISO_PARTIAL.match(raw)
    if partial:
        return datetime(int(partial.group(1)), int(partial.group(2) or 1), 1, tzinfo=UTC)
    raw = _SPACED_OFFSET.sub(lambda m: m.group(1) or "+00:00", raw)
    if _SLASHED_DATE.match(raw):  # 2024/05/13 10:00:00
        raw = raw[:10].replace("/", "-") + raw[10:]
    return datetime.fromisoformat(raw)


def parse_date(raw: object, now: datetime) -> datetime | None:
    """An aware UTC datetime from an RFC 822 or ISO 8601 string when it is a real date between
    1990 and ``now`` plus two days; None otherwise (no silent "repair" of month 13)."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not raw or len(raw) > 64:
        return None
    parsers: list[Callable[[str], datetime | None]] = [_parse_iso, email.utils.parsedate_to_datetime]
    if not raw[:4].isdigit():
        parsers.reverse()
    for parse in parsers:
        try:
            value = parse(raw)
        except (ValueError, TypeError, OverflowError, IndexError):
            continue
        if value is None:
            continue
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value if EARLIEST_DATE <= value <= now + FUTURE_SLACK else None
    return None

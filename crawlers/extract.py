"""Article extraction: one HTML page (bytes or text) in, one ``ExtractedArticle`` out.

Pure: no network, no files, no clock beyond htmldate's "not in the future" bound. The steps, each
in its own module under ``crawlers/extraction/``:

1. ``decode``: bytes -> text (BOM, valid UTF-8, ``<meta charset>``, detection; never crashes).
2. ``tree``: parse with lxml, flatten absurdly deep nesting.
3. ``metadata``: trafilatura's metadata plus the page's exact og:/JSON-LD timestamps and the
   update date, read before anything is removed.
4. ``tree`` again: strip containers that are page furniture (comments, bios, related lists,
   newsletter, cookie, share; layout tables become divs).
5. ``body``: trafilatura's precision or balanced text, whichever fits the page, with slower
   fallbacks for implausibly short results; then drop furniture lines and headline repeats.
6. ``language``: the declared language, checked against the body's script.

Per-source ``ExtractOverrides`` (from the sources file) replace any of body, title, date or author
with what a CSS or XPath selector finds on the page.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from dataclasses import dataclass, replace

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import load_html

from crawlers.extraction.body import clean_lines, main_text, run_trafilatura
from crawlers.extraction.decode import decode_html
from crawlers.extraction.language import page_language
from crawlers.extraction.metadata import PageMetadata, page_metadata, parse_timestamp
from crawlers.extraction.tree import PARSER_DEPTH_LIMIT, bound_depth, select, strip_boilerplate
from crawlers.surrogates import encodable
from wirewatch.errors import ExtractionError
from wirewatch.models import ExtractedArticle

__all__ = ["DEFAULT_MAX_BYTES", "ExtractOverrides", "extract_article"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Fewer characters than this is a teaser or an error page, not an article.
MIN_TEXT_CHARS = 50
# Real article pages have at most a few thousand elements of a few dozen attributes each (1,417 and
# 23 on the 110 development pages). Extraction time grows faster than the element count: 50,000
# paragraphs take about 9 s, 100,000 tiny ones 25 s, and a 5 MB page can hold 700,000 elements.
MAX_ELEMENTS = 60_000
MAX_ATTRIBUTES = 64
# libxml2's HTML parser compares each attribute with every earlier one of its tag: a tag of 40,000
# attributes took 5 s to parse, 80,000 took 19 s, inside C where nothing can interrupt it. Tags this
# long are cut to their first MAX_ATTRIBUTES attributes before parsing.
_LONG_TAG = re.compile(r"<[a-zA-Z][^<>]{4096,}>")
_ATTRIBUTE = re.compile(r"""\s+[^\s"'=<>/`]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""")
_BINARY_MAGIC = (b"\x1f\x8b", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x00\x00\x01\x00")
_HTML_MARKUP = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|article|main|div|p|section|h[1-6]|title|meta|br|table|span)\b",
    re.IGNORECASE,
)
_FEED_ROOT = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF|urlset|sitemapindex)\b",
                        re.IGNORECASE | re.DOTALL)
_SNIFF_CHARS = 65536


@dataclass(frozen=True, slots=True)
class ExtractOverrides:
    """Per-source selectors (CSS, or XPath when starting with ``/``, ``./`` or ``(``).

    Each one that matches wins over the automatic result; one that matches nothing is ignored.
    """

    body: str | None = None
    title: str | None = None
    date: str | None = None
    author: str | None = None


def _to_text(html: bytes | str, max_bytes: int) -> str:
    if isinstance(html, bytes | bytearray | memoryview):
        data = bytes(html)
        if len(data) > max_bytes:
            raise ExtractionError(f"page too large: {len(data)} bytes (limit {max_bytes})")
        head = data[:1024]
        if data.startswith(_BINARY_MAGIC) or (b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))):
            raise ExtractionError("not an HTML page: binary content")
        text = decode_html(data)
    elif isinstance(html, str):
        # A str is at least len() bytes as UTF-8: only encode when it could be over the limit.
        if len(html) > max_bytes or (4 * len(html) > max_bytes and len(html.encode("utf-8", "replace")) > max_bytes):
            raise ExtractionError(f"page too large: over {max_bytes} bytes")
        text = html
    else:
        raise ExtractionError(f"not an HTML page: {type(html).__name__}")
    if "\x00" in text[:1024]:
        raise ExtractionError("not an HTML page: binary content")
    sniff = text[:_SNIFF_CHARS]
    if not sniff.strip():
        raise ExtractionError("empty page")
    if _FEED_ROOT.match(sniff) or not _HTML_MARKUP.search(sniff):
        raise ExtractionError("not an HTML page")
    return text


def _cut_attributes(match: re.Match[str]) -> str:
    tag = match.group(0)
    name_end = 1
    while name_end < len(tag) and not tag[name_end].isspace() and tag[name_end] not in "/>":
        name_end += 1
    kept = [m.group(0) for _, m in zip(range(MAX_ATTRIBUTES), _ATTRIBUTE.finditer(tag, name_end), strict=False)]
    return tag[:name_end] + "".join(kept) + ">"


def _parse(text: str) -> HtmlElement:
    text = _LONG_TAG.sub(_cut_attributes, text)
    try:
        root = load_html(text)
    except (ValueError, TypeError) as err:
        raise ExtractionError(f"unparseable HTML: {err}") from err
    if root is None:
        raise ExtractionError("unparseable HTML")
    if bound_depth(root) >= PARSER_DEPTH_LIMIT:
        raise ExtractionError(f"page nesting too deep (over {PARSER_DEPTH_LIMIT} levels)")
    elements = 0
    for element in root.iter(etree.Element):
        elements += 1
        if len(element.attrib) > MAX_ATTRIBUTES:
            element.attrib.clear()
    if elements > MAX_ELEMENTS:
        raise ExtractionError(f"page too complex: {elements:,} elements (limit {MAX_ELEMENTS:,})")
    return root


def _selected_text(root: HtmlElement, selector: str | None) -> list[str]:
    if not selector:
        return []
    texts = []
    for item in select(root, selector):
        if isinstance(item, str):
            value = item
        else:
            value = item.get("content") or item.get("datetime") or " ".join(item.text_content().split())
        if value.strip():
            texts.append(value.strip())
    return texts


def _override_body(root: HtmlElement, selector: str, url: str | None) -> str:
    """trafilatura on just the selected elements (still cleaned), else their plain text."""
    chosen = [el for el in select(root, selector) if isinstance(el, HtmlElement)]
    if not chosen:
        return ""
    wrapper = load_html("<html><body><div></div></body></html>")
    if wrapper is None:  # pragma: no cover - a constant document always parses
        return ""
    container = wrapper.find(".//div")
    for element in chosen:
        container.append(deepcopy(element))
    strip_boilerplate(wrapper)
    text = run_trafilatura(wrapper, url, "recall")
    if text:
        return text
    return "\n".join(" ".join(el.text_content().split()) for el in chosen)


def _apply_overrides(root: HtmlElement, meta: PageMetadata, overrides: ExtractOverrides) -> PageMetadata:
    titles = _selected_text(root, overrides.title)
    authors = tuple(dict.fromkeys(_selected_text(root, overrides.author)))
    published = next((d for d in map(parse_timestamp, _selected_text(root, overrides.date)) if d), None)
    return replace(
        meta,
        title=titles[0] if titles else meta.title,
        authors=authors or meta.authors,
        published=published or meta.published,
        updated=None if published and meta.updated and meta.updated <= published else meta.updated,
    )


def extract_article(
    html: bytes | str,
    url: str | None = None,
    *,
    overrides: ExtractOverrides | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ExtractedArticle:
    """Extract the article of one page.

    Raises ``ExtractionError`` when the page has no extractable article: empty, binary, not HTML,
    larger than ``max_bytes``, or without enough body text. Never raises anything else for bad
    input.
    """
    text = _to_text(html, max_bytes)
    try:
        root = _parse(text)
        # Metadata and selectors read the page as it is; the body is then extracted from the same
        # tree with the furniture stripped in place (no copy: trafilatura copies it anyway).
        meta = page_metadata(root, url)
        body = ""
        if overrides is not None:
            meta = _apply_overrides(root, meta, overrides)
            if overrides.body:
                body = _override_body(root, overrides.body, url)
        if not body:
            strip_boilerplate(root)
            body = main_text(root, url)
    except RecursionError as err:
        raise ExtractionError("page nesting too deep to extract") from err
    except (ValueError, TypeError, LookupError, etree.LxmlError) as err:
        # A page that trips a parser or extractor is a page without an extractable article; the
        # traceback stays in the log because it may also be our bug.
        logger.warning("extraction failed url=%s: %r", url, err, exc_info=True)
        raise ExtractionError(f"extraction failed: {err!r}") from err
    body = clean_lines(body, meta.title, meta.authors)
    if len(body) < MIN_TEXT_CHARS:
        raise ExtractionError(f"no article text found ({len(body)} characters)")
    logger.debug("extracted url=%s chars=%d", url, len(body))

    def safe(value: str | None) -> str | None:
        # JSON-LD's \ud800 escapes leave lone surrogates that cannot be stored or printed
        return None if value is None else encodable(value)

    return ExtractedArticle(
        url=url,
        canonical_url=safe(meta.canonical_url),
        title=safe(meta.title),
        text=encodable(body),
        authors=tuple(encodable(a) for a in meta.authors),
        published=meta.published,
        language=page_language(meta.declared_languages, body),
        site_name=safe(meta.site_name),
        updated=meta.updated,
        image=safe(meta.image),
    )

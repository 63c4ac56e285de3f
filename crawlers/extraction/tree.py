"""The parsed page: bound its depth, strip page furniture before extraction, apply selectors.

Pre-cleaning removes containers that are page furniture (reader comments, author bios, related and
most-read lists, newsletter and share boxes, cookie dialogs, ads), recognised by their class, id or
ARIA role, by a heading such as "3 Comments" or "Читайте также" opening them, or, for lists, by
items that are nothing but links. trafilatura has its own list; these are the ones measured to
still leak through it (bench/extraction_quality.py). A container is kept when it holds the
headline, an ``articleBody`` or most of the page's (paragraph) text: a class like
``category-social`` on the article wrapper must not take the article with it. Tables used for
layout become divs.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

MAX_DEPTH = 180
# libxml2 stops nesting at this depth and silently drops what lies deeper: such a tree is not the page.
PARSER_DEPTH_LIMIT = 255
_EDGE = r"(?:^|[\s_\-])"
_END = r"(?:$|[\s_\-])"
_BOILERPLATE_TOKENS = (
    # reader comments and discussion threads ("commentary" is journalism, not comments)
    r"comments?(?!ary)",
    r"comment-?list",
    r"discussion",
    r"disqus\w*",
    r"respond",
    r"reader-?reactions?",
    # author bios
    r"author-?(?:bio|box|info|card|profile|details|description)",
    r"about-?(?:the-?)?author",
    r"bio-?box",
    r"byline-?card",
    r"saboxplugin\w*",
    # related, recommended, most-read lists
    r"related\w*",
    r"rel-?(?:articles|posts)",
    r"read-?(?:next|more|also)",
    r"also-?read",
    r"see-?also",
    r"more-?(?:stories|articles|news|from)",
    r"recommend\w*",
    r"most-?(?:read|popular|viewed|shared)",
    r"popular-?posts",
    r"trending",
    r"outbrain",
    r"taboola",
    r"key-?events",
    # newsletter and subscription boxes
    r"newsletter\w*",
    r"subscri(?:be|ption)\w*",
    r"sign-?up",
    r"nl-?signup\w*",
    r"mc4wp\w*",
    r"optin",
    # share bars
    r"share\w*",
    r"sharing",
    r"social",
    r"addthis\w*",
    # cookie and consent dialogs
    r"cookies?\w*",
    r"consent\w*",
    r"gdpr\w*",
    r"cc-(?:window|banner)",
    r"onetrust\w*",
    # ads and promos
    r"ad-?slot",
    r"advert\w*",
    r"ads?-?(?:container|wrapper|unit|inarticle)",
    r"promo",
    r"pull-?quote",
)
# Both matched against lowercased class and id values (IGNORECASE makes these alternations slow).
_BOILERPLATE = re.compile(_EDGE + "(?:" + "|".join(_BOILERPLATE_TOKENS) + ")" + _END)
# Class names of article-body wrappers: such a container is never furniture, whatever else its class says
# ("entry-content entry-content-read-more").
_CONTENT = re.compile(
    _EDGE + r"(?:(?:entry|post|article|story|news|main)[-_]*(?:content|body|text)|articlebody)" + _END
)
_BOILERPLATE_ROLES = {"dialog", "alertdialog", "complementary", "contentinfo", "navigation", "search"}
_NEVER_DROP = {"html", "body", "head", "main"}
# Headings that title a furniture box even when its markup carries no telling class (utility-class
# CSS, old templates): "3 Comments", "About the author", "Related stories", "Читайте также"...
_FURNITURE_HEADINGS = (
    r"comments?", r"reader comments", r"leave a (?:reply|comment)", r"join the (?:conversation|discussion)",
    r"discussion", r"responses?", r"about the author", r"related(?: (?:stories|articles|posts|news|coverage))?",
    r"read (?:more|also|next)", r"more (?:stories|news|from [\w .'-]{1,40}|on this(?: story)?)",
    r"you (?:may|might) also like", r"recommended(?: for you)?", r"most (?:read|popular|viewed|shared)",
    r"trending(?: now)?", r"newsletter", r"sign up[\w ]{0,40}", r"share(?: this(?: article| story)?)?",
    r"commentaires?", r"réactions", r"laisser un commentaire", r"à propos de l'auteur", r"sur le même sujet",
    r"(?:à )?lire aussi", r"les plus lus", r"articles similaires",
    r"комментарии", r"оставить комментарий", r"об авторе", r"читайте также", r"по теме", r"самое читаемое",
    r"похожие (?:новости|материалы)", r"коментарі", r"залишити коментар", r"про автора", r"читайте також",
    r"по темі", r"найпопулярніше", r"схожі (?:новини|матеріали)",
    r"التعليقات", r"اترك تعليقا", r"عن الكاتب", r"أخبار ذات صلة", r"مواضيع ذات صلة", r"اقرأ أيضا",
    r"الأكثر قراءة", r"comentarios", r"deja (?:un|tu) comentario", r"sobre el autor", r"noticias relacionadas",
    r"lea también", r"lo más leído", r"te puede interesar", r"kommentare", r"über den autor", r"mehr zum thema",
    r"meistgelesen", r"comentários", r"leia também", r"mais lidas", r"sobre o autor",
)
_FURNITURE_HEADING = re.compile(
    r"^\W*(?:\d+\s+)?(?:" + "|".join(_FURNITURE_HEADINGS) + r")\s*(?:\(?\d+\)?)?\W*$"
)
_NAMED = etree.XPath(".//*[@class or @id or @role or @aria-modal]")
_TEXT_LENGTH = etree.XPath("string-length(normalize-space(.))")
# Per element: one XPath over all paragraph text nodes (".//p//text()") degrades badly on big
# pages, where libxml2 merges and sorts huge node sets.
_STRING_LENGTH = etree.XPath("string-length(.)")
_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")
_HEADING_MAX_CHARS = 60
_PROTECTED_SHARE = 0.5


def bound_depth(root: HtmlElement, max_depth: int = MAX_DEPTH) -> int:
    """Flatten subtrees below ``max_depth`` into their text so no recursive walker can overflow.

    Returns the depth of the deepest element before flattening.
    """
    deepest = 0
    too_deep: list[HtmlElement] = []
    stack: list[tuple[HtmlElement, int]] = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth == max_depth and len(element):
            too_deep.append(element)
        stack.extend((child, depth + 1) for child in element if isinstance(child.tag, str))
    for element in too_deep:
        etree.strip_tags(element, "*")
    return deepest


def _is_boilerplate(element: HtmlElement) -> bool:
    if element.get("role", "").lower() in _BOILERPLATE_ROLES or element.get("aria-modal") == "true":
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return _BOILERPLATE.search(names) is not None and _CONTENT.search(names) is None


def _text_length(element: HtmlElement) -> int:
    return int(_TEXT_LENGTH(element))


def _paragraph_text(element: HtmlElement) -> int:
    return int(sum(_STRING_LENGTH(p) for p in element.iter("p")))


def paragraph_text_length(root: HtmlElement) -> int:
    """Characters of text inside the ``<p>`` elements of the page's body."""
    body = root.find("body")
    return _paragraph_text(body if body is not None else root)


def _titled_box(heading: HtmlElement) -> HtmlElement | None:
    """The box a furniture heading opens: its parent, when the heading is the parent's first child."""
    text = " ".join(heading.text_content().split())
    if not text or len(text) > _HEADING_MAX_CHARS or _FURNITURE_HEADING.match(text.lower()) is None:
        return None
    parent = heading.getparent()
    if parent is None or parent.tag in _NEVER_DROP:
        return None
    first = next((child for child in parent if isinstance(child.tag, str)), None)
    return parent if first is heading else None


def _is_link_list(element: HtmlElement) -> bool:
    """A list of two or more items that are nothing but links: headlines of other stories."""
    items = [child for child in element if child.tag == "li"]
    if len(items) < 2:
        return False
    for item in items:
        text = _text_length(item)
        linked = sum(_text_length(a) for a in item.iter("a"))
        if text == 0 or linked < text:
            return False
    return True


def _layout_tables(scope: HtmlElement) -> None:
    """Turn tables used for page layout (cells holding headlines, nested tables, paragraphs) into divs.

    trafilatura renders tables row by row, which for a layout table glues headline, byline and every
    paragraph of a cell into one line.
    """
    for table in list(scope.iter("table")):
        cells = table.xpath("./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th")
        if not any(cell.find(".//h1") is not None or cell.find(".//table") is not None
                   or len(cell.findall(".//p")) >= 2 for cell in cells):
            continue
        for part in [table, *table.xpath("./*[self::tbody or self::thead or self::tfoot]"),
                     *table.xpath("./tr | ./*/tr"), *cells]:
            part.tag = "div"
            for attr in ("width", "valign", "colspan", "rowspan"):
                part.attrib.pop(attr, None)


def strip_boilerplate(root: HtmlElement) -> int:
    """Remove boilerplate containers in place (tails kept); return how many were removed."""
    body = root.find("body")
    scope = body if body is not None else root
    _layout_tables(scope)
    candidates = [el for el in _NAMED(scope) if el.tag not in _NEVER_DROP and _is_boilerplate(el)]
    candidates += [box for box in map(_titled_box, scope.iter(*_HEADING_TAGS)) if box is not None]
    candidates += [lst for lst in scope.iter("ul", "ol") if _is_link_list(lst)]
    if not candidates:
        return 0
    total = _text_length(scope) or 1
    paragraphs = _paragraph_text(scope) or 1
    headline = next(scope.iter("h1"), None)
    article_body = scope.find(".//*[@itemprop='articleBody']")
    protected = {el for el in (headline, article_body) if el is not None}
    removed = 0
    for element in candidates:
        if not _attached(element, root):
            continue  # inside a container removed earlier
        if any(p is element or _has_descendant(element, p) for p in protected):
            continue
        if _text_length(element) > _PROTECTED_SHARE * total or _paragraph_text(element) > _PROTECTED_SHARE * paragraphs:
            continue
        element.drop_tree()
        removed += 1
    return removed


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    top = element
    for top in element.iterancestors():  # noqa: B007 - the loop finds the topmost ancestor
        pass
    return top is root


def _has_descendant(element: HtmlElement, other: HtmlElement) -> bool:
    return any(ancestor is element for ancestor in other.iterancestors())


def select(root: HtmlElement, selector: str) -> list[HtmlElement | str]:
    """Elements (or attribute/text strings, for XPath) matched by a CSS or XPath selector.

    A selector starting with ``/``, ``./`` or ``(`` is XPath; anything else is CSS. An invalid
    selector matches nothing: overrides come from a config file and must not crash extraction.
    """
    try:
        if selector.lstrip().startswith(("/", "./", "(")):
            found = root.xpath(selector)
            items = found if isinstance(found, list) else [found]
        else:
            items = root.cssselect(selector)
    except (etree.XPathError, ValueError, SyntaxError, ImportError):
        return []
    return [item if isinstance(item, HtmlElement) else str(item) for item in items
            if isinstance(item, HtmlElement | str)]

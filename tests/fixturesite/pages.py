"""HTML pages in three house styles, each wrapping the article in realistic junk.

``press`` looks like a WordPress news blog (author box, numbered comments, "Leave a Reply"),
``newsroom`` like a modern news site (share bar, inline ad and newsletter box, JSON-LD), ``legacy``
like an old CMS (tables, no <article> element). All carry <title>, og:title, canonical, author,
<time datetime> and article:published_time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from tests.fixturesite.boilerplate import FOOTER_LINKS, NAV_SECTIONS, SHARE_TARGETS
from tests.fixturesite.records import FixtureArticle, Outlet
from tests.fixturesite.vocabulary import slugify


def esc(text: str) -> str:
    return escape(text, quote=True)


def _links(items: Sequence[tuple[str, str]], sep: str = "") -> str:
    return sep.join(f'<li><a href="{esc(href)}">{esc(label)}</a></li>' for label, href in items)


def _head(outlet: Outlet, title: str, canonical: str, extra: str = "") -> str:
    feed_type = "application/rss+xml" if outlet.feed_kind == "rss" else "application/atom+xml"
    return (
        f'<!DOCTYPE html>\n<html lang="{outlet.language}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<link rel="canonical" href="{esc(canonical)}">\n'
        f'<link rel="alternate" type="{feed_type}" title="{esc(outlet.name)}" href="{outlet.feed_url}">\n'
        f'<meta property="og:site_name" content="{esc(outlet.name)}">\n{extra}'
        "<script>window.dataLayer = window.dataLayer || []; dataLayer.push({'section': 'world'});</script>\n"
        "</head>\n"
    )


def _article_meta(outlet: Outlet, a: FixtureArticle) -> str:
    return (
        f'<meta name="description" content="{esc(a.summary)}">\n'
        f'<meta name="author" content="{esc(", ".join(a.authors))}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{esc(a.title)}">\n'
        f'<meta property="og:url" content="{esc(a.url)}">\n'
        f'<meta property="article:published_time" content="{a.published.isoformat()}">\n'
        f'<meta property="article:modified_time" content="{a.updated.isoformat()}">\n'
        '<meta property="article:section" content="World">\n'
    )


def _paragraphs(a: FixtureArticle, link_place: bool) -> list[str]:
    out = []
    linked = not link_place
    for text in a.paragraphs:
        html = esc(text)
        if not linked and a.place in text:
            tag = f'<a href="/tag/{slugify(a.place)}/">{esc(a.place)}</a>'
            html = html.replace(esc(a.place), tag, 1)
            linked = True
        out.append(f"<p>{html}</p>")
    return out


def _cookie(outlet: Outlet, css: str) -> str:
    c = outlet.chrome
    return (
        f'<div id="{css}" class="{css}" role="dialog" aria-live="polite"><span>{esc(c.cookie_text)}</span> '
        f'<a href="/privacy-policy/">Learn more</a> <button type="button">{esc(c.cookie_button)}</button></div>\n'
    )


def _footer(outlet: Outlet) -> str:
    return (
        f'<footer class="site-footer"><ul class="footer-links">{_links(FOOTER_LINKS)}</ul>'
        f'<p class="copyright">{esc(outlet.chrome.footer_text)}</p></footer>\n'
    )


def _newsletter(outlet: Outlet, tag: str = "section") -> str:
    c = outlet.chrome
    return (
        f'<{tag} class="newsletter-signup"><h3>{esc(c.newsletter_title)}</h3><p>{esc(c.newsletter_text)}</p>'
        '<form action="/newsletter/" method="post"><input type="email" name="email" '
        f'placeholder="Your email address"><button type="submit">Subscribe</button></form></{tag}>\n'
    )


def _share(outlet: Outlet, a: FixtureArticle) -> str:
    items = "".join(
        f'<li><a class="share-{slugify(t)}" href="/share/?service={slugify(t)}&amp;id={a.number}">{t}</a></li>'
        for t in SHARE_TARGETS
    )
    return f'<div class="share-bar"><h4>{esc(outlet.chrome.share_label)}</h4><ul>{items}</ul></div>\n'


def _bios(outlet: Outlet, a: FixtureArticle) -> str:
    parts = []
    for name in a.authors:
        author = outlet.author(name)
        if author is None:
            continue
        parts.append(
            f'<div class="author-box"><img class="avatar" src="/avatars/{slugify(name)}.jpg" alt="">'
            f'<h4 class="author-name"><a href="/author/{slugify(name)}/">{esc(name)}</a></h4>'
            f'<p class="author-role">{esc(author.role)}</p><p class="author-description">{esc(author.bio)}</p>'
            f'<p class="author-social"><a href="https://social.example/{author.handle[1:]}">{author.handle}</a>'
            " · Follow for updates from the region</p></div>"
        )
    if a.kind == "wire":
        parts.append(f'<div class="syndication-note"><p>{esc(outlet.chrome.agency_note)}</p></div>')
    return f'<div class="author-bio-section">{"".join(parts)}</div>\n'


def _related(outlet: Outlet, related: Sequence[FixtureArticle]) -> str:
    items = "".join(
        f'<li><a href="{esc(r.url)}">{esc(r.title)}</a> <time datetime="{r.published.isoformat()}">'
        f"{r.published:%d %b %Y}</time></li>"
        for r in related
    )
    return f'<section class="related-posts"><h3>{esc(outlet.chrome.related_heading)}</h3><ul>{items}</ul></section>\n'


def _comments(outlet: Outlet, a: FixtureArticle, numbered: bool) -> str:
    c = outlet.chrome
    items = []
    for comment in a.comments:
        number = f'<span class="comment-number">{comment.number}.</span> ' if numbered else ""
        items.append(
            f'<li id="comment-{a.number}-{comment.number}" class="comment"><article class="comment-body">'
            f'<footer class="comment-meta">{number}<b class="fn">{esc(comment.author)}</b> '
            f'<time datetime="{comment.posted.isoformat()}">{comment.posted:%B %d, %Y at %H:%M}</time></footer>'
            f'<div class="comment-content"><p>{esc(comment.text)}</p></div>'
            '<div class="reply"><a class="comment-reply-link" href="#respond">Reply</a></div></article></li>'
        )
    count = len(a.comments)
    thoughts = "thought" if count == 1 else "thoughts"
    title = f"{count} {thoughts} on “{esc(a.title)}”" if count else "No comments yet"
    return (
        f'<div id="comments" class="comments-area"><h2 class="comments-title">{title}</h2>'
        f'<ol class="comment-list">{"".join(items)}</ol>'
        f'<div id="respond" class="comment-respond"><h3 id="reply-title">{esc(c.respond_heading)}</h3>'
        f'<form action="/comments/post/" method="post"><p class="comment-notes">{esc(c.respond_note)}</p>'
        '<textarea name="comment"></textarea><input name="author"><input name="email" type="email">'
        '<input type="submit" value="Post Comment"></form></div></div>\n'
    )


def _figure(a: FixtureArticle) -> str:
    if a.caption is None:
        return ""
    return (
        f'<figure class="lead-image"><img src="/media/{a.number}.jpg" alt="" width="1200" height="675">'
        f"<figcaption>{esc(a.caption)}</figcaption></figure>\n"
    )


def _byline_links(a: FixtureArticle) -> str:
    return " and ".join(
        f'<a class="url fn n" rel="author" href="/author/{slugify(n)}/">{esc(n)}</a>' for n in a.authors
    )


def _press(outlet: Outlet, a: FixtureArticle, related: Sequence[FixtureArticle]) -> str:
    body = "\n".join(_paragraphs(a, link_place=True))
    return (
        f'<body class="single single-post postid-{a.number}">\n<div id="page" class="site">\n'
        '<a class="skip-link screen-reader-text" href="#content">Skip to content</a>\n'
        f'<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title">'
        f'<a href="/">{esc(outlet.name)}</a></p><p class="site-description">{esc(outlet.chrome.tagline)}</p>'
        f'</div><nav id="site-navigation" class="main-navigation"><ul class="menu">{_links(NAV_SECTIONS)}'
        "</ul></nav></header>\n"
        '<div id="content" class="site-content"><main id="main" class="site-main">\n'
        f'<article id="post-{a.number}" class="post type-post status-publish hentry category-world">\n'
        f'<header class="entry-header"><h1 class="entry-title">{esc(a.title)}</h1>\n'
        f'<div class="entry-meta"><span class="byline">By {_byline_links(a)}</span> '
        f'<span class="posted-on"><time class="entry-date published" datetime="{a.published.isoformat()}">'
        f"{a.published:%B %d, %Y}</time></span></div></header>\n"
        f'{_figure(a)}<div class="entry-content">\n{body}\n</div>\n{_share(outlet, a)}'
        '<footer class="entry-footer"><span class="cat-links">Posted in <a href="/world/">World</a>'
        "</span></footer>\n</article>\n"
        f"{_bios(outlet, a)}{_related(outlet, related)}{_comments(outlet, a, numbered=True)}</main>\n"
        f'<aside id="secondary" class="widget-area">{_newsletter(outlet)}</aside></div>\n'
        f"{_footer(outlet)}</div>\n{_cookie(outlet, 'cookie-notice')}</body>\n</html>\n"
    )


def _json_ld(outlet: Outlet, a: FixtureArticle) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": a.published.isoformat(),
        "dateModified": a.updated.isoformat(),
        "author": [{"@type": "Person", "name": n} for n in a.authors],
        "publisher": {"@type": "Organization", "name": outlet.name},
        "mainEntityOfPage": a.url,
        "inLanguage": outlet.language,
    }
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'


def _newsroom(outlet: Outlet, a: FixtureArticle, related: Sequence[FixtureArticle]) -> str:
    paragraphs = _paragraphs(a, link_place=False)
    ad = '<div class="ad-slot" aria-hidden="true"><span class="ad-label">Advertisement</span></div>'
    if len(paragraphs) > 6:
        paragraphs.insert(3, ad)
        paragraphs.insert(7, _newsletter(outlet, tag="aside").strip())
    body = "\n".join(paragraphs)
    return (
        f"<body>\n{_cookie(outlet, 'cookie-consent')}"
        f'<header class="masthead"><a class="logo" href="/">{esc(outlet.name)}</a>'
        f'<nav aria-label="Sections"><ul>{_links(NAV_SECTIONS)}</ul></nav>'
        '<a class="subscribe" href="/subscribe/">Subscribe</a></header>\n<main id="main-content">\n'
        '<article class="article">\n<div class="article__header">'
        f'<a class="article__kicker" href="/world/">World</a><h1 class="article__headline">{esc(a.title)}</h1>\n'
        f'<div class="article__byline">By <span class="author">{esc(", ".join(a.authors))}</span> · '
        f'<time datetime="{a.published.isoformat()}">{a.published:%d %B %Y, %H:%M} GMT</time></div>\n'
        f"{_share(outlet, a)}</div>\n{_figure(a)}"
        f'<div class="article__body">\n{body}\n</div>\n<div class="article__footer">{_bios(outlet, a)}</div>\n'
        f"</article>\n{_related(outlet, related)}{_comments(outlet, a, numbered=False)}</main>\n"
        f"{_footer(outlet)}{_json_ld(outlet, a)}</body>\n</html>\n"
    )


def _legacy(outlet: Outlet, a: FixtureArticle, related: Sequence[FixtureArticle]) -> str:
    topnav = " | ".join(f'<a href="{href}">{esc(label)}</a>' for label, href in NAV_SECTIONS)
    body = "\n".join(_paragraphs(a, link_place=True))
    return (
        f'<body bgcolor="#ffffff">\n<table width="100%" id="top"><tr><td><a href="/">'
        f'<img src="/img/logo.gif" alt="{esc(outlet.name)}"></a></td><td class="topnav">{topnav}</td></tr>'
        '</table>\n<div id="wrapper"><div id="leftcol"><div class="box"><b>Sections</b><br>'
        f"{topnav}</div>{_newsletter(outlet, tag='div')}</div>\n"
        f'<div id="maincol"><div class="story">\n<h1 class="headline">{esc(a.title)}</h1>\n'
        f'<div class="dateline">By {_byline_links(a)} | <time datetime="{a.published.isoformat()}">'
        f"{a.published:%m/%d/%Y %H:%M}</time></div>\n{_share(outlet, a)}"
        f'<div id="storytext">\n{body}\n</div>\n{_bios(outlet, a)}</div>\n'
        f"{_related(outlet, related)}{_comments(outlet, a, numbered=True)}</div></div>\n"
        f"{_footer(outlet)}{_cookie(outlet, 'cookiebar')}</body>\n</html>\n"
    )


def article_page(outlet: Outlet, a: FixtureArticle, related: Sequence[FixtureArticle]) -> str:
    legacy = outlet.template == "legacy"
    title = f"{outlet.name} - {a.title}" if legacy else f"{a.title} | {outlet.name}"
    head = _head(outlet, title, a.url, _article_meta(outlet, a))
    render = {"press": _press, "newsroom": _newsroom, "legacy": _legacy}[outlet.template]
    return head + render(outlet, a, related)


def listing_page(
    outlet: Outlet, heading: str, intro: str, canonical: str, entries: Sequence[FixtureArticle],
    links: Sequence[tuple[str, str]] = (),
) -> str:
    """A page that is not an article: home, section, tag, author and furniture pages."""
    items = "".join(
        f'<li class="teaser"><h2><a href="{esc(e.url)}">{esc(e.title)}</a></h2>'
        f'<time datetime="{e.published.isoformat()}">{e.published:%d %b %Y %H:%M}</time>'
        f"<p>{esc(e.summary)}</p></li>"
        for e in entries
    )
    extra = f'<ul class="more-links">{_links(links)}</ul>' if links else ""
    meta = f'<meta property="og:type" content="website">\n<meta property="og:title" content="{esc(heading)}">\n'
    return (
        _head(outlet, f"{heading} | {outlet.name}", canonical, meta)
        + f'<body class="listing">\n{_cookie(outlet, "cookie-notice")}<header class="site-header">'
        f'<a class="logo" href="/">{esc(outlet.name)}</a><nav><ul>{_links(NAV_SECTIONS)}</ul></nav></header>\n'
        f'<main><h1>{esc(heading)}</h1><p class="intro">{esc(intro)}</p><ul class="teasers">{items}</ul>'
        f"{extra}</main>\n{_newsletter(outlet)}{_footer(outlet)}</body>\n</html>\n"
    )

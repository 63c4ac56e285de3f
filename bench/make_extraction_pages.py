"""Build the generated extraction benchmark: ``python -m bench.make_extraction_pages``.

Writes ``bench/data/extraction_pages/``: per page ``<id>.html`` (the page bytes, in the page's own
encoding), ``<id>.txt`` (the true article body, UTF-8) and one ``manifest.json`` describing every page
(language, template, encoding, expected metadata, which junk blocks it carries). Deterministic: the
same corpus (bench/extraction_corpus.py) always yields byte-identical files.

The templates imitate how real sites wrap an article (a WordPress theme, a news CMS with BEM class
names, an AMP page, a live blog, a photo gallery, a table-layout legacy site in a legacy encoding, and
a utility-class "magazine" whose junk carries no telling class names), and surround it with the
furniture that must never reach the extracted text: comments, author bios, related and most-read
lists, inline "read more" links, newsletter boxes, cookie banners, share bars, captions and ads.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

from bench.extraction_corpus import LANGUAGES, Language, Theme

OUT_DIR = Path(__file__).parent / "data" / "extraction_pages"
PAGES_PER_LANGUAGE = {"en": 14, "fr": 6, "ru": 6, "uk": 6, "ar": 6, "es": 6}
LEGACY_ENCODINGS = {"en": "windows-1252", "fr": "windows-1252", "es": "windows-1252", "ru": "windows-1251",
                    "uk": "windows-1251", "ar": "windows-1256"}
SITES = {"en": "frontline-dispatch.example", "fr": "le-courrier-international.example",
         "ru": "vestnik-mira.example", "uk": "novyny-frontu.example", "ar": "akhbar-al-yawm.example",
         "es": "diario-global.example"}


@dataclass
class Page:
    """One page being built: its facts, and the HTML chunks of the body as they are added."""

    pid: str
    lang: Language
    theme: Theme
    title: str
    paragraphs: list[str]
    author: str
    published: datetime
    url: str
    rng: random.Random
    others: list[str]
    junk: list[str] = field(default_factory=list)

    def u(self, key: str) -> str:
        return escape(self.lang.ui[key])


def _e(text: str) -> str:
    return escape(text, quote=False)


# --- junk blocks: each returns HTML and records its kind --------------------------------------------


def cookie_banner(p: Page, plain: bool = False) -> str:
    p.junk.append("cookie")
    attrs = p.rng.choice(['id="cookie-notice" role="dialog"', 'class="cc-window cc-banner"',
                          'id="gdpr-consent" class="consent-bar"', 'class="privacy-popup" aria-modal="true"'])
    if plain:
        attrs = 'class="fixed inset-x-0 bottom-0 z-50 p-4 bg-white shadow"'
    return (f'<div {attrs}><p>{p.u("cookie_text")}</p><a href="/privacy">Privacy</a> '
            f'<button>{p.u("cookie_accept")}</button></div>')


def share_bar(p: Page) -> str:
    p.junk.append("share")
    cls = p.rng.choice(["share-buttons", "social-share", "sharedaddy sd-sharing-enabled", "article-share"])
    links = "".join(f'<li><a href="https://{n.lower()}.com/share?u={p.url}">{n}</a></li>'
                    for n in ("Facebook", "Twitter", "WhatsApp", "Telegram", "Email"))
    return f'<div class="{cls}"><span>{p.u("share")}</span><ul>{links}</ul></div>'


def newsletter(p: Page, plain: bool = False) -> str:
    p.junk.append("newsletter")
    cls = "my-8 rounded border p-6" if plain else p.rng.choice(
        ["newsletter-box", "nl-signup-module", "subscribe-widget", "inline-newsletter"])
    return (f'<div class="{cls}"><h3>{p.u("newsletter_title")}</h3><p>{p.u("newsletter_text")}</p>'
            f'<form action="/subscribe"><input type="email" placeholder="email">'
            f'<button type="submit">{p.u("newsletter_button")}</button></form></div>')


def author_bio(p: Page, plain: bool = False) -> str:
    p.junk.append("author-bio")
    first = p.author.split()[0]
    bio = _e(p.rng.choice(p.lang.bios).format(name=p.author, first=first))
    cls = "mt-10 flex gap-4 border-t pt-6" if plain else p.rng.choice(
        ["author-bio", "about-author", "saboxplugin-wrap", "byline-card", "td-author-box"])
    return (f'<div class="{cls}"><img src="/img/{p.pid}-author.jpg" alt=""><div><h4>{p.u("about")}</h4>'
            f'<strong>{_e(p.author)}</strong><p>{bio}</p></div></div>')


def related_list(p: Page, plain: bool = False) -> str:
    p.junk.append("related")
    items = "".join(f'<li><a href="/story/{i}">{_e(t)}</a></li>' for i, t in enumerate(p.others[:4]))
    cls = "grid grid-cols-2 gap-4" if plain else p.rng.choice(
        ["related-posts", "jp-relatedposts", "more-stories", "read-next", "rel-articles"])
    return f'<section class="{cls}"><h3>{p.u("related")}</h3><ul>{items}</ul></section>'


def inline_read_more(p: Page) -> str:
    p.junk.append("read-more")
    title = _e(p.rng.choice(p.others))
    label = p.u(p.rng.choice(["read_more", "see_also"]))
    return p.rng.choice([
        f'<p><strong>{label}</strong> <a href="/story/x">{title}</a></p>',
        f'<div class="inline-related"><span>{label}</span> <a href="/story/y">{title}</a></div>',
        f'<p class="read-also">{label} <a href="/story/z">{title}</a></p>',
    ])


def comments(p: Page, plain: bool = False) -> str:
    p.junk.append("comments")
    picks = p.rng.sample(range(len(p.lang.comments)), 3)
    items = "".join(
        f'<li class="comment"><div class="comment-author">{_e(p.lang.commenters[i])}</div>'
        f'<div class="comment-content"><p>{_e(p.lang.comments[i])}</p></div>'
        f'<a class="comment-reply-link" href="#">{p.u("reply")}</a></li>' for i in picks)
    reply = (f'<div id="respond"><h3>{p.u("leave_reply")}</h3><p>{p.u("reply_note")}</p>'
             '<form><textarea></textarea></form></div>')
    if plain:
        body = "".join(f'<div class="py-3 border-b"><b>{_e(p.lang.commenters[i])}</b>'
                       f'<p>{_e(p.lang.comments[i])}</p></div>' for i in picks)
        return f'<section class="mt-12"><h2>{p.u("comments_title")} (3)</h2>{body}</section>'
    wrapper = p.rng.choice(['<div id="comments" class="comments-area">', '<section class="reader-comments">',
                            '<div class="article__comments">', '<div id="disqus_thread">'])
    closing = "</section>" if wrapper.startswith("<section") else "</div>"
    return (f'{wrapper}<h3>{p.u("comments_title")} (3)</h3><ol class="comment-list">{items}</ol>'
            f'{reply}{closing}')


def most_read(p: Page) -> str:
    p.junk.append("most-read")
    items = "".join(f'<li><a href="/top/{i}">{_e(t)}</a></li>' for i, t in enumerate(reversed(p.others)))
    return f'<div class="most-read widget"><h3>{p.u("most_read")}</h3><ol>{items}</ol></div>'


def tags(p: Page) -> str:
    p.junk.append("tags")
    words = [p.theme.place.title(), p.u("world"), p.u("live")]
    return f'<div class="post-tags">{p.u("tags")}: ' + ", ".join(
        f'<a href="/tag/{i}">{w}</a>' for i, w in enumerate(words)) + "</div>"


def caption(p: Page) -> str:
    p.junk.append("caption")
    return (f'<figure class="wp-caption"><img src="/img/{p.pid}.jpg" alt="">'
            f'<figcaption>{_e(p.theme.place.title())}. {p.u("photo")}: AFP / {_e(p.author)}</figcaption>'
            "</figure>")


def advert(p: Page) -> str:
    p.junk.append("ad")
    return f'<div class="ad-slot ad-inarticle"><span>{p.u("advert")}</span></div>'


def bio_tagline(p: Page) -> str:
    """The author's bio as the last paragraph of the article body, in italics: no class, no heading."""
    p.junk.append("bio-in-body")
    first = p.author.split()[0]
    return f"<p><em>{_e(p.lang.bios[0].format(name=p.author, first=first))}</em></p>"


def bare_links(p: Page) -> str:
    """Related headlines as a bare list of links between two paragraphs."""
    p.junk.append("links-in-body")
    return "<ul>" + "".join(f'<li><a href="/s/{i}">{_e(t)}</a></li>' for i, t in enumerate(p.others[-3:])) + "</ul>"


def plain_comments(p: Page) -> str:
    """Old-style comments: bold names, dates and Reply links in unmarked divs, no heading element."""
    p.junk.append("comments")
    picks = p.rng.sample(range(len(p.lang.comments)), 3)
    rows = "".join(
        f'<div><b>{_e(p.lang.commenters[i])}</b> <small>{p.published:%d.%m.%Y}</small><br>{_e(p.lang.comments[i])}'
        f'<br><a href="#r{i}">{p.u("reply")}</a></div>' for i in picks)
    return f'<div><b>{p.u("comments_title")}: 3</b>{rows}</div>'


def nav(p: Page) -> str:
    return (f'<nav class="main-nav"><ul><li><a href="/">{p.u("home")}</a></li>'
            f'<li><a href="/world">{p.u("world")}</a></li><li><a href="/live">{p.u("live")}</a></li></ul></nav>')


def footer(p: Page) -> str:
    return (f'<footer class="site-footer"><p>© {p.published.year} {SITES[p.lang.code]}. '
            f'{p.u("copyright")}</p></footer>')


# --- templates: each returns the whole document (str) and the true body text ----------------------------


def _head(p: Page, extra: str = "", charset: str = "utf-8") -> str:
    site = SITES[p.lang.code]
    return (f'<!DOCTYPE html><html lang="{p.lang.code}" dir="{p.lang.direction}"><head>'
            f'<meta charset="{charset}"><title>{_e(p.title)} | {site}</title>'
            f'<link rel="canonical" href="{p.url}"><meta property="og:title" content="{escape(p.title)}">'
            f'<meta property="og:site_name" content="{site}">'
            f'<meta property="article:published_time" content="{p.published.isoformat()}">'
            f'<meta name="author" content="{escape(p.author)}">{extra}</head>')


def _paras(p: Page, junk_between: list[str] | None = None) -> str:
    out = []
    inserts = junk_between or []
    for i, para in enumerate(p.paragraphs):
        out.append(f"<p>{_e(para)}</p>")
        if i < len(inserts) and inserts[i]:
            out.append(inserts[i])
    return "\n".join(out)


def _date_line(p: Page) -> str:
    return f'<time datetime="{p.published.isoformat()}">{p.published:%d.%m.%Y %H:%M}</time>'


def wordpress(p: Page) -> str:
    body = _paras(p, ["", caption(p), "", inline_read_more(p)]) + bio_tagline(p)
    return (_head(p) + f'<body class="single single-post">{nav(p)}<div id="page" class="site">'
            f'<main id="main"><article class="post type-post status-publish">'
            f'<header class="entry-header"><h1 class="entry-title">{_e(p.title)}</h1>'
            f'<div class="entry-meta">{p.u("by")} <a rel="author">{_e(p.author)}</a> {_date_line(p)}</div>'
            f'</header>{share_bar(p)}<div class="entry-content">{body}</div>{tags(p)}'
            f'{author_bio(p)}{related_list(p)}</article>{comments(p)}</main>'
            f'<aside id="secondary" class="widget-area">{most_read(p)}{newsletter(p)}</aside></div>'
            f'{footer(p)}{cookie_banner(p)}</body></html>')


def newscms(p: Page) -> str:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": p.title,
                     "datePublished": p.published.isoformat(), "author": {"@type": "Person", "name": p.author},
                     "inLanguage": p.lang.code, "mainEntityOfPage": p.url}, ensure_ascii=False)
    body = _paras(p, [inline_read_more(p), bare_links(p), advert(p), newsletter(p)])
    return (_head(p, f'<script type="application/ld+json">{ld}</script>')
            + f'<body>{cookie_banner(p)}<header class="site-header">{nav(p)}</header><main>'
            f'<article class="article"><div class="article__header"><h1 class="article__title">{_e(p.title)}</h1>'
            f'<p class="article__byline">{p.u("by")} {_e(p.author)}, {_date_line(p)}</p></div>'
            f'<div class="article__body" itemprop="articleBody">{body}</div>{share_bar(p)}</article>'
            f'{related_list(p)}{comments(p)}</main>{most_read(p)}{footer(p)}</body></html>')


def amp(p: Page) -> str:
    body = "\n".join(f"<p>{_e(x)}</p>" for x in p.paragraphs)
    p.junk.append("caption")
    return (_head(p, '<script async src="https://cdn.ampproject.org/v0.js"></script>').replace("<html", "<html amp", 1)
            + f'<body><amp-consent id="consent" layout="nodisplay"><div class="consent-ui">'
            f'<p>{p.u("cookie_text")}</p><button on="tap:consent.accept">{p.u("cookie_accept")}</button></div>'
            f'</amp-consent><header class="amp-header"><a href="/">{SITES[p.lang.code]}</a></header>'
            f'<article class="amp-wp-article"><h1 class="amp-wp-title">{_e(p.title)}</h1>'
            f'<div class="amp-wp-meta">{_e(p.author)} · {_date_line(p)}</div>'
            f'<figure class="amp-wp-article-featured-image"><amp-img src="/a.jpg" width="600" height="400">'
            f'</amp-img><figcaption>{p.u("photo")}: Reuters</figcaption></figure>'
            f'<div class="amp-wp-article-content">{body}</div>'
            f'<amp-social-share type="twitter"></amp-social-share>{share_bar(p)}'
            f'<div class="amp-related-posts">{related_list(p)}</div></article>'
            f'<footer class="amp-wp-footer">{p.u("copyright")}</footer></body></html>')


def liveblog(p: Page) -> str:
    p.junk.append("key-events")
    times = [p.published + timedelta(minutes=23 * i) for i in range(len(p.paragraphs))][::-1]
    entries = "".join(
        f'<article class="liveblog-entry" id="e{i}"><time datetime="{t.isoformat()}">{t:%H:%M}</time>'
        f'<div class="entry-body"><p>{_e(x)}</p></div>{share_bar(p) if i == 0 else ""}</article>'
        for i, (t, x) in enumerate(zip(times, reversed(p.paragraphs), strict=True)))
    key = "".join(f'<li><a href="#e{i}">{t:%H:%M} {_e(" ".join(x.split()[:7]))}…</a></li>'
                  for i, (t, x) in enumerate(zip(times, reversed(p.paragraphs), strict=True)) if i % 2 == 0)
    # a live blog reads newest first: the truth is the entries in page order
    p.paragraphs = list(reversed(p.paragraphs))
    return (_head(p) + f'<body>{nav(p)}<main class="live-page"><h1>{p.u("live")}: {_e(p.title)}</h1>'
            f'<div class="live-meta">{p.u("by")} {_e(p.author)}</div>'
            f'<div class="key-events"><h2>{p.u("key_events")}</h2><ul>{key}</ul></div>'
            f'<div class="liveblog-feed">{entries}</div>{newsletter(p)}{related_list(p)}</main>'
            f'{footer(p)}{cookie_banner(p)}</body></html>')


def gallery(p: Page) -> str:
    p.junk.append("caption")
    intro, slides = p.paragraphs[:1], p.paragraphs[1:]
    slide_html = "".join(
        f'<div class="gallery-slide"><figure><img src="/g/{i}.jpg" alt=""><figcaption>{i + 1}/{len(slides)} '
        f'{p.u("photo")}: AP / {_e(p.author)}</figcaption></figure><p>{_e(x)}</p></div>'
        for i, x in enumerate(slides))
    return (_head(p) + f'<body>{cookie_banner(p)}{nav(p)}<div class="gallery-page"><h1>{p.u("gallery")}: '
            f'{_e(p.title)}</h1><div class="gallery-intro"><p>{_e(intro[0])}</p></div>'
            f'<div class="gallery-slides">{slide_html}</div>{share_bar(p)}{author_bio(p)}</div>'
            f'{related_list(p)}{most_read(p)}{footer(p)}</body></html>')


def legacy(p: Page) -> str:
    charset = LEGACY_ENCODINGS[p.lang.code]
    body = "".join(f'<p><font face="Verdana" size="2">{_e(x)}</font></p>' for x in p.paragraphs)
    return (_head(p, charset=charset) + f'<body><table width="100%"><tr><td colspan="2">{nav(p)}</td></tr>'
            f'<tr><td width="70%" valign="top"><h1>{_e(p.title)}</h1><p class="date">{_date_line(p)} | '
            f'{_e(p.author)}</p>{body}{inline_read_more(p)}<hr>{plain_comments(p)}</td>'
            f'<td width="30%" valign="top">{most_read(p)}{newsletter(p)}</td></tr>'
            f'<tr><td colspan="2">{footer(p)}</td></tr></table></body></html>')


def magazine(p: Page) -> str:
    body = _paras(p, ["", newsletter(p, plain=True), ""])
    pull = f'<blockquote class="text-2xl italic">{_e(p.paragraphs[-1].split(".")[0])}.</blockquote>'
    p.junk.append("pull-quote")
    return (_head(p) + f'<body class="antialiased"><div class="mx-auto max-w-3xl px-4">{nav(p)}'
            f'<h1 class="text-4xl font-bold">{_e(p.title)}</h1><div class="text-sm text-gray-500">'
            f'{_e(p.author)} · {_date_line(p)}</div><div class="prose mt-6">{body}</div>{pull}'
            f'{author_bio(p, plain=True)}{related_list(p, plain=True)}{comments(p, plain=True)}</div>'
            f'{cookie_banner(p, plain=True)}</body></html>')


TEMPLATES: dict[str, Callable[[Page], str]] = {
    "wordpress": wordpress, "newscms": newscms, "amp": amp, "liveblog": liveblog, "gallery": gallery,
    "legacy": legacy, "magazine": magazine,
}


def build_pages() -> list[tuple[str, bytes, str, dict[str, object]]]:
    """Every page as (id, html bytes, true text, manifest entry), in a stable order."""
    pages = []
    names = list(TEMPLATES)
    for li, lang in enumerate(LANGUAGES):
        all_titles = [t for th in lang.themes for t in th.titles]
        for n in range(PAGES_PER_LANGUAGE[lang.code]):
            template = names[(n + li) % len(names)]
            pid = f"{lang.code}-{n + 1:02d}-{template}"
            rng = random.Random(hashlib.sha256(pid.encode()).hexdigest())
            theme = lang.themes[n % len(lang.themes)]
            title = theme.titles[(n // len(lang.themes)) % len(theme.titles)]
            count = rng.randint(max(4, len(theme.paragraphs) - 2), len(theme.paragraphs))
            keep = sorted(rng.sample(range(len(theme.paragraphs)), count))
            paragraphs = [theme.paragraphs[i] for i in keep]
            paragraphs[0] = f"{theme.place} — {paragraphs[0]}"
            published = datetime(2024, 1, 8, 6, 0, tzinfo=UTC) + timedelta(days=9 * n + 3 * li, minutes=37 * n)
            slug = hashlib.sha1(title.encode()).hexdigest()[:10]
            url = f"https://www.{SITES[lang.code]}/{published:%Y/%m/%d}/{slug}"
            page = Page(pid, lang, theme, title, paragraphs, lang.authors[n % len(lang.authors)], published,
                        url, rng, [t for t in all_titles if t != title])
            html = TEMPLATES[template](page)
            encoding = LEGACY_ENCODINGS[lang.code] if template == "legacy" else "utf-8"
            truth = "\n\n".join(page.paragraphs) + "\n"
            meta: dict[str, object] = {"url": url, "language": lang.code, "template": template, "encoding": encoding,
                    "title": title, "author": page.author, "published": published.isoformat(),
                    "junk": sorted(set(page.junk))}
            pages.append((pid, html.encode(encoding), truth, meta))
    return pages


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {}
    for pid, html, truth, meta in build_pages():
        (OUT_DIR / f"{pid}.html").write_bytes(html)
        (OUT_DIR / f"{pid}.txt").write_text(truth, encoding="utf-8")
        manifest[pid] = meta
    (OUT_DIR / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")
    print(f"wrote {len(manifest)} pages to {OUT_DIR}")


if __name__ == "__main__":
    main()

"""Machine-readable documents of an outlet: RSS 2.0, Atom 1.0, sitemaps and robots.txt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape

from tests.fixturesite.pages import esc
from tests.fixturesite.records import DISALLOWED_PREFIX, FixtureArticle, Outlet


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _full_html(a: FixtureArticle) -> str:
    return "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs)


def _newest(articles: Sequence[FixtureArticle], fallback: datetime) -> datetime:
    return max((a.updated for a in articles), default=fallback)


def rss(outlet: Outlet, articles: Sequence[FixtureArticle], now: datetime) -> str:
    items = []
    for a in articles:
        content = f"<content:encoded>{_cdata(_full_html(a))}</content:encoded>" if outlet.full_text_feed else ""
        creators = "".join(f"<dc:creator>{xml_escape(n)}</dc:creator>" for n in a.authors)
        items.append(
            f"<item><title>{xml_escape(a.title)}</title><link>{xml_escape(a.link)}</link>"
            f'<guid isPermaLink="false">{a.guid}</guid><pubDate>{format_datetime(a.published)}</pubDate>'
            f"{creators}<category>World</category>"
            f"<description>{xml_escape(a.summary)}</description>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>{xml_escape(outlet.name)} - World</title><link>{outlet.section_url}</link>"
        f'<atom:link href="{xml_escape(outlet.feed_url)}" rel="self" type="application/rss+xml"/>'
        f"<description>{xml_escape(outlet.chrome.tagline)}</description>"
        f"<language>{outlet.language}</language>"
        f"<lastBuildDate>{format_datetime(_newest(articles, now))}</lastBuildDate>"
        "<ttl>10</ttl>\n" + "\n".join(items) + "\n</channel>\n</rss>\n"
    )


def atom(outlet: Outlet, articles: Sequence[FixtureArticle], now: datetime) -> str:
    entries = []
    for a in articles:
        authors = "".join(f"<author><name>{xml_escape(n)}</name></author>" for n in a.authors)
        content = (
            f'<content type="html">{xml_escape(_full_html(a))}</content>' if outlet.full_text_feed else ""
        )
        entries.append(
            f"<entry><id>tag:{outlet.slug}.example,2024:article-{a.number}</id>"
            f"<title>{xml_escape(a.title)}</title>"
            f'<link rel="alternate" type="text/html" href="{xml_escape(a.link)}"/>'
            f"<published>{a.published.isoformat()}</published><updated>{a.updated.isoformat()}</updated>"
            f'{authors}<category term="world"/><summary type="text">{xml_escape(a.summary)}</summary>'
            f"{content}</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        f'xml:lang="{outlet.language}">\n'
        f"<id>tag:{outlet.slug}.example,2024:feed</id><title>{xml_escape(outlet.name)}</title>"
        f"<subtitle>{xml_escape(outlet.chrome.tagline)}</subtitle>"
        f'<link rel="self" type="application/atom+xml" href="{xml_escape(outlet.feed_url)}"/>'
        f'<link rel="alternate" type="text/html" href="{outlet.section_url}"/>'
        f"<updated>{_newest(articles, now).isoformat()}</updated>\n" + "\n".join(entries) + "\n</feed>\n"
    )


def sitemap(outlet: Outlet, articles: Sequence[FixtureArticle]) -> str:
    """A urlset; for a news-sitemap outlet, Google News tags on every URL."""
    namespaces = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    if outlet.news_sitemap:
        namespaces += ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    urls = []
    for a in articles:
        news = ""
        if outlet.news_sitemap:
            news = (
                f"<news:news><news:publication><news:name>{xml_escape(outlet.name)}</news:name>"
                f"<news:language>{a.language}</news:language></news:publication>"
                f"<news:publication_date>{a.published.isoformat()}</news:publication_date>"
                f"<news:title>{xml_escape(a.title)}</news:title></news:news>"
            )
        urls.append(
            f"<url><loc>{xml_escape(a.url)}</loc><lastmod>{a.updated.isoformat()}</lastmod>{news}</url>"
        )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + f"<urlset {namespaces}>\n" + "\n".join(urls) + "\n</urlset>\n"


def robots(outlet: Outlet) -> str:
    return (
        f"# robots.txt for {outlet.name}\n"
        "User-agent: *\n"
        f"Disallow: {DISALLOWED_PREFIX}\n"
        "Disallow: /comments/post/\n"
        "Disallow: /share/\n"
        "Allow: /\n\n"
        "User-agent: BadBot\n"
        "Disallow: /\n\n"
        f"Sitemap: {outlet.sitemap_url}\n"
    )

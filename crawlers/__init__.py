"""Collect: the source registry, Scrapy spiders, feed and sitemap parsing, article extraction.

Retrieve, then parse: the spider fetches bytes; parsing (``crawlers.feeds``, ``crawlers.sitemaps``)
and extraction (``crawlers.extract``) are pure functions of those bytes. Nothing here imports
``storage`` or ``dedupe``: the daemon hands the spider a ``CrawlBackend``.
"""

from crawlers.sources import Source, SourcesConfig, load_sources, parse_sources
from crawlers.topics import TopicRule, match_topics
from crawlers.urls import canonicalize, url_id

__all__ = [
    "Source",
    "SourcesConfig",
    "TopicRule",
    "canonicalize",
    "load_sources",
    "match_topics",
    "parse_sources",
    "url_id",
]

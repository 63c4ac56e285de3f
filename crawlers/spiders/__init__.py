"""Scrapy spiders. One long-lived spider serves the daemon: the scheduler hands it source runs."""

from crawlers.spiders.ingest import IngestSpider

__all__ = ["IngestSpider"]

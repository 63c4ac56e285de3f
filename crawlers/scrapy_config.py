"""Scrapy settings built from wirewatch's settings: one dict, every value explained."""

from __future__ import annotations

from typing import Any

from wirewatch.settings import Settings


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    return {
        "WIREWATCH_ALLOW_PRIVATE_NETWORKS": settings.allow_private_networks,
        "WIREWATCH_MAX_ARTICLES_PER_RUN": settings.max_articles_per_run,
        "WIREWATCH_EXTRACT_WORKERS": settings.extract_workers,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "USER_AGENT": settings.effective_user_agent,
        "ROBOTSTXT_OBEY": settings.obey_robots,
        "CONCURRENT_REQUESTS": settings.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.per_domain_concurrency,
        "DOWNLOAD_DELAY": settings.download_delay,
        "AUTOTHROTTLE_ENABLED": settings.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(settings.download_delay, 0.1),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(settings.per_domain_concurrency),
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        # The cap applies to the decompressed body too (HttpCompressionMiddleware), so a gzip
        # bomb is cut off while inflating.
        "DOWNLOAD_MAXSIZE": settings.max_body_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": 5,
        "RETRY_TIMES": 1,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_ENABLED": False,
        "LOGSTATS_INTERVAL": 0,
        # The spider lives for the whole daemon: an in-memory fingerprint set would grow forever,
        # and "seen" is decided in Redis (by GUID and canonical URL) anyway.
        "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",
        "DOWNLOADER_MIDDLEWARES": {"crawlers.middleware.PrivateNetworkGuard": 50},
        "ITEM_PIPELINES": {"crawlers.pipelines.BackendPipeline": 300},
        "DNS_TIMEOUT": 10,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }

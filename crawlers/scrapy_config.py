"""Scrapy settings built from wirewatch's settings: one dict, every value explained.

wirewatch's own keys (read by ``crawlers.middleware`` and the spider):

- ``WIREWATCH_ALLOW_PRIVATE_NETWORKS``: the SSRF guard is off when true.
- ``WIREWATCH_GUARD_EXEMPT_HOSTPORTS``: exact ``host:port`` pairs the guard lets through; for
  tests that need one loopback first hop with the guard on. Empty, and deliberately not a
  wirewatch setting (no environment variable or config key reaches it).
- ``WIREWATCH_DOMAIN_RATE`` / ``WIREWATCH_DOMAIN_BURST``: the request budget of one registrable
  domain across all workers (requests per second; 0 = no bucket, Retry-After holds still apply).
- ``WIREWATCH_POLITENESS_MAX_WAIT``: a request that would wait longer than this for its domain
  (or a Retry-After longer than this) is deferred to a later run instead of queueing.
- ``WIREWATCH_ROBOTS_TTL``: seconds a robots.txt is kept before it is fetched again.
- ``WIREWATCH_MAX_ARTICLES_PER_RUN``: new article pages fetched per source per run.
- ``WIREWATCH_EXTRACT_WORKERS``: processes extracting articles off the event loop.
"""

from __future__ import annotations

from typing import Any

from wirewatch.settings import Settings

POLITENESS_MAX_WAIT = 60.0


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    return {
        "WIREWATCH_ALLOW_PRIVATE_NETWORKS": settings.allow_private_networks,
        "WIREWATCH_GUARD_EXEMPT_HOSTPORTS": [],
        # download_delay is "seconds between requests to one host": as a shared budget, its
        # inverse per registrable domain, with bursts as wide as the per-domain concurrency.
        "WIREWATCH_DOMAIN_RATE": 1.0 / settings.download_delay if settings.download_delay > 0 else 0.0,
        "WIREWATCH_DOMAIN_BURST": settings.per_domain_concurrency,
        "WIREWATCH_POLITENESS_MAX_WAIT": POLITENESS_MAX_WAIT,
        "WIREWATCH_ROBOTS_TTL": 86400.0,
        "WIREWATCH_MAX_ARTICLES_PER_RUN": settings.max_articles_per_run,
        "WIREWATCH_EXTRACT_WORKERS": settings.extract_workers,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "USER_AGENT": settings.effective_user_agent,
        "ROBOTSTXT_OBEY": settings.obey_robots,
        "CONCURRENT_REQUESTS": settings.concurrency,
        # Slots are keyed by registrable domain (PolitenessMiddleware sets download_slot), so
        # this is per service, not per host name.
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
        "DOWNLOADER_MIDDLEWARES": {
            # first: nothing (robots.txt included) is sent to a refused address
            "crawlers.middleware.PrivateNetworkGuard": 50,
            # robots.txt re-read daily, failures not cached for good, holds respected
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawlers.middleware.RobotsPolicy": 100,
            # Scrapy's retry ignores Retry-After; ours waits for it, and takes the domain's budget
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawlers.middleware.PolitenessMiddleware": 550,
            # responses pass middlewares in reverse: this sees bodies after decompression (590)
            # and after retries gave up (550)
            "crawlers.middleware.BodyTypeCheck": 540,
        },
        "ITEM_PIPELINES": {"crawlers.pipelines.BackendPipeline": 300},
        "DNS_TIMEOUT": 10,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }

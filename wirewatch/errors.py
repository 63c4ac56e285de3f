"""The one exception tree of wirewatch.

    WirewatchError                 base; ``exit_code`` is what the CLI exits with
    ├── ConfigError                unusable settings or sources file (exit 2)
    ├── InputError                 an unusable document given to a command (exit 2)
    │   ├── FeedError              a body that is not a usable feed
    │   └── ExtractionError        a page with no extractable article
    ├── FetchError                 an HTTP fetch failed
    │   ├── RetryableFetchError    timeouts, 5xx, 429: try again later
    │   └── PermanentFetchError    4xx, refused by robots.txt or the private-network guard
    └── StoreUnavailable           Redis cannot be reached (retryable)

Retryable versus permanent is in the type, so callers decide with ``isinstance``.
"""

from __future__ import annotations


class WirewatchError(Exception):
    exit_code = 1


class ConfigError(WirewatchError):
    exit_code = 2


class InputError(WirewatchError):
    exit_code = 2


class FeedError(InputError):
    pass


class ExtractionError(InputError):
    pass


class FetchError(WirewatchError):
    retryable = False


class RetryableFetchError(FetchError):
    retryable = True


class PermanentFetchError(FetchError):
    retryable = False


class StoreUnavailable(WirewatchError):
    exit_code = 2
    retryable = True

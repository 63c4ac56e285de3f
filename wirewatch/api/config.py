"""Settings of ``wirewatch serve`` that the shared ``Settings`` does not carry yet: webhooks, the
quiet-story watcher, page and feed sizes.

Read once at the entry point from ``WIREWATCH_*`` environment variables (every bad value reported
at once, like ``wirewatch.settings``) and handed to ``create_app`` as a plain value. Tests build a
``ServeConfig`` directly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from wirewatch.errors import ConfigError

# Story lifecycle events (see README "Live events"); raw article.added / story.updated exist too.
LIFECYCLE_EVENTS = (
    "story.created",
    "story.outlet_joined",
    "story.headline_changed",
    "story.merged",
    "story.split",
    "story.quiet",
)
ALL_EVENTS = (*LIFECYCLE_EVENTS, "story.updated", "article.added")

SERVE_DOC: dict[str, str] = {
    "webhook_urls": "Space or comma separated http(s) URLs that receive signed story events.",
    "webhook_secret": "HMAC-SHA256 key that signs webhook bodies (required with webhook_urls).",
    "webhook_events": "Event types sent to webhooks (default: the lifecycle events).",
    "webhook_attempts": "Deliveries tried per event and URL before it is given up.",
    "webhook_backoff": "Seconds before the first retry; doubles per attempt (with jitter).",
    "webhook_backoff_max": "Longest wait between two attempts, in seconds.",
    "webhook_timeout": "Seconds a webhook receiver may take to answer.",
    "story_quiet_after": "Seconds without new articles after which story.quiet is announced (0: off).",
    "feed_size": "Stories per Atom/JSON feed.",
    "api_cache_seconds": "Longest reuse of a rendered page or feed while its stories are unchanged (0: off).",
}


@dataclass(frozen=True, slots=True)
class ServeConfig:
    webhook_urls: tuple[str, ...] = ()
    webhook_secret: str = ""
    webhook_events: tuple[str, ...] = LIFECYCLE_EVENTS
    webhook_attempts: int = 8
    webhook_backoff: float = 2.0
    webhook_backoff_max: float = 300.0
    webhook_timeout: float = 10.0
    story_quiet_after: float = 6 * 3600.0
    quiet_check_every: float = 60.0
    feed_size: int = 50
    page_size: int = 30
    sse_heartbeat: float = 15.0
    api_cache_seconds: float = 10.0
    # Webhook senders and the quiet watcher; off for an app that only answers requests.
    background: bool = True

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ConfigError("invalid serve settings: " + "; ".join(problems))

    def problems(self) -> list[str]:
        out = []
        for url in self.webhook_urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                out.append(f"webhook_urls: expected http(s) URLs, got {url!r}")
        if self.webhook_urls and not self.webhook_secret:
            out.append("webhook_secret: required when webhook_urls are set (bodies are signed)")
        unknown = [e for e in self.webhook_events if e not in ALL_EVENTS]
        if unknown:
            out.append(f"webhook_events: unknown {', '.join(unknown)}; known: {', '.join(ALL_EVENTS)}")
        if self.webhook_attempts < 1:
            out.append("webhook_attempts: must be at least 1")
        if self.webhook_backoff <= 0 or self.webhook_backoff_max < self.webhook_backoff:
            out.append("webhook_backoff: must be positive and at most webhook_backoff_max")
        if self.webhook_timeout <= 0:
            out.append("webhook_timeout: must be positive")
        if self.story_quiet_after < 0:
            out.append("story_quiet_after: must be 0 (off) or positive")
        if not 1 <= self.feed_size <= 500:
            out.append("feed_size: must be between 1 and 500")
        if self.api_cache_seconds < 0:
            out.append("api_cache_seconds: must be 0 (off) or positive")
        if not 1 <= self.page_size <= 500:
            out.append("page_size: must be between 1 and 500")
        return out

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServeConfig:
        """Defaults overridden by ``WIREWATCH_<NAME>`` variables for the names in ``SERVE_DOC``."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        problems: list[str] = []

        def get(name: str) -> str | None:
            raw = env.get(f"WIREWATCH_{name.upper()}")
            return raw.strip() if raw is not None and raw.strip() else None

        for name in ("webhook_urls", "webhook_events"):
            raw = get(name)
            if raw is not None:
                values[name] = tuple(x for x in raw.replace(",", " ").split() if x)
        secret = get("webhook_secret")
        if secret is not None:
            values["webhook_secret"] = secret
        for name, kind in (
            ("webhook_attempts", int), ("webhook_backoff", float), ("webhook_backoff_max", float),
            ("webhook_timeout", float), ("story_quiet_after", float), ("feed_size", int),
            ("api_cache_seconds", float),
        ):
            raw = get(name)
            if raw is None:
                continue
            try:
                values[name] = kind(raw)
            except ValueError:
                problems.append(f"WIREWATCH_{name.upper()}: expected a {kind.__name__}, got {raw!r}")
        if problems:
            raise ConfigError("invalid serve settings: " + "; ".join(problems))
        return cls(**values)  # type: ignore[arg-type]

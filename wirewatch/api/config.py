"""The settings ``wirewatch serve`` hands to the API: a thin, frozen view of the serve fields of
``wirewatch.settings.Settings`` (where they are read, documented and validated with the others,
and shown by ``wirewatch config``) plus knobs only tests turn (page size, heartbeat, background
work). Tests build a ``ServeConfig`` directly; ``wirewatch serve`` uses ``from_settings``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dedupe import DedupeConfig
from wirewatch.errors import ConfigError
from wirewatch.events import ALL_EVENTS, LIFECYCLE_EVENTS
from wirewatch.settings import SERVE_SETTINGS, Settings, serve_problems

__all__ = ["ALL_EVENTS", "LIFECYCLE_EVENTS", "ServeConfig"]

_DEFAULTS = Settings()


@dataclass(frozen=True, slots=True)
class ServeConfig:
    webhook_urls: tuple[str, ...] = _DEFAULTS.webhook_urls
    webhook_secret: str = ""
    webhook_events: tuple[str, ...] = _DEFAULTS.webhook_events
    webhook_attempts: int = _DEFAULTS.webhook_attempts
    webhook_backoff: float = _DEFAULTS.webhook_backoff
    webhook_backoff_max: float = _DEFAULTS.webhook_backoff_max
    webhook_timeout: float = _DEFAULTS.webhook_timeout
    story_quiet_after: float = _DEFAULTS.story_quiet_after
    quiet_check_every: float = 60.0
    feed_size: int = _DEFAULTS.feed_size
    page_size: int = 30
    sse_heartbeat: float = 15.0
    api_cache_seconds: float = _DEFAULTS.api_cache_seconds
    # the daemons' WIREWATCH_QUEUE_VISIBILITY: /healthz derives its stall bound from it
    queue_visibility: float = _DEFAULTS.queue_visibility
    # the dedupe shingle size (WIREWATCH_DEDUPE_SHINGLE_SIZE): provenance compares texts with it,
    # as `wirewatch stories provenance` does
    shingle_size: int = DedupeConfig().shingle_size
    # Webhook senders and the quiet watcher; off for an app that only answers requests.
    background: bool = True

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ConfigError("invalid serve settings: " + "; ".join(problems))

    def problems(self) -> list[str]:
        out = serve_problems(**{name: getattr(self, name) for name in SERVE_SETTINGS})
        if not 1 <= self.page_size <= 500:
            out.append("page_size: must be between 1 and 500")
        return out

    @classmethod
    def from_settings(cls, settings: Settings, **extra: Any) -> ServeConfig:
        """The serve fields of ``settings`` (already validated), plus ``extra`` test-only knobs."""
        values: dict[str, Any] = {name: getattr(settings, name) for name in SERVE_SETTINGS}
        values["webhook_secret"] = settings.webhook_secret or ""
        values["queue_visibility"] = settings.queue_visibility
        if settings.dedupe_shingle_size is not None:
            values["shingle_size"] = settings.dedupe_shingle_size
        return cls(**values, **extra)

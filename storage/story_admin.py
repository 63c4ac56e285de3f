"""Operator corrections to clustering: merge two stories, split articles out of one.

Both are single Lua calls (``lua/admin.lua``), atomic against concurrent ingestion. A split is
remembered: the split articles are not pulled back into their old story by later matches, and the
two stories are never merged again automatically (an operator can still merge them).

Afterwards the stories read as if ingest had built them from their members: representative,
title, summary and headline, outlets and topics, and the serving indexes the API filters on
(``stories:updated``, per-topic and per-outlet story sets, ``topics``). Events: ``story.merged``;
``story.split`` and ``story.created`` (the new story); ``story.headline_changed`` when a story's
representative changes title; the raw ``story.updated`` for each. A split must leave the story at
least one article.
"""

from __future__ import annotations

import redis

from storage.connection import Store
from storage.queries import valid_id
from storage.scripts import lua
from wirewatch.errors import InputError, StoreUnavailable

_SCRIPT = lua("admin.lua")


def _call(store: Store, args: list[str | float | int]) -> list[str]:
    try:
        reply = store.text.register_script(_SCRIPT)(args=args)
    except redis.RedisError as exc:
        raise StoreUnavailable(f"Redis at {store.description}: {exc}") from exc
    if reply[0] == "error":
        raise InputError(str(reply[1]))
    return [str(x) for x in reply]


def merge_stories(store: Store, story: str, other: str, *, now: float, event_maxlen: int = 100_000) -> str:
    """Merge ``other`` into ``story``; returns the surviving story id."""
    return merge_roots(store, story, other, now=now, event_maxlen=event_maxlen)[0]


def merge_roots(store: Store, story: str, other: str, *, now: float, event_maxlen: int = 100_000) -> tuple[str, str]:
    """``merge_stories``, answering (the surviving story, the story merged into it): the roots
    the two ids resolve to, which an operator naming a merged-away story should be told."""
    _check_ids("story", [story, other])
    reply = _call(store, ["merge", store.keys.prefix, now, event_maxlen, story, other])
    return reply[1], reply[2]


def split_story(store: Store, story: str, article_ids: list[str], *, now: float, event_maxlen: int = 100_000) -> str:
    """Move ``article_ids`` (each once, however often named) out of ``story`` into a new story;
    returns the new story's id."""
    _check_ids("story", [story])
    _check_ids("article", article_ids)
    unique = list(dict.fromkeys(article_ids))
    return _call(store, ["split", store.keys.prefix, now, event_maxlen, story, *unique])[1]


def _check_ids(kind: str, ids: list[str]) -> None:
    # an id is part of key names: "s1:members" would name another key of the story (WRONGTYPE)
    for value in ids:
        if not valid_id(value):
            raise InputError(f"no such {kind}: {value[:60]!r}")

"""What the serving indexes and story fields must hold, derived from the stories' members alone.

Ingest (``commit.lua``) builds them incrementally; operator corrections (``admin.lua``) and
retention must leave the same thing. ``assert_serving_consistent`` compares the two views: every
live story (a root with members) in ``stories:updated``, in the set of each outlet and topic it has
a member of and in no other, every topic with a story in ``topics``, and the story record's size,
outlets, topics, title, headline and summary agreeing with its members.
"""

from __future__ import annotations

import json
from collections import Counter

from storage.connection import Store

SUMMARY_BYTES = 480


def live_stories(store: Store) -> dict[str, list[str]]:
    """Root stories with members: id -> member article ids."""
    k = store.keys
    out = {}
    for key in store.text.scan_iter(match=k.story_prefix + "*", count=1000):
        sid = key[len(k.story_prefix):]
        if ":" in sid or store.text.type(key) != "hash" or store.text.hget(key, "parent"):
            continue
        members = store.text.zrange(k.story_members(sid), 0, -1)
        if members:
            out[sid] = members
    return out


def index_members(store: Store) -> tuple[set[str], dict[str, set[str]], dict[str, set[str]], set[str]]:
    """(stories:updated, outlet -> story ids, topic -> story ids, topics) as stored."""
    k = store.keys
    updated = set(store.text.zrange(k.stories_updated, 0, -1))
    outlet_prefix = k.source_stories("")
    outlets = {key[len(outlet_prefix):]: set(store.text.zrange(key, 0, -1))
               for key in store.text.scan_iter(match=outlet_prefix + "*", count=1000)}
    head, tail = k.topic_stories("\0").split("\0")
    topics = {key[len(head):-len(tail)]: set(store.text.zrange(key, 0, -1))
              for key in store.text.scan_iter(match=k.topic_stories("*"), count=1000)}
    return updated, outlets, topics, set(store.text.zrange(k.topics, 0, -1))


def clip(text: str) -> str:
    raw = text.encode("utf-8")[:SUMMARY_BYTES]
    return raw.decode("utf-8", "ignore")


def assert_serving_consistent(store: Store, *, headlines: bool = True) -> dict[str, list[str]]:
    """Fail unless the indexes and story fields match the members; returns the live stories.
    ``headlines=False`` skips ``headline`` == title: retention leaves a new title unannounced
    until the story's next article."""
    k = store.keys
    stories = live_stories(store)
    want_outlets: dict[str, set[str]] = {}
    want_topics: dict[str, set[str]] = {}
    for sid, members in stories.items():
        arts = {aid: store.text.hgetall(k.article(aid)) for aid in members}
        sources = Counter(a["source"] for a in arts.values())
        topics = {t for a in arts.values() for t in json.loads(a.get("topics") or "[]")}
        for src in sources:
            want_outlets.setdefault(src, set()).add(sid)
        for t in topics:
            want_topics.setdefault(t, set()).add(sid)
        rec = store.text.hgetall(k.story(sid))
        assert int(rec["size"]) == len(members), sid
        assert json.loads(rec["outlets"]) == dict(sources), sid
        assert set(json.loads(rec["topics"])) == topics, sid
        rep = rec["rep"]
        assert rep in arts, sid
        assert rec["title"] == arts[rep]["title"], sid
        if headlines:
            assert rec["headline"] == rec["title"], sid
        assert rec["summary_rep"] == rep and rec["summary"] == clip(arts[rep]["text"]), sid
    updated, outlets, topics, known = index_members(store)
    assert updated == set(stories)
    assert {o: s for o, s in outlets.items() if s} == want_outlets
    assert {t: s for t, s in topics.items() if s} == want_topics
    assert known == set(want_topics)
    return stories

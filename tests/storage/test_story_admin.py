"""Operator merge and split (storage/lua/admin.lua) leave every story and serving index as ingest
would have built them, refuse what makes no sense, and keep what the operator kept apart apart."""

from __future__ import annotations

import pytest

from storage.connection import Store
from storage.stories import resolve_story
from storage.story_admin import merge_stories, split_story
from storage.story_index import StoryIndex
from tests.storage.serving import assert_serving_consistent
from tests.storage.test_story_index import CFG, NOW, add, body
from wirewatch.errors import InputError


def story_of(result: object) -> str:
    return str(result.story_id)  # type: ignore[attr-defined]


def test_split_takes_a_topic_and_an_outlet_along_when_no_member_is_left_with_them(store: Store) -> None:
    index = StoryIndex(store, CFG)
    text = body(11)
    sid = story_of(add(index, "g1", text, source="outlet-a", title="First", topics=("donbas",)))
    assert story_of(add(index, "g2", text + " Reported by our desk.", source="outlet-b", title="Second",
                        topics=("black-sea",))) == sid
    assert_serving_consistent(store)
    k = store.keys
    assert store.text.zscore(k.topic_stories("black-sea"), sid) is not None

    fresh = split_story(store, sid, ["g2"], now=NOW + 60)

    stories = assert_serving_consistent(store)
    assert stories == {sid: ["g1"], fresh: ["g2"]}
    assert store.text.zrange(k.topic_stories("black-sea"), 0, -1) == [fresh]
    assert store.text.zrange(k.topic_stories("donbas"), 0, -1) == [sid]
    assert store.text.zrange(k.source_stories("outlet-b"), 0, -1) == [fresh]
    assert store.text.zrange(k.source_stories("outlet-a"), 0, -1) == [sid]
    # merged back by the operator: one story under both topics again, the split story a stub
    assert merge_stories(store, sid, fresh, now=NOW + 120) == sid
    assert assert_serving_consistent(store) == {sid: ["g1", "g2"]}
    assert resolve_story(store, fresh) == sid


def test_split_must_leave_an_article_and_name_only_members(store: Store) -> None:
    index = StoryIndex(store, CFG)
    text = body(12)
    sid = story_of(add(index, "h1", text))
    add(index, "h2", text + " More.", source="outlet-b")
    with pytest.raises(InputError, match="leave at least one article"):
        split_story(store, sid, ["h1", "h2"], now=NOW)
    with pytest.raises(InputError, match="not in story"):
        split_story(store, sid, ["h3"], now=NOW)
    with pytest.raises(InputError, match="already one"):
        merge_stories(store, sid, sid, now=NOW)
    assert assert_serving_consistent(store) == {sid: ["h1", "h2"]}


def test_merge_keeps_apart_what_the_merged_story_was_split_from(store: Store) -> None:
    index = StoryIndex(store, CFG)
    a, c = body(13, 300), body(15, 300)
    s1 = story_of(add(index, "i1", a))
    assert story_of(add(index, "i2", a + " Filed later.", source="outlet-b")) == s1
    s2 = split_story(store, s1, ["i2"], now=NOW)  # i2 kept apart from i1's story
    s3 = story_of(add(index, "i3", c, source="outlet-c"))
    assert merge_stories(store, s3, s2, now=NOW) == s3  # s3 absorbs the split story
    k = store.keys
    assert store.text.smembers(k.story_apart(s3)) == {s1}
    assert store.text.smembers(k.story_apart(s1)) == {s3}
    # a bridging article matching both does not join them again
    bridge = add(index, "i4", a + " " + c, source="outlet-d")
    assert bridge.status == "joined"  # type: ignore[attr-defined]
    assert resolve_story(store, s1) != resolve_story(store, s3)
    assert_serving_consistent(store)


def test_a_rebuilt_story_keeps_the_representative_ingest_chose(store: Store) -> None:
    index = StoryIndex(store, CFG)
    text = body(16)
    sid = story_of(add(index, "j1", text, title="Short"))
    # over 15% longer and filed within six hours of the first copy: ingest makes it the representative
    assert story_of(add(index, "j2", text + " " + body(17, 120), source="outlet-b", title="Fuller")) == sid
    assert story_of(add(index, "j3", text + " Third.", source="outlet-c", title="Third")) == sid
    k = store.keys
    assert store.text.hget(k.story(sid), "rep") == "j2"
    before = store.text.xlen(k.events)

    split_story(store, sid, ["j3"], now=NOW + 60)

    assert store.text.hmget(k.story(sid), "rep", "title", "headline") == ["j2", "Fuller", "Fuller"]
    kinds = [f["type"] for _, f in store.text.xrange(k.events)][before:]
    assert "story.headline_changed" not in kinds
    assert_serving_consistent(store)


def test_rebuild_of_non_latin_text_cuts_the_summary_between_characters(store: Store) -> None:
    index = StoryIndex(store, CFG)
    cyrillic = dict(zip("abcdefghijklmnopqrstuvwxyz", "абвгдежзиклмнопрстуфхцчшщ", strict=False))
    text = "".join(cyrillic.get(c, c) for c in body(18))
    sid = story_of(add(index, "k1", text, title="Обстріл"))
    assert story_of(add(index, "k2", text + " Ще.", source="outlet-b", title="Обстріл міста")) == sid
    fresh = split_story(store, sid, ["k1"], now=NOW + 60)
    stories = assert_serving_consistent(store)  # summaries: whole characters, as ingest cuts them
    assert stories == {sid: ["k2"], fresh: ["k1"]}
    assert store.text.hget(store.keys.story(sid), "title") == "Обстріл міста"


def test_an_ingest_merge_never_joins_two_stories_kept_apart_from_each_other(store: Store) -> None:
    """The stories an article bridges are checked against each other, not only against the
    story it joins: two copies an operator split apart stay apart when a later copy matches both
    and a third story (and what a merged story was kept apart from, the merged story now is)."""
    from dataclasses import replace

    from dedupe import fingerprint
    from tests.storage.test_story_index import record

    day = 86400.0
    index = StoryIndex(store, CFG)
    text = body(21, 400)

    def add_at(aid: str, words: str, published: float, source: str) -> str:
        rec = replace(record(aid, words, source=source), published=published)
        return story_of(index.add(rec, fingerprint(words, None, CFG), now=NOW))

    sx1 = add_at("x1", text, NOW - 4 * day, "outlet-a")
    assert add_at("x2", text, NOW - 4 * day + 60, "outlet-b") == sx1
    sx2 = split_story(store, sx1, ["x2"], now=NOW)
    # four days later: too far from x1 and x2 to join them, a story of its own
    se1 = add_at("e1", "An introduction the outlet added. " + text, NOW, "outlet-c")
    assert se1 not in {sx1, sx2}
    # in between: matches all three
    add_at("f1", "An introduction the outlet added. " + text[: int(len(text) * 0.8)], NOW - 2 * day, "outlet-d")
    assert resolve_story(store, sx1) != resolve_story(store, sx2)
    assert_serving_consistent(store)


def test_ids_that_name_a_story_key_are_no_such_story(store: Store) -> None:
    """`sa1:members` is not a story id; it named another key of the story (a WRONGTYPE error
    that blamed Redis)."""
    index = StoryIndex(store, CFG)
    sid = story_of(add(index, "k1", body(31)))
    add(index, "k2", body(31) + " More.", source="outlet-b")
    for call in (lambda: merge_stories(store, f"{sid}:members", sid, now=NOW),
                 lambda: merge_stories(store, sid, f"{sid}:apart", now=NOW),
                 lambda: split_story(store, f"{sid}:members", ["k2"], now=NOW),
                 lambda: split_story(store, sid, ["k2:x"], now=NOW)):
        with pytest.raises(InputError, match="no such"):
            call()
    assert assert_serving_consistent(store) == {sid: ["k1", "k2"]}


def test_merge_names_the_roots_it_merged(store: Store) -> None:
    from storage.story_admin import merge_roots

    index = StoryIndex(store, CFG)
    a = story_of(add(index, "m1", body(41)))
    b = story_of(add(index, "m2", body(42), source="outlet-b"))
    c = story_of(add(index, "m3", body(43), source="outlet-c"))
    assert merge_roots(store, a, b, now=NOW) == (a, b)
    assert merge_roots(store, c, b, now=NOW) == (c, a)  # b is part of a now: a is what moves
    # a split naming an article twice moves it once
    fresh = split_story(store, c, ["m2", "m2"], now=NOW)
    assert assert_serving_consistent(store)[fresh] == ["m2"]


def test_a_split_keeps_a_representative_chosen_in_arrival_order(store: Store) -> None:
    """Ingest picks the representative as articles arrive: a long copy published late but stored
    first stays it when an unrelated member is split out (the replay in published-time order
    picked the earliest-published short copy, and announced a headline change)."""
    from dataclasses import replace

    from dedupe import fingerprint
    from tests.storage.test_story_index import record

    index = StoryIndex(store, CFG)
    text = body(61)
    long_text = text + " " + body(62, 150)

    def add_at(aid: str, words: str, published: float, title: str) -> str:
        rec = replace(record(aid, words, source=f"outlet-{aid}", title=title), published=published)
        return story_of(index.add(rec, fingerprint(words, None, CFG), now=NOW))

    sid = add_at("r1", long_text, NOW + 7 * 3600, "Long evening version")
    assert add_at("r2", text, NOW, "Morning wire") == sid
    assert add_at("r3", text + " Noon.", NOW + 3600, "Noon copy") == sid
    k = store.keys
    assert store.text.hget(k.story(sid), "rep") == "r1"
    before = store.text.xlen(k.events)
    split_story(store, sid, ["r3"], now=NOW + 60)
    assert store.text.hmget(k.story(sid), "rep", "title") == ["r1", "Long evening version"]
    assert "story.headline_changed" not in [f["type"] for _, f in store.text.xrange(k.events)][before:]
    assert_serving_consistent(store)

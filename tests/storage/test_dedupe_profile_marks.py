"""bench.dedupe_profile's marked copy of the dedupe script: every anchor is still in the scripts,
and the marked script clusters exactly as the real one while it records its sections."""

from __future__ import annotations

import time

from bench.dedupe_profile import PROFILE_KEY, profiled_source, section_names
from bench.dedupe_redis import _records
from bench.dedupe_speed import synthetic_docs
from dedupe import DedupeConfig, fingerprint_many
from storage.connection import Store
from storage.scripts import lua
from storage.story_index import Assignment, StoryIndex


def _partition(assignments: list[Assignment]) -> set[frozenset[str]]:
    stories: dict[str, set[str]] = {}
    for a in assignments:
        stories.setdefault(a.story_id, set()).add(a.article_id)
    return {frozenset(members) for members in stories.values()}


def test_the_marked_script_clusters_as_the_real_one_and_records_every_stage(store: Store) -> None:
    config = DedupeConfig()
    docs = synthetic_docs(30)
    now = time.time()
    batch = _records(docs, fingerprint_many([(t, None) for _, t in docs], config), now, 0)

    plain = StoryIndex(store, config).add_many(batch, now=now)
    plain_stories = _partition(plain)
    store.text.flushdb()

    index = StoryIndex(store, config)
    index._script = store.raw.register_script(profiled_source(lua("query.lua", "commit.lua", "dedupe.lua")))
    marked = index.add_many(batch, now=now)

    assert _partition(marked) == plain_stories
    assert len(plain_stories) < len(docs)  # the corpus has copies: some articles joined a story
    sections = store.text.hgetall(PROFILE_KEY)
    assert set(sections) == section_names(), sorted(set(sections) ^ section_names())
    assert all(int(v) >= 0 for v in sections.values())

"""Fixtures for the operations tests: articles written through the daemon's own dedupe path.

``corpus`` is fixture-site prose: wire stories reprinted by several outlets (near-duplicates that
must share a story) plus stories no one else ran.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from dedupe import DedupeConfig, fingerprint
from storage.connection import Store
from storage.retention import seen_field
from storage.story_index import ArticleRecord, Assignment, StoryIndex
from tests.fixturesite import prose, wire


@dataclass(frozen=True)
class Doc:
    id: str
    story_key: str
    source: str
    title: str
    text: str
    topics: tuple[str, ...]


def make_corpus(seed: int, wire_stories: int, copies: int, singles: int) -> list[Doc]:
    rng = random.Random(seed)
    events = sorted(prose.UKRAINE_EVENTS)
    docs: list[Doc] = []
    for w in range(wire_stories):
        story = wire.write_wire_story(rng, f"w{w}", events[w % len(events)])
        for c in range(copies):
            copy = wire.reprint(story, wire.random_plan(rng, c), rng, f"Outlet {c}", "Lviv")
            docs.append(Doc(f"w{w}c{c}", f"w{w}", f"outlet-{c}", copy.headline, "\n\n".join(copy.paragraphs),
                            ("ukraine",) if c % 2 == 0 else ("ukraine", "energy")))
    for s in range(singles):
        story = prose.write_story(rng, events[s % len(events)])
        docs.append(Doc(f"s{s}", f"s{s}", "outlet-solo", story.headlines[0], "\n\n".join(story.paragraphs),
                        ("ukraine",)))
    return docs


@pytest.fixture(scope="session")
def corpus() -> list[Doc]:
    return make_corpus(7, wire_stories=3, copies=3, singles=3)


Ingest = Callable[..., Assignment]


@pytest.fixture
def dedupe_config() -> DedupeConfig:
    return DedupeConfig()


def add_doc(
    index: StoryIndex,
    doc: Doc,
    now: float,
    published: float | None = None,
    extra_seen: tuple[tuple[str, str], ...] = (),
    *,
    with_seen: bool = True,
) -> Assignment:
    """Write one Doc the way the daemon does (seen entries included, unless not ``with_seen``)."""
    url = f"https://{doc.source}.example/{doc.id}"
    record = ArticleRecord(
        id=doc.id, url=url, canonical_url=url, source=doc.source, title=doc.title, text=doc.text,
        authors=("Staff",), published=published, language="en", site_name=doc.source,
        topics=doc.topics, guid=f"guid-{doc.id}",
    )
    k = index.store.keys
    seen = ((k.seen_url, seen_field(url)), (k.seen_source(doc.source), seen_field(f"guid-{doc.id}")), *extra_seen)
    if not with_seen:
        seen = ()
    return index.add(record, fingerprint(doc.text, doc.title, index.config), seen=seen, now=now)


@pytest.fixture
def ingest(store: Store, dedupe_config: DedupeConfig) -> Ingest:
    index = StoryIndex(store, dedupe_config, event_maxlen=10_000)

    def add(
        doc: Doc, now: float, published: float | None = None, extra_seen: tuple[tuple[str, str], ...] = ()
    ) -> Assignment:
        return add_doc(index, doc, now, published, extra_seen)

    return add

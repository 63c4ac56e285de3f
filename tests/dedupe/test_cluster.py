"""InMemoryClusterer: the daemon's decision path in memory, with union-find merges."""

from __future__ import annotations

import pytest

from dedupe import Candidate, DedupeConfig, Fingerprint, InMemoryClusterer, decide, fingerprint, new_story_id

T0 = 1_700_000_000.0


def test_reprints_join_and_updates_do_not(original: str, reprint: str, first_half: str, update: str) -> None:
    c = InMemoryClusterer()
    story = c.add("wire", original, source="ap", published=T0)
    assert story == new_story_id("wire")
    assert c.add("reprint", reprint, "New headline", source="halton", published=T0 + 600) == story
    assert c.add("half", first_half, source="metro", published=T0 + 900) == story
    later = c.add("update", update, source="ap", published=T0 + 4 * 3600)
    assert later != story and later == new_story_id("update")
    assert c.stories() == {story: ("wire", "reprint", "half"), later: ("update",)}
    assert len(c) == 4


def test_same_outlet_briefings_stay_apart(briefings: tuple[str, str]) -> None:
    c = InMemoryClusterer()
    monday = c.add("mon", briefings[0], source="valley-courier", published=T0)
    tuesday = c.add("tue", briefings[1], source="valley-courier", published=T0 + 86400)
    assert monday != tuesday


def test_an_article_matching_two_stories_merges_them(original: str) -> None:
    # Two partial reprints that share too little to match each other, then the full story.
    paragraphs = original.split("\n")
    head = "\n".join(paragraphs[1:5])
    tail = "\n".join(paragraphs[5:10])
    c = InMemoryClusterer()
    first = c.add("head", head, source="metro", published=T0)
    second = c.add("tail", tail, source="halton", published=T0)
    assert first != second
    merged = c.add("full", original, source="ap", published=T0)
    assert merged in (first, second)
    assert c.story_of("head") == c.story_of("tail") == c.story_of("full") == merged
    assert c.stories() == {merged: ("head", "tail", "full")}


def test_same_decisions_as_calling_decide_directly(original: str, reprint: str, update: str) -> None:
    config = DedupeConfig()
    c = InMemoryClusterer(config)
    docs = [("a", original, "ap"), ("b", update, "ap"), ("c", reprint, "halton")]
    fps: dict[str, tuple[Fingerprint, str]] = {}
    for doc_id, text, source in docs:
        fp = fingerprint(text, None, config)
        candidates = [
            Candidate(other, c.story_of(other), ofp.signature, ofp.n_shingles, osrc, T0)
            for other, (ofp, osrc) in fps.items()
        ]
        expected = decide(fp, candidates, config, source=source, published=T0)
        story = c.add(doc_id, text, source=source, published=T0)
        assert story == (expected.story_id or new_story_id(doc_id))
        fps[doc_id] = (fp, source)


def test_duplicate_ids_and_empty_texts(original: str) -> None:
    c = InMemoryClusterer()
    c.add("a", original)
    with pytest.raises(ValueError, match="already added"):
        c.add("a", original)
    # Empty texts each open their own story: they are never indexed or matched.
    assert c.add("e1", "") != c.add("e2", "  ")


def test_story_ids_are_stable() -> None:
    assert new_story_id("article-1") == new_story_id("article-1")
    assert new_story_id("article-1") != new_story_id("article-2")
    assert new_story_id("article-1").startswith("s-")


def test_many_articles_grow_the_index(original: str) -> None:
    c = InMemoryClusterer(DedupeConfig(num_perm=32, bands=8))
    for i in range(1500):  # past the initial signature capacity
        c.add(f"d{i}", f"{original} {i}" if i % 2 else f"unrelated text number {i} about nothing in particular")
    stories = c.stories()
    assert sum(len(m) for m in stories.values()) == 1500
    assert len({c.story_of(f"d{i}") for i in range(1, 1500, 2)}) == 1

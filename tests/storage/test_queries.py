"""Read-side queries: keyset pagination (ties, arrivals mid-paging), filters, story views."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe import DedupeConfig
from storage import queries
from storage.connection import Store
from storage.queries import Cursor, StoryQuery
from storage.story_index import StoryIndex
from tests.api.builders import BASE, add_article, ingest_fixture, load_fixture


def all_pages(store: Store, **kw: object) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor = None
    for _ in range(200):
        page = queries.query_stories(store, StoryQuery(cursor=cursor, **kw))  # type: ignore[arg-type]
        pages.append([v.story.id for v in page.stories])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor
    raise AssertionError("pagination did not end")


def reversed_text(text: str) -> str:
    # Same words, no shared 4-word shingle: the dedupe treats it as a different story.
    return " ".join(reversed(text.split()))


@given(st.floats(allow_nan=False, allow_infinity=False), st.from_regex(queries.ID_RE, fullmatch=True))
def test_cursor_round_trips(updated: float, story_id: str) -> None:
    assert Cursor.decode(Cursor(updated, story_id).encode()) == Cursor(updated, story_id)


@pytest.mark.parametrize("token", ["", "abc", "!!!", "MTp4eHg6cw", "Mjo1OnMx", "MTpuYW46czE", "é" * 4, "A" * 400])
def test_malformed_cursors_are_refused(token: str) -> None:
    with pytest.raises(ValueError, match="malformed cursor"):
        Cursor.decode(token)


@pytest.mark.parametrize("limit", [1, 2, 3, 50])
def test_pages_cover_every_story_once_newest_first(store: Store, limit: int) -> None:
    built = ingest_fixture(store)
    pages = all_pages(store, limit=limit)
    ids = [sid for page in pages for sid in page]
    assert sorted(ids) == sorted(built.stories.values())
    assert all(len(p) <= limit for p in pages)
    updated = [v.story.updated for v in queries.story_views(store, ids)]
    assert updated == sorted(updated, reverse=True)


def test_ties_on_updated_are_paged_without_loss_or_repeat(store: Store) -> None:
    index = StoryIndex(store, DedupeConfig())
    ids = set()
    for i, story in enumerate(load_fixture()):
        for variant in (story["text"], reversed_text(story["text"])):
            res = add_article(index, source=f"outlet-{i}", title=f"story {i}", text=variant, published=BASE,
                              topics=(), now=BASE + 10)
            ids.add(res.story_id)
    assert len(ids) == 10
    for limit in (1, 3, 4):
        pages = all_pages(store, limit=limit)
        flat = [sid for page in pages for sid in page]
        assert sorted(flat) == sorted(ids), limit


def test_arrivals_while_paging_neither_repeat_nor_shift_pages(store: Store) -> None:
    built = ingest_fixture(store)
    first = queries.query_stories(store, StoryQuery(limit=2))
    seen = [v.story.id for v in first.stories]
    # A new story arrives and an already-listed story grows: both go above the cursor.
    index = StoryIndex(store, DedupeConfig())
    text = reversed_text(load_fixture()[3]["text"])
    fresh = add_article(index, source="late-outlet", title="late", text=text, published=built.last_now,
                        topics=(), now=built.last_now + 100).story_id
    rest: list[str] = []
    cursor = first.next_cursor
    while cursor is not None:
        page = queries.query_stories(store, StoryQuery(limit=2, cursor=cursor))
        rest.extend(v.story.id for v in page.stories)
        cursor = page.next_cursor
    assert fresh not in rest
    assert not set(seen) & set(rest)
    assert sorted(seen + rest) == sorted(built.stories.values())
    top = queries.query_stories(store, StoryQuery(limit=1)).stories[0].story.id
    assert top == fresh


def test_filters_by_topic_source_size_words_and_time(store: Store) -> None:
    built = ingest_fixture(store)
    fixture = {s["key"]: s for s in load_fixture()}

    def ids(**kw: object) -> set[str]:
        return {sid for page in all_pages(store, **kw) for sid in page}

    def keys_where(pred: object) -> set[str]:
        return {built.stories[k] for k, s in fixture.items() if pred(s)}  # type: ignore[operator]

    assert ids(topic="black-sea") == keys_where(lambda s: "black-sea" in s["topics"])
    assert ids(source="daily-kyiv") == keys_where(lambda s: any(a["source"] == "daily-kyiv" for a in s["articles"]))
    assert ids(min_size=3) == keys_where(lambda s: len(s["articles"]) >= 3)
    assert ids(words=queries.title_words("ODESA grain")) == {built.stories["grain"]}
    assert ids(words=("odesa", "ceasefire")) == set()
    assert ids(topic="no-such-topic") == set()
    views = {v.story.id: v for v in queries.story_views(store, list(built.stories.values()))}
    cut = sorted(v.story.updated.timestamp() for v in views.values())[2]
    assert ids(since=cut) == {sid for sid, v in views.items() if v.story.updated.timestamp() >= cut}
    assert ids(until=cut) == {sid for sid, v in views.items() if v.story.updated.timestamp() <= cut}


def test_selective_filter_pages_partially_within_the_scan_budget(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    built = ingest_fixture(store)
    monkeypatch.setattr(queries, "SCAN_BUDGET", 1)
    monkeypatch.setattr(queries, "SCAN_CHUNK", 1)
    oldest = queries.query_stories(store, StoryQuery(limit=50)).stories[-1]
    words = queries.title_words(oldest.story.title)
    pages = all_pages(store, words=words, limit=5)
    assert len(pages) > 1  # stopped at the budget, then continued from the cursor
    assert [sid for page in pages for sid in page] == [oldest.story.id]
    assert oldest.story.id in built.stories.values()


def test_story_view_has_summary_outlets_and_member_times(store: Store) -> None:
    built = ingest_fixture(store)
    grain = next(s for s in load_fixture() if s["key"] == "grain")
    view = queries.story_view(store, built.stories["grain"])
    assert view is not None
    assert view.story.size == len(grain["articles"])
    assert grain["text"].startswith(view.summary.rstrip("…"))
    assert sorted(n for n, _ in view.outlets) == sorted({a["source"] for a in grain["articles"]})
    assert list(view.article_times) == sorted(view.article_times)
    assert view.last_published.timestamp() == max(view.article_times)
    capped = queries.story_view(store, built.stories["grain"], max_articles=1)
    assert capped is not None and len(capped.story.articles) == 1 and capped.story.size == view.story.size
    assert queries.story_view(store, "s-missing") is None


def test_merged_story_is_left_out_and_freshness_moves(store: Store) -> None:
    built = ingest_fixture(store, only=("grain", "ceasefire"))
    before = queries.freshness(store, None)
    fixture = {s["key"]: s for s in load_fixture()}
    index = StoryIndex(store, DedupeConfig())
    both = fixture["grain"]["text"] + " " + fixture["ceasefire"]["text"]
    res = add_article(index, source="bridge-outlet", title="bridge", text=both, published=built.last_now,
                      topics=("black-sea",), now=built.last_now + 60)
    assert res.merged
    gone = res.merged[0]
    assert queries.story_view(store, gone) is None
    assert [v.story.id for v in queries.story_views(store, [gone, res.story_id])] == [res.story_id]
    after = queries.freshness(store, None)
    assert after.tag != before.tag and after.count == before.count - 1


def test_query_validation() -> None:
    for kw in ({"limit": 0}, {"limit": 501}, {"min_size": 0}, {"max_articles": -1},
               {"since": 10.0, "until": 5.0}, {"since": float("nan")}):
        with pytest.raises(ValueError):
            StoryQuery(**kw)  # type: ignore[arg-type]


def test_title_words_and_summaries() -> None:
    assert queries.title_words("Удар по Одесі: ODESA, port!") == ("удар", "по", "одесі", "odesa", "port")
    long = "word " * 200
    short = queries.summarize(long, 50)
    assert short.endswith("…") and len(short) <= 51
    assert queries.summarize("  a\n b  ") == "a b"


def test_documents_and_views_agree(store: Store) -> None:
    built = ingest_fixture(store)
    ids = list(built.stories.values())
    for cap in (0, 2, 500):
        views = queries.story_views(store, ids, max_articles=cap)
        docs = queries.story_documents(store, ids, max_articles=cap, link_prefix="/story/")
        assert [
            {**v.story.to_json(), "summary": v.summary, "outlets": [{"name": n, "articles": c} for n, c in v.outlets],
             "last_published": v.last_published.isoformat(), "link": "/story/" + v.story.id}
            for v in views
        ] == docs

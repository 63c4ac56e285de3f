"""Export and import: a dump loaded into an empty store through the dedupe path gives back the
same articles and the same stories."""

from __future__ import annotations

import json
import time
from datetime import datetime

import pytest

from crawlers.urls import url_id
from dedupe import DedupeConfig
from storage.connection import Store
from storage.export import dumps, export_articles, export_stories, import_articles, parse_article_line
from tests.ops.conftest import Doc, Ingest
from wirewatch.errors import InputError


def fill(ingest: Ingest, corpus: list[Doc], base: float) -> None:
    for n, doc in enumerate(corpus):
        ingest(doc, base + 60 * n, published=base - 3600 + n)


def test_round_trip_through_an_empty_store(
    store: Store, ingest: Ingest, corpus: list[Doc], dedupe_config: DedupeConfig
) -> None:
    fill(ingest, corpus, float(int(time.time()) - 86400))
    articles = [dumps(a) for a in export_articles(store)]
    stories = [dumps(s) for s in export_stories(store)]
    assert len(articles) == len(corpus)
    assert len({json.loads(a)["story"] for a in articles}) == len(stories) < len(corpus)

    store.text.flushdb()
    report = import_articles(store, articles, dedupe_config, make_id=url_id)

    assert (report.created, report.joined, report.duplicates, report.errors) == (
        len(stories), len(corpus) - len(stories), 0, []
    )
    assert [dumps(a) for a in export_articles(store)] == articles
    assert [dumps(s) for s in export_stories(store)] == stories


def test_import_twice_stores_once(store: Store, ingest: Ingest, corpus: list[Doc], dedupe_config: DedupeConfig) -> None:
    fill(ingest, corpus, float(int(time.time()) - 86400))
    articles = [dumps(a) for a in export_articles(store)]
    again = import_articles(store, articles, dedupe_config, make_id=url_id)
    assert again.stored == 0 and again.duplicates == len(corpus)
    assert store.text.zcard(store.keys.articles_by_time) == len(corpus)


def test_export_filters(store: Store, ingest: Ingest, corpus: list[Doc]) -> None:
    base = float(int(time.time()) - 86400)  # whole seconds: ISO times keep microseconds only
    fill(ingest, corpus, base)
    cutoff = base + 60 * 5
    recent = list(export_articles(store, since=cutoff))
    assert [a["id"] for a in recent] == [d.id for d in corpus[5:]]
    assert all(datetime.fromisoformat(a["fetched_at"]).timestamp() >= cutoff for a in recent)
    energy = list(export_articles(store, topic="energy"))
    assert {a["id"] for a in energy} == {d.id for d in corpus if "energy" in d.topics}
    energy_stories = list(export_stories(store, topic="energy"))
    assert energy_stories and all("energy" in s["topics"] for s in energy_stories)
    assert list(export_stories(store, since=time.time() + 60)) == []


def test_paging_crosses_many_equal_scores(store: Store, ingest: Ingest, corpus: list[Doc], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import storage.export as export

    monkeypatch.setattr(export, "PAGE", 2)
    at = time.time()
    for doc in corpus:
        ingest(doc, at)  # every article shares one score
    assert sorted(a["id"] for a in export_articles(store)) == sorted(d.id for d in corpus)


def test_minimal_and_bad_lines(store: Store, dedupe_config: DedupeConfig, corpus: list[Doc]) -> None:
    good = {"url": "https://example.org/a?utm_source=x", "text": corpus[0].text, "title": "A"}
    lines = [
        json.dumps(good),
        "",
        "not json",
        json.dumps({"url": "https://example.org/b"}),
        json.dumps({"url": "https://example.org/c", "text": "words", "published": "last tuesday"}),
        json.dumps(["a", "list"]),
    ]
    report = import_articles(store, lines, dedupe_config, make_id=url_id, restamp=True)
    assert report.created == 1 and len(report.errors) == 4
    assert [e.split(":")[0] for e in report.errors] == ["line 3", "line 4", "line 5", "line 6"]
    stored = list(export_articles(store))
    assert stored[0]["id"] == url_id(good["url"]) and stored[0]["source"] == "import"
    assert abs(datetime.fromisoformat(stored[0]["fetched_at"]).timestamp() - time.time()) < 600


def test_parse_keeps_recorded_times() -> None:
    item = parse_article_line(
        json.dumps({"id": "x1", "url": "https://e.org/1", "text": "t", "fetched_at": "2024-01-02T03:04:05+00:00",
                    "published": 1700000000, "topics": ["a"], "authors": ["B"]}),
        1, url_id,
    )
    assert item.record.id == "x1" and item.record.published == 1700000000.0
    assert item.fetched_at == datetime.fromisoformat("2024-01-02T03:04:05+00:00").timestamp()
    assert item.record.topics == ("a",) and item.record.authors == ("B",)


@pytest.mark.parametrize("good", ["x1", "0123456789abcdef", "reuters:2024-01-02.a_b~c", "A" * 128])
def test_parse_accepts_ids_other_tools_use(good: str) -> None:
    assert parse_article_line(json.dumps({"id": good, "url": "https://e.org/1", "text": "t"}), 1, url_id).record.id == good


@pytest.mark.parametrize("bad", ["-1", "-1700000000", ".x", "a/b", "a b", "a\tb", "x\n", "é", "A" * 129])
def test_parse_refuses_ids_that_would_pass_for_something_else(bad: str) -> None:
    """An id is a key name and a URL segment; one starting with "-" would pass for a filtered
    page's seen mark, which the deep sweep expires while the article lives."""
    with pytest.raises(InputError, match="line 7: 'id' must be"):
        parse_article_line(json.dumps({"id": bad, "url": "https://e.org/1", "text": "t"}), 7, url_id)


def test_import_skips_a_line_with_a_bad_id_and_keeps_the_rest(store: Store) -> None:
    good = {"url": "https://e.org/good", "text": "Fighting continued near the front line overnight."}
    lines = [json.dumps({**good, "id": "-1"}), json.dumps(good)]
    report = import_articles(store, lines, DedupeConfig(), make_id=url_id)
    assert report.created == 1 and len(report.errors) == 1 and report.errors[0].startswith("line 1: 'id' must be")
    assert store.text.exists(store.keys.article("-1")) == 0


@pytest.mark.parametrize("topic", ["syria/iraq", "q?x#y", "A B", "", "-x"])
def test_parse_refuses_topics_sources_yaml_would_refuse(topic: str) -> None:
    """Topics become feed paths (/feeds/<topic>.atom) and key names: the sources file's rule."""
    line = json.dumps({"url": "https://e.org/1", "text": "t", "topics": ["ukraine", topic]})
    with pytest.raises(InputError, match=r"line 3: topic .* must be 1-64 of a-z, 0-9 and '-'"):
        parse_article_line(line, 3, url_id)


@pytest.mark.parametrize(("field", "value"), [("published", float("nan")), ("published", float("inf")),
                                              ("fetched_at", 1e300), ("fetched_at", -99999999999),
                                              ("published", 1_700_000_000_000)])
def test_parse_refuses_times_that_are_not_times(field: str, value: float) -> None:
    """NaN failed Redis in the middle of a commit (half an article written, the rest of the file
    dropped); 1e300 was stored and broke `wirewatch stats` for good; milliseconds are a unit slip."""
    line = json.dumps({"url": "https://e.org/1", "text": "t", field: value})
    with pytest.raises(InputError, match=f"line 4: '{field}' must be a time from 1970 to 2100"):
        parse_article_line(line, 4, url_id)


def test_import_skips_a_line_with_a_nan_time_and_keeps_the_rest(store: Store) -> None:
    lines = ['{"url": "https://e.org/a", "text": "Shelling hit the port overnight.", "published": NaN}',
             json.dumps({"url": "https://e.org/b", "text": "Talks resumed in the capital on Monday."})]
    report = import_articles(store, lines, DedupeConfig(), make_id=url_id)
    assert report.created == 1 and len(report.errors) == 1
    assert store.text.zcard(store.keys.articles_by_time) == 1

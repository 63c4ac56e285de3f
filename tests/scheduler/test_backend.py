"""The daemon backend's per-run write, on a real Redis: one read at the run's start, one write at
its end that also acknowledges the queue entry and adds to the /metrics counters; a write planned
from a state that changed meanwhile is refused and planned again."""

from __future__ import annotations

from crawlers.runs import SourceRun
from crawlers.sources import source_from_json
from dedupe import DedupeConfig
from scheduler.backend import StoreBackend
from storage.connection import Store
from storage.source_state import load_states, record_run, resume_source
from storage.work_queue import WorkQueue

NOW = 1_800_000_000.0
SOURCE = source_from_json({"name": "kyiv-feed", "kind": "feed", "url": "https://kyiv.example/rss", "every": 600})


def backend(store: Store) -> StoreBackend:
    return StoreBackend(store, DedupeConfig(), {}, clock=lambda: NOW, pause_after=10, only_if_present=False)


def failed_run() -> SourceRun:
    run = SourceRun(source=SOURCE)
    run.error = "https://kyiv.example/rss: HTTP 503"
    run.count_fetch("listing", 503)
    return run


def test_a_run_is_planned_from_its_start_read_and_acknowledged_by_its_write(store: Store) -> None:
    queue = WorkQueue(store, "host:1")
    queue.ensure_group()
    queue.enqueue({"name": SOURCE.name})
    (claimed,) = queue.claim(1)
    b = backend(store)
    store.text.hset(store.keys.source(SOURCE.name), mapping={"etag": '"v3"', "consecutive_failures": 2})
    assert b.validators(SOURCE).etag == '"v3"'

    run = SourceRun(source=SOURCE, fetched=2, new=1, articles=1)
    run.count_fetch("listing", 200)
    run.count_fetch("article", 200)
    run.count_fetch("article", 404)
    run.count_fetch("article", None)
    assert b.finish(run, ack=claimed.entry_id)

    state = load_states(store, [SOURCE.name])[SOURCE.name]
    assert state.consecutive_failures == 0 and state.last_success == NOW and state.total_new == 1
    assert state.next_run is not None and state.next_run > NOW
    assert queue.depth() == (0, 0) and store.text.xlen(store.keys.queue) == 0  # acked and deleted
    counters = store.text.hgetall(store.keys.daemon_counters)
    assert counters == {
        "fetch:listing:200": "1", "fetch:article:200": "1", "fetch:article:404": "1", "fetch:article:error": "1",
        "runs:ok": "1", "items:new": "1", "last_run_at": repr(NOW),
    }


def test_a_source_enabled_while_its_run_was_in_flight_is_not_paused_by_that_run(store: Store) -> None:
    # 9 failures: the next one pauses it (pause_after=10). The operator resets it while a run is in
    # flight; that run fails. Planned from its start read, it would count the 10th failure and pause.
    store.text.hset(store.keys.source(SOURCE.name), mapping={"consecutive_failures": 9})
    b = backend(store)
    b.validators(SOURCE)
    resume_source(store, SOURCE.name, now=NOW)
    assert b.finish(failed_run())
    state = load_states(store, [SOURCE.name])[SOURCE.name]
    assert state.consecutive_failures == 1 and not state.paused
    assert store.text.hget(store.keys.daemon_counters, "fetch:listing:503") == "1"


def test_a_write_from_a_stale_read_is_refused(store: Store) -> None:
    key = store.keys.source(SOURCE.name)
    assert record_run(store, SOURCE.name, {"last_new": 1}, next_run=None, expect="")
    assert store.text.hget(key, "generation") == "1"
    # a second writer that read the hash before the first wrote it
    assert not record_run(store, SOURCE.name, {"last_new": 7}, next_run=NOW, expect="", ack="1-1")
    assert store.text.hget(key, "last_new") == "1" and store.text.zscore(store.keys.sources_due, SOURCE.name) is None
    assert record_run(store, SOURCE.name, {"last_new": 7}, next_run=NOW, expect="1", only_if_present=False)
    assert store.text.hget(key, "last_new") == "7" and store.text.zscore(store.keys.sources_due, SOURCE.name) == NOW


def test_two_runs_of_one_source_in_one_process_both_count(store: Store) -> None:
    # at-least-once delivery can run a source twice at once: the second run's read replaces the
    # first's, the first write succeeds, the second is planned again from a fresh read
    b = backend(store)
    b.validators(SOURCE)
    b.validators(SOURCE)
    first, second = failed_run(), failed_run()
    assert b.finish(first) and b.finish(second)
    assert load_states(store, [SOURCE.name])[SOURCE.name].consecutive_failures == 2
    assert store.text.hget(store.keys.daemon_counters, "runs:failed") == "2"


def test_a_filtered_page_is_remembered_for_the_retention_age_then_forgotten(store: Store) -> None:
    """A page the source's topic filter leaves out is marked seen (not fetched again) with the time
    of the mark; the deep sweep drops the mark once it is older than the retention age, and gives a
    mark from before marks had a time one, so it expires one retention age on."""
    from crawlers.backend import ArticleItem
    from crawlers.topics import TopicRule
    from storage.retention import RetentionPolicy, sweep
    from wirewatch.models import ExtractedArticle, FeedEntry

    source = source_from_json({"name": "kyiv-feed", "kind": "feed", "url": "https://kyiv.example/rss",
                               "every": 600, "topics": ["ukraine"], "keep": "matching"})
    b = StoreBackend(store, DedupeConfig(), {"ukraine": TopicRule("ukraine", any=("ukraine",))},
                     clock=lambda: NOW)
    entry = FeedEntry(guid="g-1", url="https://kyiv.example/sport/1")
    page = ExtractedArticle(url=entry.url, canonical_url=None, title="Cup final tonight",
                            text="The home side won the cup final in extra time. " * 20)
    result = b.ingest(ArticleItem(source=source, url="https://kyiv.example/sport/1", extracted=page, entry=entry,
                                  run=SourceRun(source=source)))
    assert result.status == "filtered"
    k = store.keys
    marks = {key: store.text.hgetall(key) for key in (k.seen_url, k.seen_source("kyiv-feed"))}
    written = sum(len(fields) for fields in marks.values())
    assert written == 2  # the URL (all sources) and the GUID (this source)
    assert all(v == f"-{int(NOW)}" for fields in marks.values() for v in fields.values())
    assert b.unseen(source, [entry]) == []  # not fetched again
    # a mark written by an older version: no time
    store.text.hset(k.seen_url, "0123456789abcdef", "-")

    age = 30 * 86400
    policy = RetentionPolicy(max_age=age, index_window=3 * 86400, event_maxlen=1000)
    assert sweep(store, policy, now=NOW + age - 1, deep=True).seen_cleared == 0
    assert b.unseen(source, [entry]) == []
    assert store.text.hget(k.seen_url, "0123456789abcdef") == f"-{int(NOW + age - 1)}"  # given a time

    assert sweep(store, policy, now=NOW + age + 1, deep=True).seen_cleared == written
    assert b.unseen(source, [entry]) == [entry]  # fetched again if it is still listed
    assert store.text.hget(k.seen_url, "0123456789abcdef") == f"-{int(NOW + age - 1)}"  # its own age runs on
    forever = RetentionPolicy(max_age=0, index_window=3 * 86400, event_maxlen=1000)
    assert sweep(store, forever, now=NOW + 10 * age, deep=True).seen_cleared == 0

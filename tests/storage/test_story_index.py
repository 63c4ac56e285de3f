"""The Redis story index: two round trips, exact and near duplicates, merges, splits, concurrency."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

import pytest

from dedupe import DedupeConfig, fingerprint
from dedupe.cluster import MAX_PER_BUCKET
from storage.connection import Store
from storage.stories import get_article, latest_stories, resolve_story
from storage.story_index import ArticleRecord, StoryIndex

NOW = 1_764_000_000.0
CFG = DedupeConfig()
WORDS = (
    "army forces shelled city border talks ceasefire minister officials attack drones region civilians "
    "government statement wounded night artillery village river bridge humanitarian corridor convoy aid "
    "negotiators capital refugees power station missiles defence air sirens hospital damaged rescue"
).split()


def body(seed: int, n: int = 400) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + ("." if i % 17 == 16 else "") for i in range(n))


def record(aid: str, text: str, source: str = "outlet-a", title: str = "t", topics: tuple[str, ...] = ()) -> ArticleRecord:
    return ArticleRecord(
        id=aid, url=f"http://e.org/{aid}", canonical_url=f"http://e.org/{aid}", source=source, title=title,
        text=text, authors=(), published=NOW, language="en", site_name=None, topics=topics, guid=aid,
    )


def add(index: StoryIndex, aid: str, text: str, **kw: object) -> object:
    return index.add(record(aid, text, **kw), fingerprint(text, None, CFG), now=NOW)  # type: ignore[arg-type]


def test_new_story_in_one_round_trip_then_reprint_joins_in_two(store: Store) -> None:
    index = StoryIndex(store, CFG)
    text = body(1)
    # no candidate at all: the query call commits it as a new story
    first = add(index, "a1", text, source="outlet-a", title="Shelling hits city", topics=("ukraine",))
    assert first.status == "created" and first.round_trips == 1
    reprint = "Our correspondent adds a local intro paragraph here. " + text[: int(len(text) * 0.8)]
    second = add(index, "a2", reprint, source="outlet-b", title="City shelled overnight")
    assert second.status == "joined" and second.story_id == first.story_id
    assert second.round_trips == 2
    other = add(index, "a3", body(99), source="outlet-c")
    assert other.status == "created" and other.story_id != first.story_id
    (story,) = [s for s in latest_stories(store) if s.id == first.story_id]
    assert story.size == 2 and {a.source for a in story.articles} == {"outlet-a", "outlet-b"}
    assert story.topics == ("ukraine",)
    assert get_article(store, "a2").story == first.story_id  # type: ignore[union-attr]
    events = store.text.xrange(store.keys.events)
    kinds = [e[1]["type"] for e in events]
    assert kinds.count("story.created") == 2 and kinds.count("story.updated") == 1
    assert kinds.count("article.added") == 3


def test_same_article_twice_and_exact_copy(store: Store) -> None:
    index = StoryIndex(store, CFG)
    text = body(2)
    first = add(index, "b1", text)
    assert add(index, "b1", text).status == "exists"
    exact = add(index, "b2", text, source="outlet-z")
    # an exact copy from another outlet is a reprint: stored, and in its twin's story
    assert exact.status == "joined" and exact.story_id == first.story_id
    assert exact.jaccard == 1.0 and exact.round_trips == 2
    assert get_article(store, "b2").story == first.story_id  # type: ignore[union-attr]
    (story,) = latest_stories(store)
    assert {a.source for a in story.articles} == {"outlet-a", "outlet-z"}


def test_bridge_article_merges_two_stories(store: Store) -> None:
    index = StoryIndex(store, CFG)
    a, b = body(3, 300), body(4, 300)
    s1 = add(index, "c1", a)
    s2 = add(index, "c2", b, source="outlet-b")
    assert s1.story_id != s2.story_id
    bridge = add(index, "c3", a + " " + b, source="outlet-c")
    assert bridge.status == "joined" and set(bridge.merged) | {bridge.story_id} == {s1.story_id, s2.story_id}
    root = bridge.story_id
    for old in (s1.story_id, s2.story_id):
        assert resolve_story(store, old) == root
    (story,) = [s for s in latest_stories(store) if s.id == root]
    assert story.size == 3
    assert len(latest_stories(store)) == 1


def _in_threads(work: Callable[[list[str]], None], shares: list[list[str]]) -> list[BaseException]:
    """``work`` on each share at once, one thread each; what they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(shares))

    def run(share: list[str]) -> None:
        try:
            start.wait()
            work(share)
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(share,)) for share in shares]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_workers_end_in_the_same_stories_as_one(store: Store) -> None:
    texts = {f"d{i}": body(100 + i // 4, 350)[: 2000 - 100 * (i % 4)] for i in range(32)}

    def worker(ids: list[str]) -> None:
        index = StoryIndex(store, CFG)
        for aid in ids:
            add(index, aid, texts[aid], source=f"outlet-{aid}")

    ids = list(texts)
    assert not _in_threads(worker, [ids[i::2] for i in range(2)])
    groups: dict[str, set[str]] = {}
    for aid in ids:
        story = get_article(store, aid).story  # type: ignore[union-attr]
        groups.setdefault(story, set()).add(aid)  # type: ignore[arg-type]
    assert sorted(map(sorted, groups.values())) == sorted(sorted(f"d{j}" for j in range(i, i + 4)) for i in range(0, 32, 4))


def test_three_batched_workers_claiming_at_once_end_in_the_same_stories_as_one(store: Store) -> None:
    """Near-duplicates indexed at the same moment by three workers in batches: many queries meet a
    pending candidate (adoption). Whatever the interleaving, the stories are the true groups, no
    claim is left pending and every article is indexed under its own record."""
    groups = 10
    texts = {f"g{g}c{c}": body(500 + g, 300)[: 1800 - 90 * c] + f" Copy {c}." for g in range(groups) for c in range(6)}
    for round_ in range(3):
        store.text.flushdb()
        ids = list(texts)
        random.Random(round_).shuffle(ids)

        def worker(share: list[str]) -> None:
            index = StoryIndex(store, CFG)
            for i in range(0, len(share), 5):
                index.add_many([(record(a, texts[a], source=f"outlet-{a}"), fingerprint(texts[a], None, CFG), ())
                                for a in share[i : i + 5]], now=NOW)

        assert not _in_threads(worker, [ids[w::3] for w in range(3)])
        found: dict[str, set[str]] = {}
        for aid in ids:
            found.setdefault(resolve_story(store, get_article(store, aid).story), set()).add(aid)  # type: ignore[union-attr]
        assert sorted(map(sorted, found.values())) == sorted(
            sorted(f"g{g}c{c}" for c in range(6)) for g in range(groups)), round_
        assert not list(store.text.scan_iter(f"{store.keys.prefix}:lsh:pending:*"))
        for aid in ids:
            n = int(store.text.hget(store.keys.article(aid), "lsh_n") or 0)
            assert store.raw.get(store.keys.lsh_record(n)) is not None


def test_operator_merge_and_split_are_remembered(store: Store) -> None:
    from storage.story_admin import merge_stories, split_story
    from wirewatch.errors import InputError

    index = StoryIndex(store, CFG)
    a, b = body(5, 300), body(6, 300)
    s1 = add(index, "e1", a).story_id  # type: ignore[attr-defined]
    s2 = add(index, "e2", b, source="outlet-b").story_id  # type: ignore[attr-defined]
    root = merge_stories(store, s1, s2, now=NOW)
    assert root == s1 and resolve_story(store, s2) == s1
    assert [s.size for s in latest_stories(store)] == [2]
    # split e2 back out: it forms its own story and the next near-copy of it does not rejoin s1
    fresh = split_story(store, s1, ["e2"], now=NOW)
    assert get_article(store, "e2").story == fresh  # type: ignore[union-attr]
    bridge = add(index, "e3", a + " " + b, source="outlet-c")
    assert resolve_story(store, fresh) != resolve_story(store, s1)
    assert bridge.story_id in (fresh, s1)  # type: ignore[attr-defined]
    sizes = sorted(s.size for s in latest_stories(store))
    assert sizes == [1, 2]
    try:
        split_story(store, s1, ["nope"], now=NOW)
    except InputError as exc:
        assert "not in story" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("split of an unknown article must fail")


def test_batch_with_reprints_inside_the_batch_matches_one_by_one(store: Store) -> None:
    texts = {f"f{i}": body(200 + i // 3, 350)[: 2100 - 150 * (i % 3)] for i in range(15)}
    index = StoryIndex(store, CFG)
    items = [(record(aid, t, source=f"o{aid}"), fingerprint(t, None, CFG), ()) for aid, t in texts.items()]
    results = index.add_many(items, now=NOW)  # type: ignore[arg-type]
    assert [r.article_id for r in results] == list(texts)
    groups: dict[str, set[str]] = {}
    for r in results:
        groups.setdefault(r.story_id, set()).add(r.article_id)
    assert sorted(map(sorted, groups.values())) == sorted(sorted(f"f{j}" for j in range(i, i + 3)) for i in range(0, 15, 3))
    # one pipeline of queries, then one of commits: a story's first copy finds no candidate (its
    # query commits it), each later copy finds the earlier ones committed or pending (claimed by
    # their queries just before) and adopts them; nothing is retried
    assert {r.round_trips for r in results if r.status == "joined"} == {2}
    assert {r.round_trips for r in results if r.status == "created"} == {1}
    assert sum(r.status == "created" for r in results) == 5


def test_a_big_story_gives_a_bounded_number_of_candidates(store: Store) -> None:
    """Forty reprints fill every bucket of the story; a new reprint's query walks only the newest
    MAX_PER_BUCKET of each bucket's chain (as the in-memory clusterer does) and still joins; every
    article has one index record and the table keeps its fixed size."""
    index = StoryIndex(store, CFG)
    text = body(7, 500)

    def aid(n: int) -> str:
        return f"w{n:031d}"

    first = add(index, aid(0), text, source="wire")
    for n in range(1, 40):
        joined = add(index, aid(n), text[: len(text) - 7 * n] + f" Reporting by outlet {n}.", source=f"o{n}")
        assert joined.story_id == first.story_id  # type: ignore[attr-defined]
    probe = fingerprint(text[:-400], None, CFG)
    reply = index._script(args=["peek", store.keys.prefix, NOW, CFG.window_seconds, "-", probe.content_hash,
                                index.buckets(probe)])
    candidates, _ = StoryIndex._parse_candidates(reply)
    # each bucket gives its newest 16; the reprints differ a little, so the bands' picks overlap
    # without being identical: a bound, far below the story's 40 members, and never the oldest ones
    assert MAX_PER_BUCKET <= len(candidates) <= 2 * MAX_PER_BUCKET
    assert not {c.article_id for c in candidates} & {aid(n) for n in range(40 - 2 * MAX_PER_BUCKET)}
    late = add(index, "late", text[:-400], source="late-outlet")
    assert late.story_id == first.story_id and late.round_trips == 2  # type: ignore[attr-defined]
    records = list(store.text.scan_iter(f"{store.keys.lsh_record_prefix}*"))
    assert len(records) == 41
    assert store.text.strlen(store.keys.lsh_table) <= CFG.bands * index.slots * 52 // 8 + 8


def _query(index: StoryIndex, aid: str, text: str, source: str, number: str = "") -> tuple[list, list]:
    """One worker's query call, as ``add_many`` sends it: the reply and the commit's arguments."""
    fp = fingerprint(text, None, CFG)
    head = index._head(record(aid, text, source=source), fp, index.buckets(fp), NOW)
    return index._script(args=["query", *head, number, "", "", "", ""]), head


def _commit(index: StoryIndex, aid: str, text: str, head: list, reply: list) -> list:
    """The commit ``add_many`` would send for a query reply (its decision made in Python)."""
    plan = index._plan(reply, record(aid, text), fingerprint(text, None, CFG))
    return index._script(args=["commit", *head, reply[1].decode(), plan.target, " ".join(plan.merge), "",
                               " ".join(plan.adopt)])


def _stories_of(store: Store, *ids: str) -> set[str]:
    return {resolve_story(store, get_article(store, a).story) for a in ids}  # type: ignore[union-attr]


def test_a_query_claims_its_place_so_a_concurrent_near_duplicate_sees_it_pending(store: Store) -> None:
    """Claim at query time: the record and cells are written by the query, so a second worker's
    query of a near-duplicate, before the first one commits, finds it as a pending candidate."""
    index = StoryIndex(store, CFG)
    text = body(8)
    store.text.sadd(store.keys.split("mine"), "s-elsewhere")  # keeps "mine" off the one-call path
    mine, _ = _query(index, "mine", text, "a")
    assert mine[0] == b"cands" and StoryIndex._parse_candidates(mine) == ([], frozenset({"s-elsewhere"}))
    number = mine[1].decode()
    assert store.text.exists(store.keys.lsh_record(int(number)), store.keys.lsh_pending(int(number))) == 2
    theirs, _ = _query(index, "theirs", text + " Another closing line.", "b")
    (cand,), _ = StoryIndex._parse_candidates(theirs)
    assert (cand.article_id, cand.story_id) == ("mine", f"~{number}")
    # a claim let go (its worker died; the key lapsed) is no candidate: nobody waits on it
    store.text.delete(store.keys.lsh_pending(int(number)))
    late, _ = _query(index, "late", text + " A third closing line.", "c")
    assert [c.article_id for c in StoryIndex._parse_candidates(late)[0]] == ["theirs"]


def test_a_pending_match_is_adopted_whichever_commit_runs_second(store: Store) -> None:
    """Two copies claimed at once, each seeing the other pending or not at all: whichever commits
    first opens the story and the other joins it (no second story opened only to be merged)."""
    text = body(9)
    copy = text + " Another closing line."
    for first in ("mine", "theirs"):
        store.text.flushdb()
        index = StoryIndex(store, CFG)
        store.text.sadd(store.keys.split("mine"), "s-elsewhere")
        mine, mine_head = _query(index, "mine", text, "a")
        theirs, theirs_head = _query(index, "theirs", copy, "b")
        plan = index._plan(theirs, record("theirs", copy), fingerprint(copy, None, CFG))
        assert plan.target == f"~{mine[1].decode()}" and plan.adopt == (mine[1].decode(), "mine")
        calls = {"mine": (text, mine_head, mine), "theirs": (copy, theirs_head, theirs)}
        second = "theirs" if first == "mine" else "mine"
        assert _commit(index, first, *calls[first])[:4] == [b"ok", f"s{first}".encode(), b"1", b""]
        # the second commit joins the first one's story: directly ("mine" committed meanwhile), or
        # from the note "theirs" left on the pending claim
        assert _commit(index, second, *calls[second])[:4] == [b"ok", f"s{first}".encode(), b"0", b""]
        assert _stories_of(store, "mine", "theirs") == {f"s{first}"}
        assert store.text.exists(store.keys.lsh_pending(int(mine[1]))) == 0
        kinds = [e[1]["type"] for e in store.text.xrange(store.keys.events)]
        assert kinds.count("story.created") == 1 and "story.merged" not in kinds


def test_an_adopted_story_is_merged_into_the_one_the_pending_article_joins(store: Store) -> None:
    index = StoryIndex(store, CFG)
    text = body(12)
    copy = text + " Another closing line."
    seed = add(index, "seed", text + " First version.", source="x")
    mine, mine_head = _query(index, "mine", text, "a")
    store.text.sadd(store.keys.split("theirs"), seed.story_id)  # type: ignore[attr-defined]  # kept from the seed's
    theirs, theirs_head = _query(index, "theirs", copy, "b")
    assert _commit(index, "theirs", copy, theirs_head, theirs)[:3] == [b"ok", b"stheirs", b"1"]
    assert store.text.get(store.keys.lsh_pending(int(mine[1]))) == " theirs"
    reply = _commit(index, "mine", text, mine_head, mine)
    assert reply[:4] == [b"ok", seed.story_id.encode(), b"0", b"stheirs"]  # type: ignore[attr-defined]
    assert _stories_of(store, "seed", "mine", "theirs") == {seed.story_id}  # type: ignore[attr-defined]


def test_asking_again_after_a_retry_keeps_the_notes_left_on_the_claim(store: Store) -> None:
    index = StoryIndex(store, CFG)
    text = body(13)
    copy = text + " Another closing line."
    seed = add(index, "seed", text + " First version.", source="x")
    mine, mine_head = _query(index, "mine", text, "a")
    store.text.sadd(store.keys.split("theirs"), seed.story_id)  # type: ignore[attr-defined]
    theirs, theirs_head = _query(index, "theirs", copy, "b")
    assert _commit(index, "theirs", copy, theirs_head, theirs)[:3] == [b"ok", b"stheirs", b"1"]
    # the seed and its story expire before "mine" commits: its commit is sent round again
    store.text.delete(store.keys.story(seed.story_id), store.keys.article("seed"))  # type: ignore[attr-defined]
    assert _commit(index, "mine", text, mine_head, mine) == [b"retry"]
    store.text.sadd(store.keys.split("mine"), "s-elsewhere")  # keeps the re-query off the one-call path
    again, _ = _query(index, "mine", text, "a", mine[1].decode())
    assert again[0] == b"cands" and store.text.get(store.keys.lsh_pending(int(mine[1]))) == " theirs"
    assert _commit(index, "mine", text, mine_head, again)[:4] == [b"ok", b"stheirs", b"0", b""]


def test_a_claim_that_never_committed_is_no_candidate_once_its_id_is_stored_with_another_text(
        store: Store) -> None:
    index = StoryIndex(store, CFG)
    first = body(14)
    store.text.sadd(store.keys.split("x"), "s-elsewhere")
    claim, _ = _query(index, "x", first, "a")
    index._release([claim[1].decode()])  # that batch failed
    store.text.delete(store.keys.split("x"))
    other = add(index, "x", body(15), source="a")  # stored later, from another claim, another text
    assert other.status == "created"  # type: ignore[attr-defined]
    copy = first + " A closing line."
    reply, _ = _query(index, "y", copy, "b")
    assert reply[:3] == [b"ok", b"sy", b"1"]  # nothing matched the old claim's text


def test_a_commit_whose_story_went_keeps_its_claim_and_is_asked_again(store: Store) -> None:
    index = StoryIndex(store, CFG)
    text = body(10)
    seed = add(index, "seed", text + " First version.", source="x")
    reply, head = _query(index, "mine", text, "a")
    number = reply[1].decode()
    seq = store.text.hget(store.keys.lsh_meta, "seq")
    # the seed and its story expired meanwhile (its index record stays until the index sweep)
    store.text.delete(store.keys.story(seed.story_id), store.keys.article("seed"))  # type: ignore[attr-defined]
    assert _commit(index, "mine", text, head, reply) == [b"retry"]
    assert store.text.exists(store.keys.article("mine")) == 0
    # asked again with its number: its own record's chains are walked, nothing claimed twice; no
    # candidate is left, so that call commits it as a new story
    again, _ = _query(index, "mine", text, "a", number)
    assert again[:3] == [b"ok", b"smine", b"1"] and store.text.hget(store.keys.lsh_meta, "seq") == seq
    assert store.text.hget(store.keys.article("mine"), "lsh_n") == number
    assert store.text.exists(store.keys.lsh_pending(int(number))) == 0


def test_a_failed_batch_lets_go_of_its_claims(store: Store) -> None:
    index = StoryIndex(store, CFG)
    store.text.sadd(store.keys.split("mine"), "s-elsewhere")
    reply, _ = _query(index, "mine", body(11), "a")
    index._release([reply[1].decode()])
    assert store.text.exists(store.keys.lsh_pending(int(reply[1]))) == 0


def test_an_exact_copy_published_outside_the_window_is_judged_as_decide_judges(store: Store) -> None:
    """The content-hash shortcut applies decide's published-time rule, so the daemon and
    `wirewatch cluster` agree: a republication days later is a story of its own."""
    from dataclasses import replace

    from dedupe import InMemoryClusterer

    index = StoryIndex(store, CFG)
    text = body(51)
    day = 86400.0
    plan = [("y1", NOW - 11 * day), ("y2", NOW), ("y3", NOW + 60)]
    got = {}
    for aid, published in plan:
        rec = replace(record(aid, text, source=f"outlet-{aid}"), published=published)
        got[aid] = index.add(rec, fingerprint(text, None, CFG), now=NOW)
    assert got["y2"].story_id != got["y1"].story_id  # eleven days apart: not one story
    assert got["y3"].story_id == got["y2"].story_id  # a minute apart: the exact shortcut joins
    offline = InMemoryClusterer(CFG)
    stories = [offline.add(aid, text, source=f"outlet-{aid}", published=published) for aid, published in plan]
    assert stories[1] != stories[0] and stories[2] == stories[1]


def test_a_batch_that_fails_in_its_decision_lets_go_of_its_claims(store: Store, monkeypatch: pytest.MonkeyPatch
                                                                   ) -> None:
    import storage.story_index as story_index

    index = StoryIndex(store, CFG)
    text = body(16)
    add(index, "seed", text + " First version.", source="x")

    def broken(*args: object, **kw: object) -> object:
        raise ValueError("candidate signatures have 64 values, expected 128")

    monkeypatch.setattr(story_index, "decide", broken)
    with pytest.raises(ValueError):
        add(index, "mine", text, source="a")
    assert not list(store.text.scan_iter(f"{store.keys.prefix}:lsh:pending:*"))


def test_a_batch_survives_the_server_forgetting_the_script(store: Store) -> None:
    """A Redis restart or SCRIPT FLUSH empties the script cache: the pipelined calls it refuses
    are run again with the script loaded."""
    index = StoryIndex(store, CFG)
    texts = {f"f{i}": body(700 + i) for i in range(4)}
    batch = [(record(a, t), fingerprint(t, None, CFG), ()) for a, t in texts.items()]
    first = index.add_many(batch[:2], now=NOW)
    store.raw.script_flush()
    rest = index.add_many(batch[2:], now=NOW)
    assert [a.status for a in first + rest] == ["created"] * 4
    copies = [(record(f"{a}-copy", t + " More."), fingerprint(t + " More.", None, CFG), ()) for a, t in texts.items()]
    store.raw.script_flush()
    joined = index.add_many(copies, now=NOW)
    assert [a.story_id for a in joined] == [a.story_id for a in first + rest]


def _blocks(keys: str) -> str:
    """A text of 25-word blocks, one per letter: texts sharing letters share those blocks."""
    return " ".join(body(1000 + ord(k), 25) for k in keys)


@pytest.mark.parametrize(("first", "batch"), [
    # y's best match is x, pending in the same batch; y also matches c's story: it joins x's
    # story and merges c's, as one by one (not the reverse)
    (("c", "abcdefghijklmnop", "o-x"), [("x", "abcdefghijklQRST", "o-x"), ("y", "abcdefghijklqrsu", "o-y")]),
    # an exact copy of a pending article of the batch takes the exact-copy path after it, as one
    # by one: x (same outlet as c) keeps apart from c, so must x2
    (("c", "abcdefghijklmnop", "o-x"), [("x", "abcdefghijklqrst", "o-x"), ("x2", "abcdefghijklqrst", "o-y")]),
    # the same id twice: the repeat is "exists", no second place claimed
    (("c", "abcdefghijklmnop", "o-c"), [("x", "abcdefghijklqrst", "o-x"), ("x", "zyxwvu", "o-x")]),
])
def test_a_batch_ends_as_the_same_articles_one_by_one(store: Store, first: tuple[str, str, str],
                                                      batch: list[tuple[str, str, str]]) -> None:
    def run(one_by_one: bool) -> tuple[list[tuple[str, str, str]], list[str], int]:
        store.text.flushdb()
        index = StoryIndex(store, CFG)
        aid, keys, source = first
        index.add(record(aid, _blocks(keys.lower()), source=source), fingerprint(_blocks(keys.lower()), None, CFG),
                  now=NOW)
        items = [(record(a, _blocks(k.lower()), source=s), fingerprint(_blocks(k.lower()), None, CFG), ())
                 for a, k, s in batch]
        got = [r for it in items for r in index.add_many([it], now=NOW)] if one_by_one else index.add_many(
            items, now=NOW)
        merged = [f"{e[1]['story']}<{e[1]['merged']}" for e in store.text.xrange(store.keys.events)
                  if e[1]["type"] == "story.merged"]
        return ([(r.article_id, r.status, resolve_story(store, r.story_id)) for r in got], merged,
                len(list(store.text.scan_iter(f"{store.keys.lsh_record_prefix}*"))))

    assert run(one_by_one=False) == run(one_by_one=True)

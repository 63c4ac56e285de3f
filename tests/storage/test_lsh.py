"""The LSH cell table (storage/lsh.py): cell arithmetic, chains through records, a crowded table,
the window, and rebuilding at another size."""

from __future__ import annotations

import random
import struct

import numpy as np
import pytest

from dedupe import DedupeConfig, fingerprint
from storage.connection import Store
from storage.lsh import CELL_BITS, TAG_BITS, cells, cells_many, check_slots, live_entries, parse_record, rebuild
from storage.stories import get_article
from storage.story_index import StoryIndex
from tests.storage.test_story_index import NOW, body, record

CFG = DedupeConfig()


def test_cells_are_the_band_ids_top_bits_and_tag() -> None:
    rng = random.Random(3)
    slots = 1 << 12
    articles = [tuple(f"{rng.getrandbits(64):016x}" for _ in range(42)) for _ in range(5)]
    packed = cells_many(articles, slots)
    for bands, raw in zip(articles, packed, strict=True):
        assert raw == cells(bands, slots)
        slots_sent, *values = struct.unpack(f"<{1 + 2 * len(bands)}I", raw)
        assert slots_sent == slots
        for band, hexid in enumerate(bands):
            h = int(hexid, 16)
            assert values[2 * band] == (band * slots + (h >> (64 - 12))) * CELL_BITS
            assert values[2 * band + 1] == h & ((1 << TAG_BITS) - 1)
    # articles of other band counts (other settings) in one batch, and none at all
    mixed = cells_many([articles[0][:8], (), articles[1]], slots)
    assert mixed[0] == cells(articles[0][:8], slots) and mixed[1] == struct.pack("<I", slots)
    assert mixed[2] == packed[1]


@pytest.mark.parametrize("bad", [0, 100, 255, 1 << 21, 3 << 10, True])
def test_slots_must_be_a_power_of_two_in_range(bad: int) -> None:
    with pytest.raises(ValueError, match="power of two"):
        check_slots(bad)
    with pytest.raises(ValueError, match="index_slots"):
        DedupeConfig(index_slots=bad)


def test_records_chain_each_bucket_newest_first(store: Store) -> None:
    index = StoryIndex(store, CFG)
    text = body(11, 400)
    for n in range(4):
        index.add(record(f"r{n}", text[: len(text) - 9 * n], source=f"o{n}"),
                  fingerprint(text[: len(text) - 9 * n], None, CFG), now=NOW + n)
    k = store.keys
    numbers = {f"r{n}": int(store.text.hget(k.article(f"r{n}"), "lsh_n")) for n in range(4)}
    assert sorted(numbers.values()) == [1, 2, 3, 4]
    last, bands = parse_record(store.raw.get(k.lsh_record(numbers["r3"])))
    assert last.article_id == "r3" and last.source == "o3" and bands == CFG.bands
    assert np.array_equal(np.frombuffer(last.signature, "<u4"),
                          fingerprint(text[: len(text) - 27], None, CFG).signature)
    raw = store.raw.get(k.lsh_record(numbers["r3"]))
    prevs = struct.unpack(f"<{bands}I", raw.partition(b"\n")[2][: 4 * bands])
    # where r3 shares a band's bucket with an earlier copy, its chain points at the newest of them
    assert set(prevs) <= {0, numbers["r2"], numbers["r1"], numbers["r0"]} and numbers["r2"] in prevs
    assert store.text.hget(k.lsh_meta, "seq") == "4"


def test_a_crowded_table_still_finds_the_story(store: Store) -> None:
    """256 cells per band and 400 other articles after the original: most of its cells are taken
    over by other buckets, yet a reprint still meets it through the bands that kept theirs."""
    small = DedupeConfig(index_slots=256)
    index = StoryIndex(store, small)
    original = body(12, 400)
    first = index.add(record("orig", original, source="wire"), fingerprint(original, None, small), now=NOW)
    others = [body(1000 + i, 200) for i in range(400)]
    index.add_many([(record(f"x{i}", t, source="other"), fingerprint(t, None, small), ()) for i, t in enumerate(others)],
                   now=NOW + 1)
    fp = fingerprint(original, None, small)
    offsets = struct.unpack(f"<{1 + 2 * small.bands}I", cells(fp.bands, 256))[1::2]
    held = store.raw.bitfield(store.keys.lsh_table)
    for offset in offsets:
        held.get("u52", offset)
    number = int(store.text.hget(store.keys.article("orig"), "lsh_n"))
    kept = sum(v % 2**32 == number for v in held.execute())
    assert kept < small.bands // 2  # most of its cells now belong to other buckets
    reprint = "A local intro paragraph for our readers. " + original[: int(len(original) * 0.85)]
    joined = index.add(record("copy", reprint, source="outlet-b"), fingerprint(reprint, None, small), now=NOW + 2)
    assert joined.status == "joined" and joined.story_id == first.story_id
    assert store.text.strlen(store.keys.lsh_table) <= small.bands * 256 * CELL_BITS // 8 + 8


def test_records_outside_the_window_are_not_candidates(store: Store) -> None:
    index = StoryIndex(store, CFG)
    text = body(13, 400)
    first = index.add(record("old", text), fingerprint(text, None, CFG), now=NOW)
    later = NOW + CFG.window_seconds + 1
    copy = text + " A closing line."
    again = index.add(record("new", copy, source="outlet-b"), fingerprint(copy, None, CFG), now=later)
    assert again.status == "created" and again.story_id != first.story_id


def test_rebuild_at_another_size_keeps_every_story_findable(store: Store) -> None:
    index = StoryIndex(store, CFG)
    texts = {f"g{i}": body(300 + i, 300) for i in range(6)}
    for n, (aid, t) in enumerate(texts.items()):
        index.add(record(aid, t, source=f"o{n}"), fingerprint(t, None, CFG), now=NOW + n)
    entries = live_entries(store)
    assert [e.article_id for e in entries] == list(texts)
    assert rebuild(store, entries, slots=1024, bands=CFG.bands) == 6
    k = store.keys
    # written beside the old records under new numbers, then swapped in; the old records are gone
    assert store.text.hmget(k.lsh_meta, "slots", "seq", "floor") == ["1024", "12", "7"]
    assert not any(store.text.exists(k.lsh_record(n)) for n in range(1, 7))
    assert [e.article_id for e in live_entries(store)] == list(texts)
    # the stored size wins over the setting: a new index object reads it
    resized = StoryIndex(store, CFG)
    assert resized.slots == 1024
    for aid, t in texts.items():
        copy = "An intro of our own. " + t[:-40]
        res = resized.add(record(f"{aid}-copy", copy, source="late"), fingerprint(copy, None, CFG), now=NOW + 10)
        assert res.status == "joined" and res.story_id == get_article(store, aid).story  # type: ignore[union-attr]


def test_a_rebuild_that_stops_part_way_leaves_the_index_working(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.lsh as lsh

    index = StoryIndex(store, CFG)
    text = body(14, 400)
    first = index.add(record("base", text), fingerprint(text, None, CFG), now=NOW)
    real = lsh.write_entries

    def dies(*args: object, **kw: object) -> int:
        real(*args, **kw)  # type: ignore[arg-type]
        raise ConnectionError("the connection dropped")

    monkeypatch.setattr(lsh, "write_entries", dies)
    with pytest.raises(ConnectionError):
        rebuild(store, live_entries(store), slots=1024, bands=CFG.bands)
    assert store.text.hget(store.keys.lsh_meta, "slots") == str(CFG.index_slots)
    copy = text + " One more line."
    again = index.add(record("copy", copy, source="outlet-b"), fingerprint(copy, None, CFG), now=NOW + 1)
    assert again.status == "joined" and again.story_id == first.story_id
    # and a later rebuild takes each article once
    monkeypatch.setattr(lsh, "write_entries", real)
    assert rebuild(store, live_entries(store), slots=1024, bands=CFG.bands) == 2


def test_ids_and_sources_with_tabs_survive_the_record(store: Store) -> None:
    index = StoryIndex(store, CFG)
    text = body(15, 400)
    first = index.add(record("odd\tid\\x", text, source="Daily\tNews\n"), fingerprint(text, None, CFG), now=NOW)
    (entry,) = live_entries(store)
    assert (entry.article_id, entry.source) == ("odd\tid\\x", "Daily\tNews\n")
    copy = text + " A closing line."
    again = index.add(record("copy", copy, source="outlet-b"), fingerprint(copy, None, CFG), now=NOW + 1)
    assert again.status == "joined" and again.story_id == first.story_id


def test_bands_times_slots_must_fit_one_string() -> None:
    with pytest.raises(ValueError, match="too large"):
        DedupeConfig(num_perm=256, bands=100, index_slots=1 << 20)


def test_live_entries_are_the_stored_articles_records_only(store: Store) -> None:
    """A query's claim that never committed leaves a record: a rebuild leaves it out, and takes
    the record of the article stored later under the same id."""
    index = StoryIndex(store, CFG)
    first, later = body(40, 300), body(41, 300)
    store.text.sadd(store.keys.split("x"), "s-elsewhere")  # keeps the claim off the one-call path
    head = index._head(record("x", first), fingerprint(first, None, CFG), index.buckets(fingerprint(first, None, CFG)),
                       NOW)
    claim = index._script(args=["query", *head, "", "", "", "", ""])
    index._release([claim[1].decode()])
    store.text.delete(store.keys.split("x"))
    index.add(record("x", later), fingerprint(later, None, CFG), now=NOW)
    (entry,) = live_entries(store)
    assert entry.content_hash == fingerprint(later, None, CFG).content_hash


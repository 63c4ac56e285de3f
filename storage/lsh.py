"""The Redis LSH index, client side: which cells an article's bands map to, the index's stored
size, and rebuilding the index from records (the schema-2 migration, a resize).

Layout (``storage/lua/lib.lua`` reads and writes it):

* ``p:lsh:table``: one string of ``bands * slots`` cells of 52 bits (``BITFIELD ... u52``), band
  after band. A bucket id (64 bits, ``dedupe.minhash.band_ids``) maps to the cell at its top
  ``log2(slots)`` bits; the cell holds ``tag << 32 | n``: ``n`` the newest article number in that
  bucket, ``tag`` the bucket id's low 20 bits, so a cell taken over by another bucket is not
  mistaken for ours (a false tag match, one in a million, only adds a candidate the Jaccard check
  rejects).
* ``p:lsh:rec:<n>``: article number ``n``'s record, written when its query claims the number:
  when it was indexed (fetched), its id and what a
  candidate needs (shingle count, source, published), its content hash, per band the previous
  article number in the same bucket, and its signature. A bucket is thus a chain, newest first; a
  lookup walks at most ``MAX_PER_BUCKET`` records of it, passes over those outside the dedupe
  window and stops at one that is gone, so expiry needs no unindexing: the retention sweep deletes
  records from ``floor`` up, oldest first.
* ``p:lsh:meta``: ``slots``, ``bands``, ``seq`` (the last number given), ``floor``.

Why: the previous layout kept each band's buckets as hash fields, 42 reads and 42 writes per
article, and at ~2 microseconds per call inside a script that was most of the commit's Redis time.
Here an article costs one ``BITFIELD`` write, whose reply (the cells' old values) gives the chain
heads, and one record. The price:
the table has a fixed size, and when two live buckets share a cell the newer takes it and the
older bucket's chain is lost for that band (its articles stay findable through the other bands:
a near-duplicate shares about half of them). Size it at least twice the articles indexed per
dedupe window (``WIREWATCH_DEDUPE_INDEX_SLOTS``; memory ``bands * slots * 6.5`` bytes).
"""

from __future__ import annotations

import logging
import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from redis.cluster import RedisCluster

from storage.connection import Store
from storage.scripts import lua

log = logging.getLogger(__name__)

TAG_BITS = 20
CELL_BITS = 52
MIN_SLOTS = 1 << 8
# 42 bands * 2**20 cells * 52 bits is 2.3e9 bits: within Redis's 2**32-bit (512 MB) string limit.
MAX_SLOTS = 1 << 20
DEFAULT_SLOTS = 1 << 16


def check_slots(slots: int) -> None:
    """Cells per band must be a power of two in [MIN_SLOTS, MAX_SLOTS]."""
    if isinstance(slots, bool) or not isinstance(slots, int) or slots & (slots - 1) or not (
        MIN_SLOTS <= slots <= MAX_SLOTS
    ):
        raise ValueError(f"index slots must be a power of two from {MIN_SLOTS} to {MAX_SLOTS}, got {slots!r}")


def check_size(slots: int, bands: int) -> None:
    """The table's bit offsets travel as u32 and a Redis string holds at most 2**32 bits."""
    if bands * slots * CELL_BITS >= 1 << 32:
        raise ValueError(f"{bands} bands x {slots} index slots exceed one Redis string (2**32 bits): "
                         "use fewer slots")


def cells_many(band_lists: Sequence[Sequence[str]], slots: int) -> list[bytes]:
    """For each article, its bands' cells as the scripts take them: one packed argument of
    little-endian u32s, ``slots`` (the scripts refuse cells computed for another table size), then
    per band the cell's bit offset in the table and the bucket's tag.
    Vectorised over the batch, and binary because the script unpacks it in one call (parsing text
    in Lua cost more than the reads it drives)."""
    shift = np.uint64(64 - (slots.bit_length() - 1))
    head = struct.pack("<I", slots)
    result: list[bytes] = [head] * len(band_lists)
    by_width: dict[int, list[int]] = {}
    for i, bands in enumerate(band_lists):
        by_width.setdefault(len(bands), []).append(i)
    for width, rows in by_width.items():
        if width == 0:
            continue
        ids = np.frombuffer(bytes.fromhex("".join(b for i in rows for b in band_lists[i])), dtype=">u8")
        ids = ids.astype(np.uint64).reshape(len(rows), width)
        cell = (ids >> shift) + np.arange(width, dtype=np.uint64) * np.uint64(slots)
        packed = np.empty((len(rows), width, 2), dtype="<u4")
        packed[:, :, 0] = cell * np.uint64(CELL_BITS)
        packed[:, :, 1] = ids & np.uint64((1 << TAG_BITS) - 1)
        raw = packed.tobytes()
        step = width * 8
        for n, i in enumerate(rows):
            result[i] = head + raw[n * step : (n + 1) * step]
    return result


def cells(bands: Sequence[str], slots: int) -> bytes:
    """``cells_many`` for one article."""
    return cells_many([bands], slots)[0]


@dataclass(frozen=True, slots=True)
class Layout:
    slots: int
    bands: int


def ensure_layout(store: Store, *, bands: int, slots: int) -> Layout:
    """The index's size as stored, or ``slots`` and ``bands`` when there is no index yet (the
    first claim writes them: reading writes nothing, so a preview stays a preview). The stored
    size wins: cells are only found under the size they were written with, so a changed setting
    applies after ``wirewatch reindex``."""
    check_slots(slots)
    stored = store.text.hmget(store.keys.lsh_meta, "slots", "bands")
    layout = Layout(int(stored[0] or slots), int(stored[1] or bands))
    if layout.slots != slots:
        log.warning("dedupe index has %d slots per band (setting: %d); `wirewatch reindex` resizes it",
                    layout.slots, slots)
    return layout


@dataclass(frozen=True, slots=True)
class Entry:
    """One article to (re)index, as its record keeps it."""

    time: str
    article_id: str
    signature: bytes
    n_shingles: int
    content_hash: str
    source: str
    published: str


def write_entries(store: Store, entries: Iterable[tuple[Entry, tuple[str, ...]]], slots: int, *,
                  table: str | None = None, batch: int = 500) -> int:
    """Index ``(entry, band ids)`` pairs, oldest first, as commits would (chains, records, each
    article's ``lsh_n``) into ``table`` (default: the live one); returns how many were written."""
    script = store.raw.register_script(lua("reindex.lua"))
    tkey = table or store.keys.lsh_table
    done = 0
    chunk: list[tuple[Entry, tuple[str, ...]]] = []

    def flush() -> None:
        nonlocal done
        packed = cells_many([bands for _, bands in chunk], slots)
        calls = [[store.keys.prefix, tkey, c, e.time, e.article_id, e.n_shingles, e.content_hash, e.source,
                  e.published, e.signature] for (e, _), c in zip(chunk, packed, strict=True)]
        if isinstance(store.raw, RedisCluster):
            for args in calls:  # redis-py runs no scripts in a cluster pipeline
                script(args=args)
        else:
            pipe = store.raw.pipeline(transaction=False)
            for args in calls:
                script(args=args, client=pipe)
            pipe.execute()
        done += len(chunk)
        chunk.clear()

    for item in entries:
        chunk.append(item)
        if len(chunk) >= batch:
            flush()
    if chunk:
        flush()
    return done


def indexed_count(store: Store) -> int:
    """Article numbers given and not yet expired by the sweep (an upper bound of live records)."""
    seq, floor = store.text.hmget(store.keys.lsh_meta, "seq", "floor")
    return max(0, int(seq or 0) - int(floor or 1) + 1)


def _unescape(value: str) -> str:
    """A header field as ``lib.lua``'s ``lsh_escape`` wrote it (tab, newline, backslash escaped)."""
    if "\\" not in value:
        return value
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n"}.get(m.group(1), m.group(1)), value)


def record_id(raw: bytes) -> str:
    """The article id of an index record."""
    return _unescape(raw.split(b"\t", 2)[1].decode())


def parse_record(raw: bytes) -> tuple[Entry, int]:
    """An index record (``lib.lua``'s layout) as the entry it indexes, and its band count."""
    header, _, rest = raw.partition(b"\n")
    t, aid, n_shingles, chash, source, published, nbands = header.decode().split("\t")
    sig = rest[4 * int(nbands) :]
    return Entry(t, _unescape(aid), sig, int(n_shingles or 0), chash, _unescape(source), published), int(nbands)


def live_entries(store: Store, *, batch: int = 500) -> list[Entry]:
    """The index record of every stored article, oldest first: the one its ``lsh_n`` names (a
    rebuild that stopped part-way can have left a second one, and a query's claim that never
    committed leaves one whose id may be stored later with another text); records of articles not
    stored (claims that never committed, articles deleted) are left out."""
    k = store.keys
    seq, floor = store.text.hmget(k.lsh_meta, "seq", "floor")
    found: list[tuple[int, Entry]] = []
    numbers = range(int(floor or 1), int(seq or 0) + 1)
    for start in range(0, len(numbers), batch):
        chunk = numbers[start : start + batch]
        pipe = store.raw.pipeline(transaction=False)
        for n in chunk:
            pipe.get(k.lsh_record(n))
        found += [(n, parse_record(raw)[0]) for n, raw in zip(chunk, pipe.execute(), strict=True) if raw]
    out: list[Entry] = []
    for start in range(0, len(found), batch):
        records = found[start : start + batch]
        pipe = store.text.pipeline(transaction=False)
        for _, entry in records:
            pipe.hget(k.article(entry.article_id), "lsh_n")
        out += [entry for (n, entry), named in zip(records, pipe.execute(), strict=True) if named == str(n)]
    return out


# Swap a rebuilt table in: the new table, size and floor at once.
_SWAP_LUA = """
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('RENAME', KEYS[3], KEYS[1]) else redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[2], 'slots', ARGV[1], 'bands', ARGV[2], 'floor', ARGV[3])
return 1
"""


def rebuild(store: Store, entries: Sequence[Entry], *, slots: int, bands: int) -> int:
    """Replace the index with ``entries`` (oldest first) in a table of ``slots`` cells per band:
    a resize, or the move from schema 1. Run it with the daemons stopped (``wirewatch reindex``).

    The new records and table are written beside the live ones (new numbers, a scratch table),
    then swapped in with one script; only then do the old records go. A rebuild that stops
    part-way leaves the live index as it was (plus records nothing points at, which the sweep
    deletes when their time comes)."""
    from dedupe.minhash import band_ids

    check_slots(slots)
    check_size(slots, bands)
    k = store.keys
    usable = [e for e in entries if e.signature and len(e.signature) % 4 == 0 and len(e.signature) // 4 >= bands]
    ids: list[tuple[str, ...]] = []
    for start in range(0, len(usable), 1000):
        chunk = usable[start : start + 1000]
        by_length: dict[int, list[int]] = {}
        for n, e in enumerate(chunk):
            by_length.setdefault(len(e.signature), []).append(n)
        rows: list[tuple[str, ...]] = [()] * len(chunk)
        for length, members in by_length.items():
            matrix = np.frombuffer(b"".join(chunk[n].signature for n in members), dtype="<u4")
            for n, row in zip(members, band_ids(matrix.reshape(len(members), length // 4).astype(np.uint32), bands),
                              strict=True):
                rows[n] = row
        ids += rows
    floor, seq = (int(v) if v else None for v in store.text.hmget(k.lsh_meta, "floor", "seq"))
    old = range(floor or 1, (seq or 0) + 1)
    scratch = k.lsh_table_rebuild
    store.text.delete(scratch)
    written = write_entries(store, zip(usable, ids, strict=True), slots, table=scratch)
    swap = store.raw.register_script(_SWAP_LUA)
    swap(keys=[k.lsh_table, k.lsh_meta, scratch], args=[slots, bands, (seq or 0) + 1])
    for start in range(0, len(old), 500):
        pipe = store.text.pipeline(transaction=False)
        for n in old[start : start + 500]:
            pipe.delete(k.lsh_record(n))  # one key per DEL: a cluster slot's worth at a time
        pipe.execute()
    return written



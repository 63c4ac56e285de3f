"""Migration to schema 2: the LSH index moves from per-band bucket hashes (schema 1: ``p:lsh:<band>:
<shard>`` hashes, ``p:sig:<id>`` signatures, the ``p:lsh:times`` zset) to the cell table and
per-article records of ``storage/lsh.py``.

Every article still indexed is indexed again, oldest first (so each bucket's chain comes out newest
first, as commits would have built it), from its stored signature and article record; then the old
keys go, ``p:lsh:times`` first. A run that stopped part-way is repaired by running it again: while
``p:lsh:times`` exists the old index is whole and the new one is rebuilt from it (``rebuild``
replaces what a previous attempt wrote); once it is gone the new index is complete and only
leftovers of the old keys remain to delete.
"""

from __future__ import annotations

import logging
import re

from dedupe import DedupeConfig
from storage.connection import Store
from storage.lsh import Entry, rebuild
from storage.retention import chunked, glob_escape

log = logging.getLogger(__name__)

BATCH = 500


def migrate_to_cell_table(store: Store) -> None:
    k = store.keys
    meta = store.text.hmget(k.lsh_meta, "slots", "bands")
    defaults = DedupeConfig()
    # `wirewatch migrate` writes the configured size first (storage.lsh.ensure_layout)
    slots = int(meta[0] or defaults.index_slots)
    bands = int(meta[1] or defaults.bands)
    if store.text.exists(k.legacy_lsh_times):
        written = rebuild(store, _legacy_entries(store), slots=slots, bands=bands)
        log.info("schema 2: %d indexed articles moved to the LSH cell table", written)
        # the new index is complete: from here on a re-run only tidies up
        store.text.delete(k.legacy_lsh_times)
    _delete_legacy(store)


def _legacy_entries(store: Store) -> list[Entry]:
    """Every article of the old index, oldest first, with what its new record keeps."""
    k = store.keys
    out: list[Entry] = []
    start = 0
    while True:
        rows = store.text.zrange(k.legacy_lsh_times, start, start + BATCH - 1, withscores=True)
        if not rows:
            return out
        start += len(rows)
        pipe = store.raw.pipeline(transaction=False)
        for aid, _ in rows:
            pipe.get(k.legacy_signature(aid))
            pipe.hmget(k.article(aid), "n_shingles", "content_hash", "source", "published")
        replies = pipe.execute()
        for (aid, t), sig, fields in zip(rows, replies[::2], replies[1::2], strict=True):
            if not sig or fields[2] is None:
                continue  # signature or article gone: nothing to index
            n_shingles, chash, source, published = (f.decode() if f else "" for f in fields)
            out.append(Entry(repr(float(t)), aid, sig, int(n_shingles or 0), chash, source, published))


def _delete_legacy(store: Store) -> None:
    k = store.keys
    band_key = re.compile(re.escape(k.legacy_lsh_band(0)[:-1]) + r"\d+:[0-9a-f]+$")
    pattern = glob_escape(k.legacy_lsh_band(0)[:-1]) + "*"
    for chunk in chunked((key for key in store.text.scan_iter(match=pattern, count=1000) if band_key.match(key)), 500):
        store.text.delete(*chunk)
    for chunk in chunked(store.text.scan_iter(match=glob_escape(k.legacy_signature("")) + "*", count=1000), 500):
        store.text.delete(*chunk)

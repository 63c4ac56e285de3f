"""In-memory clustering: the daemon's decision path (``fingerprint`` then ``decide``) without Redis.

Articles are added one at a time, in arrival order, exactly as the Redis story index adds them: a
banded LSH index returns candidates, ``decide`` verifies them and picks the story, and stories that
one article matched in common are merged (union-find with path compression; the surviving id is
the one ``decide`` chose). Offline results therefore equal the daemon's for the same input order.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import repeat

import numpy as np
import xxhash

from dedupe.config import DedupeConfig
from dedupe.decide import Candidate, Decision, decide
from dedupe.fingerprint import Fingerprint, fingerprint
from dedupe.minhash import U32

# Candidates taken per bucket: its newest ids. A wire story reprinted by eighty outlets fills its
# buckets with its own members; the newest few decide as well as all of them, and the work per
# article stays flat as a story grows. storage/lua/query.lua uses the same number.
MAX_PER_BUCKET = 16


def new_story_id(article_id: str) -> str:
    """The id of a story opened by ``article_id``: stable across runs and machines."""
    return "s-" + xxhash.xxh3_64_hexdigest(article_id.encode("utf-8"))


class InMemoryClusterer:
    """Groups articles into stories; ``add`` returns the story an article belongs to now."""

    def __init__(self, config: DedupeConfig | None = None) -> None:
        self.config = config or DedupeConfig()
        self._ids: list[str] = []
        self._index_of: dict[str, int] = {}
        self._story_of: list[str] = []  # the story each article opened or joined (not its root)
        self._sigs: U32 = np.empty((1024, self.config.num_perm), dtype=np.uint32)
        self._sizes: list[int] = []
        self._sources: list[str] = []
        self._published: list[float | None] = []
        self._buckets: list[dict[str, int | list[int]]] = [{} for _ in range(self.config.bands)]
        self._parent: dict[str, str] = {}
        self._members: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def add(
        self,
        doc_id: str,
        text: str,
        title: str | None = None,
        *,
        source: str = "",
        published: float | None = None,
    ) -> str:
        """Fingerprint and cluster one article; returns its story id."""
        return self.add_fingerprint(doc_id, fingerprint(text, title, self.config), source=source, published=published)

    def add_fingerprint(self, doc_id: str, fp: Fingerprint, *, source: str = "", published: float | None = None) -> str:
        """Cluster one already fingerprinted article (``fingerprint_many`` batches the hashing)."""
        if doc_id in self._index_of:
            raise ValueError(f"article {doc_id!r} was already added")
        decision = decide(fp, self._candidates(fp), self.config, source=source, published=published)
        index = len(self._ids)
        story = self._apply(decision, doc_id)
        self._ids.append(doc_id)
        self._index_of[doc_id] = index
        self._story_of.append(story)
        self._members[story].append(index)
        self._store(index, fp, source, published)
        return story

    def story_of(self, doc_id: str) -> str:
        """The current story of an added article (merges since it was added are followed)."""
        return self._find(self._story_of[self._index_of[doc_id]])

    def stories(self) -> Mapping[str, tuple[str, ...]]:
        """Every story id with its member article ids, in the order they were added."""
        out: dict[str, list[int]] = {}
        for story, members in self._members.items():
            out.setdefault(self._find(story), []).extend(members)
        return {story: tuple(self._ids[i] for i in sorted(members)) for story, members in out.items()}

    def _candidates(self, fp: Fingerprint) -> list[Candidate]:
        if fp.n_shingles == 0:
            return []
        found: set[int] = set()
        # map() runs the 42-odd lookups in C; almost all of them miss.
        for hits in map(dict.get, self._buckets, fp.bands):
            if hits is None:
                continue
            if isinstance(hits, int):
                found.add(hits)
            else:
                found.update(hits[-MAX_PER_BUCKET:])
        return [
            Candidate(
                article_id=self._ids[i],
                story_id=self._find(self._story_of[i]),
                signature=self._sigs[i],
                n_shingles=self._sizes[i],
                source=self._sources[i],
                published=self._published[i],
            )
            for i in sorted(found)
        ]

    def _apply(self, decision: Decision, doc_id: str) -> str:
        if decision.story_id is None:
            story = new_story_id(doc_id)
            # Distinct article ids can share a 64-bit hash only by accident; keep ids unique anyway.
            suffix = 1
            while story in self._parent:
                suffix += 1
                story = f"{new_story_id(doc_id)}-{suffix}"
            self._parent[story] = story
            self._members[story] = []
            return story
        root = self._find(decision.story_id)
        for other in decision.merge:
            other_root = self._find(other)
            if other_root != root:
                self._parent[other_root] = root
        return root

    def _find(self, story: str) -> str:
        root = story
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[story] != root:
            self._parent[story], story = root, self._parent[story]
        return root

    def _store(self, index: int, fp: Fingerprint, source: str, published: float | None) -> None:
        if index == len(self._sigs):
            grown = np.empty((2 * len(self._sigs), self.config.num_perm), dtype=np.uint32)
            grown[:index] = self._sigs
            self._sigs = grown
        self._sigs[index] = fp.signature
        self._sizes.append(fp.n_shingles)
        self._sources.append(source)
        self._published.append(published)
        if fp.n_shingles == 0:
            return  # empty texts share every bucket and never match: keep them out of the index
        # Most buckets hold one article: a bare index saves a list per band and article, and
        # setdefault (run in C by map) returns our own index object when the bucket was empty.
        if len(fp.bands) != len(self._buckets):
            raise ValueError(f"fingerprint has {len(fp.bands)} bands, the index {len(self._buckets)}")
        for table, bucket, hits in zip(
            self._buckets, fp.bands, map(dict.setdefault, self._buckets, fp.bands, repeat(index)), strict=True
        ):
            if hits is index:
                continue
            if isinstance(hits, int):
                table[bucket] = [hits, index]
            else:
                hits.append(index)

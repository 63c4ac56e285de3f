"""The shared, Redis-resident dedupe index and story assignment: two round trips per article.

1. ``query.lua`` claims the article's place in the index (its number, its LSH cells, its record)
   and returns what the pure decision needs (exact-duplicate hit, LSH candidates with their
   signatures and root stories, stories the article was split out of). An article with no
   candidate at all (most of them: a new story) is committed in that same call, as a new story.
2. ``dedupe.decide`` picks the story in Python (pure, the same code ``wirewatch cluster`` runs).
3. ``commit.lua`` writes the article, the story (opened, joined or merged) and the events
   atomically.

Because the place is claimed at query time, of two near-duplicates indexed at once by two workers
the later one's query always sees the earlier one, committed or not: the commit re-checks nothing.
A candidate claimed but not committed yet is *pending*; if the decision matches it, the commit
leaves its article id on the pending claim, and the pending article's commit joins or merges its
story (adoption). A commit is sent round again only when the story it chose has gone meanwhile
(expired or deleted): asked again, the article walks its own record's chains, claiming nothing.

The three are one script (``dedupe.lua`` dispatches), with ``lib.lua``'s union-find in front.

Why not datasketch's ``MinHashLSH`` with Redis storage: it makes ~53 round trips per insert and 25
per query and gives the index a random key prefix unless named (see docs/decisions.md).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import hiredis
import redis
from redis.cluster import RedisCluster
from redis.commands.core import Script
from redis.exceptions import NoScriptError

from dedupe import Candidate, DedupeConfig, Fingerprint, Match, decide
from storage.connection import Store
from storage.lsh import cells, cells_many, ensure_layout
from storage.scripts import lua
from wirewatch import timing
from wirewatch.errors import StoreUnavailable

log = logging.getLogger(__name__)

MAX_RETRIES = 8
# The story id query.lua gives a pending candidate (claimed by another worker's query, not yet
# committed): '~' and its index number. No real story id starts with it.
PENDING = "~"


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """The article fields the commit writes (already extracted and canonicalised)."""

    id: str
    url: str
    canonical_url: str
    source: str
    title: str
    text: str
    authors: tuple[str, ...]
    published: float | None
    language: str | None
    site_name: str | None
    topics: tuple[str, ...]
    guid: str | None


@dataclass(frozen=True, slots=True)
class Assignment:
    status: str  # "created", "joined" (incl. exact copies of a stored article) or "exists" (already stored)
    article_id: str
    story_id: str
    merged: tuple[str, ...] = ()
    jaccard: float | None = None
    containment: float | None = None
    round_trips: int = 0


class StoryIndex:
    def __init__(self, store: Store, config: DedupeConfig, *, event_maxlen: int = 100_000) -> None:
        self.store = store
        self.config = config
        self.event_maxlen = event_maxlen
        self._script = store.raw.register_script(lua("query.lua", "commit.lua", "dedupe.lua"))
        self._slots: int | None = None

    @property
    def slots(self) -> int:
        """Cells per band of the stored index (read once; see ``storage.lsh.ensure_layout``)."""
        if self._slots is None:
            try:
                self._slots = ensure_layout(self.store, bands=self.config.bands, slots=self.config.index_slots).slots
            except redis.RedisError as exc:
                raise StoreUnavailable(f"Redis at {self.store.description}: {exc}") from exc
        return self._slots

    def add(
        self,
        article: ArticleRecord,
        fp: Fingerprint,
        *,
        seen: tuple[tuple[str, str], ...] = (),
        now: float | None = None,
    ) -> Assignment:
        """Index ``article`` and assign it to a story: two round trips. ``seen`` are (key, field)
        pairs of the seen hashes (full key names from ``Keys``) to mark with the article id in the
        same transaction."""
        return self.add_many([(article, fp, seen)], now=now)[0]

    def add_many(
        self,
        items: list[tuple[ArticleRecord, Fingerprint, tuple[tuple[str, str], ...]]],
        *,
        now: float | None = None,
    ) -> list[Assignment]:
        """``add`` for a batch, in order, in two round trips: every query in one pipeline, then
        every commit in one pipeline (an article whose commit finds the story it chose gone,
        expired or deleted meanwhile, goes round again).

        Copies within the batch need no ordering of their own: the queries run in order, each
        claiming its place, so a later copy finds an earlier one committed (no candidate: committed
        by its query) or pending, and adopts it (query.lua). Splitting the batch into waves of
        articles that share no bucket, as before the claim moved to the query, cost two round
        trips per wave (nine for 500 articles of the benchmark) and gave the same stories."""
        now = time.time() if now is None else now
        results: list[Assignment | None] = [None] * len(items)
        trips = [0] * len(items)
        numbers: dict[int, str] = {}  # the index place each article's query claimed
        try:
            for _ in range(MAX_RETRIES):
                buckets = cells_many([fp.bands for _, fp, _ in items], self.slots)
                try:
                    # an id or a text twice in the batch: the repeat goes after the first has
                    # committed, so its query answers "exists" or takes the exact-copy path, as
                    # one by one (beside it, it would claim a second place, or be decided by LSH)
                    firsts: dict[str, int] = {}
                    for i, (article, fp, _) in enumerate(items):
                        firsts.setdefault("id:" + article.id, i)
                        if fp.content_hash:
                            firsts.setdefault("text:" + fp.content_hash, i)
                    first = [firsts["id:" + a.id] == i and firsts.get("text:" + fp.content_hash, i) == i
                             for i, (a, fp, _) in enumerate(items)]
                    for round_ in (True, False):
                        todo = [i for i in range(len(items)) if results[i] is None and first[i] == round_]
                        if todo:
                            self._add_round(items, todo, buckets, results, trips, numbers, now)
                    return [r for r in results if r is not None]
                except _Resized:
                    self._slots = None  # `wirewatch reindex` changed the table: read its size again
            raise StoreUnavailable("the dedupe index kept being resized; giving up for now")
        except BaseException:  # Redis gone, a bad signature, an interrupt: nothing of it will commit
            self._release([n for i, n in numbers.items() if results[i] is None])
            raise

    def _release(self, numbers: list[str]) -> None:
        """Let go of claims that will not be committed (the batch failed), so other workers stop
        counting them as pending candidates; best effort: Redis may be what failed."""
        if not numbers:
            return
        try:
            self.store.text.delete(*(self.store.keys.lsh_pending(int(n)) for n in numbers))
        except (redis.RedisError, redis.exceptions.RedisClusterException):
            log.debug("could not release %d index claims; they lapse on their own", len(numbers))

    def _add_round(
        self,
        items: list[tuple[ArticleRecord, Fingerprint, tuple[tuple[str, str], ...]]],
        pending: list[int],
        buckets: list[bytes],
        results: list[Assignment | None],
        trips: list[int],
        numbers: dict[int, str],
        now: float,
    ) -> None:
        heads = {i: self._head(items[i][0], items[i][1], buckets[i], now) for i in pending}
        tails = {i: [part.encode() for pair in items[i][2] for part in pair] for i in pending}
        for _ in range(MAX_RETRIES):
            if not pending:
                break
            try:
                with timing.timed("store"):
                    replies = self._run([["query", *heads[i], numbers.get(i, ""), "", "", "", "", *tails[i]]
                                         for i in pending])
                plans = []
                resized = False
                for i, reply in zip(pending, replies, strict=True):
                    trips[i] += 1
                    if reply[0] == b"layout":
                        resized = True
                    elif reply[0] == b"exists":
                        results[i] = Assignment("exists", items[i][0].id, reply[2].decode(), round_trips=trips[i])
                    elif reply[0] == b"ok":  # no candidate: committed at once as a new story
                        results[i] = Assignment("created", items[i][0].id, reply[1].decode(), round_trips=trips[i])
                    else:
                        if reply[0] == b"cands":
                            numbers[i] = reply[1].decode()
                        with timing.timed("dedupe"):
                            plans.append((i, self._plan(reply, items[i][0], items[i][1])))
                if not plans:
                    if resized:
                        raise _Resized
                    pending = []
                    break
                with timing.timed("store"):
                    committed = self._run([
                        ["commit", *heads[i], numbers.get(i, ""), plan.target, " ".join(plan.merge),
                         _evidence(plan.best), " ".join(plan.adopt), *tails[i]]
                        for i, plan in plans
                    ])
            except redis.RedisError as exc:
                raise StoreUnavailable(f"Redis at {self.store.description}: {exc}") from exc
            pending = []
            for (i, plan), result in zip(plans, committed, strict=True):
                trips[i] += 1
                status = result[0].decode()
                if status == "layout":
                    resized = True
                elif status == "retry":
                    pending.append(i)
                elif status == "exists":
                    results[i] = Assignment("exists", items[i][0].id, result[1].decode(), round_trips=trips[i])
                else:
                    best = plan.best
                    results[i] = Assignment(
                        "created" if result[2] == b"1" else "joined", items[i][0].id, result[1].decode(),
                        tuple(result[3].decode().split()) if result[3] else (),
                        best.jaccard if best else None, best.containment if best else None, trips[i],
                    )
            if resized:
                raise _Resized
        if pending:
            aid = items[pending[0]][0].id
            raise StoreUnavailable(f"dedupe commit for {aid}: the stories it chose kept going; giving up for now")

    def _head(self, article: ArticleRecord, fp: Fingerprint, buckets: bytes, now: float) -> list[bytes]:
        """ARGV 2-11 of dedupe.lua: where, when, which article and its fields. Encoded here, once
        for the article's query and commit, as redis-py would encode them (``repr`` of a float):
        its per-argument encoding was a fifth of the client's time per article."""
        return [self.store.keys.prefix.encode(), repr(now).encode(), str(self.config.window_seconds).encode(),
                article.id.encode(), fp.content_hash.encode(), buckets, str(self.event_maxlen).encode(),
                fp.signature_bytes(), self._payload(article, fp, now).encode(), article.text.encode()]

    def _run(self, calls: list[list[Any]]) -> list[Any]:
        """Run the script once per argument list, in order: pipelined in one round trip, or one
        by one on a cluster client (redis-py refuses scripts in a cluster pipeline)."""
        if len(calls) == 1 or isinstance(self.store.raw, RedisCluster):
            return [self._script(args=args) for args in calls]
        return _evalsha_pipelined(self.store.raw, self._script, calls)

    def _plan(self, reply: list[Any], article: ArticleRecord, fp: Fingerprint) -> _Plan:
        """What the commit is to do with one query reply."""
        if reply[0] == b"exact":
            # the same text from another URL or outlet: a reprint, so it joins its twin's story
            twin, story = reply[1].decode(), reply[2].decode()
            match = Match(twin, story, 1.0, 1.0)
            return _Plan(story, (), (), match)
        candidates, excluded = self._parse_candidates(reply)
        decision = decide(fp, candidates, self.config, source=article.source, published=article.published,
                          exclude_stories=excluded)
        best = decision.matches[0] if decision.matches else None
        # a pending candidate's pseudo story ('~<number>') goes as it is, in the decision's order:
        # the commit joins or merges its story if it has committed meanwhile, else leaves it a note
        order = ((decision.story_id,) if decision.story_id else ()) + decision.merge
        adopt: list[str] = []
        for story in order:
            if story.startswith(PENDING):
                member = next(m.article_id for m in decision.matches if m.story_id == story)
                adopt += [story[len(PENDING):], member]
        target, merge = (order[0], order[1:]) if order else ("", ())
        return _Plan(target, merge, tuple(adopt), best)

    def buckets(self, fp: Fingerprint) -> bytes:
        """The index cells of the article's bands, packed into one script argument."""
        return cells(fp.bands, self.slots)

    def peek(self, fp: Fingerprint, *, source: str, published: float | None, now: float | None = None
             ) -> tuple[str | None, float | None]:
        """Which story an article with ``fp`` would join (and the best Jaccard), writing nothing."""
        now = time.time() if now is None else now
        try:
            for _ in range(2):  # once more after a "layout" answer, with the size read again
                reply = self._script(args=["peek", self.store.keys.prefix, now, self.config.window_seconds, "-",
                                           fp.content_hash, self.buckets(fp)])
                if reply[0] != b"layout":
                    break
                self._slots = None
        except redis.RedisError as exc:
            raise StoreUnavailable(f"Redis at {self.store.description}: {exc}") from exc
        if reply[0] == b"layout":
            raise StoreUnavailable("the dedupe index is being resized; try again")
        status = reply[0].decode()
        if status in ("exists", "exact"):
            return reply[2].decode(), 1.0
        candidates, _ = self._parse_candidates(reply)
        decision = decide(fp, candidates, self.config, source=source, published=published)
        best = decision.matches[0] if decision.matches else None
        return decision.story_id, (best.jaccard if best else None)

    @staticmethod
    def _parse_candidates(reply: list[Any]) -> tuple[list[Candidate], frozenset[str]]:
        items = reply[3:]
        candidates: list[Candidate] = []
        i = 0
        while i < len(items) and items[i] != b"split":
            aid, story, sig, n, source, published = items[i : i + 6]
            candidates.append(
                Candidate(
                    article_id=aid.decode(), story_id=story.decode(),
                    signature=Fingerprint.unpack_signature(sig), n_shingles=int(n or 0),
                    source=source.decode(), published=float(published) if published else None,
                )
            )
            i += 6
        excluded = frozenset(s.decode() for s in items[i + 1 :])
        return candidates, excluded

    @staticmethod
    def _payload(article: ArticleRecord, fp: Fingerprint, now: float) -> str:
        """The article's fields for the script, as JSON; the text goes apart, as its own argument,
        because decoding it from JSON was a sixth of the commit's time in Redis."""
        return json.dumps(
            {
                "url": article.url, "canonical_url": article.canonical_url, "source": article.source,
                "title": article.title, "authors": list(article.authors) or {},
                "published": "" if article.published is None else repr(article.published),
                "sort_time": repr(article.published if article.published else now),
                "language": article.language or "", "site_name": article.site_name or "",
                "topics": list(article.topics) or {}, "guid": article.guid or "",
                "n_shingles": fp.n_shingles, "origin": fp.origin or "", "length": len(article.text),
            },
            ensure_ascii=False,
        )


@dataclass(frozen=True, slots=True)
class _Plan:
    """A commit's instructions: the story to join ('' = open one), the stories to merge into it,
    the pending candidates to adopt ("number", "article id", ...), and the best match."""

    target: str
    merge: tuple[str, ...]
    adopt: tuple[str, ...]
    best: Match | None


class _Resized(Exception):
    """A script found the index resized since this process read its size (``wirewatch reindex``)."""


def _evalsha_pipelined(client: redis.Redis, script: Script, calls: list[list[bytes]]) -> list[Any]:
    """``script`` once per argument list (all bytes), in one round trip: the commands packed by
    hiredis and written at once, the replies read in order. What a redis-py pipeline does, without
    its per-argument encoding and the SCRIPT EXISTS it sends first: together a third of the
    client's time per article. A script missing from the server's cache (a restart, SCRIPT FLUSH)
    is loaded and the calls it refused are run again; another error is raised, as a pipeline
    would."""
    sha = script.sha.encode()
    # (hiredis's stub types the argument as a 1-tuple; any tuple of bytes is what it packs)
    payload = b"".join(hiredis.pack_command((b"EVALSHA", sha, b"0", *args)) for args in calls)  # type: ignore[arg-type]
    pool = client.connection_pool
    conn = pool.get_connection()
    replies: list[Any] = []
    try:
        conn.send_packed_command([payload])
        for _ in calls:
            try:
                replies.append(conn.read_response())
            except redis.ResponseError as exc:  # an error reply: the stream goes on
                replies.append(exc)
    except BaseException:
        conn.disconnect()  # replies unread: the connection cannot be reused
        raise
    finally:
        pool.release(conn)
    for i, reply in enumerate(replies):
        if isinstance(reply, NoScriptError):
            replies[i] = script(args=calls[i])  # loads it (EVAL) and runs it
    for reply in replies:
        if isinstance(reply, redis.ResponseError):
            raise reply
    return replies


def _evidence(best: Match | None) -> str:
    """Why an article joined its story: the member it matched, estimated Jaccard and containment."""
    if best is None:
        return ""
    return json.dumps({"matched": best.article_id, "jaccard": round(best.jaccard, 3),
                       "containment": round(best.containment, 3)})

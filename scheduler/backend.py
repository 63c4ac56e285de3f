"""The daemon's crawl backend: seen-checks and validators from Redis, and ingestion of extracted
articles (canonical id, topics, fingerprint, story assignment) into the store."""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from urllib.parse import urljoin

import redis

from crawlers.backend import ArticleItem, IngestResult, Validators
from crawlers.politeness import RedisGate
from crawlers.runs import SourceRun
from crawlers.sources import Source
from crawlers.topics import TopicRule, match_topics
from crawlers.urls import canonicalize, clean_url, is_http_url, url_id
from dedupe import DedupeConfig, fingerprint
from scheduler.policy import Bounds, Outcome, PollState, plan_next
from storage.connection import Store
from storage.retention import filtered_mark
from storage.source_state import SourceState, record_run
from storage.story_index import ArticleRecord, StoryIndex
from wirewatch import timing
from wirewatch.errors import ExtractionError, StoreUnavailable
from wirewatch.models import FeedEntry

log = logging.getLogger(__name__)


def next_cron_time(cron: str, now: float) -> float | None:
    from datetime import UTC, datetime

    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger.from_crontab(cron, timezone=UTC)
    nxt = trigger.get_next_fire_time(None, datetime.fromtimestamp(now, tz=UTC))
    return nxt.timestamp() if nxt else None


# Source-hash fields of the "validators are trustworthy" check (crawlers.backend.Validators) and
# the server's polling hint (crawlers.runs.SourceRun.poll_hint).
_TRUST_FIELDS = ("validators_trusted", "validators_runs", "validators_checked_at")
_HINT_FIELD = "poll_hint"


def hinted_bounds(bounds: Bounds, hint: float | None) -> Bounds:
    """The server's hint (feed ttl, Cache-Control max-age) as a lower bound on the interval,
    never past the source's own upper bound."""
    if not hint or hint <= bounds.min_every:
        return bounds
    return replace(bounds, min_every=min(hint, bounds.max_every))


def _h(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8")).hexdigest()[:16]


class StoreBackend:
    def __init__(
        self,
        store: Store,
        dedupe: DedupeConfig,
        topics: Mapping[str, TopicRule],
        *,
        event_maxlen: int = 100_000,
        on_run: Callable[[SourceRun], None] | None = None,
        clock: Callable[[], float] = time.time,
        pause_after: int = 10,
        only_if_present: bool = False,
    ) -> None:
        self.store = store
        self.dedupe = dedupe
        self.topics = dict(topics)
        self.index = StoryIndex(store, dedupe, event_maxlen=event_maxlen)
        # every worker on this Redis shares each domain's request budget and Retry-After holds
        self.politeness_gate = RedisGate(store.text, store.keys.politeness)
        self.on_run = on_run
        self.clock = clock
        self.pause_after = pause_after
        # In the queued daemon, a source removed from the config is not rescheduled by its last run.
        self.only_if_present = only_if_present
        # source name -> its state hash as ``validators`` read it at the run's start. Keyed by name:
        # a second run of one source in this process replaces it, and the generation check catches that.
        self._read: dict[str, dict[str, str]] = {}

    def validators(self, source: Source) -> Validators:
        """The source's validators, from one read of its state hash, which is kept for the run's
        end: ``_record`` plans from it instead of reading it again (the write is refused, and the
        state read again, if the hash changed meanwhile; see ``storage.source_state.record_run``)."""
        rec = self.store.text.hgetall(self.store.keys.source(source.name))
        self._read[source.name] = rec
        trusted, runs, checked = (rec.get(f) for f in _TRUST_FIELDS)
        return Validators(
            rec.get("etag", ""), rec.get("last_modified", ""), rec.get("body_hash", ""), trusted=trusted != "0",
            runs_since_check=int(runs or 0), checked_at=float(checked) if checked else None,
        )

    def unseen(self, source: Source, entries: Sequence[FeedEntry]) -> list[FeedEntry]:
        if not entries:
            return []
        k = self.store.keys
        pipe = self.store.text.pipeline(transaction=False)
        keyed = []
        batch: set[str] = set()
        for e in entries:
            assert e.url is not None
            canon = canonicalize(e.url)
            if canon in batch:
                continue
            batch.add(canon)
            keyed.append(e)
            pipe.hget(k.seen_source(source.name), _h(e.guid or canon))
            pipe.hget(k.seen_url, _h(canon))
        try:
            replies = pipe.execute()
        except redis.RedisError as exc:
            raise StoreUnavailable(f"Redis at {self.store.description} is unavailable: {exc}") from None
        return [e for i, e in enumerate(keyed) if replies[2 * i] is None and replies[2 * i + 1] is None]

    def ingest(self, item: ArticleItem) -> IngestResult:
        ex = item.extracted
        source = item.source
        entry = item.entry
        request_canon = canonicalize(item.url)
        canon = request_canon
        shown = clean_url(item.url)
        declared = clean_url(urljoin(item.url, ex.canonical_url)) if ex.canonical_url else None
        if declared and is_http_url(declared):
            canon, shown_canonical = canonicalize(declared), declared
        else:
            shown_canonical = shown
        aid = url_id(canon)
        k = self.store.keys
        seen = [(k.seen_url, _h(canon)), (k.seen_url, _h(request_canon))]
        if entry is not None:
            seen.append((k.seen_source(source.name), _h(entry.guid or canonicalize(entry.url or item.url))))
            if entry.url:
                seen.append((k.seen_url, _h(canonicalize(entry.url))))
        title = (ex.title or (entry.title if entry else None) or "").strip()
        text = ex.text
        topics = match_topics(self.topics, title, text)
        if source.topics and source.keep == "matching" and not set(topics) & set(source.topics):
            # remember it so the next run does not fetch it again (until the deep sweep drops the
            # mark, one retention age on)
            pipe = self.store.text.pipeline(transaction=False)
            mark = filtered_mark(self.clock())
            for key, field in seen:
                pipe.hset(key, field, mark)
            pipe.execute()
            return IngestResult("filtered", aid)
        published = ex.published or (entry.published if entry else None)
        record = ArticleRecord(
            id=aid, url=shown, canonical_url=shown_canonical, source=source.name, title=title, text=text,
            authors=ex.authors or (entry.authors if entry else ()),
            published=published.timestamp() if published else None,
            language=ex.language, site_name=ex.site_name, topics=topics,
            guid=entry.guid if entry else None,
        )
        with timing.timed("dedupe"):
            fp = fingerprint(text, title, self.dedupe)
        if fp.n_shingles == 0:
            # nothing to match on (no words): an empty signature would collide with every other one
            raise ExtractionError(f"{item.url}: no words to fingerprint")
        result = self.index.add(record, fp, seen=tuple(seen), now=self.clock())
        status = {"created": "created", "joined": "joined"}.get(result.status, "duplicate")
        log.debug("source=%s url=%s story=%s status=%s", source.name, item.url, result.story_id, status)
        return IngestResult(status, result.article_id, result.story_id)

    def run_finished(self, run: SourceRun) -> None:
        self.finish(run)

    def finish(self, run: SourceRun, *, ack: str | None = None) -> bool:
        """Record the run and plan the source's next one (adaptive interval, backoff, pause);
        acknowledge the queue entry ``ack`` in the same write. False when nothing was written."""
        now = self.clock()
        try:
            written = self._record(run, now, ack)
        except Exception as exc:
            written = False
            log.error("source=%s could not record run state: %s", run.source.name, exc)
        if self.on_run is not None:
            self.on_run(run)
        return written

    def _record(self, run: SourceRun, now: float, ack: str | None) -> bool:
        rec = self._read.pop(run.source.name, None)
        for _ in range(5):
            if rec is None:
                rec = self.store.text.hgetall(self.store.keys.source(run.source.name))
            if self._write(run, now, ack, rec):
                return True
            rec = None  # written meanwhile (another run of this source, `sources enable`): plan again
        log.warning("source=%s run state kept changing under this run: not recorded", run.source.name)
        return False

    def _write(self, run: SourceRun, now: float, ack: str | None, rec: dict[str, str]) -> bool:
        source = run.source
        state = SourceState.from_hash(source.name, rec)
        trusted, runs, checked, stored_hint = (rec.get(f) for f in (*_TRUST_FIELDS, _HINT_FIELD))
        hint = run.poll_hint if run.poll_hint is not None else (float(stored_hint) if stored_hint else None)
        bounds = hinted_bounds(Bounds.for_source(source.every, source.min_every, source.max_every), hint)
        poll = PollState(state.interval, state.consecutive_failures, state.paused, state.last_new_at, state.avg_gap)
        outcome = Outcome(
            ok=run.ok, new=run.new, extracted=run.articles, empty=run.empty, error=run.error or "",
            retry_after=run.retry_after,
        )
        plan = plan_next(bounds, poll, outcome, now, pause_after=self.pause_after, jitter=random.uniform(-0.1, 0.1))
        next_run = plan.next_run
        if source.cron and run.ok:
            next_run = next_cron_time(source.cron, now) or next_run
        run.flags = plan.flags
        fields: dict[str, str | float | int] = {
            "last_run": now, "last_fetched": run.fetched, "last_new": run.new,
            "last_duplicates": run.duplicates, "last_errors": run.errors,
            "consecutive_failures": plan.state.failures, "paused": plan.state.paused,
            "flags": " ".join(plan.flags), "interval": plan.state.interval or "",
            "last_new_at": plan.state.last_new_at or "", "avg_gap": plan.state.avg_gap or "",
        }
        if run.ok:
            fields["last_success"] = now
        else:
            fields["last_error"] = (run.error or "")[:500]
            fields["last_error_at"] = now
        for name in ("etag", "last_modified", "body_hash"):
            value = getattr(run, name)
            if value is not None and run.ok:
                fields[name] = value
        if run.ok:
            before = Validators(trusted=trusted != "0", runs_since_check=int(runs or 0),
                                checked_at=float(checked) if checked else None)
            now_trusted, now_runs, now_checked = before.after_run(
                conditional=run.conditional, verdict=run.validators_verdict, now=now)
            fields.update({"validators_trusted": int(now_trusted), "validators_runs": now_runs,
                           "validators_checked_at": now_checked if now_checked is not None else ""})
            if run.validators_verdict == "stale" and before.trusted:
                log.warning("source=%s answered 304 Not Modified while its body had changed: its validators "
                            "are no longer trusted (fetched in full, hash-compared)", source.name)
        if run.poll_hint is not None:
            fields[_HINT_FIELD] = run.poll_hint
        if plan.state.paused and not state.paused:
            log.warning("source=%s %s", source.name, plan.state.paused)
        counters = {f"fetch:{key}": n for key, n in run.fetches.items()}
        counters.update({"runs:ok" if run.ok else "runs:failed": 1, "items:new": run.new,
                         "items:duplicate": run.duplicates, "extract:empty": run.empty})
        return record_run(self.store, source.name, fields, next_run=next_run, new=run.new,
                          only_if_present=self.only_if_present, expect=rec.get("generation", ""),
                          counters=counters, ack=ack, now=now)

"""JSONL dumps of the store, and loading article dumps back through the dedupe path.

``export_articles`` writes one article a line, oldest stored first: DESIGN.md's Article JSON plus
``id``, ``source``, ``fetched_at``, ``topics``, ``story`` and ``guid``. ``import_articles`` reads
such lines (or any lines with at least ``url`` and ``text``) and adds each article the way the
daemon does: fingerprint, story assignment, events, seen entries. Stories are therefore rebuilt by
the dedupe decision, not copied: an operator's merges and splits do not travel; exports of
stories (``export_stories``) are for downstream tools, not for import.

By default an imported article keeps its ``fetched_at``, so a dump loaded in order clusters as it
did when crawled (the dedupe window compares those times) and retention ages it from then.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dedupe import DedupeConfig, fingerprint_many
from dedupe.decide import UNKNOWN_SOURCE
from dedupe.offline import check_line_length
from storage.connection import Store
from storage.retention import chunked, seen_field
from storage.stories import get_article, get_stories
from storage.story_index import ArticleRecord, StoryIndex
from wirewatch.errors import InputError
from wirewatch.models import NAME_RE, parse_iso

PAGE = 500


def _page_by_score(store: Store, key: str, since: float | None) -> Iterator[list[str]]:
    """Members of a sorted set from ``since`` on, lowest score first, a page at a time.

    The cursor is the last score read (not an offset), so a sweep deleting old members meanwhile
    shifts nothing; members sharing that score are remembered so none is read twice.
    """
    low = since
    done_at_low: set[str] = set()
    while True:
        page = store.text.zrangebyscore(
            key, "-inf" if low is None else repr(low), "+inf", start=0, num=PAGE + len(done_at_low), withscores=True
        )
        fresh = [(str(m), float(s)) for m, s in page if not (s == low and m in done_at_low)]
        if not fresh:
            return
        yield [m for m, _ in fresh]
        last = fresh[-1][1]
        if last != low:
            low, done_at_low = last, set()
        done_at_low |= {m for m, s in fresh if s == last}


def export_articles(store: Store, *, since: float | None = None, topic: str | None = None) -> Iterator[dict[str, Any]]:
    """Stored articles fetched at or after ``since`` (optionally only those tagged ``topic``)."""
    for page in _page_by_score(store, store.keys.articles_by_time, since):
        pipe = store.text.pipeline(transaction=False)
        for aid in page:
            pipe.hget(store.keys.article(aid), "guid")
        guids = pipe.execute()
        for aid, guid in zip(page, guids, strict=True):
            article = get_article(store, aid)
            if article is None or (topic and topic not in article.topics):
                continue
            yield {**article.to_json(), "guid": guid or None}


def export_stories(store: Store, *, since: float | None = None, topic: str | None = None) -> Iterator[dict[str, Any]]:
    """Story JSON of stories updated at or after ``since``, least recently updated first."""
    key = store.keys.topic_stories(topic) if topic else store.keys.stories_updated
    for page in _page_by_score(store, key, since):
        for story in get_stories(store, page):
            yield story.to_json()


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    joined: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.created + self.joined

    def summary(self) -> str:
        text = (
            f"{self.stored} article(s) stored ({self.created} new stories, {self.joined} joined), "
            f"{self.duplicates} already present or exact duplicates"
        )
        return text + (f", {len(self.errors)} bad line(s)" if self.errors else "")


@dataclass(frozen=True, slots=True)
class ImportItem:
    record: ArticleRecord
    fetched_at: float | None


def _strings(value: Any, name: str, lineno: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"line {lineno}: {name!r} must be a list of strings")
    return tuple(value)


def _topics(value: Any, lineno: int) -> tuple[str, ...]:
    topics = _strings(value, "topics", lineno)
    for topic in topics:
        if not NAME_RE.match(topic):
            raise InputError(f"line {lineno}: topic {topic[:40]!r} must be 1-64 of a-z, 0-9 and '-' "
                             "(as in sources.yaml)")
    return topics


# Times a dump may carry (Unix seconds): 1970 to 2100. Outside it a value is a unit mistake
# (milliseconds) or garbage, and NaN or infinity would fail Redis mid-commit.
_TIME_RANGE = (0.0, 4102444800.0)


def _time(value: Any, name: str, lineno: int) -> float | None:
    if value in (None, ""):
        return None
    when: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        when = float(value)
    elif isinstance(value, str):
        dt = parse_iso(value.strip().replace("Z", "+00:00"))
        if dt is not None:
            when = dt.timestamp()
    if when is None:
        raise InputError(f"line {lineno}: {name!r} must be ISO-8601 or unix seconds, got {str(value)[:40]!r}")
    if not (math.isfinite(when) and _TIME_RANGE[0] <= when <= _TIME_RANGE[1]):
        raise InputError(f"line {lineno}: {name!r} must be a time from 1970 to 2100, got {str(value)[:40]!r}")
    return when


# Ids a dump may bring: they become key names and URL path segments, and they share the seen
# hashes' values with filtered pages' marks ("-<time>"), which an id starting with "-" would pass for.
ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}")


def parse_article_line(line: str, lineno: int, make_id: Callable[[str], str]) -> ImportItem:
    """One JSONL line -> what the index needs. ``make_id`` gives the id of a canonical URL for
    lines without one (the crawler's ``url_id``, passed in so storage does not import crawlers)."""
    check_line_length(line, lineno)
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {lineno}: not JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise InputError(f"line {lineno}: expected a JSON object")
    for name in ("url", "text"):
        if not isinstance(obj.get(name), str) or not obj[name].strip():
            raise InputError(f"line {lineno}: {name!r} is required (a non-empty string)")
    canonical = obj.get("canonical_url") or obj["url"]
    source = obj.get("source") or obj.get("site_name") or UNKNOWN_SOURCE
    for name in ("id", "canonical_url", "source", "title", "language", "site_name", "guid"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise InputError(f"line {lineno}: {name!r} must be a string")
    if obj.get("id") and not ARTICLE_ID.fullmatch(obj["id"]):
        raise InputError(f"line {lineno}: 'id' must be 1-128 letters, digits and . _ : ~ - not starting with a "
                         f"punctuation mark, got {obj['id'][:40]!r}")
    record = ArticleRecord(
        id=obj.get("id") or make_id(canonical),
        url=obj["url"],
        canonical_url=canonical,
        source=source,
        title=(obj.get("title") or "").strip(),
        text=obj["text"],
        authors=_strings(obj.get("authors"), "authors", lineno),
        published=_time(obj.get("published"), "published", lineno),
        language=obj.get("language") or None,
        site_name=obj.get("site_name") or None,
        topics=_topics(obj.get("topics"), lineno),
        guid=obj.get("guid") or None,
    )
    return ImportItem(record, _time(obj.get("fetched_at"), "fetched_at", lineno))


def import_articles(
    store: Store,
    lines: Iterable[str],
    config: DedupeConfig,
    *,
    make_id: Callable[[str], str],
    restamp: bool = False,
    event_maxlen: int = 100_000,
    batch: int = 256,
) -> ImportReport:
    """Add every article of a JSONL dump through the dedupe path; a bad line is reported and
    skipped. ``restamp`` stores articles as fetched now instead of at their recorded time."""
    index = StoryIndex(store, config, event_maxlen=event_maxlen)
    report = ImportReport()
    k = store.keys

    def items() -> Iterator[ImportItem]:
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                yield parse_article_line(line, lineno, make_id)
            except InputError as exc:
                report.errors.append(str(exc))

    for chunk in chunked(items(), batch):
        fps = fingerprint_many([(i.record.text, i.record.title) for i in chunk], config)
        for item, fp in zip(chunk, fps, strict=True):
            rec = item.record
            seen = [(k.seen_url, seen_field(u)) for u in dict.fromkeys((rec.canonical_url, rec.url))]
            seen.append((k.seen_source(rec.source), seen_field(rec.guid or rec.canonical_url)))
            now = time.time() if restamp or item.fetched_at is None else item.fetched_at
            result = index.add(rec, fp, seen=tuple(seen), now=now)
            if result.status == "created":
                report.created += 1
            elif result.status == "joined":
                report.joined += 1
            else:
                report.duplicates += 1
    return report


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


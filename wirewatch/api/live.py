"""Story events as Server-Sent Events: one reader of the Redis stream per process, fanned out.

A single thread blocks on ``XREAD`` and hands each entry to every open stream's queue, so a
thousand browser tabs cost one Redis connection, not a thousand. The SSE ``id`` is the stream
entry id: a client that reconnects sends it back as ``Last-Event-ID`` and first receives what it
missed (read with ``XRANGE``), then the live entries, with no gap and no repeat.

A client too slow to keep up (its queue past ``MAX_QUEUE``) is disconnected; the browser's
EventSource reconnects by itself and catches up from its ``Last-Event-ID``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

import redis

from storage.connection import Store

log = logging.getLogger(__name__)

MAX_QUEUE = 2000
BACKFILL_MAX = 10_000
_ID_RE = re.compile(r"^\d{1,20}-\d{1,20}$")
_U64_MAX = 2**64 - 1  # each half of a stream id is an unsigned 64-bit number


@dataclass(frozen=True, slots=True)
class StreamEvent:
    id: str
    fields: dict[str, str]

    @property
    def type(self) -> str:
        return self.fields.get("type", "")

    @property
    def key(self) -> tuple[int, int]:
        return id_key(self.id)

    def sse(self) -> str:
        data = json.dumps({"id": self.id, **self.fields}, ensure_ascii=False, separators=(",", ":"))
        return f"id: {self.id}\nevent: {self.type or 'message'}\ndata: {data}\n\n"


def id_key(stream_id: str) -> tuple[int, int]:
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq or 0)


def valid_stream_id(value: str | None) -> bool:
    if not value or not _ID_RE.match(value):
        return False
    ms, seq = id_key(value)
    return ms <= _U64_MAX and seq <= _U64_MAX


class Subscriber:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[StreamEvent | None] = asyncio.Queue()
        self.closed = False

    def push(self, event: StreamEvent | None) -> None:
        """Called from the hub thread."""
        try:
            self.loop.call_soon_threadsafe(self._put, event)
        except RuntimeError:  # the loop is gone: the client went away during shutdown
            self.closed = True

    def _put(self, event: StreamEvent | None) -> None:
        if self.closed:
            return
        if event is None or self.queue.qsize() >= MAX_QUEUE:
            self.closed = True
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(event)


class EventHub:
    def __init__(self, store: Store, *, block_ms: int = 1000) -> None:
        self.store = store
        self.block_ms = block_ms
        self._subs: set[Subscriber] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def clients(self) -> int:
        return len(self._subs)

    def subscribe(self, loop: asyncio.AbstractEventLoop) -> Subscriber:
        sub = Subscriber(loop)
        with self._lock:
            self._subs.add(sub)
            if self._thread is None and not self._stop.is_set():
                start = self._newest_id()
                self._thread = threading.Thread(target=self._run, args=(start,), name="sse-hub", daemon=True)
                self._thread.start()
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            self._subs.discard(sub)

    def close(self, timeout: float = 5.0) -> None:
        self._stop.set()
        with self._lock:
            subs, thread = list(self._subs), self._thread
        for sub in subs:
            sub.push(None)
        if thread is not None:
            thread.join(timeout)

    def _newest_id(self) -> str:
        try:
            newest = self.store.text.xrevrange(self.store.keys.events, count=1)
        except redis.RedisError:
            return "$"
        return str(newest[0][0]) if newest else "0-0"

    def _run(self, last: str) -> None:
        key = self.store.keys.events
        while not self._stop.is_set():
            try:
                if last == "$":
                    last = self._newest_id()
                    if last == "$":
                        raise redis.ConnectionError("no answer")
                reply = self.store.text.xread({key: last}, count=500, block=self.block_ms)
            except redis.RedisError as exc:
                log.warning("live events: reading %s failed (%s); retrying", key, exc)
                self._stop.wait(1.0)
                continue
            for _stream, entries in reply or []:
                for entry_id, fields in entries:
                    last = entry_id
                    self._fan_out(StreamEvent(entry_id, fields))

    def _fan_out(self, event: StreamEvent) -> None:
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            sub.push(event)

    def backfill(self, after: str) -> list[StreamEvent]:
        """Entries after ``after`` (exclusive), oldest first, at most ``BACKFILL_MAX``."""
        out: list[StreamEvent] = []
        start = f"({after}"
        while len(out) < BACKFILL_MAX:
            batch = self.store.text.xrange(self.store.keys.events, min=start, max="+", count=1000)
            if not batch:
                break
            out.extend(StreamEvent(i, f) for i, f in batch)
            start = f"({batch[-1][0]}"
        return out[:BACKFILL_MAX]


def wanted(event: StreamEvent, types: frozenset[str], story: str | None) -> bool:
    if types and event.type not in types:
        return False
    if story is None:
        return True
    return event.fields.get("story") == story or story in event.fields.get("merged", "").split()


async def sse_stream(
    hub: EventHub,
    *,
    types: frozenset[str],
    story: str | None,
    resume_after: str | None,
    heartbeat: float,
    backlog: Iterable[StreamEvent] | None = None,
) -> AsyncIterator[str]:
    """The text of one SSE response: a retry hint, missed entries, then live ones until closed."""
    sub = hub.subscribe(asyncio.get_running_loop())
    try:
        yield "retry: 3000\n\n"
        sent: tuple[int, int] | None = None
        if resume_after is not None:
            sent = id_key(resume_after)
            try:
                missed = backlog if backlog is not None else await asyncio.to_thread(hub.backfill, resume_after)
            except redis.RedisError as exc:
                # the response has started: end it; EventSource reconnects with the same Last-Event-ID
                log.warning("live events: catching up after %s failed (%s); the client will reconnect",
                            resume_after, exc)
                return
            for event in missed:
                sent = event.key
                if wanted(event, types, story):
                    yield event.sse()
        while True:
            try:
                item = await asyncio.wait_for(sub.queue.get(), timeout=heartbeat)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if item is None:
                return
            if sent is not None and item.key <= sent:
                continue
            if wanted(item, types, story):
                yield item.sse()
    finally:
        hub.unsubscribe(sub)

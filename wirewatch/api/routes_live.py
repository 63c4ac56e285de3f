"""``/events``: the story event stream as Server-Sent Events (see ``wirewatch.api.live``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse

from storage.queries import valid_id
from wirewatch.api import params
from wirewatch.api.config import ALL_EVENTS
from wirewatch.api.live import sse_stream, valid_stream_id
from wirewatch.api.routes_json import ERRORS
from wirewatch.api.state import ApiState, State

router = APIRouter(tags=["live"])


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}},
                     "description": "Server-Sent Events; `event:` is the type, `data:` the JSON fields."},
               **ERRORS},
)
async def events(
    state: State,
    types: str | None = Query(None, description=f"Comma separated types (default all: {', '.join(ALL_EVENTS)})."),
    story: str | None = Query(None, description="Only events of this story (and merges into it)."),
    after: str | None = Query(None, description="Start after this event id (as Last-Event-ID does)."),
    last_event_id: str | None = Header(None, description="Sent by EventSource on reconnect: resume after it."),
) -> StreamingResponse:
    """Story events live: story.created, story.outlet_joined, story.headline_changed, story.merged,
    story.split, story.quiet, plus story.updated and article.added. Reconnects resume without gaps."""
    wanted: frozenset[str] = frozenset()
    if types:
        wanted = frozenset(t.strip() for t in types.split(",") if t.strip())
        unknown = sorted(wanted - set(ALL_EVENTS))
        if unknown:
            shown = ", ".join(u[:40] for u in unknown[:5])
            raise params.bad_request(f"types: unknown {shown}; known: {', '.join(ALL_EVENTS)}")
    if story is not None and not valid_id(story):
        raise params.bad_request("story: expected a story id like s0123456789abcdef")
    resume = after or last_event_id
    if after is not None and not valid_stream_id(after):
        raise params.bad_request("after: expected an event id like 1715000000000-0")
    if resume is not None and not valid_stream_id(resume):
        resume = None  # a stale or foreign Last-Event-ID: start live rather than fail the reconnect
    # Redis must answer before the 200 goes out: a failure later can only cut the stream
    await asyncio.to_thread(state.store.text.ping)
    body = sse_stream(state.hub, types=wanted, story=story, resume_after=resume, heartbeat=state.config.sse_heartbeat)
    return StreamingResponse(
        _counted(state, body), media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _counted(state: ApiState, body: AsyncIterator[str]) -> AsyncIterator[str]:
    state.metrics.sse_clients.inc()
    try:
        async for chunk in body:
            yield chunk
    finally:
        state.metrics.sse_clients.dec()

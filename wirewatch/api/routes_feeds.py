"""``/feeds/{topic}.atom`` and ``/feeds/{topic}.json``: subscribable story feeds.

Feed readers poll; each answer carries an ETag and Last-Modified taken from the topic's index
(story count, newest update), so an unchanged feed costs two Redis reads and a 304.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from storage import queries
from wirewatch.api import feed_render, fragments, params
from wirewatch.api.routes_json import ERRORS, NOT_FOUND
from wirewatch.api.state import ApiState, State, base_url, etag_for, not_modified

router = APIRouter(tags=["feeds"])
ATOM_TYPE = "application/atom+xml; charset=utf-8"
# Articles listed in an entry's content; the entry names the total (a wire story can run to 80).
FEED_ARTICLES = 15
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"


def _serve(
    request: Request, state: ApiState, topic: str, limit: int | None, kind: str, media_type: str,
    render: Callable[[str | None, int], bytes],
) -> Response:
    """Validators, a 304 when the client's copy is current, else the (cached) rendered feed."""
    if topic != "all":
        params.check_name("topic", topic)
    chosen = state.topic_filter(topic, status=404)
    size = limit or state.config.feed_size
    fresh = queries.freshness(state.store, chosen)
    updated = datetime.fromtimestamp(fresh.newest, tz=UTC) if fresh.newest else datetime(2000, 1, 1, tzinfo=UTC)
    key = f"{kind}|{request.url}|{size}"
    headers = {
        "ETag": etag_for(key, fresh.tag),
        "Last-Modified": format_datetime(updated.replace(microsecond=0), usegmt=True),
        "Cache-Control": "public, max-age=60",
    }
    if not_modified(request, headers["ETag"], updated):
        return Response(status_code=304, headers=headers)
    body = state.cache.get(key, fresh.tag)
    if body is None:
        body = render(chosen, size)
        state.cache.put(key, fresh.tag, body)
    return Response(body, media_type=media_type, headers=headers)


def _query(topic: str | None, size: int) -> queries.StoryQuery:
    return queries.StoryQuery(limit=size, topic=topic, max_articles=FEED_ARTICLES)


def _views(state: ApiState, topic: str | None, size: int) -> list[queries.StoryView]:
    return queries.query_stories(state.store, _query(topic, size)).stories


def _title(topic: str) -> str:
    return "wirewatch: all stories" if topic == "all" else f"wirewatch: {topic}"


FEED_LIMIT = Query(None, ge=1, le=500, description="Stories in the feed (default: the server's feed_size).")


@router.get(
    "/feeds/{topic}.atom",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}, "description": "Atom 1.0 feed."},
               304: {"description": "Not modified since the ETag sent."}, **ERRORS, **NOT_FOUND},
)
def atom(topic: str, request: Request, state: State, limit: int | None = FEED_LIMIT) -> Response:
    """Atom 1.0: one entry per story, newest updated first; ``all`` is every story."""
    root = base_url(request)

    def render(chosen: str | None, size: int) -> bytes:
        # Entries come from the per-story cache: under ingest only the stories that changed are
        # read and rendered again.
        ids, _following, _examined = queries.query_story_ids(state.store, _query(chosen, size))
        entries, times = fragments.atom_entries(state.store, state.fragments, ids, max_articles=FEED_ARTICLES,
                                                story_url=root + "story/")
        return feed_render.atom_document(
            entries, title=_title(topic), feed_url=str(request.url.remove_query_params("limit")),
            home_url=root + (f"?topic={quote(topic)}" if chosen else ""),
            updated=max(times, default=datetime.now(UTC)),
        )

    return _serve(request, state, topic, limit, "atom", ATOM_TYPE, render)


@router.get(
    "/feeds/{topic}.json",
    response_class=Response,
    responses={200: {"content": {"application/feed+json": {}}, "description": "JSON Feed 1.1."},
               304: {"description": "Not modified since the ETag sent."}, **ERRORS, **NOT_FOUND},
)
def json_feed(
    topic: str, request: Request, state: State, limit: int | None = FEED_LIMIT
) -> Response:
    """JSON Feed 1.1: one item per story (``_wirewatch`` carries size, outlets and articles)."""
    root = base_url(request)

    def render(chosen: str | None, size: int) -> bytes:
        doc: dict[str, Any] = feed_render.json_feed(
            _views(state, chosen, size), title=_title(topic), feed_url=str(request.url.remove_query_params("limit")),
            home_url=root + (f"?topic={quote(topic)}" if chosen else ""), story_url=root + "story/",
        )
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    return _serve(request, state, topic, limit, "json", JSON_FEED_TYPE, render)

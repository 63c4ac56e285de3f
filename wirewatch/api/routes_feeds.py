"""``/feeds/{topic}.atom`` and ``/feeds/{topic}.json``: subscribable story feeds.

Feed readers poll; each answer carries an ETag and Last-Modified taken from the topic's index
(story count, newest update), so an unchanged feed costs two Redis reads and a 304.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from storage import queries
from wirewatch.api import feed_render, params
from wirewatch.api.routes_json import ERRORS, NOT_FOUND
from wirewatch.api.state import ApiState, State, base_url

router = APIRouter(tags=["feeds"])
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"


def _prepare(
    request: Request, state: ApiState, topic: str, limit: int | None, kind: str
) -> tuple[str | None, int, dict[str, str], Response | None]:
    if topic != "all":
        params.check_name("topic", topic)
    chosen = state.topic_filter(topic, status=404)
    size = limit or state.config.feed_size
    fresh = queries.freshness(state.store, chosen)
    updated = datetime.fromtimestamp(fresh.newest, tz=UTC) if fresh.newest else datetime(2000, 1, 1, tzinfo=UTC)
    etag = f'W/"{kind}-{size}-{fresh.tag}"'
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(updated.replace(microsecond=0), usegmt=True),
        "Cache-Control": "public, max-age=60",
    }
    match = request.headers.get("if-none-match")
    if match and etag in [m.strip() for m in match.split(",")]:
        return chosen, size, headers, Response(status_code=304, headers=headers)
    return chosen, size, headers, None


def _views(state: ApiState, topic: str | None, size: int) -> list[queries.StoryView]:
    query = queries.StoryQuery(limit=size, topic=topic, max_articles=50)
    return queries.query_stories(state.store, query).stories


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
    chosen, size, headers, not_modified = _prepare(request, state, topic, limit, "atom")
    if not_modified is not None:
        return not_modified
    views = _views(state, chosen, size)
    root = base_url(request)
    updated = max((v.story.updated for v in views), default=datetime.now(UTC))
    body = feed_render.atom_feed(
        views, title=_title(topic), feed_url=str(request.url.remove_query_params("limit")),
        home_url=root + (f"?topic={quote(topic)}" if chosen else ""), story_url=root + "story/", updated=updated,
    )
    return Response(body, media_type=ATOM_TYPE, headers=headers)


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
    chosen, size, headers, not_modified = _prepare(request, state, topic, limit, "json")
    if not_modified is not None:
        return not_modified
    views = _views(state, chosen, size)
    root = base_url(request)
    doc: dict[str, Any] = feed_render.json_feed(
        views, title=_title(topic), feed_url=str(request.url.remove_query_params("limit")),
        home_url=root + (f"?topic={quote(topic)}" if chosen else ""), story_url=root + "story/",
    )
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, media_type=JSON_FEED_TYPE, headers=headers)

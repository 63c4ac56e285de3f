"""The JSON endpoints: stories (paged, filtered), one story, one article, sources, topics, health."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote

import redis
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from storage import queries
from storage.source_state import load_states
from storage.stories import get_article, resolve_story
from wirewatch.api import fragments, health, params
from wirewatch.api.schemas import (
    ArticleOut,
    ErrorOut,
    HealthOut,
    SourcesOut,
    StoryOut,
    StoryPageOut,
    TopicsOut,
)
from wirewatch.api.state import ApiState, State, base_url, etag_for, not_modified
from wirewatch.models import iso

router = APIRouter()
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A filter, cursor or date that cannot be used."},
    422: {"model": ErrorOut, "description": "A parameter of the wrong type or out of range."},
    503: {"model": ErrorOut, "description": "Redis is unavailable."},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such id."}}


def json_bytes(body: Any) -> bytes:
    """The hot endpoints serialise their body themselves and skip FastAPI's re-validation: they
    build exactly their documented model (tests validate it with the pydantic model), and checking
    a page of 50 stories with hundreds of articles again would cost more than reading it."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fast_json(body: Any) -> Response:
    return Response(json_bytes(body), media_type="application/json")


def story_query(
    state: ApiState,
    *,
    limit: int,
    cursor: str | None,
    topic: str | None,
    source: str | None,
    since: str | None,
    until: str | None,
    min_size: int,
    q: str | None,
    max_articles: int,
) -> queries.StoryQuery:
    """Validated query parameters as a ``StoryQuery`` (shared with the web page)."""
    try:
        return queries.StoryQuery(
            limit=limit,
            cursor=params.parse_cursor(cursor),
            topic=state.topic_filter(topic),
            source=state.source_filter(source),
            since=params.parse_time("since", since),
            until=params.parse_time("until", until, end_of_day=True),
            min_size=min_size,
            words=params.parse_words(q),
            max_articles=max_articles,
        )
    except ValueError as exc:
        raise params.bad_request(str(exc)) from None


@router.get("/stories", response_model=StoryPageOut, responses=ERRORS, tags=["stories"])
def list_stories(
    request: Request,
    state: State,
    limit: int = Query(50, ge=1, le=queries.MAX_LIMIT, description="Stories per page."),
    cursor: str | None = Query(None, description="``next_cursor`` of the previous page."),
    topic: str | None = Query(None, description="Only this topic (``all``: every story)."),
    source: str | None = Query(None, description="Only stories this outlet carried."),
    since: str | None = Query(None, description="Updated at or after (ISO-8601 date or date-time)."),
    until: str | None = Query(None, description="Updated at or before (a bare date: its end)."),
    min_size: int = Query(1, ge=1, le=1_000_000, description="At least this many articles."),
    q: str | None = Query(None, description="Words that must all appear in the story's title."),
    max_articles: int = Query(
        queries.LIST_ARTICLES, ge=0, le=queries.MAX_ARTICLES,
        description="Articles listed per story, earliest first (``size`` counts all; /stories/{id} lists all).",
    ),
) -> Response:
    """Stories, newest updated first, with keyset pagination that stays put while stories arrive."""
    query = story_query(state, limit=limit, cursor=cursor, topic=topic, source=source, since=since,
                        until=until, min_size=min_size, q=q, max_articles=max_articles)
    fresh = queries.query_freshness(state.store, query)
    key = f"stories|{base_url(request)}|{request.url.query}"
    headers = {"ETag": etag_for(key, fresh.tag), "Cache-Control": "no-cache"}
    if not_modified(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    body = state.cache.get(key, fresh.tag)
    if body is None:
        ids, following, _examined = queries.query_story_ids(state.store, query)
        stories = fragments.story_fragments(state.store, state.fragments, ids, max_articles=max_articles,
                                            link_prefix=base_url(request) + "story/")
        body = fragments.page_body(stories, following.encode() if following else None)
        state.cache.put(key, fresh.tag, body)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/stories/{story_id}", response_model=StoryOut, responses={**ERRORS, **NOT_FOUND}, tags=["stories"])
def one_story(
    story_id: str, request: Request, state: State,
    max_articles: int = Query(
        queries.STORY_ARTICLES, ge=0, le=queries.STORY_ARTICLES,
        description=f"Articles listed, earliest first (``size`` counts all; at most {queries.STORY_ARTICLES}).",
    ),
) -> Any:
    """One story with its articles, earliest first: all of them, up to 5,000 (``size`` counts
    all). A story merged into another redirects to it."""
    params.check_id("story", story_id)
    docs = queries.story_documents(state.store, [story_id], max_articles=max_articles,
                                   link_prefix=base_url(request) + "story/")
    if not docs:
        root = resolve_story(state.store, story_id)
        if root != story_id:
            target = str(request.url_for("one_story", story_id=root))
            query = request.url.query
            return RedirectResponse(f"{target}?{query}" if query else target, status_code=307)
        raise params.bad_request(f"no such story: {story_id!r}", 404)
    return fast_json(docs[0])


@router.get("/articles/{article_id}", response_model=ArticleOut, responses={**ERRORS, **NOT_FOUND}, tags=["stories"])
def one_article(article_id: str, state: State) -> dict[str, Any]:
    """One stored article: DESIGN.md's Article JSON plus id, source and story."""
    params.check_id("article", article_id)
    article = get_article(state.store, article_id)
    if article is None:
        raise params.bad_request(f"no such article: {article_id!r}", 404)
    return article.to_json()


def _when(ts: float | None) -> str | None:
    return iso(datetime.fromtimestamp(ts, tz=UTC)) if ts else None


@router.get("/sources", response_model=SourcesOut, responses=ERRORS, tags=["meta"])
def list_sources(state: State) -> dict[str, Any]:
    """Configured and stored sources with their health (as ``wirewatch status`` reports it)."""
    cfg = state.catalog.config
    configured = {s.name: s for s in cfg.sources} if cfg is not None else {}
    due = state.store.text.zrange(state.store.keys.sources_due, 0, -1)
    names = list(configured) + sorted(set(due) - set(configured))
    states = load_states(state.store, names)
    out = []
    for name in names:
        st = states[name]
        src = configured.get(name)
        enabled = src.enabled if src is not None else True
        if not enabled:
            health = "disabled"
        elif st.paused:
            health = "paused"
        elif st.consecutive_failures:
            health = "failing"
        else:
            health = "ok" if st.last_success else "new"
        out.append({
            "name": name,
            "configured": src is not None,
            "kind": src.kind if src else None,
            "url": src.url if src else None,
            "enabled": enabled,
            "topics": list(src.topics) if src else [],
            "health": {
                "state": health,
                "last_run": _when(st.last_run),
                "last_success": _when(st.last_success),
                "last_error": st.last_error,
                "last_error_at": _when(st.last_error_at),
                "consecutive_failures": st.consecutive_failures,
                "next_run": _when(st.next_run),
                "last_new": st.last_new,
                "total_new": st.total_new,
                "flags": st.flags.split(),
                "interval": st.interval,
            },
        })
    return {"sources": out}


@router.get("/topics", response_model=TopicsOut, responses=ERRORS, tags=["meta"])
def list_topics(request: Request, state: State) -> dict[str, Any]:
    """Topics (configured or stored) with their story counts and feed URLs."""
    stored = {t.name: t for t in queries.stored_topics(state.store)}
    configured = set(state.catalog.topics())
    root = base_url(request)
    out = []
    for name in sorted(configured | set(stored), key=lambda n: (-(stored[n].stories if n in stored else 0), n)):
        t = stored.get(name)
        out.append({
            "name": name,
            "stories": t.stories if t else 0,
            "updated": iso(t.updated) if t and t.updated else None,
            "configured": name in configured,
            "atom": f"{root}feeds/{quote(name, safe='')}.atom",
            "json_feed": f"{root}feeds/{quote(name, safe='')}.json",
        })
    return {"topics": out}


@router.get("/healthz", response_model=HealthOut, tags=["meta"], responses={
    503: {"model": HealthOut, "description": "Redis does not answer, or (full check) the daemons are not working."}})
def healthz(
    state: State,
    scope: Literal["full", "api"] = Query(
        "full", description="full: the API, Redis, the scheduler leader and the work queue; api: this process "
                            "and Redis only (a liveness check that does not depend on the daemons)."),
) -> Any:
    """200 when healthy; 503 with ``reasons`` otherwise (contract: wirewatch/api/README.md)."""
    try:
        seen = health.observe(state.store, full=scope == "full")
    except redis.RedisError:
        return JSONResponse({"status": "unavailable", "scope": scope, "redis": "unavailable", "stories": None,
                             "reasons": ["Redis does not answer"]}, status_code=503)
    if scope == "api":
        return JSONResponse({"status": "ok", "scope": "api", "redis": "ok", "stories": seen.stories, "reasons": []})
    code, body = health.judge(seen, now=state.health.clock(), watch=state.health,
                              queue_visibility=state.config.queue_visibility)
    return JSONResponse(body, status_code=code)


@router.get("/metrics", response_class=PlainTextResponse, tags=["meta"],
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format."}})
def metrics(state: State) -> Response:
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

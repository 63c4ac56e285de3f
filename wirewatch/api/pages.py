"""The web page: a "full coverage" view of stories, server-rendered, with a little JavaScript.

``/`` lists story cards (newest updated first, topic chips, title search, older pages by cursor);
``/story/{id}`` shows one story's articles and a timeline of which outlet published when (also as
a fragment the list opens in place), and on its own page the story's provenance (which articles
are reprints, how each differs from the representative, how many outlets reported
independently); ``/fragments/card/{id}`` is one card, fetched by the page's script when a live
event says a story appeared or grew.

Jinja2 autoescaping is on for every template: titles, summaries and outlet names are text from
the web and are never trusted as HTML. Links to outlets are emitted only for http(s) URLs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jinja2
from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.templating import Jinja2Templates

from storage import queries
from storage.queries import valid_id
from storage.stories import provenance, resolve_story
from wirewatch.api import params
from wirewatch.api.feed_render import safe_url
from wirewatch.api.routes_json import story_query
from wirewatch.api.state import State

router = APIRouter(include_in_schema=False)
PALETTE = 8
# Members whose texts the story page compares (its provenance table); the API takes up to 500.
PROVENANCE_MEMBERS = 200


def outlet_class(name: str) -> str:
    """A colour class (``c0``..``c7``) for an outlet a story's own palette does not know."""
    return f"c{hashlib.blake2s(name.encode('utf-8'), digest_size=1).digest()[0] % PALETTE}"


def outlet_colors(view: queries.StoryView) -> dict[str, str]:
    """Colour classes for a story's outlets, distinct within the story (up to the palette's size),
    the same on its card chips and its timeline."""
    return {name: f"c{i % PALETTE}" for i, (name, _) in enumerate(view.outlets)}


def when(dt: datetime | None) -> str:
    return f"{dt.astimezone(UTC):%d %b %H:%M} UTC" if dt else "unknown"


def span(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes:02d}m" if minutes else f"{hours}h"
    return f"{hours // 24}d {hours % 24}h"


@dataclass(frozen=True, slots=True)
class Point:
    """One article on the story's timeline: ``x`` is its place (0-100) between first and last."""

    x: float
    lane: int
    at: datetime
    offset: str
    source: str
    title: str
    url: str | None
    css: str


def timeline(view: queries.StoryView) -> tuple[list[Point], list[tuple[str, str]]]:
    """Articles in publication order with their place on the axis, and the lanes: one per outlet,
    in order of first publication, with its colour class."""
    rows = sorted(zip(view.story.articles, view.article_times, strict=True), key=lambda r: (r[1], r[0].source))
    if not rows:
        return [], []
    start, end = rows[0][1], rows[-1][1]
    width = max(end - start, 1.0)
    colors = outlet_colors(view)
    lanes: list[str] = []
    for art, _ in rows:
        if art.source not in lanes:
            lanes.append(art.source)
    points = [
        Point(
            x=round(2 + 96 * (t - start) / width, 2),
            lane=lanes.index(art.source),
            at=datetime.fromtimestamp(t, tz=UTC),
            offset="first" if t == start else "+" + span(t - start),
            source=art.source,
            title=art.title or art.url,
            url=safe_url(art.url),
            css=colors.get(art.source) or outlet_class(art.source),
        )
        for art, t in rows
    ]
    return points, [(name, colors.get(name) or outlet_class(name)) for name in lanes]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("wirewatch.api", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=when, outlet_class=outlet_class, safe_url=safe_url)
    env.globals.update(span=span, outlet_colors=outlet_colors)
    return env


templates = Jinja2Templates(env=_environment())


def _topics(state: Any) -> list[str]:
    stored = [t.name for t in queries.stored_topics(state.store) if t.stories]
    return sorted(set(stored) | set(state.catalog.topics()))


@router.get("/", response_class=HTMLResponse)
def index(
    request: Request,
    state: State,
    topic: str | None = Query(None),
    q: str | None = Query(None),
    cursor: str | None = Query(None),
    source: str | None = Query(None),
) -> Response:
    error = None
    page = queries.StoryPage([], None)
    try:
        query = story_query(state, limit=state.config.page_size, cursor=cursor, topic=topic, source=source,
                            since=None, until=None, min_size=1, q=q, max_articles=0)
        page = queries.query_stories(state.store, query)
    except HTTPException as exc:
        error = str(exc.detail)
    context = {
        "views": page.stories,
        "next_cursor": page.next_cursor.encode() if page.next_cursor else None,
        "topics": _topics(state),
        # a refused value is not echoed back into the page (it may hold anything, NULs included)
        "topic": topic if topic and topic != "all" and error is None else None,
        "q": q or "",
        "source": (source or "") if error is None else "",
        "paged": bool(cursor),
        "error": error,
    }
    return templates.TemplateResponse(request, "index.html", context, status_code=400 if error else 200)


def _story_or_404(state: Any, story_id: str, *, max_articles: int = queries.MAX_ARTICLES) -> queries.StoryView:
    params.check_id("story", story_id)
    view = queries.story_view(state.store, story_id, max_articles=max_articles)
    if view is None:
        raise params.bad_request(f"no such story: {story_id!r}", 404)
    return view


@router.get("/story/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str, state: State, partial: bool = Query(False)) -> Response:
    try:
        view = _story_or_404(state, story_id)
    except HTTPException as exc:
        root = resolve_story(state.store, story_id) if exc.status_code == 404 and valid_id(story_id) else story_id
        if root != story_id:  # merged into another story since the link was made
            return RedirectResponse(str(request.url_for("story_page", story_id=root)), status_code=307)
        return templates.TemplateResponse(
            request, "index.html",
            {"views": [], "topics": _topics(state), "topic": None, "q": "", "source": "", "paged": False,
             "next_cursor": None, "error": str(exc.detail)},
            status_code=exc.status_code,
        )
    points, lanes = timeline(view)
    context: dict[str, Any] = {"view": view, "points": points, "lanes": lanes, "provenance": None, "sources": {}}
    if not partial:
        prov = provenance(state.store, view.story.id, shingle_size=state.config.shingle_size,
                          limit=PROVENANCE_MEMBERS)
        context["provenance"] = prov
        context["sources"] = {m.article_id: m.source for m in prov.members} if prov else {}
    return templates.TemplateResponse(request, "_detail.html" if partial else "story.html", context)


@router.get("/fragments/card/{story_id}", response_class=HTMLResponse)
def card_fragment(request: Request, story_id: str, state: State, topic: str | None = Query(None)) -> Response:
    view = _story_or_404(state, story_id, max_articles=0)
    if topic and topic != "all" and topic not in view.story.topics:
        return Response(status_code=204)
    return templates.TemplateResponse(request, "_card.html", {"view": view})

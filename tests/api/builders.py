"""Stories in Redis for API tests, written by the real ingest path (``StoryIndex.add``).

The texts are the invented wire stories of ``data/stories.json``: each article reprints its
story's text with its own closing sentence, so the real dedupe clusters them into that story.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawlers.urls import url_id
from dedupe import DedupeConfig, fingerprint
from storage.connection import Store
from storage.story_index import ArticleRecord, Assignment, StoryIndex

FIXTURE = Path(__file__).parent / "data" / "stories.json"
# A fixed, recent-looking moment (2026-01-01T00:00:00Z), so tests never depend on the clock.
BASE = 1_767_225_600.0
STORY_SPACING = 3 * 3600.0
INGEST_DELAY = 120.0


def load_fixture() -> list[dict[str, Any]]:
    return list(json.loads(FIXTURE.read_text(encoding="utf-8"))["stories"])


@dataclass
class Ingested:
    stories: dict[str, str] = field(default_factory=dict)  # fixture key -> story id
    articles: dict[str, list[str]] = field(default_factory=dict)  # fixture key -> article ids
    titles: dict[str, str] = field(default_factory=dict)  # article id -> title
    last_now: float = 0.0


def add_article(
    index: StoryIndex,
    *,
    source: str,
    title: str,
    text: str,
    published: float | None,
    topics: tuple[str, ...],
    now: float,
    url: str | None = None,
) -> Assignment:
    url = url or f"https://{source}.example/news/{url_id(source + title + text)[:10]}"
    record = ArticleRecord(
        id=url_id(url), url=url, canonical_url=url, source=source, title=title, text=text, authors=(),
        published=published, language="en", site_name=source, topics=topics, guid=None,
    )
    return index.add(record, fingerprint(text, title, index.config), now=now)


def ingest_fixture(store: Store, *, base: float = BASE, only: tuple[str, ...] | None = None) -> Ingested:
    """Every fixture article, in publication order across stories (as a crawler would see them)."""
    index = StoryIndex(store, DedupeConfig())
    planned = []
    for i, story in enumerate(load_fixture()):
        if only is not None and story["key"] not in only:
            continue
        for art in story["articles"]:
            planned.append((base + i * STORY_SPACING + art["minutes"] * 60.0, story, art))
    planned.sort(key=lambda p: p[0])
    out = Ingested()
    for published, story, art in planned:
        now = published + INGEST_DELAY
        result = add_article(
            index, source=art["source"], title=art["title"], text=story["text"] + " " + art["tail"],
            published=published, topics=tuple(story["topics"]), now=now, url=art.get("url"),
        )
        out.stories.setdefault(story["key"], result.story_id)
        out.articles.setdefault(story["key"], []).append(result.article_id)
        out.titles[result.article_id] = art["title"]
        out.last_now = now
    return out

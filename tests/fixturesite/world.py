"""The fixture world: outlets, their articles, and the ground truth tests check a crawl against.

A ``World`` is built by ``build_world`` (pure, from a seed) and may then be changed while it is
served: ``add_article`` and ``add_wire_reprint`` append to an outlet, which changes its feed, sitemap
and section page (and so their ETags). All reads and writes go through one lock because the HTTP
server's threads render pages while a test mutates the world.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit, urlunsplit

import yaml

from tests.fixturesite import articles as make
from tests.fixturesite import prose, wire
from tests.fixturesite.records import FixtureArticle, Outlet

if TYPE_CHECKING:
    from tests.fixturesite.routes import Document

SourceKind = Literal["feed", "sitemap", "site"]

# Topic rules in DESIGN.md's format. Every Ukraine story matches "ukraine"; off-topic stories
# (Sudan, markets) never do, and only the Sudan ones match "sudan".
TOPICS: dict[str, dict[str, list[str]]] = {
    "ukraine": {"any": ["Ukraine", "Ukrainian", "Kyiv", "Kharkiv", "Odesa", "Zaporizhzhia", "Donetsk"]},
    "sudan": {"any": ["Sudan", "Sudanese", "Khartoum", "Darfur"]},
}


def _strip_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class World:
    """A generated news world. Read it through the properties; they return snapshots."""

    def __init__(
        self,
        *,
        seed: int,
        now: datetime,
        outlets: Sequence[Outlet],
        articles: Sequence[FixtureArticle],
        wires: Sequence[wire.WireStory],
    ) -> None:
        self.seed = seed
        self.now = now
        self._lock = threading.RLock()
        self._outlets = list(outlets)
        self._articles = list(articles)
        self._wires = {w.key: w for w in wires}
        self._rng = random.Random(f"wirewatch-fixture:{seed}:mutations")
        self._documents: dict[tuple[int, str], Document] = {}
        self.version = 0

    # -- ground truth -------------------------------------------------------------------------

    @property
    def outlets(self) -> tuple[Outlet, ...]:
        with self._lock:
            return tuple(self._outlets)

    @property
    def articles(self) -> tuple[FixtureArticle, ...]:
        with self._lock:
            return tuple(self._articles)

    @property
    def article_urls(self) -> tuple[str, ...]:
        return tuple(a.url for a in self.articles)

    @property
    def wire_story_urls(self) -> tuple[str, ...]:
        """The reprints of the world's headline wire story (four outlets, unless more were added)."""
        return self.wire_clusters["wire-00"]

    @property
    def wire_clusters(self) -> dict[str, tuple[str, ...]]:
        """Every wire story's reprint URLs: the clusters deduplication must find."""
        clusters: dict[str, list[str]] = {key: [] for key in self._wires}
        for a in self.articles:
            if a.story is not None:
                clusters[a.story].append(a.url)
        return {key: tuple(urls) for key, urls in clusters.items()}

    @property
    def unrelated_urls(self) -> tuple[str, ...]:
        """Own reporting on the same war: same places and names, different events."""
        return tuple(a.url for a in self.articles if a.kind == "report")

    @property
    def off_topic_urls(self) -> tuple[str, ...]:
        return tuple(a.url for a in self.articles if a.kind == "off-topic")

    @property
    def junk_phrases(self) -> tuple[str, ...]:
        """Boilerplate sentences found on pages that must never reach stored article text."""
        return tuple(dict.fromkeys(p for a in self.articles for p in a.junk_phrases))

    @property
    def topics(self) -> dict[str, dict[str, list[str]]]:
        return {name: {k: list(v) for k, v in rule.items()} for name, rule in TOPICS.items()}

    def outlet(self, key: str | int) -> Outlet:
        with self._lock:
            if isinstance(key, int):
                return self._outlets[key]
            for outlet in self._outlets:
                if key in (outlet.slug, outlet.name, outlet.host):
                    return outlet
        raise KeyError(f"no outlet {key!r}")

    def article(self, key: str) -> FixtureArticle:
        """Look an article up by id, canonical URL or feed link (tracking parameters ignored)."""
        clean = _strip_query(key)
        for a in self.articles:
            if key == a.id or clean == a.url:
                return a
        raise KeyError(f"no article {key!r}")

    def articles_of(self, outlet: str | int) -> list[FixtureArticle]:
        """An outlet's articles, newest first (the order of its feed and section page)."""
        slug = self.outlet(outlet).slug
        found = [a for a in self.articles if a.outlet == slug]
        return sorted(found, key=lambda a: (a.published, a.number), reverse=True)

    def wire_story(self, key: str = "wire-00") -> wire.WireStory:
        return self._wires[key]

    # -- serving ------------------------------------------------------------------------------

    def bind(self, base_urls: Sequence[str]) -> None:
        """Re-address every outlet and article to where the site is actually served."""
        with self._lock:
            if len(base_urls) != len(self._outlets):
                raise ValueError(f"{len(self._outlets)} base URLs needed, got {len(base_urls)}")
            moved = {}
            for outlet, base in zip(self._outlets, base_urls, strict=True):
                moved[outlet.slug] = dataclasses.replace(outlet, base_url=base.rstrip("/"))
            self._outlets = [moved[o.slug] for o in self._outlets]
            self._articles = [self._readdress(a, moved[a.outlet]) for a in self._articles]
            self._changed()

    @staticmethod
    def _readdress(article: FixtureArticle, outlet: Outlet) -> FixtureArticle:
        url = outlet.url(article.path)
        query = urlsplit(article.link).query
        return dataclasses.replace(article, url=url, link=f"{url}?{query}" if query else url)

    def document(self, outlet_index: int, path: str) -> Document | None:
        """The rendered document at ``path`` on an outlet (cached until the world changes)."""
        from tests.fixturesite import routes

        with self._lock:
            key = (outlet_index, path)
            if key not in self._documents:
                doc = routes.render(self, self._outlets[outlet_index], path)
                if doc is None:
                    return None
                self._documents[key] = doc
            return self._documents[key]

    def _changed(self) -> None:
        self._documents.clear()
        self.version += 1

    # -- mutations ----------------------------------------------------------------------------

    def _next_slot(self, outlet: Outlet) -> tuple[int, datetime]:
        number = 1 + max((a.number for a in self._articles if a.outlet == outlet.slug), default=0)
        # Strictly newer than anything in the world, so feeds' Last-Modified moves forward.
        latest = max((a.updated for a in self._articles), default=self.now)
        return number, latest + timedelta(hours=1)

    def add_article(self, outlet: str | int, *, event: str = "strike") -> FixtureArticle:
        """Publish a new own-reporting article on ``outlet``; its feed and sitemap list it first."""
        with self._lock:
            target = self.outlet(outlet)
            number, published = self._next_slot(target)
            rng = random.Random(f"{self.seed}:added:{target.slug}:{number}:{self._rng.random()}")
            story = prose.write_story(rng, event)
            article = make.report(target, number, story, published, rng)
            self._articles.append(article)
            self._changed()
            return article

    def add_wire_reprint(self, outlet: str | int, story: str = "wire-00") -> FixtureArticle:
        """Publish one more copy of a wire story (by default the headline one) on ``outlet``."""
        with self._lock:
            target = self.outlet(outlet)
            number, published = self._next_slot(target)
            rng = random.Random(f"{self.seed}:reprint:{target.slug}:{number}:{self._rng.random()}")
            copies = sum(1 for a in self._articles if a.story == story)
            plan = wire.random_plan(rng, copies)
            article = make.reprint(target, number, self._wires[story], plan, published, rng)
            self._articles.append(article)
            self._changed()
            return article

    # -- configuration ------------------------------------------------------------------------

    def sources_yaml(self, path: str | Path, kind: SourceKind = "feed", every: str = "10m") -> Path:
        """Write a sources file (DESIGN.md's format) listing every outlet, plus the topic rules."""
        if kind not in ("feed", "sitemap", "site"):
            raise ValueError(f"kind must be feed, sitemap or site, not {kind!r}")
        urls = {"feed": lambda o: o.feed_url, "sitemap": lambda o: o.sitemap_url,
                "site": lambda o: o.section_url}[kind]
        document = {
            "topics": self.topics,
            "sources": [
                {"name": o.slug, "kind": kind, "url": urls(o), "every": every} for o in self.outlets
            ],
        }
        target = Path(path)
        target.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return target

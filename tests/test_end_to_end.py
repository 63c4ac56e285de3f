"""The whole pipeline on real parts: `wirewatch run --once` against the fixture news site, then
`wirewatch stories --json`. Reprints form one story, unrelated reporting stays apart, no
boilerplate reaches stored text, and a second run adds nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storage.connection import Store
from storage.stories import get_article
from tests.fixturesite import build_world, serve_world

WIREWATCH = [sys.executable, "-m", "wirewatch"]


def wirewatch(args: list[str], env: dict[str, str], timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*WIREWATCH, *args], env=env, capture_output=True, text=True, timeout=timeout)


def stories_by_url(env: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    out = wirewatch(["stories", "--json", "--limit", "1000"], env)
    assert out.returncode == 0, out.stderr
    stories = [json.loads(line) for line in out.stdout.splitlines()]
    where = {a["url"]: s["id"] for s in stories for a in s["articles"]}
    return stories, where


def check_world(world: Any, stories: list[dict[str, Any]], where: dict[str, str]) -> None:
    wire_urls = [world.article(u).url for u in world.wire_story_urls]
    assert len(wire_urls) == 4
    missing = [u for u in wire_urls if u not in where]
    assert not missing, f"reprints not stored: {missing}"
    wire_story = {where[u] for u in wire_urls}
    assert len(wire_story) == 1, f"the 4 reprints are split over {wire_story}"
    (story_id,) = wire_story
    (story,) = [s for s in stories if s["id"] == story_id]
    assert story["size"] == 4
    assert len({a["source"] for a in story["articles"]}) == 4
    for url in world.unrelated_urls:
        canonical = world.article(url).url
        assert canonical in where, f"unrelated article not stored: {canonical}"
        assert where[canonical] != story_id, f"{canonical} glued to the wire story"
    # every article of the world is stored exactly once
    assert sorted(where) == sorted(world.article(u).url for u in world.article_urls)


def test_run_once_end_to_end(tmp_path: Path, cli_env: dict[str, str], store: Store) -> None:
    world = build_world()
    with serve_world(world) as site:
        sources = world.sources_yaml(tmp_path / "sources.yaml")
        first = wirewatch(["run", "--once", "--sources", str(sources)], cli_env)
        assert first.returncode == 0, first.stderr
        # one progress line per source, naming what happened
        for outlet in world.outlets:
            assert f"{outlet.slug}: fetched" in first.stderr, first.stderr

        stories, where = stories_by_url(cli_env)
        check_world(world, stories, where)

        # no boilerplate (comments, bios, related lists, newsletter, cookie banner) in stored text
        for s in stories:
            for a in s["articles"]:
                art = get_article(store, a["id"])
                assert art is not None and len(art.text) > 500
                leaked = [j for j in world.junk_phrases if j in art.text]
                assert not leaked, f"{a['url']}: boilerplate stored: {leaked[:3]}"
        # robots.txt obeyed: the disallowed drafts page was never requested
        assert not site.requests_for(prefix="/private/")
        # outlets whose feed carries the whole article (content:encoded, Atom content) are not
        # crawled page by page; the others are
        for outlet in world.outlets:
            pages = [r for r in site.requests_for(outlet.slug) if r.path not in ("/robots.txt", outlet.feed_path)]
            if outlet.index % 6 in (0, 3):
                assert not pages, f"{outlet.slug}: full-text feed, yet pages fetched: {pages[:2]}"
            else:
                assert len(pages) == len(world.articles_of(outlet.slug)), outlet.slug

        n_articles = store.text.zcard(store.keys.articles_by_time)
        n_events = store.text.xlen(store.keys.events)
        site.clear_requests()
        second = wirewatch(["run", "--once", "--sources", str(sources)], cli_env)
        assert second.returncode == 0, second.stderr
        assert "0 new article(s)" in second.stderr
        assert store.text.zcard(store.keys.articles_by_time) == n_articles
        assert store.text.xlen(store.keys.events) == n_events
        # conditional GET: the second pass fetched feeds only (answered 304), no article page
        fetched = [r for r in site.requests if r.path != "/robots.txt"]
        assert fetched and all(r.path == o.feed_path for r in fetched for o in [world.outlet(r.outlet)])
        assert all(r.status == 304 for r in fetched)

        # a new item in one feed: the feed changes, and only the new article page is fetched
        # (every other entry is known by GUID and canonical URL)
        fresh = world.add_article(1)
        site.clear_requests()
        third = wirewatch(["run", "--once", "--sources", str(sources)], cli_env)
        assert third.returncode == 0, third.stderr
        assert "1 new article(s)" in third.stderr, third.stderr
        outlet1 = world.outlets[1]
        pages = [r.path for r in site.requests_for(outlet1.slug) if r.path not in ("/robots.txt", outlet1.feed_path)]
        assert len(pages) == 1 and fresh.url.endswith(pages[0].split("?")[0]), pages
        assert store.text.zcard(store.keys.articles_by_time) == n_articles + 1


@pytest.mark.parametrize("kind", ["sitemap", "site"])
def test_sitemap_and_section_page_sources(kind: str, tmp_path: Path, cli_env: dict[str, str], store: Store) -> None:
    world = build_world()
    with serve_world(world):
        sources = world.sources_yaml(tmp_path / "sources.yaml", kind=kind)
        run = wirewatch(["run", "--once", "--sources", str(sources)], cli_env)
        assert run.returncode == 0, run.stderr
        stories, where = stories_by_url(cli_env)
        check_world(world, stories, where)


def test_embedded_redis_without_any_url(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """With neither WIREWATCH_REDIS_URL nor REDIS_URL, the data lands in the embedded Redis's file
    under WIREWATCH_DATA_DIR and is there for the next process."""
    env = {k: v for k, v in cli_env.items() if k not in ("WIREWATCH_REDIS_URL", "REDIS_URL")}
    env["WIREWATCH_DATA_DIR"] = str(tmp_path / "embedded")
    world = build_world()
    with serve_world(world):
        sources = world.sources_yaml(tmp_path / "sources.yaml")
        run = wirewatch(["run", "--once", "--sources", str(sources)], env)
        assert run.returncode == 0, run.stderr
        assert "embedded" in run.stderr
    assert (tmp_path / "embedded" / "wirewatch.rdb").exists()
    stories, where = stories_by_url(env)
    check_world(world, stories, where)
    assert os.environ.get("WIREWATCH_DATA_DIR") != env["WIREWATCH_DATA_DIR"]

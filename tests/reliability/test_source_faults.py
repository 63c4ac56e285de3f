"""Misbehaving sources under ``wirewatch run --once``: servers that hang, trickle, fail, redirect
forever, send 30 MB or endless bodies, gzip bombs, HTML as RSS, binary as HTML, close mid-body, or
whose names do not resolve. Each bad source fails with one clear line; the good ones lose nothing;
the run ends in bounded time and memory.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from storage.connection import Store
from tests.fixturesite import build_world, serve_world
from tests.reliability.docserver import DocServer
from tests.reliability.procs import refused, run_measured

pytestmark = pytest.mark.slow

TIMEOUT = 3  # seconds: WIREWATCH_DOWNLOAD_TIMEOUT for these runs (the slow routes take 10)
# The whole run: every fault at most two timeouts (one retry), all in parallel, plus start-up.
RUN_SECONDS = 240
MAX_RSS_MB = 1024  # the gzip bomb inflates to 100 MiB and the big bodies stream 30-256 MiB

FAULTS = {
    "slow-headers": "/fault/slow-headers?seconds=10",
    "slow-body": "/fault/slow-body?seconds=10",
    "status-500": "/fault/status/500",
    "status-503": "/fault/status/503",
    "status-429": "/fault/status/429",
    "redirect-loop": "/fault/redirect-loop",
    "big-30mb": "/fault/big/30",
    "endless-body": "/fault/big/256?chunked",
    "gzip-bomb": "/fault/gzip-bomb",
    "html-as-rss": "/fault/html-as-rss",
    "binary-as-html": "/fault/binary-as-html",
    "close-mid-body": "/fault/close-mid-body",
}
WHY = {  # what the one line says, per fault
    "slow-headers": r"(?i)timeout|timed out|took longer",
    "slow-body": r"(?i)timeout|timed out|took longer",
    "status-500": r"HTTP 500",
    "status-503": r"HTTP 503",
    "status-429": r"HTTP 429",
    "redirect-loop": r"(?i)redirect",
    "big-30mb": r"(?i)max ?size|larger than|too large|cancel",
    "endless-body": r"(?i)max ?size|larger than|too large|cancel",
    "gzip-bomb": r"(?i)max ?size|larger than|too large|cancel|inflate",
    "html-as-rss": r"(?i)HTML page, not a feed",
    "binary-as-html": r"(?i)binary|not a feed|not an XML",
    "close-mid-body": r"(?i)connection|lost|loss|partial|closed",
    "dns-failure": r"(?i)DNS|resolve",
}


def stored_urls(store: Store) -> set[str]:
    ids = store.text.zrange(store.keys.articles_by_time, 0, -1)
    pipe = store.text.pipeline(transaction=False)
    for aid in ids:
        pipe.hget(store.keys.article(aid), "url")
    return {u for u in pipe.execute() if u}


def summary_lines(stderr: str, name: str) -> list[str]:
    return [line for line in stderr.splitlines() if f" {name}: FAILED " in line or f" {name}: fetched " in line]


def test_bad_listings_fail_alone_with_one_clear_line(
    tmp_path: Path, cli_env: dict[str, str], plain_env: dict[str, str], netlog: Path, store: Store
) -> None:
    world = build_world()
    with serve_world(world) as site:
        bad_outlet = world.outlets[0]
        good = world.outlets[1:]
        sources = [{"name": f"fault-{name}", "kind": "feed", "url": site.url(bad_outlet.slug, path), "every": "1h"}
                   for name, path in FAULTS.items()]
        sources.append({"name": "fault-dns-failure", "kind": "feed", "url": "http://no-such-host.invalid/feed/",
                        "every": "1h"})
        sources += [{"name": o.slug, "kind": "feed", "url": o.feed_url, "every": "1h"} for o in good]
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"topics": world.topics, "sources": sources}))
        env = {**plain_env, "WIREWATCH_REDIS_URL": cli_env["WIREWATCH_REDIS_URL"],
               "WIREWATCH_DOWNLOAD_TIMEOUT": str(TIMEOUT)}
        done = run_measured(["run", "--once", "--sources", str(path)], env, timeout=RUN_SECONDS + 60)
        wanted = {world.article(u).url for u in world.article_urls
                  if world.article(u).outlet in {o.slug for o in good}}
        hits = site.requests
    print(f"run --once over {len(sources)} sources: {done.seconds:.1f}s, peak RSS {done.max_rss_mb:.0f} MB")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert done.seconds < RUN_SECONDS and done.max_rss_mb < MAX_RSS_MB
    for name in [*FAULTS, "dns-failure"]:
        lines = summary_lines(done.stderr, f"fault-{name}")
        assert len(lines) == 1 and "FAILED" in lines[0], (name, lines)
        assert re.search(WHY[name], lines[0]), (name, lines[0])
    assert f"{len(FAULTS) + 1} failed source(s)" in done.stderr
    for outlet in good:
        (line,) = summary_lines(done.stderr, outlet.slug)
        assert "FAILED" not in line
    assert stored_urls(store) == wanted  # the good sources lost nothing to their neighbours' faults
    assert refused(netlog) == ["dns no-such-host.invalid"] * len(refused(netlog)) and refused(netlog)
    # a redirect loop is cut after REDIRECT_MAX_TIMES hops, not followed forever
    assert len([h for h in hits if h.path.startswith("/fault/redirect-loop")]) <= 2 * 6


def test_retry_after_is_respected_within_a_run(tmp_path: Path, cli_env: dict[str, str], plain_env: dict[str, str]) -> None:
    """A server that answers 429 or 503 with ``Retry-After: 2`` is not asked again sooner."""
    with DocServer() as site:
        sources = [{"name": f"s{code}", "kind": "feed", "every": "1h",
                    "url": site.put(f"/busy{code}", b"busy", status=code, headers={"Retry-After": "2"})}
                   for code in (429, 503)]
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": sources}))
        env = {**plain_env, "WIREWATCH_REDIS_URL": cli_env["WIREWATCH_REDIS_URL"]}
        done = run_measured(["run", "--once", "--sources", str(path)], env, timeout=120)
        assert done.returncode == 0, done.stderr
        times = {p: [h.at for h in site.hits_for(p)] for p in ("/busy429", "/busy503")}
    assert all(times.values()), times
    for route, seen in times.items():
        gaps = [b - a for a, b in pairwise(seen)]
        print(route, len(seen), "request(s), gaps", [round(g, 2) for g in gaps])
        assert all(gap >= 1.8 for gap in gaps), (route, gaps)  # 2 s, less clock granularity


def test_bad_article_pages_cost_only_themselves(
    tmp_path: Path, cli_env: dict[str, str], plain_env: dict[str, str], store: Store
) -> None:
    """One feed whose links point at every kind of broken page, among good ones: the good articles
    are stored, each bad one is one line, and the run itself succeeds."""
    world = build_world()
    with serve_world(world) as site, DocServer() as feeds:
        outlet = world.outlets[0]
        good = [a for a in world.articles if a.outlet == outlet.slug][:3]
        bad_links = {name: site.url(outlet.slug, p) for name, p in FAULTS.items()}
        bad_links["dns-failure"] = "http://no-such-host.invalid/2024/03/15/story/"
        bad_links["redirect-to-nowhere"] = site.url(outlet.slug, "/fault/redirect-to/" + quote(
            "http://no-such-host.invalid/x", safe=""))
        links = [a.url for a in good] + list(bad_links.values())
        items = "".join(f"<item><title>t{i}</title><link>{u.replace('&', '&amp;')}</link><guid>g{i}</guid></item>"
                        for i, u in enumerate(links))
        feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>mixed</title>{items}</channel></rss>'
        url = feeds.put("/mixed.xml", feed.encode(), "application/rss+xml")
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": [{"name": "mixed", "kind": "feed", "url": url, "every": "1h"}]}))
        env = {**plain_env, "WIREWATCH_REDIS_URL": cli_env["WIREWATCH_REDIS_URL"],
               "WIREWATCH_DOWNLOAD_TIMEOUT": str(TIMEOUT), "WIREWATCH_PER_DOMAIN_CONCURRENCY": "8"}
        done = run_measured(["run", "--once", "--sources", str(path)], env, timeout=RUN_SECONDS + 60)
        wanted = {a.url for a in good}
    print(f"run --once over {len(links)} article pages: {done.seconds:.1f}s, peak RSS {done.max_rss_mb:.0f} MB")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert done.seconds < RUN_SECONDS and done.max_rss_mb < MAX_RSS_MB
    assert stored_urls(store) == wanted
    (line,) = summary_lines(done.stderr, "mixed")
    assert "FAILED" not in line and f"new {len(good)}" in line
    errors = int(re.search(r"errors (\d+)", line).group(1))  # type: ignore[union-attr]
    assert errors == len(bad_links), line
    shown = {**bad_links, "redirect-to-nowhere": "http://no-such-host.invalid/x"}  # logged where it failed
    for name, link in shown.items():
        about = [ln for ln in done.stderr.splitlines() if link in ln and ("failed" in ln or "refused" in ln)]
        assert about, (name, link, done.stderr[-4000:])


def test_a_malformed_link_on_a_section_page_costs_only_itself(
    tmp_path: Path, cli_env: dict[str, str], plain_env: dict[str, str], store: Store
) -> None:
    world = build_world()
    with serve_world(world), DocServer() as pages:
        good = [a for a in world.articles if a.outlet == world.outlets[0].slug][:3]
        hrefs = ["http://[::1/2024/03/15/a-b-c/", "http://a:99999/2024/03/15/d-e-f/", "javascript:alert(1)",
                 *(a.url for a in good)]
        body = "".join(f'<li><a href="{h}">link {i}</a></li>' for i, h in enumerate(hrefs))
        section = pages.put("/world/", f"<!DOCTYPE html><html><body><ul>{body}</ul></body></html>".encode())
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": [{"name": "section", "kind": "site", "url": section,
                                                     "every": "1h", "follow": "li a"}]}))
        done = run_measured(["run", "--once", "--sources", str(path)],
                            {**plain_env, "WIREWATCH_REDIS_URL": cli_env["WIREWATCH_REDIS_URL"]}, timeout=120)
        wanted = {a.url for a in good}
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert stored_urls(store) == wanted


def test_an_article_page_that_failed_once_is_fetched_again(
    tmp_path: Path, cli_env: dict[str, str], plain_env: dict[str, str], store: Store
) -> None:
    """A transient 503 (or timeout) on one article page must not lose it: the feed does not change,
    so only a run that keeps no validators after such a failure will ask for the page again."""
    from tests.reliability.docserver import Doc

    world = build_world()
    picked = [world.article(u) for u in world.unrelated_urls[:2]]
    with DocServer() as site:
        pages = [f"<!DOCTYPE html><html><head><title>{a.title}</title></head><body><article><h1>{a.title}</h1>"
                 + "".join(f"<p>{p}</p>" for p in a.text.split("\n") if p.strip()) + "</article></body></html>"
                 for a in picked]
        links = [site.put("/a0", pages[0].encode()),
                 site.put("/a1", [Doc(b"busy", status=503), Doc(b"busy", status=503), Doc(pages[1].encode())])]
        items = "".join(f"<item><title>t{i}</title><link>{u}</link><guid>g{i}</guid></item>" for i, u in enumerate(links))
        feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'.encode()
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": [{"name": "flaky-article", "kind": "feed", "every": "1h",
                                                     "url": site.put("/feed.xml", feed, "application/rss+xml")}]}))
        env = {**plain_env, "WIREWATCH_REDIS_URL": cli_env["WIREWATCH_REDIS_URL"]}
        for _ in range(2):  # the page fails on the first run (and its one retry); the second run must ask again
            done = run_measured(["run", "--once", "--sources", str(path)], env, timeout=120)
            assert done.returncode == 0, done.stderr
    assert stored_urls(store) == set(links)

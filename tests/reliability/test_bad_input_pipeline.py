"""The whole bad-input corpus through the crawl pipeline: one ``wirewatch run --once`` where every
bad feed is a source and every bad HTML page an article of a feed, served from loopback under 16
host names (the network shim resolves them). No traceback, one line per source, bounded time and
memory, no file or network access caused by a document, and the readable pages stored right.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from storage.connection import Store
from tests.reliability.corpus import HTML, SECRET, Tripwire, documents
from tests.reliability.docserver import DocServer
from tests.reliability.procs import refused, run_measured, shimmed

pytestmark = pytest.mark.slow

HOSTS = 16
# measured: 16-50 s (the 5 MB page alone takes 14 s on a busy 2-core machine). Kept under
# pytest-timeout's 300 s (pyproject.toml): run_measured kills the daemon at this deadline, while
# pytest-timeout would end the test first and leave the daemon running.
RUN_SECONDS = 240
MAX_RSS_MB = 1536  # measured: 250-650 MB peak for the whole run


def test_every_bad_document_through_the_daemon(
    tmp_path: Path, cli_env: dict[str, str], plain_env: dict[str, str], netlog: Path, tripwire: Tripwire,
    store: Store,
) -> None:
    docs = documents(tripwire)
    with DocServer() as site:

        def on_host(path: str, i: int) -> str:
            return site.url(path).replace("//127.0.0.1:", f"//h{i % HOSTS}.corpus.test:")

        sources, items, pages = [], [], {}
        for i, (name, body) in enumerate(sorted(docs.items())):
            if name.startswith("feed__"):
                site.put(f"/feeds/{name}", body, "application/rss+xml")
                # only links back to the corpus hosts are followed: a bad feed's own links lead nowhere
                sources.append({"name": f"f{i}", "kind": "feed", "every": "1h", "url": on_host(f"/feeds/{name}", i),
                                "include": [r"^http://h\d+\.corpus\.test"]})
            else:
                site.put(f"/html/{name}", body, "text/html; charset=utf-8")
                pages[name] = on_host(f"/html/{name}", i)
                items.append(f"<item><title>{i}</title><link>{pages[name]}</link><guid>{name}</guid></item>")
        feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>corpus pages</title>'
                + "".join(items) + "</channel></rss>").encode()
        sources.append({"name": "html-pages", "kind": "feed", "every": "1h",
                        "url": on_host("/html-feed.xml", 0)})
        site.put("/html-feed.xml", feed, "application/rss+xml")
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": sources}))
        env = shimmed({**plain_env, "WIREWATCH_REDIS_URL": cli_env["WIREWATCH_REDIS_URL"],
                       "WIREWATCH_CONCURRENCY": "32"}, netlog, {f"h{i}.corpus.test": "127.0.0.1" for i in range(HOSTS)})
        done = run_measured(["run", "--once", "--sources", str(path)], env, timeout=RUN_SECONDS)
        fetched_pages = {h.path for h in site.hits if h.path.startswith("/html/")}
    print(f"{len(docs)} documents, {len(sources)} sources: {done.seconds:.0f}s, peak RSS {done.max_rss_mb:.0f} MB")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.seconds < RUN_SECONDS and done.max_rss_mb < MAX_RSS_MB
    assert "Traceback" not in done.stderr
    assert f"done: {len(sources)} source run(s)" in done.stderr
    for source in sources:  # one summary line per source, whatever its document did
        lines = [ln for ln in done.stderr.splitlines() if re.search(rf" {source['name']}: (FAILED|fetched) ", ln)]
        assert len(lines) == 1, (source["url"], lines)
    html_line = next(ln for ln in done.stderr.splitlines() if " html-pages: " in ln)
    assert "FAILED" not in html_line
    assert not tripwire.hits  # no document made a parser open the marker file or call the trap server
    assert refused(netlog) == []  # nor resolve or connect to anything but the corpus hosts
    # the pages that must be read (lying encodings, non-charset declarations) are stored, and right
    ids = store.text.zrange(store.keys.articles_by_time, 0, -1)
    pipe = store.text.pipeline(transaction=False)
    for aid in ids:
        pipe.hmget(store.keys.article(aid), "url", "text")
    stored = {url: text for url, text in pipe.execute()}
    checked = 0
    for name, url in pages.items():
        expect = HTML.expectation(name.removeprefix("html__"))
        if "text" in expect:
            checked += 1
            assert url in stored, (name, html_line)
            assert expect["text"] in stored[url], name
        elif "error" in expect and f"/html/{name}" in fetched_pages:
            assert url not in stored, name
    assert checked >= 25
    assert not any(SECRET in text or "root:x:0:0" in text for text in stored.values())

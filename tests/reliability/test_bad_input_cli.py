"""Every document of the bad-input corpus (feeds and HTML pages, committed and built at test time)
through ``wirewatch parse-feed`` and ``wirewatch extract``: no traceback, no hang, bounded memory,
one clear line for an unusable document, and no file or network access caused by a document.

The documents run in one runner process (``corpus_runner.py``); a few go through real
``wirewatch`` processes too, where nothing intercepts stderr or logging.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.corpus import HTML, REPO, SECRET, Tripwire, write_documents

# A document taking longer than this is hung (the daemon's own download timeout is 20 s; the slowest
# document, a 5 MB page of 50,000 paragraphs, takes about 14 s on a busy 2-core machine).
PER_DOCUMENT_SECONDS = 60.0
# Peak resident memory of the runner while one document is processed (imports included: ~180 MB;
# the largest measured, a 4 MB text node, ~330 MB).
PEAK_RSS_MB = 1024.0
RUNNER_TIMEOUT = 900.0


def _run_corpus(tmp: Path, tripwire: Tripwire) -> tuple[list[dict[str, Any]], dict[str, int], str]:
    docs = tmp / "docs"
    sizes = write_documents(docs, tripwire)
    out = tmp / "results.jsonl"
    errors = tmp / "runner-stderr.txt"
    with errors.open("w") as err_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.corpus_runner", str(docs), str(out), "--limit",
             str(PER_DOCUMENT_SECONDS)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=err_file, text=True,
        )
        progress: list[str] = []

        def read() -> None:
            assert proc.stdout is not None
            progress.extend(line.strip() for line in proc.stdout)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            proc.wait(timeout=RUNNER_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            last = next((p for p in reversed(progress) if p.startswith("begin")), "nothing")
            pytest.fail(f"the corpus runner hung (in C code, past its timer) at: {last}")
        reader.join(10)
    err = errors.read_text(errors="replace")
    assert proc.returncode == 0, f"runner died after {progress[-1:]}: {err[-3000:]}"
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return rows, sizes, err


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], dict[str, int], list[str]]:
    tmp = tmp_path_factory.mktemp("corpus")
    tripwire = Tripwire(tmp)
    try:
        rows, sizes, _ = _run_corpus(tmp, tripwire)
    finally:
        tripwire.close()
    return rows, sizes, list(tripwire.hits)


def _show(rows: list[dict[str, Any]]) -> str:
    return "\n".join(f"{r['command']} {r['name']}: exit {r.get('exit_code')} {r.get('exception') or ''} "
                     f"{(r.get('stderr') or '')[:300]!r}" for r in rows[:20])


def test_corpus_covers_every_input_class(corpus_run: tuple[list[dict[str, Any]], dict[str, int], list[str]]) -> None:
    rows, sizes, _ = corpus_run
    assert len(sizes) >= 150
    assert len(rows) == 2 * len(sizes)
    classes = Counter(name.split("__", 1)[0] + "/" + name.split("__", 1)[1].split("_", 1)[0] for name in sizes)
    for wanted in ("feed/malformed", "feed/truncated", "feed/encoding", "feed/xxe", "feed/blowup", "feed/volume",
                   "feed/entries", "feed/date", "html/truncated", "html/nested", "html/script", "html/binary",
                   "html/encoding", "html/xxe", "html/blowup", "html/large", "html/volume"):
        assert classes[wanted] > 0, (wanted, classes)
    assert max(sizes.values()) >= 20 * 1024 * 1024  # the 20 MB page and the 20 MB feed are built and run


def test_no_traceback_and_no_internal_error(corpus_run: tuple[list[dict[str, Any]], dict[str, int], list[str]]) -> None:
    rows, _, _ = corpus_run
    bad = [r for r in rows if r["hung"] is False and (
        r["exception"] or r["exit_code"] not in (0, 2) or "Traceback" in r["stderr"] + r["stdout"])]
    assert not bad, _show(bad)


def test_unusable_documents_get_one_clear_line(corpus_run: tuple[list[dict[str, Any]], dict[str, int], list[str]]) -> None:
    rows, _, _ = corpus_run
    refused = [r for r in rows if r.get("exit_code") == 2]
    assert len(refused) > 100  # most of the corpus is unusable for one command or the other
    bad = [r for r in refused if len(r["stderr"].strip().splitlines()) != 1
           or not r["stderr"].startswith("wirewatch: error: ") or len(r["stderr"]) > 600]
    assert not bad, _show(bad)


def test_every_document_finishes_within_the_time_bound(
    corpus_run: tuple[list[dict[str, Any]], dict[str, int], list[str]],
) -> None:
    rows, _, _ = corpus_run
    slow = sorted((r for r in rows if r["hung"] or r["seconds"] > PER_DOCUMENT_SECONDS), key=lambda r: -r["seconds"])
    assert not slow, [(r["command"], r["name"], r["seconds"]) for r in slow]


def test_memory_stays_bounded(corpus_run: tuple[list[dict[str, Any]], dict[str, int], list[str]]) -> None:
    rows, _, _ = corpus_run
    assert all(r["peak_is_per_document"] for r in rows)  # the kernel let us reset the peak per document
    heavy = [(r["command"], r["name"], r["peak_rss_mb"]) for r in rows if r["peak_rss_mb"] > PEAK_RSS_MB]
    assert not heavy
    # and nothing accumulates: after 600+ documents the runner is no bigger than after its largest one
    assert rows[-1]["rss_mb"] <= max(r["peak_rss_mb"] for r in rows)


def test_no_file_or_network_access_caused_by_a_document(
    corpus_run: tuple[list[dict[str, Any]], dict[str, int], list[str]],
) -> None:
    rows, sizes, hits = corpus_run
    assert sum(name.startswith(("feed__xxe", "html__xxe")) for name in sizes) >= 25
    assert not hits, hits  # libxml2 never opened the marker FIFO nor connected to the trap server
    accessed = [(r["command"], r["name"], r["access"][:3]) for r in rows if r["access"]]
    assert not accessed
    leaked = [(r["command"], r["name"]) for r in rows if SECRET in r.get("stdout", "") or "root:x:0:0" in r.get("stdout", "")]
    assert not leaked


def test_html_documents_give_what_they_promise(corpus_run: tuple[list[dict[str, Any]], dict[str, int], list[str]]) -> None:
    """Lying encodings are read right (the text has the expected words), unusable pages say why."""
    rows, _, _ = corpus_run
    checked, wrong = 0, []
    for r in rows:
        if r["command"] != "extract" or not r["name"].startswith("html__"):
            continue
        expect = HTML.expectation(r["name"].removeprefix("html__"))
        if not expect:
            continue
        checked += 1
        if "text" in expect:
            ok = r["exit_code"] == 0 and expect["text"] in json.loads(r["stdout"])["text"]
        else:
            ok = r["exit_code"] == 2 and expect["error"] in r["stderr"]
        if not ok:
            wrong.append((r["name"], expect, r["exit_code"], r["stderr"][:200], r["stdout"][:200]))
    assert checked >= 40
    assert not wrong, wrong


def test_feed_entries_that_come_out_are_safe(corpus_run: tuple[list[dict[str, Any]], dict[str, int], list[str]]) -> None:
    """Whatever a hostile feed holds, the entries printed have http(s) links or none, and plain-text
    titles (``parse-feed`` output is cut at 2,000 characters by the runner: whole lines only)."""
    rows, _, _ = corpus_run
    entries = 0
    for r in rows:
        if r["command"] != "parse-feed" or r["exit_code"] != 0:
            continue
        for line in r["stdout"].splitlines()[:-1] if len(r["stdout"]) >= 2000 else r["stdout"].splitlines():
            entry = json.loads(line)
            entries += 1
            assert entry["url"] is None or entry["url"].startswith(("http://", "https://")), (r["name"], entry["url"])
            assert "<script" not in (entry["title"] or "").lower(), (r["name"], entry["title"])
    assert entries > 100


@pytest.mark.parametrize("name", ["binary_pdf.html", "encoding_declared_base64.html", "xxe_file_passwd.xhtml",
                                  "meta_dates_impossible.html", "truncated_mid_utf8_sequence.html"])
def test_real_processes_print_one_line_or_an_article(name: str, tmp_path: Path) -> None:
    """As a real process (stderr and logging untouched): exit 0 with one article, or exit 2 with one line."""
    path = tmp_path / name
    path.write_bytes(HTML.corpus()[name])
    done = subprocess.run([sys.executable, "-m", "wirewatch", "extract", str(path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode in (0, 2), done.stderr
    assert "Traceback" not in done.stderr
    if done.returncode == 0:
        assert json.loads(done.stdout)["text"] and done.stderr == ""
    else:
        assert len(done.stderr.splitlines()) == 1 and done.stdout == ""


def test_committed_html_corpus_is_current() -> None:
    expected = {name: body for name, body in HTML.corpus().items() if len(body) <= HTML.MAX_COMMITTED_BYTES}
    committed = {p.name: p.read_bytes() for p in HTML.BAD_DIR.iterdir()}
    assert sorted(committed) == sorted(expected), "run tests/data/html/make_bad_html.py"
    stale = [name for name, body in expected.items() if committed[name] != body]
    assert not stale, f"run tests/data/html/make_bad_html.py: {stale[:5]}"


"""The operator commands through the CLI: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from storage import heartbeats
from storage.connection import Store
from tests.conftest import RedisTarget
from tests.ops.conftest import Doc, Ingest
from tests.scheduler.daemon_proc import wait_until
from wirewatch.cli import main


@pytest.fixture
def env(redis_target: RedisTarget, tmp_path: Path) -> dict[str, str]:
    return {"WIREWATCH_REDIS_URL": redis_target.url, "WIREWATCH_DATA_DIR": str(tmp_path / "data")}


def invoke(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


def one_line_error(result: Result) -> str:
    err = result.stderr.strip()
    assert err.startswith("wirewatch: error: ") and len(err.splitlines()) == 1, err
    return err


def test_stats(store: Store, ingest: Ingest, corpus: list[Doc], env: dict[str, str]) -> None:
    for n, doc in enumerate(corpus):
        ingest(doc, time.time() - 100 + n)
    result = invoke(["stats", "--json", "--exact"], env)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["articles"] == len(corpus) and data["bytes_per_article"] > 0
    text = invoke(["stats"], env)
    assert text.exit_code == 0 and f"articles     {len(corpus)}" in text.stdout
    assert "no retention sweep has run" in text.stderr


def test_sweep_once(store: Store, ingest: Ingest, corpus: list[Doc], env: dict[str, str]) -> None:
    for n, doc in enumerate(corpus):
        ingest(doc, time.time() - 100 * 86400 + n)
    result = invoke(["sweep"], {**env, "WIREWATCH_RETENTION_AGE": str(30 * 86400)})
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{len(corpus)} article(s)")
    assert store.text.zcard(store.keys.articles_by_time) == 0


def test_export_import_files(
    store: Store, ingest: Ingest, corpus: list[Doc], env: dict[str, str], tmp_path: Path
) -> None:
    for n, doc in enumerate(corpus):
        ingest(doc, time.time() - 3600 + n)
    dump = tmp_path / "dump.jsonl"
    result = invoke(["export", "--since", "2h", "-o", str(dump)], env)
    assert result.exit_code == 0 and f"exported {len(corpus)} articles" in result.stderr
    stories = invoke(["export", "--stories", "--topic", "energy"], env)
    assert stories.exit_code == 0 and all("energy" in json.loads(x)["topics"] for x in stories.stdout.splitlines())
    store.text.flushdb()
    loaded = invoke(["import", str(dump)], env)
    assert loaded.exit_code == 0, loaded.stderr
    assert f"{len(corpus)} article(s) stored" in loaded.stdout
    assert store.text.zcard(store.keys.articles_by_time) == len(corpus)


def test_bad_input_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    result = invoke(["export", "--since", "last week"], env)
    assert result.exit_code == 2 and "--since" in one_line_error(result)
    missing = invoke(["import", str(tmp_path / "nope.jsonl")], env)
    assert missing.exit_code == 2 and "nope.jsonl" in one_line_error(missing)
    junk = tmp_path / "junk.jsonl"
    junk.write_text("not json\n{}\n")
    bad = invoke(["import", str(junk)], env)
    assert bad.exit_code == 2 and "no usable article line" in bad.stderr.splitlines()[-1]


def test_migrate_on_a_fresh_store(store: Store, env: dict[str, str]) -> None:
    store.text.delete(store.keys.schema)
    result = invoke(["migrate"], env)
    assert result.exit_code == 0 and "stamped schema" in result.stdout
    assert invoke(["migrate", "--dry-run"], env).stdout.strip().endswith("nothing to do")


def test_sweep_loop_stops_on_sigterm(store: Store, cli_env: dict[str, str]) -> None:
    env = {**cli_env, "WIREWATCH_RETENTION_INTERVAL": "1"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "wirewatch"), "sweep", "--loop"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # wait (generously: shared CI machines) for two sweeps, so the loop has really looped
        deadline = time.monotonic() + 120
        first = None
        while time.monotonic() < deadline:
            at = store.text.hget(store.keys.last_sweep, "at")
            if at and first is None:
                first = at
            if at and first is not None and at != first:
                break
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.2)
        else:
            pytest.fail("sweep --loop did not sweep twice in 120 s")
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sweep_loop_reports_and_records_a_failed_sweep(store: Store, cli_env: dict[str, str]) -> None:
    """A sweep that fails (here: a key of the wrong type) is reported in one line, recorded (so
    the scheduled sweepers wait an interval: tests/ops/test_retention.py) and its claim released;
    the loop carries on and stops cleanly."""
    store.text.set(store.keys.articles_by_time, "not a sorted set")
    env = {**cli_env, "WIREWATCH_RETENTION_INTERVAL": "3600", "WIREWATCH_RETENTION_AGE": "86400"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "wirewatch"), "sweep", "--loop"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while store.text.hget(store.keys.last_sweep, "failed_at") is None:
            assert time.monotonic() < deadline, "the failure was not recorded in 60 s"
            assert proc.poll() is None
            time.sleep(0.1)
        assert wait_until(lambda: not store.text.exists(store.keys.sweep_lock), 10)
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        errors = proc.stderr.read().splitlines() if proc.stderr else []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    failures = [line for line in errors if "sweep failed" in line]
    assert len(failures) == 1 and "WRONGTYPE" in failures[0] and "retried in 3600s" in failures[0], errors
    assert not any("Traceback" in line for line in errors)
    assert "WRONGTYPE" in store.text.hget(store.keys.last_sweep, "failure")


def test_reindex_resizes_the_dedupe_index(store: Store, ingest: Ingest, corpus: list[Doc], env: dict[str, str]) -> None:
    now = time.time()
    for n, doc in enumerate(corpus):
        ingest(doc, now - 100 + n)
    k = store.keys
    stories = {doc.id: store.text.hget(k.article(doc.id), "story") for doc in corpus}
    result = invoke(["reindex", "--slots", "1024"], env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"reindexed {len(corpus)} article(s): 1024 slots per band")
    assert store.text.hget(k.lsh_meta, "slots") == "1024"
    # stories are untouched, and the resized index still finds them; `ingest`'s index object read
    # the old size before the resize: its scripts answer "layout" and it reads the size again
    assert {doc.id: store.text.hget(k.article(doc.id), "story") for doc in corpus} == stories
    from dataclasses import replace

    copy = replace(corpus[0], id="again", source="outlet-late", text=corpus[0].text + "\n\nA closing line.")
    assert ingest(copy, now).story_id == stories[corpus[0].id]
    assert "power of two" in one_line_error(invoke(["reindex", "--slots", "1000"], env))
    heartbeats.beat(store, "host-1", "{}")
    assert "a daemon is running" in one_line_error(invoke(["reindex"], env))


def test_import_from_stdin_replaces_bytes_that_are_not_utf8(store: Store, cli_env: dict[str, str]) -> None:
    """As from a file: a bad byte is replaced, not passed on to fail Redis half-way through."""
    dump = (b'{"url": "https://e.org/a", "text": "Shelling hit the port \xff\xfe overnight."}\n'
            b'{"url": "https://e.org/b", "text": "Talks resumed in the capital on Monday."}\n')
    proc = subprocess.run([str(Path(sys.executable).parent / "wirewatch"), "import", "-"], input=dump,
                          env={**cli_env, "LC_ALL": "C", "PYTHONIOENCODING": ""}, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().startswith("2 article(s) stored")
    assert store.text.zcard(store.keys.articles_by_time) == 2

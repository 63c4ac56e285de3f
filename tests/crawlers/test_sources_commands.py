"""`wirewatch sources add` and `sources test` against the fixture news site."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from storage.connection import Store, ensure_schema
from tests.fixturesite import build_world, serve_world


def wirewatch(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wirewatch", *args], env=env, capture_output=True, text=True,
                          timeout=180)


def test_sources_add_discovers_the_feed_from_a_homepage_and_keeps_comments(tmp_path: Path,
                                                                           cli_env: dict[str, str]) -> None:
    world = build_world()
    path = tmp_path / "sources.yaml"
    path.write_text("# our outlets\ntopics:\n  ukraine:\n    any: [Kyiv]  # the capital\nsources: []\n")
    with serve_world(world):
        outlet = world.outlets[1]
        added = wirewatch(["sources", "add", outlet.base_url + "/", "--sources", str(path), "--every", "5m",
                           "--topic", "ukraine"], cli_env)
        assert added.returncode == 0, added.stderr
        assert "found: feed " + outlet.feed_url in added.stderr
        text = path.read_text()
        assert "# our outlets" in text and "# the capital" in text  # comments kept
        (entry,) = yaml.safe_load(text)["sources"]
        assert entry["kind"] == "feed" and entry["url"] == outlet.feed_url and entry["every"] == "5m"
        assert entry["topics"] == ["ukraine"]
        valid = wirewatch(["sources", "validate", "--sources", str(path)], cli_env)
        assert valid.returncode == 0, valid.stderr
        # the same site again is refused, and the file is left alone
        again = wirewatch(["sources", "add", outlet.base_url + "/", "--sources", str(path)], cli_env)
        assert again.returncode == 2 and "is already the source" in again.stderr
        assert path.read_text() == text


def test_sources_add_of_a_dead_url_is_a_clear_error(tmp_path: Path, cli_env: dict[str, str]) -> None:
    path = tmp_path / "sources.yaml"
    result = wirewatch(["sources", "add", "http://127.0.0.1:9/", "--sources", str(path)], cli_env)
    assert result.returncode == 2
    assert result.stderr.startswith("wirewatch: error: http://127.0.0.1:9/: could not fetch")
    assert not path.exists()


def test_sources_test_shows_what_would_be_stored_and_writes_nothing(tmp_path: Path, cli_env: dict[str, str],
                                                                   store: Store) -> None:
    world = build_world()
    with serve_world(world):
        path = world.sources_yaml(tmp_path / "sources.yaml")
        outlet = world.outlets[2]
        ensure_schema(store)  # any command stamps a fresh database with the schema version
        before = store.text.dbsize()
        result = wirewatch(["sources", "test", outlet.slug, "--sources", str(path)], cli_env)
        assert result.returncode == 0, result.stderr
        titles = [a.title for a in world.articles_of(outlet.slug)]
        assert all(t[:40] in result.stdout for t in titles), result.stdout
        assert "duplicate-of" in result.stdout.splitlines()[0]
        assert store.text.dbsize() == before, store.text.keys("*")


def test_ctrl_c_interrupts_sources_test(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """Against a slow server, Ctrl-C ends `sources test` at once with one line and exit 130 (the
    signal was swallowed inside the reactor and the command ran to its timeout)."""
    world = build_world()
    with serve_world(world) as site:
        path = tmp_path / "sources.yaml"
        slow = site.url(world.outlets[0].slug, "/fault/slow-headers?seconds=10")
        path.write_text(yaml.safe_dump({"sources": [{"name": "slow", "kind": "feed", "url": slow}]}))
        proc = subprocess.Popen([sys.executable, "-m", "wirewatch", "sources", "test", "slow", "--sources", str(path)],
                                env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(3)  # the fetch is under way
            assert proc.poll() is None
            started = time.monotonic()
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
            assert time.monotonic() - started < 5, err
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "wirewatch: error: interrupted", err
    assert "Traceback" not in err

"""The CLI's contract: exit codes and one-line errors, never a traceback for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from wirewatch.cli import main


def invoke(args: list[str], env: dict[str, str] | None = None, stdin: str | bytes | None = None):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    return runner.invoke(main, args, env=env or {}, input=stdin, catch_exceptions=False)


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    err = result.stderr.strip()
    assert err.startswith("wirewatch: error: "), err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


def test_invalid_sources_file_exits_2_naming_file_entry_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n  - name: ok\n    url: https://e.org/feed\n  - name: broken\n    kind: rss\n    url: x\n")
    result = invoke(["run", "--once", "--sources", str(bad)])
    assert result.exit_code == 2
    err = one_line_error(result)
    assert f"{bad}:5: source 'broken': field 'kind'" in err and "field 'url'" in err


def test_bad_settings_exit_2() -> None:
    result = invoke(["stories"], env={"WIREWATCH_CONCURRENCY": "lots"})
    assert result.exit_code == 2
    assert "CONCURRENCY" in one_line_error(result)


def test_unreachable_redis_is_a_clear_error() -> None:
    result = invoke(["stories"], env={"WIREWATCH_REDIS_URL": "redis://127.0.0.1:1/0"})
    assert result.exit_code == 2
    assert "Redis at redis://127.0.0.1:1/0 is unavailable" in one_line_error(result)


def test_missing_input_file() -> None:
    result = invoke(["extract", "/nonexistent/page.html"])
    assert result.exit_code == 2
    assert "/nonexistent/page.html" in one_line_error(result)


def test_cluster_contract(tmp_path: Path) -> None:
    text = "Artillery hit the city overnight, officials said, as talks on a ceasefire stalled again. " * 20
    lines = [
        {"id": "a", "text": text},
        {"id": "b", "text": "Local intro. " + text[:1200]},
        {"id": "c", "text": "A completely different report about grain exports and port traffic. " * 20},
    ]
    data = "\n".join(json.dumps(x) for x in lines) + "\n"
    result = invoke(["cluster", "-"], stdin=data)
    assert result.exit_code == 0, result.stderr
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert out[0]["cluster"] == out[1]["cluster"] != out[2]["cluster"]
    bad = invoke(["cluster", "-"], stdin=data + "{not json\n")
    assert bad.exit_code == 2 and "line 4" in one_line_error(bad)


def test_config_masks_secrets() -> None:
    result = invoke(["config"], env={"WIREWATCH_REDIS_URL": "redis://u:hunter2@h:6379/0"})
    assert result.exit_code == 0
    assert "hunter2" not in result.stdout and "redis://u:***@h:6379/0" in result.stdout


def test_config_shows_the_serve_settings() -> None:
    result = invoke(["config"], env={"WIREWATCH_WEBHOOK_URLS": "https://h.example/hook/t0k3n",
                                     "WIREWATCH_WEBHOOK_SECRET": "k3y", "WIREWATCH_FEED_SIZE": "25"})
    assert result.exit_code == 0, result.stderr
    lines = dict(line.split(" = ", 1) for line in result.stdout.splitlines())
    assert lines["feed_size"].startswith("25    # Stories per Atom/JSON feed.")
    assert lines["webhook_urls"].startswith("('https://h.example/***',)")
    assert lines["webhook_secret"].startswith("'***'")
    assert "t0k3n" not in result.stdout and "k3y" not in result.stdout
    assert lines["story_quiet_after"].startswith("21600.0")


@pytest.mark.parametrize("body", [b"", b"\x00\x01\x02binary", b"<html><body><script>x()</script></body></html>"])
def test_extract_unusable_page_exits_2(body: bytes) -> None:
    result = invoke(["extract", "-"], stdin=body)
    assert result.exit_code == 2
    one_line_error(result)


def test_extract_jsonl_batch_keeps_going() -> None:
    paras = "".join(
        f"<p>Paragraph {i}: officials in the region said {i * 7} people were moved overnight from "
        f"villages near the river as shelling continued for a {i}th day.</p>"
        for i in range(12)
    )
    page = "<html><head><title>T</title></head><body><article>" + paras
    lines = [json.dumps({"url": "http://e.org/1", "html": page + "</article></body></html>"}), "garbage",
             json.dumps({"url": "http://e.org/2", "html": ""})]
    result = invoke(["extract", "--jsonl", "-"], stdin="\n".join(lines) + "\n")
    assert result.exit_code == 0
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(out) == 3
    assert "text" in out[0] and "error" in out[1] and out[2]["url"] == "http://e.org/2" and "error" in out[2]


def test_parse_feed_bad_input_exits_2() -> None:
    result = invoke(["parse-feed", "-"], stdin=b"<html><body>not a feed</body></html>")
    assert result.exit_code == 2
    one_line_error(result)


def test_check_without_daemon_is_unhealthy(cli_env: dict[str, str]) -> None:
    result = invoke(["check"], env={"WIREWATCH_REDIS_URL": cli_env["WIREWATCH_REDIS_URL"]})
    assert result.exit_code == 1


def test_parse_feed_says_when_it_stopped_at_the_entry_limit() -> None:
    items = "".join(f"<item><title>t{n}</title><link>http://e.org/{n}</link></item>" for n in range(5003))
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
    result = invoke(["parse-feed", "-"], stdin=feed.encode())
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 5000
    assert "wirewatch: warning: " in result.stderr and "5000" in result.stderr


def test_cluster_refuses_a_line_longer_than_an_article() -> None:
    huge = json.dumps({"id": "x", "text": "word " * 1_100_000})
    result = invoke(["cluster", "-"], stdin=json.dumps({"id": "a", "text": "short"}) + "\n" + huge + "\n")
    assert result.exit_code == 2
    assert "line 2: " in one_line_error(result) and "more than an article" in result.stderr


def test_a_closed_stdout_is_an_error_not_silence(cli_env: dict[str, str]) -> None:
    """`wirewatch stories >&-` wrote nothing and exited 0; `cluster` failed with a traceback."""
    for args in (["stories"], ["cluster", "-"]):
        proc = subprocess.run([sys.executable, "-m", "wirewatch", *args], input=b'{"id": "a", "text": "x"}\n',
                              env=cli_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60,
                              preexec_fn=lambda: os.close(1))
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.decode().strip() == "wirewatch: error: standard output is closed"


def test_a_full_disk_is_said_in_one_line_not_as_an_internal_error(cli_env: dict[str, str]) -> None:
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "wirewatch", "cluster", "-"], input=b'{"id": "a", "text": "x"}\n',
                              env=cli_env, stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == "wirewatch: error: No space left on device"

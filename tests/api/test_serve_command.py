"""``wirewatch serve``: starts, answers, stops cleanly on SIGTERM; bad settings exit 2 in one line."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from wirewatch.cli import main


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_and_stops_on_sigterm(cli_env: dict[str, str], sources_file: Path) -> None:
    port = free_port()
    cmd = [sys.executable, "-c", "from wirewatch.cli import main; main()", "serve", "--port", str(port),
           "--sources", str(sources_file)]
    proc = subprocess.Popen(cmd, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "wirewatch serve did not start"
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["status"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/stories", timeout=30).json() == {"stories": [], "next_cursor": None}
        topics = httpx.get(f"http://127.0.0.1:{port}/topics", timeout=30).json()["topics"]
        assert "arctic" in {t["name"] for t in topics}  # read from --sources
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()


def test_bad_serve_settings_exit_2_with_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["serve"], env={"WIREWATCH_WEBHOOK_URLS": "https://hooks.example/x"})
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert err.startswith("wirewatch: error: ") and "webhook_secret" in err and len(err.splitlines()) == 1
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n  - name: Bad Name\n    kind: feed\n    url: https://e.org/feed\n")
    result = runner.invoke(main, ["serve", "--sources", str(bad)], env={})
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert str(bad) in result.stderr


def test_serve_on_a_port_in_use_is_one_line_and_exit_2(cli_env: dict[str, str], sources_file: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "wirewatch", "serve", "--port", str(port), "--sources",
                                 str(sources_file)], env=cli_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"wirewatch: error: cannot serve on 127.0.0.1:{port}: the port is in use"

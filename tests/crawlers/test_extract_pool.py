"""Extraction worker processes do not outlive a daemon killed with -9."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import asyncio, os, sys
from crawlers.extract_pool import ExtractPool

async def main():
    pool = ExtractPool(1, timeout=60)
    page = b"<html><head><title>T</title></head><body><article><p>" + b"word " * 200 + b"</p></article></body></html>"
    await pool.extract(page, "https://example.org/a", None)
    print(" ".join(str(p) for p in pool._executor()._processes), flush=True)
    os.kill(os.getpid(), 9)  # as kill -9: no shutdown of the pool

asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by init) counts as gone
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to see the workers")
def test_workers_exit_when_the_daemon_is_killed() -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == -9, proc.stderr
    workers = [int(p) for p in proc.stdout.split()]
    assert workers, proc.stdout
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p for p in workers if _alive(p)], "extraction workers outlived their daemon"

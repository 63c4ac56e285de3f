"""Running ``wirewatch`` as a real process for the reliability tests: kept on loopback by the
network shim, with its wall time and peak memory measured."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

NETSHIM = Path(__file__).resolve().parent / "netshim"
WIREWATCH = [sys.executable, "-m", "wirewatch"]


def shimmed(env: dict[str, str], netlog: Path, hosts: dict[str, str] | None = None,
            routes: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` for a process that resolves only ``hosts`` (plus literals and localhost), connects only
    to loopback (``routes`` send some other addresses there), and writes what it was refused to
    ``netlog`` (see netshim/sitecustomize.py)."""
    out = dict(env)
    out["PYTHONPATH"] = os.pathsep.join(p for p in (str(NETSHIM), env.get("PYTHONPATH", "")) if p)
    out["WIREWATCH_TEST_NETLOG"] = str(netlog)
    out["WIREWATCH_TEST_HOSTS"] = ",".join(f"{k}={v}" for k, v in (hosts or {}).items())
    out["WIREWATCH_TEST_ROUTES"] = ",".join(f"{k}={v}" for k, v in (routes or {}).items())
    return out


def refused(netlog: Path) -> list[str]:
    return netlog.read_text().splitlines() if netlog.exists() else []


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float


def run_measured(args: list[str], env: dict[str, str], timeout: float) -> Finished:
    """Run ``wirewatch ARGS`` to completion; its peak RSS comes from the kernel (``wait4``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen([*WIREWATCH, *args], env=env, stdout=out, stderr=err)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.kill(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        return Finished(proc.returncode, out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"), seconds, usage.ru_maxrss / 1024)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")

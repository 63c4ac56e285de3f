"""Running `wirewatch run` as a real background process in tests, with its log collected."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path


class DaemonProcess:
    def __init__(self, sources: Path, env: dict[str, str], *, extra: dict[str, str] | None = None,
                 own_group: bool = False) -> None:
        self.env = {**env, "WIREWATCH_TICK_SECONDS": "0.2", "WIREWATCH_QUEUE_VISIBILITY": "3",
                    "WIREWATCH_DRAIN_SECONDS": "10", **(extra or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wirewatch", "run", "--sources", str(sources)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=own_group,  # its own process group, which a test may signal as a terminal does
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for_log(self, text: str, timeout: float = 60) -> bool:
        return wait_until(lambda: text in self.log, timeout)

    def sigterm(self, timeout: float = 60) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()

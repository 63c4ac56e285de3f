"""Throwaway redis-server processes on loopback for the Redis deployment tests: a password-protected
server, a Unix socket, TLS, a Sentinel in front of a master, and a 3-node Redis Cluster."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
import redis

READY_SECONDS = 60.0


def redis_server_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    return binary


def free_port(*, plus: int = 0) -> int:
    """A free loopback port (and ``port + plus`` free too: a cluster node's bus port)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port + plus > 65535:
            continue
        if plus:
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port + plus))
                except OSError:
                    continue
        return port
    raise RuntimeError("no free port pair")


class RedisProcess:
    """One redis-server; ``client_kwargs`` reach it (for readiness checks and direct inspection)."""

    def __init__(
        self, workdir: Path, args: Sequence[str], client_kwargs: dict[str, object], *, data: bool = True
    ) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        self.log = workdir / "redis.log"
        self.client_kwargs = client_kwargs
        base = ["--bind", "127.0.0.1", "--dir", str(workdir), "--logfile", str(self.log)]
        if data:  # a data node: nothing written to disk (a sentinel has no data options)
            base += ["--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(
            [redis_server_binary(), *args, *base], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.wait_ready()

    def client(self, **extra: object) -> redis.Redis:
        return redis.Redis(**{**self.client_kwargs, **extra})  # type: ignore[arg-type]

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited: {self.log.read_text() if self.log.exists() else ''}")
            try:
                with self.client(socket_timeout=2) as c:
                    c.ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server not ready in {READY_SECONDS}s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class RedisCluster3:
    """Three primaries (no replicas), slots split by ``redis-cli --cluster create``."""

    def __init__(self, workdir: Path) -> None:
        cli = shutil.which("redis-cli")
        if cli is None:
            pytest.skip("redis-cli is not installed")
        self.nodes: list[RedisProcess] = []
        self.ports: list[int] = []
        try:
            for n in range(3):
                port = free_port(plus=10000)
                self.ports.append(port)
                self.nodes.append(RedisProcess(
                    workdir / f"node{n}",
                    ["--port", str(port), "--cluster-enabled", "yes", "--cluster-config-file", f"nodes-{port}.conf",
                     "--cluster-node-timeout", "5000"],
                    {"host": "127.0.0.1", "port": port},
                ))
            subprocess.run(
                [cli, "--cluster", "create", *(f"127.0.0.1:{p}" for p in self.ports), "--cluster-replicas", "0",
                 "--cluster-yes"],
                check=True, capture_output=True, timeout=120,
            )
            self._wait_ok()
        except BaseException:
            self.stop()
            raise

    def _wait_ok(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            states = []
            for node in self.nodes:
                with node.client(decode_responses=True) as c:
                    info = c.cluster("info")  # parsed into a dict by redis-py
                    states.append(info.get("cluster_state") == "ok" and int(info.get("cluster_slots_assigned", 0))
                                  == 16384)
            if all(states):
                return
            time.sleep(0.1)
        raise RuntimeError("cluster did not reach cluster_state:ok")

    def node_for_slot(self, slot: int) -> int:
        """The port of the primary serving ``slot``."""
        with self.nodes[0].client(decode_responses=True) as c:
            for start, end, primary, *_ in c.execute_command("CLUSTER SLOTS"):
                if start <= slot <= end:
                    return int(primary[1])
        raise LookupError(slot)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

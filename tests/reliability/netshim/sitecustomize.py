"""Loaded by every Python process started with this directory on ``PYTHONPATH`` (tests only).

It keeps a test's subprocesses on loopback and makes name resolution a test fixture:

- ``WIREWATCH_TEST_HOSTS="name=ip,..."``: those names resolve to those addresses (a DNS name that
  points at a private address, without touching /etc/hosts or a resolver);
- any other name fails to resolve at once (a DNS failure, without sending a query anywhere);
- ``WIREWATCH_TEST_ROUTES="ip=loopback-ip,..."``: connections to a (public) address go to a local one
  instead, so a "public" server the private-network guard lets through can be a local fixture;
- a connection to a non-loopback address is refused before it leaves the machine;
- every refused lookup or connection is appended to ``WIREWATCH_TEST_NETLOG`` (when set), so a
  test can tell which names and addresses a process tried to reach.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from typing import Any

_HOSTS = dict(
    item.split("=", 1) for item in os.environ.get("WIREWATCH_TEST_HOSTS", "").split(",") if "=" in item
)
_ROUTES = dict(
    item.split("=", 1) for item in os.environ.get("WIREWATCH_TEST_ROUTES", "").split(",") if "=" in item
)
_LOG = os.environ.get("WIREWATCH_TEST_NETLOG")
_getaddrinfo = socket.getaddrinfo
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _note(line: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as out:
            out.write(line + "\n")


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _resolve(host: Any) -> Any:
    name = host.decode("idna") if isinstance(host, bytes) else host
    if name is None or not isinstance(name, str) or _literal(name) or name == "localhost":
        return host
    mapped = _HOSTS.get(name.lower().rstrip("."))
    if mapped is not None:
        return mapped
    _note(f"dns {name}")
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (test resolver)")


def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    return _getaddrinfo(_resolve(host), *args, **kwargs)


def gethostbyname(host: str) -> str:
    return str(getaddrinfo(host, None, socket.AF_INET)[0][4][0])


def gethostbyname_ex(host: str) -> tuple[str, list[str], list[str]]:
    return host, [], [gethostbyname(host)]


def _outside(sock: socket.socket, address: Any) -> bool:
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or not isinstance(address, tuple):
        return False
    try:
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
    except ValueError:
        return True
    mapped = getattr(ip, "ipv4_mapped", None)
    return not (ip.is_loopback or (mapped is not None and mapped.is_loopback))


def _routed(address: Any) -> Any:
    if isinstance(address, tuple) and str(address[0]) in _ROUTES:
        return (_ROUTES[str(address[0])], *address[1:])
    return address


def connect(self: socket.socket, address: Any) -> None:
    address = _routed(address)
    if _outside(self, address):
        _note(f"connect {address[0]}:{address[1]}")
        raise ConnectionRefusedError(errno.ECONNREFUSED, "refused by the test network shim")
    _connect(self, address)


def connect_ex(self: socket.socket, address: Any) -> int:
    address = _routed(address)
    if _outside(self, address):
        _note(f"connect {address[0]}:{address[1]}")
        return errno.ECONNREFUSED
    return _connect_ex(self, address)


socket.getaddrinfo = getaddrinfo
socket.gethostbyname = gethostbyname
socket.gethostbyname_ex = gethostbyname_ex
socket.socket.connect = connect  # type: ignore[method-assign]
socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]

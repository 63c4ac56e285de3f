"""URL canonicalisation and the private-network (SSRF) guard. Pure functions."""

from __future__ import annotations

import hashlib
import ipaddress
import socket
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only track the click; dropping them makes reprints of one URL one URL.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid",
        "igshid", "_ga", "_gl", "ref", "ref_src", "cmpid", "ncid", "ocid", "smid", "soc_src",
        "soc_trk", "taid", "at_medium", "at_campaign", "spm", "share", "s_cid", "icid", "ito",
        "mbid", "rss", "feed",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__s")
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonicalize(url: str, base: str | None = None) -> str:
    """A stable form of ``url``: absolute, lower-case scheme and host, no default port, no
    fragment, no tracking parameters, remaining parameters sorted, no trailing slash on paths
    other than the root."""
    if base:
        url = urljoin(base, url.strip())
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        pass
    netloc = host
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]"
    if parts.port and DEFAULT_PORTS.get(scheme) != parts.port:
        netloc = f"{netloc}:{parts.port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def url_id(url: str) -> str:
    """Stable article id: a short hash of the canonical URL."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def is_http_url(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def is_public_address(ip: str) -> bool:
    """False for loopback, private, link-local (cloud metadata), reserved and multicast addresses,
    including IPv4 addresses mapped or embedded in IPv6."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address):
        mapped = addr.ipv4_mapped or addr.sixtofour or (addr.teredo[1] if addr.teredo else None)
        if mapped is not None:
            return is_public_address(str(mapped))
    return addr.is_global and not addr.is_multicast


def host_is_private(host: str) -> bool:
    """Whether ``host`` (a name or an address) resolves to any non-public address. A name that does
    not resolve is not private (the fetch itself will then fail with a DNS error)."""
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return not is_public_address(host)
    except ValueError:
        pass
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return any(not is_public_address(str(info[4][0])) for info in infos)

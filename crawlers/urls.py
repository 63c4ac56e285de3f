"""URL canonicalisation and the private-network (SSRF) guard. Pure functions."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

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
# Cloud metadata services by name: refused before any lookup (they resolve to link-local
# addresses inside the cloud, and need not resolve at all elsewhere).
METADATA_HOSTS = frozenset(
    {"metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"}
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def canonicalize(url: str, base: str | None = None) -> str:
    """A stable form of ``url``: absolute, lower-case scheme and host, no default port, no
    fragment, no tracking parameters, remaining parameters sorted, no trailing slash on paths
    other than the root."""
    try:
        if base:
            url = urljoin(base, url.strip())
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # "http://[::1", "http://host:99999/": no URL to canonicalise, nor to fetch
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        pass
    netloc = host
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]"
    if port and DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{netloc}:{port}"
    path = _normalize_path(parts.path or "/")
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _normalize_path(path: str) -> str:
    """One spelling per path (RFC 3986 6.2.2): escapes of unreserved characters decoded, other
    escapes in upper case, non-ASCII characters (a Cyrillic slug as a feed prints it) escaped as
    UTF-8, so ``/новини`` and ``/%d0%bd%d0%be...`` are one URL."""
    def unescape(m: re.Match[str]) -> str:
        char = chr(int(m.group(1), 16))
        return char if char in _UNRESERVED else "%" + m.group(1).upper()

    return quote(_ESCAPE.sub(unescape, path), safe="/%:@!$&'()*+,;=~")


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES)


def clean_url(url: str) -> str:
    """``url`` as published, minus tracking parameters and the fragment: what we store and show.
    (``canonicalize`` goes further, for identity: ids and "seen" checks.)"""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def url_id(url: str) -> str:
    """Stable article id: a short hash of the canonical URL."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def is_http_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        return False
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
        if mapped is None and addr in _NAT64:  # the well-known NAT64 prefix reaches an IPv4 address
            mapped = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
        if mapped is not None:
            return is_public_address(str(mapped))
    return addr.is_global and not addr.is_multicast


def host_is_private(host: str) -> bool:
    """Whether ``host`` (a name or an address) resolves to any non-public address. A name that does
    not resolve is not private (the fetch itself will then fail with a DNS error)."""
    host = host.strip("[]").rstrip(".").lower()
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return not is_public_address(host)
    except ValueError:
        pass
    if host == "localhost" or host.endswith(".localhost") or host in METADATA_HOSTS:
        return True
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return any(not is_public_address(str(info[4][0])) for info in infos)


_NOT_ARTICLE_SEGMENTS = frozenset(
    {
        "tag", "tags", "topic", "topics", "author", "authors", "category", "categories", "section",
        "about", "contact", "privacy", "terms", "search", "login", "register", "subscribe", "account",
        "feed", "rss", "page", "newsletter", "newsletters", "video", "videos", "podcasts", "live-tv",
        "wp-admin", "wp-login.php", "cookie-policy", "privacy-policy", "advertise", "jobs", "careers",
    }
)
_NOT_ARTICLE_EXT = re.compile(r"\.(jpe?g|png|gif|webp|svg|pdf|zip|mp[34]|xml|json|css|js|ico)$", re.IGNORECASE)
_DATE_PATH = re.compile(r"/(19|20)\d\d/(0?[1-9]|1[0-2])(/|$)")
_ID_SEGMENT = re.compile(r"(^|[-_/])\d{4,}([-_./]|$)")


def looks_like_article_url(url: str) -> bool:
    """Heuristic for ``site`` sources without a ``follow`` selector: does a link look like an
    article (a dated path, a numeric id, or a slug of several words) rather than a section, tag,
    author, search or static page?"""
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    segments = [seg for seg in path.split("/") if seg]
    if not segments or _NOT_ARTICLE_EXT.search(path):
        return False
    if any(seg.lower() in _NOT_ARTICLE_SEGMENTS for seg in segments):
        return False
    last = segments[-1].rsplit(".", 1)[0]
    if _DATE_PATH.search(path) and len(segments) >= 3:
        return True
    if _ID_SEGMENT.search(path) and len(segments) >= 2:
        return True
    return last.count("-") >= 2

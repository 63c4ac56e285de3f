"""Politeness keyed by service: one request budget per registrable domain, shared by every worker.

Two things limit how hard we hit a service, whatever feed, article or discovery request it is:

- a **token bucket** per registrable domain (``news.bbc.co.uk`` and ``www.bbc.co.uk`` are one
  service, ``bbc.co.uk``): ``rate`` requests per second on average, bursts of ``burst``;
- a **hold** ("not before") per domain, set from a 429/503 ``Retry-After``: until it passes, no
  request to that domain leaves any worker.

Both live in Redis (``RedisGate``, one hash per domain, one Lua call per decision, the server's
clock so workers on several machines agree), or in memory for one-shot commands (``LocalGate``).
A caller asks ``acquire``: it answers how long to wait, and whether a token is reserved for the
caller at the end of that wait (bucket waits) or the caller must ask again (holds).

Pure helpers here too: ``registrable_domain``, ``retry_after_seconds``, ``cache_hint_seconds``.
"""

from __future__ import annotations

import ipaddress
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any, Protocol

MAX_RETRY_AFTER = 86400.0  # a server's Retry-After is believed up to a day


@dataclass(frozen=True, slots=True)
class Budget:
    """How hard one registrable domain may be hit."""

    rate: float  # requests per second, on average; 0 = no bucket (holds still apply)
    burst: float = 1.0  # requests that may go at once after a quiet spell
    max_wait: float = 60.0  # a wait longer than this is not queued for: the request is deferred

    def __post_init__(self) -> None:
        if self.rate < 0 or not math.isfinite(self.rate):
            raise ValueError(f"rate must be a finite number >= 0, got {self.rate!r}")
        if self.burst < 1:
            raise ValueError(f"burst must be at least 1, got {self.burst!r}")
        if self.max_wait < 0:
            raise ValueError(f"max_wait must be >= 0, got {self.max_wait!r}")


@dataclass(frozen=True, slots=True)
class Admission:
    """The answer to "may I send a request to this domain now?"."""

    wait: float  # seconds; 0 = go now
    reserved: bool  # a token is held for the caller at the end of ``wait``: do not ask again
    held: bool = False  # the wait comes from a Retry-After hold, not from the bucket


class DomainGate(Protocol):
    def acquire(self, domain: str, budget: Budget, now: float | None = None) -> Admission: ...

    def hold(self, domain: str, seconds: float, now: float | None = None) -> float: ...


# -- pure helpers ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _extractor() -> Any:
    import tldextract

    # The bundled public-suffix snapshot only: never fetch the list, never write a cache file.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """The service a host belongs to: ``news.bbc.co.uk`` -> ``bbc.co.uk``. IP addresses, single
    labels (``localhost``) and bare public suffixes are their own domain."""
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        pass
    # Private suffixes (blogspot.com, github.io) stay off: a rate limit is about the operator
    # whose servers answer, and one operator runs all of them.
    domain = _extractor()(host, include_psl_private_domains=False).top_domain_under_public_suffix
    return domain or host


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), bounded to a day;
    None when absent or unreadable."""
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # HTTP dates are GMT; a zone-less one is read as such
            from datetime import UTC

            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, min(seconds, MAX_RETRY_AFTER))


_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|[,\s])(no-cache|no-store)(?:$|[,\s=])", re.IGNORECASE)


def cache_hint_seconds(cache_control: bytes | str | None) -> float | None:
    """The ``max-age`` of a Cache-Control header as a polling hint (None when absent, zero,
    or the response says ``no-cache``/``no-store``)."""
    if not cache_control:
        return None
    text = cache_control.decode("latin-1") if isinstance(cache_control, bytes) else cache_control
    if _NO_CACHE.search(text):
        return None
    match = _MAX_AGE.search(text)
    if not match:
        return None
    seconds = float(match.group(1))
    return seconds if seconds > 0 else None


# -- the bucket, in memory ------------------------------------------------------------------------

@dataclass
class _DomainState:
    tokens: float
    stamp: float
    hold: float = 0.0


def admit(state: _DomainState | None, budget: Budget, now: float) -> tuple[Admission, _DomainState | None]:
    """One decision of the token bucket (the same arithmetic as ``_ACQUIRE`` below): the answer,
    and the state to keep (None: nothing changes)."""
    if state is not None and state.hold > now:
        return Admission(state.hold - now, reserved=False, held=True), None
    if budget.rate <= 0:
        return Admission(0.0, reserved=True), None
    tokens = budget.burst if state is None else min(
        budget.burst, state.tokens + max(0.0, now - state.stamp) * budget.rate
    )
    wait = (1.0 - tokens) / budget.rate if tokens < 1.0 else 0.0
    if wait > budget.max_wait:
        return Admission(wait, reserved=False), None
    # A reservation: tokens may go below zero, and the next caller queues behind this one.
    return Admission(wait, reserved=True), _DomainState(tokens - 1.0, now, state.hold if state else 0.0)


class LocalGate:
    """The gate for one process (``sources add``, ``sources test``, tests): same answers as
    ``RedisGate``, nothing shared."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._domains: dict[str, _DomainState] = {}

    def acquire(self, domain: str, budget: Budget, now: float | None = None) -> Admission:
        now = self.clock() if now is None else now
        answer, state = admit(self._domains.get(domain), budget, now)
        if state is not None:
            self._domains[domain] = state
        return answer

    def hold(self, domain: str, seconds: float, now: float | None = None) -> float:
        now = self.clock() if now is None else now
        state = self._domains.setdefault(domain, _DomainState(tokens=math.inf, stamp=now))
        state.hold = max(state.hold, now + max(0.0, seconds))
        return state.hold - now


# -- the bucket, in Redis -------------------------------------------------------------------------


def _now(arg: int) -> str:
    """Lua: ``now`` from ARGV[arg] when given (tests), else the server's clock, which every
    worker shares. Numbers go back to Python as strings (Redis truncates Lua numbers), times are
    stored to the microsecond (``tostring`` keeps only 14 digits)."""
    return f"""
local now = tonumber(ARGV[{arg}])
if not now then
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
"""


# KEYS[1] the domain's hash (tokens, ts, hold); ARGV rate, burst, max_wait[, now]
_ACQUIRE = _now(4) + """
local rate, burst, max_wait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'hold')
local hold = tonumber(h[3]) or 0
if hold > now then return {tostring(hold - now), 0, 1} end
if rate <= 0 then return {'0', 1, 0} end
local tokens = burst
if h[1] then tokens = math.min(burst, tonumber(h[1]) + math.max(0, now - tonumber(h[2])) * rate) end
local wait = 0
if tokens < 1 then wait = (1 - tokens) / rate end
if wait > max_wait then return {tostring(wait), 0, 0} end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', string.format('%.6f', now))
redis.call('EXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1)
return {tostring(wait), 1, 0}
"""

# KEYS[1] the domain's hash; ARGV seconds[, now]. The later of the old and new hold wins.
_HOLD = _now(2) + """
local wanted = now + math.max(0, tonumber(ARGV[1]))
local hold = tonumber(redis.call('HGET', KEYS[1], 'hold')) or 0
if wanted > hold then
  hold = wanted
  redis.call('HSET', KEYS[1], 'hold', string.format('%.6f', hold))
end
local need = math.ceil(hold - now) + 1
if redis.call('TTL', KEYS[1]) < need then redis.call('EXPIRE', KEYS[1], need) end
return tostring(hold - now)
"""


class RedisGate:
    """The gate shared by every worker on one Redis: ``client`` decodes replies to ``str``;
    ``key_for(domain)`` names the domain's hash (``storage.keys.Keys.politeness``)."""

    def __init__(self, client: Any, key_for: Callable[[str], str]) -> None:
        self.key_for = key_for
        self._acquire = client.register_script(_ACQUIRE)
        self._hold = client.register_script(_HOLD)

    def acquire(self, domain: str, budget: Budget, now: float | None = None) -> Admission:
        args: list[str | float] = [budget.rate, budget.burst, budget.max_wait]
        if now is not None:
            args.append(repr(now))
        wait, reserved, held = self._acquire(keys=[self.key_for(domain)], args=args)
        return Admission(max(0.0, float(wait)), bool(int(reserved)), bool(int(held)))

    def hold(self, domain: str, seconds: float, now: float | None = None) -> float:
        args: list[str | float] = [repr(float(seconds))]
        if now is not None:
            args.append(repr(now))
        return float(self._hold(keys=[self.key_for(domain)], args=args))

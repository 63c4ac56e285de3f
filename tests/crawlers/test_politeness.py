"""Politeness keyed by service: registrable domains, Retry-After and Cache-Control parsing, the
token bucket and holds (in memory and in a real Redis, which must agree), shared by workers."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from crawlers import politeness
from crawlers.politeness import (
    Budget,
    DomainGate,
    LocalGate,
    RedisGate,
    cache_hint_seconds,
    registrable_domain,
    retry_after_seconds,
)
from storage.connection import Store, connect
from wirewatch.settings import Settings

# -- registrable domains ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("feeds.reuters.com", "reuters.com"),
        ("WWW.Kyivindependent.COM.", "kyivindependent.com"),
        ("www.ukrinform.ua", "ukrinform.ua"),
        ("www.pravda.com.ua", "pravda.com.ua"),
        ("foo.blogspot.com", "blogspot.com"),  # one operator's servers: one budget
        ("127.0.0.10", "127.0.0.10"),
        ("[::1]", "::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("localhost", "localhost"),
        ("kyiv.ua", "kyiv.ua"),  # a bare public suffix is its own domain
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def test_registrable_domain_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network lookup attempted: {args}")

    registrable_domain.cache_clear()
    politeness._extractor.cache_clear()
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert registrable_domain("www.theguardian.co.uk") == "theguardian.co.uk"
    assert registrable_domain("edition.cnn.com") == "cnn.com"


# -- header parsing ------------------------------------------------------------------------------

NOW = 1_710_000_000.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (b"2", 2.0),
        (" 120 ", 120.0),
        (b"0", 0.0),
        (b"-5", 0.0),
        (b"99999999", 86400.0),  # believed up to a day
        (format_datetime(datetime.fromtimestamp(NOW + 90, tz=UTC), usegmt=True), 90.0),
        (format_datetime(datetime.fromtimestamp(NOW - 90, tz=UTC), usegmt=True), 0.0),
        (b"soon", None),
        (b"nan", None),
        (b"", None),
        (None, None),
    ],
)
def test_retry_after_seconds(value: bytes | str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (b"public, max-age=600", 600.0),
        ("max-age=\"300\", must-revalidate", 300.0),
        (b"MAX-AGE=60", 60.0),
        (b"no-cache, max-age=600", None),
        (b"private, no-store", None),
        (b"max-age=0", None),
        (b"public, s-maxage=900", None),
        (b"", None),
        (None, None),
    ],
)
def test_cache_hint_seconds(value: bytes | str | None, seconds: float | None) -> None:
    assert cache_hint_seconds(value) == seconds


def test_budget_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="rate"):
        Budget(rate=-1)
    with pytest.raises(ValueError, match="burst"):
        Budget(rate=1, burst=0)
    with pytest.raises(ValueError, match="max_wait"):
        Budget(rate=1, max_wait=-1)


# -- the bucket and holds: the same answers in memory and in Redis ----------------------------------

@pytest.fixture(params=["local", "redis"])
def gate(request: pytest.FixtureRequest) -> DomainGate:
    if request.param == "local":
        return LocalGate()
    store: Store = request.getfixturevalue("store")
    return RedisGate(store.text, store.keys.politeness)


def test_bucket_allows_a_burst_then_spaces_requests(gate: DomainGate) -> None:
    budget = Budget(rate=2.0, burst=2, max_wait=10)
    waits = [gate.acquire("example.com", budget, now=NOW) for _ in range(4)]
    assert [a.wait for a in waits] == pytest.approx([0.0, 0.0, 0.5, 1.0])
    assert all(a.reserved and not a.held for a in waits)
    # another domain has its own budget
    assert gate.acquire("example.org", budget, now=NOW).wait == 0
    # after a quiet spell the bucket is full again, never fuller than the burst
    later = [gate.acquire("example.com", budget, now=NOW + 60).wait for _ in range(3)]
    assert later == pytest.approx([0.0, 0.0, 0.5])


def test_wait_beyond_max_wait_reserves_nothing(gate: DomainGate) -> None:
    budget = Budget(rate=1.0, burst=1, max_wait=0.5)
    assert gate.acquire("example.com", budget, now=NOW).wait == 0
    for _ in range(3):  # asking again and again does not push the queue further back
        answer = gate.acquire("example.com", budget, now=NOW)
        assert answer.wait == pytest.approx(1.0) and not answer.reserved
    assert gate.acquire("example.com", budget, now=NOW + 1).wait == 0


def test_hold_stops_every_request_until_it_passes(gate: DomainGate) -> None:
    budget = Budget(rate=0.0, max_wait=60)  # no bucket: holds still apply
    assert gate.acquire("example.com", budget, now=NOW).wait == 0
    assert gate.hold("example.com", 30, now=NOW) == pytest.approx(30)
    assert gate.hold("example.com", 5, now=NOW) == pytest.approx(30)  # the later hold wins
    held = gate.acquire("example.com", budget, now=NOW + 10)
    assert held.held and not held.reserved and held.wait == pytest.approx(20)
    assert gate.acquire("example.org", budget, now=NOW + 10).wait == 0
    assert gate.acquire("example.com", budget, now=NOW + 30.5).wait == 0


def test_hold_then_bucket(gate: DomainGate) -> None:
    budget = Budget(rate=1.0, burst=1, max_wait=60)
    gate.hold("example.com", 2, now=NOW)
    assert gate.acquire("example.com", budget, now=NOW + 1).held
    first = gate.acquire("example.com", budget, now=NOW + 2)
    second = gate.acquire("example.com", budget, now=NOW + 2)
    assert (first.wait, second.wait) == (0, pytest.approx(1.0))


@pytest.fixture
def other_worker(settings: Settings, store: Store) -> Iterator[Store]:
    other = connect(settings, check=False)  # its own connection, as another machine would have
    try:
        yield other
    finally:
        other.close()


def test_workers_share_one_budget_and_one_hold(store: Store, other_worker: Store) -> None:
    a = RedisGate(store.text, store.keys.politeness)
    b = RedisGate(other_worker.text, other_worker.keys.politeness)
    budget = Budget(rate=1.0, burst=2, max_wait=60)
    waits = [g.acquire("example.com", budget, now=NOW).wait for g in (a, b, a, b)]
    assert waits == pytest.approx([0, 0, 1, 2])
    b.hold("example.net", 45, now=NOW)
    answer = a.acquire("example.net", budget, now=NOW)
    assert answer.held and answer.wait == pytest.approx(45)


def test_redis_keys_expire_and_the_server_clock_is_used(store: Store) -> None:
    gate = RedisGate(store.text, store.keys.politeness)
    gate.acquire("example.com", Budget(rate=0.5, burst=3))
    key = store.keys.politeness("example.com")
    assert 0 < store.text.ttl(key) <= 3 / 0.5 + 1
    remaining = gate.hold("example.com", 100)
    assert 0 < remaining <= 100
    assert 0 < store.text.ttl(key) <= 101
    answer = gate.acquire("example.com", Budget(rate=0.5))
    assert answer.held and 0 < answer.wait <= 100
    assert store.keys.politeness("example.com").startswith(store.keys.prefix + ":")


@pytest.fixture
def redis_gate(store: Store) -> Iterator[tuple[RedisGate, Store]]:
    yield RedisGate(store.text, store.keys.politeness), store


# Times in 1/64 s steps: exact in binary and in the microseconds Redis stores, so both gates
# compute with the same numbers and the comparison has no rounding edge to fall off.
ticks = st.integers(min_value=0, max_value=192).map(lambda k: k / 64)
steps = st.lists(st.tuples(ticks, st.sampled_from(["acquire", "hold"]), ticks), min_size=1, max_size=25)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, rate=st.sampled_from([0.0, 0.5, 2.0, 10.0]), burst=st.integers(1, 4))
def test_memory_and_redis_gates_agree(redis_gate: tuple[RedisGate, Store], steps: list[tuple[float, str, float]],
                                      rate: float, burst: int) -> None:
    shared, store = redis_gate
    store.text.delete(store.keys.politeness("example.com"))
    local = LocalGate()
    budget = Budget(rate=rate, burst=burst, max_wait=2.0)
    now = NOW
    for dt, op, seconds in steps:
        now += dt
        if op == "hold":
            assert shared.hold("example.com", seconds, now=now) == pytest.approx(
                local.hold("example.com", seconds, now=now), abs=1e-4)
        else:
            mine, theirs = local.acquire("example.com", budget, now=now), shared.acquire("example.com", budget, now=now)
            assert (theirs.reserved, theirs.held) == (mine.reserved, mine.held)
            assert theirs.wait == pytest.approx(mine.wait, abs=1e-4)  # Redis keeps microseconds

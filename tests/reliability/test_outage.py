"""The daemon's Redis-outage book-keeping (scheduler/outage.py): pure, ``now`` passed in."""

from __future__ import annotations

import logging

import pytest

from scheduler.outage import Outage


def test_one_line_to_start_backoff_between_retries_one_line_to_end(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="scheduler.outage")
    outage = Outage(first=1.0, cap=8.0)
    assert outage.ready(0.0) and not outage.active
    outage.failed(100.0, ConnectionError("refused"))
    assert outage.active
    tries = []
    now = 100.0
    while now < 160.0:  # one minute of outage, asked every 0.2 s (the daemon's tick in tests)
        now += 0.2
        if outage.ready(now):
            tries.append(round(now - 100.0, 1))
            outage.failed(now, ConnectionError("refused"))
    gaps = [b - a for a, b in zip([0.0, *tries], tries, strict=False)]
    assert gaps[:4] == pytest.approx([1.0, 2.0, 4.0, 8.0], abs=0.21)  # doubling...
    assert max(gaps) == pytest.approx(8.0, abs=0.21)  # ...up to the cap
    assert len(tries) <= 10  # instead of 300
    outage.succeeded(now)
    assert not outage.active and outage.ready(now)
    messages = [r.getMessage() for r in caplog.records]
    assert sum("ingestion paused" in m for m in messages) == 1
    assert sum("ingestion resumed" in m for m in messages) == 1
    assert "after 60s" in messages[-1] or "after 59s" in messages[-1]


def test_success_without_an_outage_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="scheduler.outage")
    outage = Outage()
    outage.succeeded(5.0)
    assert not caplog.records
    outage.failed(6.0, "x")
    outage.succeeded(7.0)
    outage.failed(8.0, "y")  # a new outage starts from the first delay again
    assert not outage.ready(8.5) and outage.ready(9.0)

"""Store connection errors read as one short line."""

from __future__ import annotations

from dataclasses import replace

import pytest

from storage.connection import brief, connect
from wirewatch.errors import StoreUnavailable
from wirewatch.settings import Settings


def test_brief_keeps_one_short_line() -> None:
    assert brief(ValueError("first\nsecond")) == "first"
    assert len(brief(ValueError("x" * 1000))) == 200
    noisy = "No master found for 'm' : <redis.client.Redis(<redis.connection.ConnectionPool(...)>)>"
    assert brief(RuntimeError(noisy)) == "No master found for 'm'"


def test_unreachable_sentinels_are_one_short_line(settings: Settings) -> None:
    url = "redis+sentinel://127.0.0.1:1,127.0.0.1:2,127.0.0.1:3/mymaster"
    with pytest.raises(StoreUnavailable) as err:
        connect(replace(settings, redis_url=url))
    message = str(err.value)
    assert message.endswith("is unavailable: No master found for 'mymaster'") and "\n" not in message

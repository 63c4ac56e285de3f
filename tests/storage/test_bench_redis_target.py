"""The benchmarks' Redis: the URL given, else an embedded server started for the run and gone after."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from bench import redis_target as bench_redis
from tests.conftest import RedisTarget


def test_an_embedded_server_is_started_and_removed() -> None:
    with bench_redis.redis_target(None) as target:
        assert target.url.startswith("unix://") and target.description.startswith("embedded ")
        client = redis.Redis.from_url(target.url)
        assert client.ping()
        client.close()
        socket_file = Path(target.url.removeprefix("unix://"))
        assert socket_file.exists()
    assert not socket_file.exists()  # the server is gone
    client = redis.Redis.from_url(target.url)
    with pytest.raises(redis.ConnectionError):
        client.ping()


def test_a_given_url_is_used_as_it_is(redis_target: RedisTarget) -> None:
    with bench_redis.redis_target(redis_target.url) as target:
        assert (target.url, target.description) == (redis_target.url, redis_target.url)


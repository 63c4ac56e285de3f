"""Property-based fuzzing of the HTTP API from its own OpenAPI document: every GET operation (the
live event stream aside: it never ends) with its declared path and query parameters filled with
arbitrary values, plus unknown parameters. No request may get a 5xx, and a 4xx says why.

``tests/api/test_fuzz.py`` fuzzes /stories, the feeds and the page by hand; this covers whatever
the spec lists, so a new endpoint is fuzzed the day it appears.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.connection import Store
from storage.keys import Keys
from tests.api.builders import ingest_fixture
from wirewatch.api import ServeConfig, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's httpx fallback notice, as in tests/api/conftest.py
    from fastapi.testclient import TestClient

EXAMPLES = int(os.environ.get("WIREWATCH_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("WIREWATCH_FUZZ_EXAMPLES"),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
VALUES = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "0", "-1", "500", "501", "1e309", "NaN", "null", "true", "all", "../../etc/passwd",
                     "%00", "\x00", "2026-02-30", "9999-12-31T23:59:59Z", "0000-01-01", "1767225600", "MTox",
                     "\u202e", "' OR 1=1 --", "*", "?", "a" * 5000, "{ww}:story:*", "\r\nX-Injected: 1"]),
)


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    ingest_fixture(store)
    with TestClient(create_app(store, config=ServeConfig(background=False))) as c:
        yield c


def _operations() -> list[tuple[str, list[dict[str, Any]]]]:
    # the spec needs no data: a store whose clients never connect (redis-py connects on first use)
    idle = redis.Redis(unix_socket_path="/nonexistent/redis.sock")
    spec = create_app(Store(idle, idle, Keys("ww"), "spec only"), config=ServeConfig(background=False)).openapi()
    return [(path, op.get("parameters", [])) for path, ops in spec["paths"].items() for method, op in ops.items()
            if method == "get" and "live" not in op.get("tags", [])]


OPERATIONS = _operations()


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    path, parameters = draw(st.sampled_from(OPERATIONS))
    query: dict[str, str] = {}
    for param in parameters:
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", quote(draw(VALUES.filter(bool)), safe=""))
        elif param["in"] == "query" and draw(st.booleans()):
            query[param["name"]] = draw(VALUES)
    if draw(st.booleans()):
        query[draw(st.text(min_size=1, max_size=10))] = draw(VALUES)
    return path, query


def test_the_spec_lists_the_endpoints_we_know() -> None:
    paths = {path for path, _ in OPERATIONS}
    assert {"/stories", "/stories/{story_id}", "/articles/{article_id}", "/sources", "/topics", "/healthz",
            "/feeds/{topic}.atom", "/feeds/{topic}.json"} <= paths


@FUZZ
@given(request=requests())
def test_no_query_string_or_path_gets_a_5xx(client: TestClient, request: tuple[str, dict[str, str]]) -> None:
    path, query = request
    response = client.get(path, params=query)
    if path == "/healthz" and response.status_code == 503:
        # its documented answer once a run outlasts the leader grace (no daemon here): not an error
        assert response.json()["reasons"], response.text[:300]
        return
    assert response.status_code < 500, (path, query, response.text[:300])
    if 400 <= response.status_code < 500 and response.headers.get("content-type", "").startswith("application/json"):
        assert response.json().get("detail"), (path, query, response.text[:300])

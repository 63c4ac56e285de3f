"""Whatever arrives in the query string, the answer is never a 5xx."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.builders import Ingested

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
VALUES = st.one_of(
    TEXT,
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "all", "energy", "2026-01-01", "2026-01-01T00:00:00Z", "9999-12-31", "0001-01-01",
                     "MTox", "MTo1OnMx", "MToxLjA6c2FiYw", "-1", "1e309", "NaN", "black-sea", "daily-kyiv"]),
)
STORY_PARAMS = st.dictionaries(
    st.sampled_from(["limit", "cursor", "topic", "source", "since", "until", "min_size", "q", "max_articles",
                     "unknown"]),
    VALUES,
    max_size=6,
)
FEED_PARAMS = st.dictionaries(st.sampled_from(["limit", "topic", "x"]), VALUES, max_size=3)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(params=STORY_PARAMS)
def test_stories_query_strings_never_500(client: TestClient, ingested: Ingested, params: dict[str, str]) -> None:
    r = client.get("/stories", params=params)
    assert r.status_code < 500, (params, r.text)
    if r.status_code >= 400:
        assert r.json()["detail"]
    else:
        assert isinstance(r.json()["stories"], list)


@FUZZ
@given(topic=st.one_of(TEXT.filter(bool), st.sampled_from(["all", "energy", "arctic"])), params=FEED_PARAMS,
       kind=st.sampled_from(["atom", "json"]))
def test_feed_paths_and_query_strings_never_500(
    client: TestClient, ingested: Ingested, topic: str, params: dict[str, str], kind: str
) -> None:
    r = client.get(f"/feeds/{quote(topic, safe='')}.{kind}", params=params)
    assert r.status_code < 500, (topic, params, r.text)
    if r.status_code >= 400 and r.headers.get("content-type", "").startswith("application/json"):
        assert r.json()["detail"]


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["topic", "q", "cursor", "source"]), VALUES, max_size=4))
def test_page_query_strings_never_500(client: TestClient, ingested: Ingested, params: dict[str, str]) -> None:
    r = client.get("/", params=params)
    assert r.status_code < 500, (params, r.text[:300])

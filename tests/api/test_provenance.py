"""Story provenance over HTTP and the CLI, on stories built by the real dedupe path in Redis."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner
from fastapi.testclient import TestClient

from dedupe import DedupeConfig
from storage.connection import Store
from storage.story_index import StoryIndex
from tests.api.builders import BASE, add_article
from tests.api.conftest import make_app
from tests.dedupe.test_provenance import WIRE, paragraph
from wirewatch.cli import main


def build(store: Store) -> dict[str, str]:
    """An agency story, two reprints (one trimmed, one with a local intro and a new headline) and
    another outlet's own version of the story."""
    index = StoryIndex(store, DedupeConfig())
    plan: list[tuple[str, str, list[str]]] = [
        ("wire-ap", "Drone strike hits power station", WIRE),
        ("daily-kyiv", "Drone strike hits power station", WIRE[:6]),
        ("odesa-news", "Power station hit, city dark", [paragraph(100), *WIRE[:7]]),
        ("kyiv-desk", "Drone strike hits power station", [*WIRE[:6], *(paragraph(200 + i) for i in range(2))]),
    ]
    ids: dict[str, str] = {}
    for n, (source, title, paras) in enumerate(plan):
        result = add_article(index, source=source, title=title, text="\n".join(paras),
                             published=BASE + 600 * n, topics=("energy",), now=BASE + 600 * n + 60)
        ids[source] = result.article_id
        ids.setdefault("story", result.story_id)
        assert result.story_id == ids["story"], f"{source} did not join the story"
    return ids


def check(doc: dict[str, Any], ids: dict[str, str]) -> None:
    assert doc["story"] == ids["story"]
    assert doc["earliest"] == ids["wire-ap"] and doc["representative"] == ids["wire-ap"]
    assert doc["independent_outlets"] == ["wire-ap", "kyiv-desk"] and doc["independent_outlet_count"] == 2
    assert doc["reprints"] == 2
    by_source = {m["source"]: m for m in doc["members"]}
    trimmed, intro, own = by_source["daily-kyiv"], by_source["odesa-news"], by_source["kyiv-desk"]
    assert (trimmed["paragraphs_trimmed"], trimmed["tail_trimmed"], trimmed["headline_rewritten"]) == (2, True, False)
    assert trimmed["reprint_of"] == ids["wire-ap"] and trimmed["containment"] == 1.0
    assert (intro["paragraphs_added"], intro["headline_rewritten"], intro["reprint_of"]) == (1, True, ids["wire-ap"])
    assert own["reprint_of"] is None and own["paragraphs_added"] == 2
    # the ingest-time evidence (MinHash estimates against the member it matched) comes along
    assert by_source["wire-ap"]["evidence"] is None
    assert trimmed["evidence"]["matched"] == ids["wire-ap"] and trimmed["evidence"]["jaccard"] > 0.5


def test_provenance_endpoint(store: Store) -> None:
    ids = build(store)
    with TestClient(make_app(store)) as client:
        reply = client.get(f"/stories/{ids['story']}/provenance")
        assert reply.status_code == 200
        check(reply.json(), ids)
        assert client.get("/stories/nope/provenance").status_code == 404
        bad = client.get("/stories/bad%20id!/provenance")  # not an id at all: the same 404, with a message
        assert bad.status_code == 404 and "no such story" in bad.json()["detail"]


def test_provenance_follows_a_merged_story(store: Store) -> None:
    ids = build(store)
    other = add_article(StoryIndex(store, DedupeConfig()), source="wire-afp", title="Unrelated",
                        text=" ".join(paragraph(900 + i) for i in range(6)), published=BASE, topics=(),
                        now=BASE + 30)
    from storage.story_admin import merge_stories

    merge_stories(store, ids["story"], other.story_id, now=BASE + 5000)
    with TestClient(make_app(store)) as client:
        reply = client.get(f"/stories/{other.story_id}/provenance", follow_redirects=False)
        assert reply.status_code == 307 and reply.headers["location"].endswith(f"/stories/{ids['story']}/provenance")


def test_provenance_command(store: Store, cli_env: dict[str, str]) -> None:
    import json

    ids = build(store)
    result = CliRunner().invoke(main, ["stories", "provenance", ids["story"], "--json"], env=cli_env)
    assert result.exit_code == 0, result.output
    check(json.loads(result.output), ids)
    table = CliRunner().invoke(main, ["stories", "provenance", ids["story"]], env=cli_env)
    assert table.exit_code == 0 and "2 independent outlet(s) (wire-ap, kyiv-desk), 2 reprint(s)" in table.output
    missing = CliRunner().invoke(main, ["stories", "provenance", "no-such-story"], env=cli_env)
    assert missing.exit_code != 0 and "no such story" in missing.output and "Traceback" not in missing.output


def test_the_api_compares_texts_with_the_configured_shingle_size(store: Store, cli_env: dict[str, str]) -> None:
    """WIREWATCH_DEDUPE_SHINGLE_SIZE reaches the API's provenance as it reaches the CLI's: the same
    story gives the same figures from both, and other figures than the default size gives."""
    import json

    from wirewatch.api.config import ServeConfig
    from wirewatch.settings import load_settings

    ids = build(store)
    settings = load_settings(env={"WIREWATCH_DEDUPE_SHINGLE_SIZE": "2"}, config_file=None)
    assert ServeConfig.from_settings(settings).shingle_size == 2
    assert ServeConfig.from_settings(load_settings(env={}, config_file=None)).shingle_size == DedupeConfig().shingle_size

    def jaccards(doc: dict[str, Any]) -> dict[str, float]:
        return {m["source"]: m["jaccard"] for m in doc["members"]}

    with TestClient(make_app(store, shingle_size=2)) as client:
        two = client.get(f"/stories/{ids['story']}/provenance").json()
    with TestClient(make_app(store)) as client:
        default = client.get(f"/stories/{ids['story']}/provenance").json()
    cli = CliRunner().invoke(main, ["stories", "provenance", ids["story"], "--json"],
                             env={**cli_env, "WIREWATCH_DEDUPE_SHINGLE_SIZE": "2"})
    assert cli.exit_code == 0, cli.output
    assert jaccards(two) == jaccards(json.loads(cli.output))
    assert jaccards(two) != jaccards(default)

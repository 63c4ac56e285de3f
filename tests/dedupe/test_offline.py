"""cluster_lines: DESIGN.md's ``wirewatch cluster`` contract."""

from __future__ import annotations

import json

import pytest

from dedupe import DedupeConfig, InMemoryClusterer, cluster_lines
from wirewatch.errors import InputError


def lines(*objs: object) -> list[str]:
    return [json.dumps(o) for o in objs]


def test_one_output_line_per_input_in_order(original: str, reprint: str, update: str) -> None:
    inp = lines(
        {"id": "w", "text": original, "source": "ap", "published": "2024-03-01T10:00:00Z"},
        {"id": 7, "text": update, "title": "Toll rises", "source": "ap", "published": "2024-03-01T14:00:00+00:00"},
        {"id": "r", "text": reprint, "url": "https://example.org/r", "source": "halton", "published": 1709290000},
    )
    out = [json.loads(line) for line in cluster_lines([*inp, "", "   "], DedupeConfig())]
    assert [o["id"] for o in out] == ["w", 7, "r"]  # ids echoed as given, blank lines skipped
    assert out[0]["cluster"] == out[2]["cluster"] != out[1]["cluster"]
    assert set(out[0]) == {"id", "cluster"}


def test_same_result_as_the_clusterer(original: str, reprint: str, update: str) -> None:
    texts = {"a": original, "b": update, "c": reprint}
    c = InMemoryClusterer()
    for doc_id, text in texts.items():
        c.add(doc_id, text)
    out = [json.loads(line) for line in cluster_lines(lines(*({"id": k, "text": v} for k, v in texts.items())))]
    assert {o["id"]: o["cluster"] for o in out} == {k: c.story_of(k) for k in texts}


def test_later_merges_reach_earlier_lines(original: str) -> None:
    paragraphs = original.split("\n")
    inp = lines(
        {"id": "head", "text": "\n".join(paragraphs[1:5]), "source": "a"},
        {"id": "tail", "text": "\n".join(paragraphs[5:10]), "source": "b"},
        {"id": "full", "text": original, "source": "c"},
    )
    out = [json.loads(line) for line in cluster_lines(inp)]
    assert len({o["cluster"] for o in out}) == 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("not json", "line 2: not valid JSON"),
        ("[1, 2]", "line 2: expected a JSON object"),
        ('{"text": "no id"}', "line 2: 'id'"),
        ('{"id": true, "text": "x"}', "line 2: 'id'"),
        ('{"id": "x2"}', "line 2: 'text'"),
        ('{"id": "x2", "text": 5}', "line 2: 'text'"),
        ('{"id": "x2", "text": "t", "title": 5}', "line 2: 'title'"),
        ('{"id": "x2", "text": "t", "published": "yesterday"}', "line 2: 'published'"),
        ('{"id": "x1", "text": "again"}', "line 2: id 'x1' repeats line 1"),
    ],
)
def test_bad_line_raises_input_error_with_its_number(bad: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        list(cluster_lines(['{"id": "x1", "text": "first"}', bad]))
    assert info.value.exit_code == 2


def test_nothing_is_written_before_the_input_is_checked() -> None:
    out = cluster_lines(['{"id": "x1", "text": "first"}', "oops"])
    with pytest.raises(InputError):
        next(out)


def test_empty_input() -> None:
    assert list(cluster_lines([])) == []

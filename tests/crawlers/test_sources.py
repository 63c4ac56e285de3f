from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.sources import load_sources, parse_interval, parse_sources
from wirewatch.errors import ConfigError

MINIMAL = """
topics:
  nagorno-karabakh:
    any: ["Nagorno-Karabakh", "Artsakh", "Stepanakert"]
sources:
  - name: armenian-weekly          # unique, [a-z0-9-]
    kind: feed                     # feed | sitemap | site
    url: https://armenianweekly.com/feed/
    every: 10m                     # 30s, 10m, 2h, or a cron line under `cron:`
    topics: [nagorno-karabakh]     # optional; no topics = keep everything
"""


def test_design_minimal_entry_always_works() -> None:
    cfg = parse_sources(MINIMAL, "sources.yaml")
    (src,) = cfg.sources
    assert (src.name, src.kind, src.url, src.every) == ("armenian-weekly", "feed", "https://armenianweekly.com/feed/", 600)
    assert src.topics == ("nagorno-karabakh",)
    assert src.keep == "matching"
    assert cfg.topics["nagorno-karabakh"].any[1] == "Artsakh"


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86400), (90, 90)])
def test_intervals(text: object, seconds: int) -> None:
    assert parse_interval(text) == seconds


def test_every_problem_reported_at_once_with_file_line_entry_and_field() -> None:
    bad = """sources:
  - name: ok-one
    url: https://example.org/feed
  - name: Bad Name
    kind: rss
    url: ftp://example.org
    every: soon
  - name: ok-one
    url: https://example.org/other
"""
    with pytest.raises(ConfigError) as err:
        parse_sources(bad, "s.yaml")
    msg = str(err.value)
    assert "s.yaml:4: source 'Bad Name': field 'name'" in msg
    assert "s.yaml:5: source 'Bad Name': field 'kind'" in msg
    assert "s.yaml:6: source 'Bad Name': field 'url'" in msg
    assert "s.yaml:7: source 'Bad Name': field 'every'" in msg
    assert "duplicate (first at line 2)" in msg
    assert "\n" not in msg


def test_unknown_topic_and_field_rejected() -> None:
    bad = """topics:
  t: {any: [x]}
sources:
  - {name: a, url: "https://e.org/f", topics: [nope], colour: red}
"""
    with pytest.raises(ConfigError) as err:
        parse_sources(bad, "s.yaml")
    msg = str(err.value)
    assert "unknown topic 'nope'" in msg and "field 'colour'" in msg


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("sources:\n  - name: a\n   url: [\n")
    with pytest.raises(ConfigError) as err:
        load_sources(p)
    msg = str(err.value)
    assert str(p) in msg and "invalid YAML" in msg


def test_missing_file_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_sources(tmp_path / "absent.yaml")


def test_example_config_is_valid_and_large_enough() -> None:
    cfg = load_sources(Path(__file__).resolve().parents[2] / "sources.example.yaml")
    assert len(cfg.sources) >= 15
    assert {s.kind for s in cfg.sources} == {"feed", "sitemap", "site"}


def test_url_patterns() -> None:
    cfg = parse_sources(
        'sources:\n  - {name: a, kind: site, url: "https://e.org/", include: ["/article/"], exclude: ["live"]}\n'
    )
    src = cfg.sources[0]
    assert src.url_allowed("https://e.org/article/1")
    assert not src.url_allowed("https://e.org/article/live-1")
    assert not src.url_allowed("https://e.org/about")


@pytest.mark.parametrize(("extra", "field", "why"), [
    ("every: .inf", "every", "at most 30 days"),
    ("max_every: .inf", "max_every", "at most 30 days"),
    ("every: 1e20", "every", "at most 30 days"),
    ("min_every: -100", "min_every", "at least 30s"),
    ("min_every: 2h\n    max_every: 1h", "min_every", "must not be more than max_every"),
    ('follow: "[[[invalid"', "follow", "not a CSS selector"),
    ("every: 30s\n    min_every: 2m", "min_every", "is more than every"),
    ("every: 10m\n    max_every: 5m", "max_every", "is less than every"),
    ('headers: {"X Bad": "v"}', "headers", "is not a header name"),
    ('headers: {"X-Ok": "a\\r\\nInjected: 1"}', "headers", "holds a line break"),
])
def test_values_that_would_fail_later_are_refused_by_validate(extra: str, field: str, why: str) -> None:
    """Each of these passed validation and then crashed a command, failed every fetch, or (a
    negative floor) let the adaptive schedule poll a site far too often."""
    text = f"sources:\n  - name: a\n    kind: site\n    url: https://example.org/\n    {extra}\n"
    with pytest.raises(ConfigError, match=f"field '{field}'.*{why}"):
        parse_sources(text, "s.yaml")


def test_deeply_nested_yaml_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="nested too deeply"):
        parse_sources("sources: " + "[" * 100_000 + "]" * 100_000, "s.yaml")

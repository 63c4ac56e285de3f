from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.errors import ConfigError
from wirewatch.settings import SETTINGS_DOC, Settings, load_settings


def test_defaults_and_env() -> None:
    s = load_settings(env={"WIREWATCH_CONCURRENCY": "4", "WIREWATCH_ALLOW_PRIVATE_NETWORKS": "yes"})
    assert s.concurrency == 4 and s.allow_private_networks is True
    assert s.redis_url is None


def test_redis_url_falls_back_to_redis_url() -> None:
    assert load_settings(env={"REDIS_URL": "redis://h:1/2"}).redis_url == "redis://h:1/2"
    both = {"REDIS_URL": "redis://a/0", "WIREWATCH_REDIS_URL": "redis://b/0"}
    assert load_settings(env=both).redis_url == "redis://b/0"


def test_all_bad_values_reported_at_once() -> None:
    env = {"WIREWATCH_CONCURRENCY": "many", "WIREWATCH_LOG_FORMAT": "xml", "WIREWATCH_OBEY_ROBOTS": "perhaps"}
    with pytest.raises(ConfigError) as err:
        load_settings(env=env)
    msg = str(err.value)
    assert "CONCURRENCY" in msg and "log_format" in msg and "OBEY_ROBOTS" in msg


def test_toml_file_then_env(tmp_path: Path) -> None:
    f = tmp_path / "wirewatch.toml"
    f.write_text('concurrency = 3\nlog_level = "DEBUG"\n')
    s = load_settings(env={"WIREWATCH_CONFIG": str(f), "WIREWATCH_CONCURRENCY": "5"})
    assert s.concurrency == 5 and s.log_level == "DEBUG"
    f.write_text("nope = 1\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(env={"WIREWATCH_CONFIG": str(f)})


def test_password_masked() -> None:
    s = load_settings(env={"REDIS_URL": "redis://user:s3cret@host:6379/0"})
    assert "s3cret" not in str(s.masked())


def test_every_setting_documented_in_code_and_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name in Settings.__dataclass_fields__:
        assert name in SETTINGS_DOC
        assert f"WIREWATCH_{name.upper()}" in readme

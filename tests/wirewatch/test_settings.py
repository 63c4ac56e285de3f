from __future__ import annotations

import re
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
    # one table, the configuration section's: `wirewatch config` shows every row of it
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip(" `") for line in section.splitlines() if line.startswith("| `WIREWATCH_")}
    for name in Settings.__dataclass_fields__:
        assert name in SETTINGS_DOC
        assert f"WIREWATCH_{name.upper()}" in rows
    assert rows == {f"WIREWATCH_{name.upper()}" for name in Settings.__dataclass_fields__}


def test_serve_settings_from_env_and_file(tmp_path: Path) -> None:
    f = tmp_path / "wirewatch.toml"
    f.write_text('webhook_urls = ["https://a.example/hook"]\nwebhook_secret = "k"\nfeed_size = 20\n')
    s = load_settings(env={"WIREWATCH_CONFIG": str(f), "WIREWATCH_WEBHOOK_EVENTS": "story.merged,story.split",
                           "WIREWATCH_API_CACHE_SECONDS": "0"})
    assert s.webhook_urls == ("https://a.example/hook",) and s.webhook_secret == "k" and s.feed_size == 20
    assert s.webhook_events == ("story.merged", "story.split") and s.api_cache_seconds == 0
    # a blank list or secret is unset (compose passes ${VAR:-} through)
    d = load_settings(env={"WIREWATCH_WEBHOOK_EVENTS": " ", "WIREWATCH_WEBHOOK_SECRET": ""})
    assert d.webhook_events == Settings().webhook_events and d.webhook_secret is None
    assert d.story_quiet_after == 21600.0 and d.webhook_attempts == 8 and d.webhook_urls == ()


def test_serve_settings_validated_with_the_others() -> None:
    env = {"WIREWATCH_WEBHOOK_URLS": "ftp://a.example/x", "WIREWATCH_WEBHOOK_EVENTS": "story.exploded",
           "WIREWATCH_FEED_SIZE": "0", "WIREWATCH_CONCURRENCY": "0"}
    with pytest.raises(ConfigError) as err:
        load_settings(env=env)
    msg = str(err.value)
    for problem in ("webhook_urls", "webhook_secret", "story.exploded", "feed_size", "concurrency"):
        assert problem in msg


def test_webhook_secrets_masked() -> None:
    s = load_settings(env={"WIREWATCH_WEBHOOK_URLS": "https://u:pw@hooks.example/T0/B1/xyzzy",
                           "WIREWATCH_WEBHOOK_SECRET": "s3cret"})
    shown = str(s.masked())
    assert "s3cret" not in shown and "xyzzy" not in shown and "pw" not in shown
    assert s.masked()["webhook_urls"] == ("https://hooks.example/***",)


@pytest.mark.parametrize(("name", "value"), [
    ("TICK_SECONDS", "-1"), ("TICK_SECONDS", "nan"), ("TICK_SECONDS", "1e20"), ("RETENTION_INTERVAL", "nan"),
    ("RETENTION_INTERVAL", "inf"), ("QUEUE_VISIBILITY", "99999999999999999999"), ("EVENT_STREAM_MAXLEN", "-1"),
    ("DOWNLOAD_TIMEOUT", "nan"), ("DOWNLOAD_DELAY", "-1"), ("MAX_ARTICLES_PER_RUN", "-1"), ("DRAIN_SECONDS", "-5"),
    ("RETENTION_AGE", "99999999999999"), ("DEDUPE_WINDOW", "99999999999"), ("API_REDIS_TIMEOUT", "0"),
    ("DEDUPE_THRESHOLD", "nan"),
])
def test_values_a_daemon_cannot_run_with_are_refused(name: str, value: str) -> None:
    """Each of these hung the daemon (a negative tick), looped on a Redis error, or failed later
    with a traceback; they are refused at start-up, naming the setting."""
    with pytest.raises(ConfigError, match=f"(?i){name}"):
        load_settings(env={f"WIREWATCH_{name}": value})


@pytest.mark.parametrize(("url", "why"), [
    ("redis://127.0.0.1:6379/abc", "the database must be a number"),  # redis-py would use database 0
    ("redis://h/0?db=x", "Invalid value for 'db'"),
    ("redis://h:notaport/0", "notaport"),
    ("redis://127.0.0.1:99999/5", "Port out of range"),
    ("redis://h:0/1", "port must be from 1 to 65535"),
    ("redis://[::1", "Invalid IPv6 URL"),
    ("redis://h/0?socket_timeout=abc", "socket_timeout"),
    ("redis+sentinel://h:abc/m", "sentinel port"),
    ("redis+sentinel://h:26379/m/x", "the database must be a number"),
])
def test_unusable_redis_urls_are_refused_before_connecting(url: str, why: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(why)):
        load_settings(env={"WIREWATCH_REDIS_URL": url})


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/5", "redis://h", "unix:///tmp/r.sock?db=3",
                                 "rediss://u:p@h:6380/1", "redis+sentinel://a:26379,b:26380/mymaster/2",
                                 "redis+sentinel://a,b/mymaster"])
def test_usable_redis_urls_pass(url: str) -> None:
    assert load_settings(env={"WIREWATCH_REDIS_URL": url}).redis_url == url


def test_toml_values_of_the_wrong_type_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "wirewatch.toml"
    f.write_text('key_prefix = ["a"]\ndata_dir = true\nwebhook_urls = [1, 2]\ndownload_delay = true\n')
    with pytest.raises(ConfigError) as err:
        load_settings(env={"WIREWATCH_CONFIG": str(f)})
    message = str(err.value)
    for name in ("key_prefix: expected a string", "data_dir: expected a string",
                 "webhook_urls: expected a list of strings", "download_delay: expected a number"):
        assert name in message


def test_a_binary_config_file_is_a_config_error(tmp_path: Path) -> None:
    f = tmp_path / "wirewatch.toml"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    with pytest.raises(ConfigError, match="not a TOML file"):
        load_settings(env={"WIREWATCH_CONFIG": str(f)})

"""The deployment files, checked against the code (no Docker engine runs here): every command is a
real CLI command with valid options, every environment variable is a setting the code reads and
its value passes validation, volumes and healthchecks are where the code expects them."""

from __future__ import annotations

import os
import re
import shlex
import tomllib
from configparser import ConfigParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import pytest
import yaml

from crawlers.sources import load_sources
from wirewatch.cli import main
from wirewatch.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]
WIREWATCH_SERVICES = ("migrate", "daemon", "api", "sweeper")
# Variables the code reads besides the WIREWATCH_<SETTING> ones.
EXTRA_ENV = {"WIREWATCH_CONFIG", "REDIS_URL"}
_VAR = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def known_env() -> set[str]:
    names = {f"WIREWATCH_{name.upper()}" for name in Settings.__dataclass_fields__}
    return names | EXTRA_ENV


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?error}``, for the values we use."""
    if isinstance(value, str):
        def sub(m: re.Match[str]) -> str:
            name, op, arg = m.group(1), m.group(2), m.group(3)
            if env.get(name):
                return env[name]
            if op == "?":
                raise AssertionError(f"${{{name}}} must be set: {arg}")
            return arg or ""
        return _VAR.sub(sub, value)
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    return interpolate(data, {})  # type: ignore[no-any-return]


def service_env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def parse_command(argv: list[str]) -> click.Context:
    """Parse ``wirewatch ...`` with the real CLI (options validated, nothing run)."""
    assert argv[0] == "wirewatch", argv
    name, *rest = argv[1:]
    command = main.commands.get(name)
    assert command is not None, f"{name}: not a wirewatch command"
    return command.make_context(name, list(rest), resilient_parsing=False)


def healthcheck_argv(service: dict[str, Any]) -> list[str]:
    test = service["healthcheck"]["test"]
    assert test[0] in ("CMD", "CMD-SHELL"), test
    return list(test[1:]) if test[0] == "CMD" else shlex.split(test[1])


def test_services_and_roles(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"redis", *WIREWATCH_SERVICES}
    roles = {name: services[name]["command"][:2] for name in WIREWATCH_SERVICES}
    assert roles == {
        "migrate": ["wirewatch", "migrate"], "daemon": ["wirewatch", "run"],
        "api": ["wirewatch", "serve"], "sweeper": ["wirewatch", "sweep"],
    }
    for name in WIREWATCH_SERVICES:
        ctx = parse_command(services[name]["command"])
        assert ctx.command.name == services[name]["command"][1]
    assert parse_command(services["sweeper"]["command"]).params["loop"] is True


def test_redis_is_durable_and_never_evicts(compose: dict[str, Any]) -> None:
    redis = compose["services"]["redis"]
    assert re.fullmatch(r"redis:7(\.\d+)*(-alpine)?", redis["image"])
    args = redis["command"]
    assert args[0] == "redis-server"
    options = dict(zip(args[1::2], args[2::2], strict=True))
    assert options["--appendonly"] == "yes" and options["--appendfsync"] == "everysec"
    assert options["--maxmemory-policy"] == "noeviction"
    volume, target = redis["volumes"][0].split(":")[:2]
    assert target == "/data" and volume in compose["volumes"]
    assert healthcheck_argv(redis) == ["redis-cli", "ping"]


def test_environment_is_settings_the_code_reads(compose: dict[str, Any]) -> None:
    known = known_env()
    services = compose["services"]
    for name in WIREWATCH_SERVICES:
        env = service_env(services[name])
        unknown = sorted(set(env) - known)
        assert not unknown, f"{name}: {unknown} are not settings wirewatch reads"
        settings = load_settings(env=env)  # every value passes validation
        url = urlsplit(settings.redis_url or "")
        assert url.hostname in services and url.port == 6379, settings.redis_url
        # services that open the store wait for Redis to be healthy and the schema to be migrated
        deps = services[name]["depends_on"]
        assert deps["redis"]["condition"] == "service_healthy"
        if name != "migrate":
            assert deps["migrate"]["condition"] == "service_completed_successfully"


def test_sources_file_is_mounted_where_the_setting_points(compose: dict[str, Any]) -> None:
    for name in WIREWATCH_SERVICES:
        service = compose["services"][name]
        sources = service_env(service)["WIREWATCH_SOURCES"]
        mounts = {m.split(":")[1]: m.split(":")[0] for m in service["volumes"]}
        assert sources in mounts, f"{name}: {sources} is not mounted"
        host = REPO / mounts[sources]
        assert host.is_file()
        assert load_sources(str(host)).sources  # the default file is a valid sources file


def test_daemon_scales_and_drains(compose: dict[str, Any]) -> None:
    daemon = compose["services"]["daemon"]
    # --scale daemon=N needs no fixed container name and no host port
    assert "container_name" not in daemon and "ports" not in daemon
    assert healthcheck_argv(daemon) == ["wirewatch", "check"]
    parse_command(healthcheck_argv(daemon))
    grace = daemon["stop_grace_period"]
    assert grace.endswith("s") and float(grace[:-1]) > load_settings(env={}).drain_seconds


def test_api_health_and_port(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    ctx = parse_command(api["command"])
    port = ctx.params["port"]
    assert ctx.params["host"] == "0.0.0.0"
    assert any(p.split(":")[-1] == str(port) for p in api["ports"])
    argv = healthcheck_argv(api)
    # the API's own liveness: the full check would mark it unhealthy whenever the daemons are down
    assert argv[:2] == ["python", "-c"] and f"127.0.0.1:{port}/healthz?scope=api" in argv[2]


def test_sweeper_health_command_is_real(compose: dict[str, Any]) -> None:
    parse_command(healthcheck_argv(compose["services"]["sweeper"]))


def test_dockerfile_builds_what_pyproject_packages() -> None:
    lines = [line.strip() for line in (REPO / "Dockerfile").read_text().splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    froms = [line.split()[1] for line in instructions if line.startswith("FROM ")]
    assert froms and all(image.startswith("python:3.11-slim") for image in froms)
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    top_level = {p.split(".")[0] for p in pyproject["tool"]["setuptools"]["packages"]}
    copied = {line.split()[1].rstrip("/") for line in instructions if line.startswith("COPY ") and "--from" not in line}
    assert top_level <= copied, f"packages not copied into the image: {top_level - copied}"
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    health = next(line for line in instructions if line.startswith("HEALTHCHECK "))
    parse_command(re.findall(r'"([^"]+)"', health.split("CMD", 1)[1]))
    env_names = set(re.findall(r"\b(WIREWATCH_\w+)=", "\n".join(instructions)))
    assert env_names and env_names <= known_env()
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


def test_systemd_units() -> None:
    units = sorted((REPO / "deploy" / "systemd").glob("*.service"))
    assert {u.name for u in units} == {"wirewatch.service", "wirewatch-api.service", "wirewatch-sweeper.service"}
    for unit in units:
        parser = ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read(unit)
        service = parser["Service"]
        assert service["User"] == "wirewatch" and service["EnvironmentFile"] == "/etc/wirewatch/wirewatch.env"
        argv = shlex.split(service["ExecStart"])
        assert os.path.basename(argv[0]) == "wirewatch"
        parse_command(["wirewatch", *argv[1:]])
        assert parser["Install"]["WantedBy"] == "multi-user.target"
    env = dict(
        line.split("=", 1) for line in (REPO / "deploy" / "systemd" / "wirewatch.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(env) <= known_env()
    load_settings(env=env)


def test_redis_config_matches_compose(compose: dict[str, Any]) -> None:
    conf = dict(
        line.split(None, 1) for line in (REPO / "deploy" / "redis" / "wirewatch.conf").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    args = compose["services"]["redis"]["command"][1:]
    options = {k.lstrip("-").replace("listpack", "ziplist"): v for k, v in zip(args[::2], args[1::2], strict=True)}
    assert conf == options

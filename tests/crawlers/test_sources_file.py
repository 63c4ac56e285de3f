"""`wirewatch sources add` edits the sources file where it lives and as it was."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from crawlers.sources_file import append_source
from wirewatch.errors import ConfigError

FIRST = "sources:\n  - name: a  # the first\n    url: https://a.example/feed\n"
ENTRY = {"name": "b", "kind": "feed", "url": "https://b.example/feed"}


def test_a_symlinked_sources_file_is_edited_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "config" / "sources.yaml"
    real.parent.mkdir()
    real.write_text(FIRST)
    link = tmp_path / "sources.yaml"
    link.symlink_to(real)
    config = append_source(link, ENTRY)
    assert [s.name for s in config.sources] == ["a", "b"]
    assert link.is_symlink() and link.resolve() == real.resolve()  # still a link, to the same file
    assert "name: b" in real.read_text() and "# the first" in real.read_text()


def test_the_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(FIRST)
    os.chmod(path, 0o640)
    append_source(path, ENTRY)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_file_is_readable_by_the_daemon_user(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    append_source(path, ENTRY)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's 0600


def test_a_missing_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such directory"):
        append_source(tmp_path / "nope" / "sources.yaml", ENTRY)

"""Editing the sources file in place, keeping its comments and order (ruamel round-trip).

The edited text is validated with the same parser the daemon uses before it replaces the file
(atomically, via a temporary file and rename), so a bad edit never lands.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from crawlers.sources import SourcesConfig, parse_sources
from wirewatch.errors import ConfigError


def append_source(path: str | Path, entry: Mapping[str, Any]) -> SourcesConfig:
    # A symlinked sources file (a config-management checkout, a mounted ConfigMap) is edited
    # where it lives: the rename replaces the target, not the link.
    p = Path(path).resolve() if Path(path).is_symlink() else Path(path)
    if not p.parent.is_dir():
        raise ConfigError(f"{path}: no such directory {str(p.parent)!r}")
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    try:
        text = p.read_text(encoding="utf-8") if p.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read sources file ({exc})") from None
    data = yaml.load(text) if text.strip() else None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise ConfigError(f"{p}: expected a mapping with 'topics:' and 'sources:'")
    seq = data.get("sources")
    if seq is None:
        seq = CommentedSeq()
        data["sources"] = seq
    item = CommentedMap()
    for key, value in entry.items():
        if value not in (None, [], ()):
            item[key] = list(value) if isinstance(value, tuple) else value
    seq.append(item)
    out = io.StringIO()
    yaml.dump(data, out)
    new_text = out.getvalue()
    config = parse_sources(new_text, str(p))  # raises ConfigError: the file is left untouched
    # the new file keeps the old one's permissions (mkstemp makes it 0600)
    mode = p.stat().st_mode & 0o7777 if p.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=".sources-", suffix=".yaml", dir=str(p.parent.resolve()))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(new_text)
        os.chmod(tmp, mode)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return config

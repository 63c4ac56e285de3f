"""Offline clustering of JSON lines: the engine of ``wirewatch cluster`` (DESIGN.md's contract).

Input: one JSON object a line, ``{"id": ..., "text": ...}`` with optional ``title``, ``url``,
``source`` and ``published`` (ISO-8601 or unix seconds); blank lines are skipped, other keys are
ignored. Output: one ``{"id": ..., "cluster": ...}`` a line, one per input line, in input order.
Articles are clustered in input order by ``InMemoryClusterer``, the daemon's decision path, and
every line gets its final story (merges made by later lines are followed). The whole input is
read and checked before anything is written, so a bad line never leaves half an output behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from dedupe.cluster import InMemoryClusterer
from dedupe.config import DedupeConfig
from dedupe.fingerprint import fingerprint_many
from wirewatch.errors import InputError

# Fingerprints are computed this many articles at a time (vectorised), then clustered in order.
_BATCH = 512


def _published(value: Any, lineno: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InputError(f"line {lineno}: 'published' must be ISO-8601 text or unix seconds")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"line {lineno}: 'published' is not an ISO-8601 date: {value!r}") from None
        return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()
    raise InputError(f"line {lineno}: 'published' must be ISO-8601 text or unix seconds")


def _optional_text(obj: dict[str, Any], key: str, lineno: int) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"line {lineno}: {key!r} must be a string or null")
    return value


class _Doc:
    __slots__ = ("id", "key", "published", "source", "text", "title")

    def __init__(self, obj: dict[str, Any], lineno: int) -> None:
        raw_id = obj.get("id")
        if isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or raw_id == "":
            raise InputError(f"line {lineno}: 'id' must be a non-empty string or an integer")
        text = obj.get("text")
        if not isinstance(text, str):
            raise InputError(f"line {lineno}: 'text' must be a string")
        self.id: str | int = raw_id
        self.key = str(raw_id)
        self.text = text
        self.title = _optional_text(obj, "title", lineno)
        self.source = _optional_text(obj, "source", lineno) or ""
        self.published = _published(obj.get("published"), lineno)


# A JSONL line longer than this is not an article (the daemon stores pages of at most 10 MB, and
# their text is a small part): refused before shingling, whose memory grows with the text
# (a 29 MB line took 3.2 GB).
MAX_LINE_CHARS = 5_000_000


def check_line_length(line: str, lineno: int) -> None:
    if len(line) > MAX_LINE_CHARS:
        raise InputError(f"line {lineno}: {len(line):,} characters, more than an article ({MAX_LINE_CHARS:,} at most)")


def _parse(lines: Iterable[str]) -> list[_Doc]:
    docs: list[_Doc] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        check_line_length(line, lineno)
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise InputError(f"line {lineno}: not valid JSON ({exc})") from None
        if not isinstance(obj, dict):
            raise InputError(f"line {lineno}: expected a JSON object")
        doc = _Doc(obj, lineno)
        if doc.key in seen:
            raise InputError(f"line {lineno}: id {doc.id!r} repeats line {seen[doc.key]}")
        seen[doc.key] = lineno
        docs.append(doc)
    return docs


def cluster_lines(lines: Iterable[str], config: DedupeConfig | None = None) -> Iterator[str]:
    """Cluster JSON-line articles; yields one ``{"id", "cluster"}`` JSON text (no newline) per article.

    Raises ``InputError`` naming the line number for a line that is not a usable article, or whose
    id repeats an earlier line's.
    """
    docs = _parse(lines)
    clusterer = InMemoryClusterer(config or DedupeConfig())
    for lo in range(0, len(docs), _BATCH):
        batch = docs[lo : lo + _BATCH]
        fps = fingerprint_many([(d.text, d.title) for d in batch], clusterer.config)
        for doc, fp in zip(batch, fps, strict=True):
            clusterer.add_fingerprint(doc.key, fp, source=doc.source, published=doc.published)
    for doc in docs:
        yield json.dumps({"id": doc.id, "cluster": clusterer.story_of(doc.key)}, ensure_ascii=False)

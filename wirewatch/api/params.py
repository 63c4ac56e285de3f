"""Query-string values turned into typed values, or a 4xx with a message that says what to send.

FastAPI checks types and ranges it can express (``limit`` 1..500: a 422); dates, cursors, topics
and sources are parsed here so their errors can name the expected form (a 400, or 404 for a
resource named in the path).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

from fastapi import HTTPException

from storage.queries import Cursor, valid_id

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAME_RE = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")
# Tokens a client is likely to send (digits, Z) are accepted; oddities are refused before parsing.
_TIME_CHARS = re.compile(r"^[0-9T:+\-.Z ]{4,40}$")


def bad_request(message: str, status: int = 400) -> HTTPException:
    return HTTPException(status_code=status, detail=message)


def parse_time(name: str, value: str | None, *, end_of_day: bool = False) -> float | None:
    """An ISO-8601 date or date-time (``2024-05-01``, ``2024-05-01T12:00:00Z``, with an offset or
    naive UTC) as Unix seconds. A bare date means its start (``since``) or its end (``until``)."""
    if value is None or value == "":
        return None
    example = "e.g. 2024-05-01 or 2024-05-01T12:00:00Z"
    if not _TIME_CHARS.match(value):
        raise bad_request(f"{name}: expected an ISO-8601 date or date-time ({example}), got {value[:60]!r}")
    try:
        if _DATE_ONLY.match(value):
            day = date.fromisoformat(value)
            dt = datetime(day.year, day.month, day.day, tzinfo=UTC)
            ts = dt.timestamp() + (86400 - 1e-6 if end_of_day else 0)
        else:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            ts = parsed.timestamp()
    except (ValueError, OverflowError, OSError):
        raise bad_request(f"{name}: expected an ISO-8601 date or date-time ({example}), got {value[:60]!r}") from None
    if not math.isfinite(ts):
        raise bad_request(f"{name}: out of range")
    return ts


def parse_cursor(value: str | None) -> Cursor | None:
    if value is None or value == "":
        return None
    try:
        return Cursor.decode(value)
    except ValueError as exc:
        raise bad_request(f"cursor: {exc}") from None


def parse_words(value: str | None) -> tuple[str, ...]:
    from storage.queries import title_words

    if not value:
        return ()
    if len(value) > 200:
        raise bad_request("q: at most 200 characters")
    return title_words(value)[:12]


def check_name(kind: str, value: str) -> str:
    """Topic and source names: printable, bounded (they become part of a key name)."""
    if not _NAME_RE.match(value):
        raise bad_request(f"{kind}: expected a name of 1 to 200 printable characters")
    return value


def check_id(kind: str, value: str) -> str:
    if not valid_id(value):
        raise bad_request(f"no such {kind}: {value[:60]!r}", 404)
    return value

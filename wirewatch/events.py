"""The story event types on the events stream (``<prefix>:events``), shared by the settings
(which webhooks receive) and the API (what ``/events`` serves). Fields and meaning of each:
``wirewatch/api/README.md`` ("Live events")."""

from __future__ import annotations

# What consumers subscribe to: a story's life, as ingest, operator corrections and the quiet
# watcher announce it.
LIFECYCLE_EVENTS: tuple[str, ...] = (
    "story.created",
    "story.outlet_joined",
    "story.headline_changed",
    "story.merged",
    "story.split",
    "story.quiet",
)
# Plus the raw per-article events ingest writes.
ALL_EVENTS: tuple[str, ...] = (*LIFECYCLE_EVENTS, "story.updated", "article.added")

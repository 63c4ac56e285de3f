"""CLI commands for operators: ``stats``, ``sweep`` (retention), ``export``, ``import``, ``migrate``.

Same contract as every command: exit 0 on success, 2 with one line on stderr for unusable input or
configuration. ``sweep --loop`` is the long-running retention service (docker compose's
``sweeper``, the systemd unit): it stops cleanly on SIGTERM/SIGINT.
"""

from __future__ import annotations

import json
import re
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from typing import IO

import click

from wirewatch.cli import _lines, _setup, dedupe_config, guarded, open_store
from wirewatch.errors import InputError

# A deep sweep scans every seen hash and the whole index: once a day is plenty.


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_since(value: str, now: float) -> float:
    """``--since``: an ISO-8601 date or time (UTC unless it says otherwise) or an age like ``7d``."""
    text = value.strip()
    match = _DURATION.match(text)
    if match:
        return now - float(match.group(1)) * _UNITS[match.group(2)]
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--since: expected an ISO-8601 date or an age like 12h or 7d, got {value!r}") from None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover - the loop always returns


def _when(dt: datetime | None) -> str:
    return f"{dt:%Y-%m-%d %H:%M:%S} UTC" if dt else "-"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.option("--exact", is_flag=True, help="Measure this prefix's keys (MEMORY USAGE over a full SCAN).")
@click.pass_context
@guarded
def stats(ctx: click.Context, as_json: bool, exact: bool) -> None:
    """Counts, Redis memory, bytes per article, oldest and newest items."""
    from storage.stats import collect

    settings = _setup(ctx)
    store = open_store(settings)
    try:
        found = collect(store, measure_keys=exact)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(found.to_json()))
        return
    per_article = found.bytes_per_article
    basis = "this prefix, measured" if found.prefix_memory is not None else "whole server dataset"
    lines = [
        f"store        {store.description}  (Redis {found.redis_version}, schema {found.schema})",
        f"articles     {found.articles}  (indexed for dedupe: {found.indexed})",
        f"stories      {found.stories}",
        f"events       {found.events}",
        f"sources      {found.sources}",
        f"oldest       {_when(found.oldest_article)}",
        f"newest       {_when(found.newest_article)}",
        f"events span  {_when(found.oldest_event)} .. {_when(found.newest_event)}",
        f"memory       {_size(found.used_memory)} used, {_size(found.dataset_memory)} dataset"
        + (f", {_size(found.prefix_memory)} in {found.prefix_keys} keys of this prefix"
           if found.prefix_memory is not None else ""),
        f"per article  {_size(per_article) if per_article is not None else '-'} ({basis})",
        f"maxmemory    {_size(found.maxmemory) if found.maxmemory else 'unlimited'}, "
        f"policy {found.maxmemory_policy}",
        f"last sweep   {_when(found.last_sweep)}"
        + (f" (failed since, at {_when(found.sweep_failed)})" if found.sweep_failed is not None else ""),
    ]
    for line in lines:
        click.echo(line)
    for warning in found.warnings:
        click.echo(f"warning: {warning}", err=True)


class _Stop:
    """SIGTERM/SIGINT end the loop, a sweep in progress at its next batch."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def install(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.event.set())


@click.command()
@click.option("--deep", is_flag=True, help="Also scan seen hashes and the index for stale entries (with --loop: the "
              "first sweep; later ones are deep once a day).")
@click.option("--loop", is_flag=True, help="Sweep whenever none ran for WIREWATCH_RETENTION_INTERVAL seconds (by this "
              "or any process, the daemon's leader included), until stopped.")
@click.pass_context
@guarded
def sweep(ctx: click.Context, deep: bool, loop: bool) -> None:
    """Retention: expire old articles, stories, index entries and events (see docs/deploy.md)."""
    from storage.retention import (
        SWEEP_CHECK_SECONDS,
        SWEEP_LOCK_SECONDS,
        RetentionPolicy,
        SweepInterrupted,
        claim_sweep,
    )
    from storage.retention import sweep as run_sweep

    settings = _setup(ctx)
    policy = RetentionPolicy.from_settings(settings, dedupe_config(settings))
    store = open_store(settings)
    stop = _Stop()
    try:
        if not loop:
            click.echo(run_sweep(store, policy, deep=deep).summary())
            return
        stop.install()
        first_deep = deep
        while not stop.event.is_set():
            try:
                claim = claim_sweep(store, settings.retention_interval, stop=stop.event)
            except Exception as exc:  # Redis restarting: look again at the next check
                click.echo(f"wirewatch: sweep check failed: {exc}", err=True)
                claim = None
            if claim is not None:
                try:
                    run_sweep(store, policy, deep=claim.deep or first_deep, checkpoint=claim.checkpoint)
                    first_deep = False
                except SweepInterrupted as exc:
                    click.echo(f"wirewatch: sweep stopped part-way ({exc}); the next one carries on", err=True)
                except Exception as exc:
                    when = (f"in {settings.retention_interval:g}s" if claim.failed(exc)
                            else f"when its claim lapses, within {SWEEP_LOCK_SECONDS}s")
                    click.echo(f"wirewatch: sweep failed (retried {when}): {exc}", err=True)
                finally:
                    claim.release()
            stop.event.wait(min(settings.retention_interval, SWEEP_CHECK_SECONDS))
    finally:
        store.close()


@click.command()
@click.option("--since", type=str, default=None, help="ISO-8601 date/time, or an age like 7d or 12h.")
@click.option("--topic", type=str, default=None, help="Only this topic.")
@click.option("--stories", "what", flag_value="stories", help="Story JSON lines (updated since).")
@click.option("--articles", "what", flag_value="articles", default=True, help="Article lines (default).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Default: stdout.")
@click.pass_context
@guarded
def export(ctx: click.Context, since: str | None, topic: str | None, what: str, output: str | None) -> None:
    """Write stored articles (fetched since) or stories (updated since) as JSONL, oldest first."""
    from storage.export import dumps, export_articles, export_stories

    start = parse_since(since, time.time()) if since else None
    settings = _setup(ctx)
    store = open_store(settings)
    out: IO[str] = sys.stdout
    try:
        if output:
            try:
                out = open(output, "w", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                raise InputError(f"{output}: cannot write ({exc.strerror})") from None
        produce = export_stories if what == "stories" else export_articles
        count = 0
        for record in produce(store, since=start, topic=topic):
            out.write(dumps(record) + "\n")
            count += 1
        click.echo(f"exported {count} {what}", err=True)
    finally:
        if out is not sys.stdout:
            out.close()
        store.close()


@click.command("import")
@click.argument("file")
@click.option("--restamp", is_flag=True, help="Store as fetched now, not at the recorded fetched_at.")
@click.pass_context
@guarded
def import_(ctx: click.Context, file: str, restamp: bool) -> None:
    """Load a JSONL dump of articles through the dedupe path (a backfill, or a move between servers)."""
    from crawlers.urls import url_id
    from storage.export import import_articles

    settings = _setup(ctx)
    config = dedupe_config(settings)
    lines = _lines(file)
    store = open_store(settings)
    try:
        report = import_articles(
            store, lines, config, make_id=url_id, restamp=restamp, event_maxlen=settings.event_stream_maxlen
        )
    finally:
        store.close()
    for error in report.errors[:20]:
        click.echo(f"wirewatch: skipped {file}: {error}", err=True)
    click.echo(report.summary())
    if report.errors and not report.stored and not report.duplicates:
        raise InputError(f"{file}: no usable article line ({len(report.errors)} bad)")


@click.command()
@click.option("--dry-run", is_flag=True, help="Say what would run; change nothing.")
@click.option("--force", is_flag=True, help="Run even while a daemon heartbeat is fresh.")
@click.pass_context
@guarded
def migrate(ctx: click.Context, dry_run: bool, force: bool) -> None:
    """Bring the Redis data up to this release's schema version."""
    from storage.connection import connect
    from storage.migrations import migrate as run_migrate
    from storage.migrations import plan

    settings = _setup(ctx)
    store = connect(settings, check=False)  # connect() refuses old schemas: that is why we are here
    try:
        store.ping()
        if not dry_run and plan(store).steps:
            # the size the index is rebuilt with (schema 2's migration reads it)
            dedupe = dedupe_config(settings)  # validated there
            meta = store.text.pipeline(transaction=False)
            meta.hsetnx(store.keys.lsh_meta, "slots", dedupe.index_slots)
            meta.hsetnx(store.keys.lsh_meta, "bands", dedupe.bands)
            meta.execute()
        result = run_migrate(store, dry_run=dry_run, force=force)
    finally:
        store.close()
    if result.stored is None:
        click.echo(f"empty database: stamped schema {result.target}" if not dry_run else "empty database")
    elif result.current:
        click.echo(f"schema {result.target} is current: nothing to do")
    else:
        verb = "would apply" if dry_run else "applied"
        for step in result.steps:
            click.echo(f"{verb} {step.to_version}: {step.description}")
        click.echo(f"schema {result.stored} -> {result.target}" + (" (dry run)" if dry_run else ""))


@click.command()
@click.option("--slots", type=int, default=None,
              help="Cells per band, a power of two (default: WIREWATCH_DEDUPE_INDEX_SLOTS).")
@click.option("--force", is_flag=True, help="Run even while a daemon heartbeat is fresh.")
@click.pass_context
@guarded
def reindex(ctx: click.Context, slots: int | None, force: bool) -> None:
    """Rebuild the dedupe index at a new size, from the articles it holds (daemons stopped)."""
    from storage import heartbeats
    from storage.lsh import check_slots, live_entries, rebuild

    settings = _setup(ctx)
    dedupe = dedupe_config(settings)
    size = dedupe.index_slots if slots is None else slots
    try:
        check_slots(size)
    except ValueError as exc:
        raise InputError(f"--slots: {exc}") from None
    store = open_store(settings)
    try:
        if not force and heartbeats.any_running(store):
            raise InputError("a daemon is running (fresh heartbeat): stop the daemons, then reindex (or --force)")
        entries = live_entries(store)
        written = rebuild(store, entries, slots=size, bands=dedupe.bands)
    finally:
        store.close()
    table_mb = dedupe.bands * size * 52 / 8 / 2**20
    click.echo(f"reindexed {written} article(s): {size} slots per band ({table_mb:.1f} MB table)")


COMMANDS: list[click.Command] = [stats, sweep, export, import_, migrate, reindex]

"""The command line, the front door. Every command exits 0 on success; on unusable input or
config, exit 2 with one line on stderr saying what is wrong and where; never a traceback for bad
input (an unexpected bug still prints one line, plus the traceback with ``--debug``)."""

from __future__ import annotations

import errno
import io
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from wirewatch.errors import ConfigError, InputError, WirewatchError
from wirewatch.settings import SETTINGS_DOC, Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("wirewatch")


def fail(message: str, code: int = 2) -> None:
    click.echo(f"wirewatch: error: {message}", err=True)
    sys.exit(code)


# OS errors that say what is wrong with the machine, not with wirewatch.
_MACHINE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EIO, errno.EMFILE})


def guarded(func: F) -> F:
    """Turn our exceptions into one line on stderr and an exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except WirewatchError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            sys.exit(0)
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno in _MACHINE_ERRORS:
                # the machine's problem (a full disk...), not a bug: say which, in one line
                fail(f"{exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else ""), 1)
            if "--debug" in sys.argv:
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", 1)
        return None

    return wrapper  # type: ignore[return-value]


class Ctx:
    def __init__(self, debug: bool) -> None:
        self.debug = debug
        self._settings: Settings | None = None

    def settings(self, **overrides: Any) -> Settings:
        if self._settings is None:
            self._settings = load_settings(**overrides)
        return self._settings


def dedupe_config(settings: Settings) -> Any:
    from dedupe import DedupeConfig

    overrides: dict[str, Any] = {
        "threshold": settings.dedupe_threshold,
        "containment": settings.dedupe_containment,
        "shingle_size": settings.dedupe_shingle_size,
        "num_perm": settings.dedupe_num_perm,
        "bands": settings.dedupe_bands,
        "window_seconds": settings.dedupe_window,
        "index_slots": settings.dedupe_index_slots,
    }
    try:
        return DedupeConfig(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as exc:
        raise ConfigError(f"dedupe settings: {exc}") from None


def open_store(settings: Settings) -> Any:
    from storage.connection import connect

    return connect(settings)


def wait_for_store(settings: Settings, *, first: float = 1.0, cap: float = 30.0) -> Any:
    """The daemon's store. While a configured Redis does not answer, say so and retry with backoff
    (a daemon started before its Redis, as compose or systemd may do, waits instead of dying);
    SIGTERM or SIGINT meanwhile exits 0. Anything else wrong (schema, embedded server) still fails."""
    import signal
    import threading

    from storage.connection import connect
    from wirewatch.errors import StoreUnavailable

    if not settings.redis_url:
        return connect(settings)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    delay = first
    try:
        while True:
            probe = connect(settings, check=False)
            try:
                probe.ping()
                break
            except StoreUnavailable as exc:
                log.warning("%s; retrying in %.0fs (the daemon starts when Redis answers)", exc, delay)
            finally:
                probe.close()
            if stop.wait(delay):
                log.info("stopped while waiting for Redis")
                sys.exit(0)
            delay = min(cap, delay * 2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return connect(settings)


def _read_input(path: str | None) -> bytes:
    if path in (None, "-"):
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def _lines(path: str | None) -> Iterator[str]:
    stream: IO[str]
    if path in (None, "-"):
        # as a file is read: UTF-8, a bad byte replaced (the locale's decoding could let one through
        # as a lone surrogate, which fails later, half-way through the input)
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    else:
        try:
            stream = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    with stream:
        yield from stream


# How long interpreter shutdown may take, once a command that asked for a prompt exit is done,
# before the process ends anyway.
EXIT_GRACE_SECONDS = 10.0
# How long the watchdog waits for its own log line and the flush before it ends the process.
EXIT_LOG_SECONDS = 2.0
# Set by a command whose exit must not wait on a wedged worker thread (``run``).
_prompt_exit = False


def want_prompt_exit() -> None:
    """Have this process exit even if a thread never stops: the exit watchdog starts once the
    command is done. Whatever must happen before the process ends has to be done by then; atexit
    hooks may be cut short."""
    global _prompt_exit
    _prompt_exit = True


def exit_status(code: object) -> int:
    """The process status ``sys.exit(code)`` leads to."""
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def start_exit_watchdog(code: int, grace: float | None = None) -> threading.Thread:
    """From now on the process has ``grace`` seconds to finish exiting; then it logs one line and
    ends with ``code``. Interpreter shutdown joins every non-daemon thread (a ProcessPoolExecutor's
    manager thread among them) before it runs atexit hooks, and a thread that never returns would
    keep the process alive forever. The watchdog is a daemon thread: a prompt exit never waits for it."""
    limit = EXIT_GRACE_SECONDS if grace is None else grace

    def say_and_flush() -> None:
        stuck = [t.name for t in threading.enumerate()
                 if t.is_alive() and not t.daemon and t is not threading.main_thread()]
        if stuck:
            log.error("exit: a worker thread (%s) did not stop within %gs; exiting anyway", ", ".join(stuck), limit)
        else:
            log.error("exit: shutdown did not finish within %gs; exiting anyway", limit)
        logging.shutdown()  # what the skipped atexit hook would do: flush and close the handlers
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):  # None, a closed pipe, a closed file
                pass

    def watch() -> None:
        time.sleep(limit)
        # Logging can block too (a full stderr pipe nobody reads, a handler lock held by the
        # stuck thread): give it a moment in a thread of its own, then end regardless.
        speaker = threading.Thread(target=say_and_flush, name="exit-watchdog-log", daemon=True)
        speaker.start()
        speaker.join(EXIT_LOG_SECONDS)
        os._exit(code)

    thread = threading.Thread(target=watch, name="exit-watchdog", daemon=True)
    thread.start()
    return thread


def _logs_only(argv: list[str]) -> bool:
    """Commands that write only logs (stderr), so they run with stdout closed, as daemons may."""
    words = [a for a in argv if not a.startswith("-")]
    return bool(words) and words[0] in ("run", "serve", "sweep")


class _Program(click.Group):
    """The command group the console script and ``python -m wirewatch`` call: they call it as a
    function, which ends in ``sys.exit``. CliRunner calls ``main()`` instead, so tests in-process
    never arm the exit watchdog (it would end the test run)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        global _prompt_exit
        _prompt_exit = False  # only this call's command may ask (tests run many in one process)
        if sys.stdout is None and not _logs_only(sys.argv[1:]):
            # started with stdout closed (`>&-`): output would vanish or fail part-way
            if sys.stderr is not None:
                sys.stderr.write("wirewatch: error: standard output is closed\n")
            sys.exit(2)
        try:
            return self.main(*args, **kwargs)
        except SystemExit as exc:
            if _prompt_exit:
                start_exit_watchdog(exit_status(exc.code))
            raise
        except BaseException:
            if _prompt_exit:
                start_exit_watchdog(1)  # what Python exits with after printing the traceback (--debug)
            raise


@click.group(cls=_Program, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """wirewatch: collect conflict coverage from many outlets and cluster it into stories."""
    ctx.obj = Ctx(debug)


def _setup(ctx: click.Context, **overrides: Any) -> Settings:
    from wirewatch.logs import configure_logging

    settings: Settings = ctx.obj.settings(**overrides)
    configure_logging("DEBUG" if ctx.obj.debug else settings.log_level, settings.log_format)
    return settings


@main.command()
@click.option("--once", is_flag=True, help="One pass over every source, wait for the work to land, exit.")
@click.option(
    "--sources", "sources_path", type=str, default=None,
    help="Sources YAML (default: WIREWATCH_SOURCES or sources.yaml).",
)
@click.pass_context
@guarded
def run(ctx: click.Context, once: bool, sources_path: str | None) -> None:
    """Run the daemon: the scheduler plus crawls, until SIGTERM/SIGINT."""
    from crawlers.sources import load_sources
    from scheduler.runner import run_daemon

    settings = _setup(ctx)
    sources = load_sources(sources_path or settings.sources)
    dedupe = dedupe_config(settings)
    store = open_store(settings) if once else wait_for_store(settings)
    log.info("store: %s; sources: %s (%d)", store.description, sources.path, len(sources.sources))
    started = time.time()
    try:
        summary = run_daemon(settings, sources, store, dedupe, once=once)
    finally:
        store.close()
        store.stop_embedded_server()
        # A killed extraction worker can leave an executor thread that never ends (see
        # crawlers/extract_pool.py); the daemon must exit all the same.
        want_prompt_exit()
    if once:
        click.echo(
            f"done: {len(summary.runs)} source run(s), {summary.new} new article(s), "
            f"{summary.failed} failed source(s), {time.time() - started:.1f}s",
            err=True,
        )


@main.group(invoke_without_command=True)
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--topic", type=str, default=None)
@click.option("--json", "as_json", is_flag=True, help="One story per line (DESIGN.md's Story JSON).")
@click.pass_context
@guarded
def stories(ctx: click.Context, limit: int, topic: str | None, as_json: bool) -> None:
    """Latest stories from the store (subcommands: merge, split, provenance)."""
    from storage.stories import latest_stories

    if ctx.invoked_subcommand is not None:
        return

    settings = _setup(ctx)
    store = open_store(settings)
    try:
        found = latest_stories(store, limit=limit, topic=topic)
    finally:
        store.close()
    for story in found:
        if as_json:
            click.echo(json.dumps(story.to_json(), ensure_ascii=False))
        else:
            outlets = sorted({a.source for a in story.articles})
            origin = f" [{story.origin}]" if story.origin else ""
            click.echo(f"{story.updated:%Y-%m-%d %H:%M}  {story.size:>3} article(s){origin}  {story.title}")
            click.echo(f"    {story.id}  outlets: {', '.join(outlets)}")


@stories.command("merge")
@click.argument("story")
@click.argument("other")
@click.pass_context
@guarded
def stories_merge(ctx: click.Context, story: str, other: str) -> None:
    """Merge story OTHER into STORY (an operator's correction)."""
    from storage.story_admin import merge_roots

    settings = _setup(ctx)
    store = open_store(settings)
    try:
        root, absorbed = merge_roots(store, story, other, now=time.time(), event_maxlen=settings.event_stream_maxlen)
    finally:
        store.close()
    named = f" (the story {other} is part of)" if absorbed != other else ""
    click.echo(f"merged {absorbed}{named} into {root}")


@stories.command("split")
@click.argument("story")
@click.argument("articles", nargs=-1, required=True)
@click.pass_context
@guarded
def stories_split(ctx: click.Context, story: str, articles: tuple[str, ...]) -> None:
    """Move ARTICLES out of STORY into a story of their own; they are not pulled back later."""
    from storage.story_admin import split_story

    settings = _setup(ctx)
    store = open_store(settings)
    try:
        fresh = split_story(store, story, list(articles), now=time.time(), event_maxlen=settings.event_stream_maxlen)
    finally:
        store.close()
    click.echo(f"split {len(set(articles))} article(s) out of {story} into {fresh}")


@main.command()
@click.option("--sources", "sources_path", type=str, default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@guarded
def status(ctx: click.Context, sources_path: str | None, as_json: bool) -> None:
    """Per-source health and the daemon's state."""
    from crawlers.sources import load_sources
    from storage import heartbeats
    from storage.source_state import load_states
    from storage.stories import count_articles, count_stories
    from storage.work_queue import WorkQueue

    settings = _setup(ctx)
    sources = load_sources(sources_path or settings.sources)
    store = open_store(settings)
    try:
        states = load_states(store, [s.name for s in sources.sources])
        daemons = list(heartbeats.alive(store))
        n_articles, n_stories = count_articles(store), count_stories(store)
        leader = store.text.get(store.keys.leader)
        waiting, pending = WorkQueue(store, "status").depth()
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps({
            "daemons": daemons, "leader": leader, "queue": {"waiting": waiting, "running": pending},
            "articles": n_articles, "stories": n_stories,
            "sources": [{**{k: getattr(st, k) for k in st.__dataclass_fields__ if k not in (
                "etag", "last_modified", "body_hash")}, "enabled": s.enabled}
                for s in sources.sources for st in [states[s.name]]],
        }))
        return

    def ago(ts: float | None) -> str:
        if not ts:
            return "never"
        delta = time.time() - ts
        return f"in {-delta:.0f}s" if delta < 0 else f"{delta:.0f}s ago"

    click.echo(f"daemons: {', '.join(daemons) or 'none running'}; leader: {leader or 'none'}; queue: "
               f"{waiting} waiting, {pending} running; {n_articles} articles, {n_stories} stories; "
               f"store {store.description}")
    click.echo(f"{'source':<28} {'state':<8} {'last success':>13} {'fails':>5} {'new':>4} {'dup':>4} "
               f"{'next run':>10}  last error")
    for s in sources.sources:
        st = states[s.name]
        if not s.enabled:
            state = "disabled"
        elif st.paused:
            state = "paused"
        elif st.running:
            state = "running"
        elif st.consecutive_failures:
            state = "failing"
        elif st.flags.strip():
            state = st.flags.split()[0]  # quiet (no new articles for long) or layout (empty extractions)
        else:
            state = "ok" if st.last_success else "new"
        next_run = "-" if st.running else ago(st.next_run)  # while it runs, its run sets the next time
        click.echo(
            f"{s.name:<28} {state:<8} {ago(st.last_success):>13} {st.consecutive_failures:>5} "
            f"{st.last_new:>4} {st.last_duplicates:>4} {next_run:>10}  {st.last_error[:60]}"
        )


@main.command()
@click.option("--url", type=str, default=None, help="The page's URL (resolves relative links).")
@click.option("--jsonl", is_flag=True, help='Batch: lines {"url": ..., "html": ...} -> one article line each.')
@click.argument("file", required=False)
@click.pass_context
@guarded
def extract(ctx: click.Context, url: str | None, jsonl: bool, file: str | None) -> None:
    """One HTML page -> one Article JSON object (or a JSONL batch)."""
    from crawlers.extract import extract_article

    if not jsonl:
        article = extract_article(_read_input(file), url)
        click.echo(json.dumps(article.to_json(), ensure_ascii=False))
        return
    for n, line in enumerate(_lines(file), 1):
        if not line.strip():
            continue
        page_url: Any = None
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict) or not isinstance(obj.get("html"), str):
                raise InputError(f'line {n}: expected {{"url": ..., "html": ...}}')
            page_url = obj.get("url") if isinstance(obj.get("url"), str) else None
            out = extract_article(obj["html"], page_url).to_json()
        except (ValueError, InputError) as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            out = {"url": page_url, "error": message}
        click.echo(json.dumps(out, ensure_ascii=False))


@main.command("parse-feed")
@click.option("--url", type=str, default=None, help="The feed's URL (resolves relative links).")
@click.argument("file", required=False)
@click.pass_context
@guarded
def parse_feed_cmd(ctx: click.Context, url: str | None, file: str | None) -> None:
    """A feed document -> one JSON line per entry."""
    from crawlers.feeds import parse_feed

    parsed = parse_feed(_read_input(file), url)
    for entry in parsed.entries:
        click.echo(json.dumps(entry.to_json(), ensure_ascii=False))
    for warning in parsed.warnings:  # "truncated to 5000 entries": say so rather than stop quietly
        click.echo(f"wirewatch: warning: {warning}", err=True)


@main.command()
@click.argument("file", required=False)
@click.pass_context
@guarded
def cluster(ctx: click.Context, file: str | None) -> None:
    """Offline dedupe: JSONL {"id", "text"} -> {"id", "cluster"}, same algorithm as the daemon."""
    from dedupe.offline import cluster_lines

    settings = ctx.obj.settings()
    out = sys.stdout
    for line in cluster_lines(_lines(file), dedupe_config(settings)):
        out.write(line + "\n")


@main.group()
def sources() -> None:
    """Manage sources."""


@sources.command("list")
@click.option("--sources", "sources_path", type=str, default=None)
@click.pass_context
@guarded
def sources_list(ctx: click.Context, sources_path: str | None) -> None:
    """List the configured sources."""
    from crawlers.sources import load_sources

    settings = ctx.obj.settings()
    cfg = load_sources(sources_path or settings.sources)
    for s in cfg.sources:
        when = f"cron {s.cron}" if s.cron else f"every {s.every}s"
        flag = "" if s.enabled else "  (disabled)"
        click.echo(f"{s.name:<28} {s.kind:<8} {when:<14} {s.url}{flag}")


@sources.command("enable")
@click.argument("name")
@click.option("--sources", "sources_path", type=str, default=None)
@click.pass_context
@guarded
def sources_enable(ctx: click.Context, name: str, sources_path: str | None) -> None:
    """Resume a source the daemon paused after repeated failures (its next run: now)."""
    from crawlers.sources import load_sources
    from storage.source_state import resume_source

    settings = _setup(ctx)
    cfg = load_sources(sources_path or settings.sources)
    if cfg.get(name) is None:
        raise InputError(f"{cfg.path}: no source named {name!r}")
    store = open_store(settings)
    try:
        was = resume_source(store, name, now=time.time())
    finally:
        store.close()
    click.echo(f"{name}: resumed" + (f" (was: {was})" if was else " (was not paused)") + "; next run: now")


@sources.command("test")
@click.argument("name")
@click.option("--sources", "sources_path", type=str, default=None)
@click.pass_context
@guarded
def sources_test(ctx: click.Context, name: str, sources_path: str | None) -> None:
    """Fetch one source once and show what would be stored; writes nothing."""
    from crawlers.sources import load_sources
    from scheduler.preview import PreviewBackend, preview_source
    from scheduler.runner import run_on_reactor
    from storage.story_index import StoryIndex
    from wirewatch.errors import StoreUnavailable

    settings = _setup(ctx)
    cfg = load_sources(sources_path or settings.sources)
    source = cfg.get(name)
    if source is None:
        raise InputError(f"{cfg.path}: no source named {name!r}")
    dedupe = dedupe_config(settings)
    store = None
    try:
        store = open_store(settings)
        index = StoryIndex(store, dedupe)
    except StoreUnavailable as exc:
        click.echo(f"note: {exc}; duplicates not checked", err=True)
        index = None
    backend = PreviewBackend(index, dedupe, cfg.topics)
    try:
        run = run_on_reactor(lambda: preview_source(settings, source, backend), interruptible=True)
    finally:
        if store is not None:
            store.close()
    click.echo(f"{'title':<60} {'published':<20} {'words':>5}  {'topics':<20} {'kept':<4}  duplicate-of")
    for row in backend.rows:
        click.echo(f"{row.title[:60]:<60} {(row.published or '-')[:19]:<20} {row.words:>5}  "
                   f"{','.join(row.topics)[:20]:<20} {'yes' if row.kept else 'no':<4}  {row.duplicate_of or '-'}")
    click.echo(run.summary(), err=True)
    if not run.ok:
        sys.exit(1)


@sources.command("add")
@click.argument("url")
@click.option("--name", type=str, default=None, help="Source name (default: from the host).")
@click.option("--every", type=str, default="10m", show_default=True)
@click.option("--topic", "topics", multiple=True, help="Keep only articles matching this topic (repeatable).")
@click.option("--dry-run", is_flag=True, help="Discover and show, but do not write the sources file.")
@click.option("--sources", "sources_path", type=str, default=None)
@click.pass_context
@guarded
def sources_add(ctx: click.Context, url: str, name: str | None, every: str, topics: tuple[str, ...], dry_run: bool,
                sources_path: str | None) -> None:
    """Discover the feed (or sitemap) of URL, fetch it once, and append a validated entry."""
    from pathlib import Path

    from crawlers.discover import discover, suggest_name
    from crawlers.scrapy_config import scrapy_settings
    from crawlers.sources import load_sources, parse_interval
    from crawlers.sources_file import append_source
    from crawlers.urls import is_http_url
    from scheduler.runner import run_on_reactor

    settings = _setup(ctx)
    if not is_http_url(url):
        raise InputError(f"{url!r} is not an http(s) URL")
    try:
        parse_interval(every)
    except ValueError as exc:
        raise InputError(f"--every: {exc}") from None
    path = sources_path or settings.sources
    cfg = load_sources(path) if Path(path).exists() else None
    taken = {s.name for s in cfg.sources} if cfg else set()
    if cfg is not None:
        existing = [s.name for s in cfg.sources if s.url.rstrip("/") == url.rstrip("/")]
        if existing:
            raise InputError(f"{path}: {url} is already the source {existing[0]!r}")
    found = run_on_reactor(lambda: discover(scrapy_settings(settings), url), interruptible=True)
    if cfg is not None:
        existing = [s.name for s in cfg.sources if s.url.rstrip("/") == found.url.rstrip("/")]
        if existing:
            raise InputError(f"{path}: {found.url} (found from {url}) is already the source {existing[0]!r}")
    click.echo(f"found: {found.kind} {found.url}" + (f" ({found.title})" if found.title else "")
               + f", {found.entries} entries", err=True)
    for title in found.sample:
        click.echo(f"  - {title}", err=True)
    entry = {"name": name or suggest_name(found.url, taken), "kind": found.kind, "url": found.url,
             "every": every, "topics": list(topics)}
    if dry_run:
        click.echo(json.dumps(entry))
        return
    append_source(path, entry)
    click.echo(f"added {entry['name']} to {path}; a running daemon picks it up within seconds")


@sources.command("validate")
@click.option("--sources", "sources_path", type=str, default=None)
@click.pass_context
@guarded
def sources_validate(ctx: click.Context, sources_path: str | None) -> None:
    """Check the whole sources file; report every problem at once."""
    from crawlers.sources import load_sources

    settings = ctx.obj.settings()
    cfg = load_sources(sources_path or settings.sources)
    click.echo(f"{cfg.path}: {len(cfg.sources)} source(s), {len(cfg.topics)} topic(s): ok")


@main.command()
@click.pass_context
@guarded
def config(ctx: click.Context) -> None:
    """The effective settings, secrets masked."""
    settings = ctx.obj.settings()
    for name, value in settings.masked().items():
        click.echo(f"{name} = {value!r}    # {SETTINGS_DOC.get(name, '')}")


@main.command()
@click.pass_context
@guarded
def check(ctx: click.Context) -> None:
    """Exit 0 when Redis answers and a daemon heartbeat is fresh; else 1 (for healthchecks)."""
    from storage import heartbeats

    settings = ctx.obj.settings()
    store = open_store(settings)
    try:
        beats = heartbeats.alive(store)
    finally:
        store.close()
    if not beats:
        click.echo("unhealthy: no daemon heartbeat", err=True)
        sys.exit(1)
    click.echo(f"healthy: {len(beats)} daemon(s)")


def _register(module_names: tuple[str, ...]) -> None:
    """Commands that live beside the code they drive (serving, operations, story inspection)
    register here: a module's ``COMMANDS`` go under ``wirewatch``, its ``STORIES_COMMANDS`` under
    ``wirewatch stories``."""
    import importlib

    for name in module_names:
        module = importlib.import_module(name)
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)
        for command in getattr(module, "STORIES_COMMANDS", ()):
            stories.add_command(command)


_register(("wirewatch.cli_serve", "wirewatch.cli_ops", "wirewatch.cli_stories"))

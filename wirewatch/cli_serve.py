"""CLI commands for serving stories (``wirewatch serve``): the HTTP API, feeds, live events and
the web page, run by uvicorn until SIGTERM/SIGINT."""

from __future__ import annotations

import errno
import signal
import socket
from types import FrameType

import click

from wirewatch.cli import _setup, guarded
from wirewatch.errors import ConfigError

# Seconds open streams (SSE clients) get to finish on shutdown before they are cut.
GRACEFUL_SECONDS = 5


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="TCP port.")
@click.option(
    "--sources", "sources_path", type=str, default=None,
    help="Sources YAML for configured topics and sources (default: WIREWATCH_SOURCES or sources.yaml).",
)
@click.pass_context
@guarded
def serve(ctx: click.Context, host: str, port: int, sources_path: str | None) -> None:
    """Serve the HTTP API (OpenAPI at /docs), Atom/JSON feeds, live events and the web page."""
    import uvicorn

    from storage.connection import connect
    from wirewatch.api import Catalog, ServeConfig, create_app

    settings = _setup(ctx)
    config = ServeConfig.from_settings(settings)
    catalog = Catalog.open(sources_path or settings.sources)
    store = connect(settings, timeout=settings.api_redis_timeout)
    try:
        app = create_app(store, config=config, catalog=catalog, event_maxlen=settings.event_stream_maxlen)
        server = uvicorn.Server(uvicorn.Config(
            app, host=host, port=port, log_config=None, access_log=False, proxy_headers=True,
            timeout_graceful_shutdown=GRACEFUL_SECONDS,
        ))
        _check_listen(host, port)
        click.echo(f"wirewatch: serving on http://{host}:{port}/ (store {store.description})", err=True)
        # uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal to the handler
        # it found: make that one a no-op so a requested stop exits 0, as the CLI contract says.
        previous = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            server.run()
        except SystemExit as exc:  # uvicorn's exit on a failed start (the port taken meanwhile)
            if not server.started:
                raise ConfigError(f"cannot serve on {host}:{port}: the server did not start") from None
            raise exc
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    finally:
        store.close()


def _check_listen(host: str, port: int) -> None:
    """Fail with one line before the app starts when the address cannot be listened on (uvicorn
    says so only in its log, then exits 3)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot serve on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            why = "the port is in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise ConfigError(f"cannot serve on {host}:{port}: {why}") from None


def _stopped(signum: int, frame: FrameType | None) -> None:
    """The signal was already handled (graceful shutdown); nothing more to do."""


COMMANDS: list[click.Command] = [serve]

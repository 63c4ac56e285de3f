"""The bad-input corpus as one set of named documents, and a tripwire that catches any document
that makes a parser read a file or open a connection.

Documents: every bad feed (``tests/data/feeds/make_bad_corpus.py``) and every bad HTML page
(``tests/data/html/make_bad_html.py``), committed ones and the large ones built at test time, with
the XXE documents rebuilt to name the tripwire's FIFO and server.

The tripwire: the marker "file" is a FIFO. Opening a FIFO for writing without blocking fails until
someone has it open for reading, so a thread that keeps trying learns the moment any process
(libxml2 in C included, where no Python audit hook reaches) opens it; the trap server records any
connection. A document that trips either is a file or network access caused by a document.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import socket
import threading
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
SECRET = "XXE-SECRET-MARKER-7f3a"


def load_generator(relative: str) -> ModuleType:
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FEEDS = load_generator("tests/data/feeds/make_bad_corpus.py")
HTML = load_generator("tests/data/html/make_bad_html.py")


class Tripwire:
    """A FIFO whose opening is noticed, and a TCP server whose connections are recorded."""

    def __init__(self, workdir: Path) -> None:
        self.fifo = workdir / "marker.fifo"
        os.mkfifo(self.fifo)
        self.hits: list[str] = []
        self._stop = threading.Event()
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self._server.settimeout(0.1)
        self.http = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self._threads = [threading.Thread(target=self._watch_fifo, daemon=True),
                         threading.Thread(target=self._accept, daemon=True)]
        for t in self._threads:
            t.start()

    def _watch_fifo(self) -> None:
        while not self._stop.wait(0.005):
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno == errno.ENXIO:  # no reader: nobody opened the marker
                    continue
                raise
            self.hits.append(f"opened {self.fifo}")
            try:
                os.write(fd, SECRET.encode())
            except OSError:
                pass
            os.close(fd)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.hits.append(f"connection from {peer[0]}:{peer[1]}")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        for t in self._threads:
            t.join(5)


def documents(tripwire: Tripwire) -> dict[str, bytes]:
    """Every corpus document, named ``feed__<name>`` or ``html__<name>``."""
    feeds = dict(FEEDS.corpus())
    feeds.update(FEEDS.xxe_documents(str(tripwire.fifo), tripwire.http))
    feeds.update({name: build() for name, build in FEEDS.LARGE_DOCUMENTS.items()})
    pages = dict(HTML.corpus())
    pages.update(HTML.xxe_documents(str(tripwire.fifo), tripwire.http))
    pages.update({name: build() for name, build in HTML.LARGE_DOCUMENTS.items()})
    out = {f"feed__{name}": body for name, body in feeds.items()}
    out.update({f"html__{name}": body for name, body in pages.items()})
    return out


def write_documents(dest: Path, tripwire: Tripwire) -> dict[str, int]:
    """Write every document into ``dest``; returns name -> size."""
    dest.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, body in documents(tripwire).items():
        (dest / name).write_bytes(body)
        sizes[name] = len(body)
    return sizes

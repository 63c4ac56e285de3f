"""Run every document of a directory through ``wirewatch parse-feed -`` and ``wirewatch extract -``
in one process (the click commands themselves, document on stdin), recording per document and
command: exit code, stderr, seconds, peak memory, and any file or network access it caused.

    python -m tests.reliability.corpus_runner DOCS_DIR OUT.jsonl [--limit SECONDS]

One process instead of one per document: 300 documents x 2 commands as subprocesses would take
minutes of interpreter start-up on a shared 2-core machine. Isolation is kept where it matters:
the peak RSS is reset before each document (``/proc/self/clear_refs``), a per-document timer
interrupts Python-level loops, and the parent (``tests/reliability/corpus.py``) kills this process
if a document hangs inside C code; each ``begin`` line on stdout names the document at fault.

Access is watched by a Python audit hook (``open``, ``socket.*``, ``subprocess.Popen``...). libxml2
reads files and URLs in C, past any hook: the XXE documents therefore name a FIFO and a local
server that the parent watches (see ``tests/reliability/corpus.py``).
"""

from __future__ import annotations

import json
import signal
import sys
import time
import warnings
from pathlib import Path
from types import FrameType
from typing import Any

COMMANDS = ("parse-feed", "extract")
_ALLOWED_SUFFIXES = (".py", ".pyc", ".so", ".pth", ".json", ".cfg", ".txt", ".dat", ".pickle", ".typed")
_WATCHED = ("open", "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.bind",
            "urllib.Request", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "shutil.copyfile",
            "os.remove", "os.rename")


class Hang(BaseException):
    """Raised by the per-document timer (a BaseException: the code under test catches Exception)."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang()


class AccessWatch:
    def __init__(self, roots: tuple[str, ...]) -> None:
        self.roots = roots
        self.active = False
        self.seen: list[str] = []

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.active or not event.startswith(_WATCHED):
            return
        if event == "open":
            path = args[0]
            if isinstance(path, int) or path is None:
                return
            text = str(path if not isinstance(path, bytes) else path.decode("utf-8", "replace"))
            # Library code loading its own modules and data (lazy imports) is not the document's doing.
            if text.startswith(self.roots) and text.endswith(_ALLOWED_SUFFIXES):
                return
            if text.startswith(("/proc/self/", "/dev/urandom", "/dev/null")):
                return
        self.seen.append(f"{event} {args!r}"[:300])


def _peak_reset() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def run(docs: Path, out: Path, limit: float) -> int:
    from click.testing import CliRunner

    from wirewatch.cli import main

    repo = Path(__file__).resolve().parents[2]
    roots = tuple(sorted({sys.prefix, sys.base_prefix, sys.exec_prefix, str(repo)}))
    watch = AccessWatch(roots)
    runner = CliRunner()
    # Warm up: lazy imports and library data files load now, not while a document is watched.
    for command, sample in (("extract", "tests/data/extraction/armenian_weekly_ceasefire.html"),
                            ("parse-feed", "tests/data/feeds/rss2_fulltext.xml")):
        runner.invoke(main, [command, "-"], input=(repo / sample).read_bytes())
    sys.addaudithook(watch)
    signal.signal(signal.SIGALRM, _on_alarm)
    warnings.simplefilter("ignore")  # the commands' own warnings go to their stderr, which we record
    names = sorted(p.name for p in docs.iterdir() if p.is_file())
    with out.open("w", encoding="utf-8") as sink:
        for name in names:
            data = (docs / name).read_bytes()
            for command in COMMANDS:
                print(f"begin {command} {name}", flush=True)
                resettable = _peak_reset()
                watch.seen = []
                watch.active = True
                hung = False
                started = time.perf_counter()
                signal.setitimer(signal.ITIMER_REAL, limit)
                try:
                    result = runner.invoke(main, [command, "-"], input=data, catch_exceptions=True)
                except Hang:
                    hung = True
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    watch.active = False
                seconds = time.perf_counter() - started
                record: dict[str, Any] = {
                    "name": name, "command": command, "seconds": round(seconds, 3), "hung": hung,
                    "peak_rss_mb": round(_status_kb("VmHWM") / 1024, 1), "peak_is_per_document": resettable,
                    "rss_mb": round(_status_kb("VmRSS") / 1024, 1), "access": list(watch.seen),
                }
                if not hung:
                    exc = result.exception
                    if isinstance(exc, Hang):
                        record["hung"] = True
                    record.update({
                        "exit_code": result.exit_code,
                        "stdout": result.stdout[:2000], "stdout_lines": len(result.stdout.splitlines()),
                        "stderr": result.stderr[:2000],
                        "exception": None if exc is None or isinstance(exc, SystemExit) else repr(exc)[:500],
                    })
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                sink.flush()
    print("done", flush=True)
    return 0


def main(argv: list[str]) -> int:
    limit = 20.0
    if "--limit" in argv:
        i = argv.index("--limit")
        limit = float(argv[i + 1])
        del argv[i : i + 2]
    docs, out = Path(argv[0]), Path(argv[1])
    return run(docs, out, limit)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Soak: the daemon under continuous ingest for ``WIREWATCH_SOAK_SECONDS`` (default 20; the report's
run: 600). Outlets publish all the time (new reports and wire reprints that must join stories);
the daemon's resident memory is sampled throughout. At the end every published article is stored
exactly once, and memory after warm-up has not kept growing.

    WIREWATCH_SOAK_SECONDS=600 .venv/bin/pytest -m slow -s tests/reliability/test_soak.py
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from pathlib import Path

import pytest
import yaml

from storage.connection import Store
from tests.fixturesite import build_world, serve_world
from tests.fixturesite.build import UKRAINE_EVENTS
from tests.reliability.procs import rss_mb
from tests.scheduler.daemon_proc import DaemonProcess, wait_until

pytestmark = pytest.mark.slow

SOAK_SECONDS = float(os.environ.get("WIREWATCH_SOAK_SECONDS", "20"))
PUBLISH_EVERY = 0.5  # seconds between new articles, across the outlets
SAMPLE_EVERY = 5.0
# Warm-up (first pass, caches, lazily loaded modules) is excluded: memory is compared from then on.
WARM_UP = min(60.0, SOAK_SECONDS / 5)
# Allowed growth from the warm RSS to the end: generous for short runs (allocator noise is tens of
# MB), while a leak of even 1 KB per article would show over the long run's 1,200 articles.
GROWTH_MB = 64.0
EVENTS = (*UKRAINE_EVENTS, "sudan")


def stored_urls(store: Store) -> list[str]:
    ids = store.text.zrange(store.keys.articles_by_time, 0, -1)
    pipe = store.text.pipeline(transaction=False)
    for aid in ids:
        pipe.hget(store.keys.article(aid), "url")
    return [u for u in pipe.execute() if u]


@pytest.mark.timeout(SOAK_SECONDS + 600)
def test_soak_continuous_ingest_loses_nothing_and_memory_stays_flat(
    tmp_path: Path, cli_env: dict[str, str], store: Store
) -> None:
    world = build_world()
    rng = random.Random(11)
    stop = threading.Event()
    published = [0]

    def publish() -> None:
        while not stop.wait(PUBLISH_EVERY):
            outlet = rng.randrange(len(world.outlets))
            if rng.random() < 0.1:
                world.add_wire_reprint(outlet, story="wire-00")
            else:
                world.add_article(outlet, event=rng.choice(EVENTS))
            published[0] += 1

    samples: list[tuple[float, float]] = []
    with serve_world(world):
        sources = world.sources_yaml(tmp_path / "sources.yaml", every="30s")
        # every 30 s: the fixture feeds' <ttl>10</ttl> would otherwise stretch RSS outlets to max_every
        doc = yaml.safe_load(sources.read_text())
        for source in doc["sources"]:
            source["max_every"] = "30s"
        sources.write_text(yaml.safe_dump(doc))
        daemon = DaemonProcess(sources, {**cli_env, "WIREWATCH_DOWNLOAD_DELAY": "0.05"})
        publisher = threading.Thread(target=publish, daemon=True)
        try:
            assert wait_until(lambda: store.text.zcard(store.keys.articles_by_time) >= len(world.article_urls), 120), daemon.log
            started = time.monotonic()
            publisher.start()
            while time.monotonic() - started < SOAK_SECONDS:
                assert daemon.proc.poll() is None, daemon.log[-3000:]
                samples.append((time.monotonic() - started, rss_mb(daemon.proc.pid)))
                time.sleep(SAMPLE_EVERY)
            stop.set()
            publisher.join(10)
            expected = sorted(world.article(u).url for u in world.article_urls)
            assert wait_until(lambda: store.text.zcard(store.keys.articles_by_time) >= len(expected), 300), (
                f"{store.text.zcard(store.keys.articles_by_time)} of {len(expected)}\n" + daemon.log[-3000:])
            samples.append((time.monotonic() - started, rss_mb(daemon.proc.pid)))
            assert daemon.sigterm() == 0, daemon.log[-3000:]
        finally:
            stop.set()
            daemon.stop()
    urls = stored_urls(store)
    warm = [mb for t, mb in samples if t >= WARM_UP]
    report = {
        "seconds": SOAK_SECONDS, "articles_published": published[0], "articles_stored": len(urls),
        "rss_first_mb": round(samples[0][1], 1), "rss_warm_mb": round(warm[0], 1), "rss_end_mb": round(samples[-1][1], 1),
        "rss_max_mb": round(max(mb for _, mb in samples), 1), "samples": len(samples),
    }
    print("soak:", json.dumps(report))
    if os.environ.get("WIREWATCH_SOAK_REPORT"):
        Path(os.environ["WIREWATCH_SOAK_REPORT"]).write_text(json.dumps({**report, "rss": samples}))
    assert published[0] >= SOAK_SECONDS / PUBLISH_EVERY / 2  # the load was real
    assert sorted(urls) == expected  # every article stored, none twice
    assert "Traceback" not in daemon.log
    assert samples[-1][1] <= warm[0] + GROWTH_MB, report

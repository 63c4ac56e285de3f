"""/healthz on a real Redis: the scheduler lock held or not (the daemons' ``Leader``), a work queue
built and left stalled with the daemons' ``WorkQueue``, runs landing through the daemons' per-run
write (``record_run``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storage.connection import Store
from storage.source_state import record_run, set_next_run
from storage.work_queue import Leader, WorkQueue
from tests.api.conftest import make_app
from wirewatch.api.health import LEADER_GRACE, STALL_FACTOR
from wirewatch.api.schemas import HealthOut

VISIBILITY = 60
STALL = STALL_FACTOR * VISIBILITY


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_client(store: Store, sources_file: Path, clock: Clock) -> Iterator[TestClient]:
    app = make_app(store, sources_file, queue_visibility=VISIBILITY)
    app.state.api.health.clock = clock
    app.state.api.health.started = clock.now
    with TestClient(app) as c:
        yield c


def check(client: TestClient, status: int, **params: str) -> dict[str, object]:
    r = client.get("/healthz", params=params)
    assert r.status_code == status, r.text
    body = r.json()
    HealthOut.model_validate(body)
    return body


def test_api_scope_asks_only_for_redis(app_client: TestClient, clock: Clock) -> None:
    clock.now += 3600  # no daemon for an hour: the full check fails, the API's own does not
    assert check(app_client, 200, scope="api") == {"status": "ok", "scope": "api", "redis": "ok", "stories": 0,
                                                   "reasons": []}
    assert check(app_client, 503)["status"] == "unhealthy"
    assert app_client.get("/healthz", params={"scope": "daemon"}).status_code == 422


def test_no_leader_is_healthy_within_the_grace_then_unhealthy(app_client: TestClient, clock: Clock) -> None:
    body = check(app_client, 200)  # a fresh API, no daemon yet
    assert body["leader"] == {"state": "absent", "instance": None, "absent_seconds": 0.0}
    clock.now += LEADER_GRACE + 1
    body = check(app_client, 503)
    assert body["leader"]["absent_seconds"] == LEADER_GRACE + 1  # type: ignore[index]
    assert body["reasons"] == [f"no daemon has held the scheduler lock for {LEADER_GRACE + 1} s "
                               f"(grace {LEADER_GRACE} s)"]


def test_a_held_lock_is_healthy_and_its_loss_counts_from_the_last_sighting(
        app_client: TestClient, store: Store, clock: Clock) -> None:
    leader = Leader(store, "host-a:41")
    assert leader.acquire_or_renew()
    clock.now += 3600  # long after the API started: the lock is what counts
    body = check(app_client, 200)
    assert body["leader"] == {"state": "ok", "instance": "host-a:41", "absent_seconds": None}
    assert body["queue"] == {"state": "ok", "waiting": 0, "pending": 0, "oldest_seconds": None,
                             "last_run_seconds": None, "overdue_seconds": 0.0, "stall_after": STALL}
    leader.release()  # the leader died; no standby
    clock.now += LEADER_GRACE - 1
    assert check(app_client, 200)["leader"]["absent_seconds"] == LEADER_GRACE - 1  # type: ignore[index]
    clock.now += 2
    assert "scheduler lock" in check(app_client, 503)["reasons"][0]  # type: ignore[index]
    assert Leader(store, "host-b:7").acquire_or_renew()  # a standby takes over
    assert check(app_client, 200)["leader"]["instance"] == "host-b:7"  # type: ignore[index]


def test_a_queue_where_nothing_lands_is_stalled_a_deep_moving_one_is_not(
        app_client: TestClient, store: Store, clock: Clock) -> None:
    assert Leader(store, "host-a:41").acquire_or_renew()
    queue = WorkQueue(store, "host-a:41", visibility=VISIBILITY)
    queue.ensure_group()
    for name in ("kyiv-feed", "odesa-feed", "sahel-feed"):
        queue.enqueue({"name": name, "kind": "feed", "url": f"https://{name}.example/rss", "every": 600})
    (claimed,) = queue.claim(1)  # one claimed by a worker that then hangs; two waiting
    queued_at = clock.now

    clock.now = queued_at + STALL - 5
    body = check(app_client, 200)
    assert body["queue"]["waiting"] == 2 and body["queue"]["pending"] == 1  # type: ignore[index]

    clock.now = queued_at + STALL + 5
    body = check(app_client, 503)
    assert body["queue"]["state"] == "stalled"  # type: ignore[index]
    (reason,) = body["reasons"]  # type: ignore[misc]
    assert reason.startswith("queue stalled: 3 run(s) queued, the oldest ") and "last run landed never" in reason

    # a run lands (the daemon's own write, which acks its entry): behind, but moving
    record_run(store, "kyiv-feed", {"last_run": clock.now}, next_run=None, ack=claimed.entry_id, now=clock.now - 2)
    body = check(app_client, 200)
    assert body["queue"]["pending"] == 0 and body["queue"]["waiting"] == 2  # type: ignore[index]
    assert body["queue"]["oldest_seconds"] > STALL and body["queue"]["last_run_seconds"] == 2.0  # type: ignore[index]
    clock.now += STALL + 1  # ... and then nothing more
    assert check(app_client, 503)["queue"]["state"] == "stalled"  # type: ignore[index]


def test_a_leader_that_dispatches_nothing_is_a_stalled_scheduler(
        app_client: TestClient, store: Store, clock: Clock) -> None:
    assert Leader(store, "host-a:41").acquire_or_renew()
    set_next_run(store, "kyiv-feed", clock.now)
    clock.now += STALL - 1
    assert check(app_client, 200)["queue"]["overdue_seconds"] == STALL - 1  # type: ignore[index]
    clock.now += 2
    (reason,) = check(app_client, 503)["reasons"]  # type: ignore[misc]
    assert reason == f"scheduler stalled: a source due {STALL + 1} s ago has not been dispatched (bound {STALL} s)"

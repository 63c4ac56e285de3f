from __future__ import annotations

import time

from storage.connection import Store
from storage.work_queue import Leader, WorkQueue


def test_dispatch_leases_due_sources_once(store: Store) -> None:
    q = WorkQueue(store, "w1")
    q.ensure_group()
    q.ensure_group()  # idempotent
    now = time.time()
    store.text.zadd(store.keys.sources_due, {"a": now - 5, "b": now - 1, "c": now + 100, "gone": now - 1})
    jobs = {n: {"name": n, "kind": "feed", "url": f"http://e.org/{n}"} for n in "abc"}
    assert sorted(q.dispatch_due(now, jobs, lease=900)) == ["a", "b"]
    assert q.dispatch_due(now, jobs, lease=900) == []  # leased: not dispatched twice
    assert store.text.zscore(store.keys.sources_due, "gone") is None  # removed from config
    assert store.text.zscore(store.keys.sources_due, "a") == now + 900
    claimed = q.claim(10)
    assert sorted(c.job["name"] for c in claimed) == ["a", "b"]
    assert q.depth() == (0, 2)
    for c in claimed:
        q.ack(c.entry_id)
    assert q.depth() == (0, 0)


def test_dead_workers_entries_are_taken_over(store: Store) -> None:
    dead = WorkQueue(store, "dead", visibility=1)
    dead.ensure_group()
    dead.enqueue({"name": "a"})
    (c,) = dead.claim(5)
    alive = WorkQueue(store, "alive", visibility=1)
    assert alive.claim(5) == []  # still fresh
    time.sleep(1.2)
    (taken,) = alive.claim(5)
    assert taken.entry_id == c.entry_id and taken.job == {"name": "a"}


def test_touch_keeps_an_entry_and_put_back_requeues(store: Store) -> None:
    w1 = WorkQueue(store, "w1", visibility=1)
    w1.ensure_group()
    w1.enqueue({"name": "a"})
    (c,) = w1.claim(1)
    time.sleep(0.7)
    w1.touch([c.entry_id])
    time.sleep(0.5)
    w2 = WorkQueue(store, "w2", visibility=1)
    assert w2.claim(1) == []
    w1.put_back(c)
    (again,) = w2.claim(1)
    assert again.job == {"name": "a"} and again.entry_id != c.entry_id


def test_leader_lock_single_holder_and_takeover(store: Store) -> None:
    a, b = Leader(store, "a", ttl=1), Leader(store, "b", ttl=1)
    assert a.acquire_or_renew()
    assert not b.acquire_or_renew()
    assert a.acquire_or_renew()  # renewal
    assert a.holder() == "a"
    time.sleep(1.2)  # a stopped renewing
    assert b.acquire_or_renew() and b.holder() == "b"
    a.release()  # not a's any more: no effect
    assert b.holder() == "b"

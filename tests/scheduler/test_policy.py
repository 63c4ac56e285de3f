from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.policy import BACKOFF_CAP, PAUSED_RETRY, Bounds, Outcome, PollState, plan_next, resume

NOW = 1_700_000_000.0
B = Bounds.for_source(600)


def test_default_bounds() -> None:
    assert (B.every, B.min_every, B.max_every) == (600, 150, 3600)
    assert Bounds.for_source(60, min_every=10, max_every=120).min_every == 10


def test_busy_source_polled_more_often_quiet_less_within_bounds() -> None:
    state = PollState()
    for _ in range(20):
        plan = plan_next(B, state, Outcome(ok=True, new=5), NOW)
        state = plan.state
    assert plan.next_run - NOW == B.min_every
    for _ in range(40):
        plan = plan_next(B, state, Outcome(ok=True, new=0), NOW)
        state = plan.state
    assert plan.next_run - NOW == B.max_every


def test_errors_back_off_exponentially_with_cap_then_pause() -> None:
    state = PollState()
    delays = []
    for _ in range(12):
        plan = plan_next(B, state, Outcome(ok=False, error="HTTP 503"), NOW, pause_after=10)
        state = plan.state
        delays.append(plan.next_run - NOW)
    assert delays[:3] == [600, 1200, 2400]
    assert max(delays[:9]) <= BACKOFF_CAP
    assert state.paused.startswith("paused after 10 consecutive failures; last: HTTP 503")
    assert delays[-1] == PAUSED_RETRY
    assert "paused" in plan.flags


def test_paused_source_comes_back_by_itself_and_enable_resumes() -> None:
    state = PollState(failures=12, paused="paused after 10")
    plan = plan_next(B, state, Outcome(ok=True, new=1), NOW)
    assert plan.state.paused == "" and plan.state.failures == 0
    assert resume(state) == PollState(None, 0, "", None, None)


def test_retry_after_is_honoured() -> None:
    plan = plan_next(B, PollState(), Outcome(ok=False, error="429", retry_after=7200), NOW)
    assert plan.next_run - NOW == 7200


def test_quiet_and_layout_flags() -> None:
    state = PollState(last_new_at=NOW - 3 * 86400, avg_gap=1800)
    assert "quiet" in plan_next(B, state, Outcome(ok=True, new=0), NOW).flags
    assert "quiet" not in plan_next(B, state, Outcome(ok=True, new=2), NOW).flags
    assert "layout" in plan_next(B, PollState(), Outcome(ok=True, extracted=10, empty=9), NOW).flags


@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 50)), max_size=60),
    st.floats(30, 86400),
)
def test_next_run_always_in_the_future_and_bounded(history: list[tuple[bool, int]], every: float) -> None:
    bounds = Bounds.for_source(every)
    state = PollState()
    for ok, new in history:
        plan = plan_next(bounds, state, Outcome(ok=ok, new=new, error="x"), NOW)
        assert NOW + min(bounds.min_every, bounds.every) <= plan.next_run <= NOW + max(PAUSED_RETRY, bounds.max_every)
        state = plan.state


def test_jitter_spreads_next_runs_within_bounds() -> None:
    base = plan_next(B, PollState(), Outcome(ok=True, new=0), NOW).next_run - NOW
    early = plan_next(B, PollState(), Outcome(ok=True, new=0), NOW, jitter=-0.1).next_run - NOW
    late = plan_next(B, PollState(), Outcome(ok=True, new=0), NOW, jitter=0.1).next_run - NOW
    assert early == pytest.approx(base * 0.9) and late == pytest.approx(base * 1.1)
    # never past the source's bounds
    at_max = PollState(interval=B.max_every)
    assert plan_next(B, at_max, Outcome(ok=True), NOW, jitter=0.1).next_run - NOW == B.max_every
    fast = PollState(interval=B.min_every)
    assert plan_next(B, fast, Outcome(ok=True, new=3), NOW, jitter=-0.1).next_run - NOW == B.min_every

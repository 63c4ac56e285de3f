"""When to poll a source next: pure decisions over plain values, ``now`` passed in.

- Adaptive: a run that found new articles shortens the interval (x0.67), a quiet run lengthens it
  (x1.25), always within the source's bounds (``min_every``..``max_every``; by default a quarter
  of ``every``, at least 30 s, up to six times ``every``, at most 6 h).
- Errors back off exponentially from ``every`` (x2 per consecutive failure) up to ``BACKOFF_CAP``.
- After ``pause_after`` consecutive failures the source is paused with a reason. A paused source
  is not forgotten: it is retried every ``PAUSED_RETRY`` and comes back by itself on success
  (``wirewatch sources enable NAME`` resumes it at once).
- Health flags for silent failure: ``quiet`` when a source that answers stops yielding new articles
  for much longer than its usual cadence; ``layout`` when its extractions come out empty.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_FLOOR = 30.0
MAX_CEILING = 6 * 3600.0
BACKOFF_CAP = 6 * 3600.0
PAUSED_RETRY = 24 * 3600.0
SPEED_UP = 0.67
SLOW_DOWN = 1.25
QUIET_FACTOR = 8.0  # "much longer than usual": this many average gaps without a new article
QUIET_MIN = 6 * 3600.0


@dataclass(frozen=True, slots=True)
class Bounds:
    every: float
    min_every: float
    max_every: float

    @classmethod
    def for_source(cls, every: float, min_every: float | None = None, max_every: float | None = None) -> Bounds:
        low = min_every if min_every is not None else max(MIN_FLOOR, every / 4)
        high = max_every if max_every is not None else min(MAX_CEILING, every * 6)
        low = min(low, every)
        high = max(high, every)
        return cls(float(every), float(low), float(high))


@dataclass(frozen=True, slots=True)
class PollState:
    interval: float | None = None  # the adaptive interval in force (None: start from ``every``)
    failures: int = 0  # consecutive
    paused: str = ""
    last_new_at: float | None = None
    avg_gap: float | None = None  # running average of seconds between runs that found new items


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    new: int = 0
    extracted: int = 0  # article pages fetched this run
    empty: int = 0  # of which extraction found no article
    error: str = ""
    retry_after: float | None = None  # server's Retry-After, seconds


@dataclass(frozen=True, slots=True)
class Plan:
    next_run: float
    state: PollState
    flags: tuple[str, ...] = ()


def plan_next(
    bounds: Bounds, state: PollState, outcome: Outcome, now: float, *, pause_after: int = 10, jitter: float = 0.0
) -> Plan:
    """The next run time and the new poll state after ``outcome``. ``jitter`` (a fraction, e.g. a
    random value in [-0.1, 0.1] from the caller) spreads sources that would otherwise stay in
    lockstep after starting together."""
    plan = _plan(bounds, state, outcome, now, pause_after)
    if jitter:
        delay = max(1.0, (plan.next_run - now) * (1.0 + max(-0.5, min(0.5, jitter))))
        if outcome.ok:  # a healthy source stays within its bounds (a feed's ttl hint is a lower bound)
            delay = min(bounds.max_every, max(bounds.min_every, delay))
        plan = Plan(now + delay, plan.state, plan.flags)
    return plan


def _plan(bounds: Bounds, state: PollState, outcome: Outcome, now: float, pause_after: int) -> Plan:
    if not outcome.ok:
        failures = state.failures + 1
        delay = min(max(BACKOFF_CAP, bounds.every), bounds.every * (2 ** min(failures - 1, 20)))
        paused = state.paused
        if failures >= pause_after and not paused:
            paused = f"paused after {failures} consecutive failures; last: {outcome.error[:200]}"
        if paused:
            delay = max(delay, PAUSED_RETRY)
        if outcome.retry_after:
            delay = max(delay, outcome.retry_after)
        new_state = PollState(state.interval, failures, paused, state.last_new_at, state.avg_gap)
        return Plan(now + delay, new_state, ("failing",) + (("paused",) if paused else ()))

    interval = state.interval if state.interval is not None else bounds.every
    interval = interval * (SPEED_UP if outcome.new > 0 else SLOW_DOWN)
    interval = min(bounds.max_every, max(bounds.min_every, interval))
    last_new, avg_gap = state.last_new_at, state.avg_gap
    if outcome.new > 0:
        if last_new is not None:
            gap = now - last_new
            avg_gap = gap if avg_gap is None else 0.8 * avg_gap + 0.2 * gap
        last_new = now
    flags = quiet_flags(state.last_new_at if outcome.new == 0 else last_new, avg_gap, bounds, outcome, now)
    delay = max(interval, outcome.retry_after or 0.0)
    return Plan(now + delay, PollState(interval, 0, "", last_new, avg_gap), flags)


def quiet_flags(last_new_at: float | None, avg_gap: float | None, bounds: Bounds, outcome: Outcome,
                now: float) -> tuple[str, ...]:
    flags: list[str] = []
    if last_new_at is not None:
        usual = avg_gap if avg_gap is not None else bounds.every
        if now - last_new_at > max(QUIET_MIN, QUIET_FACTOR * usual):
            flags.append("quiet")
    if outcome.extracted >= 3 and outcome.empty * 2 > outcome.extracted:
        flags.append("layout")
    return tuple(flags)


def resume(state: PollState) -> PollState:
    """What ``sources enable`` does: clear the pause and the failure count."""
    return PollState(state.interval, 0, "", state.last_new_at, state.avg_gap)

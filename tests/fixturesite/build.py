"""``build_world``: plan which outlet runs which story, then write every article. Pure and seeded.

The plan: one in ten articles is a reprint of a wire story (the first wire story, a Kyiv strike, is
always reprinted by exactly four outlets), one in twenty is off-topic (Sudan, markets; at least two),
and the rest are outlets' own reporting on the war in Ukraine. The first two own reports are hard
negatives for deduplication: a strike on Kyiv and another strike, written independently.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tests.fixturesite import articles as make
from tests.fixturesite import boilerplate, prose, wire
from tests.fixturesite import vocabulary as v
from tests.fixturesite.records import MAX_OUTLETS, FixtureArticle, Outlet, default_base_url
from tests.fixturesite.world import World

DEFAULT_NOW = datetime(2024, 3, 15, 18, 0, tzinfo=UTC)
FIRST_WIRE_REPRINTS = 4
UKRAINE_EVENTS: tuple[str, ...] = tuple(prose.UKRAINE_EVENTS)


@dataclass(slots=True)
class _Slot:
    """One article an outlet will publish, before it is numbered and written."""

    published: datetime
    event: str
    city: str | None = None
    wire_key: str | None = None
    plan: wire.ReprintPlan | None = None


def _make_outlet(index: int, name: str, rng: random.Random, base_url: str, taken: set[str]) -> Outlet:
    founded = rng.randint(1991, 2016)
    authors = tuple(boilerplate.make_author(rng, name, taken) for _ in range(3))
    return Outlet(
        index=index,
        name=name,
        slug=v.slugify(name),
        base_url=base_url.rstrip("/"),
        feed_kind="rss" if index % 2 == 0 else "atom",
        template=("press", "newsroom", "legacy")[index % 3],
        language=("en-GB", "en", "en-US")[index % 3],
        # One RSS outlet carries content:encoded, one Atom outlet full <content>.
        full_text_feed=index % 6 in (0, 3),
        news_sitemap=index % 6 == 2,
        city=rng.choice(v.BIO_BASES),
        founded=founded,
        authors=authors,
        chrome=boilerplate.make_chrome(rng, name, founded),
    )


def _reprint_counts(total: int, outlets: int) -> list[int]:
    stories = max(1, total // 66)
    budget = max(FIRST_WIRE_REPRINTS, total // 10) - FIRST_WIRE_REPRINTS
    counts = [FIRST_WIRE_REPRINTS]
    for k in range(1, stories):
        share = budget // (stories - 1) + (1 if k <= budget % (stories - 1) else 0)
        counts.append(min(outlets, max(2, share)))
    return counts


def _pick_outlets(free: list[int], count: int, rng: random.Random) -> list[int]:
    """``count`` distinct outlets, preferring those with the most unfilled slots."""
    order = sorted(range(len(free)), key=lambda i: (-free[i], rng.random()))
    chosen = [i for i in order if free[i] > 0][:count]
    if len(chosen) < count:
        raise ValueError("not enough article slots for the wire stories; raise articles_per_outlet")
    for i in chosen:
        free[i] -= 1
    return chosen


def _validate(outlets: int, articles_per_outlet: int, base_urls: Sequence[str] | None) -> None:
    if not FIRST_WIRE_REPRINTS <= outlets <= MAX_OUTLETS:
        raise ValueError(f"outlets must be between {FIRST_WIRE_REPRINTS} and {MAX_OUTLETS}, got {outlets}")
    if articles_per_outlet < 3:
        raise ValueError(f"articles_per_outlet must be at least 3, got {articles_per_outlet}")
    if base_urls is not None and len(base_urls) != outlets:
        raise ValueError(f"{outlets} base URLs needed, got {len(base_urls)}")


def build_world(
    outlets: int = 6,
    articles_per_outlet: int = 6,
    seed: int = 7,
    *,
    base_urls: Sequence[str] | None = None,
    now: datetime | None = None,
) -> World:
    """Generate a world of ``outlets`` outlets with ``articles_per_outlet`` articles each.

    ``now`` anchors publication times (default: a fixed instant, so output depends on ``seed``
    only); every article is published before it. ``base_urls`` addresses outlets without serving
    them; ``serve_world`` re-addresses the world to where it is actually served.
    """
    _validate(outlets, articles_per_outlet, base_urls)
    now = now or DEFAULT_NOW
    rng = random.Random(f"wirewatch-fixture:{seed}")
    taken: set[str] = set()
    names = v.outlet_names(outlets)
    bases = list(base_urls) if base_urls is not None else [default_base_url(i) for i in range(outlets)]
    outlet_list = [_make_outlet(i, n, rng, bases[i], taken) for i, n in enumerate(names)]

    total = outlets * articles_per_outlet
    span = timedelta(days=max(2, articles_per_outlet // 4))
    free = [articles_per_outlet] * outlets
    slots: list[list[_Slot]] = [[] for _ in range(outlets)]

    def moment(earliest: timedelta = timedelta(0)) -> datetime:
        seconds = rng.uniform(earliest.total_seconds(), span.total_seconds())
        return now - timedelta(seconds=int(seconds))

    wires = []
    for k, count in enumerate(_reprint_counts(total, outlets)):
        key = f"wire-{k:02d}"
        event = "strike" if k == 0 else rng.choice((*UKRAINE_EVENTS, *UKRAINE_EVENTS, "sudan"))
        wire_rng = random.Random(f"{seed}:{key}")
        wires.append(wire.write_wire_story(wire_rng, key, event, city="Kyiv" if k == 0 else None))
        filed = moment(timedelta(hours=6))
        for j, i in enumerate(_pick_outlets(free, count, rng)):
            plan = wire.FIRST_STORY_PLANS[j] if k == 0 else wire.random_plan(rng, j)
            delay = timedelta(minutes=rng.randint(15, 300))
            slots[i].append(_Slot(filed + delay, event, wire_key=key, plan=plan))

    for n in range(max(2, total // 20)):
        (i,) = _pick_outlets(free, 1, rng)
        slots[i].append(_Slot(moment(), ("sudan", "markets")[n % 2]))

    hard_negatives = [("strike", "Kyiv"), ("strike", None)]
    while any(free):
        (i,) = _pick_outlets(free, 1, rng)
        event, city = hard_negatives.pop(0) if hard_negatives else (rng.choice(UKRAINE_EVENTS), None)
        slots[i].append(_Slot(moment(), event, city=city))

    by_key = {w.key: w for w in wires}
    written: list[FixtureArticle] = []
    for outlet, outlet_slots in zip(outlet_list, slots, strict=True):
        outlet_slots.sort(key=lambda s: s.published)
        for number, slot in enumerate(outlet_slots, start=1):
            article_rng = random.Random(f"{seed}:{outlet.slug}:{number}")
            if slot.wire_key is not None and slot.plan is not None:
                source = by_key[slot.wire_key]
                written.append(
                    make.reprint(outlet, number, source, slot.plan, slot.published, article_rng)
                )
            else:
                story = prose.write_story(article_rng, slot.event, city=slot.city)
                written.append(make.report(outlet, number, story, slot.published, article_rng))
    return World(seed=seed, now=now, outlets=outlet_list, articles=written, wires=wires)

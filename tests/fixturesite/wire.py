"""Agency ("wire") stories and the edited copies outlets reprint.

A wire story is written once; each outlet that runs it changes the headline, may add its own intro
paragraph, trims the tail, rewrites or drops the credit line, edits a few words and keeps or drops
the dateline. The copies are the near-duplicates deduplication has to cluster.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Literal

from tests.fixturesite import prose
from tests.fixturesite import vocabulary as v
from tests.fixturesite.templates_world import LOCAL_INTROS, WORD_EDITS

CreditEdit = Literal["keep", "change", "drop"]


@dataclass(frozen=True, slots=True)
class WireStory:
    key: str
    agency: str
    story: prose.Story
    dateline: str
    credit: str
    changed_credit: str
    reporters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReprintPlan:
    """How one outlet edits its copy of a wire story."""

    headline: int
    local_intro: bool
    trim: int
    credit: CreditEdit
    dateline: bool
    word_edits: int


@dataclass(frozen=True, slots=True)
class Reprint:
    headline: str
    paragraphs: tuple[str, ...]
    authors: tuple[str, ...]


# The four copies of the world's headline wire story: every kind of edit appears at least once.
FIRST_STORY_PLANS: tuple[ReprintPlan, ...] = (
    ReprintPlan(headline=0, local_intro=False, trim=0, credit="keep", dateline=True, word_edits=2),
    ReprintPlan(headline=1, local_intro=True, trim=1, credit="change", dateline=True, word_edits=3),
    ReprintPlan(headline=2, local_intro=False, trim=2, credit="drop", dateline=False, word_edits=2),
    ReprintPlan(headline=3, local_intro=False, trim=3, credit="keep", dateline=True, word_edits=4),
)


def _reporter(rng: random.Random) -> str:
    return f"{rng.choice(v.UA_FIRST + v.FIRST_NAMES)} {rng.choice(v.UA_LAST + v.LAST_NAMES)}"


def _credits(agency: str, city: str, names: list[str]) -> tuple[str, str]:
    """The agency's own credit line and the shorter one a copy desk rewrites it into."""
    if agency == "Reuters":
        return (
            f"Reporting by {names[0]} and {names[1]} in {city}; Additional reporting by {names[2]}; "
            f"Editing by {names[3]}",
            f"Reporting by {names[0]}; Editing by {names[4]}",
        )
    if agency == "AP":
        return (
            f"Associated Press writers {names[1]} in {city} and {names[2]} contributed to this report.",
            "With reporting by The Associated Press.",
        )
    return (f"{names[0]} and {names[1]} in {city} contributed to this report.", "(With AFP)")


def write_wire_story(rng: random.Random, key: str, event: str, city: str | None = None) -> WireStory:
    agency = rng.choice(tuple(v.AGENCIES))
    # Wire copy: short paragraphs, long enough that trimming three still leaves most of the story.
    story = prose.write_story(
        rng, event, city=city, max_sentences_per_paragraph=2, min_words=420, max_words=640
    )
    ukraine = story.topic == "ukraine"
    dateline_city = story.frame["city"] if ukraine else story.frame["sd_place"]
    dateline = v.AGENCIES[agency].format(CITY=dateline_city.upper(), City=dateline_city)
    if not ukraine:
        dateline = dateline.replace(", Ukraine", ", Sudan")
    names = [_reporter(rng) for _ in range(5)]
    credit, changed = _credits(agency, "Kyiv" if ukraine else "Port Sudan", names)
    return WireStory(key, agency, story, dateline, credit, changed, tuple(names[:2]))


def random_plan(rng: random.Random, index: int) -> ReprintPlan:
    return ReprintPlan(
        headline=index,
        local_intro=rng.random() < 0.25,
        trim=rng.choice((0, 0, 1, 2, 3)),
        credit=rng.choice(("keep", "change", "drop")),
        dateline=rng.random() < 0.7,
        word_edits=rng.randint(0, 4),
    )


def _edit_words(paragraphs: list[str], count: int, rng: random.Random) -> None:
    """Apply ``count`` copy-desk edits, each to one occurrence somewhere in the body."""
    edits = list(WORD_EDITS)
    rng.shuffle(edits)
    done = 0
    for old, new in edits:
        if done >= count:
            return
        pattern = re.compile(rf"\b{re.escape(old)}\b")
        where = [i for i, p in enumerate(paragraphs) if pattern.search(p)]
        if where:
            i = rng.choice(where)
            paragraphs[i] = pattern.sub(new, paragraphs[i], count=1)
            done += 1


def _headline(wire: WireStory, index: int) -> str:
    headlines = wire.story.headlines
    base = headlines[index % len(headlines)]
    rounds = index // len(headlines)
    suffixes = ("", " - officials", ": reports", " | latest", " (update)", " - agency")
    return base + suffixes[rounds % len(suffixes)]


def reprint(
    wire: WireStory, plan: ReprintPlan, rng: random.Random, outlet_name: str, outlet_city: str
) -> Reprint:
    body = list(wire.story.paragraphs)
    keep = max(3, len(body) - plan.trim)
    body = body[:keep]
    _edit_words(body, plan.word_edits, rng)
    if plan.dateline:
        body[0] = wire.dateline + body[0]
    if plan.local_intro:
        frame = {**wire.story.frame, "outlet_name": outlet_name, "outlet_city": outlet_city}
        body.insert(0, prose.fill(rng.choice(LOCAL_INTROS), frame, rng))
    if plan.credit == "keep":
        body.append(wire.credit)
    elif plan.credit == "change":
        body.append(wire.changed_credit)
    agency_byline = {"Reuters": "Reuters", "AP": "The Associated Press", "AFP": "AFP"}[wire.agency]
    authors = rng.choice(
        (
            (agency_byline,),
            (f"{agency_byline} staff",),
            wire.reporters,
            (f"{outlet_name} staff", agency_byline),
        )
    )
    return Reprint(_headline(wire, plan.headline), tuple(body), authors)

"""Procedural news prose: a story frame (who, where, how many) filled into sentence templates.

A frame holds every value a story's sentences may mention, drawn once per story, so one article
keeps its numbers and names consistent from the opening paragraph to the last.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tests.fixturesite import vocabulary as v
from tests.fixturesite.templates_background import UKRAINE_CONTEXT
from tests.fixturesite.templates_ukraine import UKRAINE_EVENTS, EventTemplates
from tests.fixturesite.templates_world import OFF_TOPIC_CONTEXT, OFF_TOPIC_EVENTS

_ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{(\w+)\}")
_SPACES = re.compile(r"\s{2,}")
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")  # "5 a.m." ending a sentence
_ARTICLE_A = re.compile(r"\b([Aa]) (?=[aeio])")  # "a apartment block" -> "an apartment block"
MIN_WORDS = 300
MAX_WORDS = 900


def fill(template: str, frame: Mapping[str, str], rng: random.Random) -> str:
    """Render one template: pick alternatives, fill slots, tidy spacing, capitalise."""
    text = _ALTERNATIVES.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    text = _SLOT.sub(lambda m: frame[m.group(1)], text)
    text = _SPACES.sub(" ", text).replace(" ,", ",").replace(" .", ".").strip()
    text = _ARTICLE_A.sub(lambda m: m.group(1) + "n ", _DOUBLE_STOP.sub(".", text))
    lead = 1 if text.startswith('"') else 0
    return text[:lead] + text[lead : lead + 1].upper() + text[lead + 1 :]


def _name(rng: random.Random, first: Sequence[str], last: Sequence[str]) -> str:
    return f"{rng.choice(first)} {rng.choice(last)}"


def _stable_name(key: str, salt: int) -> str:
    """A name tied to a key (a city's governor is the same person in every story)."""
    digest = sum((i + 1) * ord(c) for i, c in enumerate(key)) + salt * 7919
    return f"{v.UA_FIRST[digest % len(v.UA_FIRST)]} {v.UA_LAST[(digest // 7) % len(v.UA_LAST)]}"


def _last(full: str) -> str:
    return full.rsplit(" ", 1)[-1]


def _village(rng: random.Random) -> str:
    prefix = rng.choice(("Novo", "Staro", "Velyka ", "Mala ", "Krasno", "Zelene "))
    stem = rng.choice(("mykhailivka", "pavlivka", "oleksandrivka", "hryhorivka", "ivanivka", "petrivka"))
    name = prefix + (stem.capitalize() if prefix.endswith(" ") else stem)
    return name


def _thousands(rng: random.Random, low: int, high: int, step: int = 100) -> str:
    return f"{rng.randrange(low, high, step):,}"


def make_frame(rng: random.Random, city: str | None = None) -> dict[str, str]:
    """Every value a story's templates may ask for, drawn once for that story."""
    cities = rng.sample(v.UA_CITIES, 2)
    if city is not None and city != cities[0]:
        cities = [city, cities[0] if cities[0] != city else cities[1]]
    ally = rng.choice(tuple(v.ALLIES))
    aid = rng.sample(v.AID_ITEMS, 2)
    foreign = rng.choice(v.FOREIGN_OFFICIALS)
    n_killed = rng.randint(2, 14)
    n_drones = rng.randint(28, 140)
    sd_places = rng.sample(v.SUDAN_PLACES, 2)
    officials = v.UA_OFFICIALS
    frame = {
        "city": cities[0],
        "city2": cities[1],
        "town": rng.choice(v.FRONT_TOWNS),
        "village": _village(rng),
        "front_region": rng.choice(v.FRONT_REGIONS),
        "governor": (governor := _stable_name(cities[0], 1)),
        "gov_last": _last(governor),
        "mayor": _stable_name(cities[0], 2),
        "day": rng.choice(v.WEEKDAYS),
        "day2": rng.choice(v.WEEKDAYS),
        "month": rng.choice(("January", "February", "March", "April", "May", "June", "July")),
        "n_killed": str(n_killed),
        "n_wounded": str(n_killed * rng.randint(2, 5) + rng.randint(0, 6)),
        "n_children": v.NUMBER_WORDS[rng.randint(2, 6)],
        "n_drones": str(n_drones),
        "n_shot": str(n_drones - rng.randint(3, 20)),
        "hours": str(rng.randint(3, 12)),
        "pct": str(rng.randint(11, 68)),
        "pct_small": f"{rng.randint(1, 4)}.{rng.randint(1, 9)}",
        "pct_occupied": str(rng.choice((18, 19))),
        "n_buildings": v.NUMBER_WORDS[rng.randint(3, 9)],
        "km": str(rng.randint(6, 40)),
        "km_small": str(rng.randint(2, 9)),
        "population": _thousands(rng, 20_000, 90_000, 1000),
        "n_residents": _thousands(rng, 900, 9000),
        "n_assaults": str(rng.randint(8, 46)),
        "n_pows": str(rng.randint(48, 160)),
        "n_pows_ru": str(rng.randint(40, 150)),
        "nth": rng.choice(("fourth", "fifth", "sixth", "seventh", "eighth")),
        "n_total": _thousands(rng, 3000, 4200),
        "n_cases": _thousands(rng, 110_000, 140_000, 1000),
        "n_evacuees": _thousands(rng, 1200, 8000),
        "n_millions": str(rng.randint(6, 11)),
        "n_clashes": str(rng.randint(90, 240)),
        "months": str(rng.randint(2, 9)),
        "launch_area": rng.choice(("Russia's Kursk region", "occupied Crimea", "the Black Sea",
                                   "Russia's Bryansk region", "the Sea of Azov")),
        "hour": rng.choice(("1 a.m.", "2 a.m.", "3:30 a.m.", "4 a.m.", "5:15 a.m.", "11 p.m.")),
        "child_age": str(rng.randint(2, 16)),
        "district": rng.choice(("Shevchenkivskyi", "Holosiivskyi", "Darnytskyi", "Industrialnyi",
                                "Saltivskyi", "Kyivskyi", "Osnovianskyi", "Tsentralnyi")),
        "n_times": v.NUMBER_WORDS[rng.randint(4, 9)],
        "war_age": rng.choice(("more than two years", "over two years", "some 25 months")),
        "n_months": str(rng.randint(3, 18)),
        "n_regions": str(rng.randint(4, 12)),
        "mwh": _thousands(rng, 18_000, 42_000),
        "tonnes": f"{rng.randint(3, 6)}.{rng.randint(0, 9)}",
        "n_ships": str(rng.randint(9, 34)),
        "years": str(rng.randint(30, 70)),
        "age": str(rng.randint(58, 86)),
        "mediator": (mediator := rng.choice(v.MEDIATORS)),
        "mediator_short": mediator.removeprefix("the "),
        "ally": ally,
        "ally_capital": v.ALLIES[ally],
        "ally_adj": ally + ("'" if ally.endswith("s") else "'s"),
        "amount": rng.choice(("${} million", "{} million euros", "€{} million")).format(rng.randint(120, 950)),
        "amount2": f"${rng.randint(2, 60)}.{rng.randint(1, 9)} billion",
        "aid_item": aid[0],
        "aid_item2": aid[1],
        "weapon": rng.choice(v.WEAPONS),
        "target": (targets := rng.sample(v.TARGETS, 2))[0],
        "target2": targets[1],
        "port": rng.choice(v.PORTS),
        "crop": rng.choice(v.CROPS),
        "official": officials[rng.choice(("foreign_minister", "pm", "defence_minister"))],
        "army_spokesman": officials["army_spokesman"],
        "army_last": _last(officials["army_spokesman"]),
        "energy_minister": officials["energy_minister"],
        "energy_last": _last(officials["energy_minister"]),
        "foreign_minister": officials["foreign_minister"],
        "ombudsman": officials["ombudsman"],
        "ombudsman_last": _last(officials["ombudsman"]),
        "prosecutor": officials["prosecutor"],
        "prosecutor_last": _last(officials["prosecutor"]),
        "pm": officials["pm"],
        "ru_official": rng.choice(v.RU_OFFICIALS),
        "foreign_official": foreign,
        "foreign_short": _last(foreign),
        "foreign_last": _last(foreign),
        "resident": _name(rng, v.UA_FIRST, v.UA_LAST),
        "person": _name(rng, v.FIRST_NAMES, v.LAST_NAMES),
        "callsign": rng.choice(("Bison", "Tesla", "Grizzly", "Monk", "Cossack", "Lynx", "Dnipro")),
        "sd_place": sd_places[0],
        "sd_place2": sd_places[1],
        "sd_actor": rng.choice(v.SUDAN_ACTORS),
        "mk_subject_cap": (market := rng.choice(v.MARKETS))[0][0].upper() + market[0][1:],
        "mk_place": market[1],
    }
    return frame


@dataclass(frozen=True, slots=True)
class Story:
    """A generated story before any outlet dresses it: headlines to choose from and paragraphs."""

    topic: str | None
    event: str
    frame: Mapping[str, str]
    headlines: tuple[str, ...]
    paragraphs: tuple[str, ...]


def _event_templates(event: str) -> tuple[str | None, EventTemplates, tuple[str, ...]]:
    if event in UKRAINE_EVENTS:
        return "ukraine", UKRAINE_EVENTS[event], UKRAINE_CONTEXT
    topic = "sudan" if event == "sudan" else None
    return topic, OFF_TOPIC_EVENTS[event], OFF_TOPIC_CONTEXT[event]


def _words(text: str) -> int:
    return text.count(" ") + 1


def write_story(
    rng: random.Random,
    event: str,
    *,
    city: str | None = None,
    max_sentences_per_paragraph: int = 3,
    min_words: int = MIN_WORDS,
    max_words: int = 820,
) -> Story:
    """One story of ``event`` between ``min_words`` and :data:`MAX_WORDS` words.

    Sentences are drawn without replacement (no sentence twice in one story); the opening
    paragraph is the lede, quotes stand alone, background sentences drift towards the end as
    in real reporting.
    """
    topic, templates, context = _event_templates(event)
    frame = make_frame(rng, city)
    details = rng.sample(templates.details, len(templates.details))
    quotes = rng.sample(templates.quotes, len(templates.quotes))
    # Stock background sentences are what unrelated stories share most: use a few per story.
    background = rng.sample(context, min(len(context), rng.randint(3, 6)))
    spare_background = [t for t in context if t not in background]
    # Details first, background later: interleave with a bias rather than strictly.
    queue: list[tuple[str, bool]] = []
    half = len(details) // 2
    while details or background or quotes:
        if quotes and len(queue) % 4 == 2:
            queue.append((quotes.pop(), True))
        elif details and (len(details) > half or not background or rng.random() < 0.6):
            queue.append((details.pop(), False))
        elif background:
            queue.append((background.pop(), False))
        else:
            queue.append((quotes.pop(), True))
    target = rng.randint(min_words + 30, max(min_words + 30, max_words))
    paragraphs = [fill(rng.choice(templates.ledes), frame, rng)]
    count = _words(paragraphs[0])
    current: list[str] = []
    size = rng.randint(1, max_sentences_per_paragraph)
    for template, is_quote in queue:
        sentence = fill(template, frame, rng)
        words = _words(sentence)
        if count + words > MAX_WORDS - 20:
            break
        if is_quote or len(current) >= size:
            if current:
                paragraphs.append(" ".join(current))
                current = []
                size = rng.randint(1, max_sentences_per_paragraph)
            if is_quote:
                paragraphs.append(sentence)
                count += words
                continue
        current.append(sentence)
        count += words
        if count >= target:
            break
    if current:
        paragraphs.append(" ".join(current))
    while count < min_words and spare_background:
        sentence = fill(spare_background.pop(rng.randrange(len(spare_background))), frame, rng)
        paragraphs.append(sentence)
        count += _words(sentence)
    headlines = tuple(dict.fromkeys(fill(h, frame, rng) for h in templates.headlines))
    return Story(topic, event, frame, headlines, tuple(paragraphs))


def headline(story: Story, index: int) -> str:
    return story.headlines[index % len(story.headlines)]


def word_count(paragraphs: Sequence[str]) -> int:
    return sum(_words(p) for p in paragraphs)

"""A labelled, deterministic evaluation corpus for story deduplication.

``build_corpus(seed)`` writes wire stories in six languages (English, French, Spanish, Russian,
Ukrainian, Arabic) from the phrase grammars in ``bench/data/dedupe/grammar_*.yaml``, then what
outlets make of them: reprints with a new headline, the dateline kept, shortened or dropped, a
byline added, a local intro, the tail trimmed or only the first half kept, credits and copyright
lines changed, a few words edited, typography and number formats changed. Each wire story and its
reprints share one label. Hard negatives get labels of their own: a second story on the same event
(same places, people and day), the 14:00 update of a developing story that repeats the 10:00
version's background paragraph, and one outlet's daily briefings and live pages that share a
template header and footer.

    python -m bench.dedupe_corpus [--seed N] [--out bench/results/dedupe_corpus.jsonl]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "dedupe"
LANGUAGES = ("en", "fr", "es", "ru", "uk", "ar")
_LANGUAGE_WEIGHTS = (0.4, 0.12, 0.12, 0.12, 0.12, 0.12)
_START = datetime(2024, 3, 1, tzinfo=UTC)
_SLOT = re.compile(r"\{(\w+)\}")
_GROUPING = {"en": ",", "fr": "\u202f", "es": ".", "ru": "\u00a0", "uk": " ", "ar": ""}
_SPELLING = (
    ("Defence", "Defense"),
    ("kilometres", "kilometers"),
    ("criticised", "criticized"),
    ("signalled", "signaled"),
    ("defences", "defenses"),
    ("centre", "center"),
)


@cache
def grammar(lang: str) -> dict[str, Any]:
    with open(DATA / f"grammar_{lang}.yaml", encoding="utf-8") as fh:
        loaded: dict[str, Any] = yaml.safe_load(fh)
    return loaded


@dataclass
class Story:
    """One wire story as its agency filed it, before any outlet touched it."""

    label: str
    lang: str
    agency: str
    ctx: dict[str, Any]
    title: str
    paragraphs: list[str]
    background: int  # index of the background paragraph
    published: datetime
    dateline: str
    byline: str
    credits: list[str] = field(default_factory=list)


class Writer:
    """Expands the grammar of one language with the entities of one story."""

    def __init__(self, lang: str, rng: random.Random, ctx: dict[str, Any]) -> None:
        self.g = grammar(lang)
        self.lang = lang
        self.rng = rng
        self.ctx = ctx

    def expand(self, template: str, depth: int = 0) -> str:
        if depth > 8:
            raise ValueError(f"grammar too deep near {template!r}")
        return _SLOT.sub(lambda m: self.expand(self.slot(m.group(1)), depth + 1), template)

    def slot(self, name: str) -> str:
        rng, ctx = self.rng, self.ctx
        if name in ctx:
            value = ctx[name]
            return rng.choice(value) if isinstance(value, list) else str(value)
        if name in self.g["grammar"]:
            return str(rng.choice(self.g["grammar"][name]))
        if name in ("num", "num2"):
            return str(rng.choice((2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 23, 27, 31, 38, 46)))
        if name == "bignum":
            return self.number(rng.randrange(1_200, 480_000, 50))
        if name == "CITY":
            return str(ctx["city"]).upper()
        if name in ("reporter", "reporter2", "REPORTER"):
            who = rng.choice(self.g["reporters"])
            return str(who).upper() if name == "REPORTER" else str(who)
        if name == "editor":
            return str(rng.choice(self.g["editors"]))
        if name in ("initials", "initials2"):
            return "".join(rng.choice("abcdefghijklmnoprstvw") for _ in range(rng.choice((2, 3))))
        if name == "month":
            return str(self.g["months"][ctx["date"].month - 1])
        if name == "mon":
            return str(self.g["months"][ctx["date"].month - 1])[:3]
        if name == "dnum":
            return str(ctx["date"].day)
        if name == "year":
            return str(ctx["date"].year)
        if name in self.g:
            return str(rng.choice(self.g[name]))
        raise KeyError(f"{self.lang}: no rule or entity {name!r}")

    def number(self, n: int) -> str:
        sep = _GROUPING[self.lang]
        return f"{n:,}".replace(",", sep)

    def sentence(self, template: str) -> str:
        text = self.expand(template).strip()
        text = text[0].upper() + text[1:]
        return text if text[-1] in '.!?"»”' else text + "."


def _story_context(lang: str, rng: random.Random, when: datetime) -> dict[str, Any]:
    zone = rng.choice(grammar(lang)["zones"])
    city, city2 = rng.sample(zone["cities"], 2)
    return {
        "country": zone["country"],
        "city": city,
        "city2": city2,
        "force": rng.sample(zone["forces"], 2),
        "person": rng.sample(zone["people"], 2),
        "org": rng.sample(zone["orgs"], min(3, len(zone["orgs"]))),
        "day": grammar(lang)["days"][when.weekday()],
        "date": when,
    }


def _body(w: Writer, words: int, lede: bool = True) -> tuple[list[str], int]:
    """Paragraphs of about ``words`` words: a lede, news sentences, one background paragraph."""
    rules = w.g["grammar"]
    paragraphs = [w.sentence(w.rng.choice(rules["LEDE"]))] if lede else []
    pool: list[str] = []
    background_at = max(1, int(words * w.rng.uniform(0.5, 0.8)))
    background = -1
    count = sum(len(p.split()) for p in paragraphs)
    while count < words:
        if background < 0 and count >= background_at:
            para = " ".join(w.sentence(t) for t in (w.rng.choice(rules["BACKGROUND"]), w.rng.choice(rules["S"])))
            background = len(paragraphs)
        else:
            sentences = []
            for _ in range(w.rng.choice((1, 2, 2, 3))):
                if not pool:
                    pool = list(rules["S"])
                    w.rng.shuffle(pool)
                sentences.append(w.sentence(pool.pop()))
            para = " ".join(sentences)
        paragraphs.append(para)
        count += len(para.split())
    if background < 0:
        background = len(paragraphs)
        paragraphs.append(w.sentence(w.rng.choice(rules["BACKGROUND"])))
    return paragraphs, background


def _new_story(
    label: str,
    lang: str,
    rng: random.Random,
    when: datetime,
    ctx: dict[str, Any] | None = None,
    agency: str | None = None,
) -> Story:
    g = grammar(lang)
    ctx = dict(ctx) if ctx is not None else _story_context(lang, rng, when)
    ctx["date"] = when
    w = Writer(lang, rng, ctx)
    agency = agency or rng.choice(sorted(g["datelines"]))
    words = int(math.exp(rng.uniform(math.log(150), math.log(1500))))
    paragraphs, background = _body(w, words)
    credits = [w.expand(rng.choice(g["credits"].get(agency, [""])))]
    credits.append(w.expand(rng.choice(g["rights"][agency])))
    return Story(
        label=label,
        lang=lang,
        agency=agency,
        ctx=ctx,
        title=w.sentence(rng.choice(g["headline"])).rstrip("."),
        paragraphs=paragraphs,
        background=background,
        published=when,
        dateline=w.expand(g["datelines"][agency]),
        byline=w.expand(g["bylines"][agency]),
        credits=[c for c in credits if c.strip()],
    )


def _update(label: str, first: Story, rng: random.Random) -> Story:
    """The later version of a developing story: new top, the earlier background paragraph kept."""
    later = _new_story(label, first.lang, rng, first.published + timedelta(hours=4), first.ctx, first.agency)
    keep = first.paragraphs[first.background]
    at = min(later.background, len(later.paragraphs))
    later.paragraphs[at : at + 1] = [keep]
    return later


def _small_edits(text: str, lang: str, rng: random.Random, n: int) -> str:
    words = text.split(" ")
    for _ in range(n):
        if len(words) < 8:
            break
        i = rng.randrange(1, len(words) - 1)
        op = rng.random()
        if op < 0.4:
            del words[i]
        elif op < 0.7:
            words[i] = rng.choice(words)
        else:
            words[i], words[i + 1] = words[i + 1], words[i]
    out = " ".join(words)
    if lang == "en":
        for uk, us in _SPELLING:
            out = out.replace(uk, us)
    return out


def _typography(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        text = re.sub(r'"([^"]*)"', "“\\1”", text).replace(" — ", " - ")
    if rng.random() < 0.5:
        text = re.sub(r"(?<=\d)[,.\u202f\u00a0](?=\d{3})", "", text)
    return text


def _reprint(story: Story, outlet: str, rng: random.Random) -> dict[str, Any]:
    g = grammar(story.lang)
    w = Writer(story.lang, rng, {**story.ctx, "home": rng.choice(g["homes"]), "outlet": outlet})
    paras = list(story.paragraphs)
    roll = rng.random()
    if roll < 0.2 and len(paras) >= 3:
        paras = paras[: max(2, round(len(paras) * rng.uniform(0.4, 0.6)))]
    elif roll < 0.65 and len(paras) >= 4:
        paras = paras[: len(paras) - rng.randint(1, min(3, len(paras) // 3 + 1))]
    edits = rng.choice((0, 1, 2, 3, 4, 6))
    for _ in range(edits):
        k = rng.randrange(len(paras))
        paras[k] = _small_edits(paras[k], story.lang, rng, 1)
    dateline = rng.choices([story.dateline, w.expand(g["short_dateline"]), ""], (0.4, 0.25, 0.35))[0]
    paras[0] = dateline + paras[0]
    if rng.random() < 0.35:
        paras.insert(0, w.expand(rng.choice(g["local_intro"])))
    if rng.random() < 0.25:
        paras.insert(0, story.byline)
    if rng.random() < 0.3:
        paras.extend(story.credits)
    elif rng.random() < 0.4:
        paras.append(f"© {story.published.year} {outlet}")
    if rng.random() < 0.2:
        paras.append(w.sentence(rng.choice(g["headline"])))
    text = _typography("\n".join(paras), rng)
    title = w.sentence(rng.choice(g["headline"])).rstrip(".")
    when = story.published + timedelta(minutes=rng.randint(5, 240))
    return _doc(rng, story.label, text, title, _slug(outlet), when, "reprint")


def _original(story: Story, rng: random.Random) -> dict[str, Any]:
    paras = list(story.paragraphs)
    paras[0] = story.dateline + paras[0]
    if rng.random() < 0.5:
        paras.insert(0, story.byline)
    text = "\n".join(paras + story.credits)
    return _doc(rng, story.label, text, story.title, _slug(story.agency), story.published, "wire")


def _templated(label: str, lang: str, kind: str, outlet: str, when: datetime, rng: random.Random) -> dict[str, Any]:
    """A daily briefing or live page: the outlet's fixed header and footer around fresh items."""
    g = grammar(lang)
    parts = g[kind]
    ctx = {**_story_context(lang, rng, when), "outlet": outlet}
    w = Writer(lang, rng, ctx)
    # Each outlet has its own template, fixed across its pages.
    variant = zlib.crc32(outlet.encode())
    header = Writer(lang, random.Random(variant), ctx).expand(parts["header"][variant % len(parts["header"])])
    footer = Writer(lang, random.Random(variant), ctx).expand(parts["footer"][variant % len(parts["footer"])])
    items = [w.expand(rng.choice(parts["item"])) for _ in range(rng.randint(2, 6))]
    title = f"{outlet}: {when:%d.%m.%Y}"
    return _doc(rng, label, "\n".join([header, *items, footer]), title, _slug(outlet), when, kind)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or f"outlet-{zlib.crc32(name.encode()):08x}"


def _doc(
    rng: random.Random, label: str, text: str, title: str, source: str, when: datetime, kind: str
) -> dict[str, Any]:
    doc_id = f"a{rng.getrandbits(48):012x}"
    return {
        "id": doc_id,
        "title": title,
        "text": text,
        "source": source,
        "url": f"https://{source}.example/{doc_id}",
        "published": when.isoformat(),
        "label": label,
        "kind": kind,
    }


def build_corpus(seed: int = 7, n_base: int = 220) -> list[dict[str, Any]]:
    """The labelled corpus, sorted by publication time (the order a daemon would see it)."""
    rng = random.Random(seed)
    docs: list[dict[str, Any]] = []
    stories: list[Story] = []
    for i in range(n_base):
        lang = rng.choices(LANGUAGES, _LANGUAGE_WEIGHTS)[0]
        when = _START + timedelta(minutes=rng.randrange(0, 20 * 24 * 60))
        story = _new_story(f"s{i:04d}", lang, rng, when)
        stories.append(story)
        roll = rng.random()
        if roll < 0.2:  # another story on the same event: same places, people and day
            stories.append(
                _new_story(f"s{i:04d}-same-event", lang, rng, when + timedelta(minutes=rng.randint(10, 300)), story.ctx)
            )
        elif roll < 0.35:  # the 14:00 update of the 10:00 story
            stories.append(_update(f"s{i:04d}-update", story, rng))
    for story in stories:
        docs.append(_original(story, rng))
        outlets = grammar(story.lang)["outlets"]
        for outlet in rng.sample(outlets, rng.choice((0, 1, 2, 3, 3, 4, 5, min(6, len(outlets))))):
            docs.append(_reprint(story, outlet, rng))
    for lang in LANGUAGES:
        for kind, n_outlets, n_days in (("briefing", 2, 6), ("live", 1, 4)):
            outlets = sorted(grammar(lang)["outlets"], key=lambda o: zlib.crc32(o.encode()) % 2)
            # one outlet per template variant, so different outlets never share a template
            for outlet in (outlets[0], outlets[-1])[:n_outlets]:
                for day in range(n_days):
                    when = _START + timedelta(days=day, hours=7)
                    docs.append(_templated(f"{kind}-{lang}-{_slug(outlet)}-{day}", lang, kind, outlet, when, rng))
    docs.sort(key=lambda d: (d["published"], d["id"]))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bases", type=int, default=220)
    parser.add_argument("--out", type=Path, default=Path("bench/results/dedupe_corpus.jsonl"))
    args = parser.parse_args()
    docs = build_corpus(args.seed, args.bases)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    labels = Counter(d["label"] for d in docs)
    kinds = Counter(d["kind"] for d in docs)
    words = sorted(len(d["text"].split()) for d in docs)
    print(
        f"{len(docs)} documents, {len(labels)} stories, kinds {dict(kinds)}, "
        f"words min/median/max {words[0]}/{words[len(words) // 2]}/{words[-1]} -> {args.out}"
    )


if __name__ == "__main__":
    main()

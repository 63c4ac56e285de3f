"""Turn a story (own reporting, a wire reprint, an off-topic piece) into an outlet's article record.

Everything page-specific is decided here, once: URL path, GUID, byline, comments, photo caption and
the list of junk phrases the rendered page will carry.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from tests.fixturesite import boilerplate, prose, wire
from tests.fixturesite.records import (
    TRACKING_QUERY,
    ArticleKind,
    FixtureArticle,
    Outlet,
)
from tests.fixturesite.vocabulary import slugify

_CAPTIONS: tuple[str, ...] = (
    "A view of the scene in {place} on the morning after (Photo: handout)",
    "Residents of {place} outside a damaged building (Photo: {credit})",
    "A file photo taken in {place} earlier this year (Photo: {credit})",
)


def article_path(outlet: Outlet, number: int, title: str, published: datetime) -> str:
    slug = "-".join(slugify(title).split("-")[:8])
    if outlet.template == "press":
        return f"/{published:%Y/%m/%d}/{slug}/"
    if outlet.template == "newsroom":
        return f"/world/{slug}-{number}"
    return f"/news/{number}/{slug}.html"


def _comment_count(outlet: Outlet, rng: random.Random) -> int:
    upper = {"press": 4, "legacy": 3, "newsroom": 2}[outlet.template]
    return rng.randint(0, upper)


def make_article(
    outlet: Outlet,
    number: int,
    *,
    kind: ArticleKind,
    title: str,
    paragraphs: tuple[str, ...],
    authors: tuple[str, ...],
    published: datetime,
    topic: str | None,
    event: str,
    story: str | None,
    place: str,
    place2: str,
    rng: random.Random,
) -> FixtureArticle:
    path = article_path(outlet, number, title, published)
    url = outlet.url(path)
    # A few feed links carry tracking parameters; the page's canonical link stays clean.
    link = f"{url}?{TRACKING_QUERY}" if number % 4 == 1 else url
    comments = boilerplate.make_comments(
        rng, place, place2, published, _comment_count(outlet, rng)
    )
    chrome = outlet.chrome
    junk = [
        chrome.cookie_text,
        chrome.newsletter_title,
        chrome.newsletter_text,
        chrome.related_heading,
        chrome.footer_text,
        chrome.respond_heading,
        chrome.respond_note,
    ]
    if kind == "wire":
        junk.append(chrome.agency_note)
    for name in authors:
        author = outlet.author(name)
        if author is not None:
            junk.append(author.bio_lead)
    junk.extend(c.phrase for c in comments)
    caption = None
    if outlet.template != "legacy":
        credit = authors[0] if kind == "wire" else outlet.name
        caption = rng.choice(_CAPTIONS).format(place=place, credit=credit)
    updated = published + timedelta(minutes=rng.choice((0, 0, 0, 12, 45, 130)))
    return FixtureArticle(
        id=f"{outlet.slug}-{number:04d}",
        outlet=outlet.slug,
        number=number,
        path=path,
        url=url,
        link=link,
        guid=f"urn:{outlet.slug}:article:{number}",
        title=title,
        paragraphs=paragraphs,
        authors=authors,
        published=published,
        updated=updated,
        language=outlet.language.split("-")[0],
        kind=kind,
        topic=topic,
        event=event,
        story=story,
        place=place,
        comments=comments,
        caption=caption,
        junk_phrases=tuple(dict.fromkeys(junk)),
    )


def staff_byline(outlet: Outlet, rng: random.Random) -> tuple[str, ...]:
    count = 2 if rng.random() < 0.2 else 1
    return tuple(a.name for a in rng.sample(outlet.authors, count))


def report(
    outlet: Outlet, number: int, story: prose.Story, published: datetime, rng: random.Random
) -> FixtureArticle:
    """An outlet's own reporting (or an off-topic piece): staff byline, one of the story's headlines."""
    kind: ArticleKind = "report" if story.topic == "ukraine" else "off-topic"
    place = story.frame["city"] if story.topic == "ukraine" else story.frame["sd_place"]
    return make_article(
        outlet,
        number,
        kind=kind,
        title=rng.choice(story.headlines),
        paragraphs=story.paragraphs,
        authors=staff_byline(outlet, rng),
        published=published,
        topic=story.topic,
        event=story.event,
        story=None,
        place=place,
        place2=story.frame["city2"],
        rng=rng,
    )


def reprint(
    outlet: Outlet,
    number: int,
    source: wire.WireStory,
    plan: wire.ReprintPlan,
    published: datetime,
    rng: random.Random,
) -> FixtureArticle:
    copy = wire.reprint(source, plan, rng, outlet.name, outlet.city)
    return make_article(
        outlet,
        number,
        kind="wire",
        title=copy.headline,
        paragraphs=copy.paragraphs,
        authors=copy.authors,
        published=published,
        topic=source.story.topic,
        event=source.story.event,
        story=source.key,
        place=source.story.frame["city"],
        place2=source.story.frame["city2"],
        rng=rng,
    )

"""The junk around an article: cookie banners, newsletter boxes, author bios and reader comments.

Every string made here is boilerplate. Its distinctive sentences are the world's ``junk_phrases``:
they appear on pages and must never reach stored article text. Nothing here shares a template with
``prose``, so a junk phrase can never also be a sentence of a story.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from tests.fixturesite import vocabulary as v
from tests.fixturesite.prose import fill

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class Author:
    """A staff writer of an outlet, with the bio block shown under their articles."""

    name: str
    role: str
    bio: str
    handle: str

    @property
    def bio_lead(self) -> str:
        """The bio's first sentence: distinctive enough to be a junk phrase."""
        return self.bio.split(". ")[0] + "."


@dataclass(frozen=True, slots=True)
class Comment:
    number: int
    author: str
    posted: datetime
    text: str

    @property
    def phrase(self) -> str:
        """The comment's longest sentence: distinctive enough to be a junk phrase."""
        return max(_SENTENCE_END.split(self.text), key=len)


@dataclass(frozen=True, slots=True)
class Chrome:
    """An outlet's site furniture: the same on every page of that outlet."""

    tagline: str
    cookie_text: str
    cookie_button: str
    newsletter_title: str
    newsletter_text: str
    share_label: str
    related_heading: str
    footer_text: str
    agency_note: str
    respond_heading: str
    respond_note: str

    def junk(self) -> tuple[str, ...]:
        return (
            self.cookie_text,
            self.newsletter_title,
            self.newsletter_text,
            self.related_heading,
            self.footer_text,
            self.agency_note,
            self.respond_heading,
            self.respond_note,
        )


NAV_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Home", "/"), ("World", "/world/"), ("Politics", "/politics/"), ("Economy", "/economy/"),
    ("Opinion", "/opinion/"), ("Culture", "/culture/"), ("About us", "/about/"), ("Contact", "/contact/"),
)
FOOTER_LINKS: tuple[tuple[str, str], ...] = (
    ("Privacy policy", "/privacy-policy/"), ("Terms of use", "/terms/"), ("Advertise", "/advertise/"),
    ("Careers", "/careers/"), ("Staff drafts", "/private/drafts/"),
)
SHARE_TARGETS: tuple[str, ...] = ("Facebook", "X", "Telegram", "WhatsApp", "Email", "Print")


def make_chrome(rng: random.Random, outlet_name: str, founded: int) -> Chrome:
    cookie = rng.choice(
        (
            f"We use cookies to personalise content on the {outlet_name} and to analyse our traffic.",
            f"The {outlet_name} uses cookies and similar technologies to remember your preferences.",
            f"By continuing to browse the {outlet_name} website you agree to our use of cookies.",
        )
    )
    newsletter_title = rng.choice(
        (f"Get the {outlet_name} Morning Brief", f"Sign up for {outlet_name} Weekender",
         f"The {outlet_name} Evening Digest")
    )
    newsletter_text = rng.choice(
        (
            "Our editors pick the stories that matter and send them to your inbox before breakfast.",
            "One email a day with the essential reads from our correspondents, free of charge.",
            "Join thousands of readers who start their week with our hand-picked analysis.",
        )
    )
    return Chrome(
        tagline=rng.choice(
            ("Independent reporting since", "Your window on the region since", "News without fear since")
        )
        + f" {founded}",
        cookie_text=cookie,
        cookie_button=rng.choice(("Accept all", "I agree", "Got it")),
        newsletter_title=newsletter_title,
        newsletter_text=newsletter_text,
        share_label=rng.choice(("Share this article", "Spread the word", "Share this story")),
        related_heading=rng.choice(("Related articles", "You may also like", f"More from the {outlet_name}")),
        footer_text=f"© {founded}-2024 {outlet_name}. All rights reserved. Reproduction without permission "
        "is prohibited.",
        agency_note=f"This report was provided by a news agency and edited by the {outlet_name} desk.",
        respond_heading=rng.choice(("Leave a Reply", "Join the discussion", "Post a comment")),
        respond_note=rng.choice(
            (
                "Your email address will not be published. Required fields are marked *",
                "Comments are moderated and will appear once approved by an editor.",
            )
        ),
    )


def _a(word: str) -> str:
    return "an" if word[0] in "AEIOU" else "a"


def make_author(rng: random.Random, outlet_name: str, taken: set[str]) -> Author:
    while True:
        name = f"{rng.choice(v.FIRST_NAMES)} {rng.choice(v.LAST_NAMES)}"
        if name not in taken:
            taken.add(name)
            break
    first = name.split(" ")[0]
    former = rng.choice([n for n in v.FIRST_OUTLETS if n != outlet_name])
    bio = (
        f"{name} is {_a(origin := rng.choice(v.BIO_ORIGINS))} {origin} {rng.choice(v.BIO_CRAFTS)} based in "
        f"{rng.choice(v.BIO_BASES)}. A former correspondent for the {former}, {first}'s focus is "
        f"{rng.choice(v.BIO_FOCUS)}. {first} is a graduate of {rng.choice(v.BIO_SCHOOLS)}."
    )
    handle = "@" + name.lower().replace(" ", "")[:12] + str(rng.randint(1, 99))
    return Author(name=name, role=rng.choice(v.ROLES), bio=bio, handle=handle)


# Reader comments: opinion, grief and grievance, never the reporting voice of a story.
COMMENT_TEMPLATES: tuple[str, ...] = (
    "[Wake up, people.|Let's be honest here.] The West [keeps talking|talks and talks] while {place} "
    "[burns|suffers] and [nobody in charge|not one leader] [lifts a finger|does anything real].",
    "[Thank you for|Grateful for] this [reporting|piece], it is [the only honest source|one of the few "
    "balanced outlets] I [still read|trust] [these days|anymore].",
    "[Another|Yet another] [ceasefire|promise] that [nobody|no one] [believes in|will respect]. "
    "[We have all seen this movie before|History keeps repeating itself with the same actors].",
    "[My grandmother|My uncle] [still lives|lived] near {place} [and refuses to leave her flat|until "
    "last spring]. [Prayers to everyone there tonight|Thoughts with all the families who stayed].",
    "[Where is|What happened to] the [outrage|coverage] from [the big networks|mainstream media] about "
    "{place}? [Silence|Crickets] as usual from the people who lecture us.",
    "[Sanctions|Statements] [do nothing at all|are useless] unless somebody [actually enforces them|"
    "has the courage to enforce them]. [Actions, not words|Stop the empty words].",
    "[One has to|You have to] call a spade a spade: [this is terrorism|that is a war crime], [plain "
    "and simple|nothing else], and [our politicians|the diplomats] [know it|should say it].",
    "[Great article|Excellent analysis], [but|though] you [forgot|left out] what happened in {place2} "
    "[the year before|back in 2014], which explains [a lot|half of this].",
    "[Our only hope|The only answer] is [real pressure|pressure] from [Washington and Brussels|Western "
    "capitals], and honestly I am afraid it will come far too late for {place}.",
    "[Stay strong|Hold on], {place}! [Greetings|Love and solidarity] from [Toronto|Melbourne|Glendale|"
    "Krakow], where [our community|my whole family] [is collecting|collects] [donations|warm clothes].",
    "[I stopped|I have stopped] [watching|reading] [television news|the big papers] [years ago|long ago] "
    "because [they never|none of them ever] [explain|bother to explain] [the history|the background].",
)
COMMENTERS: tuple[str, ...] = (
    "ArmenG", "Peter K.", "truthseeker88", "Marina from Lviv", "Hagop", "D. Walsh", "Vartan",
    "concerned_reader", "Sona", "Mike in Ohio", "Lusine A.", "old_sailor", "Ruben", "Greta W.",
)


def make_comments(
    rng: random.Random, place: str, place2: str, after: datetime, count: int
) -> tuple[Comment, ...]:
    frame = {"place": place, "place2": place2}
    templates = rng.sample(COMMENT_TEMPLATES, count)
    comments = []
    posted = after
    for number, template in enumerate(templates, start=1):
        posted += timedelta(minutes=rng.randint(7, 300))
        comments.append(Comment(number, rng.choice(COMMENTERS), posted, fill(template, frame, rng)))
    return tuple(comments)


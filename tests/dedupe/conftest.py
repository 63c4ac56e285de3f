"""Fixtures of the dedupe tests: real article texts under ``data/``, and reprints made from them."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def original() -> str:
    return read("wire_original.txt")


@pytest.fixture(scope="session")
def reprint(original: str) -> str:
    """What a regional outlet makes of the wire story: local intro, no byline or dateline, last
    paragraphs and credits cut, a few words edited, its own copyright line."""
    paragraphs = original.split("\n")[1:-3]
    paragraphs[0] = paragraphs[0].split("— ", 1)[1]
    paragraphs[2] = paragraphs[2].replace("blackened", "charred").replace("shattered", "broken")
    intro = (
        "Several families in Halton have relatives in Zaporizhzhia, and the town's Ukrainian "
        "community centre has been collecting medical supplies for the region since the spring."
    )
    return "\n".join([intro, *paragraphs, "© 2024 Halton Evening Chronicle"])


@pytest.fixture(scope="session")
def first_half(original: str) -> str:
    """A reprint keeping only the first half of the story, under a local intro."""
    paragraphs = original.split("\n")[1:5]
    return "\n".join(["From our partners at the wire:", *paragraphs])


@pytest.fixture(scope="session")
def update() -> str:
    return read("update_later.txt")


@pytest.fixture(scope="session")
def briefings() -> tuple[str, str]:
    return read("briefing_monday.txt"), read("briefing_tuesday.txt")

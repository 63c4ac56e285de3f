"""Normalisation for matching: datelines, bylines, credits, scripts, digits; origin detection."""

from __future__ import annotations

import pytest

from dedupe import detect_origin
from dedupe.normalize import normalize, strip_boilerplate


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("YEREVAN—Armenian officials said", "armenian officials said"),
        ("YEREVAN, Armenia (AP) — Armenian officials said", "armenian officials said"),
        ("KYIV (Reuters) - Russian drones hit", "russian drones hit"),
        ("KYIV, March 3 (Reuters) - Russian drones hit", "russian drones hit"),
        ("PARIS (AFP) — Le gouvernement a", "le gouvernement a"),
        ("Kharkiv (Ukraine) (AFP) - Les forces russes", "les forces russes"),
        ("MADRID, 5 ene (EFE).- El Gobierno", "el gobierno"),
        ("МОСКВА, 5 января. /ТАСС/. Российские военные", "российские военные"),
        ("КИЕВ, 5 янв - РИА Новости. Войска", "войска"),
        ("بيروت (رويترز) - قال مسؤولون", "قال مسؤولون"),
    ],
)
def test_datelines_are_dropped(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "boilerplate",
    [
        "By JANE DOE Associated Press",
        "By Jane Doe and John Roe, Reuters",
        "Par Jean DUPONT (AFP)",
        "(Reporting by Tom Balmforth in Kyiv; Additional reporting by Olena Harmash; Editing by Mark Heinrich)",
        "Reporting by Tom Balmforth; Editing by Mark Heinrich",
        "(c) 2024 Reuters",
        "© 2024 Thomson Reuters. All rights reserved.",
        "Copyright 2024 The Associated Press. All rights reserved.",
        "This material may not be published, broadcast, rewritten or redistributed without permission.",
        "Associated Press writer Illia Novikov in Kyiv contributed to this report.",
        "© ТАСС, 2024. Все права защищены.",
    ],
)
def test_bylines_and_credits_are_dropped(boilerplate: str) -> None:
    body = "Rescue crews searched the rubble through the night."
    assert normalize(f"{boilerplate}\n{body}") == normalize(body)
    assert normalize(f"{body}\n{boilerplate}") == normalize(body)


def test_prose_that_looks_like_boilerplate_is_kept() -> None:
    # A sentence starting "By" is prose, and a credit phrase inside a paragraph is not a credit line.
    text = "By nightfall, the shelling had stopped.\nOfficials said reporting by local media was accurate."
    assert normalize(text) == (
        "by nightfall the shelling had stopped officials said reporting by local media was accurate"
    )


def test_case_punctuation_digits_and_spacing() -> None:
    assert normalize("Russia’s  “WAR” —\tkilled 1,200;\n1.200 or 1 200 people, 3.5%") == (
        "russias war killed 1200 1200 or 1200 people 3 5"
    )


def test_non_latin_scripts() -> None:
    assert normalize("Привет, Мир! Їжак і ҐАНОК") == "привет мир їжак і ґанок"
    # Arabic diacritics and tatweel are optional in writing; Arabic-Indic digits become ASCII.
    assert normalize("الْكِتَابُ الكتـــاب ١٢٣") == "الكتاب الكتاب 123"
    # Scripts without spaces are split into characters (character n-gram shingles).
    assert normalize("東京都で地震。") == "東 京 都 で 地 震"
    assert normalize("ข่าวด่วน") == "ข า ว ด ว น"


def test_strip_boilerplate_keeps_lines() -> None:
    text = "KYIV (Reuters) - First line.\nSecond line.\n(Reporting by Tom; Editing by Mark)"
    assert strip_boilerplate(text) == "First line.\nSecond line."


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("KYIV, Ukraine (AP) — Russian forces", "AP"),
        ("By JANE DOE Associated Press\nRussian forces", "AP"),
        ("Text.\nCopyright 2024 The Associated Press. All rights reserved.", "AP"),
        ("KYIV (Reuters) - Russian drones", "Reuters"),
        ("Text.\n(Reporting by Tom Balmforth; Editing by Mark Heinrich)", "Reuters"),
        ("Kharkiv (Ukraine) (AFP) - Les forces", "AFP"),
        ("BERLIN (dpa) - Die Regierung", "dpa"),
        ("ROMA (ANSA) - Il governo", "ANSA"),
        ("MADRID, 5 ene (EFE).- El Gobierno", "EFE"),
        ("МОСКВА, 5 января. /ТАСС/. Российские", "TASS"),
        ("بيروت (رويترز) - قال", "Reuters"),
        ("Officials told Reuters that the AP and AFP had reported it.", None),
        ("", None),
    ],
)
def test_detect_origin(text: str, origin: str | None) -> None:
    assert detect_origin(text) == origin


def test_own_dateline_wins_over_a_quoted_agency() -> None:
    text = "PARIS (AFP) - Officials cited a report.\n(Reporting by Tom Balmforth; Editing by Mark Heinrich)"
    assert detect_origin(text) == "AFP"


def test_character_table_agrees_with_the_per_character_rules() -> None:
    from dedupe.codepoints import _describe, _table

    table = _table()
    described = [_describe(cp) for cp in range(len(table))]
    assert [(int(v) >> 24, int(v) & 0xFFFFFF) for v in table] == described

"""Property tests: normalisation and shingling invariants over generated text."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe import DedupeConfig, fingerprint, fingerprint_many
from dedupe.codepoints import decode, words_many
from dedupe.normalize import normalize

# Letters whose upper and lower case map one to one, in four scripts, and digits.
LETTERS = "abcdefghijklmnopqrstuvwxyzàéèçñüабвгдеёжзийклмнопрстуфхцчшщыьэюяіїєґابتثجحخدذرسشصضطظعغفقكلمنهوي"
# Words that open a byline ("By JANE DOE") change meaning with case: kept out of the case property.
BYLINE_OPENERS = {"by", "par", "por", "von"}
words = st.lists(
    st.text(LETTERS + "0123456789", min_size=1, max_size=9).filter(lambda w: w not in BYLINE_OPENERS),
    min_size=0,
    max_size=40,
)
spaces = st.sampled_from([" ", "  ", "\t", "\n", " \n ", "\u00a0", "\u2003"])
CONFIG = DedupeConfig(num_perm=32, bands=8)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.text())
def test_normalize_is_idempotent_on_any_text(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@SETTINGS
@given(st.text())
def test_normal_form_is_words_and_single_spaces(text: str) -> None:
    out = normalize(text)
    assert out == out.strip()
    assert "  " not in out and "\n" not in out and "\t" not in out
    assert out == out.lower()


@SETTINGS
@given(words, st.data())
def test_whitespace_does_not_matter(ws: list[str], data: st.DataObject) -> None:
    plain = " ".join(ws)
    spaced = "".join(w + data.draw(spaces) for w in ws)
    assert normalize(spaced) == normalize(plain)
    assert fingerprint(spaced, None, CONFIG).signature_bytes() == fingerprint(plain, None, CONFIG).signature_bytes()


@SETTINGS
@given(words)
def test_case_does_not_matter(ws: list[str]) -> None:
    text = " ".join(ws)
    assert normalize(text.upper()) == normalize(text) == normalize(text.title())


@SETTINGS
@given(st.lists(st.text(), max_size=6))
def test_batch_normalisation_equals_one_by_one(texts: list[str]) -> None:
    batch = words_many(texts)
    assert [decode(w) for w in batch] == [decode(words_many([t])[0]) for t in texts]


@SETTINGS
@given(st.lists(st.tuples(st.text(), st.none() | st.text(max_size=20)), max_size=5))
def test_fingerprints_never_crash_and_batch_equals_single(docs: list[tuple[str, str | None]]) -> None:
    batch = fingerprint_many(docs, CONFIG)
    for (text, title), fp in zip(docs, batch, strict=True):
        assert fp.signature.shape == (CONFIG.num_perm,) and fp.signature.dtype == np.uint32
        assert fp.signature_bytes() == fingerprint(text, title, CONFIG).signature_bytes()


@SETTINGS
@given(words, st.integers(min_value=1, max_value=6))
def test_shingle_count_bounds(ws: list[str], k: int) -> None:
    config = DedupeConfig(shingle_size=k, num_perm=16, bands=4)
    fp = fingerprint(" ".join(ws), None, config)
    n_words = len(normalize(" ".join(ws)).split())
    if n_words == 0:
        assert fp.n_shingles == 0
        assert not np.any(fp.signature != np.uint32(0xFFFFFFFF))
    else:
        assert 1 <= fp.n_shingles <= max(1, n_words - k + 1)


@SETTINGS
@given(words)
def test_a_text_is_its_own_duplicate(ws: list[str]) -> None:
    text = " ".join(ws)
    a, b = fingerprint(text, None, CONFIG), fingerprint(normalize(text), None, CONFIG)
    assert a.signature_bytes() == b.signature_bytes() and a.bands == b.bands and a.content_hash == b.content_hash

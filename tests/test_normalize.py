"""Normalisation: the matching form, and offsets that always lead back to the original."""

from __future__ import annotations

import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from provenance.text.normalize import _is_simple, _mapped, _mapped_exact, normalize, tokenize, unify_marks

# Text shaped like the corpus: Cyrillic and Latin letters, digits, every quote and dash
# variant, combining marks, odd spaces and compatibility characters.
corpus_like = st.lists(
    st.sampled_from(
        list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЕЁЙКЖЭЯ")
        + list("abcdefxyzABCXYZßİı0123456789")
        + list(" \n\r\t\u00a0\u2009.,;:!?()«»„“”\"'’‘‹›-‐–—―−_/%$№")
        + ["\u0301", "\u0308", "\u0306", "ﬁ", "½", "²", "Ⅶ", "е\u0308", "и\u0306", "\u0085", "\u2028"]
    ),
    max_size=80,
).map("".join)
any_text = st.text(max_size=60)


def test_matching_form() -> None:
    assert normalize("«Центральная Азия – Россия»") == "центральная азия россия"
    assert normalize('"Центральная Азия - Россия"') == "центральная азия россия"
    assert normalize("Ёлка, ЁЛКА и е\u0308лка") == "елка елка и елка"
    assert (
        normalize("Касым-Жомарт Токаев: 7 591 км, 4,5 млрд, 20%")
        == "касым-жомарт токаев 7 591 км 4 5 млрд 20"
    )
    assert normalize("Ruíz STRASSE Straße") == "ruiz strasse strasse"
    assert normalize("йод и иод") == "йод и иод"  # й is a letter, not и with a mark
    assert normalize("don’t — or - else") == "dont or else"


def test_quote_and_dash_variants_normalise_alike() -> None:
    a = 'Президент добавил, что первый саммит "Центральная Азия - Россия", состоявшийся'
    b = "Президент добавил, что первый саммит «Центральная Азия – Россия», состоявшийся"
    assert normalize(a) == normalize(b)


def test_token_offsets_on_a_seed_sentence() -> None:
    text = " date 2025-10-10 По его мнению, «неотъемлемым» фактором"
    tokens = tokenize(text, 17)
    assert [text[t.start : t.end] for t in tokens] == ["По", "его", "мнению", "неотъемлемым", "фактором"]
    assert tokens[0].start == 17


def test_unify_marks_keeps_length() -> None:
    text = '«Азия – Россия» „тест“ — "x"'
    unified = unify_marks(text)
    assert len(unified) == len(text)
    assert unified == '"Азия - Россия" "тест" - "x"'


@settings(max_examples=300, deadline=None)
@given(corpus_like | any_text)
@example("а\u0301б е\u0308 ½x")
@example("\u0301start")
def test_every_token_maps_back_to_its_original_characters(text: str) -> None:
    tokens = tokenize(text)
    previous_end = 0
    for t in tokens:
        assert 0 <= previous_end <= t.start < t.end <= len(text)
        # The original slice of a token normalises to exactly that token ...
        assert [x.norm for x in tokenize(text[t.start : t.end])] == [t.norm]
        # ... and what lies between tokens normalises to nothing.
        assert tokenize(text[previous_end : t.start]) == []
        previous_end = t.end
    assert tokenize(text[previous_end:]) == []


@settings(max_examples=200, deadline=None)
@given(corpus_like, st.data())
def test_tokenising_a_range_gives_offsets_into_the_whole_text(text: str, data: st.DataObject) -> None:
    whole = tokenize(text)
    if not whole:
        return
    i = data.draw(st.integers(0, len(whole) - 1))
    j = data.draw(st.integers(i, len(whole) - 1))
    start, end = whole[i].start, whole[j].end
    assert tokenize(text, start, end) == whole[i : j + 1]


@settings(max_examples=200, deadline=None)
@given(corpus_like)
def test_fast_path_agrees_with_the_exact_path(text: str) -> None:
    if not _is_simple(text):
        return
    fast, starts, _ = _mapped(text, 0, len(text))
    exact, exact_starts, exact_ends = _mapped_exact(text, 0, len(text))
    assert starts == []
    assert fast == exact
    assert exact_starts == list(range(len(text)))
    assert exact_ends == list(range(1, len(text) + 1))


@settings(max_examples=200, deadline=None)
@given(corpus_like)
def test_normalisation_ignores_quote_and_dash_variants_and_case(text: str) -> None:
    variant = unify_marks(text).upper()
    assert normalize(variant) == normalize(text.upper())
    assert normalize(unify_marks(text)) == normalize(text)


@given(corpus_like, st.integers(min_value=1, max_value=12))
def test_long_text_is_tokenized_in_stretches_as_in_one(text: str, stretch: int) -> None:
    normalize_module = sys.modules["provenance.text.normalize"]
    whole = tokenize(text)
    saved = normalize_module._STRETCH
    normalize_module._STRETCH = stretch
    try:
        assert tokenize(text) == whole
    finally:
        normalize_module._STRETCH = saved


@settings(max_examples=100, deadline=None)
@given(corpus_like, st.integers(min_value=0, max_value=40))
def test_characters_learned_or_not_map_alike(text: str, room: int) -> None:
    # With room for few characters, a text's new ones are judged for that text alone.
    normalize_module = sys.modules["provenance.text.normalize"]
    whole = tokenize(text)
    saved = (normalize_module._MAX_LEARNED, normalize_module._LEARNED)
    saved_tables = (normalize_module._ONE_TO_ONE, normalize_module._NOT_ONE_TO_ONE)
    normalize_module._MAX_LEARNED, normalize_module._LEARNED = room, set()
    normalize_module._ONE_TO_ONE, normalize_module._NOT_ONE_TO_ONE = {}, set()
    try:
        assert tokenize(text) == whole
        assert tokenize(text) == whole  # and again, with what the first call learned
        assert len(normalize_module._LEARNED) <= room
    finally:
        normalize_module._MAX_LEARNED, normalize_module._LEARNED = saved
        normalize_module._ONE_TO_ONE, normalize_module._NOT_ONE_TO_ONE = saved_tables

"""Segmentation: paragraphs at blank lines, scraper breaks joined, sentences inside."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from provenance.text import SPACES, analyse, paragraphs, sentences, visible_length

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_blank_lines_separate_paragraphs_in_any_line_ending() -> None:
    text = "Первый абзац.\r\n\r\nВторой абзац.\n  \n\nТретий.\rЕще строка."
    spans = paragraphs(text)
    assert [text[a:b] for a, b in spans] == ["Первый абзац.", "Второй абзац.", "Третий.\rЕще строка."]


def test_paragraph_broken_mid_sentence_is_joined_again() -> None:
    text = (SEEDS / "002_c2a555b54d686add.txt").read_text(encoding="utf-8")
    joined = [text[a:b] for a, b in paragraphs(text)]
    broken = [p for p in joined if "первого приоритета развития" in p]
    assert len(broken) == 1
    assert "взаимодействия стран региона и России" in broken[0]


def test_finished_paragraphs_are_not_joined() -> None:
    text = "Заголовок статьи\n\nФото: Акорда\n\nОн сказал: «Да».\n\nпотом строчная буква."
    assert [text[a:b] for a, b in paragraphs(text)] == [
        "Заголовок статьи",
        "Фото: Акорда",
        "Он сказал: «Да».",
        "потом строчная буква.",
    ]


def test_sentences_and_their_tokens() -> None:
    text = "Он пришел. Она ушла! А потом? Все."
    view = analyse(text)
    assert [text[a:b] for a, b in view.sentences] == ["Он пришел.", "Она ушла!", "А потом?", "Все."]
    assert [view.norms[a:b] for a, b in view.sentence_tokens] == [
        ["он", "пришел"],
        ["она", "ушла"],
        ["а", "потом"],
        ["все"],
    ]
    assert sentences(text, (0, 10)) == [(0, 10)]


def test_analysis_respects_the_body() -> None:
    text = " date 2025-10-10 Текст статьи."
    view = analyse(text, 17)
    assert view.tokens[0].start == 17
    assert view.paragraphs == [(17, len(text))]


def test_spaces_are_those_of_isspace() -> None:
    assert "".join(ch for ch in map(chr, range(0x110000)) if ch.isspace()) == SPACES


@given(st.text(alphabet=st.sampled_from([*"аб c\t\n\u00a0\u2028\u3000.", "\U0001f600"]), max_size=200))
def test_visible_length_counts_in_place_as_it_splits(text: str) -> None:
    import provenance.text as text_module

    expected = len("".join(text.split()))
    saved = text_module._SPLIT_MAX
    text_module._SPLIT_MAX = 0
    try:
        assert visible_length(text) == expected
        assert visible_length(text, 3, 50) == len("".join(text[3:50].split()))
    finally:
        text_module._SPLIT_MAX = saved

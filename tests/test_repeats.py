"""Repeats inside one document (scraper artefacts) and their masking from matching."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from provenance.editorial.boilerplate import Boilerplate
from provenance.editorial.masking import masked_analysis
from provenance.editorial.repeats import MIN_REPEAT_WORDS, Repeat, find_repeats
from provenance.text import analyse, tokenize

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LEAD = "Президент Казахстана Касым-Жомарт Токаев принял участие в VII консультативной встрече глав государств"


def test_doubled_lead_is_one_repeat_of_the_first_occurrence() -> None:
    text = f"{LEAD}, сообщает - {LEAD}, сообщает Акорда."
    (rep,) = find_repeats(tokenize(text))
    first = text.index(LEAD)
    second = text.index(LEAD, first + 1)
    assert rep.first[0] == first and rep.repeat[0] == second
    assert text[slice(*rep.repeat)] == f"{LEAD}, сообщает"
    assert rep.words == len(tokenize(LEAD)) + 1


def test_short_repeats_are_not_scraper_artefacts() -> None:
    phrase = " ".join(["глава", "государства", "отметил", "важность", "работы"])
    assert find_repeats(tokenize(f"{phrase}. Потом {phrase}.")) == []
    eleven = "один два три четыре пять шесть семь восемь девять десять одиннадцать"
    assert MIN_REPEAT_WORDS == 12 and find_repeats(tokenize(f"{eleven}. И снова {eleven}.")) == []


def test_repeat_found_in_the_normalised_form() -> None:
    a = "«Центральная Азия – Россия» стала отправной точкой продуктивного взаимодействия в многостороннем формате на годы"
    b = '"Центральная азия - Россия" стала отправной точкой продуктивного взаимодействия в многостороннем формате на годы'
    (rep,) = find_repeats(tokenize(f"{a}.\n\n{b}."))
    assert rep.words == 13  # quotes, dashes and case do not hide a repeat


def test_seed_003_repeated_paragraph_and_004_repeated_lead() -> None:
    t3 = (SEEDS / "003_46e3a591079cfa77.txt").read_text(encoding="utf-8")
    reps = find_repeats(analyse(t3).tokens)
    sentence = (
        "Глава государства отметил, что большинство современных вызовов и угроз носят трансграничный характер"
    )
    second = t3.index(sentence, t3.index(sentence) + 1)
    assert any(r.repeat[0] <= second and second + len(sentence) <= r.repeat[1] for r in reps)
    t4 = (SEEDS / "004_1006c0dd2bd35970.txt").read_text(encoding="utf-8")
    (rep,) = find_repeats(analyse(t4).tokens)
    assert t4[slice(*rep.repeat)].startswith("Президент Казахстана Касым-Жомарт Токаев принял участие в VII")
    assert t4[rep.repeat[1] :].startswith(" Акорда")


def test_masked_analysis_drops_boilerplate_and_the_later_repeat_only() -> None:
    text = f"{LEAD} в Ташкенте.\nПоделиться\n{LEAD} в Ташкенте."
    share = text.index("Поделиться")
    view, repeats = masked_analysis(text, (0, len(text)), [Boilerplate(share, share + 10, "registry")])
    assert len(repeats) == 1
    # The repeat is found across the share button, and only its first copy is left to match.
    assert [t.norm for t in view.tokens] == [t.norm for t in tokenize(f"{LEAD} в Ташкенте.")]


@given(st.lists(st.sampled_from(["мир", "труд", "май", "весна", "ТАСС", "2025", "—", "."]), max_size=80))
def test_repeats_are_ordered_disjoint_and_really_repeat(words: list[str]) -> None:
    text = " ".join(words)
    tokens = tokenize(text)
    norms = {(t.start, t.end): t.norm for t in tokens}
    last_end = -1
    for rep in find_repeats(tokens, 3):
        assert rep.first[1] <= rep.repeat[0] and last_end <= rep.repeat[0]
        last_end = rep.repeat[1]
        first = [n for (s, e), n in norms.items() if rep.first[0] <= s and e <= rep.first[1]]
        again = [n for (s, e), n in norms.items() if rep.repeat[0] <= s and e <= rep.repeat[1]]
        assert first == again and len(first) == rep.words >= 3


def _repeats_by_tuples(tokens: list, min_words: int) -> list[Repeat]:
    """The earlier definition, a tuple of words per position: the reference for the numpy one."""
    norms = [t.norm for t in tokens]
    n = len(norms)
    grams = list(zip(*(norms[t:] for t in range(min_words)), strict=False))
    first_seen: dict[tuple[str, ...], int] = {}
    found: list[Repeat] = []
    i = 0
    while i + min_words <= n:
        j = first_seen.get(grams[i])
        if j is None or j + min_words > i:
            first_seen.setdefault(grams[i], i)
            i += 1
            continue
        length = min_words
        while i + length < n and j + length < i and norms[j + length] == norms[i + length]:
            length += 1
        found.append(
            Repeat(
                (tokens[j].start, tokens[j + length - 1].end),
                (tokens[i].start, tokens[i + length - 1].end),
                length,
            )
        )
        for k in range(i, i + length - min_words + 1):
            first_seen.setdefault(grams[k], k)
        i += length
    return found


@given(
    st.lists(st.sampled_from(["мир", "труд", "май", "весна"]), max_size=120),
    st.integers(min_value=1, max_value=5),
)
def test_repeats_keyed_in_numpy_are_those_of_word_tuples(words: list[str], min_words: int) -> None:
    tokens = tokenize(" ".join(words))
    assert find_repeats(tokens, min_words) == _repeats_by_tuples(tokens, min_words)

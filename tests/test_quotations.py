"""Direct speech: quotations in marks, dialogue dashes, and what is not speech."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.editorial.quotations import Quotation, find_quotations
from provenance.text import paragraphs

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def quoted(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, str]]:
    return [(q.form, text[q.start : q.end]) for q in find_quotations(text, start, end)]


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def covering(text: str, phrase: str) -> Quotation | None:
    """The quotation that holds all of `phrase` (its first occurrence), if any."""
    i = text.index(phrase)
    return next((q for q in find_quotations(text) if q.start <= i and i + len(phrase) <= q.end), None)


def touches(text: str, phrase: str) -> bool:
    i = text.index(phrase)
    return any(q.start < i + len(phrase) and i < q.end for q in find_quotations(text))


# --- quotation marks ---------------------------------------------------------------------


def test_guillemets_followed_by_attribution() -> None:
    text = "«Мы готовы к диалогу», – отметил Президент."
    assert find_quotations(text) == [Quotation(0, 21, "marks")]
    assert quoted(text) == [("marks", "«Мы готовы к диалогу»")]


def test_nested_low_quotes_are_part_of_the_outer_quotation() -> None:
    text = "Министр сказал: «Нам „не нужны“ лишние слова в этом тексте, друзья». Конец."
    assert quoted(text) == [("marks", "«Нам „не нужны“ лишние слова в этом тексте, друзья»")]


def test_nested_guillemets_with_own_closers() -> None:
    text = "Он отметил: «Саммит «Центральная Азия – Россия» стал отправной точкой», – сказал он."
    assert quoted(text) == [("marks", "«Саммит «Центральная Азия – Россия» стал отправной точкой»")]


def test_collapsed_closing_mark_ends_both_levels() -> None:
    text = "Глава высказался. «компетентного, опытного специалиста, не зацикливаясь на принципах «инклюзивности» и «гендерного равенства».\n\nДалее текст."
    assert quoted(text) == [
        (
            "marks",
            "«компетентного, опытного специалиста, не зацикливаясь на принципах «инклюзивности» и «гендерного равенства»",
        )
    ]


def test_low_and_high_quotes() -> None:
    text = "Он сказал „Мы будем работать дальше вместе с партнерами“. Конец."
    assert quoted(text) == [("marks", "„Мы будем работать дальше вместе с партнерами“")]


def test_english_quotes() -> None:
    text = "He said “we will keep working with all of our partners”. End."
    assert quoted(text) == [("marks", "“we will keep working with all of our partners”")]


def test_straight_quotes_with_attribution() -> None:
    text = 'Глава отметил угрозы. "В целом нет проблем", - сказал он.'
    assert quoted(text) == [("marks", '"В целом нет проблем"')]


def test_straight_quotes_long_sentence_without_attribution() -> None:
    text = 'Он сказал "Мы будем работать дальше вместе с партнерами". Конец.'
    assert quoted(text) == [("marks", '"Мы будем работать дальше вместе с партнерами"')]


def test_colon_introduces_a_short_quotation() -> None:
    text = "Он ответил: «Да, конечно». Потом ушел."
    assert quoted(text) == [("marks", "«Да, конечно»")]


@pytest.mark.parametrize(
    ("text", "expected"), [("«Мы готовы.»", "«Мы готовы.»"), ('Он крикнул "Да!" и ушел.', '"Да!"')]
)
def test_terminal_punctuation_inside_marks_makes_speech(text: str, expected: str) -> None:
    assert quoted(text) == [("marks", expected)]


def test_closing_mark_may_end_the_text() -> None:
    text = 'Он сказал: "Да'
    assert quoted(text) == [("marks", '"Да')]
    text = 'Он сказал: "Да"'
    assert quoted(text) == [("marks", '"Да"')]


# --- paragraphs and lost marks -----------------------------------------------------------


def test_multi_paragraph_quotation_reopened_at_each_paragraph() -> None:
    text = "Он сказал.\n\n«Первый абзац речи.\n\n«Второй абзац речи.»\n\nАвтор."
    assert quoted(text) == [("marks", "«Первый абзац речи.\n\n«Второй абзац речи.»")]


def test_multi_paragraph_quotation_without_reopening() -> None:
    text = '"Первый абзац речи, довольно длинный.\n\nВторой абзац", - сказал он.\n\nДалее.'
    assert quoted(text) == [("marks", '"Первый абзац речи, довольно длинный.\n\nВторой абзац"')]


def test_unclosed_quotation_ends_with_its_paragraph() -> None:
    text = "Он сказал: «Мы продолжим работу с партнерами\n\nДругой абзац без кавычек.\n\nЕще один."
    assert quoted(text) == [("marks", "«Мы продолжим работу с партнерами")]


def test_unclosed_quotation_does_not_take_in_a_title_of_the_next_paragraph() -> None:
    text = "«Начало длинной речи без конца.\n\nПотом «Вставка» внутри абзаца.\n\nКонец."
    assert quoted(text) == [("marks", "«Начало длинной речи без конца.")]


def test_closer_more_than_five_paragraphs_later_does_not_carry() -> None:
    middle = "".join(f"Абзац номер {k}.\n\n" for k in range(6))
    text = f"Он сказал: «Начало речи\n\n{middle}Конец речи», – сказал он."
    q = quoted(text)
    assert q[0] == ("marks", "«Начало речи")
    assert not touches(text, "Абзац номер 0")


def test_lost_opening_mark_before_attribution() -> None:
    text = 'Вступление.\n\nСлова пропали у скрейпера", - подытожил глава государства.'
    assert quoted(text) == [("marks", 'Слова пропали у скрейпера"')]


def test_lost_opening_mark_after_an_earlier_quotation_starts_at_next_sentence() -> None:
    text = '"Первая фраза", - сказал он. Вторая часть", - добавил он.'
    assert quoted(text) == [("marks", '"Первая фраза"'), ("marks", 'Вторая часть"')]


def test_mismatched_closing_mark_before_attribution_closes_the_quotation() -> None:
    text = '«Хочу вас заверить, что мы отвергаем подходы", - сказал он. Потом ушел.'
    assert quoted(text) == [("marks", '«Хочу вас заверить, что мы отвергаем подходы"')]


# --- dialogue dashes ---------------------------------------------------------------------


def test_dash_speech_with_author_words_at_the_end() -> None:
    text = "Вступление.\n\n— Здесь полезную роль могла бы сыграть Миссия, — подчеркнул Касым-Жомарт Токаев."
    assert quoted(text) == [("dash", "Здесь полезную роль могла бы сыграть Миссия")]


def test_dash_speech_with_author_words_in_the_middle() -> None:
    text = "— Да, — сказал он. — Конечно, приду!"
    assert find_quotations(text) == [Quotation(2, 4, "dash"), Quotation(21, 36, "dash")]
    assert quoted(text) == [("dash", "Да"), ("dash", "Конечно, приду!")]


def test_dash_speech_keeps_final_punctuation_and_each_line_stands_alone() -> None:
    text = "— Я согласен!\r\n– Мы тоже.\u2028- «Ура», — сказали все."
    assert quoted(text) == [("dash", "Я согласен!"), ("dash", "Мы тоже."), ("dash", "«Ура»")]


# --- not speech --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'Монитор 27" и ноутбук 15" стоят на столе.',
        "Вчера саммит «Центральная Азия – Россия» прошёл в Душанбе.",
        'Саммит "Центральная Азия - Россия", состоявшийся в Астане, прошёл.',
        "Коридор «Север – Юг» строится.",
        "Он сказал, что стороны выступают за постепенное устранение барьеров.",
        "- пункт первый\n- пункт второй",
        "Астана – столица Казахстана.",
        "Токаев подчеркнул, что первый саммит «Центральная Азия – Россия», состоявшийся три года назад в Астане, стал отправной точкой.",
    ],
)
def test_not_speech(text: str) -> None:
    assert find_quotations(text) == []


def test_inch_sign_is_no_closing_mark_even_before_attribution() -> None:
    assert find_quotations('Экран 27", - уточнил продавец.') == []
    text = 'Он сказал: "Берите экран 27" - и ушел.'
    assert quoted(text) == [("marks", '"Берите экран 27"')]


def test_inch_sign_does_not_open_a_quotation() -> None:
    text = 'Экран 27" и "Привет, друг мой, как твои дела сегодня"'
    assert quoted(text) == [("marks", '"Привет, друг мой, как твои дела сегодня"')]


def test_bounds_restrict_the_search() -> None:
    first = "«Мы готовы к диалогу», – отметил он. "
    text = first + "«Мы тоже готовы», – ответил министр."
    assert find_quotations(text, len(first)) == [Quotation(len(first), len(first) + 16, "marks")]
    assert find_quotations(text, 0, len(first)) == [Quotation(0, 21, "marks")]
    assert find_quotations(text, 5, 3) == []


# --- seed articles -----------------------------------------------------------------------


def test_seed_002_guillemet_quotation() -> None:
    text = seed("002")
    q = covering(text, "Отрадно, что ситуация в самом центральноазиатском регионе")
    assert q is not None and q.form == "marks"
    assert text[q.start : q.end].startswith("«Отрадно") and text[q.start : q.end].endswith("государства»")
    collapsed = covering(text, "компетентного, опытного специалиста")
    assert collapsed is not None and text[collapsed.start : collapsed.end].endswith("«гендерного равенства»")
    assert not touches(text, "коридора «Север – Юг» совместно")


def test_seed_001_multi_paragraph_quotation_and_titles() -> None:
    text = seed("001")
    q = covering(text, "Отрадно, что ситуация в самом центральноазиатском регионе")
    assert q is not None
    assert text[q.start : q.end].startswith('"Поэтому, несмотря')
    assert text[q.start : q.end].endswith('партнеру Российского государства"')
    assert not touches(text, 'первый саммит "Центральная Азия - Россия", состоявшийся')
    assert not touches(text, 'коридора "Север - Юг"')


def test_seed_000_dash_speech_leaves_out_the_author() -> None:
    text = seed("000")
    q = covering(text, "компетентного, опытного специалиста")
    assert q is not None and q.form == "dash"
    assert text[q.start : q.end].startswith("Здесь полезную роль")
    assert text[q.start : q.end].endswith("решение указанных задач")
    assert not touches(text, "подчеркнул Касым-Жомарт Токаев")
    assert not touches(text, "первый саммит «Центральная Азия – Россия»")


def test_seed_003_dash_lines_and_straight_quote() -> None:
    text = seed("003")
    assert covering(text, "Прежде всего, речь идет о борьбе") is not None
    assert covering(text, "Мы разработали стратегию") is not None
    assert covering(text, "В целом в наших странах нет проблем") is not None
    assert not touches(text, "сказал Токаев со ссылкой")


def test_seed_004_lost_opening_marks() -> None:
    text = seed("004")
    q = covering(text, "Предлагаю рассмотреть возможность")
    assert q is not None
    assert text[q.start : q.end].startswith("Предлагаю") and text[q.end - 9 : q.end] == 'подходов"'
    assert not touches(text, "подытожил глава государства")
    assert not touches(text, "Он подчеркнул, что консультативные встречи")


# --- any input ---------------------------------------------------------------------------

# Single characters rich in marks, dashes and line breaks, and a few pieces that trigger the rules.
ALPHABET = st.sampled_from(
    [*'«»„“”"‘’-–—:,.!?…()  \t\n\r\u2028\u0085аБвГдAz09', "\r\n", "\n\n", " — ", '", - сказал', "\n— А"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=80).map("".join), st.integers(-3, 90), st.none() | st.integers(-3, 90))
def test_any_text_gives_sorted_disjoint_spans_inside_the_bounds(
    text: str, start: int, end: int | None
) -> None:
    quotes = find_quotations(text, start, end)
    lo = min(max(start, 0), len(text))
    hi = len(text) if end is None else min(max(end, lo), len(text))
    previous_end = lo
    for q in quotes:
        assert q.form in ("marks", "dash")
        assert previous_end <= q.start < q.end <= hi
        previous_end = q.end


@pytest.mark.parametrize(
    "text", ["", " ", "\r\n", '"', "«", "»", "„", "“", "”", "—", "— ", "«»", '""', "«.»", " \n\n "]
)
def test_degenerate_input(text: str) -> None:
    assert find_quotations(text) == []


def test_paragraphs_given_by_the_caller_give_the_same_quotations() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert find_quotations(text, 0, len(text), paras=paragraphs(text)) == find_quotations(text)


# --- typewriter marks of English wire copy ------------------------------------------------

QUOTE = "We will finish every repair before the heating season starts in the regions"


def test_typewriter_double_marks() -> None:
    text = f"The minister told reporters on Monday: ``{QUOTE}.'' He gave no figures."
    q = covering(text, QUOTE)
    assert q is not None and text[q.start : q.end] == f"``{QUOTE}.''"


def test_typewriter_single_marks_inside_double_ones() -> None:
    text = f"He said ``the plan, which he called `ambitious', is how {QUOTE}'' on Monday."
    q = covering(text, "ambitious")
    assert q is not None and text[q.start : q.end].startswith("``the plan") and text[q.end - 2 : q.end] == "''"


def test_apostrophes_are_not_quotation_marks() -> None:
    text = "It's the plan, isn't it? Officials don't say. The ministers' meeting ended at noon."
    assert find_quotations(text) == []
    # An apostrophe inside `…' does not end it early.
    text = f"He called it `a plan that can't fail, as {QUOTE}' and left."
    q = covering(text, "can't fail")
    assert q is not None and text[q.end - 1] == "'" and text[q.start : q.end].endswith(f"{QUOTE}'")


def test_two_outlets_quoting_english_wire_copy_share_a_quotation(tmp_path: Path) -> None:
    """The same ``…'' in two outlets' otherwise different stories is a shared quotation."""
    import json

    from provenance.pipeline import scan

    quote = (
        "``We will finish every repair of the boilers and heating networks before the first frost "
        "arrives in the northern regions,'' the minister said."
    )
    stories = [
        ("a", "Kazinform", "2025-10-11", "ASTANA, Oct 11 - The energy minister met regional governors on "
         "Saturday to review preparations for winter.", "Officials listed the towns where works are late."),
        ("b", "NUR.KZ", "2025-10-12", "Residents of Pavlodar complained about cold apartments as the "
         "season approached, local deputies noted.", "Deputies asked the city to publish a schedule."),
    ]
    records = [
        {"id": i, "outlet": outlet, "date": day, "text": f"{before} {quote} {after}"}
        for i, outlet, day, before, after in stories
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    report = scan(tmp_path).to_dict()
    assert [link["class"] for link in report["links"]] == ["shared-quotation"]

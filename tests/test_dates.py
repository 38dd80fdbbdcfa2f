"""Publication dates from datelines, trailers and ISO values; a year is never invented."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.ingest import extract_date, find_dateline, find_trailer, parse_header, parse_iso
from provenance.ingest.dates import MONTHS, TRAILER_ZONE
from provenance.ingest.model import DocumentDate

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FILLER = "Президент выступил на встрече глав государств и обсудил вопросы сотрудничества. " * 6
MONTH_NAMES = list(MONTHS)


def test_kazakhstan_today_is_not_a_date() -> None:
    text = "KAZAKHSTAN TODAY - Президент Казахстана принял участие во встрече.\n" + FILLER
    assert extract_date(text) == DocumentDate()
    assert extract_date("Сегодня, TODAY. Today KAZAKHSTAN TODAY") == DocumentDate()


def test_dateline_without_year_is_month_day() -> None:
    text = "Ташкент. 16 ноября. KAZAKHSTAN TODAY - Президент принял участие во встрече.\n" + FILLER
    found = extract_date(text)
    assert found == DocumentDate("--11-16", "month-day", "dateline")
    assert not found.has_year and found.day is None


def test_dateline_with_year_is_day() -> None:
    assert extract_date("АСТАНА, 16 ноября 2025 г. – Президент подписал указ.") == DocumentDate(
        "2025-11-16", "day", "dateline"
    )
    assert extract_date("Алматы, 3 МАРТА 2024 года. Текст.").value == "2024-03-03"


def test_seed_dateline_after_title_lines() -> None:
    text = (SEEDS / "004_1006c0dd2bd35970.txt").read_text(encoding="utf-8")
    assert extract_date(text) == DocumentDate("--11-16", "month-day", "dateline")


def test_date_in_the_middle_of_the_body_is_not_a_date() -> None:
    text = FILLER + "Встреча пройдет в Астане 9 августа, сообщили в ведомстве.\n" + FILLER
    assert extract_date(text) == DocumentDate()
    seed = (SEEDS / "003_46e3a591079cfa77.txt").read_text(encoding="utf-8")
    assert "9 августа" in seed
    assert extract_date(seed) == DocumentDate()


def test_date_closing_a_sentence_near_the_end_is_not_a_trailer() -> None:
    assert extract_date(FILLER + "Следующая встреча пройдет в Астане 9 августа.") == DocumentDate()
    assert extract_date(FILLER + "Договор был подписан 5 мая 2021 года.") == DocumentDate()


def test_date_in_the_first_sentence_without_city_is_not_a_dateline() -> None:
    assert extract_date("В Астане, 16 ноября, прошла встреча.\n" + FILLER) == DocumentDate()
    assert extract_date("16 ноября в Астане прошла встреча.\n" + FILLER) == DocumentDate()


@pytest.mark.parametrize(
    "trailer",
    [
        "///nCa, 10 октября 2025 г.",
        "\n10 октября 2025 года",
        "\n10 октября 2025 г.\n\n",
        "\n10.10.2025",
        "\nАстана, 10 октября 2025 года, 14:30",
    ],
)
def test_trailer_with_year_is_day(trailer: str) -> None:
    text = FILLER + "Итоги саммита откроют новую страницу. " + trailer
    assert extract_date(text) == DocumentDate("2025-10-10", "day", "trailer")


def test_trailer_on_the_last_line_of_a_long_paragraph() -> None:
    seed = (SEEDS / "002_c2a555b54d686add.txt").read_text(encoding="utf-8")
    header = parse_header(seed)
    assert header is not None
    assert find_trailer(seed, header.body_start) == DocumentDate("2025-10-10", "day", "trailer")


def test_trailer_only_in_the_last_characters() -> None:
    text = FILLER + "\n10 октября 2025 года\n" + "x" * (TRAILER_ZONE + 10) + "."
    assert find_trailer(text) is None


def test_trailer_must_begin_inside_the_zone() -> None:
    date_line = "\n10 октября 2025 года"
    inside = FILLER + date_line + "\n" + "x" * (TRAILER_ZONE - len(date_line) - 1) + "."
    assert find_trailer(inside) == DocumentDate("2025-10-10", "day", "trailer")
    straddling = FILLER + date_line + "\n" + "x" * (TRAILER_ZONE - 5) + "."
    assert find_trailer(straddling) is None


def test_dateline_only_at_the_start() -> None:
    late = "Заголовок статьи\n" + "x" * 250 + "\nАСТАНА, 16 ноября 2025 г. Текст."
    assert find_dateline(late) is None


def test_dateline_right_after_an_inline_header() -> None:
    text = " date 2025-10-10 АСТАНА, 9 октября 2025 г. Текст статьи."
    header = parse_header(text)
    assert header is not None
    assert find_dateline(text, header.body_start) == DocumentDate("2025-10-09", "day", "dateline")


def test_full_trailer_beats_month_day_dateline() -> None:
    text = "АСТАНА, 16 ноября. Текст.\n" + FILLER + "\n17 ноября 2025 года"
    assert extract_date(text) == DocumentDate("2025-11-17", "day", "trailer")


def test_dateline_wins_when_both_are_full() -> None:
    text = "АСТАНА, 16 ноября 2025 г. Текст.\n" + FILLER + "\n17 ноября 2025 года"
    assert extract_date(text) == DocumentDate("2025-11-16", "day", "dateline")


def test_dateline_wins_when_both_lack_the_year() -> None:
    text = "АСТАНА, 16 ноября. Текст.\n" + FILLER + "\n17 ноября"
    assert extract_date(text) == DocumentDate("--11-16", "month-day", "dateline")


def test_impossible_days_are_ignored() -> None:
    assert extract_date("АСТАНА, 30 февраля. Текст.") == DocumentDate()
    assert extract_date("АСТАНА, 29 февраля 2025 г. Текст.") == DocumentDate()
    assert extract_date(FILLER + "\n31.04.2025") == DocumentDate()
    # Without a year 29 February may well be real.
    assert extract_date("АСТАНА, 29 февраля. Текст.") == DocumentDate("--02-29", "month-day", "dateline")


@given(
    day=st.integers(min_value=1, max_value=31),
    month=st.integers(min_value=1, max_value=12),
    year=st.one_of(st.none(), st.integers(min_value=1990, max_value=2035)),
)
def test_dateline_values_round_trip(day: int, month: int, year: int | None) -> None:
    import datetime

    text = f"АСТАНА, {day} {MONTH_NAMES[month - 1]}{f' {year} г.' if year else ''} Текст."
    found = extract_date(text)
    try:
        datetime.date(year or 2000, month, day)
    except ValueError:
        assert found == DocumentDate()
        return
    expected = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    assert found == DocumentDate(expected, "day" if year else "month-day", "dateline")


def test_parse_iso() -> None:
    assert parse_iso("2025-10-10", "record") == DocumentDate("2025-10-10", "day", "record")
    assert parse_iso("2025-10-10T09:30:00+05:00", "header") == DocumentDate(
        "2025-10-10T09:30:00+05:00", "datetime", "header"
    )
    assert parse_iso("2025-10-10t09:30:00z", "record") == DocumentDate(
        "2025-10-10T09:30:00+00:00", "datetime", "record"
    )
    for bad in ("2025-02-30", "20 ноября 2025", "2025-10-10T25:00:00Z", "2025-10-10T09:30:00", "20251010"):
        assert parse_iso(bad, "record") is None


def test_header() -> None:
    header = parse_header(" date 2025-10-10 По его мнению")
    assert header is not None and header.body_start == len(" date 2025-10-10 ")
    assert header.date == DocumentDate("2025-10-10", "day", "header")
    moment = parse_header("date 2025-10-10T09:30:00Z\nТекст")
    assert moment is not None and moment.date is not None and moment.date.precision == "datetime"
    assert moment.body_start == len("date 2025-10-10T09:30:00Z\n")
    bad = parse_header(" date 2025-02-30 Текст")
    assert bad is not None and bad.date is None and bad.body_start == len(" date 2025-02-30 ")
    assert parse_header("date night in Astana") is None
    assert parse_header("Текст date 2025-10-10 ещё") is None


KAZAKH_MONTHS = {
    "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан",
    "kk-latn-2018": "qańtar aqpan naýryz sáýir mamyr maýsym shilde tamyz qyrkúıek qazan qarasha jeltoqsan",
    "kk-latn-2021": "qañtar aqpan nauryz säuir mamyr mausym şilde tamyz qyrküiek qazan qaraşa jeltoqsan",
}


def test_kazakh_dateline_dates_the_article_without_inventing_a_year() -> None:
    text = "Астана, 11 қазан. Мемлекет басшысы Ақордада кездесу өткізді.\n" + FILLER
    assert extract_date(text) == DocumentDate("--10-11", "month-day", "dateline")
    assert extract_date("Astana, 11 qazan. Memleket basshysy kezdesý ótkizdi.").value == "--10-11"
    assert extract_date("Өскемен, 3 қаңтар 2025 ж. Мәтін.") == DocumentDate("2025-01-03", "day", "dateline")
    assert extract_date("ÖSKEMEN, 3 qañtar 2025 j. Mätin.").value == "2025-01-03"
    # A month inflected inside a sentence ("тамызда", in August) is not a dateline.
    assert extract_date("Ол 9 тамызда өтеді. " + FILLER) == DocumentDate()
    assert extract_date("Астана, 30 ақпан. Мәтін.") == DocumentDate()


def test_kazakh_trailer() -> None:
    assert extract_date(FILLER + "\nАстана, 11 қазан 2025 ж.") == DocumentDate("2025-10-11", "day", "trailer")


@given(
    alphabet=st.sampled_from(sorted(KAZAKH_MONTHS)),
    day=st.integers(min_value=1, max_value=28),
    month=st.integers(min_value=1, max_value=12),
    year=st.one_of(st.none(), st.integers(min_value=1990, max_value=2035)),
)
def test_kazakh_dateline_values_round_trip(alphabet: str, day: int, month: int, year: int | None) -> None:
    name = KAZAKH_MONTHS[alphabet].split()[month - 1]
    suffix = ("" if year is None else f" {year} ж." if alphabet == "kk" else f" {year} j.")
    found = extract_date(f"Qaraǵandy, {day} {name.upper() if day % 2 else name}{suffix} Mátin.")
    expected = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    assert found == DocumentDate(expected, "day" if year else "month-day", "dateline")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ASTANA, Oct 11 (Reuters) - The president met regional governors.", "--10-11"),
        ("ASTANA, Oct. 11 (Reuters) - The president met regional governors.", "--10-11"),
        ("ALMATY, 11 October 2025 (nCa) — The president met regional governors.", "2025-10-11"),
        ("ASHGABAT, Sept. 3, 2024 - Text.", "2024-09-03"),
        ("Bishkek, May 5. Text.", "--05-05"),
    ],
)
def test_english_datelines(text: str, value: str) -> None:
    assert extract_date(text + "\n" + FILLER) == DocumentDate(value, "day" if value[0] != "-" else "month-day", "dateline")


def test_english_words_that_begin_like_months_are_not_dates() -> None:
    assert extract_date("ASTANA, Octopus 11 - Text.") == DocumentDate()
    assert extract_date("Mayor, 11 people came.") == DocumentDate()
    assert extract_date(FILLER + "\nAstana, October 11, 2025") == DocumentDate("2025-10-11", "day", "trailer")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Toshkent, 11-oktyabr. Prezident mintaqa hokimlari bilan uchrashdi.", "--10-11"),
        ("Toshkent, 11 oktyabr 2025 yil. Prezident uchrashdi.", "2025-10-11"),
        ("Тошкент, 5-май. Президент учрашув ўтказди.", "--05-05"),
        ("Бишкек, 11 октябрь. Президент облустардын башчылары менен жолукту.", "--10-11"),
    ],
)
def test_uzbek_and_kyrgyz_datelines(text: str, value: str) -> None:
    precision = "month-day" if value.startswith("--") else "day"
    assert extract_date(text + "\n" + FILLER) == DocumentDate(value, precision, "dateline")

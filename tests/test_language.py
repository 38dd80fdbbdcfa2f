"""Each document's language (provenance/text/language.py), and the function words and stock
phrases each document is read with."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detect.stock import content_mask, function_words, load_stock_phrases, stock_mask
from provenance.pipeline import scan
from provenance.report.html import report_language
from provenance.text import normalize
from provenance.text.language import MIN_CONFIDENCE, SAMPLE_CHARS, Language, detect_language

RUSSIAN = (
    "Министр энергетики провел совещание с руководителями региональных электростанций. "
    "Участники обсудили подготовку котельных к зиме и сроки ремонта тепловых сетей."
)
KAZAKH = (
    "Энергетика министрі өңірлік электр станцияларының басшыларымен кеңес өткізді. "
    "Қатысушылар қазандықтарды қысқа дайындауды және жылу желілерін жөндеу мерзімдерін талқылады."
)
ENGLISH = (
    "The energy minister met the heads of regional power stations on Tuesday. "
    "They discussed getting boiler houses ready for winter and the deadlines for repairing heating networks."
)


@pytest.mark.parametrize(("text", "code"), [(RUSSIAN, "ru"), (KAZAKH, "kk"), (ENGLISH, "en")])
def test_a_paragraph_is_told_with_its_confidence(text: str, code: str) -> None:
    found = detect_language(text)
    assert found is not None and found.code == code
    assert MIN_CONFIDENCE <= found.confidence <= 1
    assert found.confidence == round(found.confidence, 2)
    assert found.to_json() == {"code": code, "confidence": found.confidence}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2025-10-11 12:00 +05:00 — 1 234 567",
        "Астана",  # a city name alone: Russian or Kazakh alike
        "Президент провел",  # a few words say too little
        # Latin Uzbek and Turkmen: lingua knows neither; never called English.
        "Oʻzbekiston Respublikasi Prezidenti Shavkat Mirziyoyev Toshkentda xalqaro forumda ishtirok etdi",
        "Türkmenistanyň Prezidenti Serdar Berdimuhamedow Aşgabatda halkara foruma gatnaşdy",
    ],
)
def test_too_little_or_an_unoffered_language_is_not_told(text: str) -> None:
    assert detect_language(text) is None


def test_only_the_start_of_a_text_is_read() -> None:
    start = (KAZAKH + " ") * (SAMPLE_CHARS // len(KAZAKH) + 1)
    assert detect_language(start + ENGLISH * 20) == detect_language(start) == Language("kk", 1.0)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gets_a_told_language_or_none_and_the_same_each_time(text: str) -> None:
    found = detect_language(text)
    assert found == detect_language(text)
    assert found is None or (found.code in ("ru", "kk", "en") and MIN_CONFIDENCE <= found.confidence <= 1)


# --- function words and stock phrases by language ---------------------------------------------


def _norms(text: str) -> list[str]:
    return normalize(text).split()


def test_each_language_has_its_own_function_words() -> None:
    kk, ru, en = function_words("kk"), function_words("ru"), function_words("en")
    assert {"және", "үшін", "бойынша", "туралы", "сондай-ақ"} <= kk
    assert {"и", "в", "что", "который"} <= ru and {"the", "of", "which"} <= en
    # Kazakh function words that are Russian content words: «второго тура», «в бар».
    assert {"тура", "бар"} <= kk and not {"тура", "бар"} & ru
    # A document whose language is not told is read with every list.
    assert function_words(None) == kk | ru | en
    assert function_words("uz") == function_words(None)


def test_a_kazakh_sentence_has_few_content_words_under_the_kazakh_list() -> None:
    norms = _norms("Сондай-ақ бұл туралы бүгін жиында көптеген басқа да мәселелер бойынша айтылды")
    assert sum(content_mask(norms, function_words("kk"))) < sum(content_mask(norms, function_words("ru")))


def test_stock_phrases_are_listed_by_language() -> None:
    kk, en, ru = (set(load_stock_phrases(None, lang)) for lang in ("kk", "en", "ru"))
    assert {
        tuple(_norms("бұл туралы")),
        tuple(_norms("атап өтілгендей")),
        tuple(_norms("Қасым-Жомарт Тоқаев")),
    } <= kk
    assert {tuple(_norms("it was reported")), tuple(_norms("took part in"))} <= en
    assert tuple(_norms("со ссылкой на")) in ru
    assert not (kk & ru or kk & en or en & ru)
    assert set(load_stock_phrases()) == kk | en | ru


def test_an_english_stock_phrase_is_masked_in_english_text() -> None:
    norms = _norms("President of Kazakhstan Kassym-Jomart Tokayev took part in the summit, it was reported")
    mask = stock_mask(norms, load_stock_phrases(None, "en"))
    assert [w for w, m in zip(norms, mask, strict=True) if not m] == ["the", "summit"]


# --- a mixed corpus ---------------------------------------------------------------------------

# Two Kazakh articles sharing a sentence of function words, a few content words and a stock
# phrase: under the Russian and English lists it had eight content words and was reuse.
KAZAKH_SHARED_FORMULA = (
    "Мемлекет басшысы Қасым-Жомарт Тоқаев сондай-ақ бұл туралы бүгін жиында көптеген басқа да "
    "мәселелер бойынша өз пікірін айтты."
)
KAZAKH_SHARED_NEWS = (
    "Павлодар облысында жаңа жылу электр орталығының құрылысы басталды, оған жергілікті "
    "кәсіпорындардың үш жүз жұмысшысы тартылды."
)


def _kazakh_article(opening: str, shared: str, closing: str) -> str:
    return f"{opening}\n\n{shared}\n\n{closing}\n"


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_a_mixed_corpus_is_scanned_together_each_document_in_its_own_language(tmp_path: Path) -> None:
    copied_ru = (
        "Министр энергетики доложил, что ремонт котельных и тепловых сетей в северных областях "
        "завершится до начала ноября, а резервные источники тепла уже проверены."
    )
    copied_en = (
        "The minister said that repairs of boiler houses and heating networks in the northern "
        "regions would be finished before November, and reserve heat sources had been tested."
    )
    _write(
        tmp_path,
        {
            "ru-1.txt": f"{RUSSIAN}\n\n{copied_ru}\n",
            "ru-2.txt": f"Новости региона.\n\n{copied_ru}\n\nПодробности позже.\n",
            "kk-1.txt": _kazakh_article(KAZAKH, KAZAKH_SHARED_NEWS, "Жұмыс жалғасуда."),
            "kk-2.txt": _kazakh_article(
                "Өңір жаңалықтары бойынша қысқаша ақпарат.", KAZAKH_SHARED_NEWS, "Толығырақ кейін."
            ),
            "en-1.txt": f"{ENGLISH}\n\n{copied_en}\n",
            "en-2.txt": f"Regional news in brief.\n\n{copied_en}\n\nMore details later.\n",
        },
    )
    report = scan(tmp_path, jobs=1).to_dict()
    languages = {d["id"]: (d["language"] or {}).get("code") for d in report["documents"]}
    assert languages == {
        "ru-1": "ru",
        "ru-2": "ru",
        "kk-1": "kk",
        "kk-2": "kk",
        "en-1": "en",
        "en-2": "en",
    }
    pairs = sorted(tuple(sorted((k["source"]["document"], k["target"]["document"]))) for k in report["links"])
    assert pairs == [("en-1", "en-2"), ("kk-1", "kk-2"), ("ru-1", "ru-2")]


def test_kazakh_function_words_and_stock_phrases_do_not_make_kazakh_reuse(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "a.txt": _kazakh_article(
                KAZAKH, KAZAKH_SHARED_FORMULA, "Жұмыс жалғасуда, келесі кезең көктемде басталады."
            ),
            "b.txt": _kazakh_article(
                "Облыс әкімдігінде мектептерді жылыту мәселесі талқыланды.",
                KAZAKH_SHARED_FORMULA,
                "Өңірдегі ауа райы суып келеді.",
            ),
        },
    )
    report = scan(tmp_path, jobs=1).to_dict()
    assert {d["language"]["code"] for d in report["documents"]} == {"kk"}
    assert report["links"] == []


# --- the interface language chosen for the documents -----------------------------------------


def _documents(*texts: str) -> Any:
    """What the page's language is chosen from: each document's text, body and language."""
    documents = [SimpleNamespace(text=t, body=(0, len(t)), language=detect_language(t)) for t in texts]
    return SimpleNamespace(documents=documents)


@pytest.mark.parametrize(
    ("texts", "lang"),
    [
        ((KAZAKH, KAZAKH, RUSSIAN), "kk"),
        ((KAZAKH, RUSSIAN, RUSSIAN), "ru"),  # half Kazakh is not most; the letters are Cyrillic
        ((KAZAKH, ENGLISH, ENGLISH), "en"),
        ((ENGLISH,), "en"),
        ((), "en"),
    ],
)
def test_the_page_is_kazakh_when_most_documents_are(texts: tuple[str, ...], lang: str) -> None:
    assert report_language(_documents(*texts)) == lang

"""Verify and align: exact reused stretches, edits bridged, stock phrases ignored."""

from __future__ import annotations

from provenance.detect.align import align, char_span
from provenance.detect.stock import load_stock_phrases, stock_mask
from provenance.settings import DetectionSettings
from provenance.text import normalize, tokenize

S = DetectionSettings()

SENTENCE = (
    "по его мнению неотъемлемым фактором укрепления региональной безопасности остается ситуация в афганистане"
)


def words(text: str) -> list[str]:
    return normalize(text).split()


def test_one_copied_sentence_inside_a_rewritten_paragraph() -> None:
    a = words("Совсем другой текст о погоде и урожае. " + SENTENCE + ". И еще о футболе.")
    b = words("В Ташкенте прошла встреча министров. " + SENTENCE + ". Потом был обед и концерт.")
    [m] = align(a, b, S)
    assert a[m.a[0] : m.a[1]] == SENTENCE.split()
    assert b[m.b[0] : m.b[1]] == SENTENCE.split()
    assert m.kind == "verbatim" and m.similarity == 1.0 and m.matched_words == 12


def test_reuse_at_offset_zero_and_whole_document_copy() -> None:
    a = words(SENTENCE + " " + SENTENCE.replace("афганистане", "регионе"))
    [m] = align(a, list(a), S)
    assert m.a == (0, len(a)) and m.b == (0, len(a))


def test_edits_are_bridged_into_one_near_verbatim_passage() -> None:
    base = (
        "первый саммит состоявшийся три года назад в астане стал отправной точкой продуктивного "
        "взаимодействия в многостороннем формате"
    )
    edited = base.replace("три года назад", "три года тому назад").replace("продуктивного", "плодотворного")
    [m] = align(base.split(), edited.split(), S)
    assert m.a == (0, len(base.split())) and m.b == (0, len(edited.split()))
    assert m.kind == "near-verbatim"
    assert 0.8 <= m.similarity < 1.0


def test_edges_stop_at_the_last_anchor_rather_than_overshoot() -> None:
    base = "первый саммит состоявшийся три года назад в астане стал отправной точкой продуктивного взаимодействия"
    edited = base.replace("продуктивного", "плодотворного") + " а дальше совсем другой текст"
    [m] = align(base.split(), edited.split(), S)
    assert m.a == (0, 11) and m.b == (0, 11)  # "точкой" is the last word both share in a run of three


def test_too_short_or_stock_only_matches_are_not_reuse() -> None:
    seven = "один два три четыре пять шесть семь"
    assert align(words("А " + seven + " Б"), words("В " + seven + " Г"), S) == []
    stock = "Президент Казахстана Касым-Жомарт Токаев принял участие в заседании"
    a = words(stock + " совета по экономике")
    b = words(stock + " форума по туризму")
    assert len(a[:9]) == 9  # long enough on its face ...
    mask = stock_mask(a, load_stock_phrases())
    assert align(a, b, S, mask) == []  # ... but only stock phrases and one word are shared
    assert align(a, b, S) != []


def test_repeated_passage_is_matched_at_each_place() -> None:
    a = words(SENTENCE)
    b = words(SENTENCE + ". Другое. " + SENTENCE)
    found = align(a, b, S)
    assert sorted(m.b for m in found) == [(0, 12), (13, 25)]


def test_char_span_is_the_exact_original_passage() -> None:
    text = "Вступление. По его мнению, неотъемлемым фактором укрепления региональной безопасности остается ситуация в Афганистане. Конец."
    tokens = tokenize(text)
    norms = [t.norm for t in tokens]
    [m] = align(norms, words(SENTENCE), S)
    start, end = char_span(text, tokens, m.a, len(text))
    assert text[start:end] == (
        "По его мнению, неотъемлемым фактором укрепления региональной безопасности остается ситуация в Афганистане."
    )

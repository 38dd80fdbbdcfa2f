"""Boilerplate lines: registry patterns per outlet and generic, and frequency within one outlet."""

from __future__ import annotations

from provenance.editorial.boilerplate import (
    FrequencyRule,
    LineCounts,
    boilerplate_of,
    count_lines,
    document_lines,
    find_boilerplate,
    judged_by_frequency,
    lines,
)
from provenance.ingest import OutletRegistry, load_registry, registry_from_data

REGISTRY = load_registry()


def _lines(
    texts: list[str], outlets: list[str | None], registry: OutletRegistry = REGISTRY
) -> list[list[tuple[str, str]]]:
    found = find_boilerplate(texts, [(0, len(t)) for t in texts], outlets, registry, FrequencyRule())
    return [[(b.rule, t[b.start : b.end]) for b in marks] for t, marks in zip(texts, found, strict=True)]


def test_lines_are_trimmed_and_blank_lines_dropped() -> None:
    text = "  Первая строка \r\n\n\tВторая\u2028Третья  "
    assert [text[a:b] for a, b in lines(text)] == ["Первая строка", "Вторая", "Третья"]


def test_generic_and_outlet_patterns_match_whole_lines_only() -> None:
    texts = [
        "Заголовок\n\nФото: Акорда\n\nРассказать друзьям\n\nТекст статьи.",
        "Рассказать друзьям\n\nСвязано с темой",
        "Он решил рассказать друзьям о поездке.\n\nФото: Акорда и текст, который тянется"
        " гораздо дальше, чем подпись к фотографии на сайте любого издания, и потому не подпись.",
    ]
    found = _lines(texts, ["Kazakhstan Today", None, "Kazakhstan Today"])
    assert found[0] == [("registry", "Фото: Акорда"), ("registry", "Рассказать друзьям")]
    # "Рассказать друзьям" is Kazakhstan Today's share button, not every outlet's text.
    assert found[1] == [("registry", "Связано с темой")]
    assert found[2] == []


def test_frequent_short_line_of_one_outlet_is_boilerplate() -> None:
    footer = "Редакция благодарит читателей за внимание"
    texts = [f"Статья номер {n} о событиях дня.\n{footer}" for n in range(5)]
    found = _lines(texts, ["Ежедневник"] * 5)
    assert all(f == [("frequency", footer)] for f in found)


def test_frequency_is_counted_per_outlet_not_across_outlets() -> None:
    # The same short sentence in many outlets is a copy to find, not boilerplate.
    copied = "Президент подписал указ о снижении налогов."
    texts = [f"Новость {n}.\n{copied}" for n in range(6)]
    found = _lines(texts, [f"Издание {n}" for n in range(6)])
    assert found == [[] for _ in texts]


def test_frequency_needs_enough_documents_and_a_share_of_them() -> None:
    line = "Редакция благодарит читателей"
    few = _lines([f"Текст {n}.\n{line}" for n in range(2)], ["А"] * 2)
    assert few == [[], []]
    # 3 of 20 documents is below a fifth of the outlet's documents.
    texts = [f"Текст {n}.\n{line}" if n < 3 else f"Текст {n}." for n in range(20)]
    assert all(f == [] for f in _lines(texts, ["А"] * 20))


def test_long_lines_are_never_boilerplate_by_frequency() -> None:
    long_line = " ".join(["слово"] * 16)
    texts = [f"Текст {n}.\n{long_line}" for n in range(5)]
    assert all(f == [] for f in _lines(texts, ["А"] * 5))


def test_documents_without_outlet_get_only_generic_patterns() -> None:
    registry = registry_from_data({"boilerplate": ["Реклама"], "outlets": []})
    texts = ["Реклама\nТекст", "Реклама\nДругой текст", "Реклама\nЕщё текст"]
    assert _lines(texts, [None, None, None], registry) == [[("registry", "Реклама")]] * 3


def test_only_the_body_is_searched() -> None:
    text = "Связано с темой\n\nТекст статьи.\n\nСвязано с темой"
    found = find_boilerplate([text], [(5, len(text))], [None], REGISTRY)[0]
    assert [(b.start, b.end) for b in found] == [(len(text) - 15, len(text))]


def test_a_document_adds_its_distinct_short_lines_to_its_outlets_counts() -> None:
    footer = "Редакция благодарит читателей за внимание"
    texts = [f"Статья номер {n} о событиях дня.\n{footer}\n{footer}" for n in range(4)]
    outlets = ["Ежедневник", "Ежедневник", "Ежедневник", None]
    counts = LineCounts()
    for t, o in zip(texts, outlets, strict=True):
        counts.add(o, document_lines(t, (0, len(t)), o))
    assert counts == count_lines((t, (0, len(t)), o) for t, o in zip(texts, outlets, strict=True))
    assert document_lines(texts[3], (0, len(texts[3])), None) == frozenset()
    assert counts.lines["Ежедневник"]["редакция благодарит читателей за внимание"] == 3


def test_a_document_is_judged_by_frequency_only_when_it_has_a_frequent_line() -> None:
    footer = "Редакция благодарит читателей за внимание"
    texts = [f"Статья номер {n} о событиях дня.\n{footer}" for n in range(3)] + ["Статья без подписи."]
    keys = [document_lines(t, (0, len(t)), "Ежедневник") for t in texts]
    frequent = count_lines((t, (0, len(t)), "Ежедневник") for t in texts).frequent()
    assert [judged_by_frequency(k, "Ежедневник", frequent) for k in keys] == [True, True, True, False]
    assert not judged_by_frequency(keys[0], "Другое издание", frequent)
    assert not judged_by_frequency(keys[0], None, frequent)
    # The document without the line has the boilerplate it has with no statistics at all.
    found = find_boilerplate(texts, [(0, len(t)) for t in texts], ["Ежедневник"] * 4, REGISTRY)
    assert found[3] == boilerplate_of(texts[3], (0, len(texts[3])), "Ежедневник", REGISTRY, {}) == []
    assert found[0] and not boilerplate_of(texts[0], (0, len(texts[0])), "Ежедневник", REGISTRY, {})

"""The text view of a check result: one finding a line, as linters print."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from provenance.report.check_views import finding_line, render_text, shortened


def _source(**changes: Any) -> dict[str, Any]:
    source = {
        "document": "kazinform-1",
        "path": "kazinform-1.html",
        "title": None,
        "url": None,
        "outlet": "Kazinform",
        "date": "2025-10-09",
        "order": "earlier",
        "start": 120,
        "end": 180,
        "kind": "verbatim",
        "matched_words": 1,
        "credited": False,
    }
    return {**source, **changes}


def _finding(snippet: str, **changes: Any) -> dict[str, Any]:
    finding = {
        "start": 40,
        "end": 40 + len(snippet),
        "line": 3,
        "column": 7,
        "snippet": snippet,
        "severity": "uncredited",
        "class": "copied-text",
        "credited": False,
        "status": "determined",
        "earliest": ["kazinform-1"],
        "sources": [_source()],
    }
    return {**finding, **changes}


def test_a_short_passage_is_shown_whole_on_one_line() -> None:
    assert shortened("Токаев\r\nпринял  участие") == "Токаев принял участие"


def test_a_long_passage_keeps_its_first_and_last_words() -> None:
    text = " ".join(f"слово{i}" for i in range(40))
    short = shortened(text)
    assert len(short) <= 80 and short.startswith("слово0 слово1 ") and short.endswith(" слово39")
    assert " … " in short and "слово20" not in short


@given(st.text(max_size=300))
def test_shortened_is_one_line_no_longer_than_asked(text: str) -> None:
    short = shortened(text)
    assert not any(c in short for c in "\n\r\x85\u2028\u2029")
    assert len(short) <= 80 + len(" … ")


def test_a_finding_line_gives_line_column_offsets_passage_and_the_source() -> None:
    source = _source(title="Саммит в Душанбе", url="https://www.inform.kz/ru/1")
    line = finding_line("draft.txt", _finding("Президент добавил, что саммит прошёл", sources=[source]))
    assert line.startswith("draft.txt:3:7: 40-76 uncredited copied text (verbatim, 1 word): ")
    assert "“Президент добавил, что саммит прошёл”" in line
    assert "earliest kazinform-1 “Саммит в Душанбе” (Kazinform, 2025-10-09) https://www.inform.kz/ru/1 at 120-180" in line
    russian = finding_line("draft.txt", _finding("Президент добавил", sources=[source]), "ru")
    assert "«Президент добавил»" in russian and "«Саммит в Душанбе»" in russian


def test_one_finding_is_singular_and_dates_stay_whole() -> None:
    result = {
        "drafts": [{"name": "draft.txt", "findings": [_finding("Президент добавил")]}],
        "summary": {"drafts": 1, "findings": 1, "uncredited": 1, "failing": 1},
        "fail_on": "uncredited",
    }
    lines = render_text(result).splitlines()
    assert lines[-1] == "1 finding (1 uncredited) in 1 draft; 1 at or above --fail-on uncredited"
    assert "2025-10-09" in lines[0] and len(lines) == 2

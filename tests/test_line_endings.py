"""Windows (CRLF), old Mac (CR), NEL, U+2028 and U+2029 line breaks read as "\\n" does.

The text keeps its own line endings: offsets index the original, so a converted seed gives
the same report as the original, with its offsets moved only where CRLF adds a character.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

import pytest
from seed_ids import SEEDS

from provenance.editorial.credits import find_credits
from provenance.editorial.quotations import find_quotations
from provenance.ingest import detect_outlet, extract_date, find_dateline, find_trailer, load_registry
from provenance.ingest.dates import TRAILER_ZONE
from provenance.ingest.model import DocumentDate
from provenance.pipeline import scan
from provenance.report.html import render_html
from provenance.text import paragraphs
from provenance.text.lines import LINE_BREAK, has_line_break, line_start

REGISTRY = load_registry()
FILLER = "Президент выступил на встрече глав государств и обсудил вопросы сотрудничества. " * 6
# Endings that keep every offset: one character for "\n".
SAME_LENGTH = {"cr": "\r", "nel": "\x85", "ls": "\u2028", "ps": "\u2029"}
ENDINGS = [*SAME_LENGTH.values(), "\r\n"]


def _converted(tmp_path: Path, ending: str) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        (folder / path.name).write_text(text.replace("\n", ending), encoding="utf-8", newline="")
    return folder


@pytest.fixture(scope="module")
def lf_report() -> dict[str, Any]:
    return scan(SEEDS, jobs=1, texts="all").to_dict()  # every text: spans of 003 and 004 too


@pytest.fixture(scope="module", params=list(SAME_LENGTH))
def same_length_report(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, Any]]:
    ending = SAME_LENGTH[request.param]
    folder = _converted(tmp_path_factory.mktemp(request.param), ending)
    return ending, scan(folder, jobs=1, texts="all").to_dict()


@pytest.fixture(scope="module")
def crlf_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return scan(_converted(tmp_path_factory.mktemp("crlf"), "\r\n"), jobs=1, texts="all").to_dict()


def _as_lf(value: Any, ending: str) -> Any:
    """Every string of a report with `ending` written back as "\\n"."""
    if isinstance(value, str):
        return value.replace(ending, "\n")
    if isinstance(value, list):
        return [_as_lf(v, ending) for v in value]
    if isinstance(value, dict):
        return {k: _as_lf(v, ending) for k, v in value.items()}
    return value


def _without_hashes(report: dict[str, Any]) -> dict[str, Any]:
    # The file bytes differ, so do their hashes; nothing else may.
    return {**report, "documents": [{**d, "sha256": None} for d in report["documents"]]}


def test_seeds_have_line_breaks_to_convert() -> None:
    texts = [p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")]
    assert len(texts) == 5 and all("\n" in t for t in texts)
    # Single line breaks too, not only blank lines between paragraphs.
    assert any("\n" in t.replace("\n\n", "") for t in texts)


def test_same_length_endings_give_the_same_report(
    lf_report: dict[str, Any], same_length_report: tuple[str, dict[str, Any]]
) -> None:
    ending, report = same_length_report
    got, want = _without_hashes(_as_lf(report, ending)), _without_hashes(lf_report)
    for key in ("documents", "links", "clusters", "boilerplate", "summary"):
        assert got[key] == want[key], key
    assert got == want


def _link_spans(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            *(k[side][f] for side in ("source", "target") for f in ("document", "start", "end")),
            k["class"],
            k["credited"],
        )
        for k in report["links"]
    ]


def test_same_length_endings_keep_dates_outlets_and_editorial_spans(
    lf_report: dict[str, Any], same_length_report: tuple[str, dict[str, Any]]
) -> None:
    # Spelled out what the whole-report comparison above includes, for a readable failure.
    _, report = same_length_report
    fields = ("date", "date_precision", "date_source", "outlet", "body", "quotations", "credits", "excluded")
    for got, want in zip(report["documents"], lf_report["documents"], strict=True):
        assert {f: got[f] for f in fields} == {f: want[f] for f in fields}, want["id"]
    assert _link_spans(report) == _link_spans(lf_report)
    assert [c["passages"] for c in report["clusters"]] == [c["passages"] for c in lf_report["clusters"]]


class _Offsets:
    """CRLF offsets → offsets of the same place in the LF text (every CR came from the conversion)."""

    def __init__(self, documents: list[dict[str, Any]]) -> None:
        self.crs = {d["id"]: [i for i, c in enumerate(d["text"]) if c == "\r"] for d in documents}

    def __call__(self, document: str, offset: int) -> int:
        return offset - bisect.bisect_left(self.crs[document], offset)


def _to_lf(value: Any, offsets: _Offsets, document: str | None = None) -> Any:
    """The CRLF report as the LF one would read: offsets moved back, "\\r\\n" as "\\n"."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, list):
        return [_to_lf(v, offsets, document) for v in value]
    if isinstance(value, dict):
        document = value.get("document", value.get("id") if "text" in value else None) or document
        out = {k: _to_lf(v, offsets, document) for k, v in value.items()}
        if document and isinstance(value.get("start"), int) and isinstance(value.get("end"), int):
            out["start"], out["end"] = offsets(document, value["start"]), offsets(document, value["end"])
        if document and isinstance(value.get("text_length"), int):  # the end of the text is an offset too
            out["text_length"] = offsets(document, value["text_length"])
        return out
    return value


def test_crlf_gives_the_same_metadata_links_and_clusters(
    lf_report: dict[str, Any], crlf_report: dict[str, Any]
) -> None:
    fields = ("date", "date_precision", "date_source", "outlet", "outlet_source")
    assert [{f: d[f] for f in fields} for d in crlf_report["documents"]] == [
        {f: d[f] for f in fields} for d in lf_report["documents"]
    ]
    assert [(k["id"], k["class"], k["kind"], k["credited"]) for k in crlf_report["links"]] == [
        (k["id"], k["class"], k["kind"], k["credited"]) for k in lf_report["links"]
    ]
    assert [c["id"] for c in crlf_report["clusters"]] == [c["id"] for c in lf_report["clusters"]]
    assert crlf_report["summary"] == lf_report["summary"]


def _span_texts(report: dict[str, Any]) -> list[str]:
    """The text of every span the report gives, in report order."""
    texts = {d["id"]: d["text"] for d in report["documents"]}
    out = []
    for d in report["documents"]:
        text = texts[d["id"]]
        out += [text[s["start"] : s["end"]] for key in ("quotations", "credits", "excluded") for s in d[key]]
    for k in report["links"]:
        for side in (k["source"], k["target"]):
            assert texts[side["document"]][side["start"] : side["end"]] == side["snippet"]
            out.append(side["snippet"])
    for c in report["clusters"]:
        for p in c["passages"]:
            assert texts[p["document"]][p["start"] : p["end"]] == p["snippet"]
            out.append(p["snippet"])
    return out


def test_crlf_spans_hold_the_same_text(lf_report: dict[str, Any], crlf_report: dict[str, Any]) -> None:
    spans = _span_texts(crlf_report)
    assert [t.replace("\r\n", "\n") for t in spans] == _span_texts(lf_report)
    assert any("\r\n" in t for t in spans)  # a quotation runs over a line break
    bodies = [d["text"][d["body"]["start"] : d["body"]["end"]] for d in crlf_report["documents"]]
    assert [b.replace("\r\n", "\n") for b in bodies] == [
        d["text"][d["body"]["start"] : d["body"]["end"]] for d in lf_report["documents"]
    ]


def test_crlf_report_is_the_lf_report_with_offsets_moved(
    lf_report: dict[str, Any], crlf_report: dict[str, Any]
) -> None:
    got = _without_hashes(_to_lf(crlf_report, _Offsets(crlf_report["documents"])))
    assert got == _without_hashes(lf_report)


# --- line-level finders ----------------------------------------------------------------------


@pytest.mark.parametrize("ending", ENDINGS)
def test_dateline_on_a_later_line(ending: str) -> None:
    text = ending.join(
        ["Заголовок статьи", "Ташкент. 16 ноября. KAZAKHSTAN TODAY - Президент принял участие.", FILLER]
    )
    assert find_dateline(text) == DocumentDate("--11-16", "month-day", "dateline")
    assert extract_date(text).source == "dateline"


@pytest.mark.parametrize("ending", ENDINGS)
def test_dateline_must_open_its_line(ending: str) -> None:
    text = ending.join(["Заголовок: Ташкент. 16 ноября. Президент принял участие.", FILLER])
    assert find_dateline(text) is None


@pytest.mark.parametrize("ending", ENDINGS)
def test_trailer_on_its_own_line(ending: str) -> None:
    text = FILLER + ending + "///nCa, 10 октября 2025 г." + ending + ending
    assert find_trailer(text) == DocumentDate("2025-10-10", "day", "trailer")
    assert find_trailer(FILLER + ending + "Астана, 10.10.2025, 14:30" + ending) == DocumentDate(
        "2025-10-10", "day", "trailer"
    )


@pytest.mark.parametrize("ending", ENDINGS)
def test_trailer_must_close_its_line(ending: str) -> None:
    text = FILLER + ending + "Астана, 10 октября 2025 прошла встреча" + ending + "Конец."
    assert find_trailer(text) is None


@pytest.mark.parametrize("ending", ENDINGS)
def test_trailer_line_cut_by_the_zone(ending: str) -> None:
    # The zone starts inside the trailer's byline: its line start is still found.
    tail = ending + "Короткая строка." * 11 + "Ещё"
    trailer = "Астана, 10 октября 2025"
    text = FILLER + ending + trailer + tail
    cut = len(text) - TRAILER_ZONE
    assert text.index(trailer) < cut < text.index("10 октября")
    assert find_trailer(text) == DocumentDate("2025-10-10", "day", "trailer")


@pytest.mark.parametrize("ending", ENDINGS)
def test_date_inside_a_line_is_no_trailer(ending: str) -> None:
    text = FILLER + ending + "Встреча пройдет в Астане 9 августа 2025" + ending
    assert find_trailer(text) is None


@pytest.mark.parametrize("ending", ENDINGS)
def test_quoted_name_across_a_line_break_is_no_credit(ending: str) -> None:
    assert find_credits(f"Так пишут со ссылкой на «Казинформ{ending}агентство».", REGISTRY) == []
    # The same words on one line are a name.
    [credit] = find_credits("Так пишут со ссылкой на «Казинформ агентство».", REGISTRY)
    assert credit.name == "Казинформ агентство"


@pytest.mark.parametrize("ending", ENDINGS)
def test_credit_name_stays_on_the_cue_line(ending: str) -> None:
    assert find_credits(f"Об этом передает{ending}NUR.KZ", REGISTRY) == []
    text = f"Саммит прошел в Душанбе, передает NUR.KZ.{ending}Новая строка."
    [credit] = find_credits(text, REGISTRY)
    assert text[credit.start : credit.end] == "передает NUR.KZ"


@pytest.mark.parametrize("ending", ENDINGS)
def test_line_signature_after_any_break(ending: str) -> None:
    text = f"Заголовок статьи{ending}АСТАНА. KAZINFORM – Президент принял участие во встрече."
    assert detect_outlet(text, REGISTRY) == ("Kazinform", None)
    assert detect_outlet(text.replace(ending, " "), REGISTRY) == (None, None)


@pytest.mark.parametrize("ending", ENDINGS)
def test_one_line_break_is_no_paragraph_break(ending: str) -> None:
    text = ending.join(["Первая строка.", "Вторая строка.", "", "Новый абзац."])
    assert [text[a:b].replace(ending, "\n") for a, b in paragraphs(text)] == [
        "Первая строка.\nВторая строка.",
        "Новый абзац.",
    ]


@pytest.mark.parametrize("ending", ENDINGS)
def test_quotation_does_not_run_past_its_line(ending: str) -> None:
    text = ending.join(
        ["— Мы готовы к диалогу со всеми странами региона, — сказал он.", "Потом прошла встреча."]
    )
    lf = text.replace(ending, "\n")
    assert (
        [(q.start, q.end) for q in find_quotations(text)]
        == [(q.start, q.end) for q in find_quotations(lf)]
        != []
    )


def test_crlf_is_one_break() -> None:
    assert [m.group() for m in re.finditer(LINE_BREAK, "a\r\nb\rc\nd\x85e\u2028f\u2029g\r\n\r\nh")] == [
        "\r\n", "\r", "\n", "\x85", "\u2028", "\u2029", "\r\n", "\r\n"
    ]  # fmt: skip


@pytest.mark.parametrize("ending", ENDINGS)
def test_line_helpers(ending: str) -> None:
    text = f"один{ending}два{ending}три"
    third = text.index("три")
    assert line_start(text, third + 2) == third
    assert line_start(text, third + 2, floor=third + 1) == third + 1
    assert line_start(text, 2) == 0
    assert has_line_break(text) and not has_line_break(text, third)
    assert not has_line_break(text, 0, len("один"))


@pytest.mark.parametrize("ending", ["\x85", "\u2028", "\u2029"])
def test_html_view_shows_breaks_browsers_do_not_know(ending: str, tmp_path: Path) -> None:
    # Browsers read CR and CRLF as LF already; NEL, U+2028 and U+2029 they do not break at.
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        f"Первая строка статьи.{ending}{ending}Вторая строка статьи.", encoding="utf-8"
    )
    report = scan(folder, jobs=1, texts="all")  # a document in no link: its text only with "all"
    assert ending in report.documents[0].text  # the JSON keeps the text as written
    page = render_html(report)
    assert "Первая строка статьи.\n\nВторая строка статьи." in page
    assert ending not in page

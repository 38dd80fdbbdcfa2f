"""Real-world input, one file per case, in a folder the test writes: every file is read into
a document or listed as skipped with its reason, every problem is one warning naming the
file, and the rest of the run goes on."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from cli_process import run_cli

from provenance.ingest import DocumentDate, IngestResult, ReadOptions, ingest_folder, load_registry
from provenance.pipeline import scan
from provenance.report.html import render_html
from provenance.report.validate import validate_report

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
REGISTRY = load_registry()
TODAY = date(2026, 11, 21)
LIMIT = 64 * 1024

RU = (
    "АСТАНА, 16 ноября 2025 г. Президент Казахстана принял участие во втором саммите "
    "«Центральная Азия – Россия» и обсудил с коллегами торговлю, транспорт и энергетику.\n\n"
    "Стороны договорились расширить сотрудничество в области образования и культуры, "
    "а также создать совместный инвестиционный фонд для проектов в регионе.\n"
)
# KOI8-R has no «», no en dash: archives in it used straight quotes and hyphens.
RU_KOI8 = RU.replace("«", '"').replace("»", '"').replace("–", "-")
EN = (
    "LONDON, 3 March 2025 — The café’s owner said “prices will rise” after the summit; "
    "the naïve plan – critics say – costs €4 million.\n\nA second paragraph follows here.\n"
)
HOSTILE = (
    'Текст статьи с <script>alert("x")</script> и </script> внутри, '
    '<img src=x onerror="alert(1)"> и ссылкой <a href="javascript:alert(2)">сюда</a>.\n'
)
PAGE = """<!DOCTYPE html>
<html lang="ru"><head>
<meta charset="utf-8">
<title>Саммит в Душанбе — NUR.KZ</title>
<meta property="og:site_name" content="NUR.KZ">
<meta property="og:title" content="Токаев выступил на саммите «Центральная Азия – Россия»">
<meta property="article:published_time" content="2025-10-09T18:20:00+05:00">
<link rel="canonical" href="https://www.nur.kz/politics/kazakhstan/2025-summit/">
</head><body>
<nav><a href="/">Главная</a> <a href="/politics/">Политика</a> <a href="/sport/">Спорт</a></nav>
<article>
<h1>Токаев выступил на саммите «Центральная Азия – Россия»</h1>
<p>Президент Казахстана Касым-Жомарт Токаев выступил на втором саммите «Центральная Азия –
Россия» в Душанбе, передает NUR.KZ.</p>
<p>По его мнению, первый саммит в Астане дал сильный импульс взаимодействию стран региона
с Россией, а решения, принятые тогда, последовательно выполняются.</p>
<p>Глава государства предложил создать постоянный секретариат формата и провести следующую
встречу в Казахстане.</p>
</article>
<aside><h3>Читайте также</h3><ul><li><a href="/a">Курс тенге на 10 октября</a></li>
<li><a href="/b">Погода в Алматы на выходные</a></li></ul></aside>
<footer>© 2025 NUR.KZ. Все права защищены.</footer>
</body></html>
"""


def _records(*records: object) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2)


def build(root: Path) -> dict[str, str]:
    """Write one file per case; returns {path: what the case is}."""
    root.mkdir()
    cases: dict[str, str] = {}

    def put(rel: str, data: bytes | str, case: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases[rel] = case

    put("encodings/utf8.txt", RU, "UTF-8")
    put("encodings/utf8-bom.txt", b"\xef\xbb\xbf" + RU.encode(), "UTF-8 with BOM")
    put("encodings/utf16.txt", RU.encode("utf-16"), "UTF-16 with BOM")
    put("encodings/cp1251.txt", RU.encode("cp1251"), "Windows-1251")
    put("encodings/koi8r.txt", RU_KOI8.encode("koi8-r"), "KOI8-R")
    put("encodings/cp1252.txt", EN.encode("cp1252"), "Windows-1252")
    put("endings/crlf.txt", RU.replace("\n", "\r\n"), "CRLF")
    put("endings/cr.txt", RU.replace("\n", "\r"), "CR")
    put("endings/nel.txt", RU.replace("\n", "\x85"), "NEL")
    put("pages/nur.html", PAGE, "HTML page")
    put("pages/truncated.html", PAGE[: PAGE.index("<aside>")], "truncated HTML")
    put("pages/not-html.htm", "Просто текст без разметки, сохранённый как .htm.", "no markup")
    put(
        "exports/cms.json",
        _records(
            {"id": "cms-1", "text": RU, "date": "2025-11-16", "outlet": "nur.kz", "title": "Саммит"},
            {"id": "cms-2", "text": EN, "date": "2025-02-30"},
        ),
        "JSON array, one invalid date",
    )
    put(
        "exports/broken.json",
        '[{"id": "b-1", "text": "Первая запись."},\n {"id": "b-2", "text": ',
        "bad JSON",
    )
    put(
        "exports/feed.jsonl",
        json.dumps({"id": "feed-1", "text": RU}, ensure_ascii=False)
        + "\n{not json}\n"
        + json.dumps({"id": "cms-1", "text": EN})
        + "\n",
        "JSON lines: a bad line, an id another file's record has",
    )
    put("bad/cut.txt", RU.rstrip(".\n").encode()[:-1], "last character cut in two")
    put("bad/empty.txt", b"", "empty")
    put("bad/blank.txt", " \n\t\n", "whitespace only")
    put("bad/image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary")
    put("bad/huge.txt", ("Очень длинная строка. " * 4000), "over the size limit")
    undated = RU.removeprefix("АСТАНА, 16 ноября 2025 г. ")
    put("bad/bad-date.txt", " date 2025-02-30 " + undated, "invalid date")
    put("bad/future.txt", " date 2031-01-01 " + undated, "future date")
    put("bad/hostile.txt", HOSTILE, "script in the text")
    put(
        "bad/hostile.jsonl",
        json.dumps(
            {"id": "hostile-url", "text": "Текст.", "url": "javascript:alert(3)", "title": "<b>x</b>"}
        ),
        "javascript: URL and markup in a title",
    )
    put("bad/photo.jpg", b"\xff\xd8\xff\xe0", "unsupported type")
    put(".DS_Store", b"\x00\x01", "hidden file")
    os.symlink("missing.txt", root / "bad" / "dangling.txt")
    cases["bad/dangling.txt"] = "unreadable: a link to nothing"
    os.symlink("self.txt", root / "bad" / "self.txt")
    cases["bad/self.txt"] = "unreadable: a link to itself"
    os.symlink("..", root / "bad" / "loop")
    cases["bad/loop"] = "symlink loop"
    os.mkfifo(root / "bad" / "pipe.txt")
    cases["bad/pipe.txt"] = "not a regular file"
    return cases


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("input") / "corpus"
    return root, build(root)


@pytest.fixture(scope="module")
def result(folder: tuple[Path, dict[str, str]]) -> IngestResult:
    return ingest_folder(folder[0], REGISTRY, options=ReadOptions(max_file_size=LIMIT, today=TODAY))


def _docs(result: IngestResult) -> dict[str, object]:
    return {d.id: d for d in result.documents}


def _warnings(result: IngestResult, path: str) -> list[tuple[str, str]]:
    return [(w.code, w.message) for w in result.warnings if w.path == path]


def _skips(result: IngestResult, path: str) -> list[str]:
    return [s.reason for s in result.skipped if s.path == path]


def test_nothing_is_lost(folder: tuple[Path, dict[str, str]], result: IngestResult) -> None:
    _, cases = folder
    seen = {d.path for d in result.documents} | {s.path for s in result.skipped}
    assert set(cases) <= seen, sorted(set(cases) - seen)
    assert seen <= set(cases), sorted(seen - set(cases))
    # Each entry found counts once, read or skipped.
    assert result.files_seen == len(cases)


@pytest.mark.parametrize(
    ("doc_id", "encoding"),
    [
        ("encodings/utf8", "utf-8"),
        ("encodings/utf8-bom", "utf-8-sig"),
        ("encodings/utf16", "utf-16"),
        ("encodings/cp1251", "cp1251"),
        ("encodings/koi8r", "koi8-r"),
    ],
)
def test_encodings_are_detected_and_recorded(result: IngestResult, doc_id: str, encoding: str) -> None:
    doc = _docs(result)[doc_id]
    assert (doc.text, doc.encoding) == (RU_KOI8 if encoding == "koi8-r" else RU, encoding)
    assert doc.date == DocumentDate("2025-11-16", "day", "dateline")


def test_windows_1252(result: IngestResult) -> None:
    doc = _docs(result)["encodings/cp1252"]
    assert (doc.text, doc.encoding) == (EN, "cp1252")


@pytest.mark.parametrize("ending", ["crlf", "cr", "nel"])
def test_line_endings_are_kept_and_understood(result: IngestResult, ending: str) -> None:
    doc = _docs(result)[f"endings/{ending}"]
    newline = {"crlf": "\r\n", "cr": "\r", "nel": "\x85"}[ending]
    assert doc.text == RU.replace("\n", newline)
    assert doc.date == DocumentDate("2025-11-16", "day", "dateline")


def test_html_page(result: IngestResult) -> None:
    doc = _docs(result)["pages/nur"]
    assert doc.format == "html" and doc.encoding == "utf-8"
    # The article's own headline and paragraphs, one blank line apart; the page's line breaks
    # inside a paragraph are spaces.
    assert doc.text.split("\n\n") == [
        "Токаев выступил на саммите «Центральная Азия – Россия»",
        "Президент Казахстана Касым-Жомарт Токаев выступил на втором саммите «Центральная Азия – "
        "Россия» в Душанбе, передает NUR.KZ.",
        "По его мнению, первый саммит в Астане дал сильный импульс взаимодействию стран региона "
        "с Россией, а решения, принятые тогда, последовательно выполняются.",
        "Глава государства предложил создать постоянный секретариат формата и провести следующую "
        "встречу в Казахстане.",
    ]
    for furniture in ("Главная", "Читайте также", "Курс тенге", "Все права защищены"):
        assert furniture not in doc.text
    assert doc.date == DocumentDate("2025-10-09T18:20:00+05:00", "datetime", "html-meta")
    assert (doc.outlet, doc.outlet_source) == ("NUR.KZ", "html-meta")
    assert (doc.title, doc.title_source) == (
        "Токаев выступил на саммите «Центральная Азия – Россия»",
        "html-meta",
    )
    assert (doc.url, doc.url_source) == (
        "https://www.nur.kz/politics/kazakhstan/2025-summit/",
        "html-canonical",
    )
    assert _warnings(result, "pages/nur.html") == []


def test_truncated_page_is_read_with_a_warning(result: IngestResult) -> None:
    doc = _docs(result)["pages/truncated"]
    assert "следующую встречу в Казахстане" in doc.text
    assert [code for code, _ in _warnings(result, "pages/truncated.html")] == ["malformed-html"]


def test_text_without_markup_is_not_a_page(result: IngestResult) -> None:
    assert "pages/not-html" not in _docs(result)
    [(code, message)] = _warnings(result, "pages/not-html.htm")
    assert code == "bad-html" and "no markup" in message
    assert _skips(result, "pages/not-html.htm") == [message]


def test_json_array_records(result: IngestResult) -> None:
    docs = _docs(result)
    one, two = docs["cms-1"], docs["cms-2"]
    assert (one.format, one.line, one.outlet, one.outlet_source) == ("json", 2, "NUR.KZ", "record")
    assert one.date == DocumentDate("2025-11-16", "day", "record")
    assert (one.title, one.title_source) == ("Саммит", "record")
    # A bad date loses the record's date, not the article, which is dated by its own dateline.
    assert two.line == 9 and two.date == DocumentDate("2025-03-03", "day", "dateline") and two.text == EN
    assert _warnings(result, "exports/cms.json") == [
        ("bad-date", "date '2025-02-30' is not a valid date; ignored")
    ]


def test_malformed_json_keeps_the_records_before_the_error(result: IngestResult) -> None:
    assert _docs(result)["b-1"].text == "Первая запись."
    [(code, message)] = _warnings(result, "exports/broken.json")
    assert code == "bad-json" and "line 2" in message and "1 records before it were read" in message
    assert _skips(result, "exports/broken.json") == [message]


def test_jsonl_bad_line_and_an_id_taken_elsewhere(result: IngestResult) -> None:
    assert _docs(result)["feed-1"].text == RU
    codes = [(w.code, w.line) for w in result.warnings if w.path == "exports/feed.jsonl"]
    assert codes == [("bad-json", 2), ("renamed-id", 3)]
    assert _docs(result)["cms-1"].path == "exports/cms.json"  # the first one keeps its name
    assert _docs(result)["exports/feed.jsonl#cms-1"].text == EN  # the other is kept, qualified


@pytest.mark.parametrize(
    ("path", "code", "words"),
    [
        ("bad/empty.txt", "empty", "file is empty"),
        ("bad/blank.txt", "empty", "only whitespace"),
        ("bad/image.txt", "binary", "binary"),
        ("bad/huge.txt", "too-large", "over the 64.0 KiB limit"),
        ("bad/dangling.txt", "unreadable", "No such file"),
        ("bad/self.txt", "unreadable", "symbolic links"),
        ("bad/loop", "symlink-loop", "already read"),
        ("bad/pipe.txt", "not-a-file", "not a regular file"),
    ],
)
def test_bad_files_are_warned_and_skipped(result: IngestResult, path: str, code: str, words: str) -> None:
    [(got, message)] = _warnings(result, path)
    assert got == code and words in message, message
    assert _skips(result, path) == [message]


def test_a_cut_off_last_character_keeps_the_article(result: IngestResult) -> None:
    assert _docs(result)["bad/cut"].text == RU.rstrip(".\n")[:-1]
    assert _warnings(result, "bad/cut.txt") == [
        ("truncated", "the file ends in the middle of a UTF-8 character; its last 1 byte left out")
    ]


def test_invalid_and_future_dates_leave_the_article_undated(result: IngestResult) -> None:
    docs = _docs(result)
    assert docs["bad/bad-date"].date == DocumentDate() and docs["bad/future"].date == DocumentDate()
    assert [c for c, _ in _warnings(result, "bad/bad-date.txt")] == ["bad-header-date"]
    [(code, message)] = _warnings(result, "bad/future.txt")
    assert code == "future-date" and "2031-01-01" in message


def test_quiet_skips(result: IngestResult) -> None:
    assert _skips(result, ".DS_Store") == ["hidden file, not read"]
    assert _skips(result, "bad/photo.jpg") == ["unsupported file type (.jpg)"]
    assert _warnings(result, ".DS_Store") == _warnings(result, "bad/photo.jpg") == []


def test_every_warning_names_a_file_in_one_line(result: IngestResult) -> None:
    for w in result.warnings:
        assert "\n" not in str(w) and str(w).startswith(w.path)


def test_scan_report_is_valid_and_runs_nothing(folder: tuple[Path, dict[str, str]]) -> None:
    # Every text, so that the hostile one (in no link) is on the page.
    report = scan(folder[0], options=ReadOptions(max_file_size=LIMIT, today=TODAY), jobs=1, texts="all")
    assert validate_report(report) == []
    hostile = next(d for d in report.documents if d.id == "bad/hostile")
    assert hostile.text == HOSTILE
    page = render_html(report)
    for raw in ('<script>alert("x")', "</script> внутри", "<img src=x onerror", '<a href="javascript:'):
        assert raw not in page
    assert 'href="javascript:' not in page and "<b>x</b>" not in page
    assert "javascript:alert(3)" in page  # the record's URL, shown as text, not a link
    assert "&lt;script&gt;alert(" in page and "onerror=" in page  # shown, as text
    # The report runs nothing of the input: its only scripts are its own data and code.
    assert len(re.findall("<script", page, re.I)) == 2
    paths = [d.path for d in report.documents] + [s.path for s in report.skipped]
    assert all(not p.startswith("/") and ".." not in p.split("/") for p in paths)


def test_cli_strict_turns_warnings_into_exit_2(folder: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    args = ["scan", str(folder[0]), "-o", str(tmp_path / "out"), "--max-file-size", "64K", "-j", "1"]
    relaxed = run_cli(*args, cwd=tmp_path)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "warning: bad/image.txt: binary file" in relaxed.stderr
    strict = run_cli(*args, "--strict", cwd=tmp_path)
    assert strict.returncode == 2
    assert "--strict makes them errors" in strict.stderr.splitlines()[-1]
    report = json.loads((tmp_path / "out" / "lineage.json").read_text(encoding="utf-8"))
    assert report["summary"]["warnings"] == len(report["warnings"]) > 0
    # An index is state: under --strict a warning leaves it unwritten.
    index = run_cli("index", "add", str(folder[0]), "--strict", "--index", "i.sqlite", cwd=tmp_path)
    assert index.returncode == 2 and not (tmp_path / "i.sqlite").exists()
    bad_size = run_cli(*args[:-2], "--max-file-size", "lots", cwd=tmp_path)
    assert bad_size.returncode == 2 and "not a size: 'lots'" in bad_size.stderr


def test_cli_encoding_override(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(RU.encode("cp1251"))
    out = tmp_path / "out"
    forced = run_cli(
        "scan", "in", "--encoding", "windows-1251", "-o", "out", "--format", "json", "--texts", "all", cwd=tmp_path
    )
    assert forced.returncode == 0, forced.stderr
    report = json.loads((out / "lineage.json").read_text(encoding="utf-8"))
    assert report["input"]["encoding"] == "cp1251"
    assert [(d["encoding"], d["text"]) for d in report["documents"]] == [("cp1251", RU)]
    wrong = run_cli("scan", "in", "--encoding", "utf-8", "-o", "out2", cwd=tmp_path)
    assert wrong.returncode == 2  # nothing readable
    assert "warning: a.txt: cannot decode as utf-8 at byte 0" in wrong.stderr
    unknown = run_cli("scan", "in", "--encoding", "klingon", "-o", "out3", cwd=tmp_path)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "provenance: error: unknown encoding 'klingon' (--encoding)"


def test_no_pickle_is_ever_loaded() -> None:
    package = Path(__file__).resolve().parent.parent / "provenance"
    for path in package.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for banned in ("import pickle", "from pickle", "import dill", "import shelve", "marshal.load"):
            assert banned not in source, f"{path.name} uses {banned}"


CLOUGH = Path(os.environ.get("PROVENANCE_CLOUGH") or ".")


@pytest.mark.skipif(
    not os.environ.get("PROVENANCE_CLOUGH") or not (CLOUGH / "corpus").is_dir(),
    reason="set PROVENANCE_CLOUGH to the Clough corpus folder",
)
def test_clough_folder_is_read_without_a_decoding_error() -> None:
    # A real folder of mixed encodings (ASCII, UTF-8, Windows-1252) and line endings.
    result = ingest_folder(CLOUGH / "corpus", REGISTRY, options=ReadOptions(today=TODAY))
    assert result.warnings == [] and result.skipped == []
    assert len(result.documents) == result.files_seen == 100
    by_encoding = {e: sorted(d.id for d in result.documents if d.encoding == e) for e in ("utf-8", "cp1252")}
    assert len(by_encoding["utf-8"]) + len(by_encoding["cp1252"]) == 100
    for doc in result.documents:
        raw = (CLOUGH / "corpus" / doc.path).read_bytes()
        assert doc.text == raw.decode(doc.encoding)
        assert "Ã" not in doc.text and "â€" not in doc.text  # no mojibake

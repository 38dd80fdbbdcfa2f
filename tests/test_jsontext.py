"""JSON from users' files: integers of any length and lone surrogate escapes are read, never a
crash, wherever JSON comes in (records, JSON-LD, manifest, registry, a report to render)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provenance import jsontext, schemas
from provenance.ingest import ingest_folder, load_registry
from provenance.ingest.manifest import load_manifest
from provenance.ingest.outlets import DEFAULT_REGISTRY
from tests.cli_process import run_cli

REGISTRY = load_registry()
ARTICLE = "Президент принял участие в саммите Центральная Азия – Россия и обсудил сотрудничество."
HUGE = "7" * 5000  # over Python's 4,300 digits for int(str)


def test_a_huge_integer_is_kept_as_its_digits() -> None:
    value = jsontext.loads(f'{{"n": {HUGE}, "m": -{HUGE}, "small": 12}}')
    assert value == {"n": HUGE, "m": "-" + HUGE, "small": 12}
    assert isinstance(value["n"], jsontext.LongInteger) and type(value["small"]) is int
    assert repr(value["n"]) == "777777…777 (an integer of 5000 digits)"


def test_a_huge_integer_is_neither_a_string_nor_a_number_to_the_schemas() -> None:
    record = jsontext.loads(f'{{"id": {HUGE}, "text": "x"}}')
    assert schemas.errors("document-record.schema.json", record) == [
        "id: 777777…777 (an integer of 5000 digits) is not of type 'string'"
    ]


def test_refused_long_integers_say_so() -> None:
    with pytest.raises(jsontext.TooLongInteger, match=r"^it holds an integer of 5000 digits$"):
        jsontext.loads(f"[{HUGE}]", long_integers=False)


def test_lone_surrogates_read_as_replacement_characters_one_for_one() -> None:
    text = r'{"a\udc00": ["x\ud800y", {"k": "\ud83d\ude00\ud83d"}], "n": 1}'
    parsed = jsontext.parse(text, whole=True)
    assert parsed.value == {"a\ufffd": ["x\ufffdy", {"k": "\U0001f600\ufffd"}], "n": 1}
    assert parsed.replaced == 3
    assert jsontext.parse('"ok \\u00e9"').replaced == 0


def test_mending_a_deeply_nested_value_needs_no_recursion() -> None:
    value: object = {"k\udc00": "\ud800"}
    for _ in range(10_000):  # deeper than any recursion could go
        value = [value]
    mended, replaced = jsontext._mended(value)
    for _ in range(10_000):
        (mended,) = mended
    assert (mended, replaced) == ({"k\ufffd": "\ufffd"}, 2)


def test_parse_stops_at_the_value_and_whole_refuses_extra_data() -> None:
    assert jsontext.parse(' [1, 2] ,{"a": 1}', 0) == jsontext.Parsed([1, 2], 7, 0)
    with pytest.raises(json.JSONDecodeError, match="Extra data"):
        jsontext.loads("[1] [2]")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_record_with_a_huge_number_is_read_with_its_text(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", f'{{"id": "a", "text": "{ARTICLE}", "views": {HUGE}}}\n')
    write(tmp_path / "b.json", f'[{{"id": "b", "text": "{ARTICLE}", "views": {HUGE}}}, {{"id": {HUGE}}}]')
    result = ingest_folder(tmp_path, REGISTRY)
    assert [(d.id, d.text) for d in result.documents] == [("a", ARTICLE), ("b", ARTICLE)]
    (warning,) = result.warnings  # the record with a numeric id, like any wrong type
    assert (warning.path, warning.line, warning.code) == ("b.json", 1, "bad-record")
    assert "id: 777777…777 (an integer of 5000 digits) is not of type 'string'" in warning.message


def test_a_lone_surrogate_in_a_record_is_replaced_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", '{"id": "a", "text": "' + ARTICLE + ' \\ud800!", "title": "T\\udfff"}\n')
    write(tmp_path / "b.json", '[{"id": "b", "text": "\\ud83d\\ude00 ' + ARTICLE + '"}]')
    result = ingest_folder(tmp_path, REGISTRY)
    docs = {d.id: d for d in result.documents}
    assert docs["a"].text == ARTICLE + " \ufffd!" and docs["a"].title == "T\ufffd"
    assert docs["b"].text == "\U0001f600 " + ARTICLE
    assert [(w.path, w.line, w.code, w.message) for w in result.warnings] == [
        ("a.jsonl", 1, "bad-text", "2 unpaired surrogate escapes in the record, read as U+FFFD")
    ]


def test_scan_of_huge_numbers_and_lone_surrogates_everywhere(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus / "a.jsonl", f'{{"id": "a", "text": "{ARTICLE} \\ud800", "n": {HUGE}}}\n')
    ld = f'{{"@type": "NewsArticle", "headline": "H\\ud800", "wordCount": {HUGE}}}'
    page = f'<script type="application/ld+json">{ld}</script><article><p>{ARTICLE}</p></article>'
    write(corpus / "p.html", page)
    # A number where JSON-LD wants text is no headline and no date, however long.
    ld = f'{{"@type": "NewsArticle", "headline": {HUGE}, "datePublished": {HUGE}}}'
    write(
        corpus / "q.html", f'<script type="application/ld+json">{ld}</script><title>Q</title><p>{ARTICLE}</p>'
    )
    manifest = '[{"path": "a.jsonl", "title": "M\\udc00"}]'
    write(tmp_path / "manifest.json", manifest)
    registry = json.loads(DEFAULT_REGISTRY.read_text(encoding="utf-8"))
    registry["outlets"][0]["aliases"].append("\\ud800")  # a backslash here, an escape once written
    write(tmp_path / "registry.json", json.dumps(registry).replace("\\\\ud800", "\\ud800"))
    args = ["--manifest", "manifest.json", "--registry", "registry.json", "--format", "all", "-o", "out"]
    result = run_cli("scan", "corpus", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "out" / "lineage.json").read_text(encoding="utf-8"))
    docs = {d["path"]: d for d in report["documents"]}
    assert docs["a.jsonl"]["text"] == ARTICLE + " \ufffd" and docs["a.jsonl"]["title"] == "M\ufffd"
    assert docs["p.html"]["title"] == "H\ufffd"
    assert docs["q.html"]["title"] == "Q"


def test_manifest_with_a_huge_number_is_one_clear_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "m.json", f'[{{"path": {HUGE}}}]')
    with pytest.raises(ValueError, match=r"invalid manifest: .*an integer of 5000 digits"):
        load_manifest(path)


@pytest.mark.parametrize("command", ["validate", "render"])
def test_a_report_with_a_huge_number_is_one_line_naming_it(tmp_path: Path, command: str) -> None:
    write(tmp_path / "r.json", '{"schema_version": ' + HUGE + "}")
    result = run_cli(command, "r.json", cwd=tmp_path)
    assert result.returncode == 2
    line = "provenance: error: r.json: not a lineage report: it holds an integer of 5000 digits\n"
    assert result.stderr == line


def test_a_report_with_a_lone_surrogate_renders(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus / "a.txt", ARTICLE)
    assert run_cli("scan", "corpus", "-o", "out", "--format", "json", "-q", cwd=tmp_path).returncode == 0
    report = (tmp_path / "out" / "lineage.json").read_text(encoding="utf-8")
    assert '"title": null' in report
    write(tmp_path / "out" / "lineage.json", report.replace('"title": null', '"title": "T\\ud800"', 1))
    for command in ("validate", "render"):
        result = run_cli(command, "out/lineage.json", cwd=tmp_path)
        assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "T\ufffd" in (tmp_path / "out" / "lineage.html").read_text(encoding="utf-8")


def test_json_nested_a_hundred_thousand_deep_is_one_warning_and_a_skip(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    deep = "[" * 100_000 + "]" * 100_000
    write(corpus / "a.json", deep)
    write(corpus / "b.jsonl", f'{{"id": "b", "text": "{ARTICLE}"}}\n{{"id": "c", "text": {deep}}}\n')
    ld = f'<script type="application/ld+json">{deep}</script>'
    write(corpus / "c.html", f"<html><head>{ld}</head><body><p>{ARTICLE}</p></body></html>")
    result = run_cli("scan", "corpus", "-o", "out", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert warnings == [
        "provenance: warning: a.json:1: invalid JSON: nested too deeply at line 1 column 2; "
        "0 records before it were read, the rest of the file was not",
        "provenance: warning: b.jsonl:2: invalid JSON: nested too deeply",
        "provenance: warning: c.html: JSON-LD block 1 is nested too deeply; ignored",
    ]
    report = json.loads((tmp_path / "out" / "lineage.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in report["documents"]] == ["b", "c"]
    assert [(s["path"], s["line"]) for s in report["skipped"]] == [("a.json", 1), ("b.jsonl", 2)]


def test_a_schema_message_quotes_a_long_value_cut_short() -> None:
    record = {"id": "a", "text": ["слово " * 10_000], "title": [[[["x"]]]] * 50}
    problems = schemas.errors("document-record.schema.json", record)
    assert problems == [
        "text: ['слово слово слово слово слово слово слово слово слово слов…о слово '] is not of type 'string'",
        "title: [[[['x']]], [[['x']]], [[['x']]], [[['x']]], [[['x']]], [[['…[[['x']]]] "
        "is not of type 'string', 'null'",
    ]

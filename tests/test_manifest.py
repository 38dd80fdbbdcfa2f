"""A manifest (`--manifest`, CSV or JSON) overrides detected metadata, and says so."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cli_process import run_cli

from provenance.ingest import (
    DocumentDate,
    ManifestError,
    ReadOptions,
    ingest_paths,
    load_manifest,
    load_registry,
)

REGISTRY = load_registry()
TODAY = date(2026, 11, 21)
ARTICLE = "Президент принял участие в саммите и обсудил сотрудничество, передает NUR.KZ."


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(" date 2025-10-09 " + ARTICLE, encoding="utf-8")
    (root / "sub" / "b.txt").write_text("Без даты и без издания.", encoding="utf-8")
    records = [
        {"id": "r1", "text": "Первая запись."},
        {"id": "r2", "text": "Вторая запись.", "outlet": "nCa"},
    ]
    (root / "feed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return root


def read(root: Path, manifest: Path) -> dict[str, object]:
    options = ReadOptions(manifest=load_manifest(manifest), today=TODAY)
    result = ingest_paths([root], REGISTRY, options=options)
    return {"docs": {d.id: d for d in result.documents}, "warnings": result.warnings, "result": result}


def test_csv_manifest_overrides_and_marks_its_values(corpus: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    # Spreadsheets write a BOM and, in Russian locales, semicolons.
    manifest.write_bytes(
        "path;id;outlet;date;url;title\r\n"
        "a.txt;;Kazakhstan Today;2025-10-08;https://kt.kz/a;Саммит\r\n"
        "sub/b.txt;;nur.kz;;;\r\n"
        "feed.jsonl;;Tengrinews;;;\r\n"
        ";r2;;2025-10-07T10:00:00+05:00;;\r\n".encode("utf-8-sig")
    )
    got = read(corpus, manifest)
    docs = got["docs"]
    a, b, r1, r2 = docs["a"], docs["sub/b"], docs["r1"], docs["r2"]
    assert (a.outlet, a.outlet_source) == ("Kazakhstan Today", "manifest")  # over the NUR.KZ signature
    assert a.date == DocumentDate("2025-10-08", "day", "manifest")  # over the header
    assert (a.url, a.url_source, a.title, a.title_source) == (
        "https://kt.kz/a",
        "manifest",
        "Саммит",
        "manifest",
    )
    assert (b.outlet, b.outlet_source, b.date) == ("NUR.KZ", "manifest", DocumentDate())
    # A path entry covers every record of its file; an id entry adds to it and wins.
    assert (r1.outlet, r1.outlet_source) == ("Tengrinews", "manifest")
    assert (r2.outlet, r2.outlet_source) == ("Tengrinews", "manifest")
    assert r2.date == DocumentDate("2025-10-07T10:00:00+05:00", "datetime", "manifest")
    assert got["warnings"] == []
    assert got["result"].manifest == str(manifest)


def test_json_manifest_and_unmatched_entries(corpus: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    entries = [{"id": "r1", "outlet": "nCa"}, {"path": "gone.txt", "date": "2025-01-01"}]
    manifest.write_text(json.dumps(entries), encoding="utf-8")
    got = read(corpus, manifest)
    assert (got["docs"]["r1"].outlet, got["docs"]["r1"].outlet_source) == ("nCa", "manifest")
    [warning] = got["warnings"]
    assert (warning.path, warning.code) == (str(manifest), "manifest-unmatched")
    assert warning.message == "entry 2: no document with path 'gone.txt' was read; entry not used"


def test_manifest_date_in_the_future_is_ignored(corpus: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps([{"path": "a.txt", "date": "2030-05-05"}]), encoding="utf-8")
    got = read(corpus, manifest)
    assert got["docs"]["a"].date == DocumentDate()
    assert [w.code for w in got["warnings"]] == ["future-date"]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("m.csv", "path,date\na.txt,2025-02-30\n", "line 2: date: '2025-02-30' is not valid"),
        ("m.csv", "path,outlett\na.txt,nCa\n", "Additional properties are not allowed ('outlett'"),
        ("m.csv", "outlet\nnCa\n", "is not valid under any of the given schemas"),
        ("m.json", '{"path": "a.txt"}', "is not of type 'array'"),
        ("m.json", "[{", "not valid JSON"),
        ("m.json", '[{"path": "a.txt"}, {"path": "a.txt"}]', "entry 2 repeats the path 'a.txt' of entry 1"),
        ("m.csv", "", "has no header row"),
    ],
)
def test_invalid_manifest_is_one_clear_error(tmp_path: Path, name: str, content: str, problem: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and problem in message and "\n" not in message


def test_cli_manifest_in_the_report(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text(json.dumps([{"path": "sub/b.txt", "outlet": "nCa"}]), encoding="utf-8")
    result = run_cli("scan", "corpus", "--manifest", "m.json", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "out" / "lineage.json").read_text(encoding="utf-8"))
    assert report["input"]["manifest"] == "m.json"
    b = next(d for d in report["documents"] if d["id"] == "sub/b")
    assert (b["outlet"], b["outlet_source"]) == ("nCa", "manifest")
    page = (tmp_path / "out" / "lineage.html").read_text(encoding="utf-8")
    assert "метаданные из манифеста <code>m.json</code>" in page and "(из: манифест)" in page


def test_cli_bad_manifest_exits_2(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("path,date\na.txt,yesterday\n", encoding="utf-8")
    result = run_cli("scan", "corpus", "--manifest", "m.csv", "-o", "out", cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("provenance: error: m.csv: invalid manifest: line 2: date:")
    assert not (tmp_path / "out").exists()

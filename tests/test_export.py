"""`provenance export`: a report's links as CSV and Parquet, read a link at a time."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cli_process import run_cli

from provenance.report import export

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "reports" / "lineage.json"  # the seeds' report, kept up to date by its own test


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(REPORT.read_text(encoding="utf-8"))


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_csv_has_a_row_per_link_with_both_sides_and_opens_in_excel(tmp_path: Path, data: dict) -> None:
    out = tmp_path / "links.csv"
    result = run_cli("export", str(REPORT), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{out}: {len(data['links'])} links"
    raw = out.read_bytes()
    # A byte-order mark and CRLF: Excel reads UTF-8 (Cyrillic intact) only with the mark.
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and "Афганистане".encode() in raw
    rows = _csv_rows(out)
    assert list(rows[0]) == list(export.COLUMNS)
    assert len(rows) == len(data["links"])
    docs = {d["id"]: d for d in data["documents"]}
    for row, link in zip(rows, data["links"], strict=True):
        assert (row["link"], row["direction"], row["class"]) == (link["id"], link["direction"], link["class"])
        assert row["credited"] == ("true" if link["credited"] else "false")
        for side in ("source", "target"):
            doc = docs[link[side]["document"]]
            start, end = int(row[f"{side}_start"]), int(row[f"{side}_end"])
            assert row[f"{side}_document"] == doc["id"] and row[f"{side}_date"] == (doc["date"] or "")
            assert row[f"{side}_outlet"] == (doc["outlet"] or "")
            # Offsets are code points into the document's text: the passage is exactly that slice.
            assert row[f"{side}_passage"] == doc["text"][start:end]


def test_parquet_holds_the_same_rows_with_types(tmp_path: Path) -> None:
    assert run_cli("export", str(REPORT), "-o", str(tmp_path / "l.csv"), cwd=tmp_path).returncode == 0
    result = run_cli("export", str(REPORT), "--format", "parquet", "-o", str(tmp_path / "l.parquet"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    table = pq.read_table(tmp_path / "l.parquet")
    assert table.schema.equals(export.SCHEMA)
    rows = table.to_pylist()
    as_csv = _csv_rows(tmp_path / "l.csv")
    assert len(rows) == len(as_csv) > 0
    for row, text in zip(rows, as_csv, strict=True):
        assert isinstance(row["source_start"], int) and isinstance(row["credited"], bool)
        assert {k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for k, v in row.items()} == text


def test_the_default_file_is_beside_the_report(tmp_path: Path) -> None:
    report = tmp_path / "lineage.json"
    report.write_bytes(REPORT.read_bytes())
    assert run_cli("export", str(report), cwd=tmp_path).returncode == 0
    assert run_cli("export", str(report), "--format", "parquet", cwd=tmp_path).returncode == 0
    assert (tmp_path / "lineage.links.csv").is_file() and (tmp_path / "lineage.links.parquet").is_file()
    # Meant to be shared, like the report: not the 0600 of a temporary file.
    assert (tmp_path / "lineage.links.csv").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("size", [3, 7, 64, 1 << 24])
def test_lists_are_read_an_entry_at_a_time_as_json_reads_them(
    data: dict, size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Blocks of a few bytes: keys, entries and characters of two bytes all fall across blocks.
    monkeypatch.setattr(export, "_READ_BYTES", size)
    for key in ("documents", "links", "clusters"):
        assert list(export.iter_report_list(REPORT, key)) == data[key]


def test_a_lone_surrogate_is_written_as_the_replacement_character(tmp_path: Path) -> None:
    text = REPORT.read_text(encoding="utf-8")
    first = json.loads(text)["links"][0]["source"]["snippet"]
    report = tmp_path / "lineage.json"
    snippet = f'"snippet": {json.dumps(first, ensure_ascii=False)}'
    assert snippet in text
    report.write_text(text.replace(snippet, '"snippet": "x\\ud800y"', 1), encoding="utf-8")
    rows = list(export.link_rows(report))
    assert rows[0]["source_passage"] == "x\ufffdy"
    out = tmp_path / "l.csv"
    assert export.export_report(report, out, "csv") == len(rows)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"documents": []}', "no list of documents"),
        (None, "is not JSON"),  # the seeds' report cut short inside a link
        ('{\n  "documents": [],\n  "links": [\n    {"id": "L-1"}\n  ]\n}', "a link without"),
    ],
)
def test_what_is_not_a_report_exits_2_and_leaves_the_output_alone(
    tmp_path: Path, content: str | None, message: str
) -> None:
    report = tmp_path / "lineage.json"
    raw = REPORT.read_bytes()
    report.write_bytes(raw[: raw.index(b'\n  "clusters"') - 300] if content is None else content.encode())
    out = tmp_path / "links.csv"
    out.write_text("earlier export\n", encoding="utf-8")
    result = run_cli("export", str(report), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert str(report) in line and message in line and "nothing written" in line
    assert out.read_text(encoding="utf-8") == "earlier export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_a_missing_report_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("export", "missing.json", cwd=tmp_path)
    assert result.returncode == 2 and "missing.json" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "missing.links.csv").exists()


def test_export_is_in_the_help() -> None:
    result = run_cli("export", "--help", cwd=REPO)
    assert result.returncode == 0 and "csv" in result.stdout and "parquet" in result.stdout
    assert "one row per link" in result.stdout

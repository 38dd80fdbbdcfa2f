"""Documents over `max-document-chars`: skipped with one warning naming the limit and the
setting that raises it, listed in the report; an over-long draft is an input error."""

from __future__ import annotations

import json
from pathlib import Path

from provenance.ingest import ReadOptions, ingest_paths
from provenance.ingest.files import DEFAULT_MAX_DOCUMENT_CHARS
from provenance.pipeline import scan
from provenance.report.validate import validate_report
from tests.cli_process import run_cli

SHORT = "Министр финансов выступил на заседании правительства и рассказал о бюджете на следующий год."
LONG = " ".join([SHORT] * 12)  # 1,151 characters
LIMIT = 500
AT_LEAST = (len(LONG.encode()) - 4) // 4  # characters in the fewest bytes: four bytes each


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "short.txt").write_text(SHORT, encoding="utf-8")
    (folder / "long.txt").write_text(LONG, encoding="utf-8")
    records = [{"id": "r1", "text": SHORT}, {"id": "r2", "text": LONG}]
    (folder / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


def test_a_document_over_the_limit_is_skipped_and_listed(tmp_path: Path) -> None:
    report = scan(_folder(tmp_path), options=ReadOptions(max_document_chars=LIMIT), jobs=1).to_dict()
    assert validate_report(report) == []
    assert [d["id"] for d in report["documents"]] == ["r1", "short"]
    skipped = {(s["path"], s["line"]): s["reason"] for s in report["skipped"]}
    assert set(skipped) == {("long.txt", None), ("feed.jsonl", 2)}
    reason = skipped[("long.txt", None)]
    # Surely over the limit by its size alone, long.txt is not even read.
    assert reason.startswith(f"document is at least {AT_LEAST:,} characters, over the 500 limit")
    assert skipped[("feed.jsonl", 2)].startswith(f"document is {len(LONG):,} characters, over the 500")
    assert "--max-document-chars" in reason and "`max-document-chars`" in reason
    codes = {(w["path"], w["line"]): w["code"] for w in report["warnings"]}
    assert codes[("long.txt", None)] == codes[("feed.jsonl", 2)] == "document-too-long"


def test_the_default_limit_reads_ordinary_documents(tmp_path: Path) -> None:
    assert DEFAULT_MAX_DOCUMENT_CHARS >= 1_000_000
    read = ingest_paths([_folder(tmp_path)])
    assert len(read.documents) == 4 and not read.skipped


def test_cli_scan_index_add_and_check(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    limit = ["--max-document-chars", str(LIMIT)]
    done = run_cli("scan", "in", "-o", "out", "--format", "json", "-j", "1", *limit, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if "over the 500 limit" in line]
    assert warned == [
        f"provenance: warning: feed.jsonl:2: document is {len(LONG):,} characters, over the 500 limit "
        "(--max-document-chars, or `max-document-chars` in the configuration); not read",
        f"provenance: warning: long.txt: document is at least {AT_LEAST:,} characters, over the 500 limit "
        "(--max-document-chars, or `max-document-chars` in the configuration); not read",
    ]
    report = json.loads((tmp_path / "out" / "lineage.json").read_text(encoding="utf-8"))
    assert report["summary"]["skipped"] == 2 and len(report["documents"]) == 2

    added = run_cli("index", "add", "in", "--index", "i.sqlite", *limit, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert "warning: long.txt: document is" in added.stderr
    assert "2 added" in added.stderr and "2 skipped" in added.stderr

    # The configuration sets it too; the flag wins.
    (tmp_path / "provenance.toml").write_text(f"max-document-chars = {LIMIT}\n", encoding="utf-8")
    config = run_cli("config", cwd=tmp_path)
    assert any(
        line.split()[:3] == ["max-document-chars", "500", "provenance.toml"]
        for line in config.stdout.splitlines()
    )

    too_long = run_cli("check", str(folder / "long.txt"), "--index", "i.sqlite", cwd=tmp_path)
    assert too_long.returncode == 2
    assert too_long.stderr.count("\n") == 1 and too_long.stderr.startswith("provenance: error: ")
    assert "over the 500 limit (--max-document-chars" in too_long.stderr
    raised = run_cli(
        "check", str(folder / "long.txt"), "--index", "i.sqlite", "--max-document-chars", "2000", cwd=tmp_path
    )
    assert raised.returncode in (0, 1), raised.stderr
    piped = run_cli("check", "-", "--index", "i.sqlite", cwd=tmp_path, stdin=LONG)
    assert piped.returncode == 2 and "-: document is" in piped.stderr


def test_cli_rejects_a_limit_out_of_range(tmp_path: Path) -> None:
    _folder(tmp_path)
    for bad in ("0", str(2**31)):
        done = run_cli("scan", "in", "--max-document-chars", bad, cwd=tmp_path)
        assert done.returncode == 2 and "--max-document-chars" in done.stderr


def test_a_text_file_surely_over_the_limit_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "huge.txt").write_text("слово " * 1000, encoding="utf-8")  # 11,000 bytes
    read = ingest_paths([folder], options=ReadOptions(max_document_chars=LIMIT))
    (warning,) = read.warnings
    assert warning.code == "document-too-long"
    assert warning.message.startswith("document is at least 2,749 characters, over the 500 limit")
    assert not read.documents
    # Four bytes a character at most: a file that could be within the limit is read first.
    read = ingest_paths([folder], options=ReadOptions(max_document_chars=2_749))
    assert read.warnings[0].message.startswith("document is 6,000 characters, over the 2,749 limit")

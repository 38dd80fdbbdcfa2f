"""Document identity: a document is its file (resolved path, and a record's id), never its
name. Nothing is lost when names meet, nothing is counted twice when one file is reached
twice, and nothing is replaced without being listed. Through the command line, as users do."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from cli_process import run_cli

from provenance.index import Index
from provenance.ingest import ingest_paths

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_001 = next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8")
OTHER = (
    "Орда пишет о другом: в Алматы открылся новый музей современного искусства, где выставлены "
    "работы сорока художников из пяти стран Центральной Азии.\n"
)


def _ids(index: Path) -> list[str]:
    with Index(index) as opened:
        return opened.ids()


def _report(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "lineage.json").read_text(encoding="utf-8"))


def test_two_outlets_files_of_the_same_name_are_two_documents(tmp_path: Path) -> None:
    for outlet, text in (("tengri", SEED_001), ("orda", OTHER)):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "2025-10-10.txt").write_text(text, encoding="utf-8")
    first = run_cli("index", "add", "tengri", cwd=tmp_path)
    second = run_cli("index", "add", "orda", cwd=tmp_path)
    assert first.returncode == second.returncode == 0, second.stderr
    assert "1 added, 0 replaced" in second.stderr
    assert "added orda/2025-10-10: the id 2025-10-10 is another document's" in second.stderr
    assert _ids(tmp_path / "provenance-index.sqlite") == ["2025-10-10", "orda/2025-10-10"]
    with Index(tmp_path / "provenance-index.sqlite") as index:
        texts = {d.id: d.text for d in index.documents()}
    assert texts == {"2025-10-10": SEED_001, "orda/2025-10-10": OTHER}


def test_syndicated_text_in_two_folders_is_two_publications(tmp_path: Path) -> None:
    for outlet in ("kazinform", "kt"):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "story.txt").write_text(SEED_001, encoding="utf-8")
    assert run_cli("index", "add", "kazinform", cwd=tmp_path).returncode == 0
    again = run_cli("index", "add", "kt", cwd=tmp_path)
    assert "1 added, 0 replaced, 0 unchanged" in again.stderr
    assert _ids(tmp_path / "provenance-index.sqlite") == ["kt/story", "story"]
    # Scanned together, each is its folder's: two documents, one link between them.
    scan = run_cli("scan", "kazinform", "kt", "-o", "out", "-q", "--format", "json", cwd=tmp_path)
    assert scan.returncode == 0, scan.stderr
    report = _report(tmp_path / "out")
    assert [(d["id"], d["path"]) for d in report["documents"]] == [
        ("kazinform/story", "kazinform/story.txt"),
        ("kt/story", "kt/story.txt"),
    ]
    assert report["summary"]["links"] >= 1


def _archive(root: Path) -> None:
    for folder in ("0000", "0001"):
        (root / folder).mkdir(parents=True)
    (root / "0000" / "a.txt").write_text(SEED_001, encoding="utf-8")
    (root / "0000" / "b.txt").write_text(OTHER, encoding="utf-8")
    (root / "0001" / "c.txt").write_text(SEED_001[: len(SEED_001) // 2] + OTHER, encoding="utf-8")


def test_a_subfolder_then_its_parent_adds_nothing_twice(tmp_path: Path) -> None:
    _archive(tmp_path / "arch")
    assert run_cli("index", "add", "arch/0000", cwd=tmp_path).returncode == 0
    parent = run_cli("index", "add", "arch", cwd=tmp_path)
    assert "1 added, 0 replaced, 2 unchanged" in parent.stderr, parent.stderr
    assert _ids(tmp_path / "provenance-index.sqlite") == ["0001/c", "a", "b"]
    report = run_cli("index", "report", "-o", "out", "-q", "--format", "json", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    links = _report(tmp_path / "out")["links"]
    # Nothing copies itself: every link joins two different files.
    assert links and all(k["source"]["document"] != k["target"]["document"] for k in links)
    assert {frozenset((k["source"]["document"], k["target"]["document"])) for k in links} == {
        frozenset(("a", "0001/c")),
        frozenset(("b", "0001/c")),
    }


def test_one_file_through_two_roots_is_one_document(tmp_path: Path) -> None:
    _archive(tmp_path / "arch")
    os.symlink(tmp_path / "arch" / "0000", tmp_path / "latest")
    added = run_cli("index", "add", "arch", "latest", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert "3 added" in added.stderr
    assert _ids(tmp_path / "provenance-index.sqlite") == ["arch/0000/a", "arch/0000/b", "arch/0001/c"]
    # Scanned together the same way: the folder reached again is read once, and listed.
    result = ingest_paths([tmp_path / "arch", tmp_path / "latest", tmp_path / "arch" / "0000" / "a.txt"])
    assert [d.id for d in result.documents] == ["arch/0000/a", "arch/0000/b", "arch/0001/c"]
    assert [(s.path, s.reason) for s in result.skipped] == [
        ("arch/0000/a.txt", "given again, read once"),
        ("latest", "the same folder as arch/0000, read once"),
    ]
    assert result.warnings == []


def test_a_changed_file_is_replaced_and_listed(tmp_path: Path) -> None:
    _archive(tmp_path / "arch")
    assert run_cli("index", "add", "arch", cwd=tmp_path).returncode == 0
    (tmp_path / "arch" / "0000" / "b.txt").write_text(OTHER + "Дополнение.\n", encoding="utf-8")
    again = run_cli("index", "add", "arch", cwd=tmp_path)
    assert again.returncode == 0
    assert "replaced 0000/b: text changed" in again.stderr
    assert "0 added, 1 replaced (0000/b), 2 unchanged" in again.stderr
    assert _ids(tmp_path / "provenance-index.sqlite") == ["0000/a", "0000/b", "0001/c"]


def test_a_moved_archive_is_moved_not_doubled(tmp_path: Path) -> None:
    _archive(tmp_path / "old" / "arch")
    assert run_cli("index", "add", "old/arch", cwd=tmp_path).returncode == 0
    shutil.move(tmp_path / "old" / "arch", tmp_path / "arch")
    moved = run_cli("index", "add", "arch", cwd=tmp_path)
    assert "0 added, 0 replaced, 3 unchanged (3 moved)" in moved.stderr, moved.stderr
    assert _ids(tmp_path / "provenance-index.sqlite") == ["0000/a", "0000/b", "0001/c"]
    # A copy is not a move: the original is still there, so the copy is more documents.
    shutil.copytree(tmp_path / "arch", tmp_path / "copy" / "arch")
    copied = run_cli("index", "add", "copy/arch", cwd=tmp_path)
    assert "3 added" in copied.stderr
    assert len(_ids(tmp_path / "provenance-index.sqlite")) == 6


def test_scan_takes_several_paths(tmp_path: Path) -> None:
    for outlet, text in (("tengri", SEED_001), ("orda", SEED_001[:600] + OTHER)):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "2025-10-10.txt").write_text(text, encoding="utf-8")
    result = run_cli("scan", "tengri", "orda/2025-10-10.txt", "-o", "out", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = _report(tmp_path / "out")
    assert report["input"]["root"] == tmp_path.name
    assert [(d["id"], d["path"]) for d in report["documents"]] == [
        ("orda/2025-10-10", "orda/2025-10-10.txt"),
        ("tengri/2025-10-10", "tengri/2025-10-10.txt"),
    ]
    assert report["summary"]["links"] == 1
    assert run_cli("validate", "out/lineage.json", cwd=tmp_path).returncode == 0


def test_records_with_the_same_id_in_two_exports_are_both_kept(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    for name, text in (("tengri.jsonl", SEED_001), ("orda.jsonl", OTHER)):
        (tmp_path / "exports" / name).write_text(
            json.dumps({"id": "1", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    added = run_cli("index", "add", "exports", cwd=tmp_path)
    assert added.returncode == 0 and "2 added" in added.stderr
    assert "renamed" not in added.stderr.split("warning:")[0]
    assert _ids(tmp_path / "provenance-index.sqlite") == ["1", "tengri.jsonl#1"]
    again = run_cli("index", "add", "exports", cwd=tmp_path)
    assert "0 added, 0 replaced, 2 unchanged" in again.stderr

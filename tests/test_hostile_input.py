"""Input built to break the tool: file names that are not UTF-8 or carry terminal escapes,
folders a thousand deep, pipes and devices named as input, an index path under a file, an
output that would overwrite an input. Each is one line and a clear exit code, never a
traceback; and each of these failed before it was handled."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from cli_process import run_cli

from provenance.ingest import ingest_folder

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_001 = next(SEEDS.glob("001_*.txt"))


def _no_traceback(result: object) -> None:
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]


def _write_bytes_name(folder: Path, name: bytes, data: bytes) -> None:
    fd = os.open(os.fsencode(folder) + b"/" + name, os.O_WRONLY | os.O_CREAT, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
def test_file_names_that_are_not_utf8_are_read_and_written_escaped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = SEED_001.read_bytes()
    _write_bytes_name(corpus, b"x\xff.txt", text)
    _write_bytes_name(corpus, b"y\xfe\xc0.txt", text)
    scan = run_cli("scan", "corpus", "-o", "out", "--format", "all", cwd=tmp_path)
    _no_traceback(scan)
    assert scan.returncode == 0, scan.stderr
    report = json.loads((tmp_path / "out" / "lineage.json").read_text(encoding="utf-8"))
    assert [(d["id"], d["path"]) for d in report["documents"]] == [
        ("x\\xff", "x\\xff.txt"),
        ("y\\xfe\\xc0", "y\\xfe\\xc0.txt"),
    ]
    assert report["summary"]["links"] == 1
    assert run_cli("validate", "out/lineage.json", cwd=tmp_path).returncode == 0
    added = run_cli("index", "add", "corpus", cwd=tmp_path)
    _no_traceback(added)
    assert added.returncode == 0 and "2 added" in added.stderr
    again = run_cli("index", "add", "corpus", cwd=tmp_path)
    assert "0 added, 0 replaced, 2 unchanged" in again.stderr
    (tmp_path / "draft.txt").write_bytes(text[: len(text) // 2] + "\nНовый абзац черновика.\n".encode())
    check = run_cli("check", "draft.txt", "--fail-on", "never", cwd=tmp_path)
    _no_traceback(check)
    assert check.returncode == 0 and "x\\xff" in check.stdout, check.stdout


def test_escape_sequences_in_file_names_are_printed_escaped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(SEED_001.read_text(encoding="utf-8"), encoding="utf-8")
    hostile = "\x1b[31mred\x1b]0;pwned\x07\nprovenance: error: forged\u202e.txt"
    (corpus / hostile).write_bytes(b"")  # empty: a warning that names the file
    result = run_cli("scan", "corpus", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "\u202e" not in result.stderr
    [warning] = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert warning.startswith("provenance: warning: \\x1b[31mred\\x1b]0;pwned\\x07\\nprovenance: error: forged")
    assert "error: forged" not in "".join(line[:20] for line in result.stderr.splitlines())
    # The report keeps the name as it is: JSON escapes what it must.
    report = json.loads((tmp_path / "out" / "lineage.json").read_text(encoding="utf-8"))
    assert [s["path"] for s in report["skipped"]] == [hostile]


def test_folders_a_thousand_deep(tmp_path: Path) -> None:
    deep = tmp_path / "corpus"
    path = os.fsencode(deep)
    os.mkdir(path)
    for _ in range(1000):  # by relative steps: the whole path is longer than some calls allow
        os.mkdir(path + b"/d")
        path += b"/d"
    (Path(os.fsdecode(path)) / "a.txt").write_text("Статья в глубине архива, одна.\n", encoding="utf-8")
    (deep / "b.txt").write_text("Статья наверху.\n", encoding="utf-8")
    try:
        result = ingest_folder(deep)
        assert [d.id for d in result.documents] == ["b", "d/" * 1000 + "a"]
        scan = run_cli("scan", "corpus", "-o", "out", "-q", "--format", "json", cwd=tmp_path)
        _no_traceback(scan)
        assert scan.returncode == 0, scan.stderr
    finally:
        # Deepest first: pytest's cleanup (shutil.rmtree, recursive) fails on 1,000 levels.
        os.remove(path + b"/a.txt")
        for _ in range(1000):
            os.rmdir(path)
            path = os.path.dirname(path)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_device_named_as_input_is_one_line(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(tmp_path / "fifo.txt")
        name = "fifo.txt"
    else:
        name = "/dev/zero"
    for args in (["scan", name, "-o", "out"], ["index", "add", name], ["scan", str(SEEDS), name, "-o", "out"]):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            f"provenance: error: {name}: not a file or folder (a device, pipe or socket); not read"
        ]
    assert not (tmp_path / "out").exists() and not (tmp_path / "provenance-index.sqlite").exists()


def test_a_pipe_inside_a_folder_is_skipped_and_the_run_goes_on(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(SEED_001.read_text(encoding="utf-8"), encoding="utf-8")
    os.mkfifo(corpus / "pipe.txt")
    result = run_cli("scan", "corpus", "-o", "out", "-q", cwd=tmp_path)
    assert result.returncode == 0
    report = json.loads((tmp_path / "out" / "lineage.json").read_text(encoding="utf-8"))
    assert [s["path"] for s in report["skipped"]] == ["pipe.txt"]


def test_an_index_path_under_a_regular_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    for args in (["index", "add", str(SEEDS)], ["index", "stats"], ["check", str(SEED_001)]):
        result = run_cli(*args, "--index", "notes.txt/idx.sqlite", cwd=tmp_path)
        assert result.returncode == 2
        [line] = result.stderr.splitlines()
        assert line.startswith("provenance: error: notes.txt/idx.sqlite:")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("spelling", ["draft.txt", "./draft.txt", "{abs}", "x/../draft.txt", "link.txt"])
def test_check_never_overwrites_its_draft(tmp_path: Path, spelling: str) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_bytes(SEED_001.read_bytes())
    (tmp_path / "link.txt").symlink_to(draft)
    target = spelling.format(abs=draft)
    result = run_cli("check", "draft.txt", "--corpus", str(SEEDS), "-o", target, cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "would overwrite the input draft.txt" in line
    assert draft.read_bytes() == SEED_001.read_bytes()
    assert not (tmp_path / "x").exists()


def test_check_never_overwrites_its_corpus_or_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes(SEED_001.read_bytes())
    result = run_cli("check", str(SEED_001), "--corpus", "corpus", "-o", "corpus/a.txt", cwd=tmp_path)
    assert result.returncode == 2 and "would overwrite the input corpus" in result.stderr
    assert run_cli("index", "add", "corpus", "-q", cwd=tmp_path).returncode == 0
    before = (tmp_path / "provenance-index.sqlite").read_bytes()
    result = run_cli("check", str(SEED_001), "-o", "provenance-index.sqlite", cwd=tmp_path)
    assert result.returncode == 2 and "would overwrite the input provenance-index.sqlite" in result.stderr
    assert (tmp_path / "provenance-index.sqlite").read_bytes() == before


def test_a_report_with_a_huge_number_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text('{"schema_version": ' + "9" * 5000 + "}", encoding="utf-8")
    for command in ("validate", "render"):
        result = run_cli(command, "r.json", cwd=tmp_path)
        _no_traceback(result)
        assert result.returncode in (1, 2) and len(result.stderr.splitlines()) <= 2

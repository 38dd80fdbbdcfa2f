"""A damaged index is refused in one line (exit 2), never read into findings: flipped bytes,
altered or missing parameters, a dropped table, garbage in a row."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from cli_process import run_main

from provenance.index import Index, IndexProblem
from provenance.ingest import ingest_folder

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_001 = next(SEEDS.glob("001_*.txt"))
COPIED = next(line for line in SEED_001.read_text(encoding="utf-8").splitlines() if "первый саммит" in line)
DRAFT = f"Черновик: итоги саммита.\n\n{COPIED}\n\nДальше идет собственный текст редакции.\n"
INDEX = "damaged.sqlite"


Outcome = subprocess.CompletedProcess[str]
Provenance = Callable[..., Outcome]


@pytest.fixture(scope="module")
def intact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seeds, closed (its write-ahead log folded into the file)."""
    path = tmp_path_factory.mktemp("intact") / INDEX
    with Index(path, create=True) as index:
        index.add(ingest_folder(SEEDS))
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def desk(tmp_path: Path, intact: Path) -> Path:
    """A working folder with a copy of the intact index, a draft copying seed 001, and the seeds."""
    shutil.copy(intact, tmp_path / INDEX)
    (tmp_path / "draft.txt").write_text(DRAFT, encoding="utf-8")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path


@pytest.fixture
def provenance(monkeypatch: pytest.MonkeyPatch, desk: Path) -> Provenance:
    """`provenance ARGS --index damaged.sqlite` through `main()`, in the desk folder."""
    monkeypatch.chdir(desk)
    return lambda *args: run_main(*args, "--index", INDEX)


COMMANDS = {
    "check": ("check", "draft.txt", "--format", "json"),
    "stats": ("index", "stats"),
    "report": ("index", "report", "-o", "out", "-q"),
    "add": ("index", "add", "seeds", "-q"),
}


def assert_refused(outcome: Outcome, *, why: str = "damaged") -> None:
    assert outcome.returncode == 2, outcome
    assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.stderr, outcome.stderr
    assert outcome.stderr.startswith(f"provenance: error: {INDEX}: ") and why in outcome.stderr, outcome.stderr


def damage(desk: Path, sql: str, *params: Any) -> None:
    with closing(sqlite3.connect(desk / INDEX)) as db, db:
        db.execute(sql, params)
    assert not (desk / f"{INDEX}-wal").exists()


def source_entries(check_json: str) -> set[str]:
    """Every (finding, source) pair of a check result, as comparable text."""
    result = json.loads(check_json)
    return {
        json.dumps([finding["start"], finding["end"], source], sort_keys=True)
        for draft in result["drafts"]
        for finding in draft["findings"]
        for source in finding["sources"]
    }


def test_the_intact_index_finds_the_copy(provenance: Provenance) -> None:
    outcome = provenance(*COMMANDS["check"])
    assert outcome.returncode == 1 and source_entries(outcome.stdout), outcome
    stats = provenance(*COMMANDS["stats"])
    assert stats.returncode == 0 and "5 document rows against their seals: intact" in stats.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE meta SET value = '{' WHERE key = 'parameters'",
        "UPDATE meta SET value = '[]' WHERE key = 'parameters'",
        "DELETE FROM meta WHERE key = 'parameters'",
        "UPDATE meta SET value = replace(value, '\"num_perm\": 128', '\"num_perm\": 64') WHERE key = 'parameters'",
    ],
    ids=["invalid-json", "not-an-object", "missing", "altered"],
)
def test_damaged_parameters_are_refused(provenance: Provenance, desk: Path, command: str, sql: str) -> None:
    damage(desk, sql)
    assert_refused(provenance(*COMMANDS[command]), why="its parameters")


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("table", ["meta", "documents", "postings", "records"])
def test_a_dropped_table_is_refused(provenance: Provenance, desk: Path, command: str, table: str) -> None:
    damage(desk, f"DROP TABLE {table}")
    assert_refused(provenance(*COMMANDS[command]), why=f"table {table}" if table != "meta" else "meta table")


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("column", ["signature", "shingles"])
def test_garbage_blobs_are_refused(provenance: Provenance, desk: Path, command: str, column: str) -> None:
    # Every row: `add` reads the rows of the files it is given, `check` those its draft finds.
    damage(desk, f"UPDATE documents SET {column} = randomblob(length({column}))")
    assert_refused(provenance(*COMMANDS[command]), why="does not match its seal")


@pytest.mark.parametrize("command", ["check", "stats", "report"])
def test_an_altered_text_is_refused(provenance: Provenance, desk: Path, command: str) -> None:
    # One letter of the copied sentence, in the file's bytes, as a failing disk would change it.
    data = bytearray((desk / INDEX).read_bytes())
    at = data.find(COPIED.encode("utf-8"))
    assert at > 0
    space = data.index(b" ", at)
    data[space] = ord("_")
    (desk / INDEX).write_bytes(data)
    assert_refused(provenance(*COMMANDS[command]), why="does not match its digest")


@pytest.mark.parametrize("command", ["stats", "report"])
@pytest.mark.parametrize(
    ("column", "why"),
    [("record", "does not match its digest"), ("lines", "does not match its seal"), ("made_with", "does not match its seal")],
)
def test_a_damaged_record_is_refused(provenance: Provenance, desk: Path, command: str, column: str, why: str) -> None:
    # `index report` reads each record, `index stats` checks them all; `check` reads none.
    value = "randomblob(length(record))" if column == "record" else f"{column} || 'x'"
    damage(desk, f"UPDATE records SET {column} = {value} WHERE document = 2")
    assert_refused(provenance(*COMMANDS[command]), why=f"the record of document row 2 {why}")


def test_an_index_of_another_format_says_so(provenance: Provenance, desk: Path) -> None:
    damage(desk, "UPDATE meta SET value = replace(value, '\"format\": 5', '\"format\": 3') WHERE key = 'parameters'")
    assert_refused(provenance(*COMMANDS["stats"]), why="index format 3, this version reads format 5")


@pytest.mark.parametrize("trial", range(8))
def test_flipped_bytes_never_give_other_findings(
    provenance: Provenance, desk: Path, intact: Path, trial: int
) -> None:
    """Bits flipped anywhere in the file: each command refuses in one line, or gives what the
    intact index gives; `check` may at most lose a source (a damaged posting), never gain one."""
    expected = {name: provenance(*COMMANDS[name]) for name in ("check", "stats")}
    rng = random.Random(trial)
    data = bytearray(intact.read_bytes())
    for _ in range(4):
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)
    (desk / INDEX).write_bytes(data)
    for name in ("check", "stats", "add"):
        outcome = provenance(*COMMANDS[name])
        if outcome.returncode == 2:
            assert_refused(outcome, why="")
        elif name == "check":
            assert outcome.returncode in (0, 1) and not outcome.stderr, outcome
            assert source_entries(outcome.stdout) <= source_entries(expected["check"].stdout)
        elif name == "stats":
            assert outcome == expected["stats"]
        else:
            assert outcome.returncode == 0 and "Traceback" not in outcome.stderr, outcome


def test_the_library_raises_index_problem(desk: Path) -> None:
    damage(desk, "UPDATE documents SET title = 'forged' WHERE number = 1")
    with Index(desk / INDEX, check_pages=False) as index:
        assert len(index) == 5
        with pytest.raises(IndexProblem, match="row 1 does not match its seal"):
            index.documents()
    with pytest.raises(IndexProblem, match="row 1 does not match its seal"), Index(desk / INDEX) as index:
        index.stats()


def test_pages_are_checked_when_an_existing_index_is_opened_to_add(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import provenance.index.store as store

    checked: list[Path] = []
    monkeypatch.setattr(store.Index, "_check_pages", lambda self: checked.append(self.path))
    Index(desk / INDEX, create=True).close()  # as `index add` opens it
    Index(desk / "new.sqlite", create=True).close()  # nothing to check yet
    Index(desk / INDEX, check_pages=False).close()  # as `check` opens it
    assert checked == [desk / INDEX]

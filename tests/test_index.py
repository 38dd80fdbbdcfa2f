"""The persistent index: adding, replacing, removing, safe storage, crashes, concurrent writers,
and the same lineage as `scan` for the same documents."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest
from cli_process import run_cli
from datasketch import LeanMinHash, MinHash

from provenance.detect.fingerprint import shingles, units
from provenance.editorial.masking import masked_analysis
from provenance.index import Index, IndexProblem, SettingsMismatch
from provenance.ingest import DecodeProblem, IngestResult, ReadOptions, decode, ingest_folder, load_manifest
from provenance.pipeline import scan, scan_documents
from provenance.settings import DetectionSettings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
# Dated first, in date order; then the year-less and the undated article.
DATE_ORDER = ["001", "000", "002", "004", "003"]


def seed_file(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def table_dump(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        docs = db.execute("SELECT * FROM documents ORDER BY number").fetchall()
        postings = db.execute("SELECT * FROM postings ORDER BY hash, document").fetchall()
    return [*docs, *postings]


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        for prefix in DATE_ORDER:
            result = index.add(ingest_folder(seed_file(prefix)))
            assert len(result.added) == 1
    return path


@pytest.fixture
def copied(tmp_path: Path) -> tuple[Path, Path]:
    """An index of a copy of the seeds (which a test may change), and that copy."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    path = tmp_path / "copied.sqlite"
    with Index(path, create=True) as index:
        assert len(index.add(ingest_folder(folder)).added) == 5
    return path, folder


def test_seeds_added_one_by_one(seeded: Path) -> None:
    with Index(seeded) as index:
        stats = index.stats()
        assert (stats.documents, stats.outlets) == (5, 3)
        assert (stats.first_date, stats.last_date, stats.without_year) == ("2025-10-09", "2025-10-10", 2)
        assert stats.passages > 100 and stats.size_bytes > 0
        assert index.integrity() == "ok"
        # The index keeps the documents exactly: text, offsets and metadata.
        assert index.documents() == ingest_folder(SEEDS).documents


def test_unchanged_re_add_is_a_no_op(seeded: Path) -> None:
    before = table_dump(seeded)
    with Index(seeded) as index:
        result = index.add(ingest_folder(SEEDS))
    assert (result.added, result.replaced) == ([], [])
    assert len(result.unchanged) == 5
    assert table_dump(seeded) == before


def test_corrected_metadata_replaces_the_old_version(seeded: Path, tmp_path: Path) -> None:
    # Same text, a date from a manifest: the index must not keep the old, year-less date.
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps([{"id": seed_file("004").stem, "date": "2025-11-16"}]), encoding="utf-8")
    with Index(seeded) as index:
        result = index.add(ingest_folder(SEEDS, options=ReadOptions(manifest=load_manifest(manifest))))
        assert (result.replaced, len(result.unchanged)) == ([seed_file("004").stem], 4)
        [doc] = [d for d in index.documents() if d.id == seed_file("004").stem]
    assert (doc.date.value, doc.date.source) == ("2025-11-16", "manifest")


def test_changed_document_replaces_its_old_version(copied: tuple[Path, Path]) -> None:
    path, folder = copied
    original = seed_file("002")
    (folder / original.name).write_text(
        original.read_text(encoding="utf-8") + "\nДобавлено позже: новый абзац.\n", encoding="utf-8"
    )
    with Index(path) as index:
        result = index.add(ingest_folder(folder))
        assert result.replaced == [original.stem] and not result.added and len(result.unchanged) == 4
        assert [(c.id, c.changed) for c in result.changes] == [(original.stem, ("text",))]
        assert len(index) == 5
        doc = next(d for d in index.documents() if d.id == original.stem)
        assert doc.text.endswith("новый абзац.\n")
    with sqlite3.connect(path) as db:
        numbers = {n for (n,) in db.execute("SELECT number FROM documents")}
        posted = {n for (n,) in db.execute("SELECT DISTINCT document FROM postings")}
    assert posted <= numbers  # no postings left of the old version


def test_a_same_named_file_elsewhere_is_another_document(copied: tuple[Path, Path], tmp_path: Path) -> None:
    path, _ = copied
    elsewhere = tmp_path / "orda"
    elsewhere.mkdir()
    original = seed_file("002")
    (elsewhere / original.name).write_text("Совсем другая статья Орды о другом событии.\n", encoding="utf-8")
    with Index(path) as index:
        result = index.add(ingest_folder(elsewhere))
        assert result.added == [f"orda/{original.stem}"] and not result.replaced
        assert result.renamed == {original.stem: f"orda/{original.stem}"}
        assert len(index) == 6
        texts = {d.id: d.text for d in index.documents()}
    assert texts[original.stem] == original.read_text(encoding="utf-8")  # the first one is kept as it was


def test_remove(seeded: Path) -> None:
    with Index(seeded) as index:
        removed, missing = index.remove([seed_file("000").stem, "no-such-id"])
        assert removed == [seed_file("000").stem] and missing == ["no-such-id"]
        assert len(index) == 4
    with sqlite3.connect(seeded) as db:
        numbers = {n for (n,) in db.execute("SELECT number FROM documents")}
        assert {n for (n,) in db.execute("SELECT DISTINCT document FROM postings")} == numbers


def test_index_report_is_the_scan_report(seeded: Path) -> None:
    with Index(seeded) as index:
        docs = index.documents()
    from_index = scan_documents(IngestResult(docs, [], [], len(docs)), "index.sqlite", jobs=1).to_dict()
    from_scan = scan(SEEDS, jobs=1).to_dict()
    for key in ("parameters", "documents", "links", "clusters", "boilerplate", "summary"):
        assert from_index[key] == from_scan[key], key
    assert from_index["links"]


def test_signatures_are_datasketch_bytes_and_nothing_is_pickled(seeded: Path) -> None:
    settings = DetectionSettings()
    doc = next(d for d in ingest_folder(SEEDS).documents if d.id.startswith("001"))
    with sqlite3.connect(seeded) as db:
        blob = db.execute("SELECT signature FROM documents WHERE id = ?", (doc.id,)).fetchone()[0]
        blobs = [b for row in db.execute("SELECT signature, shingles FROM documents") for b in row]
    # The document's shingle set, fed to datasketch itself.
    view, _ = masked_analysis(doc.text, doc.body, [])
    reference = MinHash(num_perm=settings.num_perm, seed=settings.seed, scheme="affine32", hashfunc=zlib.crc32)
    for a, b in units(view.sentence_tokens, settings):
        reference.update_batch(shingles(view.norms, a, b, settings.shingle_words))
    stored = LeanMinHash.deserialize(blob, "<")
    assert np.array_equal(stored.hashvalues, reference.hashvalues)
    assert not any(b.startswith(b"\x80") for b in blobs)  # pickle's protocol marker


def test_other_settings_are_refused_with_the_differences_named(seeded: Path) -> None:
    with pytest.raises(SettingsMismatch, match=r"num_perm=128 \(asked 64\)"):
        Index(seeded, DetectionSettings(num_perm=64, lsh_bands=32))
    with pytest.raises(SettingsMismatch, match="shingle_words"):
        Index(seeded, DetectionSettings(shingle_words=4))
    # Thresholds applied at query time are free.
    Index(seeded, DetectionSettings(min_words=12)).close()


def test_missing_foreign_and_corrupt_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(IndexProblem, match="no index here"):
        Index(tmp_path / "none.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(IndexProblem, match=r"junk\.sqlite"):
        Index(junk)
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(IndexProblem, match="another program"):
        Index(foreign)


_ADD_AND_HANG = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from provenance.index import Index
    from provenance.ingest import ingest_folder

    def hang(done, total):
        # Inside the transaction, after the documents are written and before the commit.
        print("written", done, total, flush=True)
        time.sleep(600)

    with Index(Path(sys.argv[1]), create=True) as index:
        index.add(ingest_folder(Path(sys.argv[2])), progress=hang)
    """
)


def test_a_killed_add_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        index.add(ingest_folder(seed_file("001")))
    before = table_dump(path)
    child = subprocess.Popen(
        [sys.executable, "-c", _ADD_AND_HANG, str(path), str(SEEDS)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().startswith("written 4 4")
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with Index(path) as index:
        assert index.integrity() == "ok"
        assert table_dump(path) == before
        result = index.add(ingest_folder(SEEDS))
        assert len(result.added) == 4 and len(index) == 5


def test_two_processes_adding_at_once(tmp_path: Path) -> None:
    from bench.scale_corpus import generate

    corpus = tmp_path / "corpus"
    generate(160, corpus, seed=5)
    files = sorted(str(p) for p in corpus.rglob("*.txt"))
    path = tmp_path / "index.sqlite"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    halves = (files[::2], files[1::2])
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "provenance", "index", "add", "--index", str(path), "-q", "-j", "1", *half],
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=env,
        )
        for half in halves
    ]
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
    with Index(path) as index:
        assert index.integrity() == "ok"
        assert len(index) == len(files)
        # Each file was named on its own, so its id is its name without the folder.
        assert index.ids() == sorted(Path(f).stem for f in files)
    with sqlite3.connect(path) as db:
        numbers = {n for (n,) in db.execute("SELECT number FROM documents")}
        assert {n for (n,) in db.execute("SELECT DISTINCT document FROM postings")} == numbers


def test_cli_index_report_is_the_scan_report(tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, cwd=tmp_path)

    for prefix in DATE_ORDER:
        assert cli("index", "add", str(seed_file(prefix)), "-q").returncode == 0
    again = cli("index", "add", str(SEEDS))
    assert again.returncode == 0 and "0 added, 0 replaced, 5 unchanged" in again.stderr
    result = cli("index", "report", "-o", "out", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["out/lineage.json", "out/lineage.html"]
    assert cli("validate", "out/lineage.json").returncode == 0
    from_index = json.loads((tmp_path / "out" / "lineage.json").read_text(encoding="utf-8"))
    from_scan = json.loads((REPO / "reports" / "lineage.json").read_text(encoding="utf-8"))
    for key in ("parameters", "documents", "links", "clusters", "boilerplate", "summary"):
        assert from_index[key] == from_scan[key], key
    stats = cli("index", "stats", "--json")
    assert json.loads(stats.stdout)["documents"] == 5
    removed = cli("index", "remove", seed_file("003").stem, "nope")
    assert removed.returncode == 1 and "nope: not in the index" in removed.stderr
    assert json.loads(cli("index", "stats", "--json").stdout)["documents"] == 4


def test_cli_index_report_takes_the_texts_choice_as_scan_does(tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, cwd=tmp_path)

    assert cli("index", "add", str(SEEDS), "-q").returncode == 0
    for texts in ("linked", "all"):
        result = cli("index", "report", "-o", texts, "-q", "--format", "json", "--texts", texts)
        assert result.returncode == 0, result.stderr
        scanned = cli("scan", str(SEEDS), "-o", f"scan-{texts}", "-q", "--format", "json", "--texts", texts)
        assert scanned.returncode == 0, scanned.stderr
        from_index = json.loads((tmp_path / texts / "lineage.json").read_text(encoding="utf-8"))
        from_scan = json.loads((tmp_path / f"scan-{texts}" / "lineage.json").read_text(encoding="utf-8"))
        assert from_index["parameters"]["texts"] == texts
        for key in ("parameters", "documents", "links", "clusters", "summary"):
            assert from_index[key] == from_scan[key], (texts, key)
        # Two seeds share nothing: only `all` carries every text.
        assert all("text" in d for d in from_index["documents"]) == (texts == "all")


def decode_problem(data: bytes) -> str:
    with pytest.raises(DecodeProblem) as caught:
        decode(data)
    return str(caught.value)


def test_cli_add_of_nothing_readable_is_exit_2_and_creates_no_index(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.txt").write_bytes(b"\x00\x01\x02 not text \xff")
    result = run_cli("index", "add", "in", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "provenance: warning: broken.txt: " + decode_problem(b"\x00\x01\x02 not text \xff"),
        "provenance: error: in: no readable documents (.txt, .jsonl, .json, .html, .htm) found",
    ]
    assert not (tmp_path / "provenance-index.sqlite").exists()


def test_a_first_add_that_fails_while_analysing_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new index is created only when its first documents are written: an add stopped
    before (a worker killed, Ctrl-C) leaves nothing behind, not an empty index."""
    import provenance.index.store as store

    def die(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "index_entries", die)
    path = tmp_path / "new" / "index.sqlite"
    with Index(path, create=True) as index, pytest.raises(KeyboardInterrupt):
        index.add(ingest_folder(SEEDS))
    assert not path.exists() and not path.parent.exists()
    monkeypatch.undo()
    with Index(path, create=True) as index:
        assert len(index.add(ingest_folder(SEEDS)).added) == 5
    with Index(path) as index:
        assert len(index) == 5 and index.integrity() == "ok"


def test_a_record_moved_down_its_file_is_unchanged_with_its_line_brought_up_to_date(tmp_path: Path) -> None:
    def record(doc_id: str, words: str) -> str:
        text = f"{words} — статья о событиях недели в Астане, записанная в файл архива."
        return json.dumps({"id": doc_id, "text": text}, ensure_ascii=False)

    feed = tmp_path / "feed.jsonl"
    feed.write_text(record("a", "Первая") + "\n" + record("b", "Вторая") + "\n", encoding="utf-8")
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        assert index.add(ingest_folder(feed)).added == ["a", "b"]
    feed.write_text("\n".join([record("c", "Новая"), record("a", "Первая"), record("b", "Вторая")]) + "\n")
    with Index(path) as index:
        result = index.add(ingest_folder(feed))
        assert (result.added, result.replaced, sorted(result.unchanged)) == (["c"], [], ["a", "b"])
        assert {d.id: d.line for d in index.documents()} == {"a": 2, "b": 3, "c": 1}
        assert index.stats().verified == 3  # the rows rewritten are sealed again

"""`index report` from the records the index stores: byte for byte the report `scan` writes
of the same documents, whatever the order and batches they were added in and after removals,
with only the documents whose record depends on the others (a line frequent in their outlet)
analysed again; records made otherwise, and an index of format 4, brought up to date."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import shutil
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest
from cli_process import run_main

from bench.index_report import EDGE_LINE, furnish
from bench.scale_corpus import generate
from provenance import record
from provenance.analysis import line_statistics
from provenance.editorial.boilerplate import LineCounts, document_lines, judged_by_frequency
from provenance.executor import LocalExecutor
from provenance.index import Index, IndexProblem
from provenance.index.entries import NO_LINE_STATISTICS, record_key
from provenance.index.report import index_report
from provenance.index.store import FORMAT_VERSION, UPGRADABLE_FORMAT
from provenance.ingest import Document, IngestResult, ingest_folder, load_registry
from provenance.pipeline import dumps, scan
from provenance.record import analyse
from provenance.report.model import Report
from provenance.settings import DetectionSettings
from provenance.shards import record_bytes

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
ARTICLES = 120


def canonical(report: Report) -> str:
    """The report as JSON, but for the name of its input (the folder scanned, or the index's
    file): all that differs between a scan and an index report of the same documents."""
    return dumps(dataclasses.replace(report, input=dataclasses.replace(report.input, root="-")))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated articles with planted copies, of two outlets and of none, some with lines
    frequent in their outlet."""
    folder = tmp_path_factory.mktemp("furnished") / "corpus"
    generate(ARTICLES, folder, seed=3)
    furnish(folder)
    return folder


@pytest.fixture(scope="module")
def ingested(corpus: Path) -> IngestResult:
    return ingest_folder(corpus)


@pytest.fixture(scope="module")
def scanned(corpus: Path) -> str:
    return canonical(scan(corpus, jobs=1))


def judged(docs: list[Document]) -> list[str]:
    """The ids of the documents with a line frequent in their outlet among `docs`."""
    frequent = line_statistics(docs).frequent()
    return sorted(
        d.id for d in docs if judged_by_frequency(document_lines(d.text, d.body, d.outlet), d.outlet, frequent)
    )


@pytest.fixture
def analysed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the documents the per-document step analyses from now on, in this process
    (the runs below have one job)."""
    calls: list[str] = []
    real = record.analyse

    def counted(doc: Document, *args: object) -> record.AnalysedDocument:
        calls.append(doc.id)
        return real(doc, *args)  # type: ignore[arg-type]

    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("provenance") and getattr(module, "analyse", None) is real:
            monkeypatch.setattr(module, "analyse", counted)
    return calls


def report_of(path: Path, settings: DetectionSettings | None = None, **kwargs: object) -> tuple[str, LocalExecutor]:
    executor = LocalExecutor(1)
    with Index(path, settings) as index:
        return canonical(index_report(index, jobs=executor, **kwargs)), executor  # type: ignore[arg-type]


def stored(path: Path) -> dict[str, tuple[str, str, bytes]]:
    """What the index stores for its report, by document id: what each record was made with,
    the document's line keys, and the record."""
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute(
            "SELECT d.id, r.made_with, r.lines, r.record FROM records r JOIN documents d ON d.number = r.document"
        )
        return {i: (m, lines, bytes(r)) for i, m, lines, r in rows}


def index_line_counts(path: Path) -> LineCounts:
    """The index's line statistics: the merge of what each document adds."""
    counts = LineCounts()
    with Index(path) as index:
        for s in index.indexed():
            assert s.stored is not None
            counts.add(s.document.outlet, s.stored.lines)
    return counts


def test_a_stored_record_is_the_scans_exactly_when_no_line_is_frequent(ingested: IngestResult) -> None:
    registry, settings = load_registry(), DetectionSettings()
    docs = ingested.documents
    frequent = line_statistics(docs).frequent()
    with_lines = set(judged(docs))
    assert 0 < len(with_lines) < len(docs) / 2
    for doc in docs:
        alone = record_bytes(analyse(doc, NO_LINE_STATISTICS, registry, settings))
        in_corpus = record_bytes(analyse(doc, frequent, registry, settings))
        # The corpus's furniture lines are none of the registry's patterns: marked as frequent,
        # they change the record.
        assert (alone == in_corpus) == (doc.id not in with_lines), doc.id


def test_index_report_reads_the_stored_records_and_is_the_scan_report(
    ingested: IngestResult, scanned: str, analysed: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        index.add(ingested)
    analysed.clear()
    report, executor = report_of(path)
    assert report == scanned
    assert any(b["rule"] == "frequency" for b in json.loads(report)["boilerplate"])
    # Only the documents with a frequent line were analysed, each once.
    assert sorted(analysed) == judged(ingested.documents)
    steps = {s.step: s for s in executor.stats}
    assert steps["analyse"].items_in == len(analysed)
    assert steps["records"].items_in == ARTICLES - len(analysed) and steps["records"].items_out == ARTICLES


@pytest.mark.parametrize("texts", ["linked", "all"])
def test_the_seeds_are_read_without_analysing_any(analysed: list[str], tmp_path: Path, texts: str) -> None:
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        index.add(ingest_folder(SEEDS))
    expected = canonical(scan(SEEDS, jobs=1, texts=texts))  # type: ignore[arg-type]
    analysed.clear()
    report, _ = report_of(path, texts=texts)
    assert report == expected and not analysed


def test_adding_in_any_order_and_batches_stores_the_same_statistics_and_report(
    ingested: IngestResult, scanned: str, tmp_path: Path
) -> None:
    docs = ingested.documents
    interleaved = docs[1::2] + docs[::2]
    cuts = [0, 7, 37, 38, 88, len(docs)]
    ways = {
        "one": [docs],
        "batches": [interleaved[a:b] for a, b in itertools.pairwise(cuts)],
        "reversed": [docs[::-1]],
    }
    results = {}
    for name, batches in ways.items():
        path = tmp_path / name / "index.sqlite"
        with Index(path, create=True) as index:
            for batch in batches:
                index.add(dataclasses.replace(ingested, documents=batch))
        results[name] = (stored(path), index_line_counts(path), report_of(path)[0])
    assert results["one"] == results["batches"] == results["reversed"]
    assert len(results["one"][0]) == ARTICLES
    # The merge of what each document adds is the scan's statistics of the same documents.
    assert results["one"][1] == line_statistics(docs)
    assert results["one"][2] == scanned


def test_remove_then_report_is_the_scan_of_the_rest(
    corpus: Path, ingested: IngestResult, analysed: list[str], tmp_path: Path
) -> None:
    docs = ingested.documents
    edge = [d for d in docs if EDGE_LINE in d.text]
    # One article carrying the line frequent by the fewest articles, one of each other kind.
    gone = [edge[0], next(d for d in docs if d.outlet == "Tengrinews"), next(d for d in docs if d.outlet is None)]
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        index.add(ingested)
        assert index.remove([d.id for d in gone]) == ([d.id for d in gone], [])
    rest = tmp_path / "rest"
    shutil.copytree(corpus, rest)
    for d in gone:
        (rest / f"{d.id}.txt").unlink()
    edge_key = next(iter(document_lines(EDGE_LINE, (0, len(EDGE_LINE)), "NUR.KZ")))
    assert edge_key in line_statistics(docs).frequent()["NUR.KZ"]
    counts = index_line_counts(path)
    left = ingest_folder(rest).documents
    assert counts == line_statistics(left)
    assert edge_key not in counts.frequent()["NUR.KZ"]
    expected = canonical(scan(rest, jobs=1))
    analysed.clear()
    report, _ = report_of(path)
    assert report == expected
    assert sorted(analysed) == judged(left)
    # Articles whose one frequent line was the edge line are read from the index now.
    assert {d.id for d in edge} & set(judged(docs)) - set(analysed)


def test_records_made_with_other_settings_are_analysed_again_and_stored(
    analysed: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        index.add(ingest_folder(SEEDS))
    added = stored(path)
    other = DetectionSettings(min_words=10)
    expected = canonical(scan(SEEDS, other, jobs=1))
    analysed.clear()
    report, _ = report_of(path, other)
    assert report == expected
    assert len(analysed) == 5
    refreshed = stored(path)
    assert {m for m, _, _ in refreshed.values()} == {record_key(load_registry(), other)}
    assert all(refreshed[i][1] == added[i][1] for i in added)  # the same line keys
    analysed.clear()
    assert report_of(path, other)[0] == report and not analysed


def test_a_record_made_with_another_registry_is_not_read(
    corpus: Path, ingested: IngestResult, analysed: list[str], tmp_path: Path
) -> None:
    own = tmp_path / "outlets.json"
    own.write_text(
        json.dumps({"boilerplate": ["Все главные новости дня в нашем приложении"], "outlets": []}, ensure_ascii=False),
        encoding="utf-8",
    )
    registry = load_registry(own)
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        index.add(ingested)
    expected = canonical(scan(corpus, registry=registry, jobs=1))
    analysed.clear()
    report, _ = report_of(path, registry=registry)
    assert report == expected
    assert sorted(set(analysed)) == sorted(d.id for d in ingested.documents)


def test_the_record_key_names_every_setting_the_record_depends_on() -> None:
    registry, default = load_registry(), DetectionSettings()
    docs = ingest_folder(SEEDS).documents
    records = [record_bytes(analyse(d, NO_LINE_STATISTICS, registry, default)) for d in docs]
    changed = set()
    for field in dataclasses.fields(DetectionSettings):
        value = getattr(default, field.name)
        for candidate in (value * 2, value / 2, value + 1, value - 1):
            try:
                settings = dataclasses.replace(default, **{field.name: type(value)(candidate)})
            except ValueError:
                continue
            others = [record_bytes(analyse(d, NO_LINE_STATISTICS, registry, settings)) for d in docs]
            if others != records:
                changed.add(field.name)
                assert record_key(registry, settings) != record_key(registry, default), field.name
    assert {"min_words", "unit_max_words", "shingle_words"} <= changed


def format_4(path: Path) -> None:
    """Make an index written by this version one of format 4, as the version before wrote it:
    the same tables but records, the same parameters but the format."""
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("DROP TABLE records")
        params = json.loads(db.execute("SELECT value FROM meta WHERE key = 'parameters'").fetchone()[0])
        text = json.dumps({**params, "format": UPGRADABLE_FORMAT}, sort_keys=True)
        db.execute("UPDATE meta SET value = ? WHERE key = 'parameters'", (text,))
        db.execute("UPDATE meta SET value = ? WHERE key = 'seal'", (hashlib.sha256(text.encode()).hexdigest(),))


def schema(path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_an_index_of_format_4_is_upgraded_and_its_first_report_stores_the_records(
    ingested: IngestResult, scanned: str, analysed: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        index.add(ingested)
    fresh = stored(path)
    format_4(path)
    with Index(path) as index:
        assert index.parameters["format"] == FORMAT_VERSION and len(index) == ARTICLES
    new = tmp_path / "new.sqlite"
    with Index(new, create=True) as index:
        assert len(index) == 0  # created when first used
    assert schema(path) == schema(new) and stored(path) == {}
    analysed.clear()
    report, executor = report_of(path)
    assert report == scanned
    # Every document analysed as the index stores it, and again where a line is frequent.
    with_lines = judged(ingested.documents)
    assert sorted(analysed) == sorted([d.id for d in ingested.documents] + with_lines)
    assert next(s for s in executor.stats if s.step == "records").items_in == 0
    assert stored(path) == fresh
    analysed.clear()
    assert report_of(path)[0] == scanned and sorted(analysed) == with_lines


def test_other_formats_are_told_to_build_again(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        index.add(ingest_folder(SEEDS))
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE meta SET value = replace(value, '\"format\": 5', '\"format\": 3') WHERE key = 'parameters'")
    outcome = run_main("index", "report", "--index", str(path), "-o", str(tmp_path / "out"))
    assert outcome.returncode == 2 and outcome.stderr.count("\n") == 1
    assert "index format 3, this version reads format 5; build it again from its sources" in outcome.stderr


def test_verbose_report_says_what_was_read_and_what_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_main("index", "add", str(SEEDS), "-q").returncode == 0
    outcome = run_main("index", "report", "-o", "out", "-v", "-j", "1")
    assert outcome.returncode == 0, outcome.stderr
    assert "read 5 records from the index; analysed 0 documents again" in outcome.stderr
    assert "analyse: 0 documents in" in outcome.stderr
    assert "records: 5 stored records in, 5 out" in outcome.stderr
    steps = json.loads((tmp_path / "out" / "lineage.steps.json").read_text(encoding="utf-8"))["steps"]
    assert [s["step"] for s in steps][:3] == ["lines", "analyse", "records"]


def test_an_index_of_format_4_that_cannot_be_written_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import provenance.index.store as store

    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        index.add(ingest_folder(SEEDS))
    format_4(path)

    def read_only(self: object) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(store._Transaction, "__enter__", read_only)
    with pytest.raises(IndexProblem) as raised:
        Index(path)
    assert str(raised.value) == (
        f"{path}: index format 4 is upgraded to format 5 when opened, and it cannot be written now "
        "(attempt to write a readonly database); open it once where it can be"
    )
    monkeypatch.undo()
    with Index(path) as index:
        assert index.parameters["format"] == FORMAT_VERSION

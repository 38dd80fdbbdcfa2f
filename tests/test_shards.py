"""Records on disk: Parquet shards that give back exactly what the per-document step made."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from provenance import analysis as analysis_module
from provenance import documents as documents_module
from provenance import parquet
from provenance.analysis import analyse_documents, line_statistics
from provenance.documents import DocumentWriter
from provenance.ingest import ingest_folder, load_registry
from provenance.parallel import run_parallel
from provenance.parquet import write_shard
from provenance.record import analyse
from provenance.settings import DetectionSettings
from provenance.shards import (
    RECORD_SCHEMA,
    WordsArray,
    analyse_to_shards,
    read_corpus_shingles,
    read_findings,
    read_shingles,
    record_bytes,
    stored_records,
    word_counts,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SETTINGS = DetectionSettings()


@pytest.fixture(scope="module")
def seeds_docs() -> list:
    docs = ingest_folder(SEEDS).documents
    return docs * 60  # several shards (more than one chunk of work)


def test_shards_give_back_the_records_the_step_made(
    seeds_docs: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet, "ROWS_PER_GROUP", 8)  # several row groups per shard
    registry = load_registry()
    in_memory = analyse_documents(seeds_docs, registry, SETTINGS)
    shards = analyse_to_shards(seeds_docs, registry, SETTINGS, tmp_path / "records", 2)
    assert len(shards.paths) > 1 and pq.ParquetFile(shards.paths[0][1]).num_row_groups > 1
    assert [first for first, _ in shards.paths] == sorted(f for f, _ in shards.paths)
    findings = [f for _, p in shards.paths for f in read_findings(p)]
    shingles = [s for _, p in shards.paths for s in read_shingles(p)]
    words = WordsArray(shards.paths, shards.word_counts, tmp_path / "words")
    assert len(findings) == len(shingles) == len(in_memory)
    assert shards.word_counts == [len(r.words) for r in in_memory]
    # Read in any order.
    order = list(range(len(in_memory)))[::-7] + list(range(len(in_memory)))
    for n in order:
        r = in_memory[n]
        f, s, w = findings[n], shingles[n], words[n]
        assert (f.boilerplate, f.repeats, f.quotations, f.credits) == (
            r.boilerplate,
            r.repeats,
            r.quotations,
            r.credits,
        )
        assert np.array_equal(s.units, r.shingles.units) and np.array_equal(s.offsets, r.shingles.offsets)
        assert np.array_equal(s.hashes, r.shingles.hashes) and s.hashes.dtype == np.uint32
        assert np.array_equal(w.ids, r.words.ids) and w.ids.dtype == np.uint64
        assert np.array_equal(w.starts, r.words.starts) and np.array_equal(w.ends, r.words.ends)
    assert any(f.credits for f in findings) and any(f.quotations for f in findings)
    # The shingles of the whole run, flat, are those of the records one after the other.
    flat = read_corpus_shingles(shards.paths[::-1])
    assert len(flat) == len(in_memory) and flat.hashes.dtype == np.uint32
    for n, r in enumerate(in_memory):
        units = range(int(flat.doc_units[n]), int(flat.doc_units[n + 1]))
        assert len(units) == len(r.shingles)
        start = flat.offsets[units.start]
        assert np.array_equal(flat.offsets[units.start : units.stop + 1] - start, r.shingles.offsets)
        assert np.array_equal(flat.hashes[start : flat.offsets[units.stop]], r.shingles.hashes)


def test_documents_in_a_store_are_analysed_as_in_memory(
    seeds_docs: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Documents shards of 50 and line counting in batches of 7: chunks of work start and end
    # inside shards and batches.
    monkeypatch.setattr(documents_module, "SHARD_DOCUMENTS", 50)
    monkeypatch.setattr(analysis_module, "_BATCH", 7)
    writer = DocumentWriter(tmp_path / "documents")
    for doc in seeds_docs:
        writer.add(doc)
    registry = load_registry()
    with writer.finish() as store:
        assert len(store.shards) > 2
        counted = line_statistics(store, 2)
        assert counted == line_statistics(seeds_docs) and counted.documents
        on_disk = analyse_to_shards(store, registry, SETTINGS, tmp_path / "from-store", 2)
    in_memory = analyse_to_shards(seeds_docs, registry, SETTINGS, tmp_path / "from-memory", 2)
    assert [p.read_bytes() for _, p in on_disk.paths] == [p.read_bytes() for _, p in in_memory.paths]


def test_a_shard_is_plain_parquet_in_the_documented_schema(seeds_docs: list, tmp_path: Path) -> None:
    shards = analyse_to_shards(seeds_docs[:5], load_registry(), SETTINGS, tmp_path, 1)
    [(first, path)] = shards.paths
    table = pq.read_table(path)
    assert first == 0 and table.schema.equals(RECORD_SCHEMA)
    assert table.column("id").to_pylist() == [d.id for d in seeds_docs[:5]]
    assert table.column("number").to_pylist() == list(range(5))


def test_the_step_alone_on_the_same_input_writes_the_same_bytes(seeds_docs: list, tmp_path: Path) -> None:
    registry = load_registry()
    one = analyse_to_shards(seeds_docs, registry, SETTINGS, tmp_path / "one", 1)
    two = analyse_to_shards(seeds_docs, registry, SETTINGS, tmp_path / "two", 2)
    assert [p.name for _, p in one.paths] == [p.name for _, p in two.paths]
    assert all(a.read_bytes() == b.read_bytes() for (_, a), (_, b) in zip(one.paths, two.paths, strict=True))
    assert not [p for p in (tmp_path / "one").iterdir() if p.suffix != ".parquet"]


def test_a_document_outside_the_shards_is_an_error(seeds_docs: list, tmp_path: Path) -> None:
    shards = analyse_to_shards(seeds_docs[:3], load_registry(), SETTINGS, tmp_path / "records", 1)
    words = WordsArray(shards.paths, shards.word_counts, tmp_path / "words")
    with pytest.raises(IndexError):
        words[-1]


def test_records_stored_alone_make_the_same_shard(seeds_docs: list, tmp_path: Path) -> None:
    docs = seeds_docs[:5]
    registry = load_registry()
    written = analyse_to_shards(docs, registry, SETTINGS, tmp_path / "analysed", 1)
    alone = [record_bytes(analyse(d, line_statistics(docs).frequent(), registry, SETTINGS)) for d in docs]
    assert all(b.startswith(b"\x28\xb5\x2f\xfd") for b in alone)  # a plain zstd frame
    table = stored_records(0, [d.id for d in docs], alone)
    assert table.equals(pq.read_table(written.paths[0][1]))
    assert word_counts(table) == written.word_counts
    again = write_shard(tmp_path / "stored", 0, table)
    assert again.read_bytes() == written.paths[0][1].read_bytes()
    # Numbered and named where they are read.
    later = stored_records(7, ["x", "y"], alone[3:])
    assert later.column("number").to_pylist() == [7, 8] and later.column("id").to_pylist() == ["x", "y"]


def _words_in_workers(words: WordsArray) -> Callable[[list[int]], list[list[int]]]:
    def read(chunk: list[int]) -> list[list[int]]:
        return [words[n].ids.tolist() + words[n].starts.tolist() + words[n].ends.tolist() for n in chunk]

    return read


def test_forked_workers_read_the_words_and_a_closed_array_reads_nothing(
    seeds_docs: list, tmp_path: Path
) -> None:
    registry = load_registry()
    in_memory = analyse_documents(seeds_docs[:40], registry, SETTINGS)
    shards = analyse_to_shards(seeds_docs[:40], registry, SETTINGS, tmp_path / "records", 1)
    words = WordsArray(shards.paths, shards.word_counts, tmp_path / "words")
    order = list(range(40))[::-1]
    chunks = run_parallel(_words_in_workers(words), order, jobs=2, min_items=1)
    expected = [r.words.ids.tolist() + r.words.starts.tolist() + r.words.ends.tolist() for r in in_memory]
    assert [w for chunk in chunks for w in chunk] == [expected[n] for n in order]
    words.close()
    with pytest.raises(ValueError, match="closed"):
        words[0]

"""The document store: texts written to disk as they are read, read back whole, in any order,
by this process or a forked one; the documents shards another engine reads."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from seed_ids import SEEDS

from provenance import documents as store_module
from provenance import parquet
from provenance.documents import (
    DOCUMENT_SCHEMA,
    TEXTS_FILE,
    DocumentStore,
    DocumentWriter,
    bodies_of,
    document_of,
    documents_of,
    metadata_of,
    texts_of,
)
from provenance.ingest import Document, DocumentDate, ReadOptions, ingest_folder, ingest_paths
from provenance.ingest.manifest import load_manifest

ASTRAL = "Эмодзи 🙂 и готское 𐌰𐌱, математическое 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, иероглиф 𠀋."


def _documents() -> list[Document]:
    return [
        Document("a", "a.txt", "Первый текст.\n\nВторой абзац.", "txt", "utf-8"),
        Document("empty", "empty.txt", "", "txt", "utf-8"),  # no text at all
        Document(
            "rec",
            "feed.jsonl",
            "Заголовок\n\n" + ASTRAL,
            "jsonl",
            "utf-8",
            body_start=11,
            body_end=20,
            date=DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "record"),
            outlet="NUR.KZ",
            outlet_source="record",
            title="Заголовок",
            title_source="record",
            url="https://example.kz/a",
            url_source="record",
            line=3,
            # A file name whose bytes are not UTF-8, as Python keeps them.
            source_file="/data/\udcff\udcfe/feed.jsonl",
            record="7",
        ),
        Document(
            "b",
            "b.html",
            ASTRAL * 50,
            "html",
            "windows-1251",
            date=DocumentDate("--11-16", "month-day", "dateline"),
        ),
    ]


def _store(folder: Path, docs: list[Document]) -> DocumentStore:
    writer = DocumentWriter(folder)
    for doc in docs:
        writer.add(doc)
    return writer.finish()


def test_documents_come_back_whole_in_any_order(tmp_path: Path) -> None:
    docs = _documents()
    with _store(tmp_path / "docs", docs) as store:
        assert len(store) == len(docs)
        for i in (3, 0, 2, 1, 2, -1, -4):
            assert store[i] == docs[i]
            assert store[i].source_file == docs[i].source_file and store[i].record == docs[i].record
            assert store[i].body == docs[i].body and store[i].body_end == docs[i].body_end
            assert store[i].sha256 == docs[i].sha256
        assert list(store) == docs
        assert store[1:3] == docs[1:3]
        assert store.text(2) == docs[2].text and store[1].text == ""
        with pytest.raises(IndexError):
            store[len(docs)]
        with pytest.raises(IndexError):
            store[-len(docs) - 1]


def test_metadata_texts_and_bodies_need_no_text(tmp_path: Path) -> None:
    docs = _documents()
    with _store(tmp_path / "docs", docs) as store:
        meta = metadata_of(store)
        assert [d.text for d in meta] == [""] * len(docs)
        assert [d.id for d in meta] == [d.id for d in docs]
        assert [d.date for d in meta] == [d.date for d in docs]
        assert list(bodies_of(store)) == [d.body for d in docs]
        assert list(texts_of(store)) == [d.text for d in docs]
        assert texts_of(store)[::-1] == [d.text for d in reversed(docs)]
    # Documents in memory are their own metadata.
    assert metadata_of(docs) is docs and texts_of(docs) == [d.text for d in docs]


def test_the_texts_file_is_every_text_in_utf8_one_after_another(tmp_path: Path) -> None:
    docs = _documents()
    with _store(tmp_path / "docs", docs):
        data = (tmp_path / "docs" / TEXTS_FILE).read_bytes()
    assert data == "".join(d.text for d in docs).encode("utf-8")


def test_the_shards_hold_every_document_with_its_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "SHARD_DOCUMENTS", 3)
    docs = _documents() * 2
    with _store(tmp_path / "docs", docs) as store:
        names = [p.name for p in store.shards]
    assert names == ["part-000000000.parquet", "part-000000003.parquet", "part-000000006.parquet"]
    tables = [pq.read_table(tmp_path / "docs" / name) for name in names]
    assert all(t.schema.equals(DOCUMENT_SCHEMA) for t in tables)
    rows = [row for t in tables for row in t.to_pylist()]
    assert [row["number"] for row in rows] == list(range(len(docs)))
    back = [document_of(row) for row in rows]
    assert back == docs
    assert [d.source_file for d in back] == [d.source_file for d in docs]
    assert rows[2]["source_file"] == os.fsencode(docs[2].source_file)


def test_runs_of_documents_are_read_from_the_shards_as_the_store_gives_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Shards of 3 documents in row groups of 2: a run starts, ends and crosses each anywhere.
    monkeypatch.setattr(store_module, "SHARD_DOCUMENTS", 3)
    monkeypatch.setattr(parquet, "ROWS_PER_GROUP", 2)
    docs = _documents() * 2
    with _store(tmp_path / "docs", docs) as store:
        assert pq.ParquetFile(store.shards[0]).num_row_groups == 2
        for first in range(len(docs) + 1):
            for stop in range(first, len(docs) + 1):
                got = store.read(first, stop)
                assert got == docs[first:stop], (first, stop)
                assert [(d.source_file, d.record, d.body_end) for d in got] == [
                    (d.source_file, d.record, d.body_end) for d in docs[first:stop]
                ]
        with pytest.raises(IndexError):
            store.read(0, len(docs) + 1)
        with pytest.raises(IndexError):
            store.read(2, 1)
        # A run of consecutive indices is read from the shards; any other choice one by one.
        assert documents_of(store, [2, 3, 4]) == docs[2:5]
        assert documents_of(store, [4, 0, 4]) == [docs[4], docs[0], docs[4]]
        assert documents_of(store, []) == [] and documents_of(docs, [1, 3]) == [docs[1], docs[3]]


def test_a_large_text_makes_a_shard_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "SHARD_BYTES", 100)
    docs = _documents()
    with _store(tmp_path / "docs", docs) as store:
        # 0 and 1 are short; 2 passes 100 bytes with them; 3 alone.
        assert [p.name for p in store.shards] == ["part-000000000.parquet", "part-000000003.parquet"]


def test_a_forked_process_reads_the_store_it_inherits(tmp_path: Path) -> None:
    docs = _documents()
    with _store(tmp_path / "docs", docs) as store:
        store.text(0)  # something in this process's cache too
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: read in another order, send back what it read
            try:
                os.close(read)
                data = pickle.dumps([store[i] for i in (2, 3, 1, 0)])
                with os.fdopen(write, "wb") as out:
                    out.write(data)
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as got:
            from_child = pickle.loads(got.read())
        _, status = os.waitpid(pid, 0)
        assert status == 0
        assert from_child == [docs[i] for i in (2, 3, 1, 0)]
        assert store[2] == docs[2]  # and this process still reads it after the child's reads


def test_texts_evicted_from_the_cache_are_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "CACHE_CHARS", 10)
    docs = _documents()
    with _store(tmp_path / "docs", docs) as store:
        for _ in range(3):
            assert [store.text(i) for i in (3, 2, 0, 3, 1, 0)] == [docs[i].text for i in (3, 2, 0, 3, 1, 0)]


def test_a_closed_store_reads_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path / "docs", _documents())
    store.close()
    store.close()  # twice is fine
    with pytest.raises(ValueError, match="closed"):
        store[0]
    assert store.metadata[0].id == "a"  # what is in memory stays


def test_an_empty_store(tmp_path: Path) -> None:
    with _store(tmp_path / "docs", []) as store:
        assert len(store) == 0 and list(store) == [] and store.shards == []


def test_reading_into_a_store_gives_what_reading_into_memory_gives(tmp_path: Path) -> None:
    in_memory = ingest_folder(SEEDS)
    on_disk = ingest_paths([SEEDS], sink=DocumentWriter(tmp_path / "docs"))
    assert isinstance(on_disk.documents, DocumentStore)
    with on_disk.documents as store:
        assert list(store) == in_memory.documents
        assert (on_disk.warnings, on_disk.skipped, on_disk.files_seen) == (
            in_memory.warnings,
            in_memory.skipped,
            in_memory.files_seen,
        )


def test_a_manifest_applies_to_documents_read_into_a_store(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    first = sorted(p.name for p in SEEDS.iterdir() if p.suffix == ".txt")[0]
    # One entry by path, one naming no document, one date in the future.
    manifest.write_text(
        f"path,outlet,date\n{first},Tengrinews,2025-10-01\nnone.txt,Orda,2025-10-02\n"
        f"{sorted(p.name for p in SEEDS.iterdir() if p.suffix == '.txt')[1]},,2999-01-01\n",
        encoding="utf-8",
    )
    options = ReadOptions(manifest=load_manifest(manifest))
    in_memory = ingest_folder(SEEDS, options=options)
    on_disk = ingest_paths([SEEDS], options=options, sink=DocumentWriter(tmp_path / "docs"))
    with on_disk.documents as store:
        assert list(store) == in_memory.documents
    assert on_disk.warnings == in_memory.warnings
    assert [w.code for w in in_memory.warnings][-2:] == ["manifest-unmatched", "future-date"]
    assert in_memory.manifest == on_disk.manifest == str(manifest)


def test_a_text_with_a_lone_surrogate_is_refused_not_mangled(tmp_path: Path) -> None:
    # Reading never makes one (a surrogate escape in JSON is read as U+FFFD); should one
    # come, it is an error here rather than a text read back different.
    writer = DocumentWriter(tmp_path / "docs")
    with pytest.raises(UnicodeEncodeError):
        writer.add(Document("a", "a.txt", "half a pair: \ud800", "txt", "utf-8"))
    writer.discard()

"""The library's scan: texts on disk from reading to the report, the same report as from
documents in memory, and nothing left in the temporary folder once the report is gone,
however the run ends."""

from __future__ import annotations

import gc
import multiprocessing
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from seed_ids import SEEDS

from bench import lineage_corpus
from bench.scan_runner import write_jsonl
from provenance import documents, parallel, pipeline
from provenance.cli import Terminated
from provenance.documents import DocumentStore
from provenance.ingest import ingest_folder
from provenance.ingest.files import input_name
from provenance.pipeline import dumps, scan, scan_documents
from provenance.report.model import Texts
from provenance.report.stored import StoredNodes


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The folder temporary files go to during the test."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pipeline")
    records = lineage_corpus.records(lineage_corpus.generate(SEEDS, 100, seed=7))
    for n in range(0, len(records), 10):  # files, so that reading runs in several chunks
        write_jsonl(root / "corpus" / f"part-{n:03d}.jsonl", records[n : n + 10])
    return root / "corpus"


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every step in the pool, however small its work."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ITEMS", 1)


@pytest.mark.parametrize(("jobs", "texts"), [(1, "linked"), (2, "all")])
def test_a_scan_with_texts_on_disk_equals_one_with_texts_in_memory(
    corpus: Path, scratch: Path, pool: None, jobs: int, texts: Texts
) -> None:
    on_disk = scan(corpus, jobs=jobs, texts=texts)
    in_memory = scan_documents(ingest_folder(corpus, jobs=jobs), input_name([corpus]), jobs=jobs, texts=texts)
    assert on_disk.summary.links > 50
    assert dumps(on_disk) == dumps(in_memory)
    # The report's entries are read from its folder, which goes with the report.
    assert isinstance(on_disk.documents, StoredNodes) and on_disk.documents == in_memory.documents
    assert list(scratch.iterdir()) != []
    del on_disk, in_memory
    gc.collect()
    assert list(scratch.iterdir()) == []


def test_the_scan_reads_its_documents_from_a_store(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    real = pipeline.scan_documents

    def spy(ingested: Any, *args: Any) -> Any:
        seen.append(ingested.documents)
        store = ingested.documents
        assert isinstance(store, DocumentStore) and all(d.text == "" for d in store.metadata)
        assert sorted(p.name for p in store.folder.iterdir())[-1] == documents.TEXTS_FILE
        return real(ingested, *args)

    monkeypatch.setattr(pipeline, "scan_documents", spy)
    report = scan(SEEDS, jobs=1)
    assert len(seen) == 1 and len(report.documents) == len(seen[0])
    assert report.to_json() == (SEEDS.parent / "reports" / "lineage.json").read_bytes()
    seen[0][0]  # the report reads its texts from the store while it lives
    del report
    gc.collect()
    with pytest.raises(ValueError, match="closed"):  # closed once the report is gone
        seen[0][0]
    assert list(scratch.iterdir()) == []


def _raise(error: BaseException) -> Any:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    return fail


@pytest.mark.parametrize("error", [RuntimeError("broken"), KeyboardInterrupt(), Terminated()])
@pytest.mark.parametrize("where", ["read", "detect", "report"])
def test_nothing_is_left_behind_when_a_scan_fails(
    corpus: Path, scratch: Path, pool: None, monkeypatch: pytest.MonkeyPatch, error: BaseException, where: str
) -> None:
    if where == "read":  # while texts are being written, workers running
        added: list[int] = []
        real_add = documents.DocumentWriter.add

        def add(self: documents.DocumentWriter, doc: Any) -> None:
            added.append(1)
            if len(added) == 25:
                raise error
            real_add(self, doc)

        monkeypatch.setattr(documents.DocumentWriter, "add", add)
    else:
        target = {"detect": "find_reuse", "report": "build_report"}[where]
        monkeypatch.setattr(pipeline, target, _raise(error))
    with pytest.raises(type(error)):
        scan(corpus, jobs=2)
    assert list(scratch.iterdir()) == []
    assert multiprocessing.active_children() == []

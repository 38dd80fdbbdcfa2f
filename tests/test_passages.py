"""The align step's output on disk: passages read back as written, and the lineage step run
alone on a scan's passages file gives the scan's lineage, the same every time."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seed_ids import SEEDS

from bench import lineage_corpus
from bench.scan_runner import write_jsonl
from provenance import pipeline
from provenance.detect import Reuse, passages
from provenance.detect.passages import PASSAGE_SCHEMA, read_passages, write_passages
from provenance.documents import metadata_of
from provenance.ingest import ingest_folder
from provenance.lineage import lineage_by_component


@st.composite
def _reuse(draw: st.DrawFn) -> Reuse:
    a = draw(st.integers(0, 10**6))
    b = draw(st.integers(a + 1, 10**6 + 1))
    spans = [tuple(sorted(draw(st.lists(st.integers(0, 2**40), min_size=2, max_size=2)))) for _ in range(2)]
    points = draw(st.lists(st.integers(0, 2**40), max_size=12))
    packed = np.array(points[: len(points) // 2 * 2], dtype=np.int64).tobytes()
    return Reuse(
        a,
        b,
        spans[0],  # type: ignore[arg-type]
        spans[1],  # type: ignore[arg-type]
        draw(st.integers(1, 2**31 - 1)),
        draw(st.floats(0, 1)),
        draw(st.sampled_from(["verbatim", "near-verbatim", "partial"])),
        packed,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(_reuse(), max_size=40))
def test_passages_read_back_as_written(tmp_path_factory: pytest.TempPathFactory, reuses: list[Reuse]) -> None:
    path = tmp_path_factory.mktemp("passages") / "passages.parquet"
    assert write_passages(reuses, path) == path
    assert read_passages(path) == reuses


def test_passages_span_row_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passages, "ROWS_PER_GROUP", 3)
    reuses = [
        Reuse(n, n + 1, (0, 5), (1, 6), 2, 0.5, "verbatim", np.arange(2 * (n % 4), dtype=np.int64).tobytes())
        for n in range(11)
    ]
    path = write_passages(reuses, tmp_path / "p.parquet")
    assert read_passages(path) == reuses
    assert pq.ParquetFile(path).num_row_groups == 4
    assert pq.read_schema(path).remove_metadata() == PASSAGE_SCHEMA


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("passages-corpus")
    records = lineage_corpus.records(lineage_corpus.generate(SEEDS, 60, seed=11))
    write_jsonl(root / "corpus" / "part.jsonl", records)
    return root / "corpus"


def test_the_lineage_step_run_alone_on_a_scans_passages_is_the_scans(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "passages.parquet"
    made: list[Any] = []
    real_write, real_lineage = pipeline.write_passages, pipeline.lineage_by_component

    def write(reuses: list[Reuse], path: Path) -> Path:
        written = real_write(reuses, path)
        shutil.copy(written, kept)
        return written

    def lineage(*args: Any, **kwargs: Any) -> Any:
        made.append(real_lineage(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(pipeline, "write_passages", write)
    monkeypatch.setattr(pipeline, "lineage_by_component", lineage)
    report = pipeline.scan(corpus, jobs=1)
    assert report.summary.links > 20 and len(made) == 1

    docs = metadata_of(ingest_folder(corpus, jobs=1).documents)
    dates, ids = [d.date for d in docs], [d.id for d in docs]

    def alone() -> Any:
        reuses = read_passages(kept)
        pairs = [(r.a, r.b) for r in reuses]
        return lineage_by_component(pairs, pipeline._edges_of(reuses), dates, ids)

    first = alone()
    assert first == made[0] and alone() == first
    assert len(first.links) == report.summary.links and len(first.clusters) == report.summary.clusters

"""Parallel stages: the same result, in the same order, whatever the number of processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from seed_ids import SEEDS

from bench import lineage_corpus
from bench.scan_runner import write_jsonl
from provenance import parallel
from provenance.parallel import run_parallel
from provenance.pipeline import dumps, scan


def _sizes(chunk: list[str]) -> list[int]:
    return [len(x) for x in chunk]


def test_chunks_come_back_in_order() -> None:
    items = [str(n) * (n % 7) for n in range(1000)]
    serial = run_parallel(_sizes, items, jobs=1)
    parallel = run_parallel(_sizes, items, jobs=3, min_items=1)
    assert len(serial) == 1 and len(parallel) > 1
    assert [n for chunk in parallel for n in chunk] == serial[0] == [len(x) for x in items]
    assert run_parallel(_sizes, [], jobs=4) == []


def test_scan_report_does_not_depend_on_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = lineage_corpus.generate(SEEDS, 120, seed=5)
    write_jsonl(tmp_path / "corpus" / "articles.jsonl", lineage_corpus.records(corpus))
    one = scan(tmp_path / "corpus", jobs=1)
    # Every stage in the pool, documents in several chunks, each chunk with its own vocabulary.
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ITEMS", 1)
    two = scan(tmp_path / "corpus", jobs=2)
    assert one["summary"]["links"] > 100
    assert dumps(one) == dumps(two)

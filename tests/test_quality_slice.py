"""A fast slice of the quality benchmarks, with floors a little under their targets.

The full runs (`python -m bench.quality`, README) are benchmarks; these keep a change that
damages detection quality from passing unnoticed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import clough, lineage_corpus, lineage_eval
from bench.scan_runner import run_scan, write_jsonl

REPO = Path(__file__).resolve().parent.parent
# The corpus is not part of the repository; CI sets this to its copy.
CLOUGH = Path(os.environ.get("PROVENANCE_CLOUGH") or ".")
needs_clough = pytest.mark.skipif(
    not os.environ.get("PROVENANCE_CLOUGH") or not (CLOUGH / "labels.csv").is_file(),
    reason="set PROVENANCE_CLOUGH to the Clough corpus folder",
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[lineage_eval.LineageScores, dict]:
    work = tmp_path_factory.mktemp("generated")
    corpus = lineage_corpus.generate(REPO / "seeds", 150, seed=3)
    write_jsonl(work / "in" / "lineage.jsonl", lineage_corpus.records(corpus))
    report = run_scan(work / "in", work / "out").report
    return lineage_eval.evaluate(report, lineage_corpus.gold(corpus)), report


def test_generated_lineage_slice(generated: tuple[lineage_eval.LineageScores, dict]) -> None:
    s, _ = generated
    assert s.pan.plagdet >= 0.88, s.pan
    assert s.pan.granularity <= 1.10, s.pan
    assert s.origin_accuracy >= 0.96, (s.origin_missed, s.origin_wrong)
    assert s.false_links_per_1000 <= 2.0, s.false_links


def test_cluster_passages_are_trimmed_text(generated: tuple[lineage_eval.LineageScores, dict]) -> None:
    _, report = generated
    snippets = [p["snippet"] for c in report["clusters"] for p in c["passages"]]
    assert snippets and all(s == s.strip() for s in snippets)


@needs_clough
def test_clough_slice(tmp_path: Path) -> None:
    # Two of the five tasks, every category in each: a sixth of the full run's time.
    entries = [e for e in clough.read_labels(CLOUGH) if e.task in ("b", "e")]
    write_jsonl(tmp_path / "in" / "clough.jsonl", clough.records(CLOUGH, entries))
    report = run_scan(tmp_path / "in", tmp_path / "out").report
    audit = frozenset(a.file for a in clough.audit(CLOUGH, entries))
    s = clough.score(report, entries, audit)
    assert s.f1 >= 0.92, s
    assert s.recall_by_category["cut"] == 1.0, s.misses
    assert s.recall_by_category["light"] >= 0.9, s.misses
    assert s.recall_by_category["heavy"] >= 0.7, s.misses
    assert s.attribution_accuracy >= 0.9, s.misattributed
    assert s.false_links_non <= 2, s.false_positives


@needs_clough
def test_clough_label_audit_finds_only_what_the_texts_prove() -> None:
    found = {a.file: a.category for a in clough.audit(CLOUGH, clough.read_labels(CLOUGH))}
    # Two "cut" answers copy another article; six "non" answers share ten or more words in
    # a row with another document. Nothing else: the audit is not a way to drop misses.
    assert sorted(k for k, v in found.items() if v == "cut") == ["g2pE_taskc", "g4pD_taskb"]
    assert set(found.values()) == {"cut", "non"} and len(found) == 8

"""Detection's two steps apart: candidates from the record shards to a Parquet file of
document pairs, align from that file; as a scan runs them, and the same every time."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from bench import scale_corpus
from provenance.detect import DetectionInput, align_candidates, find_candidate_pairs, find_reuse
from provenance.documents import DocumentWriter, bodies_of, stored_texts_of
from provenance.ingest import ingest_paths, load_registry
from provenance.settings import DetectionSettings
from provenance.shards import (
    CANDIDATES_SCHEMA,
    Shards,
    WordsArray,
    analyse_to_shards,
    read_candidate_pairs,
    read_corpus_shingles,
    read_languages,
    write_candidate_pairs,
)

SETTINGS = DetectionSettings()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("steps")
    scale_corpus.generate(300, root / "articles", seed=4)
    registry = load_registry()
    ingested = ingest_paths([root / "articles"], registry, 2, None, DocumentWriter(root / "documents"))
    shards = analyse_to_shards(ingested.documents, registry, SETTINGS, root / "records", 2)
    words = WordsArray(shards.paths, shards.word_counts, root / "words")
    yield root, ingested.documents, shards, words
    words.close()
    ingested.documents.close()


def _input(docs, shards: Shards, words: WordsArray) -> DetectionInput:  # type: ignore[no-untyped-def]
    languages = [code for _, path in shards.paths for code in read_languages(path)]
    return DetectionInput(
        stored_texts_of(docs),
        bodies_of(docs),
        words,
        shards.word_counts,
        lambda: read_corpus_shingles(shards.paths),
        languages,
    )


def test_candidates_alone_twice_give_the_same_file(run) -> None:  # type: ignore[no-untyped-def]
    root, _, shards, _ = run
    written = []
    for k, jobs in enumerate([2, 2, 1]):
        _, pairs = find_candidate_pairs(lambda: read_corpus_shingles(shards.paths), SETTINGS, jobs)
        written.append(write_candidate_pairs(pairs, root / f"candidates-{k}.parquet").read_bytes())
    assert written[0] == written[1] == written[2]
    table = pq.read_table(root / "candidates-0.parquet")
    assert table.schema.equals(CANDIDATES_SCHEMA) and table.num_rows > 20
    a, b = table.column("a").to_pylist(), table.column("b").to_pylist()
    assert all(x < y for x, y in zip(a, b, strict=True)) and list(zip(a, b, strict=True)) == sorted(
        zip(a, b, strict=True)
    )


def test_align_alone_on_the_file_gives_the_scans_passages(run) -> None:  # type: ignore[no-untyped-def]
    root, docs, shards, words = run
    scanned = find_reuse(_input(docs, shards, words), SETTINGS, 2, root / "scan-candidates.parquet")
    _, pairs = find_candidate_pairs(lambda: read_corpus_shingles(shards.paths), SETTINGS, 1)
    path = write_candidate_pairs(pairs, root / "alone.parquet")
    assert path.read_bytes() == (root / "scan-candidates.parquet").read_bytes()
    alone = align_candidates(_input(docs, shards, words), read_candidate_pairs(path), SETTINGS, 2)
    assert alone == scanned.reuses and len(alone) > 20
    assert find_reuse(_input(docs, shards, words), SETTINGS, 1).reuses == scanned.reuses


def test_a_file_of_pairs_out_of_order_is_refused(tmp_path: Path) -> None:
    import numpy as np

    from provenance.detect.candidates import CandidatePairs

    bad = CandidatePairs(np.array([3, 1]), np.array([4, 2]), np.array([1, 1]))
    with pytest.raises(ValueError, match="sorted"):
        read_candidate_pairs(write_candidate_pairs(bad, tmp_path / "bad.parquet"))

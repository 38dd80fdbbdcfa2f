"""The lineage report of an index: the report `scan` writes of the same documents, made
from the records the index stores instead of analysing every document again.

The index stores each document's record as the per-document step made it with no line
statistics (boilerplate by the registry's patterns alone), and the document's line keys:
what it adds to its outlet's line counts. The line statistics of the index are the merge of
those, so they are the statistics a scan of the same documents counts, whatever the order
and batches they were added in. A stored record is the scan's own record of the document
whenever none of the document's lines is frequent in its outlet (`judged_by_frequency`):
only the documents with such a line are analysed again, with the index's frequent lines,
and those whose record is missing (an index of format 4) or was made with another registry
or settings (`record_key`), whose records are then stored for the next report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from provenance.editorial.boilerplate import FrequentLines, LineCounts, document_lines, judged_by_frequency
from provenance.executor import Executor, as_executor
from provenance.index.entries import NO_LINE_STATISTICS, record_key
from provenance.index.store import Index, IndexedDocument, IndexProblem
from provenance.ingest import Document, IngestResult, OutletRegistry, load_registry
from provenance.parquet import write_shard
from provenance.pipeline import report_from_records
from provenance.record import analyse
from provenance.report.build import check_texts
from provenance.report.model import Report, Texts
from provenance.settings import DetectionSettings
from provenance.shards import Shards, record_bytes, stored_records, word_counts

# Records written a shard: as many as a read of the index fetches at once without holding
# much of it in memory.
SHARD_RECORDS = 1024


def _quiet(_: str) -> None:
    pass


def index_report(
    index: Index,
    registry: OutletRegistry | None = None,
    progress: Callable[[str], None] = _quiet,
    jobs: int | Executor | None = None,
    texts: Texts = "linked",
) -> Report:
    """The lineage report of every document in the index, as `scan` would write it of them
    (named after the index's file), with the index's settings (`min_words` free). `texts`:
    as for `scan`."""
    check_texts(texts)  # before the work
    settings = index.settings
    registry = registry or load_registry()
    executor = as_executor(jobs)
    made_with = record_key(registry, settings)
    indexed = index.indexed()
    docs = [s.document for s in indexed]
    fresh = [s.stored is not None and s.stored.made_with == made_with for s in indexed]
    with executor.step("lines", len(docs), "documents") as step:
        lines = [
            s.stored.lines if ok and s.stored else document_lines(d.text, d.body, d.outlet)
            for s, d, ok in zip(indexed, docs, fresh, strict=True)
        ]
        counts = LineCounts()
        for doc, keys in zip(docs, lines, strict=True):
            counts.add(doc.outlet, keys)
        frequent = counts.frequent()
        step.stats.items_out = sum(len(keys) for keys in frequent.values())
    judged = {i for i, d in enumerate(docs) if judged_by_frequency(lines[i], d.outlet, frequent)}
    stale = {i for i, ok in enumerate(fresh) if not ok}

    def records(folder: Path) -> Shards:
        again = sorted(judged | stale)
        task = _Analysing(docs, frequent, registry, settings, stale, judged)
        chunks = executor.map("analyse", task.run, again, "documents")
        analysed = dict(zip(again, (r for chunk in chunks for r in chunk), strict=True))
        refreshed = [
            (indexed[i].number, docs[i].sha256, lines[i], alone)
            for i, (_, alone) in analysed.items()
            if alone is not None
        ]
        if refreshed:
            index.store_records(made_with, refreshed)
        with executor.step("records", len(docs) - len(again), "stored records") as step:
            reported = {i: record for i, (record, _) in analysed.items()}
            shards = _write_shards(index, indexed, made_with, reported, folder)
            step.stats.items_out = len(docs)
        progress(
            f"read {len(docs) - len(again)} records from the index; analysed {len(again)} documents "
            f"again ({len(judged)} with a line frequent in their outlet, {len(stale)} without a "
            "record made with these settings)"
        )
        return shards

    ingested = IngestResult(docs, [], [], len(docs))
    return report_from_records(ingested, index.path.name, records, settings, progress, executor, texts)


class _Analysing:
    """The per-document step over the documents whose stored record cannot serve: for each,
    the record the report reads, and (for a document whose stored record is missing or
    stale) the record to store, made with no line statistics. Forked workers inherit the
    documents."""

    def __init__(
        self,
        docs: Sequence[Document],
        frequent: FrequentLines,
        registry: OutletRegistry,
        settings: DetectionSettings,
        stale: set[int],
        judged: set[int],
    ) -> None:
        self.docs, self.frequent, self.registry, self.settings = docs, frequent, registry, settings
        self.stale, self.judged = stale, judged

    def run(self, indices: list[int]) -> list[tuple[bytes, bytes | None]]:
        out: list[tuple[bytes, bytes | None]] = []
        for i in indices:
            doc, alone = self.docs[i], None
            if i in self.stale:
                alone = record_bytes(analyse(doc, NO_LINE_STATISTICS, self.registry, self.settings))
            if i in self.judged or alone is None:
                out.append((record_bytes(analyse(doc, self.frequent, self.registry, self.settings)), alone))
            else:
                out.append((alone, alone))
        return out


def _write_shards(
    index: Index,
    indexed: Sequence[IndexedDocument],
    made_with: str,
    analysed: dict[int, bytes],
    folder: Path,
) -> Shards:
    """The records of every document, in order, as shards in `folder`: those analysed here,
    the others read from the index."""
    paths: list[tuple[int, Path]] = []
    counts: list[int] = []
    for first in range(0, len(indexed), SHARD_RECORDS):
        chunk = range(first, min(first + SHARD_RECORDS, len(indexed)))
        found = index.records([indexed[i].number for i in chunk if i not in analysed])
        blobs = []
        for i in chunk:
            if i in analysed:
                blobs.append(analysed[i])
                continue
            stored = found.get(indexed[i].number)
            if stored is None or stored.sha256 != indexed[i].document.sha256 or stored.made_with != made_with:
                # Replaced or removed by another process since the documents were read.
                raise IndexProblem(
                    f"{index.path}: document {indexed[i].document.id} changed while the report was "
                    "being made; make it again"
                )
            assert stored.record is not None
            blobs.append(stored.record)
        table = stored_records(first, [indexed[i].document.id for i in chunk], blobs)
        paths.append((first, write_shard(folder, first, table)))
        counts.extend(word_counts(table))
    return Shards(paths, counts)

"""The steps that read one document at a time, over a document set: the line statistics
boilerplate is judged by (a map, then a reduce), then the per-document step
(`provenance.record.analyse`). Shared by `scan`, the index and `check`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from provenance.documents import documents_of
from provenance.editorial.boilerplate import FrequentLines, LineCounts, count_lines
from provenance.executor import Executor, as_executor
from provenance.ingest import Document, OutletRegistry
from provenance.record import AnalysedDocument, analyse
from provenance.settings import DetectionSettings

# Documents the line counting reads at once.
_BATCH = 256
# The record's fields a worker sends back: the document itself is already here.
_FOUND = [f.name for f in fields(AnalysedDocument) if f.name != "document"]


class _LineCounting:
    """Counts a chunk's lines; forked workers inherit the documents (in memory, or a store
    whose texts they read)."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.docs = docs

    def run(self, indices: list[int]) -> LineCounts:
        # Each document once, read from disk when the documents are a store, a few hundred
        # at a time: a chunk here is a sixteenth of the corpus.
        batches = (documents_of(self.docs, indices[a : a + _BATCH]) for a in range(0, len(indices), _BATCH))
        return count_lines((doc.text, doc.body, doc.outlet) for batch in batches for doc in batch)


def line_statistics(docs: Sequence[Document], executor: int | Executor = 1) -> LineCounts:
    """The line counts of the document set (see `LineCounts`)."""
    parts = as_executor(executor).map(
        "lines",
        _LineCounting(docs).run,
        range(len(docs)),
        "documents",
        size=lambda c: sum(c.documents.values()),
    )
    total = LineCounts()
    for part in parts:
        total.merge(part)
    return total


class PerDocument:
    """The per-document step over chunks of a document set, boilerplate judged by `frequent`;
    forked workers inherit the documents."""

    def __init__(
        self,
        docs: Sequence[Document],
        frequent: FrequentLines,
        registry: OutletRegistry,
        settings: DetectionSettings,
    ) -> None:
        self.docs, self.frequent, self.registry, self.settings = docs, frequent, registry, settings

    def records(self, indices: list[int]) -> list[AnalysedDocument]:
        return [
            analyse(doc, self.frequent, self.registry, self.settings)
            for doc in documents_of(self.docs, indices)
        ]

    def found(self, indices: list[int]) -> list[tuple[object, ...]]:
        """The records' fields besides the document, which the caller already has."""
        return [tuple(getattr(r, name) for name in _FOUND) for r in self.records(indices)]


def analyse_documents(
    docs: Sequence[Document],
    registry: OutletRegistry,
    settings: DetectionSettings,
    executor: int | Executor = 1,
) -> list[AnalysedDocument]:
    """Every document through the per-document step, in memory; boilerplate is judged by the
    line statistics of these documents."""
    executor = as_executor(executor)
    step = PerDocument(docs, line_statistics(docs, executor).frequent(), registry, settings)
    chunks = executor.map("analyse", step.found, range(len(docs)), "documents")
    found = (f for chunk in chunks for f in chunk)
    return [
        AnalysedDocument(doc, **dict(zip(_FOUND, f, strict=True)))  # type: ignore[arg-type]
        for doc, f in zip(docs, found, strict=True)
    ]

"""What the index keeps of a document besides the document itself: its winnowed shingle
hashes (to find it again from a draft) and its whole-document MinHash signature."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from provenance.detect.fingerprint import hashes_signature, signature_bytes, winnow
from provenance.editorial.boilerplate import FrequentLines
from provenance.executor import Executor, as_executor
from provenance.ingest import Document, OutletRegistry
from provenance.record import AnalysedDocument, analyse
from provenance.settings import DetectionSettings

# Winnowing window over a document's shingle hashes: any run of 6 shared shingles (8 shared
# words with 3-word shingles, the default `min_words`) holds one of the indexed minima, while
# about a third of the hashes are stored.
POSTINGS_WINDOW = 6


@dataclass(frozen=True)
class IndexEntry:
    units: int  # sentence units fingerprinted
    shingles: np.ndarray  # the document's distinct shingle hashes (uint32), sorted
    postings: np.ndarray  # the winnowed ones among them, sorted
    signature: bytes  # datasketch LeanMinHash bytes of the document's shingle set


def index_entry(record: AnalysedDocument, settings: DetectionSettings) -> IndexEntry:
    """The entry of an analysed document."""
    shingled = record.shingles
    distinct = np.unique(shingled.hashes)
    signature = signature_bytes(hashes_signature(distinct, settings), settings)
    return IndexEntry(len(shingled), distinct, winnow(shingled.hashes, POSTINGS_WINDOW), signature)


class _Entries:
    """The per-document step, then the entry, over a chunk; forked workers inherit the documents."""

    def __init__(
        self, docs: Sequence[Document], registry: OutletRegistry, settings: DetectionSettings
    ) -> None:
        self.docs, self.registry, self.settings = docs, registry, settings

    def run(self, indices: list[int]) -> list[IndexEntry]:
        return [
            index_entry(
                analyse(self.docs[d], NO_LINE_STATISTICS, self.registry, self.settings), self.settings
            )
            for d in indices
        ]


# An entry depends on its document, the registry and the settings alone, never on the other
# documents added with it or before it: boilerplate is judged by the registry's patterns only.
NO_LINE_STATISTICS: FrequentLines = {}


def index_entries(
    docs: Sequence[Document],
    registry: OutletRegistry,
    settings: DetectionSettings,
    executor: int | Executor = 1,
) -> list[IndexEntry]:
    """The entry of every document, computed in the executor's processes."""
    task = _Entries(docs, registry, settings)
    return [
        e
        for chunk in as_executor(executor).map("analyse", task.run, range(len(docs)), "documents")
        for e in chunk
    ]

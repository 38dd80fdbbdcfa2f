"""What the index keeps of a document besides the document itself: its winnowed shingle
hashes (to find it again from a draft), its whole-document MinHash signature, and for
`index report` its record (`provenance.record`) and what it adds to its outlet's line
counts."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from provenance import __version__
from provenance.detect.fingerprint import hashes_signature, signature_bytes, winnow
from provenance.editorial.boilerplate import FrequentLines, document_lines
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
    record: bytes  # its record, analysed with NO_LINE_STATISTICS (`provenance.shards.record_bytes`)
    lines: frozenset[str]  # what it adds to its outlet's line counts (`document_lines`)


def index_entry(record: AnalysedDocument, settings: DetectionSettings) -> IndexEntry:
    """The entry of a document analysed with `NO_LINE_STATISTICS`."""
    from provenance.shards import record_bytes  # pyarrow, off `check`'s import path

    shingled = record.shingles
    distinct = np.unique(shingled.hashes)
    signature = signature_bytes(hashes_signature(distinct, settings), settings)
    doc = record.document
    return IndexEntry(
        len(shingled),
        distinct,
        winnow(shingled.hashes, POSTINGS_WINDOW),
        signature,
        record_bytes(record),
        document_lines(doc.text, doc.body, doc.outlet),
    )


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
# The settings `analyse` reads (the others apply to pairs of documents).
_ANALYSIS_SETTINGS = ("min_words", "unit_max_words", "unit_stride_words", "shingle_words")


def record_key(registry: OutletRegistry, settings: DetectionSettings) -> str:
    """What a stored record was made with besides its document: this version of the tool, the
    records' schema, the registry (its credits and boilerplate patterns) and the settings
    the per-document step reads. A record made otherwise is not the one asked for."""
    from provenance.shards import RECORD_SCHEMA  # pyarrow, off `check`'s import path

    made_with = {
        "tool": __version__,
        "schema": RECORD_SCHEMA.to_string(),
        "registry": _plain(registry),
        "settings": {name: getattr(settings, name) for name in _ANALYSIS_SETTINGS},
    }
    text = json.dumps(made_with, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _plain(value: Any) -> Any:
    """A registry as JSON data: every field of every entry, patterns as their source and flags
    (their repr is cut short)."""
    if isinstance(value, re.Pattern):
        return [value.pattern, int(value.flags)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = (f.name for f in dataclasses.fields(value) if f.name != "origin")
        return {name: _plain(getattr(value, name)) for name in fields}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


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

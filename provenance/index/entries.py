"""What the index keeps of a document besides the document itself: its winnowed shingle
hashes (to find it again from a draft) and its whole-document MinHash signature."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from provenance.detect.fingerprint import (
    DocumentShingles,
    document_shingles,
    hashes_signature,
    signature_bytes,
    winnow,
)
from provenance.editorial.boilerplate import Boilerplate, find_boilerplate
from provenance.editorial.masking import masked_analysis
from provenance.ingest import Document, OutletRegistry
from provenance.parallel import run_parallel
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


def shingle_hashes(
    doc: Document, boilerplate: Sequence[Boilerplate], settings: DetectionSettings
) -> DocumentShingles:
    """The shingle hashes of the document's units, in text order, boilerplate and repeats left out."""
    view, _ = masked_analysis(doc.text, doc.body, boilerplate)
    return document_shingles(view.norms, view.sentence_tokens, settings)


class _Entries:
    def __init__(
        self,
        docs: Sequence[Document],
        boilerplate: Sequence[Sequence[Boilerplate]],
        settings: DetectionSettings,
    ) -> None:
        self.docs, self.boilerplate, self.settings = docs, boilerplate, settings

    def run(self, indices: list[int]) -> list[IndexEntry]:
        out = []
        for d in indices:
            shingled = shingle_hashes(self.docs[d], self.boilerplate[d], self.settings)
            distinct = np.unique(shingled.hashes)
            signature = signature_bytes(hashes_signature(distinct, self.settings), self.settings)
            out.append(
                IndexEntry(len(shingled), distinct, winnow(shingled.hashes, POSTINGS_WINDOW), signature)
            )
        return out


def index_entries(
    docs: Sequence[Document], registry: OutletRegistry, settings: DetectionSettings, jobs: int = 1
) -> list[IndexEntry]:
    """The entry of every document, computed in `jobs` processes."""
    boilerplate = find_boilerplate(
        [d.text for d in docs], [d.body for d in docs], [d.outlet for d in docs], registry
    )
    task = _Entries(docs, boilerplate, settings)
    return [e for chunk in run_parallel(task.run, range(len(docs)), jobs) for e in chunk]

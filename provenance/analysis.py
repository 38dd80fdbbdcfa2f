"""The stages that read one document at a time: masking, analysis, quotations, credits,
and the words and shingles detection needs. Shared by `scan`, the index and `check`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from provenance.detect import Prepared, prepare
from provenance.editorial.boilerplate import Boilerplate
from provenance.editorial.credits import Credit, find_credits
from provenance.editorial.masking import masked_analysis
from provenance.editorial.quotations import Quotation, find_quotations
from provenance.editorial.repeats import Repeat
from provenance.ingest import Document, OutletRegistry
from provenance.parallel import run_parallel
from provenance.settings import DetectionSettings
from provenance.text.compact import Vocabulary


@dataclass(frozen=True)
class Findings:
    """What the per-document stages found in one document besides its words."""

    repeats: list[Repeat]
    quotations: list[Quotation]
    credits: list[Credit]


class _PerDocument:
    """The stages that read one document at a time; forked workers inherit the documents."""

    def __init__(
        self,
        docs: Sequence[Document],
        boilerplate: Sequence[Sequence[Boilerplate]],
        registry: OutletRegistry,
        settings: DetectionSettings,
    ) -> None:
        self.docs, self.boilerplate, self.registry, self.settings = docs, boilerplate, registry, settings

    def run(self, indices: list[int]) -> tuple[list[str], list[tuple[Prepared, Findings]]]:
        """The chunk's words, and per document its detection input (word ids local to the
        chunk) and its findings."""
        vocabulary = Vocabulary()
        out = []
        for d in indices:
            doc = self.docs[d]
            view, repeats = masked_analysis(doc.text, doc.body, self.boilerplate[d])
            found = Findings(
                repeats,
                find_quotations(doc.text, *doc.body, paras=view.paragraphs),
                find_credits(doc.text, self.registry, *doc.body),
            )
            out.append((prepare(view, vocabulary, self.settings), found))
        return vocabulary.words, out


def analyse_documents(
    docs: Sequence[Document],
    boilerplate: Sequence[Sequence[Boilerplate]],
    registry: OutletRegistry,
    settings: DetectionSettings,
    jobs: int,
) -> tuple[list[Prepared], list[Findings], Vocabulary]:
    """Every document through the per-document stages, in `jobs` processes, with one vocabulary."""
    task = _PerDocument(docs, boilerplate, registry, settings)
    vocabulary = Vocabulary()
    prepared: list[Prepared] = []
    found: list[Findings] = []
    for words, chunk in run_parallel(task.run, range(len(docs)), jobs):
        mapping = vocabulary.absorb(words)
        for p, f in chunk:
            p.words.renumber(mapping)
            prepared.append(p)
            found.append(f)
    return prepared, found, vocabulary

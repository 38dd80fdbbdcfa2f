"""The record per article: a document and everything the per-document step found in it.

`analyse` makes it, the same way whichever command reads the article (`scan`, `index add`,
`check`); the steps after it read its fields and add nothing to it. What it holds depends
on the document alone, except its boilerplate, which also depends on the line statistics of
the document set the caller names (`FrequentLines`; see `provenance.editorial.boilerplate`).
"""

from __future__ import annotations

from dataclasses import dataclass

from provenance.detect.fingerprint import DocumentShingles, document_shingles
from provenance.editorial.boilerplate import Boilerplate, FrequentLines, boilerplate_of
from provenance.editorial.credits import Credit, find_credits
from provenance.editorial.masking import masked_analysis
from provenance.editorial.quotations import Quotation, find_quotations
from provenance.editorial.repeats import Repeat
from provenance.ingest import Document, OutletRegistry
from provenance.settings import DetectionSettings
from provenance.text.compact import Words
from provenance.text.language import Language, detect_language


@dataclass(frozen=True)
class AnalysedDocument:
    """One article, analysed."""

    document: Document
    boilerplate: list[Boilerplate]  # lines of the page, not of the article
    repeats: list[Repeat]  # passages the article repeats inside itself
    quotations: list[Quotation]
    credits: list[Credit]
    # The words left for matching (boilerplate and repeats out): ids and offsets.
    words: Words
    # Its sentence units and their shingle hashes, for MinHash.
    shingles: DocumentShingles
    # The language of its body (None: too short or too unsure to tell), whose function words
    # and stock phrases it is read with.
    language: Language | None = None

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def body(self) -> tuple[int, int]:
        return self.document.body


def analyse(
    doc: Document, frequent: FrequentLines, registry: OutletRegistry, settings: DetectionSettings
) -> AnalysedDocument:
    """The per-document step: boilerplate, repeats, quotations, credits, words, shingles and language."""
    boilerplate = boilerplate_of(doc.text, doc.body, doc.outlet, registry, frequent)
    view, repeats = masked_analysis(doc.text, doc.body, boilerplate)
    return AnalysedDocument(
        doc,
        boilerplate,
        repeats,
        find_quotations(doc.text, *doc.body, paras=view.paragraphs),
        find_credits(doc.text, registry, *doc.body),
        Words.of_columns(view.norms, view.starts, view.ends),
        document_shingles(view.norms, view.sentence_tokens, settings),
        detect_language(doc.text[slice(*doc.body)]),
    )

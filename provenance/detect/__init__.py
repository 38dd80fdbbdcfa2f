"""Detection: fingerprint units, find LSH candidates, verify and align them exactly."""

from __future__ import annotations

from dataclasses import dataclass

from provenance.detect.align import Kind, Match, align, char_span
from provenance.detect.candidates import candidate_pairs
from provenance.detect.fingerprint import fingerprint
from provenance.detect.stock import content_mask, load_function_words, load_stock_phrases, stock_mask
from provenance.settings import DetectionSettings
from provenance.text import AnalyzedText

__all__ = ["DetectionResult", "Kind", "Match", "Reuse", "align", "find_reuse"]

Span = tuple[int, int]


@dataclass(frozen=True)
class Reuse:
    """Text shared by documents `a` < `b` (indices), as code-point spans of their texts."""

    a: int
    b: int
    a_span: Span
    b_span: Span
    matched_words: int
    similarity: float
    kind: Kind
    # Character offsets (in a, in b) of the aligned words, increasing on both sides.
    points: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class DetectionResult:
    reuses: list[Reuse]
    units: int
    candidate_unit_pairs: int
    candidate_document_pairs: int


def find_reuse(
    texts: list[str],
    bodies: list[Span],
    analyzed: list[AnalyzedText],
    settings: DetectionSettings,
) -> DetectionResult:
    """All reused passages between the documents, verified on their exact words.

    LSH on sentence units selects the document pairs; each selected pair is then aligned
    over its whole text, so a passage is found even where its own units were not retrieved.
    """
    norms = [view.norms for view in analyzed]
    units, signatures = fingerprint(norms, [view.sentence_tokens for view in analyzed], settings)
    pairs = candidate_pairs(units, signatures, settings)
    phrases = load_stock_phrases()
    function_words = load_function_words()
    masks: dict[int, list[bool]] = {}
    content: dict[int, list[bool]] = {}
    reuses: list[Reuse] = []
    for a, b in pairs:
        if a not in masks:
            masks[a] = stock_mask(norms[a], phrases)
            content[a] = content_mask(norms[a], function_words)
        ta, tb = analyzed[a].tokens, analyzed[b].tokens
        for m in align(norms[a], norms[b], settings, masks[a], content[a]):
            reuses.append(
                Reuse(
                    a,
                    b,
                    char_span(texts[a], ta, m.a, bodies[a][1]),
                    char_span(texts[b], tb, m.b, bodies[b][1]),
                    m.matched_words,
                    m.similarity,
                    m.kind,
                    tuple((ta[i].start, tb[j].start) for i, j in m.pairs),
                )
            )
    return DetectionResult(
        reuses=reuses,
        units=len(units),
        candidate_unit_pairs=sum(pairs.values()),
        candidate_document_pairs=len(pairs),
    )

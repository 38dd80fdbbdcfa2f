"""Detection: fingerprint units, find LSH candidates, verify and align them exactly."""

from __future__ import annotations

from dataclasses import dataclass

from provenance.detect.align import Kind, Match, align, char_span
from provenance.detect.candidates import candidate_pairs
from provenance.detect.fingerprint import fingerprint
from provenance.detect.stock import content_mask, load_function_words, load_stock_phrases, stock_mask
from provenance.parallel import run_parallel
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
    jobs: int = 1,
) -> DetectionResult:
    """All reused passages between the documents, verified on their exact words.

    LSH on sentence units selects the document pairs; each selected pair is then aligned
    over its whole text, so a passage is found even where its own units were not retrieved.
    With `jobs` > 1 the pairs are aligned in that many processes; the result is the same.
    """
    norms = [view.norms for view in analyzed]
    units, signatures = fingerprint(norms, [view.sentence_tokens for view in analyzed], settings)
    pairs = candidate_pairs(units, signatures, settings)
    work = _Work(texts, bodies, analyzed, settings)
    reuses = [r for found in run_parallel(work.align_pairs, list(pairs), jobs) for r in found]
    return DetectionResult(
        reuses=reuses,
        units=len(units),
        candidate_unit_pairs=sum(pairs.values()),
        candidate_document_pairs=len(pairs),
    )


class _Work:
    """What aligning a pair needs; a forked worker inherits it instead of receiving it."""

    def __init__(
        self, texts: list[str], bodies: list[Span], analyzed: list[AnalyzedText], settings: DetectionSettings
    ) -> None:
        self.texts, self.bodies, self.analyzed, self.settings = texts, bodies, analyzed, settings
        self.phrases = load_stock_phrases()
        self.function_words = load_function_words()
        self.masks: dict[int, tuple[list[bool], list[bool]]] = {}

    def _masks(self, d: int) -> tuple[list[bool], list[bool]]:
        if d not in self.masks:
            norms = self.analyzed[d].norms
            self.masks[d] = (stock_mask(norms, self.phrases), content_mask(norms, self.function_words))
        return self.masks[d]

    def align_pairs(self, pairs: list[tuple[int, int]]) -> list[Reuse]:
        out: list[Reuse] = []
        for a, b in pairs:
            stock, content = self._masks(a)
            ta, tb = self.analyzed[a].tokens, self.analyzed[b].tokens
            for m in align(self.analyzed[a].norms, self.analyzed[b].norms, self.settings, stock, content):
                out.append(
                    Reuse(
                        a,
                        b,
                        char_span(self.texts[a], ta, m.a, self.bodies[a][1]),
                        char_span(self.texts[b], tb, m.b, self.bodies[b][1]),
                        m.matched_words,
                        m.similarity,
                        m.kind,
                        tuple((ta[i].start, tb[j].start) for i, j in m.pairs),
                    )
                )
        return out

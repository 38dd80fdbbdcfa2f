"""Detection: fingerprint units, find LSH candidates, verify and align them exactly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from provenance.detect.align import Kind, Match, align, char_span
from provenance.detect.candidates import candidate_document_pairs
from provenance.detect.fingerprint import DocumentShingles, document_shingles, frequent_shingles, in_sorted
from provenance.detect.stock import content_mask, load_function_words, load_stock_phrases, stock_mask
from provenance.parallel import run_parallel
from provenance.settings import DetectionSettings
from provenance.text import AnalyzedText
from provenance.text.compact import Vocabulary, Words

__all__ = [
    "DetectionResult",
    "Kind",
    "Match",
    "Prepared",
    "Reuse",
    "align",
    "find_reuse",
    "prepare",
    "prepare_all",
    "verify_pairs",
]

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


@dataclass(frozen=True)
class Prepared:
    """What detection needs of one document, made wherever the document was analysed:
    its words (vocabulary ids and offsets) and its units' shingle hashes."""

    words: Words
    shingles: DocumentShingles


def prepare(view: AnalyzedText, vocabulary: Vocabulary, settings: DetectionSettings) -> Prepared:
    """One analysed document in the form detection reads."""
    return Prepared(
        Words.of_columns(view.norms, view.starts, view.ends, vocabulary),
        document_shingles(view.norms, view.sentence_tokens, settings),
    )


def prepare_all(
    views: Sequence[AnalyzedText], settings: DetectionSettings
) -> tuple[list[Prepared], Vocabulary]:
    """`prepare` every document with one shared vocabulary."""
    vocabulary = Vocabulary()
    return [prepare(v, vocabulary, settings) for v in views], vocabulary


def find_reuse(
    texts: list[str],
    bodies: list[Span],
    prepared: list[Prepared],
    vocabulary: Vocabulary,
    settings: DetectionSettings,
    jobs: int = 1,
) -> DetectionResult:
    """All reused passages between the documents, verified on their exact words.

    LSH on sentence units selects the document pairs; each selected pair is then aligned
    over its whole text, so a passage is found even where its own units were not retrieved.
    With `jobs` > 1 the pairs are aligned in that many processes; the result is the same.
    """
    shingled = [p.shingles for p in prepared]
    frequent = frequent_shingles(shingled, settings.max_shingle_documents)
    pairs = candidate_document_pairs(shingled, settings, frequent, jobs)
    work = _Work(texts, bodies, [p.words for p in prepared], vocabulary, settings)
    reuses = [r for found in run_parallel(work.align_pairs, list(pairs), jobs) for r in found]
    return DetectionResult(
        reuses=reuses,
        units=sum(len(s) for s in shingled),
        candidate_unit_pairs=sum(pairs.values()),
        candidate_document_pairs=len(pairs),
    )


def verify_pairs(
    texts: list[str],
    bodies: list[Span],
    prepared: list[Prepared],
    vocabulary: Vocabulary,
    settings: DetectionSettings,
    pairs: list[tuple[int, int]],
) -> list[Reuse]:
    """The reused passages of the given document pairs (a < b, sorted), aligned exactly as
    `find_reuse` aligns its candidates; for callers that chose the pairs themselves."""
    work = _Work(texts, bodies, [p.words for p in prepared], vocabulary, settings)
    return work.align_pairs(sorted(pairs))


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _gram_keys(ids: np.ndarray, k: int) -> np.ndarray:
    """A 64-bit key per word k-gram; equal k-grams have equal keys (the converse nearly always)."""
    n = len(ids) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    keys = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for t in range(k):
            keys = keys * _GOLDEN + ids[t : t + n].astype(np.uint64)
    return keys


class _Work:
    """What aligning a pair needs; a forked worker inherits it instead of receiving it."""

    def __init__(
        self,
        texts: list[str],
        bodies: list[Span],
        words: list[Words],
        vocabulary: Vocabulary,
        settings: DetectionSettings,
    ) -> None:
        self.texts, self.bodies, self.words, self.settings = texts, bodies, words, settings
        # Stock phrases and function words as vocabulary ids; a word never seen cannot occur.
        encoded = (tuple(vocabulary.id(w) for w in p) for p in load_stock_phrases())
        self.phrases = tuple(p for p in encoded if None not in p)
        self.function_ids = frozenset(i for w in load_function_words() if (i := vocabulary.id(w)) is not None)

    def align_pairs(self, pairs: list[tuple[int, int]]) -> list[Reuse]:
        out: list[Reuse] = []
        k = self.settings.anchor_words
        current = -1
        for a, b in pairs:  # sorted, so each document `a` comes in one run
            wa, wb = self.words[a], self.words[b]
            if a != current:
                current, masks = a, None
                grams_a = np.unique(_gram_keys(wa.ids, k))
            # Most candidate pairs share no k-gram at all: find out in C before any Python work.
            if not in_sorted(grams_a, _gram_keys(wb.ids, k)).any():
                continue
            if masks is None:
                ids_a = wa.ids.tolist()
                masks = (ids_a, stock_mask(ids_a, self.phrases), content_mask(ids_a, self.function_ids))
            ids_a, stock, content = masks
            for m in align(ids_a, wb.ids.tolist(), self.settings, stock, content):
                out.append(
                    Reuse(
                        a,
                        b,
                        char_span(self.texts[a], wa.starts, wa.ends, m.a, self.bodies[a][1]),
                        char_span(self.texts[b], wb.starts, wb.ends, m.b, self.bodies[b][1]),
                        m.matched_words,
                        m.similarity,
                        m.kind,
                        tuple((int(wa.starts[i]), int(wb.starts[j])) for i, j in m.pairs),
                    )
                )
        return out

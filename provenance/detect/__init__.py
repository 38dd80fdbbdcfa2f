"""Detection: fingerprint units, find LSH candidates, verify and align them exactly."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from provenance.detect.align import (
    DocumentGrams,
    Kind,
    Match,
    align,
    align_documents,
    char_span,
    document_grams,
)
from provenance.detect.candidates import candidate_document_pairs
from provenance.detect.fingerprint import DocumentShingles, document_shingles, frequent_shingles
from provenance.detect.stock import content_mask, load_function_words, load_stock_phrases, stock_mask
from provenance.parallel import run_parallel
from provenance.settings import DetectionSettings
from provenance.text import AnalysedText
from provenance.text.compact import Vocabulary, Words
from provenance.text.spans import Span

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


def prepare(view: AnalysedText, vocabulary: Vocabulary, settings: DetectionSettings) -> Prepared:
    """One analysed document in the form detection reads."""
    return Prepared(
        Words.of_columns(view.norms, view.starts, view.ends, vocabulary),
        document_shingles(view.norms, view.sentence_tokens, settings),
    )


def prepare_all(
    views: Sequence[AnalysedText], settings: DetectionSettings
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
    listed = list(pairs)
    # Pairs of one document come together, so a worker's chunk makes its structures once;
    # the reuses are put back in the order of the pairs.
    lengths = [len(p.words) for p in prepared]
    order = sorted(range(len(listed)), key=lambda n: _grouping(listed[n], lengths))
    numbered = [(n, listed[n]) for n in order]
    found = [x for chunk in run_parallel(work.align_each, numbered, jobs) for x in chunk]
    found.sort(key=lambda x: x[0])
    reuses = [r for _, rs in found for r in rs]
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


def _grouping(pair: tuple[int, int], lengths: list[int]) -> tuple[int, int]:
    """Pairs sorted by this come grouped by their longer document (the costlier to make)."""
    a, b = pair
    return (b, a) if lengths[b] > lengths[a] else (a, b)


# Words of alignment structures a worker keeps beyond those of the pair at hand.
CACHE_WORDS = 1 << 21


class _Work:
    """What aligning a pair needs; a forked worker inherits it instead of receiving it.

    Each document's alignment structure (and, for the first document of a pair, its stock and
    content masks) is made once and kept in a cache bounded by `CACHE_WORDS`, so a long
    document in many pairs is not read again for each: the cost of a pair grows with its
    shorter document and what the two share.
    """

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
        self._cache: OrderedDict[int, DocumentGrams] = OrderedDict()
        self._masks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._cached_words = 0

    def _grams(self, doc: int) -> DocumentGrams:
        found = self._cache.get(doc)
        if found is None:
            found = self._cache[doc] = document_grams(self.words[doc].ids, self.settings.anchor_words)
            self._cached_words += len(found)
        else:
            self._cache.move_to_end(doc)
        return found

    def _masks_of(self, doc: int) -> tuple[np.ndarray, np.ndarray]:
        found = self._masks.get(doc)
        if found is None:
            ids = self.words[doc].ids.tolist()
            stock, content = stock_mask(ids, self.phrases), content_mask(ids, self.function_ids)
            found = self._masks[doc] = (np.array(stock, dtype=bool), np.array(content, dtype=bool))
        return found

    def _trim(self, keep: tuple[int, int]) -> None:
        """Forget the least recently used documents, but not those of the pair at hand."""
        if self._cached_words <= CACHE_WORDS:
            return
        for doc in list(self._cache):
            if self._cached_words <= CACHE_WORDS:
                break
            if doc not in keep:
                self._cached_words -= len(self._cache.pop(doc))
                self._masks.pop(doc, None)

    def align_pairs(self, pairs: list[tuple[int, int]]) -> list[Reuse]:
        return [r for _, found in self.align_each(list(enumerate(pairs))) for r in found]

    def align_each(self, items: list[tuple[int, tuple[int, int]]]) -> list[tuple[int, list[Reuse]]]:
        """The reuses of each numbered pair that has any, with its number."""
        out: list[tuple[int, list[Reuse]]] = []
        for n, (a, b) in items:
            found = self._align(a, b)
            self._trim((a, b))
            if found:
                out.append((n, found))
        return out

    def _align(self, a: int, b: int) -> list[Reuse]:
        wa, wb = self.words[a], self.words[b]
        ga, gb = self._grams(a), self._grams(b)
        matches = align_documents(ga, gb, self.settings, *self._masks_of(a))
        return [
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
            for m in matches
        ]

"""Detection: fingerprint units, find LSH candidates, verify and align them exactly."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

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
from provenance.detect.candidates import CandidatePairs, find_candidates
from provenance.detect.fingerprint import CorpusShingles, DocumentShingles, Signatures, frequent_shingles
from provenance.detect.stock import content_mask, function_words, load_stock_phrases, stock_mask
from provenance.executor import Executor, as_executor
from provenance.executor.memory import release_free_memory
from provenance.settings import DetectionSettings
from provenance.text.compact import Words, word_id
from provenance.text.language import Language
from provenance.text.spans import Span

__all__ = [
    "DetectableDocument",
    "DetectionInput",
    "DetectionResult",
    "Kind",
    "Match",
    "Reuse",
    "align",
    "align_candidates",
    "find_candidate_pairs",
    "find_reuse",
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
    # Character offsets (in a, in b) of the aligned words, increasing on both sides: int64
    # pairs, packed (16 bytes a word, where a tuple of two ints takes over a hundred; a
    # million articles' passages hold tens of millions of them).
    points: bytes = b""


@dataclass(frozen=True)
class DetectionResult:
    reuses: list[Reuse]
    units: int
    candidate_unit_pairs: int
    candidate_document_pairs: int


class DetectableDocument(Protocol):
    """What detection reads of an analysed document (`provenance.record.AnalysedDocument`)."""

    @property
    def text(self) -> str: ...
    @property
    def body(self) -> Span: ...
    @property
    def words(self) -> Words: ...
    @property
    def shingles(self) -> DocumentShingles: ...
    @property
    def language(self) -> Language | None: ...


class WordsSource(Protocol):
    """Document number → its words: a list, or a reader of shards on disk."""

    def __getitem__(self, number: int, /) -> Words: ...


@dataclass(frozen=True)
class DetectionInput:
    """What detection reads of a document set: texts and bodies, words (in memory or read
    from shards when a pair needs them) with their counts, the units' shingles, and each
    document's language (ISO 639-1, None when not told), whose function words and stock
    phrases it is read with.

    The shingles are needed only until the candidates are found: given as a function that
    reads them, they are read then and let go of before alignment.
    """

    texts: Sequence[str]
    bodies: Sequence[Span]
    words: WordsSource
    word_counts: Sequence[int]
    shingles: CorpusShingles | Sequence[DocumentShingles] | Callable[[], CorpusShingles]
    languages: Sequence[str | None]

    @classmethod
    def of(cls, records: Sequence[DetectableDocument]) -> DetectionInput:
        """The input of analysed documents held in memory."""
        words = [r.words for r in records]
        return cls(
            [r.text for r in records],
            [r.body for r in records],
            words,
            [len(w) for w in words],
            [r.shingles for r in records],
            [r.language.code if r.language else None for r in records],
        )


def find_reuse(
    documents: DetectionInput | Sequence[DetectableDocument],
    settings: DetectionSettings,
    executor: int | Executor = 1,
    candidates_file: Path | None = None,
) -> DetectionResult:
    """All reused passages between the documents, verified on their exact words.

    LSH on sentence units selects the document pairs; each selected pair is then aligned
    over its whole text, so a passage is found even where its own units were not retrieved.
    The pairs are aligned in the executor's processes; the result is the same. With
    `candidates_file`, the candidate pairs are written there (`provenance.shards`) and
    align reads them from it, as it would when run alone.
    """
    executor = as_executor(executor)
    documents = documents if isinstance(documents, DetectionInput) else DetectionInput.of(documents)
    units, pairs = find_candidate_pairs(documents.shingles, settings, executor)
    if candidates_file is not None:
        from provenance.shards import read_candidate_pairs, write_candidate_pairs  # pyarrow: only here

        write_candidate_pairs(pairs, candidates_file)
        pairs = read_candidate_pairs(candidates_file)
    return DetectionResult(
        reuses=align_candidates(documents, pairs, settings, executor),
        units=units,
        candidate_unit_pairs=int(pairs.unit_pairs.sum()),
        candidate_document_pairs=len(pairs),
    )


def find_candidate_pairs(
    shingles: CorpusShingles | Sequence[DocumentShingles] | Callable[[], CorpusShingles],
    settings: DetectionSettings,
    executor: int | Executor = 1,
) -> tuple[int, CandidatePairs]:
    """The number of units and the candidate document pairs of the documents' shingles
    (given, or read by calling `shingles`: then let go of once the signatures are made)."""
    executor = as_executor(executor)
    owned = callable(shingles)  # read here: the signatures may take over its hashes
    shingled = shingles() if callable(shingles) else CorpusShingles.of(shingles)
    del shingles
    with executor.step("frequent shingles", len(shingled), "documents") as step:
        frequent = frequent_shingles(shingled, settings.max_shingle_documents)
        step.stats.items_out = len(frequent)
    units, doc_units = shingled.units, shingled.doc_units
    source = Signatures(shingled, settings, frequent, in_place=owned)
    del shingled  # the signatures keep the hashes they need
    release_free_memory()
    pairs = find_candidates(source, doc_units, settings, executor)
    del source
    release_free_memory()  # before align's workers are forked
    return units, pairs


def align_candidates(
    documents: DetectionInput,
    pairs: CandidatePairs,
    settings: DetectionSettings,
    executor: int | Executor = 1,
) -> list[Reuse]:
    """The reused passages of the candidate document pairs, in the pairs' order, aligned in
    the executor's processes; the result is the same."""
    executor = as_executor(executor)
    work = _Work(documents, settings)
    # Pairs of one document come together, so a worker's chunk makes its structures once;
    # the reuses are put back in the order of the pairs. Grouped by the longer document
    # (the costlier to make), then the other.
    lengths = work.word_counts
    b_longer = lengths[pairs.b] > lengths[pairs.a]
    first, second = np.where(b_longer, pairs.b, pairs.a), np.where(b_longer, pairs.a, pairs.b)
    work.pairs = (pairs.a, pairs.b, np.lexsort((second, first)))
    del b_longer, first, second
    # The workers are handed positions in that order, and read the pairs from the arrays
    # they inherit.
    chunks = executor.map(
        "align",
        work.align_ordered,
        range(len(pairs)),
        "document pairs",
        size=lambda c: sum(len(rs) for _, rs in c),
    )
    found = [x for chunk in chunks for x in chunk]
    del chunks
    found.sort(key=lambda x: x[0])
    return [r for _, rs in found for r in rs]


def verify_pairs(
    documents: DetectionInput | Sequence[DetectableDocument],
    settings: DetectionSettings,
    pairs: list[tuple[int, int]],
) -> list[Reuse]:
    """The reused passages of the given document pairs (a < b, sorted), aligned exactly as
    `find_reuse` aligns its candidates; for callers that chose the pairs themselves."""
    documents = documents if isinstance(documents, DetectionInput) else DetectionInput.of(documents)
    return _Work(documents, settings).align_pairs(sorted(pairs))


def _packed(a_starts: np.ndarray, b_starts: np.ndarray, pairs: Sequence[tuple[int, int]]) -> bytes:
    """The character offsets of aligned word pairs (i in a, j in b), as `Reuse.points`."""
    if not len(pairs):
        return b""
    words = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    offsets = np.stack((a_starts[words[:, 0]], b_starts[words[:, 1]]), axis=1)
    return offsets.astype(np.int64).tobytes()


# Words of alignment structures a worker keeps beyond those of the pair at hand.
CACHE_WORDS = 1 << 21


class _Work:
    """What aligning a pair needs; a forked worker inherits it instead of receiving it.

    Each document's alignment structure (and, for the first document of a pair, its stock and
    content masks) is made once and kept in a cache bounded by `CACHE_WORDS`, so a long
    document in many pairs is not read again for each: the cost of a pair grows with its
    shorter document and what the two share.
    """

    def __init__(self, documents: DetectionInput, settings: DetectionSettings) -> None:
        # What a worker reads of every document is in arrays, not in a Python object per
        # document: touching those would copy their pages into each worker.
        self.texts, self.words = documents.texts, documents.words
        self.body_ends = np.fromiter(
            (end for _, end in documents.bodies), dtype=np.int64, count=len(documents.bodies)
        )
        self.word_counts = np.asarray(documents.word_counts, dtype=np.int64)
        self.language_names: list[str | None] = list(dict.fromkeys(documents.languages))
        number = {language: k for k, language in enumerate(self.language_names)}
        self.language_of = np.fromiter(
            (number[language] for language in documents.languages),
            dtype=np.int32,
            count=len(documents.languages),
        )
        self.settings = settings
        # Each language's stock phrases and function words as word ids; a document is read
        # with those of its own language.
        self.phrases: list[tuple[tuple[int, ...], ...]] = []
        self.function_ids: list[frozenset[int]] = []
        for language in self.language_names:
            self.phrases.append(tuple(tuple(map(word_id, p)) for p in load_stock_phrases(None, language)))
            self.function_ids.append(frozenset(map(word_id, function_words(language))))
        # The pairs to align (a, b) and the order to align them in, for `align_ordered`.
        self.pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
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
            ids, language = self.words[doc].ids.tolist(), int(self.language_of[doc])
            stock = stock_mask(ids, self.phrases[language])
            content = content_mask(ids, self.function_ids[language])
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

    def align_ordered(self, positions: list[int]) -> list[tuple[int, list[Reuse]]]:
        """`align_each` of the pairs at these positions of the order in `pairs`."""
        assert self.pairs is not None
        a, b, order = self.pairs
        numbers = order[positions]
        return self.align_each(
            list(
                zip(numbers.tolist(), zip(a[numbers].tolist(), b[numbers].tolist(), strict=True), strict=True)
            )
        )

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
        if not matches:
            return []
        text_a, text_b = self.texts[a], self.texts[b]
        return [
            Reuse(
                a,
                b,
                char_span(text_a, wa.starts, wa.ends, m.a, int(self.body_ends[a])),
                char_span(text_b, wb.starts, wb.ends, m.b, int(self.body_ends[b])),
                m.matched_words,
                m.similarity,
                m.kind,
                _packed(wa.starts, wb.starts, m.pairs),
            )
            for m in matches
        ]

"""Verify-and-align stage: the exact reused stretches between two documents.

Anchors are word k-grams present in both documents; anchors on nearly the same diagonal
and at most `max_gap_words` apart are chained, so an inserted, dropped or changed word
does not break a passage in two. A chain is reuse when enough of its words are matched
outside stock phrases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

import numpy as np

from provenance.settings import DetectionSettings

Kind = Literal["verbatim", "near-verbatim", "partial"]
TokenRange = tuple[int, int]

_SENTENCE_END = frozenset(".!?…")


@dataclass(frozen=True)
class Match:
    """A reused stretch: token ranges in documents A and B, and how alike they are."""

    a: TokenRange
    b: TokenRange
    matched_words: int
    similarity: float
    kind: Kind
    # Aligned words (index in A, index in B), increasing on both sides.
    pairs: tuple[tuple[int, int], ...] = ()


@dataclass
class _Chain:
    i_last: int
    j_last: int
    anchors: list[tuple[int, int]] = field(default_factory=list)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def gram_keys(ids: np.ndarray, k: int) -> np.ndarray:
    """A 64-bit key per word k-gram; equal k-grams have equal keys (the converse nearly always)."""
    n = len(ids) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    keys = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for t in range(k):
            keys = keys * _GOLDEN + ids[t : t + n].astype(np.uint64)
    return keys


class DocumentGrams:
    """What aligning reads of one document, made once and reused for every pair it is in:
    its word ids, the key of each k-gram, and (made when first needed) those keys sorted, so
    a pair's shared k-grams are found without a pass over the longer document."""

    def __init__(self, ids: np.ndarray, k: int) -> None:
        self.ids, self.k = ids, k
        self.keys = gram_keys(ids, k)
        self._sorted: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def sorted_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """The keys sorted, and the position of each."""
        if self._sorted is None:
            order = np.argsort(self.keys, kind="stable")
            self._sorted = (self.keys[order], order)
        return self._sorted

    def grams(self, positions: np.ndarray) -> list[tuple[int, ...]]:
        """The k-grams at these positions, as tuples of ids (compared exactly, not by key)."""
        if not len(positions):
            return []
        window = np.lib.stride_tricks.sliding_window_view(self.ids, self.k)
        return list(map(tuple, window[positions].tolist()))


def document_grams(ids: np.ndarray, k: int) -> DocumentGrams:
    """The alignment structure of one document's word ids."""
    return DocumentGrams(ids, k)


_NONE = np.empty(0, dtype=np.int64)


def _shared_positions(x: DocumentGrams, y: DocumentGrams) -> tuple[np.ndarray, np.ndarray]:
    """Positions in `x` and in `y` (increasing) of k-grams whose key occurs in both.

    The shorter document's keys are looked up in the longer one's sorted keys: the work
    grows with the shorter document and the copies found, not with the longer one.
    """
    if len(x.keys) > len(y.keys):
        py, px = _shared_positions(y, x)
        return px, py
    if not len(x.keys) or not len(y.keys):
        return _NONE, _NONE
    keys, order = y.sorted_keys()
    lo = np.searchsorted(keys, x.keys, "left")
    hi = np.searchsorted(keys, x.keys, "right")
    hit = hi > lo
    px = np.flatnonzero(hit)
    if not len(px):
        return _NONE, _NONE
    # Each distinct key once: the run of y's sorted keys equal to it is order[lo:hi].
    starts, first = np.unique(lo[hit], return_index=True)
    counts = hi[hit][first] - starts
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    py = np.sort(order[np.repeat(starts, counts) + within])
    return px, py


def _chains(a: DocumentGrams, b: DocumentGrams, settings: DetectionSettings) -> list[_Chain]:
    gap = settings.max_gap_words
    reach = a.k + gap
    # Only k-grams whose key both documents hold can be shared; their tuples settle it exactly.
    pa, pb = _shared_positions(a, b)
    if not len(pa):
        return []
    grams_a, grams_b = a.grams(pa), b.grams(pb)
    common = set(grams_a).intersection(grams_b)
    if not common:
        return []
    index: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for j, gram in zip(pb.tolist(), grams_b, strict=True):
        if gram in common:
            index[gram].append(j)
    done: list[_Chain] = []
    active: list[_Chain] = []
    for i, gram in zip(pa.tolist(), grams_a, strict=True):
        if gram not in common:
            continue
        # Chains out of reach are finished; skipping anchor-less positions changes nothing
        # but the order of `done`, which the caller does not rely on.
        if active:
            done.extend(c for c in active if i - c.i_last > reach)
            active = [c for c in active if i - c.i_last <= reach]
        js = index[gram]
        # A k-gram repeated everywhere in B anchors nothing useful and costs quadratic work.
        if len(js) > settings.max_anchor_occurrences:
            continue
        for j in js:
            best: _Chain | None = None
            best_key: tuple[int, int] | None = None
            for c in active:
                di, dj = i - c.i_last, j - c.j_last
                if di < 1 or dj < 1 or dj > reach or abs(di - dj) > gap:
                    continue
                key = (abs(di - dj), di)
                if best_key is None or key < best_key:
                    best, best_key = c, key
            if best is None:
                active.append(_Chain(i, j, [(i, j)]))
            else:
                best.i_last, best.j_last = i, j
                best.anchors.append((i, j))
    return done + active


def _aligned(anchors: list[tuple[int, int]], k: int) -> list[tuple[int, int]]:
    """Word pairs covered by the anchors of a chain, increasing on both sides."""
    pairs: list[tuple[int, int]] = []
    for i, j in anchors:
        for t in range(k):
            if not pairs or (i + t > pairs[-1][0] and j + t > pairs[-1][1]):
                pairs.append((i + t, j + t))
    return pairs


def _extended(
    a: Sequence[Hashable], b: Sequence[Hashable], pairs: list[tuple[int, int]], gap: int
) -> list[tuple[int, int]]:
    """The chain grown outward over words its k-gram anchors cannot reach.

    An edit two words from a passage's edge leaves those words outside every shared
    k-gram. Beyond the chain's ends, the next equal word is taken when it is adjacent on
    both sides; across skipped words only an equal pair of words is taken, so a stray
    common word in unrelated text next to the passage does not drag its edge outward.
    """

    def step(i: int, j: int, d: int) -> tuple[int, int, int] | None:
        best: tuple[int, int, int] | None = None
        for p in range(gap + 1):
            for q in range(gap + 1):
                x, y = i + d * (1 + p), j + d * (1 + q)
                if not (0 <= x < len(a) and 0 <= y < len(b)) or a[x] != b[y]:
                    continue
                if p or q:
                    x2, y2 = x + d, y + d
                    if not (0 <= x2 < len(a) and 0 <= y2 < len(b)) or a[x2] != b[y2]:
                        continue
                if best is None or p + q < best[0]:
                    best = (p + q, x, y)
        return best

    head: list[tuple[int, int]] = []
    i, j = pairs[0]
    while (found := step(i, j, -1)) is not None:
        _, i, j = found
        head.append((i, j))
    tail: list[tuple[int, int]] = []
    i, j = pairs[-1]
    while (found := step(i, j, 1)) is not None:
        _, i, j = found
        tail.append((i, j))
    return head[::-1] + pairs + tail


def _kind(
    a: Sequence[Hashable], b: Sequence[Hashable], similarity: float, settings: DetectionSettings
) -> Kind:
    if a == b:
        return "verbatim"
    return "near-verbatim" if similarity >= settings.near_verbatim_similarity else "partial"


def align(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    settings: DetectionSettings,
    a_stock: Sequence[bool] | None = None,
    a_content: Sequence[bool] | None = None,
) -> list[Match]:
    """Every reused stretch between word lists `a` and `b`, in order of position in `a`.

    Words are compared for equality only: strings in matching form or their word ids.

    `a_stock[i]` marks words of `a` inside stock phrases; they do not count towards
    `min_words`. `a_content[i]` marks words that are not function words; a match needs
    `min_content_words` of them outside stock phrases.
    """
    # Words as small ints (equal words, equal ints): the form `document_grams` takes.
    k = settings.anchor_words
    ids: dict[Hashable, int] = {}
    da, db = (
        document_grams(np.fromiter((ids.setdefault(w, len(ids)) for w in x), np.int64, len(x)), k)
        for x in (a, b)
    )
    return align_documents(da, db, settings, a_stock, a_content)


def align_documents(
    a: DocumentGrams,
    b: DocumentGrams,
    settings: DetectionSettings,
    a_stock: Sequence[bool] | None = None,
    a_content: Sequence[bool] | None = None,
) -> list[Match]:
    """`align` of two documents' alignment structures, made once each by `document_grams`
    however many pairs a document is in."""
    k = settings.anchor_words
    stock = a_stock if a_stock is not None and len(a_stock) else None
    matches: list[Match] = []
    for c in _chains(a, b, settings):
        pairs = _aligned(c.anchors, k)
        informative = [i for i, _ in pairs if not (stock is not None and stock[i])]
        if len(informative) < settings.min_words:
            continue
        if a_content is not None and sum(1 for i in informative if a_content[i]) < settings.min_content_words:
            continue
        pairs = _extended(a.ids, b.ids, pairs, settings.max_gap_words)
        ra, rb = (pairs[0][0], pairs[-1][0] + 1), (pairs[0][1], pairs[-1][1] + 1)
        wa, wb = a.ids[ra[0] : ra[1]].tolist(), b.ids[rb[0] : rb[1]].tolist()
        similarity = SequenceMatcher(None, wa, wb, autojunk=False).ratio()
        kind = _kind(wa, wb, similarity, settings)
        matches.append(Match(ra, rb, len(pairs), round(similarity, 4), kind, tuple(pairs)))
    return _without_nested(matches)


def _without_nested(matches: list[Match]) -> list[Match]:
    """Drop a match lying inside a larger one on both sides (a branch of the same copy)."""
    kept: list[Match] = []
    for m in sorted(matches, key=lambda m: (-(m.a[1] - m.a[0]), m.a, m.b)):
        if not any(
            k.a[0] <= m.a[0] and m.a[1] <= k.a[1] and k.b[0] <= m.b[0] and m.b[1] <= k.b[1] for k in kept
        ):
            kept.append(m)
    return sorted(kept, key=lambda m: (m.a, m.b))


def char_span(
    text: str, starts: Sequence[int], ends: Sequence[int], rng: TokenRange, limit: int
) -> tuple[int, int]:
    """Original offsets of a token range (word `i` is `text[starts[i]:ends[i]]`), taking in
    the sentence's final mark when it follows."""
    start, end = int(starts[rng[0]]), int(ends[rng[1] - 1])
    while end < limit and text[end] in _SENTENCE_END:
        end += 1
    return start, end

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


def _chains(a: Sequence[Hashable], b: Sequence[Hashable], settings: DetectionSettings) -> list[_Chain]:
    k, gap = settings.anchor_words, settings.max_gap_words
    reach = k + gap
    grams_a = list(zip(*(a[t:] for t in range(k)), strict=False))
    grams_b = list(zip(*(b[t:] for t in range(k)), strict=False))
    # Most candidate pairs share a few k-grams: index and visit only those (set work is C work).
    common = set(grams_a).intersection(grams_b)
    if not common:
        return []
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, gram in enumerate(grams_b):
        if gram in common:
            index[gram].append(j)
    done: list[_Chain] = []
    active: list[_Chain] = []
    for i in (i for i, gram in enumerate(grams_a) if gram in common):
        # Chains out of reach are finished; skipping anchor-less positions changes nothing
        # but the order of `done`, which the caller does not rely on.
        if active:
            done.extend(c for c in active if i - c.i_last > reach)
            active = [c for c in active if i - c.i_last <= reach]
        js = index[grams_a[i]]
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
    a_stock: list[bool] | None = None,
    a_content: list[bool] | None = None,
) -> list[Match]:
    """Every reused stretch between word lists `a` and `b`, in order of position in `a`.

    Words are compared for equality only: strings in matching form or their vocabulary ids.

    `a_stock[i]` marks words of `a` inside stock phrases; they do not count towards
    `min_words`. `a_content[i]` marks words that are not function words; a match needs
    `min_content_words` of them outside stock phrases.
    """
    k = settings.anchor_words
    matches: list[Match] = []
    for c in _chains(a, b, settings):
        pairs = _aligned(c.anchors, k)
        informative = [i for i, _ in pairs if not (a_stock and a_stock[i])]
        if len(informative) < settings.min_words:
            continue
        if a_content is not None and sum(1 for i in informative if a_content[i]) < settings.min_content_words:
            continue
        pairs = _extended(a, b, pairs, settings.max_gap_words)
        ra, rb = (pairs[0][0], pairs[-1][0] + 1), (pairs[0][1], pairs[-1][1] + 1)
        wa, wb = a[ra[0] : ra[1]], b[rb[0] : rb[1]]
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

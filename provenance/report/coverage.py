"""How much of a text passages cover: the measure behind `reused_chars` and shares."""

from __future__ import annotations

from collections.abc import Sequence

from provenance.text import visible_length

Span = tuple[int, int]


def _union(spans: Sequence[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def covered_chars(text: str, spans: Sequence[Span], minus: Sequence[Span] = ()) -> int:
    """Non-whitespace code points covered by at least one span and by none of `minus`.

    Whitespace is left out so that line breaks and padding do not inflate the reuse;
    `minus` takes out text that must not count (page furniture, a scraper's repeat).
    """
    covered = _union(spans)
    total = sum(visible_length(text, a, b) for a, b in covered)
    # Both lists are sorted and disjoint: one pass over the two finds every overlap.
    holes = _union(minus)
    i = j = 0
    while i < len(covered) and j < len(holes):
        (a, b), (c, d) = covered[i], holes[j]
        lo, hi = max(a, c), min(b, d)
        if lo < hi:
            total -= visible_length(text, lo, hi)
        if b <= d:
            i += 1
        else:
            j += 1
    return total

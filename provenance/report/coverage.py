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
    total = sum(visible_length(text, a, b) for a, b in _union(spans))
    if minus:
        holes = _union(minus)
        for a, b in _union(spans):
            for c, d in holes:
                lo, hi = max(a, c), min(b, d)
                if lo < hi:
                    total -= visible_length(text, lo, hi)
    return total

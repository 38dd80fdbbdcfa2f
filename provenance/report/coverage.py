"""How much of a text passages cover: the measure behind `reused_chars` and shares."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from provenance.text import visible_length
from provenance.text.spans import Span


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
    `minus` takes out text that must not count (boilerplate, a scraper's repeat).
    """
    return Coverage(text, minus).chars(spans)


class Coverage:
    """`covered_chars` of one text for many sets of spans, its holes merged once.

    A document with thousands of sources and thousands of excluded passages asks once per
    source; each span looks up the holes it meets, so no call walks all of them.
    """

    def __init__(self, text: str, minus: Sequence[Span] = ()) -> None:
        self.text = text
        self.holes = _union(minus)
        self._ends = [end for _, end in self.holes]

    def chars(self, spans: Sequence[Span]) -> int:
        """Non-whitespace code points covered by at least one of `spans` and by no hole."""
        text, holes = self.text, self.holes
        total = 0
        for a, b in _union(spans):
            total += visible_length(text, a, b)
            # Holes are sorted and disjoint: the first that ends after a, then on while they start before b.
            j = bisect_right(self._ends, a)
            while j < len(holes) and holes[j][0] < b:
                lo, hi = max(a, holes[j][0]), min(b, holes[j][1])
                if lo < hi:
                    total -= visible_length(text, lo, hi)
                j += 1
        return total

"""Passages a document repeats inside itself: a scraper's doubled paragraph or lead.

A repeat is not reuse between outlets. The later occurrence is left out of matching and
of the reused share; the first one stays, so a copy of it elsewhere is still found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from provenance.text import Token

Span = tuple[int, int]

# Fewer words repeated are usually a name or a formula said twice (a document's title in
# the headline and again in a list), not a doubled passage.
MIN_REPEAT_WORDS = 12


@dataclass(frozen=True)
class Repeat:
    """`text[repeat]` repeats `text[first]` word for word (in matching form)."""

    first: Span
    repeat: Span
    words: int


def find_repeats(tokens: Sequence[Token], min_words: int = MIN_REPEAT_WORDS) -> list[Repeat]:
    """Maximal runs of at least `min_words` words that occurred earlier in the same text."""
    norms = [t.norm for t in tokens]
    n = len(norms)
    grams = list(zip(*(norms[t:] for t in range(min_words)), strict=False))  # built in C
    first_seen: dict[tuple[str, ...], int] = {}
    found: list[Repeat] = []
    i = 0
    while i + min_words <= n:
        gram = grams[i]
        j = first_seen.get(gram)
        if j is None or j + min_words > i:
            first_seen.setdefault(gram, i)
            i += 1
            continue
        length = min_words
        # Grow the run while it stays equal and the first occurrence does not reach the repeat.
        while i + length < n and j + length < i and norms[j + length] == norms[i + length]:
            length += 1
        found.append(
            Repeat(
                (tokens[j].start, tokens[j + length - 1].end),
                (tokens[i].start, tokens[i + length - 1].end),
                length,
            )
        )
        for k in range(i, i + length - min_words + 1):
            first_seen.setdefault(grams[k], k)
        i += length
    return found

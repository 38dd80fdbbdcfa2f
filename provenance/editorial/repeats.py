"""Passages a document repeats inside itself: a scraper's doubled paragraph or lead.

A repeat is not reuse between outlets. The later occurrence is left out of matching and
of the reused share; the first one stays, so a copy of it elsewhere is still found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from provenance.text import Token
from provenance.text.spans import Span

# Fewer words repeated are usually a name or a formula said twice (a document's title in
# the headline and again in a list), not a doubled passage.
MIN_REPEAT_WORDS = 12


@dataclass(frozen=True, slots=True)
class Repeat:
    """`text[repeat]` repeats `text[first]` word for word (in matching form)."""

    first: Span
    repeat: Span
    words: int


def find_repeats(tokens: Sequence[Token], min_words: int = MIN_REPEAT_WORDS) -> list[Repeat]:
    """Maximal runs of at least `min_words` words that occurred earlier in the same text."""
    starts = np.array([t.start for t in tokens], dtype=np.int64)
    ends = np.array([t.end for t in tokens], dtype=np.int64)
    return repeats_in([t.norm for t in tokens], starts, ends, min_words)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _run_keys(norms: Sequence[str], k: int) -> np.ndarray:
    """A 64-bit key per run of k words; equal runs have equal keys (the converse nearly always)."""
    n = len(norms) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    ids: dict[str, int] = {}
    codes = np.fromiter((ids.setdefault(w, len(ids)) for w in norms), dtype=np.uint32, count=len(norms))
    keys = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for t in range(k):
            keys *= _GOLDEN
            keys += codes[t : t + n]
    return keys


def repeats_in(
    norms: Sequence[str], starts: np.ndarray, ends: np.ndarray, min_words: int = MIN_REPEAT_WORDS
) -> list[Repeat]:
    """`find_repeats` over a text's words as columns (see `AnalysedText`).

    Runs of `min_words` words are keyed by a 64-bit number, not a tuple of strings: a few
    dozen bytes a word at most, whatever the length of the text. Only a run met before can
    start a repeat; those are found in numpy, and Python visits them alone.
    """
    n = len(norms)
    keys = _run_keys(norms, min_words)
    if len(keys) < 2:
        return []
    order = np.argsort(keys, kind="stable")  # each key's positions together, in text order
    ordered = keys[order]
    del keys
    again = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1  # in `order`: runs met before
    del ordered
    if not len(again):
        return []
    # Where the group of each such run begins in `order`: after the last break before it.
    breaks = np.ones(len(order), dtype=bool)
    breaks[again] = False
    heads = np.flatnonzero(breaks)
    del breaks
    first_at = heads[np.searchsorted(heads, again, side="right") - 1]
    del heads
    positions = order[again]
    by_position = np.argsort(positions, kind="stable")
    # Runs that stop inside a repeat are never registered as first occurrences.
    unregistered: set[int] = set()
    found: list[Repeat] = []
    i = 0
    for i_at, at in zip(positions[by_position].tolist(), first_at[by_position].tolist(), strict=True):
        if i_at < i:
            continue  # inside a repeat already found
        i = i_at
        j = int(order[at])
        while j in unregistered:  # the earliest registered occurrence
            at += 1
            j = int(order[at])
        if j >= i or j + min_words > i or norms[j : j + min_words] != norms[i : i + min_words]:
            continue
        length = min_words
        # Grow the run while it stays equal and the first occurrence does not reach the repeat.
        while i + length < n and j + length < i and norms[j + length] == norms[i + length]:
            length += 1
        found.append(
            Repeat(
                (int(starts[j]), int(ends[j + length - 1])),
                (int(starts[i]), int(ends[i + length - 1])),
                length,
            )
        )
        unregistered.update(range(i + length - min_words + 1, i + length))
        i += length
    return found

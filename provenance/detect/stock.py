"""Stock phrases and function words: words that do not make a match reuse on their own."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

from stop_words import get_stop_words

from provenance.text import normalize

# The languages of the press this tool reads, and of its benchmarks.
FUNCTION_WORD_LANGUAGES = ("ru", "en")


@cache
def load_stock_phrases(path: Path | None = None) -> tuple[tuple[str, ...], ...]:
    """The phrases of the list (default: the packaged one) in matching form."""
    source = (
        path.read_text(encoding="utf-8")
        if path
        else (resources.files("provenance").joinpath("data", "stock_phrases.txt").read_text(encoding="utf-8"))
    )
    phrases = {tuple(normalize(line).split()) for line in source.splitlines() if not line.startswith("#")}
    return tuple(sorted(p for p in phrases if p))


def stock_mask(norms: Sequence[Hashable], phrases: tuple[tuple[Hashable, ...], ...]) -> list[bool]:
    """For each word, whether it lies inside an occurrence of a stock phrase.

    Words and phrases are compared for equality only: both in matching form, or both as
    vocabulary ids."""
    by_first: dict[Hashable, list[tuple[Hashable, ...]]] = {}
    for p in phrases:
        by_first.setdefault(p[0], []).append(p)
    mask = [False] * len(norms)
    for i, word in enumerate(norms):
        for p in by_first.get(word, ()):
            if tuple(norms[i : i + len(p)]) == p:
                mask[i : i + len(p)] = [True] * len(p)
    return mask


@cache
def load_function_words(languages: tuple[str, ...] = FUNCTION_WORD_LANGUAGES) -> frozenset[str]:
    """Function words (the `stop-words` package's lists) in matching form."""
    words: set[str] = set()
    for lang in languages:
        for w in get_stop_words(lang):
            words.update(normalize(w).split())
    return frozenset(words)


def content_mask(norms: Sequence[Hashable], function_words: frozenset[Hashable]) -> list[bool]:
    """For each word, whether it carries content (is not a function word)."""
    return [w not in function_words for w in norms]

"""Stock phrases and function words: words that do not make a match reuse on their own."""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import qaznltk
from stop_words import get_stop_words

from provenance.text import normalize

# The languages of the press this tool reads, and of its benchmarks: each has function
# words and stock phrases of its own.
FUNCTION_WORD_LANGUAGES = ("ru", "en", "kk")
# A line `[xx]` of the stock-phrase list starts the phrases of language `xx`.
_SECTION = re.compile(r"\[([a-z]{2})\]")


@cache
def _stock_phrase_lists(path: Path | None = None) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The phrases of the list (default: the packaged one) in matching form, by language."""
    source = (
        path.read_text(encoding="utf-8")
        if path
        else (resources.files("provenance").joinpath("data", "stock_phrases.txt").read_text(encoding="utf-8"))
    )
    found: dict[str, set[tuple[str, ...]]] = {}
    language = "ru"  # a list without sections is Russian
    for line in source.splitlines():
        if line.startswith("#"):
            continue
        if section := _SECTION.fullmatch(line.strip()):
            language = section.group(1)
            continue
        if phrase := tuple(normalize(line).split()):
            found.setdefault(language, set()).add(phrase)
    return {lang: tuple(sorted(phrases)) for lang, phrases in sorted(found.items())}


@cache
def load_stock_phrases(path: Path | None = None, language: str | None = None) -> tuple[tuple[str, ...], ...]:
    """The stock phrases of `language` in matching form; None (a language not told): those
    of every language."""
    lists = _stock_phrase_lists(path)
    if language is not None:
        return lists.get(language, ())
    return tuple(sorted({p for phrases in lists.values() for p in phrases}))


def stock_mask(norms: Sequence[Hashable], phrases: tuple[tuple[Hashable, ...], ...]) -> list[bool]:
    """For each word, whether it lies inside an occurrence of a stock phrase.

    Words and phrases are compared for equality only: both in matching form, or both as
    word ids."""
    by_first: dict[Hashable, list[tuple[Hashable, ...]]] = {}
    for p in phrases:
        by_first.setdefault(p[0], []).append(p)
    mask = [False] * len(norms)
    for i, word in enumerate(norms):
        for p in by_first.get(word, ()):
            if tuple(norms[i : i + len(p)]) == p:
                mask[i : i + len(p)] = [True] * len(p)
    return mask


def _function_word_list(language: str) -> list[str]:
    # stop-words has no Kazakh list (nor has stopwordsiso); qaznltk's is the one on PyPI.
    return list(qaznltk.get_stop_words()) if language == "kk" else get_stop_words(language)


@cache
def load_function_words(languages: tuple[str, ...] = FUNCTION_WORD_LANGUAGES) -> frozenset[str]:
    """Function words of the languages (the `stop-words` package's lists; Kazakh:
    `qaznltk`'s) in matching form."""
    words: set[str] = set()
    for lang in languages:
        for w in _function_word_list(lang):
            words.update(normalize(w).split())
    return frozenset(words)


def function_words(language: str | None) -> frozenset[str]:
    """The function words a document in `language` is read with: its language's own, so
    that a Kazakh function word is not taken out of a Russian text (бар, тура); for a
    language not told (too short, mixed, another language), those of every language, so no
    function word of the region's languages makes a match."""
    if language in FUNCTION_WORD_LANGUAGES:
        return load_function_words((language,))
    return load_function_words()


def content_mask(norms: Sequence[Hashable], function_words: frozenset[Hashable]) -> list[bool]:
    """For each word, whether it carries content (is not a function word)."""
    return [w not in function_words for w in norms]

"""Compact words: vocabulary ids that survive being made in several processes."""

from __future__ import annotations

import numpy as np

from provenance.text import tokenize
from provenance.text.compact import Vocabulary, Words


def test_ids_follow_first_sight_and_offsets_are_the_tokens() -> None:
    text = "Саммит «Центральная Азия – Россия» и саммит в Душанбе."
    tokens = tokenize(text)
    vocabulary = Vocabulary()
    words = Words.of(tokens, vocabulary)
    assert [vocabulary.words[i] for i in words.ids] == [t.norm for t in tokens]
    assert words.ids[0] == words.ids[5] == 0  # "саммит" both times
    assert [text[s:e] for s, e in zip(words.starts, words.ends, strict=True)] == [
        text[t.start : t.end] for t in tokens
    ]
    assert vocabulary.id("душанбе") == len(vocabulary) - 1 and vocabulary.id("москва") is None


def test_words_of_separate_vocabularies_renumbered_into_one_compare_equal() -> None:
    first, second = Vocabulary(), Vocabulary()
    a = Words.of(tokenize("один два три"), first)
    b = Words.of(tokenize("три четыре один"), second)
    merged = Vocabulary()
    a.renumber(merged.absorb(first.words))
    b.renumber(merged.absorb(second.words))
    assert a.ids[0] == b.ids[2] and a.ids[2] == b.ids[0]
    assert merged.words == ["один", "два", "три", "четыре"]
    empty = Words.of([], Vocabulary())
    empty.renumber(np.zeros(0, dtype=np.int32))
    assert len(empty) == 0

"""Compact words: hashed ids, the same in every process, and the tokens' own offsets."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from provenance.text import tokenize
from provenance.text.compact import Words, word_id, word_ids


def test_equal_words_have_equal_ids_and_offsets_are_the_tokens() -> None:
    text = "Саммит «Центральная Азия – Россия» и саммит в Душанбе."
    tokens = tokenize(text)
    words = Words.of(tokens)
    assert words.ids.dtype.name == "uint64" and len(words) == len(tokens)
    assert words.ids[0] == words.ids[5] == word_id("саммит")  # "Саммит" and "саммит"
    assert len(set(words.ids.tolist())) == len({t.norm for t in tokens})
    assert [text[s:e] for s, e in zip(words.starts, words.ends, strict=True)] == [
        text[t.start : t.end] for t in tokens
    ]
    assert len(Words.of([])) == 0


@given(st.lists(st.text(min_size=1, max_size=12), max_size=40))
def test_ids_do_not_depend_on_what_else_is_encoded(words: list[str]) -> None:
    together = word_ids(words).tolist()
    assert together == [word_id(w) for w in words]
    assert together == [int(word_ids([w])[0]) for w in words]


def test_ids_are_the_same_in_another_process_whatever_its_hash_seed() -> None:
    # Python's own str hash changes with PYTHONHASHSEED; a word id must not.
    code = "from provenance.text.compact import word_id; print(word_id('Казинформ'))"
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert seen == {str(word_id("Казинформ"))}

"""A document's words in compact form: vocabulary ids and original offsets in numpy arrays.

A scan of a large archive keeps every document's words in memory until the pairs are
aligned; as `Token` objects that is about 150 bytes a word, as three int32 arrays 12.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from provenance.text.normalize import Token


class Vocabulary:
    """Words in matching form and their ids, given in order of first sight (deterministic)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self.words: list[str] = []

    def __len__(self) -> int:
        return len(self.words)

    def id(self, word: str) -> int | None:
        """The word's id, or None when the vocabulary has never seen it."""
        return self._ids.get(word)

    def encode(self, words: Iterable[str]) -> np.ndarray:
        """Ids of the words (new ones added), as int32."""
        words = words if isinstance(words, list) else list(words)
        ids, known = self._ids, self.words
        out = list(map(ids.get, words))  # most words are known: looked up in one C loop
        if None in out:
            for k, i in enumerate(out):
                if i is None:
                    w = words[k]
                    i = ids.get(w)
                    if i is None:
                        i = ids[w] = len(known)
                        known.append(w)
                    out[k] = i
        return np.array(out, dtype=np.int32)

    def absorb(self, other_words: Sequence[str]) -> np.ndarray:
        """Map another vocabulary into this one: `result[i]` is our id of `other_words[i]`."""
        return self.encode(other_words)


@dataclass(frozen=True)
class Words:
    """Word `i` is `vocabulary.words[ids[i]]`, written as `text[starts[i]:ends[i]]`."""

    ids: np.ndarray  # int32
    starts: np.ndarray  # int32
    ends: np.ndarray  # int32

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, tokens: Sequence[Token], vocabulary: Vocabulary) -> Words:
        return cls(
            vocabulary.encode(t.norm for t in tokens),
            np.fromiter((t.start for t in tokens), dtype=np.int32, count=len(tokens)),
            np.fromiter((t.end for t in tokens), dtype=np.int32, count=len(tokens)),
        )

    @classmethod
    def of_columns(
        cls, norms: Sequence[str], starts: np.ndarray, ends: np.ndarray, vocabulary: Vocabulary
    ) -> Words:
        """The words of an analysed text (see `AnalysedText`), with ids from `vocabulary`."""
        return cls(vocabulary.encode(norms), np.asarray(starts, np.int32), np.asarray(ends, np.int32))

    def renumber(self, mapping: np.ndarray) -> None:
        """Give the words the ids of another vocabulary (`mapping[old id]` = new id), in place:
        a copy of every document's ids would cost a scan of an archive hundreds of megabytes."""
        if len(self.ids):
            np.take(mapping, self.ids, out=self.ids)

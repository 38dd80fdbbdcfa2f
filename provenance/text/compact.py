"""A document's words in compact form: hashed word ids and original offsets in numpy arrays.

A word's id is the 64-bit xxHash (XXH3) of its matching form, so every process, every
batch of an index and every machine of a cluster gives a word the same id with no
vocabulary to share or merge. Ids are only compared for equality; two of the million
distinct words of a large archive share an id with a chance of about 3 in 100 million.
As `Token` objects a word costs about 150 bytes, as these arrays 16.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from xxhash import xxh3_64_intdigest

from provenance.text.normalize import Token


def word_ids(words: Iterable[str]) -> np.ndarray:
    """The id of each word (uint64); each distinct word is hashed once."""
    words = words if isinstance(words, list) else list(words)
    ids = {w: xxh3_64_intdigest(w) for w in dict.fromkeys(words)}
    return np.fromiter(map(ids.__getitem__, words), dtype=np.uint64, count=len(words))


def word_id(word: str) -> int:
    """The id of one word (see `word_ids`)."""
    return xxh3_64_intdigest(word)


@dataclass(frozen=True)
class Words:
    """Word `i` has the id `ids[i]` and is written as `text[starts[i]:ends[i]]`."""

    ids: np.ndarray  # uint64
    starts: np.ndarray  # int32
    ends: np.ndarray  # int32

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, tokens: Sequence[Token]) -> Words:
        return cls(
            word_ids([t.norm for t in tokens]),
            np.fromiter((t.start for t in tokens), dtype=np.int32, count=len(tokens)),
            np.fromiter((t.end for t in tokens), dtype=np.int32, count=len(tokens)),
        )

    @classmethod
    def of_columns(cls, norms: Sequence[str], starts: np.ndarray, ends: np.ndarray) -> Words:
        """The words of an analysed text (see `AnalysedText`)."""
        return cls(word_ids(list(norms)), np.asarray(starts, np.int32), np.asarray(ends, np.int32))

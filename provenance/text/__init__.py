"""Text stage: normalise and segment a document, keeping offsets into the original text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from provenance.text.normalize import (
    NORMALIZATION_VERSION,
    Token,
    normalize,
    token_columns,
    tokenize,
    unify_marks,
)
from provenance.text.segment import paragraphs, sentences, trimmed
from provenance.text.spans import Span

__all__ = [
    "NORMALIZATION_VERSION",
    "SPACES",
    "AnalysedText",
    "Span",
    "Token",
    "analyse",
    "normalize",
    "paragraphs",
    "sentences",
    "token_columns",
    "tokenize",
    "trimmed",
    "unify_marks",
    "visible_length",
]


@dataclass(frozen=True)
class AnalysedText:
    """A document's body as words, paragraphs and sentences.

    Word `i` is `norms[i]`, written as `text[starts[i]:ends[i]]`: columns, not a `Token` per
    word, so a long document costs a pointer and two int32 a word (equal words share a string).
    `sentence_tokens[k]` is the half-open range of words inside `sentences[k]`.
    """

    norms: list[str]
    starts: np.ndarray  # int32
    ends: np.ndarray  # int32
    paragraphs: list[Span]
    sentences: list[Span]
    sentence_tokens: list[tuple[int, int]]

    @property
    def tokens(self) -> list[Token]:
        """The words as `Token`s (for small texts: one object a word)."""
        return [Token(*t) for t in zip(self.norms, self.starts.tolist(), self.ends.tolist(), strict=True)]


def analyse(text: str, start: int = 0, end: int | None = None, exclude: Sequence[Span] = ()) -> AnalysedText:
    """Tokenise and segment `text[start:end]`; all spans are offsets into `text`.

    Words inside an `exclude` span (boilerplate, a scraper's repeat) are left out, so
    later stages never match them; paragraphs and sentences keep their original extent.
    """
    end = len(text) if end is None else end
    norms, first, last = token_columns(text, start, end)
    # Views of the arrays' memory, not copies (array "i" is a C int, as np.intc).
    starts, ends = np.frombuffer(first, dtype=np.intc), np.frombuffer(last, dtype=np.intc)
    if exclude:
        keep = _outside(starts, ends, exclude)
        if not keep.all():
            norms = [w for w, k in zip(norms, keep.tolist(), strict=True) if k]
            starts, ends = starts[keep], ends[keep]
    paras = paragraphs(text, start, end)
    sents = [s for p in paras for s in sentences(text, p)]
    bounds = np.array(sents, dtype=np.int64).reshape(-1, 2)
    lo = np.searchsorted(starts, bounds[:, 0], side="left").tolist()
    hi = np.searchsorted(ends, bounds[:, 1], side="right").tolist()
    return AnalysedText(norms, starts, ends, paras, sents, list(zip(lo, hi, strict=True)))


def _outside(starts: np.ndarray, ends: np.ndarray, spans: Sequence[Span]) -> np.ndarray:
    """Which words (in text order) overlap none of the spans."""
    keep = np.ones(len(starts), dtype=bool)
    for s0, s1 in spans:
        # Words ending after s0 and starting before s1 overlap [s0, s1).
        keep[np.searchsorted(ends, s0, side="right") : np.searchsorted(starts, s1, side="left")] = False
    return keep


# Every character str.isspace() accepts (a test holds the two equal).
SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
SPACES += "\u2028\u2029\u202f\u205f\u3000"
# Above this many characters whitespace is counted in place rather than split off: a split
# makes a string a word, which for a whole long document is many times its size.
_SPLIT_MAX = 4096


def visible_length(text: str, start: int = 0, end: int | None = None) -> int:
    """Non-whitespace code points of `text[start:end]`: what reused shares count."""
    end = len(text) if end is None else min(end, len(text))
    if end <= start:
        return 0
    if end - start <= _SPLIT_MAX:
        # str.split() splits at exactly the characters str.isspace() accepts, at C speed.
        return len("".join(text[start:end].split()))
    return end - start - sum(text.count(ch, start, end) for ch in SPACES)

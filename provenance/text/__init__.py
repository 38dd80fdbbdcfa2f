"""Text stage: normalise and segment a document, keeping offsets into the original text."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from provenance.text.normalize import NORMALIZATION_VERSION, Token, normalize, tokenize, unify_marks
from provenance.text.segment import Span, paragraphs, sentences

__all__ = [
    "NORMALIZATION_VERSION",
    "AnalyzedText",
    "Span",
    "Token",
    "analyze",
    "normalize",
    "paragraphs",
    "sentences",
    "tokenize",
    "unify_marks",
]


@dataclass(frozen=True)
class AnalyzedText:
    """A document's body as words, paragraphs and sentences.

    `sentence_tokens[k]` is the half-open range of `tokens` inside `sentences[k]`.
    """

    tokens: list[Token]
    paragraphs: list[Span]
    sentences: list[Span]
    sentence_tokens: list[tuple[int, int]]

    @property
    def norms(self) -> list[str]:
        return [t.norm for t in self.tokens]


def analyze(text: str, start: int = 0, end: int | None = None) -> AnalyzedText:
    """Tokenise and segment `text[start:end]`; all spans are offsets into `text`."""
    end = len(text) if end is None else end
    tokens = tokenize(text, start, end)
    paras = paragraphs(text, start, end)
    sents = [s for p in paras for s in sentences(text, p)]
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    ranges = [(bisect_left(starts, s0), bisect_right(ends, s1)) for s0, s1 in sents]
    return AnalyzedText(tokens, paras, sents, ranges)

"""Text stage: normalise and segment a document, keeping offsets into the original text."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from provenance.text.normalize import NORMALIZATION_VERSION, Token, normalize, tokenize, unify_marks
from provenance.text.segment import Span, paragraphs, sentences, trimmed

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
    "trimmed",
    "unify_marks",
    "visible_length",
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


def analyze(text: str, start: int = 0, end: int | None = None, exclude: Sequence[Span] = ()) -> AnalyzedText:
    """Tokenise and segment `text[start:end]`; all spans are offsets into `text`.

    Words inside an `exclude` span (page furniture, a scraper's repeat) are left out, so
    later stages never match them; paragraphs and sentences keep their original extent.
    """
    end = len(text) if end is None else end
    tokens = _outside(tokenize(text, start, end), exclude) if exclude else tokenize(text, start, end)
    paras = paragraphs(text, start, end)
    sents = [s for p in paras for s in sentences(text, p)]
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    ranges = [(bisect_left(starts, s0), bisect_right(ends, s1)) for s0, s1 in sents]
    return AnalyzedText(tokens, paras, sents, ranges)


def _outside(tokens: list[Token], spans: Sequence[Span]) -> list[Token]:
    """The tokens that overlap none of the spans."""
    spans = sorted(spans)
    kept, k = [], 0
    for t in tokens:
        while k < len(spans) and spans[k][1] <= t.start:
            k += 1
        if k < len(spans) and spans[k][0] < t.end:
            continue
        kept.append(t)
    return kept


def visible_length(text: str, start: int = 0, end: int | None = None) -> int:
    """Non-whitespace code points of `text[start:end]`: what reused shares count."""
    # str.split() splits at exactly the characters str.isspace() accepts, at C speed.
    return len("".join(text[start:end].split()))

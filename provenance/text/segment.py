"""Paragraphs and sentences, as code-point spans of the original text."""

from __future__ import annotations

import re

import razdel

from provenance.text.lines import LINE_BREAK, SPACE
from provenance.text.spans import Span

# A paragraph break: a line break, any blank lines (whitespace only), another line break.
_PARAGRAPH_BREAK = re.compile(rf"{LINE_BREAK}(?:{SPACE}*{LINE_BREAK})+")
# What may end a finished paragraph: terminal punctuation, possibly inside closing quotes or brackets.
_FINISHED = re.compile(r"[.!?…:;][\s\"'»”“)\]]*$|[»”\"]\s*$")


def trimmed(text: str, start: int, end: int) -> Span | None:
    """`[start, end)` without leading and trailing whitespace; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _broken_mid_sentence(text: str, left: Span, right: Span) -> bool:
    """A scraper split one paragraph in two: no terminal mark before, a lowercase word after."""
    if _FINISHED.search(text[left[0] : left[1]]):
        return False
    first = text[right[0]]
    return first.isalpha() and first.islower()


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Paragraphs of `text[start:end]`, split at blank lines, with broken paragraphs joined again."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    pos = start
    for m in _PARAGRAPH_BREAK.finditer(text, start, end):
        span = trimmed(text, pos, m.start())
        if span:
            spans.append(span)
        pos = m.end()
    last = trimmed(text, pos, end)
    if last:
        spans.append(last)
    joined: list[Span] = []
    for span in spans:
        if joined and _broken_mid_sentence(text, joined[-1], span):
            joined[-1] = (joined[-1][0], span[1])
        else:
            joined.append(span)
    return joined


def sentences(text: str, paragraph: Span) -> list[Span]:
    """Sentences inside one paragraph (razdel's Russian rules; it also copes with Latin text)."""
    p0, p1 = paragraph
    return [(p0 + s.start, p0 + s.stop) for s in razdel.sentenize(text[p0:p1]) if s.stop > s.start]

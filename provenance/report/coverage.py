"""How much of a text reused passages cover: the measure behind `reused_chars`."""

from __future__ import annotations


def covered_chars(text: str, spans: list[tuple[int, int]]) -> int:
    """Non-whitespace code points covered by at least one span, overlaps counted once.

    Whitespace is left out so that line breaks and padding do not inflate the reuse.
    """
    total, reach = 0, 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            total += sum(1 for ch in text[start:end] if not ch.isspace())
            reach = end
    return total

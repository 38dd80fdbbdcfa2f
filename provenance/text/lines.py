"""Line breaks, one definition for every stage: CRLF, CR, LF, NEL, U+2028 and U+2029.

Texts keep the line endings they were written with, so patterns about lines use these, not
"\\n" or `^`/`$` with re.MULTILINE (which know only "\\n"), nor str.splitlines (which also
splits at form feeds and other controls).
"""

from __future__ import annotations

import re

BREAK_CHARS = "\n\r\x85\u2028\u2029"
_BREAKS = r"\n\r\x85\u2028\u2029"  # the same, inside a regex character class

# One line break: CRLF is one, never CR then LF (which would read as a blank line).
LINE_BREAK = r"(?:\r\n|\r(?!\n)|[\n\x85\u2028\u2029])"
NOT_BREAK = rf"[^{_BREAKS}]"
SPACE = rf"[^\S{_BREAKS}]"  # whitespace that keeps the line
# `^` and `$` of re.MULTILINE for every break; the gap inside a CRLF is neither.
LINE_START = rf"(?<!{NOT_BREAK})(?!(?<=\r)\n)"
LINE_END = rf"(?!{NOT_BREAK})(?!(?<=\r)\n)"

_BREAK_RE = re.compile(f"[{_BREAKS}]")


def has_line_break(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether `text[start:end]` holds a line break."""
    return _BREAK_RE.search(text, start, len(text) if end is None else end) is not None


def line_start(text: str, pos: int, floor: int = 0) -> int:
    """Start of the line that holds `text[pos]`, not before `floor`."""
    return max(floor, *(text.rfind(c, floor, pos) + 1 for c in BREAK_CHARS))


_ONE_BREAK = re.compile(LINE_BREAK)


def line_column(text: str, pos: int) -> tuple[int, int]:
    """The line and column of `text[pos]`, both from 1, as an editor shows them: lines end at
    every break above (a CRLF is one), columns count code points."""
    line = 1 + sum(1 for _ in _ONE_BREAK.finditer(text, 0, pos))
    return line, 1 + pos - line_start(text, pos)

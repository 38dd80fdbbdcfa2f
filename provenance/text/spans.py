"""The one span type of the code base."""

from __future__ import annotations

# `[start, end)` of a text in Unicode code points, end exclusive: `text[start:end]`.
Span = tuple[int, int]

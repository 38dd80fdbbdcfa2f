"""Boilerplate: lines of page furniture, that belong to a site's page, not to the article.

A line is boilerplate when a registry pattern matches all of it (generic patterns for every
document, an outlet's own for its documents), or when the same short line stands in many
documents of one outlet. Frequency is counted per outlet only: the same line in many
outlets is usually a copied sentence, which is exactly what the tool must find.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from provenance.ingest.outlets import OutletRegistry
from provenance.text import normalize, trimmed
from provenance.text.lines import NOT_BREAK
from provenance.text.spans import Span

BoilerplateRule = Literal["registry", "frequency"]

_LINE = re.compile(f"{NOT_BREAK}+")


@dataclass(frozen=True)
class Boilerplate:
    """One boilerplate line: `text[start:end]`, surrounding whitespace left out."""

    start: int
    end: int
    rule: BoilerplateRule


@dataclass(frozen=True)
class FrequencyRule:
    # A line is boilerplate when it stands in at least `min_documents` documents of an outlet
    # and in at least `min_share` of them; longer lines are text, however often repeated.
    min_documents: int = 3
    min_share: float = 0.2
    max_words: int = 15


def lines(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Non-blank lines of `text[start:end]`, whitespace trimmed."""
    end = len(text) if end is None else end
    found = (trimmed(text, *m.span()) for m in _LINE.finditer(text, start, end))
    return [span for span in found if span]


def find_boilerplate(
    texts: Sequence[str],
    bodies: Sequence[Span],
    outlets: Sequence[str | None],
    registry: OutletRegistry,
    rule: FrequencyRule = FrequencyRule(),
) -> list[list[Boilerplate]]:
    """For each document, its boilerplate lines in text order."""
    by_name = {o.name: o for o in registry.outlets}
    body_lines = [lines(t, *b) for t, b in zip(texts, bodies, strict=True)]
    # Frequency is counted per known outlet: lines of other documents need no matching form.
    keys = [
        [_key(t[a:b], rule.max_words) for a, b in spans] if outlet is not None else [None] * len(spans)
        for t, spans, outlet in zip(texts, body_lines, outlets, strict=True)
    ]

    frequent: dict[str, set[str]] = {}  # outlet → line keys that are boilerplate in its documents
    members: dict[str, list[int]] = {}
    for d, outlet in enumerate(outlets):
        if outlet is not None:
            members.setdefault(outlet, []).append(d)
    for outlet, docs in members.items():
        needed = max(rule.min_documents, math.ceil(rule.min_share * len(docs)))
        counts: dict[str, int] = {}
        for d in docs:
            for key in {k for k in keys[d] if k}:
                counts[key] = counts.get(key, 0) + 1
        frequent[outlet] = {k for k, n in counts.items() if n >= needed}

    found: list[list[Boilerplate]] = []
    for d, (text, spans) in enumerate(zip(texts, body_lines, strict=True)):
        outlet = by_name.get(outlets[d]) if outlets[d] else None
        patterns = registry.boilerplate + (outlet.boilerplate if outlet else ())
        common = frequent.get(outlets[d], set()) if outlets[d] else set()
        marked = []
        for (a, b), key in zip(spans, keys[d], strict=True):
            if any(p.fullmatch(text, a, b) for p in patterns):
                marked.append(Boilerplate(a, b, "registry"))
            elif key and key in common:
                marked.append(Boilerplate(a, b, "frequency"))
        found.append(marked)
    return found


def _key(line: str, max_words: int) -> str | None:
    """The line in matching form, or None when it is too long (or too empty) to be boilerplate."""
    words = normalize(line).split()
    return " ".join(words) if 0 < len(words) <= max_words else None

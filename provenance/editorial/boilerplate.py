"""Boilerplate: lines of page boilerplate, that belong to a site's page, not to the article.

A line is boilerplate when a registry pattern matches all of it (generic patterns for every
document, an outlet's own for its documents), or when the same short line stands in many
documents of one outlet. Frequency is counted per outlet only: the same line in many
outlets is usually a copied sentence, which is exactly what the tool must find.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from provenance.ingest.outlets import OutletRegistry
from provenance.text import normalize, trimmed
from provenance.text.lines import NOT_BREAK
from provenance.text.spans import Span

BoilerplateRule = Literal["registry", "frequency"]

_LINE = re.compile(f"{NOT_BREAK}+")


@dataclass(frozen=True, slots=True)
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


@dataclass
class LineCounts:
    """Per outlet: how many documents it has, and in how many of them each short line
    (in matching form) stands. Counts add up, so the order and grouping of the documents
    counted never matter (`merge`)."""

    documents: dict[str, int] = field(default_factory=dict)
    lines: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, outlet: str | None, keys: Iterable[str]) -> None:
        """One document of `outlet` whose lines have these keys (any order, repeats allowed)."""
        if outlet is None:  # frequency is counted per known outlet only
            return
        self.documents[outlet] = self.documents.get(outlet, 0) + 1
        self.lines.setdefault(outlet, Counter()).update(set(keys))

    def merge(self, other: LineCounts) -> None:
        for outlet, n in other.documents.items():
            self.documents[outlet] = self.documents.get(outlet, 0) + n
        for outlet, counts in other.lines.items():
            self.lines.setdefault(outlet, Counter()).update(counts)

    def frequent(self, rule: FrequencyRule = FrequencyRule()) -> FrequentLines:
        """The lines that are boilerplate of each outlet under `rule`."""
        out: FrequentLines = {}
        for outlet, docs in self.documents.items():
            needed = max(rule.min_documents, math.ceil(rule.min_share * docs))
            out[outlet] = frozenset(k for k, n in self.lines.get(outlet, {}).items() if n >= needed)
        return out


# Outlet → the line keys that are boilerplate in its documents.
FrequentLines = dict[str, frozenset[str]]


def line_keys(
    text: str, body: Span, outlet: str | None, rule: FrequencyRule = FrequencyRule()
) -> list[tuple[Span, str | None]]:
    """The body's lines, each with its key for counting (None: too long, or no outlet to
    count it for: lines of such documents need no matching form)."""
    spans = lines(text, *body)
    if outlet is None:
        return [(span, None) for span in spans]
    return [((a, b), _key(text[a:b], rule.max_words)) for a, b in spans]


def document_lines(
    text: str, body: Span, outlet: str | None, rule: FrequencyRule = FrequencyRule()
) -> frozenset[str]:
    """What one document adds to the line counts of its outlet: the keys of its short lines
    (none without an outlet)."""
    return frozenset(k for _, k in line_keys(text, body, outlet, rule) if k)


def count_lines(
    documents: Iterable[tuple[str, Span, str | None]], rule: FrequencyRule = FrequencyRule()
) -> LineCounts:
    """The line counts of documents given as (text, body, outlet)."""
    counts = LineCounts()
    for text, body, outlet in documents:
        if outlet is not None:
            counts.add(outlet, document_lines(text, body, outlet, rule))
    return counts


def boilerplate_of(
    text: str,
    body: Span,
    outlet: str | None,
    registry: OutletRegistry,
    frequent: FrequentLines,
    rule: FrequencyRule = FrequencyRule(),
) -> list[Boilerplate]:
    """One document's boilerplate lines, in text order: whole lines a registry pattern matches
    (generic, or its outlet's own), and lines frequent among its outlet's documents."""
    entry = registry.by_name.get(outlet) if outlet else None
    patterns = registry.boilerplate + (entry.boilerplate if entry else ())
    common = frequent.get(outlet, frozenset()) if outlet else frozenset()
    marked = []
    for (a, b), key in line_keys(text, body, outlet, rule):
        if any(p.fullmatch(text, a, b) for p in patterns):
            marked.append(Boilerplate(a, b, "registry"))
        elif key and key in common:
            marked.append(Boilerplate(a, b, "frequency"))
    return marked


def judged_by_frequency(keys: Iterable[str], outlet: str | None, frequent: FrequentLines) -> bool:
    """Whether any of a document's line keys (`document_lines`) is frequent in its outlet.
    When none is, `boilerplate_of` marks only the lines the registry's patterns match, as
    with no line statistics at all: the document's boilerplate, and so its whole record,
    does not depend on the other documents."""
    common = frequent.get(outlet, frozenset()) if outlet else frozenset()
    return not common.isdisjoint(keys)


def find_boilerplate(
    texts: Sequence[str],
    bodies: Sequence[Span],
    outlets: Sequence[str | None],
    registry: OutletRegistry,
    rule: FrequencyRule = FrequencyRule(),
) -> list[list[Boilerplate]]:
    """For each document, its boilerplate lines in text order, the frequency counted over
    these documents."""
    frequent = count_lines(zip(texts, bodies, outlets, strict=True), rule).frequent(rule)
    return [
        boilerplate_of(t, b, o, registry, frequent, rule)
        for t, b, o in zip(texts, bodies, outlets, strict=True)
    ]


def _key(line: str, max_words: int) -> str | None:
    """The line in matching form, or None when it is too long (or too empty) to be boilerplate."""
    words = normalize(line).split()
    return " ".join(words) if 0 < len(words) <= max_words else None

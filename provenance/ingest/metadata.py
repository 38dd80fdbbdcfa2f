"""Metadata read from a text itself: inline header, dateline/trailer date, outlet signature."""

from __future__ import annotations

from dataclasses import dataclass

from provenance.ingest.dates import extract_date
from provenance.ingest.header import parse_header
from provenance.ingest.model import DocumentDate
from provenance.ingest.outlets import OutletRegistry, detect_outlet


@dataclass(frozen=True)
class TextMetadata:
    body_start: int
    date: DocumentDate
    outlet: str | None
    problems: tuple[tuple[str, str], ...] = ()  # (warning code, message)


def analyse_text(text: str, registry: OutletRegistry) -> TextMetadata:
    """Header date first, else the body's dateline/trailer; outlet from a signature in the body."""
    problems: list[tuple[str, str]] = []
    header = parse_header(text)
    body_start = header.body_start if header else 0
    date = header.date if header else None
    if header and date is None:
        problems.append(("bad-header-date", f"date header {header.value!r} is not a valid date; ignored"))
    if date is None:
        date = extract_date(text, body_start)
    outlet, ambiguity = detect_outlet(text, registry, body_start)
    if ambiguity:
        problems.append(("ambiguous-outlet", ambiguity))
    return TextMetadata(body_start, date, outlet, tuple(problems))

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

    def open_problems(self, has_date: bool, has_outlet: bool) -> list[tuple[str, str]]:
        """The problems still worth a warning when a record, page or manifest already states
        a date (`has_date`) or an outlet (`has_outlet`): what it states settles the question
        the text left open."""
        settled = {"bad-header-date"} if has_date else set()
        settled |= {"ambiguous-outlet"} if has_outlet else set()
        return [(code, message) for code, message in self.problems if code not in settled]


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

"""A `.jsonl` file: one document record per line; a bad line is reported and skipped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from provenance import schemas
from provenance.ingest.dates import parse_iso
from provenance.ingest.metadata import analyse_text
from provenance.ingest.model import Document, InputWarning, Skipped
from provenance.ingest.outlets import OutletRegistry

RECORD_SCHEMA = "document-record.schema.json"


def _lines(text: str) -> Iterator[tuple[int, str]]:
    # Split on "\n" only: str.splitlines() would also break on U+2028 etc., which JSON
    # allows raw inside strings.
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.removesuffix("\r")


def _optional(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return (value.strip() or None) if isinstance(value, str) else None


def read_jsonl(
    rel_path: str, text: str, encoding: str, registry: OutletRegistry
) -> tuple[list[Document], list[InputWarning], list[Skipped]]:
    """Every valid record of one decoded .jsonl file, with warnings and skips for the rest."""
    documents: list[Document] = []
    warnings: list[InputWarning] = []
    skipped: list[Skipped] = []

    def reject(line: int, code: str, message: str) -> None:
        warnings.append(InputWarning(rel_path, code, message, line))
        skipped.append(Skipped(rel_path, message, line))

    for number, line in _lines(text):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            reject(number, "bad-json", f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        problems = schemas.errors(RECORD_SCHEMA, record)
        if problems:
            reject(number, "bad-record", "record does not match the document schema: " + "; ".join(problems))
            continue
        doc = _document(rel_path, number, record, encoding, registry, warnings)
        if doc is None:
            reject(number, "empty", "record text holds only a date header, no text")
            continue
        documents.append(doc)
    return documents, warnings, skipped


def _document(
    rel_path: str,
    line: int,
    record: dict[str, Any],
    encoding: str,
    registry: OutletRegistry,
    warnings: list[InputWarning],
) -> Document | None:
    text: str = record["text"]
    meta = analyse_text(text, registry)
    if not text[meta.body_start :].strip():
        return None
    record_date = _optional(record, "date")
    # The schema has checked the date, so parse_iso cannot fail here.
    date = parse_iso(record_date, "record") if record_date else None
    outlet = _optional(record, "outlet")
    for code, message in meta.problems:
        # What the record states settles the question the text left open.
        if (code == "bad-header-date" and date) or (code == "ambiguous-outlet" and outlet):
            continue
        warnings.append(InputWarning(rel_path, code, message, line))
    if outlet:
        # A known outlet under another spelling gets its canonical name, so outlets group.
        outlet = registry.canonical_name(outlet) or outlet
    return Document(
        id=record["id"],
        path=rel_path,
        text=text,
        format="jsonl",
        encoding=encoding,
        body_start=meta.body_start,
        date=date or meta.date,
        outlet=outlet or meta.outlet,
        outlet_source="record" if outlet else ("signature" if meta.outlet else None),
        title=_optional(record, "title"),
        url=_optional(record, "url"),
        line=line,
    )

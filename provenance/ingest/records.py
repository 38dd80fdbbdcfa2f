"""Record files: `.jsonl` (one document record per line) and `.json` (an array of records, or
one record). Each record is validated against the document schema; a bad record is reported
and skipped, and the rest of the file is still read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

from provenance import jsontext, schemas
from provenance.ingest.dates import parse_iso
from provenance.ingest.metadata import analyse_text
from provenance.ingest.model import Document, InputWarning, Skipped
from provenance.ingest.outlets import OutletRegistry

RECORD_SCHEMA = "document-record.schema.json"
_WHITESPACE = " \t\n\r"  # what JSON allows between values


class _BadJson(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _jsonl_lines(text: str) -> Iterator[tuple[int, str]]:
    # Split on "\n" only: str.splitlines() would also break on U+2028 etc., which JSON
    # allows raw inside strings.
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.removesuffix("\r")


def _loads(line: str, number: int) -> jsontext.Parsed:
    try:
        return jsontext.parse(line, whole=True)
    except json.JSONDecodeError as exc:
        raise _BadJson(f"invalid JSON: {exc.msg} at column {exc.colno}", number) from exc
    except RecursionError as exc:
        raise _BadJson("invalid JSON: nested too deeply", number) from exc


class _Lines:
    """Line numbers of positions met in increasing order, counted once."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, pos: int) -> int:
        if pos < self.pos:
            return self.text.count("\n", 0, pos) + 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _json_values(text: str) -> Iterator[tuple[int, jsontext.Parsed]]:
    """(line, record) of a `.json` file: each item of a top-level array, or the one top-level
    value. Items before a syntax error are yielded; the error is raised as _BadJson."""
    lines = _Lines(text)

    def skip(pos: int) -> int:
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        return pos

    def bad(at: int, message: str) -> _BadJson:
        line = lines.at(at)
        column = at - text.rfind("\n", 0, at)
        return _BadJson(f"invalid JSON: {message} at line {line} column {column}", line)

    def value(at: int) -> tuple[jsontext.Parsed, int]:
        try:
            parsed = jsontext.parse(text, at)
            return parsed, parsed.end
        except json.JSONDecodeError as exc:
            raise bad(exc.pos, exc.msg) from exc
        except RecursionError as exc:
            raise bad(at, "nested too deeply") from exc

    pos = skip(0)
    if not text.startswith("[", pos):
        record, end = value(pos)
        if skip(end) < len(text):
            raise bad(skip(end), "extra data after the record")
        yield lines.at(pos), record
        return
    pos = skip(pos + 1)
    first = True
    while not text.startswith("]", pos):
        if pos >= len(text):
            raise bad(pos, "the array is not closed")
        if not first:
            if not text.startswith(",", pos):
                raise bad(pos, "expected ',' or ']'")
            pos = skip(pos + 1)
        first = False
        record, end = value(pos)
        yield lines.at(pos), record
        pos = skip(end)
    if skip(pos + 1) < len(text):
        raise bad(skip(pos + 1), "extra data after the array")


def _optional(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return (value.strip() or None) if isinstance(value, str) else None


def read_records(
    rel_path: str, text: str, encoding: str, registry: OutletRegistry, kind: Literal["jsonl", "json"]
) -> tuple[list[Document], list[InputWarning], list[Skipped]]:
    """Every valid record of one decoded `.jsonl` or `.json` file, with warnings and skips for
    the rest."""
    documents: list[Document] = []
    warnings: list[InputWarning] = []
    skipped: list[Skipped] = []

    def reject(line: int, code: str, message: str) -> None:
        warnings.append(InputWarning(rel_path, code, message, line))
        skipped.append(Skipped(rel_path, message, line))

    def take(number: int, parsed: jsontext.Parsed) -> None:
        record = parsed.value
        problems = schemas.errors(RECORD_SCHEMA, record)
        date_problem = None
        undated = {k: v for k, v in record.items() if k != "date"} if isinstance(record, dict) else None
        # A bad date alone does not lose the article: it is read undated, with a warning.
        bad_date = problems and undated is not None and "date" in record
        if bad_date and not schemas.errors(RECORD_SCHEMA, undated):
            date_problem = f"date {record['date']!r} is not a valid date; ignored"
            record, problems = undated, []
        if problems:
            reject(number, "bad-record", "record does not match the document schema: " + "; ".join(problems))
            return
        if parsed.replaced:
            # JSON can spell a lone surrogate ("\ud800"): no character, and no UTF-8 can hold it.
            n = parsed.replaced
            message = f"{n} unpaired surrogate escape{'s' * (n > 1)} in the record, read as U+FFFD"
            warnings.append(InputWarning(rel_path, "bad-text", message, number))
        if date_problem:
            warnings.append(InputWarning(rel_path, "bad-date", date_problem, number))
        doc = _document(rel_path, number, record, encoding, registry, warnings, kind)
        if doc is None:
            reject(number, "empty", "record text holds only a date header, no text")
            return
        documents.append(doc)

    if kind == "jsonl":
        for number, line in _jsonl_lines(text):
            if not line.strip():
                continue
            try:
                take(number, _loads(line, number))
            except _BadJson as exc:
                reject(exc.line, "bad-json", str(exc))
        return documents, warnings, skipped
    try:
        for number, record in _json_values(text):
            take(number, record)
    except _BadJson as exc:
        read = f"{len(documents)} records before it were read, the rest of the file was not"
        reject(exc.line, "bad-json", f"{exc}; {read}")
    return documents, warnings, skipped


def _document(
    rel_path: str,
    line: int,
    record: dict[str, Any],
    encoding: str,
    registry: OutletRegistry,
    warnings: list[InputWarning],
    kind: Literal["jsonl", "json"],
) -> Document | None:
    text: str = record["text"]
    meta = analyse_text(text, registry)
    if not text[meta.body_start :].strip():
        return None
    record_date = _optional(record, "date")
    # The schema has checked the date, so parse_iso cannot fail here.
    date = parse_iso(record_date, "record") if record_date else None
    outlet = _optional(record, "outlet")
    for code, message in meta.open_problems(date is not None, bool(outlet)):
        warnings.append(InputWarning(rel_path, code, message, line))
    if outlet:
        # A known outlet under another spelling gets its canonical name, so outlets group.
        outlet = registry.canonical_name(outlet) or outlet
    title, url = _optional(record, "title"), _optional(record, "url")
    return Document(
        id=record["id"],
        path=rel_path,
        text=text,
        format=kind,
        encoding=encoding,
        body_start=meta.body_start,
        date=date or meta.date,
        outlet=outlet or meta.outlet,
        outlet_source="record" if outlet else ("signature" if meta.outlet else None),
        title=title,
        title_source="record" if title else None,
        url=url,
        url_source="record" if url else None,
        line=line,
    )

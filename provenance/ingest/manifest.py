"""A manifest: outlet, date, URL and title of articles, per file or document id, from outside
the files. Its values override what ingest detected; each marks its source as `manifest`."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from provenance import jsontext, schemas
from provenance.ingest.dates import parse_iso
from provenance.ingest.encoding import DecodeProblem, decode
from provenance.ingest.model import Document, InputWarning
from provenance.ingest.outlets import OutletRegistry

MANIFEST_SCHEMA = "manifest.schema.json"
FIELDS = ("outlet", "date", "url", "title")
_MAX_PROBLEMS = 5


class ManifestError(ValueError):
    """A manifest that cannot be used: one line naming the file and the problems."""


@dataclass(frozen=True)
class Entry:
    key: str  # the path or id the entry is for
    by: str  # "path" or "id"
    values: dict[str, str]
    where: str  # "row 3" / "entry 2", for messages


@dataclass(frozen=True)
class Manifest:
    name: str  # as the user gave it, for messages and the report
    entries: tuple[Entry, ...]


def _rows_from_csv(text: str, name: str) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or a sample too small to tell: commas
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    if not reader.fieldnames:
        raise ManifestError(f"{name}: the CSV manifest has no header row")
    names = [f.strip() for f in reader.fieldnames]
    rows, where = [], []
    for row in reader:
        extra = row.pop(None, None)  # type: ignore[call-overload]
        entry = {k.strip(): v.strip() for k, v in zip(names, row.values(), strict=True) if v and v.strip()}
        if extra and any(x.strip() for x in extra):
            entry["(extra cells)"] = ",".join(extra)
        if entry:
            rows.append(entry)
            where.append(f"line {reader.line_num}")
    return rows, where


def load_manifest(path: Path) -> Manifest:
    """The manifest at `path` (`.csv`, else JSON), validated; ManifestError when unusable."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"{name}: cannot read the manifest: {exc.strerror or exc}") from exc
    try:
        text = decode(data).text  # spreadsheets save CSV in UTF-8 with a BOM, or in cp1251
    except DecodeProblem as exc:
        raise ManifestError(f"{name}: cannot read the manifest: {exc}") from exc
    if path.suffix.lower() == ".csv":
        entries, where = _rows_from_csv(text, name)
    else:
        try:
            entries = jsontext.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ManifestError(f"{name}: the manifest is not valid JSON: {exc}") from exc
        where = [f"entry {n}" for n in range(1, len(entries) + 1)] if isinstance(entries, list) else []
    problems = schemas.errors(MANIFEST_SCHEMA, entries)
    if problems:
        shown = [_located(p, where) for p in problems[:_MAX_PROBLEMS]]
        more = f" (+{len(problems) - _MAX_PROBLEMS} more)" if len(problems) > _MAX_PROBLEMS else ""
        raise ManifestError(f"{name}: invalid manifest: " + "; ".join(shown) + more)
    parsed: list[Entry] = []
    seen: dict[tuple[str, str], str] = {}
    for entry, at in zip(entries, where, strict=True):
        by = "id" if "id" in entry else "path"
        key = entry[by]
        if (by, key) in seen:
            raise ManifestError(f"{name}: {at} repeats the {by} {key!r} of {seen[by, key]}")
        seen[by, key] = at
        values = {f: entry[f].strip() for f in FIELDS if f in entry}
        parsed.append(Entry(key, by, values, at))
    return Manifest(name, tuple(parsed))


def _located(problem: str, where: list[str]) -> str:
    # "2/date: ..." → "line 4: date: ..."
    head, _, rest = problem.partition("/")
    if head.isdigit() and int(head) < len(where):
        return f"{where[int(head)]}: {rest}"
    return problem


class ManifestUse:
    """Puts a manifest's values into documents, one at a time as they are read, and says
    at the end which entries matched no document."""

    def __init__(self, manifest: Manifest, registry: OutletRegistry) -> None:
        self.manifest, self.registry = manifest, registry
        self._by_id = {e.key: e for e in manifest.entries if e.by == "id"}
        self._by_path = {e.key: e for e in manifest.entries if e.by == "path"}
        self._used: set[tuple[str, str]] = set()

    def apply(self, doc: Document) -> Document:
        """The document with the values of its entries: by path, then by id (which wins)."""
        for entry in (self._by_path.get(doc.path), self._by_id.get(doc.id)):
            if entry is not None:
                self._used.add((entry.by, entry.key))
                doc = _with(doc, entry.values, self.registry)
        return doc

    def unmatched(self) -> list[InputWarning]:
        """A warning for each entry that no document applied so far matched."""
        return [
            InputWarning(
                self.manifest.name,
                "manifest-unmatched",
                f"{entry.where}: no document with {entry.by} {entry.key!r} was read; entry not used",
            )
            for entry in self.manifest.entries
            if (entry.by, entry.key) not in self._used
        ]


def _with(doc: Document, values: dict[str, str], registry: OutletRegistry) -> Document:
    changes: dict[str, Any] = {}
    if "outlet" in values:
        changes["outlet"] = registry.canonical_name(values["outlet"]) or values["outlet"]
        changes["outlet_source"] = "manifest"
    if "date" in values:
        changes["date"] = parse_iso(values["date"], "manifest")  # the schema has checked it
    if "url" in values:
        changes.update(url=values["url"], url_source="manifest")
    if "title" in values:
        changes.update(title=values["title"], title_source="manifest")
    return replace(doc, **changes)

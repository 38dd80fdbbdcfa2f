"""Plain data produced by ingest: documents with their metadata, and what was skipped."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Protocol

DatePrecision = Literal["datetime", "day", "month-day", "none"]
# Where each metadata value came from. html-meta: a <meta> tag (article:published_time,
# og:site_name, og:title, og:url); json-ld: a schema.org NewsArticle; html-time: a
# <time datetime>; html-title: <title>; html-canonical: <link rel="canonical">;
# url: the host of the page's URL, matched to an outlet's domains in the registry.
DateSource = Literal[
    "header", "record", "dateline", "trailer", "html-meta", "json-ld", "html-time", "manifest"
]
OutletSource = Literal["record", "signature", "html-meta", "json-ld", "url", "manifest"]
TitleSource = Literal["record", "html-meta", "json-ld", "html-title", "manifest"]
UrlSource = Literal["record", "html-canonical", "html-meta", "json-ld", "manifest"]
DocumentFormat = Literal["txt", "jsonl", "json", "html"]


@dataclass(frozen=True)
class DocumentDate:
    """A publication date as far as it is known; a missing year stays missing.

    `value` is ISO 8601: `2025-10-10T09:30:00+05:00` (datetime), `2025-10-10` (day),
    `--11-16` (month-day, no year) or None (none).
    """

    value: str | None = None
    precision: DatePrecision = "none"
    source: DateSource | None = None

    @property
    def has_year(self) -> bool:
        return self.precision in ("datetime", "day")

    @property
    def day(self) -> str | None:
        """The calendar day `YYYY-MM-DD` when the year is known, else None."""
        return self.value[:10] if self.has_year and self.value else None


@dataclass(frozen=True)
class Document:
    """One article. `text` is the original decoded text (for an HTML page: the text extracted
    from it); every offset refers to it."""

    id: str
    path: str  # relative to the scanned folder, with "/" separators
    text: str
    format: DocumentFormat
    encoding: str
    # [body_start, body_end) is the article itself; an inline header before it is metadata.
    body_start: int = 0
    body_end: int | None = None
    date: DocumentDate = field(default_factory=DocumentDate)
    outlet: str | None = None
    outlet_source: OutletSource | None = None
    title: str | None = None
    title_source: TitleSource | None = None
    url: str | None = None
    url_source: UrlSource | None = None
    line: int | None = None  # line a record starts on, in a .jsonl or .json file
    # What makes the document itself, whatever it is called: the resolved path of the file it
    # was read from (None when it came from no file, e.g. standard input), and for a record
    # of a .jsonl or .json file the record's own `id`. See `identity`.
    source_file: str | None = field(default=None, compare=False, repr=False)
    record: str | None = field(default=None, compare=False, repr=False)

    @property
    def identity(self) -> bytes:
        """The key that names this document across runs and index adds: a file's resolved
        path (its bytes, exactly as the file system has them), with the record's id for a
        record. The same file reached again has the same identity; a file of the same name
        elsewhere has another. A document read from no file is known by its id."""
        if self.source_file is None:
            return b"\0id\0" + self.id.encode("utf-8", "surrogateescape")
        path = os.fsencode(self.source_file)
        return path if self.record is None else path + b"\0" + self.record.encode("utf-8")

    @cached_property
    def sha256(self) -> str:
        """Hex digest of `text` encoded as UTF-8: the document's content, whatever its file."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def body(self) -> tuple[int, int]:
        return self.body_start, len(self.text) if self.body_end is None else self.body_end


@dataclass(frozen=True)
class InputWarning:
    """One problem with the input: named file (and line), a stable code, a readable message."""

    path: str
    code: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Skipped:
    """An input file (or record) that produced no document, with the reason."""

    path: str
    reason: str
    line: int | None = None


class DocumentSink(Protocol):
    """Where reading puts each document, in document order: a list in memory
    (`DocumentList`), or files on disk (`provenance.documents.DocumentWriter`)."""

    def add(self, doc: Document) -> None: ...

    def finish(self) -> Sequence[Document]:
        """Every document added, in order."""
        ...

    def discard(self) -> None:
        """Give up (an error): release what was opened."""
        ...


class DocumentList:
    """Documents kept in memory, texts and all: for inputs known to be small (drafts, a
    batch for the index)."""

    def __init__(self) -> None:
        self.documents: list[Document] = []

    def add(self, doc: Document) -> None:
        self.documents.append(doc)

    def finish(self) -> list[Document]:
        return self.documents

    def discard(self) -> None:
        self.documents = []


@dataclass
class IngestResult:
    # In memory (a list), or texts on disk (a `provenance.documents.DocumentStore`).
    documents: Sequence[Document]
    warnings: list[InputWarning]
    skipped: list[Skipped]
    files_seen: int
    manifest: str | None = None  # the manifest applied, as the user named it
    encoding: str | None = None  # the encoding every file was decoded with, when overridden
    folder: str | None = None  # name of the folder document paths are relative to

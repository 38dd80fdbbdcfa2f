"""Walk the input, read and decode each file, and hand it to the reader for its format.

Every file under the input ends up either as documents or in the `skipped` list with its
reason; problems are warnings naming the file, and the run goes on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from provenance.ingest.encoding import BinaryData, DecodeProblem, declared_html_charset, decode
from provenance.ingest.manifest import Manifest, apply_manifest
from provenance.ingest.model import Document, DocumentDate, IngestResult, InputWarning, Skipped
from provenance.ingest.outlets import OutletRegistry, load_registry
from provenance.ingest.pages import read_html
from provenance.ingest.records import read_records
from provenance.ingest.txt import read_txt
from provenance.parallel import run_parallel

MiB = 1024 * 1024
# Generous: a whole newsroom export in one JSON file still fits; a stray disk image does not.
DEFAULT_MAX_FILE_SIZE = 512 * MiB
SUFFIXES = (".txt", ".jsonl", ".json", ".html", ".htm")


@dataclass(frozen=True)
class ReadOptions:
    """How files are read. `encoding` overrides detection for every file; `today` is the day
    of the scan, after which no article can have been published (default: the real today);
    a `manifest` overrides the metadata found in the files."""

    encoding: str | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    today: date | None = None
    manifest: Manifest | None = None


@cache
def _default_registry() -> OutletRegistry:
    # Read and compiled once per process; the registry is immutable.
    return load_registry()


def human_size(n: int) -> str:
    """`n` bytes as people write it: `512.0 MiB`, `64.0 KiB`, `100 bytes`."""
    for unit, name in ((1024**3, "GiB"), (MiB, "MiB"), (1024, "KiB")):
        if n >= unit:
            return f"{n / unit:.1f} {name}"
    return f"{n} bytes"


@dataclass
class _Walk:
    files: list[tuple[Path, str]] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    folders: dict[tuple[int, int], str] = field(default_factory=dict)  # (device, inode) → where read

    def problem(self, rel: str, code: str, message: str) -> None:
        self.warnings.append(InputWarning(rel, code, message))
        self.skipped.append(Skipped(rel, message))

    def folder(self, path: Path, rel: str) -> None:
        try:
            info = path.stat()
        except OSError as exc:
            self.problem(rel or ".", "unreadable", f"cannot read folder: {exc.strerror or exc}")
            return
        key = (info.st_dev, info.st_ino)
        if key in self.folders:
            # Reached again through a symbolic link: a loop, or the same files twice.
            first = self.folders[key] or "."
            message = f"symbolic link to a folder already read ({first}); not followed"
            self.problem(rel, "symlink-loop", message)
            return
        self.folders[key] = rel
        try:
            with os.scandir(path) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            self.problem(rel or ".", "unreadable", f"cannot read folder: {exc.strerror or exc}")
            return
        # One sorted pass over files and folders together: the order is that of sorting the
        # relative paths component by component, on every platform.
        for entry in entries:
            sub = f"{rel}/{entry.name}" if rel else entry.name
            if entry.name.startswith("."):  # e.g. .git, .DS_Store: not articles
                what = "folder" if entry.is_dir() else "file"
                self.skipped.append(Skipped(sub, f"hidden {what}, not read"))
                continue
            try:
                mode = os.stat(entry.path).st_mode  # follows a symbolic link
            except OSError as exc:
                # A dangling link, a link to itself, a file gone since the listing.
                self.problem(sub, "unreadable", f"cannot read: {exc.strerror or exc}")
                continue
            if stat.S_ISDIR(mode):
                self.folder(Path(entry.path), sub)
            elif stat.S_ISREG(mode):
                self.files.append((Path(entry.path), sub))
            else:
                self.problem(sub, "not-a-file", "not a regular file (a device, pipe or socket); not read")


def list_files(root: Path, warnings: list[InputWarning], skipped: list[Skipped]) -> list[tuple[Path, str]]:
    """(path, path relative to root with "/") of every readable file under `root`, in sorted
    path order, following symbolic links to folders once; what is not read goes to `skipped`."""
    if root.is_file():
        return [(root, root.name)]
    if not root.is_dir():
        raise FileNotFoundError(f"no such file or folder: {root}")
    walk = _Walk()
    walk.folder(root, "")
    warnings += walk.warnings
    skipped += walk.skipped
    return walk.files


def ingest_folder(
    root: Path, registry: OutletRegistry | None = None, jobs: int = 1, options: ReadOptions | None = None
) -> IngestResult:
    """Every document under `root` (a folder, read recursively, or a single file).

    Problems with single files or records become warnings and skips; the run goes on.
    Files are read in `jobs` processes; the result does not depend on their number.
    """
    return ingest_paths([root], registry, jobs, options)


def _read_folder(
    root: Path, registry: OutletRegistry | None, jobs: int, options: ReadOptions | None
) -> IngestResult:
    root = Path(root)
    registry = _default_registry() if registry is None else registry
    options = options or ReadOptions()
    result = IngestResult(documents=[], warnings=[], skipped=[], files_seen=0)
    files = list_files(root, result.warnings, result.skipped)
    # What the walk left unread (a hidden file, a folder not entered) counts as one entry found.
    result.files_seen = len(result.skipped)
    reader = _Reader(registry, options)
    first_seen: dict[str, Document] = {}
    for (_, rel), read in zip(
        files, (r for chunk in run_parallel(reader.read, files, jobs) for r in chunk), strict=True
    ):
        result.files_seen += 1
        result.warnings.extend(read.warnings)
        result.skipped.extend(read.skipped)
        for doc in read.documents:
            first = first_seen.setdefault(doc.id, doc)
            if first is doc:
                result.documents.append(doc)
                continue
            where = first.path if first.line is None else f"{first.path}:{first.line}"
            message = f"duplicate document id {doc.id!r} (first seen in {where}); skipped"
            result.warnings.append(InputWarning(rel, "duplicate-id", message, doc.line))
            result.skipped.append(Skipped(rel, f"duplicate document id {doc.id!r}", doc.line))
    return result


def ingest_paths(
    roots: Sequence[Path],
    registry: OutletRegistry | None = None,
    jobs: int = 1,
    options: ReadOptions | None = None,
) -> IngestResult:
    """The documents under each root in turn, as one result: a document id met again under a
    later root is a duplicate, warned about and skipped, as within one folder. The manifest
    of `options`, if any, applies to them all."""
    options = options or ReadOptions()
    # One day of the scan for every file, even when the run crosses midnight.
    options = replace(options, today=options.today or date.today())
    result = IngestResult(documents=[], warnings=[], skipped=[], files_seen=0)
    first_root: dict[str, Path] = {}
    for root in roots:
        read = _read_folder(root, registry, jobs, options)
        result.files_seen += read.files_seen
        result.warnings += read.warnings
        result.skipped += read.skipped
        for doc in read.documents:
            if first_root.setdefault(doc.id, root) is not root:
                message = f"duplicate document id {doc.id!r} (first seen under {first_root[doc.id]})"
                result.warnings.append(
                    InputWarning(doc.path, "duplicate-id", f"{message}; skipped", doc.line)
                )
                result.skipped.append(Skipped(doc.path, message, doc.line))
                continue
            result.documents.append(doc)
    result.encoding = options.encoding
    if options.manifest is not None:
        result.manifest = options.manifest.name
        result = apply_manifest(result, options.manifest, registry or _default_registry())
        today = options.today
        assert today is not None
        result.documents = [
            _dated(d, today, result.warnings) if d.date.source == "manifest" else d for d in result.documents
        ]
    return result


@dataclass
class _Read:
    """What reading one file gave."""

    documents: list[Document] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class _Reader:
    def __init__(self, registry: OutletRegistry, options: ReadOptions) -> None:
        self.registry = registry
        self.options = options

    def read(self, files: list[tuple[Path, str]]) -> list[_Read]:
        out = []
        for path, rel in files:
            read = _Read()
            read.documents = _read_file(path, rel, self.registry, self.options, read)
            out.append(read)
        return out


def _read_file(
    path: Path, rel: str, registry: OutletRegistry, options: ReadOptions, result: _Read
) -> list[Document]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        # Not an error: folders of articles often hold other files too.
        result.skipped.append(Skipped(rel, f"unsupported file type ({path.suffix or 'no suffix'})"))
        return []
    try:
        size = path.stat().st_size
        if size > options.max_file_size:
            message = (
                f"file is {human_size(size)}, over the {human_size(options.max_file_size)} limit "
                f"(--max-file-size); not read"
            )
            result.warnings.append(InputWarning(rel, "too-large", message))
            result.skipped.append(Skipped(rel, message))
            return []
        data = path.read_bytes()
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
        result.warnings.append(InputWarning(rel, "unreadable", message))
        result.skipped.append(Skipped(rel, message))
        return []
    documents, warnings, skipped = read_bytes(data, rel, suffix, registry, options)
    result.warnings.extend(warnings)
    result.skipped.extend(skipped)
    return documents


def read_bytes(
    data: bytes, rel: str, suffix: str, registry: OutletRegistry, options: ReadOptions | None = None
) -> tuple[list[Document], list[InputWarning], list[Skipped]]:
    """The documents of one file's bytes (`suffix` one of SUFFIXES), with the warnings and
    skips they caused: a file on disk, or standard input."""
    options = options or ReadOptions()
    if not data:
        return [], [InputWarning(rel, "empty", "file is empty")], [Skipped(rel, "file is empty")]
    html = suffix in (".html", ".htm")
    try:
        decoded = decode(data, options.encoding, declared_html_charset(data) if html else None)
    except DecodeProblem as exc:
        code = "binary" if isinstance(exc, BinaryData) else "decode-error"
        return [], [InputWarning(rel, code, str(exc))], [Skipped(rel, str(exc))]
    text, encoding = decoded.text, decoded.encoding
    notes = [InputWarning(rel, "truncated", decoded.problem)] if decoded.problem else []
    if not text.strip():
        message = "file is empty" if not text else "file holds only whitespace"
        return [], [InputWarning(rel, "empty", message)], [Skipped(rel, message)]
    if html:
        documents, warnings, skipped = read_html(rel, text, encoding, registry)
    elif suffix == ".txt":
        doc, warnings, skipped = read_txt(rel, text, encoding, registry)
        documents = [doc] if doc else []
    else:
        documents, warnings, skipped = read_records(rel, text, encoding, registry, suffix[1:])  # type: ignore[arg-type]
    warnings = notes + warnings
    if not documents and not skipped:  # e.g. `[]`: still, the file must show in the report
        message = "file holds no records" if suffix in (".json", ".jsonl") else "file holds no document"
        warnings.append(InputWarning(rel, "empty", message))
        skipped.append(Skipped(rel, message))
    today = options.today or date.today()
    return [_dated(d, today, warnings) for d in documents], warnings, skipped


def _dated(doc: Document, today: date, warnings: list[InputWarning]) -> Document:
    """The document, without its date when that date lies after the day of the scan.

    A day of slack: a page stamped in a time zone ahead of ours may be dated tomorrow.
    """
    day = doc.date.day
    if day is None or date.fromisoformat(day) <= today + timedelta(days=1):
        return doc
    message = f"date {doc.date.value} ({doc.date.source}) is in the future; ignored, the document is undated"
    warnings.append(InputWarning(doc.path, "future-date", message, doc.line))
    return replace(doc, date=DocumentDate())

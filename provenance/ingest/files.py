"""Walk the input, read and decode each file, and hand it to the reader for its format.

Every file under the input ends up either as documents or in the `skipped` list with its
reason; problems are warnings naming the file, and the run goes on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path

from provenance.executor import Executor, as_executor
from provenance.ingest.encoding import BinaryData, DecodeProblem, declared_html_charset, decode
from provenance.ingest.manifest import Manifest, ManifestUse
from provenance.ingest.model import (
    Document,
    DocumentDate,
    DocumentList,
    DocumentSink,
    IngestResult,
    InputWarning,
    Skipped,
)
from provenance.ingest.naming import unique_id
from provenance.ingest.outlets import OutletRegistry, load_registry
from provenance.ingest.pages import read_html
from provenance.ingest.records import read_records
from provenance.ingest.txt import read_txt
from provenance.text.display import file_name

MiB = 1024 * 1024
# Generous: a whole newsroom export in one JSON file still fits; a stray disk image does not.
DEFAULT_MAX_FILE_SIZE = 512 * MiB
# A document's analysis holds a few dozen bytes a character until its words are reduced to
# arrays (README, "Large inputs"); ten million characters is some twenty books, far beyond
# any article, and keeps one document in flight within a few hundred megabytes.
DEFAULT_MAX_DOCUMENT_CHARS = 10_000_000
# Word offsets are 32-bit: no document may be longer than this, whatever the setting.
MAX_DOCUMENT_CHARS = 2**31 - 1
# No encoding detected spends more than four bytes on a character (UTF-8, UTF-16, UTF-32),
# after a byte-order mark of at most four.
_MAX_BYTES_PER_CHAR, _BOM = 4, 4
SUFFIXES = (".txt", ".jsonl", ".json", ".html", ".htm")
# Files a worker reads before handing its documents back: a chunk's texts are all in memory
# at once, in the worker and again here, so a chunk stays small whatever the input's size.
READ_CHUNK_FILES = 256


@dataclass(frozen=True)
class ReadOptions:
    """How files are read. `encoding` overrides detection for every file; `today` is the day
    of the scan, after which no article can have been published (default: the real today);
    a `manifest` overrides the metadata found in the files. A document longer than
    `max_document_chars` code points is skipped with a warning."""

    encoding: str | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS
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


@dataclass(frozen=True)
class FoundFile:
    """A file to read: where it is, its path relative to the input, and its resolved path."""

    path: Path
    rel: str  # relative to the input's base folder, "/" separators, valid Unicode
    location: str  # resolved path: the document's identity (see Document.identity)


@dataclass
class _Walk:
    """The files under one or more roots, each once, in sorted path order.

    A file or folder met again (through a symbolic link, a hard link, or as part of another
    root given too) is read once; a symbolic link back to a folder already read is a loop.
    The walk keeps its own stack, so folders nested thousands deep cannot exhaust Python's.
    """

    files: list[FoundFile] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    folders: dict[tuple[int, int], str] = field(default_factory=dict)  # (device, inode) → where read
    seen_files: dict[tuple[int, int], str] = field(default_factory=dict)

    def problem(self, rel: str, code: str, message: str) -> None:
        self.warnings.append(InputWarning(rel, code, message))
        self.skipped.append(Skipped(rel, message))

    def root(self, root: Path, rel: str) -> None:
        """Walk `root` (a folder, or one file), its paths starting with `rel`."""
        try:
            info = root.stat()
        except OSError as exc:
            if not root.exists() and not root.is_symlink():
                raise FileNotFoundError(f"no such file or folder: {root}") from exc
            self.problem(rel or file_name(root.name), "unreadable", f"cannot read: {exc.strerror or exc}")
            return
        if stat.S_ISDIR(info.st_mode):
            self.folder(root, rel, info, os.path.realpath(root), symlink=False)
        elif stat.S_ISREG(info.st_mode):
            self.file(root, rel, info, os.path.realpath(root))
        else:
            self.problem(rel, "not-a-file", "not a regular file (a device, pipe or socket); not read")

    def file(self, path: Path, rel: str, info: os.stat_result, location: str) -> None:
        key = (info.st_dev, info.st_ino)
        if key in self.seen_files:
            first = self.seen_files[key]
            what = "given again" if first == rel else f"the same file as {first}"
            self.skipped.append(Skipped(rel, f"{what}, read once"))
            return
        self.seen_files[key] = rel
        self.files.append(FoundFile(path, rel, location))

    def _listing(
        self, path: Path, rel: str, info: os.stat_result, symlink: bool
    ) -> list[os.DirEntry[str]] | None:
        key = (info.st_dev, info.st_ino)
        if key in self.folders:
            first = self.folders[key] or "."
            if symlink:
                # Reached again through a symbolic link: a loop, or the same files twice.
                message = f"symbolic link to a folder already read ({first}); not followed"
                self.problem(rel, "symlink-loop", message)
            else:  # a root given twice, or inside another root given too
                self.skipped.append(Skipped(rel or ".", f"the same folder as {first}, read once"))
            return None
        self.folders[key] = rel
        try:
            with os.scandir(path) as listing:
                return sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            self.problem(rel or ".", "unreadable", f"cannot read folder: {exc.strerror or exc}")
            return None

    def folder(self, path: Path, rel: str, info: os.stat_result, real: str, symlink: bool) -> None:
        entries = self._listing(path, rel, info, symlink)
        if entries is None:
            return
        # Depth first over files and folders together, each folder's entries sorted by name:
        # the order of sorting the relative paths component by component, on every platform.
        stack: list[tuple[Iterator[os.DirEntry[str]], str, str]] = [(iter(entries), rel, real)]
        while stack:
            listing, here, here_real = stack[-1]
            entry = next(listing, None)
            if entry is None:
                stack.pop()
                continue
            name = file_name(entry.name)
            sub = f"{here}/{name}" if here else name
            if entry.name.startswith("."):  # e.g. .git, .DS_Store: not articles
                what = "folder" if entry.is_dir() else "file"
                self.skipped.append(Skipped(sub, f"hidden {what}, not read"))
                continue
            try:
                found = os.stat(entry.path)  # follows a symbolic link
                linked = entry.is_symlink()
            except OSError as exc:
                # A dangling link, a link to itself, a file gone since the listing.
                self.problem(sub, "unreadable", f"cannot read: {exc.strerror or exc}")
                continue
            # The resolved path, without a system call per file unless it is a link.
            location = os.path.realpath(entry.path) if linked else os.path.join(here_real, entry.name)
            if stat.S_ISDIR(found.st_mode):
                inner = self._listing(Path(entry.path), sub, found, linked)
                if inner is not None:
                    stack.append((iter(inner), sub, location))
            elif stat.S_ISREG(found.st_mode):
                self.file(Path(entry.path), sub, found, location)
            else:
                self.problem(sub, "not-a-file", "not a regular file (a device, pipe or socket); not read")


def input_base(roots: Sequence[Path]) -> Path:
    """The folder every document path is relative to: the root itself for one folder, a
    file's own folder for one file, and the deepest folder holding them all for several."""
    folders = [os.path.abspath(r) if r.is_dir() else os.path.dirname(os.path.abspath(r)) for r in roots]
    return Path(os.path.commonpath(folders))


def input_name(roots: Sequence[Path]) -> str:
    """What the report calls its input: the folder's (or the file's) name for one root, the
    name of the folder holding them all for several."""
    if len(roots) == 1:
        root = roots[0]
        name = root.resolve().name if root.is_dir() else root.name
    else:
        resolved = input_base(roots).resolve()
        name = resolved.name or str(resolved)
    return file_name(name)


def _relative(root: Path, base: Path) -> str:
    rel = os.path.relpath(os.path.abspath(root), base)
    return "" if rel == "." else file_name(rel.replace(os.sep, "/"))


def list_files(
    roots: Path | Sequence[Path], warnings: list[InputWarning], skipped: list[Skipped]
) -> list[FoundFile]:
    """Every readable file under the roots (folders, read recursively, or files), each once,
    in sorted path order, following symbolic links to folders once; paths are relative to
    `input_base(roots)`. What is not read goes to `skipped` (and, if a problem, `warnings`).
    Raises FileNotFoundError for a root that does not exist."""
    roots = [roots] if isinstance(roots, Path) else list(roots)
    base = input_base(roots)
    walk = _Walk()
    # In path order, whatever the order given: the same roots give the same documents, and a
    # root inside another is found already read.
    for rel, root in sorted(((_relative(r, base), r) for r in roots), key=lambda x: x[0].split("/")):
        walk.root(root, rel)
    warnings += walk.warnings
    skipped += walk.skipped
    return walk.files


def ingest_folder(
    root: Path,
    registry: OutletRegistry | None = None,
    jobs: int | Executor = 1,
    options: ReadOptions | None = None,
) -> IngestResult:
    """Every document under `root` (a folder, read recursively, or a single file).

    Problems with single files or records become warnings and skips; the run goes on.
    Files are read in `jobs` processes; the result does not depend on their number.
    """
    return ingest_paths([root], registry, jobs, options)


def ingest_paths(
    roots: Sequence[Path],
    registry: OutletRegistry | None = None,
    jobs: int | Executor = 1,
    options: ReadOptions | None = None,
    sink: DocumentSink | None = None,
) -> IngestResult:
    """The documents under the roots (folders or files), as one result.

    Paths are relative to `input_base(roots)`. Each file is read once, however often it is
    reached; each document gets an id no other has (see `provenance.ingest.naming`). A
    record whose id repeats an earlier record of the same file is a duplicate, warned about
    and skipped. The manifest of `options`, if any, applies to them all.

    Each document goes to `sink` as soon as its file is read and named, in document order:
    by default a list in memory; a `provenance.documents.DocumentWriter` keeps only their
    metadata in memory, and the result's `documents` is then the store it wrote.
    """
    roots = [Path(r) for r in roots]
    registry = _default_registry() if registry is None else registry
    options = options or ReadOptions()
    # One day of the scan for every file, even when the run crosses midnight.
    options = replace(options, today=options.today or date.today())
    today = options.today
    assert today is not None
    sink = DocumentList() if sink is None else sink
    result = IngestResult(documents=[], warnings=[], skipped=[], files_seen=0)
    files = list_files(roots, result.warnings, result.skipped)
    # What the walk left unread (a hidden file, a folder not entered) counts as one entry found.
    result.files_seen = len(result.skipped) + len(files)
    reader = _Reader(registry, options)
    result.folder = file_name(input_base(roots).resolve().name) or None
    manifest = None if options.manifest is None else ManifestUse(options.manifest, registry)
    # Warnings about the manifest's dates follow those about the manifest itself.
    manifest_dates: list[InputWarning] = []
    # Each name given, with where its document is (its path and line), for messages.
    names: dict[str, tuple[str, int | None]] = {}
    # Results come on as the workers finish them, a few chunks at most held here, so the
    # texts of a large input pass through this process rather than pile up in it.
    chunks = as_executor(jobs).stream(
        "read",
        reader.read,
        files,
        "files",
        size=lambda reads: sum(len(r.documents) for r in reads),
        max_chunk=READ_CHUNK_FILES,
    )
    try:
        with closing(chunks):
            reads = (r for chunk in chunks for r in chunk)
            for found, read in zip(files, reads, strict=True):
                result.warnings.extend(read.warnings)
                result.skipped.extend(read.skipped)
                for doc in _named(found, read.documents, names, result):
                    if manifest is not None:
                        doc = manifest.apply(doc)
                        if doc.date.source == "manifest":
                            doc = _dated(doc, today, manifest_dates)
                    sink.add(doc)
        result.documents = sink.finish()
    except BaseException:
        sink.discard()
        raise
    result.encoding = options.encoding
    if manifest is not None:
        result.manifest = manifest.manifest.name
        result.warnings += manifest.unmatched() + manifest_dates
    return result


def _named(
    found: FoundFile,
    documents: list[Document],
    names: dict[str, tuple[str, int | None]],
    result: IngestResult,
) -> Iterator[Document]:
    """The documents of one file, each under a name no earlier document has; a record
    repeating an earlier record's id in the same file is skipped, with a warning."""
    records: dict[str, Document] = {}
    for doc in documents:
        record = doc.id if doc.line is not None else None
        if record is not None:
            first = records.setdefault(record, doc)
            if first is not doc:
                message = f"duplicate record id {record!r} (first at line {first.line}); skipped"
                result.warnings.append(InputWarning(found.rel, "duplicate-id", message, doc.line))
                result.skipped.append(Skipped(found.rel, f"duplicate record id {record!r}", doc.line))
                continue
        doc = replace(doc, source_file=found.location, record=record)
        name = unique_id(doc, names.__contains__, result.folder)
        if name != doc.id:
            path, line = names[doc.id]
            where = path if line is None else f"{path}:{line}"
            message = f"id {doc.id!r} is already that of {where}; this document is named {name!r}"
            result.warnings.append(InputWarning(found.rel, "renamed-id", message, doc.line))
            doc = replace(doc, id=name)
        names[name] = (doc.path, doc.line)
        yield doc


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

    def read(self, files: list[FoundFile]) -> list[_Read]:
        out = []
        for found in files:
            read = _Read()
            read.documents = _read_file(found.path, found.rel, self.registry, self.options, read)
            out.append(read)
        return out


def _read_file(
    path: Path, rel: str, registry: OutletRegistry, options: ReadOptions, result: _Read
) -> list[Document]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        # Not an error: folders of articles often hold other files too.
        kind = file_name(path.suffix) or "no suffix"  # a suffix may hold bytes that are not UTF-8
        result.skipped.append(Skipped(rel, f"unsupported file type ({kind})"))
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
        at_least = (size - _BOM) // _MAX_BYTES_PER_CHAR
        if suffix == ".txt" and options.encoding is None and at_least > options.max_document_chars:
            # Over the limit in whichever encoding it is found to be: not even read.
            warning = too_long(rel, at_least, options.max_document_chars, at_least=True)
            result.warnings.append(warning)
            result.skipped.append(Skipped(rel, warning.message))
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
    limit = options.max_document_chars
    if html:
        documents, warnings, skipped = read_html(rel, text, encoding, registry)
    elif suffix == ".txt":
        if len(text) > limit:  # before reading its metadata: the text is the document
            warning = too_long(rel, len(text), limit)
            return [], [*notes, warning], [Skipped(rel, warning.message)]
        doc, warnings, skipped = read_txt(rel, text, encoding, registry)
        documents = [doc] if doc else []
    else:
        documents, warnings, skipped = read_records(rel, text, encoding, registry, suffix[1:])  # type: ignore[arg-type]
    warnings = notes + warnings
    if any(len(d.text) > limit for d in documents):
        kept = []
        for d in documents:
            if len(d.text) > limit:
                warnings.append(too_long(rel, len(d.text), limit, d.line))
                skipped.append(Skipped(rel, warnings[-1].message, d.line))
            else:
                kept.append(d)
        documents = kept
    if not documents and not skipped:  # e.g. `[]`: still, the file must show in the report
        message = "file holds no records" if suffix in (".json", ".jsonl") else "file holds no document"
        warnings.append(InputWarning(rel, "empty", message))
        skipped.append(Skipped(rel, message))
    today = options.today or date.today()
    return [_dated(d, today, warnings) for d in documents], warnings, skipped


def too_long(
    rel: str, chars: int, limit: int, line: int | None = None, at_least: bool = False
) -> InputWarning:
    """The warning for a document over the `max_document_chars` limit."""
    message = (
        f"document is {'at least ' if at_least else ''}{chars:,} characters, over the {limit:,} limit "
        f"(--max-document-chars, or `max-document-chars` in the configuration); not read"
    )
    return InputWarning(rel, "document-too-long", message, line)


def _dated(doc: Document, today: date, warnings: list[InputWarning]) -> Document:
    """The document, without its date when that date lies after the day of the scan.

    A day of slack: a page stamped in a time zone ahead of ours may be dated tomorrow.
    """
    day = doc.date.day
    # A difference, not today + 1 day: that overflows on the last day datetime can hold.
    if day is None or (date.fromisoformat(day) - today).days <= 1:
        return doc
    message = f"date {doc.date.value} ({doc.date.source}) is in the future; ignored, the document is undated"
    warnings.append(InputWarning(doc.path, "future-date", message, doc.line))
    return replace(doc, date=DocumentDate())

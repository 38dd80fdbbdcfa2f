"""Walk the input, read and decode each file, and hand it to the reader for its format."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from provenance.ingest.jsonl import read_jsonl
from provenance.ingest.model import Document, IngestResult, InputWarning, Skipped
from provenance.ingest.outlets import OutletRegistry, load_registry
from provenance.ingest.txt import read_txt
from provenance.parallel import run_parallel

_BOM = b"\xef\xbb\xbf"


class DecodeProblem(ValueError):
    def __init__(self, byte: int) -> None:
        super().__init__(f"cannot decode as UTF-8 at byte {byte}")
        self.byte = byte


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of UTF-8 bytes; a BOM is dropped, newlines are left exactly as they are."""
    offset, encoding = (len(_BOM), "utf-8-sig") if data.startswith(_BOM) else (0, "utf-8")
    try:
        return data[offset:].decode("utf-8"), encoding
    except UnicodeDecodeError as exc:
        raise DecodeProblem(offset + exc.start) from exc


@cache
def _default_registry() -> OutletRegistry:
    # Read and compiled once per process; the registry is immutable.
    return load_registry()


def _hidden(name: str) -> bool:
    return name.startswith(".")


def list_files(root: Path, warnings: list[InputWarning]) -> list[tuple[Path, str]]:
    """(path, path relative to root with "/") of every non-hidden file, in sorted path order."""
    if root.is_file():
        return [(root, root.name)]
    if not root.is_dir():
        raise FileNotFoundError(f"no such file or folder: {root}")

    def unreadable_dir(exc: OSError) -> None:
        where = Path(os.path.relpath(exc.filename, root)).as_posix() if exc.filename else "."
        warnings.append(InputWarning(where, "unreadable", f"cannot read folder: {exc.strerror or exc}"))

    found: list[Path] = []
    for folder, dirs, names in os.walk(root, onerror=unreadable_dir):
        dirs[:] = [d for d in dirs if not _hidden(d)]  # e.g. .git
        found.extend(Path(folder, n) for n in names if not _hidden(n))
    # Path ordering compares component by component: deterministic on every platform.
    return [
        (p, p.relative_to(root).as_posix()) for p in sorted(found, key=lambda p: p.relative_to(root).parts)
    ]


def ingest_folder(root: Path, registry: OutletRegistry | None = None, jobs: int = 1) -> IngestResult:
    """Every document under `root` (a folder, read recursively, or a single file).

    Problems with single files or records become warnings and skips; the run goes on.
    Files are read in `jobs` processes; the result does not depend on their number.
    """
    root = Path(root)
    registry = _default_registry() if registry is None else registry
    result = IngestResult(documents=[], warnings=[], skipped=[], files_seen=0)
    files = list_files(root, result.warnings)
    reader = _Reader(registry)
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
    roots: Sequence[Path], registry: OutletRegistry | None = None, jobs: int = 1
) -> IngestResult:
    """`ingest_folder` of each root in turn, as one result: a document id met again under a
    later root is a duplicate, warned about and skipped, as within one folder."""
    result = IngestResult(documents=[], warnings=[], skipped=[], files_seen=0)
    first_root: dict[str, Path] = {}
    for root in roots:
        read = ingest_folder(root, registry, jobs)
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
    return result


@dataclass
class _Read:
    """What reading one file gave."""

    documents: list[Document] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class _Reader:
    def __init__(self, registry: OutletRegistry) -> None:
        self.registry = registry

    def read(self, files: list[tuple[Path, str]]) -> list[_Read]:
        out = []
        for path, rel in files:
            read = _Read()
            read.documents = _read_file(path, rel, self.registry, read)
            out.append(read)
        return out


def _read_file(path: Path, rel: str, registry: OutletRegistry, result: _Read) -> list[Document]:
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".jsonl"):
        # Not an error: folders of articles often hold other files too.
        result.skipped.append(Skipped(rel, f"unsupported file type ({path.suffix or 'no suffix'})"))
        return []
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
        result.warnings.append(InputWarning(rel, "unreadable", message))
        result.skipped.append(Skipped(rel, message))
        return []
    documents, warnings, skipped = read_bytes(data, rel, suffix, registry)
    result.warnings.extend(warnings)
    result.skipped.extend(skipped)
    return documents


def read_bytes(
    data: bytes, rel: str, suffix: str, registry: OutletRegistry
) -> tuple[list[Document], list[InputWarning], list[Skipped]]:
    """The documents of one file's bytes (`suffix` ".txt" or ".jsonl"), with the warnings and
    skips they caused: a file on disk, or standard input."""
    try:
        text, encoding = decode(data)
    except DecodeProblem as exc:
        return [], [InputWarning(rel, "decode-error", str(exc))], [Skipped(rel, str(exc))]
    if not text.strip():
        message = "file is empty" if not text else "file holds only whitespace"
        return [], [InputWarning(rel, "empty", message)], [Skipped(rel, message)]
    if suffix == ".txt":
        doc, warnings, skipped = read_txt(rel, text, encoding, registry)
        return ([doc] if doc else []), warnings, skipped
    return read_jsonl(rel, text, encoding, registry)

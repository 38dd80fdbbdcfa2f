"""A `.txt` file: one document, its text exactly the decoded file content."""

from __future__ import annotations

from provenance.ingest.metadata import analyse_text
from provenance.ingest.model import Document, InputWarning, Skipped
from provenance.ingest.outlets import OutletRegistry


def file_id(rel_path: str) -> str:
    """The id of a file's one document: `sub/article.txt` -> `sub/article` (also .html, .htm)."""
    stem, dot, suffix = rel_path.rpartition(".")
    return stem if dot and "/" not in suffix and suffix.lower() in ("txt", "html", "htm") else rel_path


def read_txt(
    rel_path: str, text: str, encoding: str, registry: OutletRegistry
) -> tuple[Document | None, list[InputWarning], list[Skipped]]:
    """The document of one decoded .txt file, with the warnings and skips it caused."""
    meta = analyse_text(text, registry)
    if not text[meta.body_start :].strip():
        what = "only a date header, no text" if meta.body_start else "no text"
        return None, [InputWarning(rel_path, "empty", what)], [Skipped(rel_path, what)]
    warnings = [InputWarning(rel_path, code, message) for code, message in meta.problems]
    doc = Document(
        id=file_id(rel_path),
        path=rel_path,
        text=text,
        format="txt",
        encoding=encoding,
        body_start=meta.body_start,
        date=meta.date,
        outlet=meta.outlet,
        outlet_source="signature" if meta.outlet else None,
    )
    return doc, warnings, []

"""Document ids: readable names, unique among the documents of a report or an index.

A document's identity (`Document.identity`: its file's resolved path, and the record's id
for a record) says which document it *is*; its id says what to call it. The natural id is
the path relative to the input without the suffix (`2025/oct/a`) for a file, and the
record's own `id` for a record. When another document already holds that name (two
exports both with a record `1`; an index that already holds `2025-10-10` from another
outlet's folder), the newcomer is named, of these, by the first that is free:

1. a record: `<file path>#<record id>` (`orda.jsonl#1`);
2. the input folder's name before it (`orda/2025-10-10`, `exports/orda.jsonl#1`);
3. the natural id followed by `~2`, `~3`, … (only ever needed for names built to collide).

Documents are named in the order they are read, so the same input gets the same ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from provenance.ingest.model import Document


def id_candidates(doc: Document, folder: str | None) -> Iterator[str]:
    """The names `doc` may take, best first; `folder` is the name of the input folder."""
    natural = doc.id
    yield natural
    qualified = natural
    if doc.record is not None:
        qualified = f"{doc.path}#{doc.record}"
        yield qualified
    if folder:
        yield f"{folder}/{qualified}"
    n = 2
    while True:
        yield f"{natural}~{n}"
        n += 1


def unique_id(doc: Document, taken: Callable[[str], bool], folder: str | None) -> str:
    """The first of `id_candidates` that `taken` says is free."""
    return next(name for name in id_candidates(doc, folder) if not taken(name))

"""Documents on disk: the read step's output, read back a text at a time.

A scan keeps each document's metadata in memory and its text on disk, so what it holds
grows with the work in flight, not with the corpus. As the read step hands on each file's
documents, `DocumentWriter` appends their texts to one flat file and writes them, with their
metadata, as Parquet shards; `DocumentStore` is what it gives back: a `Sequence[Document]`
whose `store[i]` reads document i's text from disk and whose iteration streams.

A documents folder holds:

    part-FFFFFFFFF.parquet   documents F, F + 1, … (at most `SHARD_DOCUMENTS`, or what
                             makes `SHARD_BYTES` of text), one row per document in
                             `DOCUMENT_SCHEMA`, written as the records' shards are: the
                             read step's output, for any engine that reads Parquet
    texts.utf8               every text, UTF-8, one after another in document order; the
                             store keeps where each starts (an int64 array, 8 bytes a
                             document) and reads document i as bytes [start i, start i+1)

`DOCUMENT_SCHEMA`, one row per document (what `provenance.ingest.model.Document` holds):

    number                   the document's position in the run (int64), as in the records
    id, path, text           its id, its path relative to the input, its text
    format, encoding         txt|jsonl|json|html; the encoding it was decoded from
    body_start, body_end     the article within the text (int64); body_end null: the end
    date                     ISO 8601 (`2025-10-10T09:30:00+05:00`, `2025-10-10`,
                             `--11-16`) or null; date_precision datetime|day|month-day|none
    date_source, outlet, outlet_source, title, title_source, url, url_source
                             strings or null, as `Document` has them
    line                     where a record starts in its file (int64), or null
    source_file              the resolved path of the file read, as the file system spells
                             it (binary: a path need not be UTF-8), or null
    record                   a record's own id within its file, or null

The flat file is written beside the shards by the same writer, not made from them:
making it from the shards would decode every text once more, when the writer has each at
hand. Parquet serves another engine, and this run's per-document steps, whose workers read
their chunk of consecutive documents whole from it (`DocumentStore.read`); the flat file
serves the steps that read a document at a time and often in any order (align's spans, the
meaning and the report of a link), where decoding a row group per document would cost more
than the work itself.
Texts are read with `os.pread` on a descriptor opened once: it moves no shared file
position, so forked workers read with the descriptor they inherit, and since nothing is
mapped, a text read costs a process only the string it makes.

In memory the store keeps each document as a `Document` without its text (`text` is empty,
`body_end` set, so `body` is the document's): `metadata`, for what needs no text.
"""

from __future__ import annotations

import bisect
import os
from array import array
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, overload

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from provenance.executor.memory import release_free_memory
from provenance.ingest.model import Document, DocumentDate
from provenance.parquet import write_shard
from provenance.text.spans import Span

TEXTS_FILE = "texts.utf8"
# A shard's documents: at most this many, or as many as make this much text.
SHARD_DOCUMENTS = 4096
SHARD_BYTES = 64 * 1024 * 1024
# The documents a store keeps once read, in characters of text: one asked for again soon
# after (a link's two sides, its meaning, its report entry) is not read and made again.
CACHE_CHARS = 1 << 20

DOCUMENT_SCHEMA = pa.schema(
    [
        pa.field("number", pa.int64(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("path", pa.string(), nullable=False),
        pa.field("text", pa.large_string(), nullable=False),
        pa.field("format", pa.string(), nullable=False),
        pa.field("encoding", pa.string(), nullable=False),
        pa.field("body_start", pa.int64(), nullable=False),
        pa.field("body_end", pa.int64()),
        pa.field("date", pa.string()),
        pa.field("date_precision", pa.string(), nullable=False),
        pa.field("date_source", pa.string()),
        pa.field("outlet", pa.string()),
        pa.field("outlet_source", pa.string()),
        pa.field("title", pa.string()),
        pa.field("title_source", pa.string()),
        pa.field("url", pa.string()),
        pa.field("url_source", pa.string()),
        pa.field("line", pa.int64()),
        pa.field("source_file", pa.binary()),
        pa.field("record", pa.string()),
    ]
)
# The columns that are a Document's fields of the same name.
_PLAIN = [
    "id",
    "path",
    "text",
    "format",
    "encoding",
    "body_start",
    "body_end",
    "outlet",
    "outlet_source",
    "title",
    "title_source",
    "url",
    "url_source",
    "line",
    "record",
]


def _row(number: int, doc: Document) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(doc, name) for name in _PLAIN}
    row.update(
        number=number,
        date=doc.date.value,
        date_precision=doc.date.precision,
        date_source=doc.date.source,
        source_file=None if doc.source_file is None else os.fsencode(doc.source_file),
    )
    return row


def document_of(row: dict[str, Any]) -> Document:
    """The document of a row of a documents shard (`pyarrow.Table.to_pylist()`)."""
    source = row["source_file"]
    return Document(
        **{name: row[name] for name in _PLAIN},
        date=DocumentDate(row["date"], row["date_precision"], row["date_source"]),
        source_file=None if source is None else os.fsdecode(source),
    )


class DocumentWriter:
    """Writes documents as they come into a documents folder (see the module); `finish`
    gives the store that reads them back. Only metadata stays in memory, and the texts of
    the shard being filled."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._texts = open(folder / TEXTS_FILE, "wb")  # noqa: SIM115 (closed by finish or discard)
        self._metadata: list[Document] = []
        self._starts = array("q", [0])
        self._open_ends = bytearray()  # 1 where body_end is None: the body ends with the text
        self._rows = 0  # documents in the shard being filled
        self._columns: dict[str, list[Any]] = {name: [] for name in DOCUMENT_SCHEMA.names}
        self._row_bytes = 0
        self._first = 0  # the number of the shard's first document
        self.shards: list[Path] = []
        self._firsts: list[int] = []  # each shard's first document

    def add(self, doc: Document) -> None:
        number = len(self._metadata)
        data = doc.text.encode("utf-8")
        self._texts.write(data)
        self._starts.append(self._starts[-1] + len(data))
        self._open_ends.append(doc.body_end is None)
        self._metadata.append(replace(doc, text="", body_end=doc.body[1]))
        for name, value in _row(number, doc).items():
            self._columns[name].append(value)
        self._rows += 1
        self._row_bytes += len(data)
        if self._rows >= SHARD_DOCUMENTS or self._row_bytes >= SHARD_BYTES:
            self._write_shard()

    def _write_shard(self) -> None:
        if not self._rows:
            return
        # Column by column: twice as fast as from rows.
        table = pa.table(
            [pa.array(self._columns[f.name], f.type) for f in DOCUMENT_SCHEMA], schema=DOCUMENT_SCHEMA
        )
        self.shards.append(write_shard(self.folder, self._first, table))
        self._firsts.append(self._first)
        self._first += self._rows
        self._rows, self._row_bytes = 0, 0
        for values in self._columns.values():
            values.clear()

    def finish(self) -> DocumentStore:
        self._write_shard()
        self._texts.close()
        # The texts have passed through; what the allocators kept of them goes back.
        release_free_memory()
        starts = np.frombuffer(self._starts, dtype=np.int64).copy()
        open_ends = np.frombuffer(bytes(self._open_ends), dtype=np.bool_).copy()
        firsts = [*self._firsts, len(self._metadata)]
        return DocumentStore(self.folder, self._metadata, starts, open_ends, list(self.shards), firsts)

    def discard(self) -> None:
        self._texts.close()
        self._rows = 0
        for values in self._columns.values():
            values.clear()


class _Texts(Sequence[str]):
    """A store's texts, read when asked for."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self._store.text(j) for j in range(*i.indices(len(self)))]
        return self._store.text(i)


class _StoredTexts(_Texts):
    """A store's texts, each read from disk when asked for, keeping none and touching no
    document's metadata."""

    def __getitem__(self, i: int | slice) -> str | list[str]:  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        store = self._store
        return store._read(store._index(i))


class _Bodies(Sequence[Span]):
    """A store's bodies, from the metadata alone."""

    def __init__(self, metadata: Sequence[Document]) -> None:
        self._metadata = metadata

    def __len__(self) -> int:
        return len(self._metadata)

    @overload
    def __getitem__(self, i: int) -> Span: ...
    @overload
    def __getitem__(self, i: slice) -> list[Span]: ...
    def __getitem__(self, i: int | slice) -> Span | list[Span]:
        if isinstance(i, slice):
            return [d.body for d in self._metadata[i]]
        return self._metadata[i].body


class DocumentStore(Sequence[Document]):
    """Documents whose texts are on disk (see the module): `store[i]` is document i whole,
    its text read back; iterating reads them in order, one at a time. `metadata` has them
    without their texts, for steps that need none. Close it (or use it as a context
    manager) when done; forked workers may read it until then."""

    def __init__(
        self,
        folder: Path,
        metadata: list[Document],
        starts: np.ndarray,
        open_ends: np.ndarray,
        shards: list[Path],
        firsts: list[int],
    ) -> None:
        """`firsts`: each shard's first document, then the number of documents."""
        self.folder, self.shards, self._firsts = folder, shards, firsts
        self._metadata, self._starts, self._open_ends = metadata, starts, open_ends
        self._fd: int | None = os.open(folder / TEXTS_FILE, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self._cache: OrderedDict[int, str] = OrderedDict()
        self._cached_chars = 0

    @property
    def metadata(self) -> Sequence[Document]:
        """The documents without their texts: `text` is empty, `body` is the document's."""
        return self._metadata

    @property
    def texts(self) -> Sequence[str]:
        """The documents' texts, each read when asked for."""
        return _Texts(self)

    @property
    def stored_texts(self) -> Sequence[str]:
        """The documents' texts, each read from disk when asked for, without the cache of
        `texts` and without touching the metadata: for forked workers reading documents in
        any order, which would copy the pages of every object they touch."""
        return _StoredTexts(self)

    @property
    def bodies(self) -> Sequence[Span]:
        """Each document's body, from its metadata."""
        return _Bodies(self._metadata)

    def __len__(self) -> int:
        return len(self._metadata)

    def _index(self, i: int) -> int:
        n = len(self._metadata)
        if not -n <= i < n:
            raise IndexError(f"document {i} of {n}")
        return i % n if i < 0 else i

    def text(self, i: int) -> str:
        """Document i's text, read from disk (or kept from a recent read)."""
        i = self._index(i)
        found = self._cache.get(i)
        if found is not None:
            self._cache.move_to_end(i)
            return found
        text = self._read(i)
        # Kept a while: a text is often asked for again soon (a link's two sides, its
        # meaning and its report entry).
        self._cache[i] = text
        self._cached_chars += len(text)
        while self._cached_chars > CACHE_CHARS and len(self._cache) > 1:
            self._cached_chars -= len(self._cache.popitem(last=False)[1])
        return text

    @overload
    def __getitem__(self, i: int) -> Document: ...
    @overload
    def __getitem__(self, i: slice) -> list[Document]: ...
    def __getitem__(self, i: int | slice) -> Document | list[Document]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = self._index(i)
        meta = self._metadata[i]
        end = None if self._open_ends[i] else meta.body_end
        return replace(meta, text=self.text(i), body_end=end)

    def read(self, first: int, stop: int) -> list[Document]:
        """Documents [first, stop) whole, read from the Parquet shards a row group at a time,
        not made from the metadata in memory: a forked worker that touched those objects
        would copy the pages they lie in, and over a long step hold a copy of them all."""
        if not 0 <= first <= stop <= len(self):
            raise IndexError(f"documents {first} to {stop} of {len(self)}")
        out: list[Document] = []
        k = bisect.bisect_right(self._firsts, first) - 1
        while first < stop:
            begin = self._firsts[k]
            shard = pq.ParquetFile(self.shards[k])
            ends = np.cumsum([shard.metadata.row_group(g).num_rows for g in range(shard.num_row_groups)])
            a, b = first - begin, min(stop, self._firsts[k + 1]) - begin
            groups = range(
                int(np.searchsorted(ends, a, side="right")), int(np.searchsorted(ends, b - 1, "right")) + 1
            )
            skip = a - (int(ends[groups[0] - 1]) if groups[0] else 0)
            rows = shard.read_row_groups(list(groups)).slice(skip, b - a).to_pylist()
            out += map(document_of, rows)
            first, k = begin + b, k + 1
        return out

    def _read(self, i: int) -> str:
        if self._fd is None:
            raise ValueError("the document store is closed")
        start, end = int(self._starts[i]), int(self._starts[i + 1])
        data = os.pread(self._fd, end - start, start)
        while len(data) < end - start:  # a short read: only ever of part of a huge text
            more = os.pread(self._fd, end - start - len(data), start + len(data))
            if not more:
                raise OSError(f"{self.folder / TEXTS_FILE}: ends before document {i}'s text")
            data += more
        return data.decode("utf-8")

    def __iter__(self) -> Iterator[Document]:
        for i in range(len(self)):
            yield self[i]

    def close(self) -> None:
        """Close the texts file; the folder is the caller's to remove."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self._cache.clear()
        self._cached_chars = 0

    def __enter__(self) -> DocumentStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def documents_of(docs: Sequence[Document], indices: list[int]) -> list[Document]:
    """The documents at `indices`, whole: from a store, consecutive indices are read from its
    shards (`DocumentStore.read`), for a forked worker's chunk of a step."""
    if isinstance(docs, DocumentStore) and indices and indices == list(range(indices[0], indices[-1] + 1)):
        return docs.read(indices[0], indices[-1] + 1)
    return [docs[i] for i in indices]


def metadata_of(docs: Sequence[Document]) -> Sequence[Document]:
    """The documents for what needs no text (ids, dates, outlets, bodies): a store's
    metadata, read from nothing, or the documents themselves when in memory."""
    return docs.metadata if isinstance(docs, DocumentStore) else docs


def texts_of(docs: Sequence[Document]) -> Sequence[str]:
    """The documents' texts: a store's, each read when asked for, or those in memory."""
    return docs.texts if isinstance(docs, DocumentStore) else [d.text for d in docs]


def stored_texts_of(docs: Sequence[Document]) -> Sequence[str]:
    """`texts_of`, but a store's texts read without its cache (`DocumentStore.stored_texts`)."""
    return docs.stored_texts if isinstance(docs, DocumentStore) else [d.text for d in docs]


def bodies_of(docs: Sequence[Document]) -> Sequence[Span]:
    """The documents' bodies, without reading a text."""
    return docs.bodies if isinstance(docs, DocumentStore) else [d.body for d in docs]

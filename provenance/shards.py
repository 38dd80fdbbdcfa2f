"""Step outputs on disk: analysed-document records as Parquet shards.

Parquet, Apache Arrow's columnar file format, written and read with pyarrow: Spark, DuckDB,
pandas and polars read it natively, and a step reads only the columns it needs (candidates
read the shingles, never the credits). Shards are written by `provenance.parquet`, in row
groups of `provenance.parquet.ROWS_PER_GROUP` records.

A step that reads documents in any order (align) reads their words from `WordsArray`,
flat files made from the shards in one pass, read with `os.pread`.

Between the candidates step and align, the candidate document pairs are a Parquet file
too (`write_candidate_pairs`), in `CANDIDATES_SCHEMA`, one row per pair, sorted by (a, b):

    a, b                        the pair's documents, by number in the run, a < b (int64)
    unit_pairs                  how many candidate unit pairs are behind it (int64)

A record is also kept alone, in the index (`record_bytes`): its row as an Arrow IPC record
batch in a zstd frame, which `stored_records` makes a table of the same schema again.

A records folder holds `part-FFFFFFFFF.parquet` files, each the records of consecutive
documents from number F on, one row per document in `RECORD_SCHEMA`:

    number                      the document's position in the run (int64)
    id                          its id
    boilerplate                   [{start, end, rule}]       page boilerplate lines
    repeats                     [{first_start, first_end, repeat_start, repeat_end, words}]
    quotations                  [{start, end, form}]
    credits                     [{start, end, cue, name, source_id, source_name}]
    word_ids                    [uint64]  xxHash of each word's matching form
    word_starts, word_ends      [int32]   its code-point offsets in the document's text
    unit_bounds                 [int32]   sentence units as token ranges, flattened (a, b, a, b, …)
    shingle_offsets             [int64]   unit u's shingles are shingle_hashes[offsets[u]:offsets[u+1]]
    shingle_hashes              [uint32]  crc32 of each word 3-gram
    language                    ISO 639-1 code of the body's language, or null
    language_confidence         the detector's confidence in it, or null
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from provenance.analysis import PerDocument, line_statistics
from provenance.detect.candidates import CandidatePairs
from provenance.detect.fingerprint import CorpusShingles, DocumentShingles
from provenance.editorial.boilerplate import Boilerplate
from provenance.editorial.credits import Credit
from provenance.editorial.quotations import Quotation
from provenance.editorial.repeats import Repeat
from provenance.executor import Executor, as_executor
from provenance.executor.memory import release_free_memory
from provenance.ingest import Document, OutletRegistry
from provenance.parquet import write_parquet, write_shard
from provenance.record import AnalysedDocument
from provenance.settings import DetectionSettings
from provenance.text.compact import Words
from provenance.text.language import Language

# Documents a worker analyses before writing them as one shard: a chunk's records are all
# in the worker's memory at once, so a shard stays this small whatever the corpus's size.
SHARD_DOCUMENTS = 1024
_SPAN = [pa.field("start", pa.int32()), pa.field("end", pa.int32())]

RECORD_SCHEMA = pa.schema(
    [
        pa.field("number", pa.int64(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("boilerplate", pa.list_(pa.struct([*_SPAN, pa.field("rule", pa.string())]))),
        pa.field(
            "repeats",
            pa.list_(
                pa.struct(
                    [
                        pa.field("first_start", pa.int32()),
                        pa.field("first_end", pa.int32()),
                        pa.field("repeat_start", pa.int32()),
                        pa.field("repeat_end", pa.int32()),
                        pa.field("words", pa.int32()),
                    ]
                )
            ),
        ),
        pa.field("quotations", pa.list_(pa.struct([*_SPAN, pa.field("form", pa.string())]))),
        pa.field(
            "credits",
            pa.list_(
                pa.struct(
                    [
                        *_SPAN,
                        pa.field("cue", pa.string()),
                        pa.field("name", pa.string()),
                        pa.field("source_id", pa.string()),
                        pa.field("source_name", pa.string()),
                    ]
                )
            ),
        ),
        pa.field("word_ids", pa.large_list(pa.uint64())),
        pa.field("word_starts", pa.large_list(pa.int32())),
        pa.field("word_ends", pa.large_list(pa.int32())),
        pa.field("unit_bounds", pa.large_list(pa.int32())),
        pa.field("shingle_offsets", pa.large_list(pa.int64())),
        pa.field("shingle_hashes", pa.large_list(pa.uint32())),
        pa.field("language", pa.string()),
        pa.field("language_confidence", pa.float64()),
    ]
)
WORD_COLUMNS = ["word_ids", "word_starts", "word_ends"]
CANDIDATES_SCHEMA = pa.schema(
    [pa.field("a", pa.int64()), pa.field("b", pa.int64()), pa.field("unit_pairs", pa.int64())]
)


@dataclass(frozen=True, slots=True)
class Findings:
    """A record's fields besides its document, words and shingles: what the report and the
    meaning of links read."""

    boilerplate: list[Boilerplate]
    repeats: list[Repeat]
    quotations: list[Quotation]
    credits: list[Credit]
    language: Language | None = None

    @classmethod
    def of(cls, record: AnalysedDocument) -> Findings:
        return cls(record.boilerplate, record.repeats, record.quotations, record.credits, record.language)


def _list_array(arrays: list[np.ndarray], dtype: type[np.generic]) -> pa.LargeListArray:
    """One list per document from numpy arrays, without a Python object per value."""
    sizes = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    flat = np.concatenate([np.asarray(a, dtype=dtype) for a in arrays]) if arrays else np.empty(0, dtype)
    return pa.LargeListArray.from_arrays(pa.array(offsets, type=pa.int64()), pa.array(flat))


def records_table(
    first: int,
    ids: list[str],
    findings: list[Findings],
    words: list[Words],
    shingles: list[DocumentShingles],
) -> pa.Table:
    """The records of documents `first`, `first + 1`, … as a table in `RECORD_SCHEMA`."""
    rows = len(ids)
    columns: dict[str, Any] = {
        "number": pa.array(range(first, first + rows), type=pa.int64()),
        "id": pa.array(ids, type=pa.string()),
        "boilerplate": [
            [{"start": b.start, "end": b.end, "rule": b.rule} for b in f.boilerplate] for f in findings
        ],
        "repeats": [
            [
                {
                    "first_start": r.first[0],
                    "first_end": r.first[1],
                    "repeat_start": r.repeat[0],
                    "repeat_end": r.repeat[1],
                    "words": r.words,
                }
                for r in f.repeats
            ]
            for f in findings
        ],
        "quotations": [
            [{"start": q.start, "end": q.end, "form": q.form} for q in f.quotations] for f in findings
        ],
        "credits": [
            [
                {
                    "start": c.start,
                    "end": c.end,
                    "cue": c.cue,
                    "name": c.name,
                    "source_id": c.source_id,
                    "source_name": c.source_name,
                }
                for c in f.credits
            ]
            for f in findings
        ],
        "word_ids": _list_array([w.ids for w in words], np.uint64),
        "word_starts": _list_array([w.starts for w in words], np.int32),
        "word_ends": _list_array([w.ends for w in words], np.int32),
        "unit_bounds": _list_array([s.units.reshape(-1) for s in shingles], np.int32),
        "shingle_offsets": _list_array([s.offsets for s in shingles], np.int64),
        "shingle_hashes": _list_array([s.hashes for s in shingles], np.uint32),
        "language": pa.array([f.language.code if f.language else None for f in findings], pa.string()),
        "language_confidence": pa.array(
            [f.language.confidence if f.language else None for f in findings], pa.float64()
        ),
    }
    return pa.table({name: columns[name] for name in RECORD_SCHEMA.names}, schema=RECORD_SCHEMA)


def write_records(
    folder: Path,
    first: int,
    ids: list[str],
    findings: list[Findings],
    words: list[Words],
    shingles: list[DocumentShingles],
) -> Path:
    """Write the records of documents `first`, `first + 1`, … as one shard, all or nothing."""
    return write_shard(folder, first, records_table(first, ids, findings, words, shingles))


def write_candidate_pairs(pairs: CandidatePairs, path: Path) -> Path:
    """Write the candidate document pairs as a Parquet file in `CANDIDATES_SCHEMA`, all or
    nothing; the same pairs make the same bytes."""
    table = pa.table(
        {"a": pa.array(pairs.a), "b": pa.array(pairs.b), "unit_pairs": pa.array(pairs.unit_pairs)},
        schema=CANDIDATES_SCHEMA,
    )
    return write_parquet(table, path)


def read_candidate_pairs(path: Path) -> CandidatePairs:
    """The candidate document pairs of a file written by `write_candidate_pairs`."""
    table = pq.read_table(path, schema=CANDIDATES_SCHEMA)
    a, b, units = (table.column(c).to_numpy().astype(np.int64, copy=False) for c in CANDIDATES_SCHEMA.names)
    if len(a) and not ((a < b).all() and (a >= 0).all() and (np.diff(a * (int(b.max()) + 1) + b) > 0).all()):
        raise ValueError(f"{path}: candidate pairs not as a < b, sorted and distinct")
    return CandidatePairs(a, b, units)


def record_bytes(record: AnalysedDocument) -> bytes:
    """One record alone, as the index stores it: its row of `RECORD_SCHEMA` as an Arrow IPC
    record batch message in a zstd frame. Its number and id are left out (0 and empty), as
    they are its document's wherever it is read (`stored_records`)."""
    table = records_table(0, [""], [Findings.of(record)], [record.words], [record.shingles])
    (batch,) = table.combine_chunks().to_batches()
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        out.write(batch.serialize())
    return cast(bytes, sink.getvalue().to_pybytes())


def stored_records(first: int, ids: list[str], stored: Sequence[bytes]) -> pa.Table:
    """Records stored alone (`record_bytes`), as the table of documents `first`, `first + 1`,
    … named `ids`."""
    batches = [
        pa.ipc.read_record_batch(pa.CompressedInputStream(pa.BufferReader(b), "zstd").read(), RECORD_SCHEMA)
        for b in stored
    ]
    table = pa.Table.from_batches(batches, RECORD_SCHEMA)
    numbers = pa.array(range(first, first + len(ids)), pa.int64())
    table = table.set_column(0, RECORD_SCHEMA.field("number"), numbers)
    return table.set_column(1, RECORD_SCHEMA.field("id"), pa.array(ids, pa.string()))


def word_counts(table: pa.Table) -> list[int]:
    """How many words each record of a table has."""
    return cast(list[int], pc.list_value_length(table.column("word_ids")).to_pylist())


def _lists(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A list column's values and offsets as numpy arrays (row i: values[offsets[i]:offsets[i+1]])."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    offsets = array.offsets.to_numpy()
    values = array.values.to_numpy(zero_copy_only=False)
    return values[offsets[0] : offsets[-1]], offsets - offsets[0]


def read_findings(path: Path) -> list[Findings]:
    """The findings of every record of a shard, in document order."""
    names = ("boilerplate", "repeats", "quotations", "credits", "language", "language_confidence")
    table = pq.read_table(path, columns=list(names))
    out = []
    for boilerplate, repeats, quotations, credits, language, confidence in zip(
        *(table.column(c).to_pylist() for c in names), strict=True
    ):
        out.append(
            Findings(
                [Boilerplate(b["start"], b["end"], b["rule"]) for b in boilerplate],
                [
                    Repeat(
                        (r["first_start"], r["first_end"]), (r["repeat_start"], r["repeat_end"]), r["words"]
                    )
                    for r in repeats
                ],
                [Quotation(q["start"], q["end"], q["form"]) for q in quotations],
                [Credit(**c) for c in credits],
                None if language is None else Language(language, confidence),
            )
        )
    return out


def read_languages(path: Path) -> list[str | None]:
    """The language code of every record of a shard (None: not told), in document order."""
    return pq.read_table(path, columns=["language"]).column("language").to_pylist()


def read_shingles(path: Path) -> list[DocumentShingles]:
    """The units and shingle hashes of every record of a shard, in document order."""
    table = pq.read_table(path, columns=["unit_bounds", "shingle_offsets", "shingle_hashes"])
    bounds, bound_at = _lists(table.column("unit_bounds"))
    offsets, offset_at = _lists(table.column("shingle_offsets"))
    hashes, hash_at = _lists(table.column("shingle_hashes"))
    return [
        DocumentShingles(
            bounds[bound_at[i] : bound_at[i + 1]].astype(np.int32).reshape(-1, 2),
            offsets[offset_at[i] : offset_at[i + 1]].astype(np.int64),
            hashes[hash_at[i] : hash_at[i + 1]].astype(np.uint32),
        )
        for i in range(table.num_rows)
    ]


def read_corpus_shingles(shards: list[tuple[int, Path]]) -> CorpusShingles:
    """The shingles of every record of the shards (in document order, from document 0), as
    flat arrays: the hashes are read into one array made to size, shard by shard, never
    as an object per document."""
    ordered = sorted(shards)
    # First the units' offsets, whose last value in each document is its number of hashes.
    unit_counts, offsets, shingle_counts = [], [], []
    for _, path in ordered:
        column = pq.read_table(path, columns=["shingle_offsets"]).column("shingle_offsets")
        values, at = _lists(column)
        values = values.astype(np.int64, copy=False)
        counts = np.diff(at)
        if (counts < 1).any():
            raise ValueError(f"{path}: a record has no shingle offsets")
        last = at[1:] - 1  # each document's last offset: its number of hashes
        shingle_counts.append(values[last])
        unit_counts.append(counts - 1)
        # Its units' starts, from the document's first hash on.
        starts = np.ones(len(values), dtype=bool)
        starts[last] = False
        offsets.append(values[starts] + np.repeat(np.cumsum(values[last]) - values[last], counts - 1))
    units = np.concatenate([np.zeros(1, np.int64), *unit_counts])
    per_document = np.concatenate([np.empty(0, np.int64), *shingle_counts])
    total = int(per_document.sum())
    doc_base = np.cumsum(np.concatenate(([0], per_document)))
    shard_docs = np.cumsum([0, *(len(c) for c in unit_counts)])
    flat_offsets = np.empty(int(units.sum()) + 1, dtype=np.int64)
    flat_offsets[-1] = total
    hashes = np.empty(total, dtype=np.uint32)
    unit_at, hash_at = 0, 0
    for k, (_, path) in enumerate(ordered):
        starts = offsets[k] + doc_base[shard_docs[k]]
        flat_offsets[unit_at : unit_at + len(starts)] = starts
        unit_at += len(starts)
        values, _ = _lists(pq.read_table(path, columns=["shingle_hashes"]).column("shingle_hashes"))
        hashes[hash_at : hash_at + len(values)] = values
        hash_at += len(values)
    if hash_at != total:
        raise ValueError("the shards' shingle hashes do not match their offsets")
    release_free_memory()  # the decoded columns, freed
    return CorpusShingles(np.cumsum(units), flat_offsets, hashes)


class WordsArray:
    """Every document's words in three flat files in `folder`, made in one pass over the
    shards (`word_ids.u64`, `word_starts.i32`, `word_ends.i32`: the values, little-endian,
    one document after another): a document's words are read with `os.pread` when a pair
    needs them, from the page cache. Parquet is the records' format between steps; these
    files serve a step that reads documents in any order (align), where decoding a row group
    per document would cost more than the alignment itself. Nothing is mapped: forked
    workers read with the descriptors they inherit, and what they read costs a process only
    the arrays it makes, however many documents are aligned. Close it when done."""

    _COLUMNS = (
        ("word_ids", "u64", np.dtype("<u8")),
        ("word_starts", "i32", np.dtype("<i4")),
        ("word_ends", "i32", np.dtype("<i4")),
    )

    def __init__(self, shards: list[tuple[int, Path]], word_counts: Sequence[int], folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        at = np.zeros(len(word_counts) + 1, dtype=np.int64)
        np.cumsum(np.asarray(word_counts, dtype=np.int64), out=at[1:])
        paths = [folder / f"{column}.{suffix}" for column, suffix, _ in self._COLUMNS]
        outs = [open(path, "wb") for path in paths]  # noqa: SIM115 (closed below)
        try:
            end = 0
            for first, path in sorted(shards):
                if at[first] != end:
                    raise ValueError(f"{path}: the shards do not follow each other from document 0")
                table = pq.read_table(path, columns=[column for column, _, _ in self._COLUMNS])
                for (column, _, dtype), out in zip(self._COLUMNS, outs, strict=True):
                    values, _ = _lists(table.column(column))
                    out.write(np.ascontiguousarray(values, dtype=dtype).tobytes())
                end += len(values)
            if end != at[-1]:
                raise ValueError(f"{folder}: the shards hold {end} words, the counts say {at[-1]}")
        finally:
            for out in outs:
                out.close()
        release_free_memory()  # the decoded columns, freed: forked workers would inherit them
        self._at = at
        self._fds: list[int] | None = [
            os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)) for path in paths
        ]

    def __getitem__(self, number: int) -> Words:
        if not 0 <= number < len(self._at) - 1:
            raise IndexError(number)
        if self._fds is None:
            raise ValueError("the words files are closed")
        a, b = int(self._at[number]), int(self._at[number + 1])
        ids, starts, ends = (
            _pread_array(fd, dtype, a, b) for fd, (_, _, dtype) in zip(self._fds, self._COLUMNS, strict=True)
        )
        return Words(ids, starts, ends)

    def close(self) -> None:
        """Close the files; the folder is the caller's to remove."""
        for fd in self._fds or []:
            os.close(fd)
        self._fds = None


def _pread_array(fd: int, dtype: np.dtype, a: int, b: int) -> np.ndarray:
    """Values [a, b) of a flat file of `dtype` values, as a read-only array."""
    size = (b - a) * dtype.itemsize
    data = os.pread(fd, size, a * dtype.itemsize)
    while len(data) < size:  # a short read: only ever of part of a huge document
        more = os.pread(fd, size - len(data), a * dtype.itemsize + len(data))
        if not more:
            raise OSError(f"a words file ends before word {b}")
        data += more
    return np.frombuffer(data, dtype=dtype)


class _WritingShards:
    """The per-document step over a chunk of consecutive documents, its records written as
    one shard in `folder`; only where they are goes back."""

    def __init__(self, folder: Path, step: PerDocument) -> None:
        self.folder, self.step = folder, step

    def write(self, indices: list[int]) -> list[tuple[int, Path, list[int]]]:
        records = self.step.records(indices)
        path = write_records(
            self.folder,
            indices[0],
            [r.document.id for r in records],
            [Findings.of(r) for r in records],
            [r.words for r in records],
            [r.shingles for r in records],
        )
        return [(indices[0], path, [len(r.words) for r in records])]


@dataclass(frozen=True)
class Shards:
    """The records of a document set, written as shards (see `provenance.shards`)."""

    paths: list[tuple[int, Path]]  # (first document, shard), in document order
    word_counts: list[int]  # per document


def analyse_to_shards(
    docs: Sequence[Document],
    registry: OutletRegistry,
    settings: DetectionSettings,
    folder: Path,
    executor: int | Executor = 1,
) -> Shards:
    """Every document through the per-document step, the records written to shards in
    `folder`; boilerplate is judged by the line statistics of these documents."""
    executor = as_executor(executor)
    step = PerDocument(docs, line_statistics(docs, executor).frequent(), registry, settings)
    task = _WritingShards(folder, step)
    written = [
        w
        for chunk in executor.map(
            "analyse",
            task.write,
            range(len(docs)),
            "documents",
            size=lambda c: sum(len(w[2]) for w in c),
            max_chunk=SHARD_DOCUMENTS,
        )
        for w in chunk
    ]
    return Shards(
        [(first, path) for first, path, _ in written], [n for _, _, counts in written for n in counts]
    )

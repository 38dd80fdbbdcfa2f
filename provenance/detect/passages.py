"""The align step's output on disk: verified passages as a Parquet file, the lineage step's input.

One row per passage (`Reuse`), in the order detection found them, in `PASSAGE_SCHEMA`:

    a, b                        the two documents' positions in the run (int64), a < b
    a_start, a_end              the passage in a's text, code-point offsets (int64)
    b_start, b_end              and in b's
    matched_words               words the alignment matched (int32)
    similarity                  its similarity (float64)
    kind                        verbatim | edited | …, as `align` names it
    points_a, points_b          [int64] character offsets of the aligned words in a and in b,
                                pairwise, increasing on both sides

Parquet (through pyarrow) for the same reasons as the records (`provenance.shards`): any
engine that reads Parquet reads it. A run writes it between align and lineage, so the
lineage step can be run alone on it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from provenance.detect import Reuse
from provenance.parquet import write_parquet

PASSAGE_SCHEMA = pa.schema(
    [
        pa.field("a", pa.int64(), nullable=False),
        pa.field("b", pa.int64(), nullable=False),
        pa.field("a_start", pa.int64(), nullable=False),
        pa.field("a_end", pa.int64(), nullable=False),
        pa.field("b_start", pa.int64(), nullable=False),
        pa.field("b_end", pa.int64(), nullable=False),
        pa.field("matched_words", pa.int32(), nullable=False),
        pa.field("similarity", pa.float64(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("points_a", pa.large_list(pa.int64()), nullable=False),
        pa.field("points_b", pa.large_list(pa.int64()), nullable=False),
    ]
)
# Passages a row group: reading the file back holds one group's Python objects at a time.
ROWS_PER_GROUP = 16384


def write_passages(reuses: list[Reuse], path: Path) -> Path:
    """Write the passages to `path`, all or nothing."""
    flat = np.frombuffer(b"".join(r.points for r in reuses), dtype=np.int64)
    counts = np.fromiter((len(r.points) // 16 for r in reuses), dtype=np.int64, count=len(reuses))
    offsets = pa.array(np.concatenate(([0], np.cumsum(counts))), pa.int64())
    columns = {
        "a": [r.a for r in reuses],
        "b": [r.b for r in reuses],
        "a_start": [r.a_span[0] for r in reuses],
        "a_end": [r.a_span[1] for r in reuses],
        "b_start": [r.b_span[0] for r in reuses],
        "b_end": [r.b_span[1] for r in reuses],
        "matched_words": [r.matched_words for r in reuses],
        "similarity": [r.similarity for r in reuses],
        "kind": [r.kind for r in reuses],
    }
    arrays = [pa.array(columns[f.name], f.type) for f in PASSAGE_SCHEMA if f.name in columns]
    arrays.append(pa.LargeListArray.from_arrays(offsets, pa.array(flat[0::2].copy(), pa.int64())))
    arrays.append(pa.LargeListArray.from_arrays(offsets, pa.array(flat[1::2].copy(), pa.int64())))
    table = pa.Table.from_arrays(arrays, schema=PASSAGE_SCHEMA)
    return write_parquet(table, path, ROWS_PER_GROUP)


def read_passages(path: Path) -> list[Reuse]:
    """The passages of a file `write_passages` wrote, in its order."""
    out: list[Reuse] = []
    parquet = pq.ParquetFile(path)
    for group in range(parquet.num_row_groups):
        table = parquet.read_row_group(group)
        plain = {name: table.column(name).to_pylist() for name in PASSAGE_SCHEMA.names[:9]}
        points = []
        for name in ("points_a", "points_b"):
            column = table.column(name).combine_chunks()
            points.append((column.offsets.to_numpy(), column.values.to_numpy()))
        (offsets, xs), (_, ys) = points
        pairs = np.empty(2 * len(xs), dtype=np.int64)
        pairs[0::2], pairs[1::2] = xs, ys
        for n in range(table.num_rows):
            lo, hi = int(offsets[n]), int(offsets[n + 1])  # into the whole of `values`
            out.append(
                Reuse(
                    plain["a"][n],
                    plain["b"][n],
                    (plain["a_start"][n], plain["a_end"][n]),
                    (plain["b_start"][n], plain["b_end"][n]),
                    plain["matched_words"][n],
                    plain["similarity"][n],
                    plain["kind"][n],
                    pairs[2 * lo : 2 * hi].tobytes(),
                )
            )
    return out

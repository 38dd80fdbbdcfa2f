"""Parquet files between steps, each written all or nothing, and the names of shards.

A step's output is whole or absent: a file is written beside its place under a temporary
name and renamed into it, so a run stopped halfway leaves no file a later step would take
for complete. Shards are the rows of consecutive documents from number F on, in
`part-FFFFFFFFF.parquet`, in row groups of `ROWS_PER_GROUP` rows, so a step reading a few
documents decodes a row group, not the shard.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROWS_PER_GROUP = 256


def shard_name(first: int) -> str:
    """The file of the rows of documents `first`, `first + 1`, …"""
    return f"part-{first:09d}.parquet"


def write_parquet(table: pa.Table, path: Path, row_group_size: int | None = None) -> Path:
    """Write `table` to `path` as Parquet (zstd; row groups of `row_group_size` rows, or
    pyarrow's default), all or nothing: a temporary file beside it, renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, row_group_size=row_group_size, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_shard(folder: Path, first: int, table: pa.Table) -> Path:
    """Write the rows of documents `first`, `first + 1`, … (records, a table in
    `RECORD_SCHEMA`; or documents, see `provenance.documents`) as one shard, all or nothing."""
    return write_parquet(table, folder / shard_name(first), ROWS_PER_GROUP)

"""Exports of a lineage report: one row per link, as CSV for spreadsheets and Parquet for
researchers, read from the report file a link at a time.

A report of a million articles is gigabytes of JSON: it is never loaded whole. Its lists
are read one entry at a time (`iter_report_list`), the documents' facts first (outlet,
date, title, URL: a few hundred bytes a document), then the links, each written as it is
read. The file is written all or nothing.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from provenance.report.write import shared_mode

ExportFormat = Literal["csv", "parquet"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "parquet")
SUFFIXES: dict[ExportFormat, str] = {"csv": ".links.csv", "parquet": ".links.parquet"}

_SIDE = ("document", "outlet", "date", "title", "url", "start", "end", "passage")
COLUMNS: tuple[str, ...] = (
    "link",
    "direction",
    "class",
    "kind",
    "similarity",
    "matched_words",
    "credited",
    "credit",
    *(f"source_{c}" for c in _SIDE),
    *(f"target_{c}" for c in _SIDE),
)
_INTEGERS = {"matched_words", "source_start", "source_end", "target_start", "target_end"}
_NOT_TEXT = _INTEGERS | {"similarity", "credited"}
SCHEMA = pa.schema(
    [
        pa.field(
            name,
            pa.int64()
            if name in _INTEGERS
            else pa.float64()
            if name == "similarity"
            else pa.bool_()
            if name == "credited"
            else pa.string(),
        )
        for name in COLUMNS
    ]
)

# The report writer puts each top-level key on a line of its own, two spaces in: a raw line
# break is never inside a JSON string, so this finds the key of the outermost object.
_KEY = '\n  "{}": ['
_READ_BYTES = 1 << 24
_ROWS_PER_BATCH = 1 << 16
_SURROGATE = re.compile("[\ud800-\udfff]")


class NotAReport(ValueError):
    """The file is not a lineage report as `provenance scan` writes it."""


def iter_report_list(path: Path, key: str) -> Iterator[dict[str, Any]]:
    """The entries of the report's top-level list `key` ("documents", "links", …), one at a
    time, without reading the file whole."""
    marker = _KEY.format(key).encode("utf-8")
    decoder = json.JSONDecoder()
    with path.open("rb") as f:
        tail = b""
        while True:  # to the start of the list
            block = f.read(_READ_BYTES)
            if not block:
                raise NotAReport(f"no list of {key}")
            data = tail + block
            found = data.find(marker)
            if found >= 0:
                raw = data[found + len(marker) :]
                break
            tail = data[-len(marker) :]
        eof = False
        while True:
            try:  # whole characters only: a block may end inside one
                text, raw = raw.decode("utf-8"), b""
            except UnicodeDecodeError as e:
                if e.start == 0 and len(raw) >= 4:
                    raise NotAReport(f"not UTF-8 in the list of {key}") from e
                text, raw = raw[: e.start].decode("utf-8"), raw[e.start :]
            at = _skip(text, 0)
            while at < len(text):
                if text[at] == "]":
                    return  # the list's end
                if text[at] == ",":  # after an entry the block before ended with
                    at = _skip(text, at + 1)
                    continue
                try:
                    entry, end = decoder.raw_decode(text, at)
                except json.JSONDecodeError as e:
                    if eof:
                        raise NotAReport(f"the list of {key} is not JSON: {e.msg}") from e
                    break  # the entry runs on into the next block
                if not isinstance(entry, dict):
                    raise NotAReport(f"an entry of {key} is not an object")
                yield entry
                at = _skip(text, end)
            if eof:
                raise NotAReport(f"the list of {key} does not end")
            block = f.read(_READ_BYTES)
            eof = not block
            raw = text[at:].encode("utf-8") + raw + block


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _text(value: Any) -> str | None:
    # A lone surrogate (a `\ud800` escape in the JSON) cannot be written as UTF-8: U+FFFD, as
    # the report reader reads it.
    return None if value is None else _SURROGATE.sub("\ufffd", str(value))


def link_rows(report: Path) -> Iterator[dict[str, Any]]:
    """One row per link of the report (`COLUMNS`): both sides with their document's outlet,
    date, title and URL, both passages, and the link's direction, class, kind and credit."""
    facts = {
        d["id"]: (d.get("outlet"), d.get("date"), d.get("title"), d.get("url"))
        for d in iter_report_list(report, "documents")
    }
    for link in iter_report_list(report, "links"):
        try:
            row: dict[str, Any] = {
                "link": link["id"],
                "direction": link["direction"],
                "class": link["class"],
                "kind": link["kind"],
                "similarity": link["similarity"],
                "matched_words": link["matched_words"],
                "credited": link["credited"],
                "credit": (link.get("credit") or {}).get("snippet"),
            }
            for side in ("source", "target"):
                ref = link[side]
                outlet, date, title, url = facts[ref["document"]]
                row.update(
                    {
                        f"{side}_document": ref["document"],
                        f"{side}_outlet": outlet,
                        f"{side}_date": date,
                        f"{side}_title": title,
                        f"{side}_url": url,
                        f"{side}_start": ref["start"],
                        f"{side}_end": ref["end"],
                        f"{side}_passage": ref.get("snippet"),
                    }
                )
        except (KeyError, TypeError, AttributeError) as exc:
            raise NotAReport(f"a link without {exc}") from exc
        yield {k: v if k in _NOT_TEXT else _text(v) for k, v in row.items()}


def export_report(report: Path, out: Path, fmt: ExportFormat) -> int:
    """Write every link of `report` to `out` as `fmt`, all or nothing; the number of links.

    CSV is UTF-8 with a byte-order mark and CRLF line ends, so Excel opens Cyrillic and
    Kazakh text as it is and LibreOffice does too; Parquet has typed columns (`SCHEMA`)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    tmp = Path(name)
    try:
        if fmt == "csv":
            with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
                count = write_csv(link_rows(report), f)
                f.flush()
                os.fsync(f.fileno())
        else:
            os.close(fd)
            count = _write_parquet(link_rows(report), tmp)
        os.chmod(tmp, shared_mode(out))
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def write_csv(rows: Iterator[dict[str, Any]], f: IO[str]) -> int:
    """The rows as CSV with a header line; the number of rows."""
    writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({**row, "credited": "true" if row["credited"] else "false"})  # as in the JSON
        count += 1
    return count


def _write_parquet(rows: Iterator[dict[str, Any]], path: Path) -> int:
    count = 0
    with pq.ParquetWriter(path, SCHEMA, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == _ROWS_PER_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
                count += len(batch)
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
        count += len(batch)
    return count

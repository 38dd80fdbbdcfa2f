"""The persistent index: one SQLite file (WAL) holding documents, their signatures and the
postings that find them again from a draft, and for `index report` each document's record
and line keys (`provenance.index.report`).

Nothing is pickled: documents are columns, signatures are datasketch's LeanMinHash bytes,
shingle hashes are little-endian uint32 arrays, postings are integers. The file records
its format version and every parameter its contents depend on; opening it with other
settings is an error. Each `add` and `remove` is one transaction, so a killed process
leaves the index as it was, and SQLite's locks let several processes add at once.

SQLite checks its pages' structure (`PRAGMA quick_check`), not what they hold: each document
row is sealed with a SHA-256 digest of every column (the text through its own digest), and
so is each record row (the record through its own digest, with its document's text digest,
so a record is never read for another text); every row read is checked against its seal,
so a damaged index is refused, never read into findings. Postings are not sealed: a damaged
posting can hide a source from `check`, never invent one, since every document a posting
finds is compared by its own sealed shingles.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

from provenance.detect.fingerprint import in_sorted
from provenance.executor import Executor
from provenance.index.entries import POSTINGS_WINDOW, index_entries, record_key
from provenance.ingest import Document, DocumentDate, IngestResult, InputWarning, OutletRegistry, Skipped
from provenance.ingest.naming import unique_id
from provenance.ingest.outlets import load_registry
from provenance.settings import MINHASH_SCHEME, SHINGLE_HASH, DetectionSettings
from provenance.text import NORMALIZATION_VERSION

# 2: title and URL sources; HTML and JSON documents. 3: documents known by their file's
# resolved path (`location`), not by their id. 4: each document row sealed (`seal`).
# 5: each document's record and line keys (`records`), read by `index report`.
FORMAT_VERSION = 5
# An index of this format is upgraded when opened: it gains the (empty) table of records.
UPGRADABLE_FORMAT = 4
APPLICATION = "provenance-index"
# SQLite's header field for the program that owns the file: "PRVN".
_APPLICATION_ID = 0x5052564E
# Documents written per batch inside the one transaction of an `add` (progress granularity).
_BATCH = 500
# A lock held by another process is waited for this long before giving up.
BUSY_TIMEOUT_S = 120.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    number INTEGER PRIMARY KEY,
    location BLOB NOT NULL UNIQUE,
    id TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL,
    line INTEGER,
    format TEXT NOT NULL,
    encoding TEXT NOT NULL,
    body_start INTEGER NOT NULL,
    body_end INTEGER,
    date TEXT,
    date_precision TEXT NOT NULL,
    date_source TEXT,
    outlet TEXT,
    outlet_source TEXT,
    title TEXT,
    title_source TEXT,
    url TEXT,
    url_source TEXT,
    text TEXT NOT NULL,
    units INTEGER NOT NULL,
    signature BLOB NOT NULL,
    shingles BLOB NOT NULL,
    seal BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS postings (
    hash INTEGER NOT NULL,
    document INTEGER NOT NULL,
    PRIMARY KEY (hash, document)
) WITHOUT ROWID;
"""
# Per document (by number), for `index report`: its record as the per-document step made it
# with no line statistics (`provenance.shards.record_bytes`), what it was made with
# (`record_key`), its digest, and its line keys (what it adds to its outlet's line counts),
# one a line. Sealed with its document's text digest, so a record is never read for
# another text.
_RECORDS_TABLE = """
CREATE TABLE IF NOT EXISTS records (
    document INTEGER PRIMARY KEY,
    made_with TEXT NOT NULL,
    lines TEXT NOT NULL,
    record BLOB NOT NULL,
    digest BLOB NOT NULL,
    seal BLOB NOT NULL
)
"""

_COLUMNS = (
    "id, sha256, path, line, format, encoding, body_start, body_end, date, date_precision, "
    "date_source, outlet, outlet_source, title, title_source, url, url_source, text"
)


# What a document says besides its name: its text (by digest) and every metadata value. The
# same document (identity) with the same content is unchanged, whatever it is called now.
# A record's line is where it stands, not what it says: a record that moved down its file is
# unchanged (its line is brought up to date).
_CONTENT_COLUMNS = (
    _COLUMNS.removeprefix("id, ").replace("path, ", "").replace("line, ", "").removesuffix(", text")
)
_CONTENT_NAMES = tuple(c.strip() for c in _CONTENT_COLUMNS.split(","))
# Every column but the text (which its sha256 column stands for) and the seal itself.
_SEALED_COLUMNS = f"number, location, {_COLUMNS.removesuffix(', text')}, units, signature, shingles"
_SEALED_NAMES = tuple(c.strip() for c in _SEALED_COLUMNS.split(","))
# The tables and columns this version reads: anything else is a damaged or foreign file.
_TABLES = {
    "meta": ("key", "value"),
    "documents": (*_SEALED_NAMES[:-3], "text", *_SEALED_NAMES[-3:], "seal"),
    "postings": ("hash", "document"),
    "records": ("document", "made_with", "lines", "record", "digest", "seal"),
}


def _content(d: Document) -> tuple[Any, ...]:
    row = _document_row(d)
    return (row[1], *row[4:-1])


def _changes(old: Sequence[Any], new: Sequence[Any]) -> list[str]:
    """What differs between two contents, as words: `text`, `date`, `outlet`, …"""
    named = {"sha256": "text", "date_precision": "date", "date_source": "date", "body_start": "body"}
    named |= {"body_end": "body", "outlet_source": "outlet", "title_source": "title", "url_source": "url"}
    return list(
        dict.fromkeys(named.get(n, n) for n, a, b in zip(_CONTENT_NAMES, old, new, strict=True) if a != b)
    )


class IndexProblem(Exception):
    """The index cannot be used: missing, not an index, another version, other settings,
    damaged."""


class SettingsMismatch(IndexProblem):
    pass


def index_parameters(settings: DetectionSettings) -> dict[str, Any]:
    """Every parameter the stored signatures and postings depend on.

    Thresholds applied when matching (fewest words, similarity classes) are not among them:
    a query may choose its own.
    """
    return {
        "format": FORMAT_VERSION,
        "normalization": NORMALIZATION_VERSION,
        "unit": "sentence",
        "unit_max_words": settings.unit_max_words,
        "unit_stride_words": settings.unit_stride_words,
        "shingle_words": settings.shingle_words,
        "hash": SHINGLE_HASH,
        "scheme": MINHASH_SCHEME,
        "num_perm": settings.num_perm,
        "seed": settings.seed,
        "lsh_bands": settings.lsh_bands,
        "lsh_rows": settings.lsh_rows,
        "max_shingle_documents": settings.max_shingle_documents,
        "postings_window": POSTINGS_WINDOW,
    }


@dataclass(frozen=True)
class Replacement:
    """An indexed document given a new version: its id and what changed (`text`, `date`, …)."""

    id: str
    changed: tuple[str, ...]


@dataclass(frozen=True)
class AddResult:
    """What an `add` did, by document id. `renamed` maps the id a new document would have had
    to the one it got, because another document already had it. `moved` documents are
    unchanged ones whose file is gone from where it was indexed and was found, with the same
    name, text and metadata, in the place now added."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    changes: list[Replacement] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    moved: list[str] = field(default_factory=list)  # unchanged documents found in a new place


@dataclass(frozen=True)
class IndexStats:
    path: str
    documents: int
    passages: int  # sentence units fingerprinted
    outlets: int
    first_date: str | None  # earliest and latest day among documents dated with a year
    last_date: str | None
    without_year: int  # documents dated without a year, or not at all
    size_bytes: int  # the database with its write-ahead log
    verified: int  # document rows found intact: every one, or the stats are refused

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Hit:
    """An indexed document found by a query's postings, and how many shingles they share."""

    number: int
    shingles: int


@dataclass(frozen=True)
class StoredRecord:
    """A document's stored record (`provenance.shards.record_bytes`): the text it was made
    from (by digest), what it was made with (`record_key`), the document's line keys, and
    the record itself when read."""

    sha256: str
    made_with: str
    lines: frozenset[str]
    record: bytes | None = None


@dataclass(frozen=True)
class IndexedDocument:
    """A document as `index report` reads it: its number, itself, and its stored record
    (without the record's bytes; None: it has none, as in an index of format 4)."""

    number: int
    document: Document
    stored: StoredRecord | None


Progress = Callable[[int, int], None]


def _blob(hashes: np.ndarray) -> bytes:
    return np.asarray(hashes, dtype="<u4").tobytes()


def _hashes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def _posting_keys(hashes: np.ndarray) -> list[int]:
    # uint32 hashes stored as int32: SQLite keeps them in 4 bytes instead of 6.
    return np.asarray(hashes, dtype=np.uint32).view(np.int32).tolist()


M = TypeVar("M", bound=Callable[..., Any])


def _guarded(method: M) -> M:
    """SQLite's errors met while using the index become an `IndexProblem` naming the file."""

    @functools.wraps(method)
    def run(self: Index, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise self._problem(exc) from exc

    return cast(M, run)


class Index:
    """An index file opened for reading and writing. Use as a context manager."""

    def __init__(
        self,
        path: Path,
        settings: DetectionSettings | None = None,
        *,
        create: bool = False,
        check_pages: bool = True,
    ) -> None:
        """Open (or with `create`, create) the index at `path`.

        With `check_pages` SQLite checks every page's structure first (`PRAGMA quick_check`,
        a read of the whole file): worth it before a write or a whole-index read. A query
        that reads a few documents (`check`) can skip it: every row it reads is checked
        against its seal, and a damaged page it meets is refused when met.
        """
        self.path = Path(path)
        self.settings = settings or DetectionSettings()
        self._conn: sqlite3.Connection | None = None
        if not create and not self.path.is_file():
            raise IndexProblem(f"{self.path}: no index here; create one with `provenance index add`")
        # A new index is created when first used, so an `add` that fails while analysing
        # (a worker killed, Ctrl-C) leaves no file behind.
        self._deferred = create and not self.path.exists()
        if self._deferred:
            blocker = next((p for p in self.path.parents if p.exists()), None)
            if blocker is not None and not blocker.is_dir():
                raise IndexProblem(f"{self.path}: cannot create the index: {blocker} is a file, not a folder")
        else:
            self._connect(create, check_pages)

    def _connect(self, create: bool, check_pages: bool) -> sqlite3.Connection:
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError) as exc:
                blocker = next(p for p in self.path.parents if p.exists())
                raise IndexProblem(
                    f"{self.path}: cannot create the index: {blocker} is a file, not a folder"
                ) from exc
            except OSError as exc:
                raise IndexProblem(f"{self.path}: cannot create the index: {exc.strerror or exc}") from exc
        try:
            self._conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self._open_waiting(create)
            if check_pages:
                self._check_pages()
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            self.close()
            raise self._problem(exc) from exc
        except IndexProblem:
            self.close()
            raise
        return self._conn

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None and self._deferred:
            self._deferred = False
            return self._connect(True, False)
        if self._conn is None:
            raise IndexProblem(f"{self.path}: the index is closed")
        return self._conn

    def _problem(self, exc: sqlite3.DatabaseError | UnicodeDecodeError) -> IndexProblem:
        """What SQLite's error means for the user: a damaged file, or one it cannot use now."""
        if isinstance(exc, UnicodeDecodeError) or "decode" in str(exc):
            # A damaged name in its schema, or a text column that is not UTF-8 any more.
            return self._damaged("text that is not UTF-8 where SQLite keeps text")
        message = str(exc)
        if isinstance(exc, sqlite3.OperationalError) and "malformed" not in message:
            return IndexProblem(f"{self.path}: cannot use the index: {message}")
        return self._damaged(f"SQLite: {message[:200]}")

    def _damaged(self, detail: str) -> IndexProblem:
        return IndexProblem(
            f"{self.path}: the index is damaged ({detail}); build it again from its sources "
            "with `provenance index add` into a new file"
        )

    def _check_pages(self) -> None:
        found = [r[0] for r in self._db.execute("PRAGMA quick_check(3)")]
        if found != ["ok"]:
            lines = [line for r in found for line in r.splitlines() if not line.startswith("***")]
            raise self._damaged("SQLite: " + "; ".join(lines))

    def _open_waiting(self, create: bool) -> None:
        # Two processes creating the same file at once can meet in the switch to WAL, where
        # SQLite answers "locked" without waiting (to avoid a deadlock): try again.
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                return self._open(create)
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _open(self, create: bool) -> None:
        db = self._db
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        if app_id not in (0, _APPLICATION_ID):
            raise IndexProblem(f"{self.path}: an SQLite file of another program, not a provenance index")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables and app_id == _APPLICATION_ID:
            raise self._damaged("no meta table")
        if tables and "meta" not in tables:
            raise IndexProblem(f"{self.path}: an SQLite file of another program, not a provenance index")
        if not tables and not create:
            raise IndexProblem(f"{self.path}: an empty file, not a provenance index")
        db.execute("PRAGMA journal_mode = WAL")
        # In WAL mode a commit survives a killed process with NORMAL; FULL adds a sync per commit.
        db.execute("PRAGMA synchronous = NORMAL")
        if not tables:
            with self._transaction():
                # One statement at a time: executescript would commit the open transaction.
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    db.execute(statement)
                db.execute(_RECORDS_TABLE)
                db.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
                params = json.dumps(index_parameters(self.settings), sort_keys=True)
                db.execute("INSERT OR IGNORE INTO meta VALUES ('application', ?)", (APPLICATION,))
                db.execute("INSERT OR IGNORE INTO meta VALUES ('parameters', ?)", (params,))
                db.execute("INSERT OR IGNORE INTO meta VALUES ('seal', ?)", (_text_digest(params),))
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta.get("application") != APPLICATION:
            if app_id == _APPLICATION_ID:
                raise self._damaged("its application name is missing or altered")
            raise IndexProblem(f"{self.path}: not a provenance index")
        stored = self._stored_parameters(meta)
        if stored.get("format") == UPGRADABLE_FORMAT:
            self._check_tables({t: c for t, c in _TABLES.items() if t != "records"})
            self._check_settings({**stored, "format": FORMAT_VERSION})
            self._upgrade()
            stored = self._stored_parameters(dict(db.execute("SELECT key, value FROM meta")))
        if stored.get("format") != FORMAT_VERSION:
            raise IndexProblem(
                f"{self.path}: index format {stored.get('format')}, this version reads format "
                f"{FORMAT_VERSION}; build it again from its sources with `provenance index add` "
                "into a new file"
            )
        self._check_tables(_TABLES)
        self._check_settings(stored)

    def _check_tables(self, tables: dict[str, tuple[str, ...]]) -> None:
        for table, wanted_columns in tables.items():
            columns = tuple(r[1] for r in self._db.execute(f"PRAGMA table_info({table})"))
            if columns != wanted_columns:
                raise self._damaged(
                    f"table {table} " + ("is missing" if not columns else "has other columns")
                )

    def _check_settings(self, stored: dict[str, Any]) -> None:
        wanted = index_parameters(self.settings)
        differ = [k for k in sorted(set(stored) | set(wanted)) if stored.get(k) != wanted.get(k)]
        if differ:
            listed = ", ".join(f"{k}={stored.get(k)!r} (asked {wanted.get(k)!r})" for k in differ)
            raise SettingsMismatch(
                f"{self.path}: the index was built with other settings: {listed}; use the settings it "
                "was built with, or build a new index"
            )

    def _upgrade(self) -> None:
        """Format 4 → 5 in one transaction: the table of records, empty, and the new format.
        Nothing is analysed now: `index report` analyses each document that has no record
        (as it analyses one made with other settings) and stores its record then."""
        db = self._db
        try:
            with self._transaction():
                params = self._stored_parameters(dict(db.execute("SELECT key, value FROM meta")))
                if params.get("format") != UPGRADABLE_FORMAT:
                    return  # upgraded by another process meanwhile
                db.execute(_RECORDS_TABLE)
                text = json.dumps({**params, "format": FORMAT_VERSION}, sort_keys=True)
                db.execute("UPDATE meta SET value = ? WHERE key = 'parameters'", (text,))
                db.execute("UPDATE meta SET value = ? WHERE key = 'seal'", (_text_digest(text),))
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise  # waited for in `_open_waiting`
            raise IndexProblem(
                f"{self.path}: index format {UPGRADABLE_FORMAT} is upgraded to format {FORMAT_VERSION} "
                f"when opened, and it cannot be written now ({exc}); open it once where it can be"
            ) from exc

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def close(self) -> None:
        self._deferred = False
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _stored_parameters(self, meta: dict[str, Any]) -> dict[str, Any]:
        try:
            stored = json.loads(meta["parameters"])
        except (KeyError, TypeError, ValueError):
            stored = None
        if not isinstance(stored, dict):
            raise self._damaged("its parameters are missing or unreadable")
        # An index of another format is told as such (older ones had no seal).
        sealed = stored.get("format") in (UPGRADABLE_FORMAT, FORMAT_VERSION)
        if sealed and _text_digest(meta["parameters"]) != meta.get("seal"):
            raise self._damaged("its parameters do not match their seal")
        return stored

    @property
    @_guarded
    def parameters(self) -> dict[str, Any]:
        return self._stored_parameters(dict(self._db.execute("SELECT key, value FROM meta")))

    # --- seals ---------------------------------------------------------------------------

    def _verified(self, rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        """Rows of `_SEALED_COLUMNS, seal[, text]`, each checked against its seal (and its text
        against its digest) before it is used."""
        for row in rows:
            if _seal(row[: len(_SEALED_NAMES)]) != row[len(_SEALED_NAMES)]:
                raise self._damaged(f"document row {row[0]} does not match its seal")
            if len(row) > len(_SEALED_NAMES) + 1:
                text = row[-1]
                if not isinstance(text, str) or _text_digest(text) != row[_AT["sha256"]]:
                    raise self._damaged(f"the text of document row {row[0]} does not match its digest")
            yield row

    def _sealed(self, where: str, values: Sequence[Any], *, text: bool = False) -> list[Sequence[Any]]:
        """The verified rows whose `where` column is among `values`."""
        query = f"SELECT {_SEALED_COLUMNS}, seal{', text' if text else ''} FROM documents"
        return list(self._verified(self._rows_in(query, where, values)))

    def _records(self, rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, StoredRecord]]:
        """Rows of `_RECORD_COLUMNS`, with or without the record's bytes, each checked against its
        seal (and the bytes against their digest) before it is used."""
        for row in rows:
            number, sha256, made_with, lines, digest, seal = row[:6]
            if _seal((number, sha256, made_with, lines, digest)) != seal:
                raise self._damaged(f"the record of document row {number} does not match its seal")
            record = row[6] if len(row) > 6 else None
            if record is not None and hashlib.sha256(record).digest() != digest:
                raise self._damaged(f"the record of document row {number} does not match its digest")
            yield number, StoredRecord(sha256, made_with, frozenset(lines.split("\n")) - {""}, record)

    def _put_record(
        self, number: int, sha256: str, made_with: str, lines: Iterable[str], record: bytes
    ) -> None:
        """Store (or replace) the record of document `number`, whose text has digest `sha256`."""
        joined = "\n".join(sorted(lines))
        digest = hashlib.sha256(record).digest()
        self._db.execute(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)",
            (number, made_with, joined, record, digest, _seal((number, sha256, made_with, joined, digest))),
        )

    def _update(self, at: bytes, **changes: Any) -> None:
        """Set columns of the document at location `at` (if it is there) and seal it again."""
        for row in self._sealed("location", [at]):
            new = list(row[: len(_SEALED_NAMES)])
            for name, value in changes.items():
                new[_AT[name]] = value
            if new == list(row[: len(_SEALED_NAMES)]):
                return
            names = ", ".join(f"{n} = ?" for n in changes)
            self._db.execute(
                f"UPDATE documents SET {names}, seal = ? WHERE number = ?",
                (*changes.values(), _seal(new), row[0]),
            )

    # --- writing -------------------------------------------------------------------------

    @_guarded
    def add(
        self,
        ingested: IngestResult,
        registry: OutletRegistry | None = None,
        jobs: int | Executor = 1,
        progress: Progress | None = None,
    ) -> AddResult:
        """Add the documents in one transaction.

        A document is known by its identity (`Document.identity`: its file's resolved path,
        and a record's id), never by its name: the same file reached again is the same
        document, left alone when its text and metadata are unchanged and replaced (keeping
        its id) when they changed; a file of the same name elsewhere is a new document, which
        gets another id if its own is taken (`provenance.ingest.naming`). Every replacement
        is in `changes`, every new name in `renamed`.

        The documents are analysed before the write lock is taken; `progress(done, total)` is
        called inside the transaction after each batch written.
        """
        registry = registry or load_registry()
        result = AddResult(warnings=list(ingested.warnings), skipped=list(ingested.skipped))
        lines: dict[bytes, int | None] = {}
        if self._deferred and not self.path.exists():
            stored = {}  # a new index, created below once the documents are analysed
        else:
            rows = self._sealed("location", [d.identity for d in ingested.documents])
            stored = {bytes(r[_AT["location"]]): _stored_content(r) for r in rows}
            lines = {bytes(r[_AT["location"]]): r[_AT["line"]] for r in rows}
        todo = [d for d in ingested.documents if stored.get(d.identity) != _content(d)]
        entries = index_entries(todo, registry, self.settings, jobs)
        made_with = record_key(registry, self.settings)
        db = self._db
        with self._transaction():
            for first in range(0, len(todo), _BATCH):
                rows: list[tuple[int, int]] = []
                for doc, entry in zip(
                    todo[first : first + _BATCH], entries[first : first + _BATCH], strict=True
                ):
                    # Another process may have written the same document since it was read above.
                    current = next(iter(self._sealed("location", [doc.identity])), None)
                    if current is not None and _stored_content(current) == _content(doc):
                        continue
                    if current is None and self._moved(doc):
                        result.moved.append(doc.id)
                        continue
                    if current is not None:
                        # The same document in a new version keeps its name and place.
                        self._delete(current[0], current[_AT["shingles"]])
                        name, path = current[_AT["id"]], current[_AT["path"]]
                        changed = _changes(_stored_content(current), _content(doc))
                        result.changes.append(Replacement(name, tuple(changed)))
                        result.replaced.append(name)
                    else:
                        name = unique_id(doc, self._id_taken, ingested.folder)
                        path = doc.path
                        if name != doc.id:
                            result.renamed[doc.id] = name
                        result.added.append(name)
                    number = db.execute("SELECT coalesce(max(number), 0) + 1 FROM documents").fetchone()[0]
                    sealed = (
                        number,
                        doc.identity,
                        name,
                        doc.sha256,
                        path,
                        *_document_row(doc)[3:-1],
                        entry.units,
                        entry.signature,
                        _blob(entry.shingles),
                    )
                    db.execute(
                        f"INSERT INTO documents ({_SEALED_COLUMNS}, seal, text) "
                        f"VALUES ({', '.join('?' * (len(sealed) + 2))})",
                        (*sealed, _seal(sealed), doc.text),
                    )
                    self._put_record(number, doc.sha256, made_with, entry.lines, entry.record)
                    rows.extend((h, number) for h in _posting_keys(entry.postings))
                # Sorted keys fill B-tree pages in order: far fewer pages touched per batch.
                rows.sort()
                db.executemany("INSERT OR IGNORE INTO postings VALUES (?, ?)", rows)
                if progress:
                    progress(min(first + _BATCH, len(todo)), len(todo))
            done = set(result.added) | set(result.replaced)
            for d in ingested.documents:
                if d.line is not None and d.identity in lines and lines[d.identity] != d.line:
                    self._update(d.identity, line=d.line)
            names = self._names([d.identity for d in ingested.documents])
            result.unchanged.extend(
                names[d.identity] for d in ingested.documents if names.get(d.identity) not in done
            )
        return result

    def _moved(self, doc: Document) -> bool:
        """Whether `doc`, not indexed under its identity, is an indexed document whose file has
        moved: the same id, text and metadata, and nothing left where it was. Then the index
        is told its new place, and nothing else changes."""
        row = next(iter(self._sealed("id", [doc.id])), None)
        if row is None or _stored_content(row) != _content(doc):
            return False
        old_file = bytes(row[_AT["location"]]).split(b"\0", 1)[0]
        if not old_file or os.path.lexists(old_file):
            return False  # still there (a copy, syndication), or not a file at all
        self._update(bytes(row[_AT["location"]]), location=doc.identity, path=doc.path, line=doc.line)
        return True

    def _id_taken(self, name: str) -> bool:
        return self._db.execute("SELECT 1 FROM documents WHERE id = ?", (name,)).fetchone() is not None

    def _names(self, identities: Sequence[bytes]) -> dict[bytes, str]:
        """The ids of the documents with these identities, where indexed."""
        return {
            bytes(k): v
            for k, v in self._rows_in("SELECT location, id FROM documents", "location", identities)
        }

    def _delete(self, number: int, shingles: bytes) -> None:
        # The postings are the winnowed part of the document's shingles.
        hashes = _hashes(shingles)
        self._db.executemany(
            "DELETE FROM postings WHERE hash = ? AND document = ?",
            ((h, number) for h in _posting_keys(hashes)),
        )
        self._db.execute("DELETE FROM documents WHERE number = ?", (number,))
        self._db.execute("DELETE FROM records WHERE document = ?", (number,))

    @_guarded
    def remove(self, ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """Remove documents by id in one transaction: (removed, not in the index)."""
        removed, missing = [], []
        with self._transaction():
            for doc_id in ids:
                row = next(iter(self._sealed("id", [doc_id])), None)
                if row is None:
                    missing.append(doc_id)
                    continue
                self._delete(row[0], row[_AT["shingles"]])
                removed.append(doc_id)
        return removed, missing

    # --- reading -------------------------------------------------------------------------

    @_guarded
    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM documents").fetchone()[0]

    @_guarded
    def ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT id FROM documents ORDER BY id")]

    @_guarded
    def stats(self) -> IndexStats:
        """The index in figures, once every document row has been checked against its seal."""
        db = self._db
        rows = db.execute(f"SELECT {_SEALED_COLUMNS}, seal, text FROM documents")
        verified = sum(1 for _ in self._verified(rows))
        query = f"SELECT {_RECORD_COLUMNS}, r.record FROM records r JOIN documents d ON d.number = r.document"
        for _ in self._records(db.execute(query)):
            pass
        count, units = db.execute("SELECT count(*), coalesce(sum(units), 0) FROM documents").fetchone()
        outlets = db.execute("SELECT count(DISTINCT outlet) FROM documents").fetchone()[0]
        first, last, dated = db.execute(
            "SELECT min(substr(date, 1, 10)), max(substr(date, 1, 10)), count(*) FROM documents "
            "WHERE date_precision IN ('datetime', 'day')"
        ).fetchone()
        size = sum(
            os.path.getsize(p)
            for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"))
            if p.exists()
        )
        return IndexStats(str(self.path), count, units, outlets, first, last, count - dated, size, verified)

    def _rows_in(self, query: str, column: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
        """`query WHERE column IN values`, a few hundred values a statement."""
        rows: list[tuple[Any, ...]] = []
        for k in range(0, len(values), 500):
            chunk = list(values[k : k + 500])
            rows += self._db.execute(f"{query} WHERE {column} IN ({', '.join('?' * len(chunk))})", chunk)
        return rows

    @_guarded
    def documents(self, numbers: Sequence[int] | None = None) -> list[Document]:
        """The documents (all, or those numbered), in the order `scan` reads files in."""
        query = f"SELECT {_SEALED_COLUMNS}, seal, text FROM documents"
        rows = self._db.execute(query) if numbers is None else self._rows_in(query, "number", numbers)
        docs = [_document((*r[2 : _AT["units"]], r[-1])) for r in self._verified(rows)]
        return sorted(docs, key=lambda d: (d.path.split("/"), d.line or 0, d.id))

    @_guarded
    def indexed(self) -> list[IndexedDocument]:
        """Every document with its stored record but the record's bytes, every row checked
        against its seal, in the order `scan` reads files in."""
        doc_columns = ", ".join(f"d.{c}" for c in _SEALED_NAMES)
        width = len(_SEALED_NAMES) + 2  # the document's columns, its seal and its text
        rows = self._db.execute(
            f"SELECT {doc_columns}, d.seal, d.text, {_RECORD_COLUMNS} "
            "FROM documents d LEFT JOIN records r ON r.document = d.number"
        )
        out = []
        for row in rows:
            (doc_row,) = self._verified([row[:width]])
            found = row[width:] if row[width] is not None else None
            stored = next(self._records([found]))[1] if found else None
            out.append(IndexedDocument(row[0], _document((*doc_row[2 : _AT["units"]], doc_row[-1])), stored))
        return sorted(out, key=lambda s: (s.document.path.split("/"), s.document.line or 0, s.document.id))

    @_guarded
    def records(self, numbers: Sequence[int]) -> dict[int, StoredRecord]:
        """The stored records of these documents (where they have one), with their bytes."""
        query = f"SELECT {_RECORD_COLUMNS}, r.record FROM records r JOIN documents d ON d.number = r.document"
        return dict(self._records(self._rows_in(query, "r.document", numbers)))

    @_guarded
    def store_records(self, made_with: str, records: Sequence[tuple[int, str, frozenset[str], bytes]]) -> int:
        """Store, in one transaction, records made with `made_with`, given as (document number,
        digest of the text it was made from, line keys, record), each where that document still
        has that text. How many were stored."""
        stored = 0
        with self._transaction():
            texts = {r[0]: r[_AT["sha256"]] for r in self._sealed("number", [r[0] for r in records])}
            for number, sha256, lines, record in records:
                if texts.get(number) == sha256:
                    self._put_record(number, sha256, made_with, lines, record)
                    stored += 1
        return stored

    @_guarded
    def signatures(self, numbers: Sequence[int]) -> dict[int, bytes]:
        """Whole-document signatures (datasketch LeanMinHash bytes) by document number."""
        return {r[0]: r[_AT["signature"]] for r in self._sealed("number", numbers)}

    @_guarded
    def numbers(self, ids: Sequence[str]) -> dict[str, int]:
        """Document numbers (as postings name them) by id."""
        return dict(self._rows_in("SELECT id, number FROM documents", "id", ids))

    @_guarded
    def hits(self, hashes: np.ndarray, max_documents: int, min_shared: int = 1) -> list[Hit]:
        """Indexed documents sharing postings with `hashes`, most shared shingles first.

        A hash found in more than `max_documents` documents (a common phrase, an outlet's
        byline) selects nothing, as frequent shingles select no candidates in a scan. A
        document found by a posting is kept when it shares at least `min_shared` of all its
        shingles with `hashes`: one common three-word phrase is not a passage.
        """
        query_hashes = np.unique(np.asarray(hashes, dtype=np.uint32))
        found_by: set[int] = set()
        query = "SELECT document FROM postings WHERE hash = ? LIMIT ?"
        for key in _posting_keys(query_hashes):
            found = self._db.execute(query, (key, max_documents + 1)).fetchall()
            if len(found) <= max_documents:
                found_by.update(n for (n,) in found)
        shared = {
            r[0]: int(in_sorted(query_hashes, _hashes(r[_AT["shingles"]])).sum())
            for r in self._sealed("number", sorted(found_by))
        }
        kept = [Hit(n, c) for n, c in shared.items() if c >= min_shared]
        return sorted(kept, key=lambda h: (-h.shingles, h.number))

    @_guarded
    def integrity(self) -> str:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0]


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception: all of it or none of it."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        # IMMEDIATE takes the write lock now, so two writers queue instead of deadlocking.
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:  # not when BEGIN itself failed
            self.db.execute("ROLLBACK")


_AT = {name: i for i, name in enumerate(_SEALED_NAMES)}
# A stored record's sealed columns, its text's digest among them, and its seal.
_RECORD_COLUMNS = "r.document, d.sha256, r.made_with, r.lines, r.digest, r.seal"


def _seal(values: Sequence[Any]) -> bytes:
    """SHA-256 of the values, each tagged with its type and length, so no two rows share one."""
    digest = hashlib.sha256()
    for v in values:
        if v is None:
            b = b"N"
        elif isinstance(v, int):
            b = b"I%d" % v
        elif isinstance(v, str):
            b = b"S" + v.encode("utf-8", "surrogatepass")
        elif isinstance(v, bytes | bytearray | memoryview):
            b = b"B" + bytes(v)
        else:
            b = b"?" + repr(v).encode()  # a type no column holds: never the seal of a real row
        digest.update(len(b).to_bytes(8, "little") + b)
    return digest.digest()


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _stored_content(row: Sequence[Any]) -> tuple[Any, ...]:
    """A sealed row's content, as `_content` gives a document's."""
    return tuple(row[_AT[n]] for n in _CONTENT_NAMES)


def _document_row(d: Document) -> tuple[Any, ...]:
    return (
        d.id,
        d.sha256,
        d.path,
        d.line,
        d.format,
        d.encoding,
        d.body_start,
        d.body_end,
        d.date.value,
        d.date.precision,
        d.date.source,
        d.outlet,
        d.outlet_source,
        d.title,
        d.title_source,
        d.url,
        d.url_source,
        d.text,
    )


def _document(r: Sequence[Any]) -> Document:
    (doc_id, _, path, line, fmt, encoding, body_start, body_end, date, precision, source) = r[:11]
    outlet, outlet_source, title, title_source, url, url_source, text = r[11:]
    return Document(
        id=doc_id,
        path=path,
        text=text,
        format=fmt,
        encoding=encoding,
        body_start=body_start,
        body_end=body_end,
        date=DocumentDate(date, precision, source),
        outlet=outlet,
        outlet_source=outlet_source,
        title=title,
        title_source=title_source,
        url=url,
        url_source=url_source,
        line=line,
    )

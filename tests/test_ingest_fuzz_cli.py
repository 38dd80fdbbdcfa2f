"""Arbitrary file names and arbitrary records through the command line, `scan` and `index add`:
never a traceback, an exit code the guide allows, and every file found in the report, as a
document or as skipped."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from pathlib import Path

from cli_process import run_main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.text.display import file_name

ARTICLE = "Президент принял участие в саммите Центральная Азия – Россия и обсудил сотрудничество."
HUGE = "9" * 5000  # over Python's 4,300 digits for int(str)
DEEP = "[" * 5000 + "]" * 5000  # past what json (and Python's stack) reads
# JSON that json.dumps cannot write, put in by replacing these strings once dumped.
SPLICED = {'"@huge@"': HUGE, '"@-huge@"': "-" + HUGE, '"@deep@"': DEEP}


def run(*args: str) -> tuple[int, str]:
    """`provenance ARGS` through the installed command's `main()`: (exit code, stderr)."""
    result = run_main(*args)
    return result.returncode, result.stderr


# On Linux a name is any bytes but NUL and "/", at most 255 of them.
name_bytes = st.binary(min_size=1, max_size=60).map(lambda b: b.replace(b"\x00", b"").replace(b"/", b""))
readable = st.text(st.characters(codec="utf-8", exclude_characters="\x00/"), min_size=1, max_size=30).map(
    os.fsencode
)
suffixes = st.sampled_from(
    [b".txt", b".json", b".jsonl", b".JSON", b".html", b".htm", b"", b".pdf", b".txt~"]
)


@st.composite
def file_names(draw: st.DrawFn) -> bytes:
    base = draw(st.one_of(name_bytes, readable, st.binary(min_size=200, max_size=240)))
    base = base.replace(b"\x00", b"").replace(b"/", b"") or b"x"
    return (base + draw(suffixes))[:255]


# Any code point, lone surrogates too: json.dumps writes them as \ud800 escapes.
any_text = st.text(st.characters(exclude_categories=()), max_size=40)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | any_text
    | st.sampled_from(list(SPLICED))  # spliced in as JSON once dumped
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=8,
)
fields = st.one_of(any_text, values, st.sampled_from(["2025-10-10", "2025-02-30", "x", ""]))


@st.composite
def records(draw: st.DrawFn) -> object:
    record = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "id": st.text(min_size=1, max_size=8) | fields,
                "text": st.builds(lambda a, b: a + ARTICLE + b, any_text, any_text) | fields,
                "title": fields,
                "date": fields,
                "url": fields,
                "outlet": fields,
                "extra": values,
            },
        )
    )
    return record if draw(st.integers(0, 9)) else draw(values)  # now and then not a record at all


def dumped(value: object, ascii_only: bool) -> str:
    try:
        text = json.dumps(value, ensure_ascii=ascii_only)
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate written raw: only an escape can hold it
        text = json.dumps(value, ensure_ascii=True)
    for marker, replacement in SPLICED.items():
        text = text.replace(marker, replacement)
    return text


@st.composite
def contents(draw: st.DrawFn, suffix: bytes) -> bytes:
    kind = draw(st.sampled_from(["records", "records", "text", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    # UTF-16 with a byte-order mark, or without one (told by its NUL bytes)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "utf-16-le", "utf-16-be"]))
    if kind == "text":
        return draw(any_text).encode(encoding, "surrogatepass")  # not valid UTF-8 or UTF-16 at times
    items = draw(st.lists(records(), max_size=4))
    ascii_only = draw(st.booleans())
    if suffix.lower() == b".jsonl":
        text = "\n".join(dumped(item, ascii_only) for item in items)
    elif suffix.lower() in (b".html", b".htm"):
        ld = dumped(items, ascii_only)
        text = f'<html><head><script type="application/ld+json">{ld}</script></head><body><p>{ARTICLE}</p>'
    else:
        text = dumped(items if draw(st.booleans()) else (items[0] if items else {}), ascii_only)
    return text.encode(encoding)


@st.composite
def folders(draw: st.DrawFn) -> dict[bytes, bytes]:
    """Relative path -> content, in the corpus folder or one subfolder of any name."""
    files: dict[bytes, bytes] = {}
    folder = draw(st.none() | file_names())
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        name = draw(file_names())
        suffix = name[name.rfind(b".") :] if b"." in name else b""
        path = name if folder is None or draw(st.booleans()) else folder + b"/" + name
        files[path] = draw(contents(suffix))
    if draw(st.booleans()):  # most runs have a document, so there is a report to check
        files[b"anchor.txt"] = ARTICLE.encode("utf-8")
    return files


def expected_paths(files: dict[bytes, bytes]) -> set[str]:
    """The report's path of every file: its name as decoded by the OS, made valid Unicode."""
    paths = set()
    for rel in files:
        parts = [file_name(os.fsdecode(part)) for part in rel.split(b"/")]
        hidden = next((i for i, part in enumerate(parts) if part.startswith(".")), None)
        # A hidden file or folder is listed once, as itself: its contents are not read.
        paths.add("/".join(parts if hidden is None else parts[: hidden + 1]))
    return paths


def written(root: bytes, files: dict[bytes, bytes]) -> dict[bytes, bytes]:
    """The files as they were written: a name equal to a folder's is left out."""
    kept = {}
    for rel, data in files.items():
        path = os.path.join(root, rel)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
        except (IsADirectoryError, NotADirectoryError, FileExistsError):
            continue
        kept[rel] = data
    return kept


def assert_clean(code: int, stderr: str) -> None:
    assert code in (0, 1, 2), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert all(line.startswith("provenance: ") for line in stderr.splitlines()), stderr
    if code == 2:
        assert "error: " in stderr.splitlines()[-1], stderr


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(folders())
def test_scan_and_index_add_account_for_every_file(files: dict[bytes, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(os.fsencode(tmp), b"corpus")
        os.mkdir(root)
        files = written(root, files)
        out = Path(tmp) / "out"
        code, stderr = run("scan", os.fsdecode(root), "-o", str(out), "--format", "json", "-j", "1")
        assert_clean(code, stderr)
        report_file = out / "lineage.json"
        if code == 2:
            assert "no readable documents" in stderr and not report_file.exists(), stderr
            report = None
        else:
            report = json.loads(report_file.read_text(encoding="utf-8"))
            documents = {d["path"] for d in report["documents"]}
            skipped = {s["path"] for s in report["skipped"]}
            assert documents | skipped == expected_paths(files)
        index = Path(tmp) / "index.sqlite"
        code, stderr = run("index", "add", os.fsdecode(root), "--index", str(index), "-j", "1")
        assert_clean(code, stderr)
        if report is not None:
            with contextlib.closing(sqlite3.connect(index)) as db:
                indexed = sorted(path for (path,) in db.execute("SELECT path FROM documents"))
            assert indexed == sorted(d["path"] for d in report["documents"])

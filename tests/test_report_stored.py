"""Report lists on disk: what is written is what is read back, in any order, with each
document's text from where the texts are; the files go with the last list reading them."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.report import stored
from provenance.report.model import DocumentEntry, Quotation, Report
from provenance.report.stored import Files, NodeWriter, StoredNodes

SCAN_REPORT = Path(__file__).resolve().parent.parent / "reports" / "lineage.json"


def _entry(n: int, text: str | None) -> DocumentEntry:
    return DocumentEntry(
        id=f"doc-{n}",
        path=f"doc-{n}.txt",
        format="txt",
        encoding="utf-8",
        sha256="0" * 64,
        outlet=None if n % 2 else "nur.kz",
        outlet_source=None,
        date=None,
        date_precision="none",
        date_source=None,
        title=None,
        title_source=None,
        url=None,
        url_source=None,
        body=(0, 5),
        text_length=5,
        text=text,
        counted_chars=5,
        reused_chars=0,
        reused_share=0.0,
        links=0,
        language=None,
        quotations=(Quotation(start=0, end=2, form="«»"),) if text is not None else None,
        credits=() if text is not None else None,
        cites=(),
        excluded=() if text is not None else None,
    )


def _stored(folder: Path, entries: list[DocumentEntry], texts: list[str]) -> StoredNodes[DocumentEntry]:
    files = Files(folder)
    writer = NodeWriter(DocumentEntry, folder / "documents.jsonl", files, texts)
    for e in entries:
        writer.add(e)
    return writer.finish()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=5, max_size=40), st.booleans()), max_size=30), st.data())
def test_stored_entries_read_back_as_written_with_their_texts(
    tmp_path_factory: pytest.TempPathFactory, docs: list[tuple[str, bool]], data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("stored")
    texts = [t for t, _ in docs]
    entries = [_entry(n, t if with_text else None) for n, (t, with_text) in enumerate(docs)]
    nodes = _stored(folder, entries, texts)
    assert len(nodes) == len(entries)
    assert list(nodes) == entries  # in order, a block at a time
    assert nodes == tuple(entries) and tuple(entries) == nodes
    if entries:  # and one at a time, in any order, counted from either end
        for i in data.draw(st.lists(st.integers(-len(entries), len(entries) - 1), max_size=20)):
            assert nodes[i] == entries[i]
        assert nodes[1:3] == entries[1:3]
    with pytest.raises(IndexError):
        nodes[len(entries)]
    # The texts are not written again: the file holds none of those it reads back.
    written = (folder / "documents.jsonl").read_text("utf-8")
    assert '"text"' not in written


def test_a_text_is_what_the_texts_say_when_read(tmp_path: Path) -> None:
    nodes = _stored(tmp_path / "s", [_entry(0, "first"), _entry(1, None)], ["other", "unread"])
    assert nodes[0].text == "other" and nodes[1].text is None


def test_iteration_crosses_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stored, "_READ_BLOCK", 700)  # a few entries a block, and some alone
    entries = [_entry(n, "x" * (n % 7 + 5) if n % 3 else None) for n in range(50)]
    nodes = _stored(tmp_path / "s", entries, [e.text or "y" * 5 for e in entries])
    assert list(nodes) == entries


def test_the_files_go_with_the_last_list_reading_them(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    nodes = _stored(folder, [_entry(0, "first")], ["first"])
    closed: list[str] = []
    nodes.files.on_release(lambda: closed.append("store"))
    again = nodes[0:1]
    assert folder.is_dir() and again == [nodes[0]]
    del nodes, again
    gc.collect()
    assert not folder.exists() and closed == ["store"]


def test_release_is_at_once_and_once(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    nodes = _stored(folder, [_entry(0, "first")], ["first"])
    closed: list[str] = []
    nodes.files.on_release(lambda: closed.append("store"))
    nodes.files.release()
    nodes.files.release()
    assert not folder.exists() and closed == ["store"]
    with pytest.raises(OSError):  # its descriptor is closed
        nodes[0]


def test_a_forked_process_never_removes_the_files(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    nodes = _stored(folder, [_entry(0, "first")], ["first"])
    pid = os.fork()
    if pid == 0:  # the child releases what it inherited, as its exit would
        try:
            nodes.files.release()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert folder.is_dir() and nodes[0].text == "first"


def test_a_report_with_stored_documents_writes_the_same_bytes(tmp_path: Path) -> None:
    report = Report.from_json(SCAN_REPORT.read_bytes())
    files = Files(tmp_path / "s")
    texts = [d.text or "" for d in report.documents]
    writer = NodeWriter(DocumentEntry, files.folder / "documents.jsonl", files, texts)
    for d in report.documents:
        writer.add(d)
    on_disk = Report(
        **{**{f: getattr(report, f) for f in report.__dataclass_fields__}, "documents": writer.finish()}
    )
    assert on_disk.to_json() == SCAN_REPORT.read_bytes()
    assert on_disk == report

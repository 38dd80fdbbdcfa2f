"""Ingest: files and records -> documents with metadata, warnings and skips."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from provenance import schemas
from provenance.ingest import DocumentDate, IngestResult, ingest_folder, load_registry

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
REGISTRY = load_registry()
ARTICLE = "Президент принял участие в саммите Центральная Азия – Россия и обсудил сотрудничество."


def ingest(root: Path) -> IngestResult:
    return ingest_folder(root, REGISTRY)


def write_jsonl(path: Path, *lines: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


# --- seeds ---------------------------------------------------------------------------------


def test_seeds_metadata() -> None:
    result = ingest(SEEDS)
    assert result.warnings == [] and result.skipped == [] and result.files_seen == 5
    got = {d.id[:3]: (d.outlet, d.date) for d in result.documents}
    assert got == {
        "000": (None, DocumentDate("2025-10-10", "day", "header")),
        "001": ("NUR.KZ", DocumentDate("2025-10-09", "day", "header")),
        "002": ("nCa", DocumentDate("2025-10-10", "day", "header")),
        "003": (None, DocumentDate(None, "none", None)),
        "004": ("Kazakhstan Today", DocumentDate("--11-16", "month-day", "dateline")),
    }
    assert [d.id for d in result.documents] == sorted(p.stem for p in SEEDS.glob("*.txt"))


def test_seed_header_is_kept_in_text_but_outside_the_body() -> None:
    doc = next(d for d in ingest(SEEDS).documents if d.id == "000_19957e05475877a4")
    raw = (SEEDS / "000_19957e05475877a4.txt").read_bytes()
    assert doc.text == raw.decode("utf-8")
    assert doc.text.startswith(" date 2025-10-10 ")
    assert doc.text[doc.body_start :].startswith("По его мнению")
    assert doc.body == (doc.body_start, len(doc.text))
    assert doc.sha256 == hashlib.sha256(raw).hexdigest()
    assert (doc.path, doc.format, doc.encoding, doc.line) == (
        "000_19957e05475877a4.txt",
        "txt",
        "utf-8",
        None,
    )
    assert (doc.outlet_source, doc.title, doc.url) == (None, None, None)


def test_seed_without_header_starts_at_zero() -> None:
    doc = next(d for d in ingest(SEEDS).documents if d.id.startswith("003"))
    assert doc.body_start == 0 and doc.date.value is None and doc.outlet is None


def test_outlet_from_signature_is_marked_so() -> None:
    doc = next(d for d in ingest(SEEDS).documents if d.id.startswith("001"))
    assert doc.outlet_source == "signature"


# --- .txt files ------------------------------------------------------------------------------


def test_text_is_the_file_content_exactly(tmp_path: Path) -> None:
    raw = ("АСТАНА, 16 ноября 2025 г. " + ARTICLE + "\r\n\r\nВторой абзац.\r\n").encode()
    (tmp_path / "crlf.txt").write_bytes(raw)
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode())
    docs = {d.id: d for d in ingest(tmp_path).documents}
    assert docs["crlf"].text == raw.decode("utf-8") and "\r\n" in docs["crlf"].text
    assert docs["crlf"].date == DocumentDate("2025-11-16", "day", "dateline")
    assert docs["bom"].text == ARTICLE and docs["bom"].encoding == "utf-8-sig"
    assert docs["bom"].sha256 == hashlib.sha256(ARTICLE.encode()).hexdigest()


def test_datetime_header(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("date 2025-10-10T09:30:00+05:00\n" + ARTICLE, encoding="utf-8")
    (doc,) = ingest(tmp_path).documents
    assert doc.date == DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "header")
    assert doc.date.day == "2025-10-10"
    assert doc.text[doc.body_start :] == ARTICLE


def test_invalid_header_date_is_warned_and_not_used(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(" date 2025-02-30 " + ARTICLE, encoding="utf-8")
    result = ingest(tmp_path)
    (doc,) = result.documents
    assert doc.date == DocumentDate() and doc.text[doc.body_start :] == ARTICLE
    assert [(w.path, w.code) for w in result.warnings] == [("a.txt", "bad-header-date")]


def test_trailer_gives_a_day(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE + "\n\n10 октября 2025 г.\n", encoding="utf-8")
    (doc,) = ingest(tmp_path).documents
    assert doc.date == DocumentDate("2025-10-10", "day", "trailer")


def test_nested_folders_and_ids_with_slashes(tmp_path: Path) -> None:
    for rel in ("b.txt", "sub/article.txt", "sub/deeper/z.txt", "a.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(ARTICLE, encoding="utf-8")
    result = ingest(tmp_path)
    assert [d.id for d in result.documents] == ["a", "b", "sub/article", "sub/deeper/z"]
    assert [d.path for d in result.documents] == ["a.txt", "b.txt", "sub/article.txt", "sub/deeper/z.txt"]
    assert result.files_seen == 4
    assert ingest(tmp_path) == result  # deterministic


def test_single_file_root(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = ingest(path)
    assert [(d.id, d.path) for d in result.documents] == [("one", "one.txt")] and result.files_seen == 1


def test_missing_root(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        ingest(tmp_path / "nope")


def test_hidden_and_unsupported_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\xff")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "README").write_text("notes", encoding="utf-8")
    result = ingest(tmp_path)
    assert [d.id for d in result.documents] == ["a"]
    assert result.warnings == []
    # Not articles, so no warning; but listed, so nothing goes missing unseen.
    assert [(s.path, s.reason) for s in result.skipped] == [
        (".DS_Store", "hidden file, not read"),
        (".git", "hidden folder, not read"),
        ("README", "unsupported file type (no suffix)"),
        ("photo.jpg", "unsupported file type (.jpg)"),
    ]
    assert result.files_seen == 5


def test_undecodable_file_is_warned_skipped_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Привет".encode() + b" \xff\xfe " + "мир".encode())
    (tmp_path / "c.txt").write_text(ARTICLE, encoding="utf-8")
    result = ingest(tmp_path)
    assert [d.id for d in result.documents] == ["a", "c"]
    (warning,) = result.warnings
    assert (warning.path, warning.code) == ("b.txt", "decode-error")
    assert warning.message == "cannot decode as utf-8 at byte 13"
    assert str(warning) == "b.txt: cannot decode as utf-8 at byte 13"
    assert [s.path for s in result.skipped] == ["b.txt"]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "a.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = ingest(tmp_path)
    assert [d.id for d in result.documents] == ["b"]
    assert [(w.path, w.code, w.message) for w in result.warnings] == [
        ("a.txt", "unreadable", "cannot read file: Permission denied")
    ]
    assert [s.path for s in result.skipped] == ["a.txt"]


@pytest.mark.parametrize("content", [b"", b"  \n\t\n", b"\xef\xbb\xbf"])
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "empty.txt").write_bytes(content)
    (tmp_path / "empty.jsonl").write_bytes(content)
    (tmp_path / "full.txt").write_text(ARTICLE, encoding="utf-8")
    result = ingest(tmp_path)
    assert [d.id for d in result.documents] == ["full"]
    assert [(w.path, w.code) for w in result.warnings] == [("empty.jsonl", "empty"), ("empty.txt", "empty")]
    assert [s.path for s in result.skipped] == ["empty.jsonl", "empty.txt"]


def test_header_without_text_is_empty(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(" date 2025-10-10 \n\n", encoding="utf-8")
    write_jsonl(tmp_path / "b.jsonl", {"id": "b", "text": " date 2025-10-10 "})
    result = ingest(tmp_path)
    assert result.documents == []
    assert [(w.path, w.line, w.code) for w in result.warnings] == [
        ("a.txt", None, "empty"),
        ("b.jsonl", 1, "empty"),
    ]
    assert [(s.path, s.line) for s in result.skipped] == [("a.txt", None), ("b.jsonl", 1)]


def test_an_id_taken_by_a_document_elsewhere_is_qualified_not_lost(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    write_jsonl(tmp_path / "b.jsonl", {"id": "a", "text": "другой текст"}, {"id": "b1", "text": ARTICLE})
    write_jsonl(tmp_path / "c.jsonl", {"id": "b1", "text": "ещё текст"})
    result = ingest(tmp_path)
    # Three files, four documents: each is kept, and the first to be read keeps its name.
    assert [(d.id, d.path, d.record) for d in result.documents] == [
        ("a", "a.txt", None),
        ("b.jsonl#a", "b.jsonl", "a"),
        ("b1", "b.jsonl", "b1"),
        ("c.jsonl#b1", "c.jsonl", "b1"),
    ]
    assert [(w.path, w.line, w.code) for w in result.warnings] == [
        ("b.jsonl", 1, "renamed-id"),
        ("c.jsonl", 1, "renamed-id"),
    ]
    assert "already that of a.txt" in result.warnings[0].message
    assert "already that of b.jsonl:2" in result.warnings[1].message
    assert result.skipped == []
    assert len({d.identity for d in result.documents}) == 4


def test_a_record_id_repeated_in_one_file_is_a_duplicate(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "b.jsonl", {"id": "x", "text": ARTICLE}, {"id": "x", "text": "другой текст"})
    result = ingest(tmp_path)
    assert [(d.id, d.line) for d in result.documents] == [("x", 1)]
    assert [(w.path, w.line, w.code) for w in result.warnings] == [("b.jsonl", 2, "duplicate-id")]
    assert "first at line 1" in result.warnings[0].message
    assert [(s.path, s.line) for s in result.skipped] == [("b.jsonl", 2)]


# --- .jsonl files ----------------------------------------------------------------------------


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "export.jsonl",
        {
            "id": "r1",
            "text": ARTICLE,
            "date": "2025-10-10",
            "outlet": "nur.kz",
            "title": "Саммит",
            "url": "u",
        },
        "{not json",
        {"id": "r3"},
        "",
        {"id": "r5", "text": ARTICLE, "date": "2025-02-30"},
        {"id": "r6", "text": ARTICLE, "date": "20 ноября 2025"},
        "   ",
        {"id": "r8", "text": ARTICLE, "date": "2025-10-10T09:30:00Z", "extra": {"views": 3}},
        '["id", "text"]',
        {"id": "r10", "text": "   "},
        {"id": "r11", "text": ARTICLE, "outlet": "Новое издание"},
    )
    result = ingest(tmp_path)
    docs = {d.id: d for d in result.documents}
    # A record whose only fault is its date is read undated, with a warning.
    assert list(docs) == ["r1", "r5", "r6", "r8", "r11"]
    assert docs["r5"].date == docs["r6"].date == DocumentDate()
    assert [(w.line, w.code) for w in result.warnings] == [
        (2, "bad-json"),
        (3, "bad-record"),
        (5, "bad-date"),
        (6, "bad-date"),
        (9, "bad-record"),
        (10, "bad-record"),
    ]
    assert all(w.path == "export.jsonl" for w in result.warnings)
    assert "'text' is a required property" in result.warnings[1].message
    assert result.warnings[2].message == "date '2025-02-30' is not a valid date; ignored"
    assert str(result.warnings[0]).startswith("export.jsonl:2: invalid JSON")
    assert [s.line for s in result.skipped] == [2, 3, 9, 10]

    r1 = docs["r1"]
    assert (r1.path, r1.line, r1.format, r1.title, r1.url) == ("export.jsonl", 1, "jsonl", "Саммит", "u")
    assert r1.date == DocumentDate("2025-10-10", "day", "record")
    assert (r1.outlet, r1.outlet_source) == ("NUR.KZ", "record")  # canonical name of a known alias
    assert r1.sha256 == hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert docs["r8"].date == DocumentDate("2025-10-10T09:30:00+00:00", "datetime", "record")
    assert (docs["r11"].outlet, docs["r11"].outlet_source) == ("Новое издание", "record")


def test_jsonl_records_fall_back_to_the_text(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "x.jsonl",
        {"id": "kt", "text": "Ташкент. 16 ноября. KAZAKHSTAN TODAY - " + ARTICLE},
        {"id": "nca", "text": ARTICLE + " ///nCa, 10 октября 2025 г.", "date": None, "outlet": None},
        {"id": "hdr", "text": " date 2025-10-09 " + ARTICLE + ", передает NUR.KZ."},
        {"id": "rec", "text": " date 2025-10-09 " + ARTICLE, "date": "2025-10-01", "outlet": "nCa"},
    )
    result = ingest(tmp_path)
    assert result.warnings == []
    docs = {d.id: d for d in result.documents}
    assert (docs["kt"].date.value, docs["kt"].outlet, docs["kt"].outlet_source) == (
        "--11-16",
        "Kazakhstan Today",
        "signature",
    )
    assert docs["nca"].date == DocumentDate("2025-10-10", "day", "trailer") and docs["nca"].outlet == "nCa"
    assert docs["hdr"].date.source == "header" and docs["hdr"].outlet == "NUR.KZ"
    assert docs["hdr"].text[docs["hdr"].body_start :] == ARTICLE + ", передает NUR.KZ."
    assert docs["rec"].date == DocumentDate("2025-10-01", "day", "record")
    assert docs["rec"].text[docs["rec"].body_start :] == ARTICLE


def test_jsonl_with_bom_crlf_and_raw_line_separator(tmp_path: Path) -> None:
    record = json.dumps({"id": "r", "text": "строка\u2028ещё " + ARTICLE}, ensure_ascii=False)
    (tmp_path / "x.jsonl").write_bytes(b"\xef\xbb\xbf" + (record + "\r\n\r\n").encode())
    result = ingest(tmp_path)
    assert result.warnings == []
    (doc,) = result.documents
    assert doc.encoding == "utf-8-sig" and doc.text == "строка\u2028ещё " + ARTICLE


def test_ambiguous_outlet_is_warned(tmp_path: Path) -> None:
    text = ARTICLE + ", передает NUR.KZ.\n///nCa, 10 октября 2025 г."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    write_jsonl(tmp_path / "b.jsonl", {"id": "b", "text": text}, {"id": "c", "text": text, "outlet": "nCa"})
    result = ingest(tmp_path)
    assert [d.outlet for d in result.documents] == [None, None, "nCa"]
    assert [(w.path, w.line, w.code, w.message) for w in result.warnings] == [
        ("a.txt", None, "ambiguous-outlet", "ambiguous outlet signatures: NUR.KZ, nCa"),
        ("b.jsonl", 1, "ambiguous-outlet", "ambiguous outlet signatures: NUR.KZ, nCa"),
    ]


# --- the record schema ---------------------------------------------------------------------


def test_document_record_schema() -> None:
    name = "document-record.schema.json"
    assert schemas.load_schema(name)["$id"] == "urn:provenance:schema:document-record:1"
    assert schemas.errors(name, {"id": "a", "text": "t", "date": "2025-10-10", "more": 1}) == []
    assert schemas.errors(name, {"id": "a", "text": "t", "date": "2025-10-10T09:30:00+05:00"}) == []
    for bad in (
        {"id": "a", "text": "t", "date": "2025-02-30"},
        {"id": "a", "text": "t", "date": "20 ноября 2025"},
        {"id": "a", "text": "t", "date": "2025-10-10T09:30:00"},
        {"id": "a"},
        {"text": "t"},
        {"id": "", "text": "t"},
        {"id": "a", "text": ""},
        {"id": "a", "text": "t", "outlet": 5},
    ):
        assert schemas.errors(name, bad), bad


def test_seeds_copied_into_a_subfolder_keep_their_metadata(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "kz" / "seeds")
    result = ingest(tmp_path)
    assert [d.id for d in result.documents] == [f"kz/seeds/{p.stem}" for p in sorted(SEEDS.glob("*.txt"))]
    assert [d.outlet for d in result.documents] == [None, "NUR.KZ", "nCa", None, "Kazakhstan Today"]

"""Reading a file's bytes as text: the encoding found and the text exactly as written."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from provenance.ingest.encoding import (
    BinaryData,
    Decoded,
    DecodeProblem,
    codec_name,
    declared_html_charset,
    decode,
)
from tests.seed_ids import D002, SEEDS

REPO = Path(__file__).resolve().parent.parent
# The corpus is not part of the repository; CI sets this to its copy.
CLOUGH = Path(os.environ.get("PROVENANCE_CLOUGH") or ".")
needs_clough = pytest.mark.skipif(
    not os.environ.get("PROVENANCE_CLOUGH") or not (CLOUGH / "corpus").is_dir(),
    reason="set PROVENANCE_CLOUGH to the Clough corpus folder (the one holding corpus/)",
)

ARTICLES = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
PARAGRAPHS = [p.strip() for text in ARTICLES.values() for p in text.split("\n\n") if p.strip()]


def paragraph(start: str) -> str:
    return next(p for p in PARAGRAPHS if p.startswith(start))


RUSSIAN = {
    # One sentence, 124 characters.
    "sentence": paragraph("Президент Казахстана также подчеркнул"),
    # One sentence with guillemets and a dash, 199 characters.
    "quotes": paragraph("Ранее Касым-Жомарт Токаев"),
    "paragraph": paragraph("— Здесь полезную роль"),
    "longest": max(PARAGRAPHS, key=len),
    # A whole article, its date header and blank lines included.
    "article": ARTICLES[D002],
}
# KOI8-R and IBM866 have no guillemets or dashes: archives in them were typed with ASCII ones.
ASCII_PUNCTUATION = str.maketrans({"«": '"', "»": '"', "–": "-", "—": "-", "…": "..."})
ENGLISH = (
    "The minister’s “pragmatic” plan — drafted in a café near the Élysée — was, critics said, "
    "naïve… “It won’t survive the winter,” one aide admitted."
)


def encoded(text: str, form: str) -> tuple[str, bytes]:
    """The text as a file in `form` would hold it, and that file's bytes."""
    if form in ("koi8-r", "cp866"):
        text = text.translate(ASCII_PUNCTUATION)
    boms = {
        "utf-8-sig": (codecs.BOM_UTF8, "utf-8"),
        "utf-16 LE": (codecs.BOM_UTF16_LE, "utf-16-le"),
        "utf-16 BE": (codecs.BOM_UTF16_BE, "utf-16-be"),
        "utf-32 LE": (codecs.BOM_UTF32_LE, "utf-32-le"),
        "utf-32 BE": (codecs.BOM_UTF32_BE, "utf-32-be"),
    }
    if form in boms:
        bom, codec = boms[form]
        return text, bom + text.encode(codec)
    return text, text.encode(form)


FORMS = {
    "cp1251": "cp1251",
    "koi8-r": "koi8-r",
    "cp866": "cp866",
    "mac-cyrillic": "mac-cyrillic",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-16 LE": "utf-16",
    "utf-16 BE": "utf-16",
    "utf-32 LE": "utf-32",
    "utf-32 BE": "utf-32",
    # Without a byte-order mark: told by where the NUL bytes fall.
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "utf-32-le": "utf-32-le",
    "utf-32-be": "utf-32-be",
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", RUSSIAN)
def test_russian_text_round_trips_and_its_encoding_is_recorded(name: str, form: str) -> None:
    text, data = encoded(RUSSIAN[name], form)
    assert decode(data) == Decoded(text, FORMS[form])


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_four_words_are_enough_to_tell_cp1251_from_koi8r(encoding: str) -> None:
    # The opening four words of every seed paragraph, 20 to 50 characters each.
    openings = [" ".join(p.split()[:4]) for p in PARAGRAPHS]
    wrong = []
    for opening in openings:
        text, data = encoded(opening, encoding)
        if decode(data) != Decoded(text, encoding):
            wrong.append(text)
    assert not wrong and len(openings) > 50


def test_western_text_is_windows_1252() -> None:
    data = ENGLISH.encode("cp1252")
    assert decode(data) == Decoded(ENGLISH, "cp1252")


def test_bytes_that_windows_1251_reads_the_same_way_are_recorded_as_windows_1252() -> None:
    # 0x92 is ’ in both; an English file should not be reported as Cyrillic.
    assert decode(b"It\x92s what the report\x92s authors said.") == Decoded(
        "It’s what the report’s authors said.", "cp1252"
    )


def test_text_that_names_an_encoding_is_not_taken_at_its_word() -> None:
    text = "В тексте написано charset=koi8-r и coding: koi8-r, но сам он в Windows-1251."
    assert decode(text.encode("cp1251")) == Decoded(text, "cp1251")


def test_guesses_are_the_same_in_every_process() -> None:
    samples = [
        encoded(" ".join(p.split()[:3]), form)[1].hex()
        for p in PARAGRAPHS[:30]
        for form in ("cp1251", "koi8-r", "mac-cyrillic")
    ]
    here = [decode(bytes.fromhex(s)).encoding for s in samples]
    program = (
        "import json, sys\n"
        "from provenance.ingest.encoding import decode\n"
        "print(json.dumps([decode(bytes.fromhex(s)).encoding for s in json.load(sys.stdin)]))\n"
    )
    for seed in ("1", "2"):
        child = subprocess.run(
            [sys.executable, "-c", program],
            input=json.dumps(samples),
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert json.loads(child.stdout) == here


# --- line endings ----------------------------------------------------------------------------
MIXED_ENDINGS = "Первая строка.\r\nВторая строка.\rТретья строка.\n\r\nЧетвёртая строка.\r\n"


@pytest.mark.parametrize(
    "form", ["utf-8", "utf-8-sig", "cp1251", "koi8-r", "utf-16 LE", "utf-16 BE", "utf-16-le", "utf-16-be"]
)
def test_line_endings_are_kept_exactly(form: str) -> None:
    text, data = encoded(MIXED_ENDINGS * 3, form)
    assert decode(data).text == text


def test_next_line_and_line_separator_in_utf8_are_kept() -> None:
    text = "Первая строка.\u0085Вторая строка.\u2028Третья строка.\u2029Конец.\r\n"
    assert decode(text.encode("utf-8")) == Decoded(text, "utf-8")


def test_byte_0x85_in_windows_1252_is_an_ellipsis_not_a_line_break() -> None:
    decoded = decode(b"Wait\x85 and see, he said.\r\nThen \x93nothing\x94 happened.\r\n")
    assert decoded == Decoded("Wait… and see, he said.\r\nThen “nothing” happened.\r\n", "cp1252")


# --- a page's declared charset -------------------------------------------------------------
def test_declared_charset_is_honoured() -> None:
    # Too short to tell KOI8-R from Windows-1251 by itself; the declaration settles it.
    assert decode("16 ноября.".encode("koi8-r"), declared="koi8-r") == Decoded("16 ноября.", "koi8-r")
    text = RUSSIAN["sentence"]
    assert decode(text.encode("koi8-r"), declared="windows-1251").encoding == "cp1251"


def test_a_page_declaring_latin1_is_read_as_windows_1252() -> None:
    assert decode(b"\x93Quoted\x94 text", declared="iso-8859-1") == Decoded("“Quoted” text", "cp1252")


def test_a_declaration_the_bytes_refute_is_ignored() -> None:
    # 0x98 is ≤ in KOI8-R and no character at all in Windows-1251.
    text = "Температура воздуха ≤ 5 градусов, сообщает синоптик."
    assert decode(text.encode("koi8-r"), declared="cp1251") == Decoded(text, "koi8-r")
    # A page saved again as UTF-8 keeps its old declaration.
    assert decode(RUSSIAN["quotes"].encode("utf-8"), declared="cp1251") == Decoded(RUSSIAN["quotes"], "utf-8")
    assert decode(b"plain", declared="no-such-charset") == Decoded("plain", "utf-8")


def test_a_bom_outweighs_a_declaration() -> None:
    text, data = encoded(RUSSIAN["quotes"], "utf-8-sig")
    assert decode(data, declared="windows-1251") == Decoded(text, "utf-8-sig")


@pytest.mark.parametrize(
    ("page", "charset"),
    [
        (b'<html><head><meta charset="windows-1251"><title>', "cp1251"),
        (b"<meta charset=koi8-r>", "koi8-r"),
        (b'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=KOI8-R">', "koi8-r"),
        (b"<meta http-equiv='content-type' content='text/html;charset=\"windows-1251\"'>", "cp1251"),
        (b'<meta content="text/html; charset=iso-8859-1" http-equiv="Content-Type">', "cp1252"),
        (b'<meta charset="UTF-8" />', "utf-8"),
        (b'<meta charset="utf-16">', "utf-8"),
        (b'<meta charset="x-mac-cyrillic">', "mac-cyrillic"),
        (b'<meta charset="ibm866">', "cp866"),
        (b'<!-- <meta charset="koi8-r"> --><meta charset="windows-1251">', "cp1251"),
        (b'<meta charset="no-such-thing"><meta charset="koi8-r">', "koi8-r"),
        (b'<meta charset="windows-1251"><meta charset="koi8-r">', "cp1251"),
        (b'<meta name="description" content="charset=koi8-r">', None),
        (b'<meta http-equiv="refresh" content="5; charset=koi8-r">', None),
        (b'<metadata charset="koi8-r">', None),
        (b'<meta charset="utf-7">', None),
        (b"<html><body>No declaration here.</body></html>", None),
        (b"<p>" + b"x" * 5000 + b'<meta charset="koi8-r">', None),
    ],
)
def test_declared_html_charset(page: bytes, charset: str | None) -> None:
    assert declared_html_charset(page) == charset


# --- the user's --encoding -------------------------------------------------------------------
def test_a_given_encoding_is_obeyed() -> None:
    text = RUSSIAN["sentence"]
    assert decode(text.encode("cp1251"), encoding="windows-1251") == Decoded(text, "cp1251")
    # Obeyed even when detection would disagree: the user knows the archive.
    data = text.encode("koi8-r")
    assert decode(data, encoding="cp1251") == Decoded(data.decode("cp1251"), "cp1251")


def test_a_given_unicode_encoding_drops_a_bom() -> None:
    text = RUSSIAN["quotes"]
    assert decode(codecs.BOM_UTF8 + text.encode(), encoding="utf-8") == Decoded(text, "utf-8-sig")
    assert decode(text.encode(), encoding="UTF8") == Decoded(text, "utf-8")
    le = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    assert decode(le, encoding="utf-16-le") == Decoded(text, "utf-16")
    assert decode(text.encode("utf-16-be"), encoding="utf-16-be") == Decoded(text, "utf-16-be")


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (b"abc\xd0", "utf-8", "cannot decode as utf-8 at byte 3"),
        (codecs.BOM_UTF8 + b"ab\xff", "utf-8", "cannot decode as utf-8 at byte 5"),
        ("Текст \u2264".encode("koi8-r"), "windows-1251", "cannot decode as cp1251 at byte 6"),
        (b"ab\x81", "cp1252", "cannot decode as cp1252 at byte 2"),
    ],
)
def test_a_given_encoding_that_fails_names_the_codec_and_the_byte(
    data: bytes, encoding: str, message: str
) -> None:
    with pytest.raises(DecodeProblem) as caught:
        decode(data, encoding=encoding)
    assert str(caught.value) == message and not isinstance(caught.value, BinaryData)


def test_a_broken_utf16_file_names_the_byte() -> None:
    data = codecs.BOM_UTF16_LE + "аб".encode("utf-16-le") + b"\x00"
    with pytest.raises(DecodeProblem, match=r"^cannot decode as utf-16-le at byte 6$"):
        decode(data)


@pytest.mark.parametrize(
    ("name", "codec"),
    [
        ("windows-1251", "cp1251"),
        ("KOI8-R", "koi8-r"),
        ("cp1252", "cp1252"),
        (" utf8 ", "utf-8"),
        ("UTF-8-SIG", "utf-8-sig"),
        ("ibm866", "cp866"),
        ("x-mac-cyrillic", "mac-cyrillic"),
        ("latin-1", "iso8859-1"),
        ("UTF-16LE", "utf-16-le"),
    ],
)
def test_codec_name(name: str, codec: str) -> None:
    assert codec_name(name) == codec


@pytest.mark.parametrize("name", ["klingon", "", "base64", "rot13", "zlib", "unicode-escape", "idna"])
def test_unknown_or_non_text_codecs_are_lookup_errors(name: str) -> None:
    with pytest.raises(LookupError):
        codec_name(name)
    with pytest.raises(LookupError):
        decode(b"text", encoding=name)


# --- not text at all -------------------------------------------------------------------------
def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


BINARIES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06" + bytes(range(256)),
    "random": random.Random(7).randbytes(4096),
    "gzip": gzip.compress(ARTICLES[D002].encode(), mtime=0),
    "controls": b"\x01\x02\x03 record \x04\x05\x06 record \x1b\x1c\x1d" * 20,
    "utf-16 with NULs": codecs.BOM_UTF16_LE + "a\x00b\x00c".encode("utf-16-le"),
    "utf-16 without a BOM, with NULs": (ENGLISH + "\x00" * 20).encode("utf-16-le"),
    "utf-8 with a NUL": b"hello\x00world",
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 44 >>\nstream\n"
    + zlib.compress(b"BT /F1 24 Tf 100 700 Td (Hello) Tj ET" * 20)
    + b"\nendstream\nendobj\n",
    "zip": zip_of({"a.txt": ENGLISH * 20, "b.txt": RUSSIAN["article"]}),
    "little-endian integers": b"".join(n.to_bytes(2, "little") for n in range(0, 4000, 3)),
    "32-bit integers": b"".join(n.to_bytes(4, "little") for n in range(0, 40000, 7)),
}


@pytest.mark.parametrize("name", BINARIES)
def test_binary_files_are_reported_as_such(name: str) -> None:
    with pytest.raises(BinaryData, match=r"^binary file, not text \(.+\)$"):
        decode(BINARIES[name])


def test_a_few_control_characters_do_not_make_text_binary() -> None:
    text = RUSSIAN["paragraph"] + "\x1b\x0c\x07\r\n"
    assert decode(text.encode("cp1251")) == Decoded(text, "cp1251")


def test_empty_data_is_empty_utf8_text() -> None:
    assert decode(b"") == Decoded("", "utf-8")


@pytest.mark.parametrize("name", ["quotes", "article"])
def test_damaged_utf8_is_a_decode_problem_not_a_legacy_reading(name: str) -> None:
    data = RUSSIAN[name].encode("utf-8")
    middle = data.index(b" ", len(data) // 2)
    damaged = data[:middle] + b"\xff" + data[middle:]
    with pytest.raises(DecodeProblem, match=rf"^cannot decode as utf-8 at byte {middle}$"):
        decode(damaged)


def test_text_no_encoding_reads_is_a_decode_problem() -> None:
    with pytest.raises(DecodeProblem, match=r"^cannot tell the encoding: not UTF-8") as caught:
        decode(bytes(range(0x80, 0x100)))
    assert not isinstance(caught.value, BinaryData)


# --- properties ------------------------------------------------------------------------------
# C0 controls other than the whitespace ones: text with many of them is binary.
CONTROLS = [chr(c) for c in (*range(0, 9), *range(14, 32), 127)]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters=CONTROLS)), st.booleans())
def test_any_utf8_text_decodes_back_exactly(text: str, bom: bool) -> None:
    assume(bom or not text.startswith("\ufeff"))  # a leading U+FEFF is a BOM
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
    assert decode(data) == Decoded(text, "utf-8-sig" if bom else "utf-8")


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8")))
def test_any_text_decodes_exactly_or_is_called_binary(text: str) -> None:
    try:
        decoded = decode(codecs.BOM_UTF8 + text.encode("utf-8"))
    except BinaryData:
        assert any(c in CONTROLS for c in text)
    else:
        assert decoded == Decoded(text, "utf-8-sig")


def reencoded(decoded: Decoded, data: bytes) -> bytes:
    """The bytes `decoded` came from, as its recorded encoding writes them, BOM included."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if decoded.encoding == codec[:6] and data.startswith(bom):
            return bom + decoded.text.encode(codec)
    if decoded.encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + decoded.text.encode("utf-8")
    if decoded.encoding == "utf-16":  # the user's utf-16 on bytes without a BOM: little-endian
        return decoded.text.encode("utf-16-le")
    return decoded.text.encode(decoded.encoding)


BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]
# Bytes of text more often than uniform bytes are: ASCII letters and spaces among high bytes.
TEXTLIKE = st.lists(st.sampled_from([*b"  abcdeo\r\n.", *range(0x80, 0x100)]), max_size=200).map(bytes)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(BOMS),
    st.one_of(st.binary(max_size=200), TEXTLIKE),
    st.sampled_from([None, None, "utf-8", "cp1251", "koi8-r", "latin-1", "utf-16", "utf-16-le"]),
    st.sampled_from([None, None, "windows-1251", "iso-8859-1", "utf-8", "bogus"]),
)
def test_arbitrary_bytes_decode_faithfully_or_raise_a_decode_problem(
    bom: bytes, body: bytes, encoding: str | None, declared: str | None
) -> None:
    data = bom + body
    try:
        decoded = decode(data, encoding, declared)
    except DecodeProblem as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    if decoded.problem:  # a last character cut in two: every byte but its start is read back
        assert data.startswith(reencoded(decoded, data)) and len(data) - len(reencoded(decoded, data)) <= 3
        return
    assert reencoded(decoded, data) == data


@settings(max_examples=300, deadline=None)
@given(TEXTLIKE)
def test_guessed_encodings_read_every_byte_back(data: bytes) -> None:
    try:
        decoded = decode(data)
    except DecodeProblem:
        return
    read_back = decoded.text.encode(decoded.encoding)
    assert read_back == data or (decoded.problem and data.startswith(read_back))


# --- the Clough corpus -------------------------------------------------------------------------
@needs_clough
def test_every_clough_file_decodes_to_its_true_text() -> None:
    files = sorted((CLOUGH / "corpus").glob("*.txt"))
    assert len(files) == 100
    found = {}
    for path in files:
        data = path.read_bytes()
        try:
            data.decode("utf-8")
            truth = "utf-8"
        except UnicodeDecodeError:
            truth = "cp1252"  # the corpus's other encoding, its README says
        decoded = decode(data)
        assert decoded == Decoded(data.decode(truth), truth), path.name
        assert not re.search("Ã|â€|Â", decoded.text), path.name
        assert decoded.text.count("\r\n") == data.count(b"\r\n"), path.name
        found[path.stem] = decoded
    assert sum(d.encoding == "cp1252" for d in found.values()) == 17
    # Its 0x85 is an ellipsis, not a line break.
    assert "“…is a kind of”" in found["g1pB_taska"].text


def test_a_last_character_cut_in_two_is_left_out_with_a_note() -> None:
    text = "Президент принял участие в саммите"
    data = text.encode("utf-8")
    for cut in (1,):  # every Cyrillic letter is two bytes: one left of the last
        got = decode(data[:-cut])
        assert (got.text, got.encoding) == (text[:-1], "utf-8")
        assert got.problem == "the file ends in the middle of a UTF-8 character; its last 1 byte left out"
    dash = "Итог —".encode()[:-1]  # "—" is three bytes: two kept
    assert decode(dash).text == "Итог " and "last 2 bytes" in (decode(dash).problem or "")
    # Without a single whole UTF-8 character before it, a high last byte is a legacy letter.
    western = "The owner said the summit was held in a small café"
    assert decode(western.encode("cp1252")) == Decoded(western, "cp1252")
    assert decode(data).problem is None


# --- UTF-16 and UTF-32 without a byte-order mark ---------------------------------------------
WORDS = st.text(
    st.sampled_from("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЖЯӘҚabcxyzXYZ0123456789«»—“”…,.!?"),
    min_size=1,
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(WORDS, min_size=2, max_size=40),
    st.sampled_from(["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]),
)
def test_prose_in_utf16_or_utf32_without_a_bom_reads_back_exactly(words: list[str], codec: str) -> None:
    text = " ".join(words) + "\n"
    assert decode(text.encode(codec)) == Decoded(text, codec)


def test_utf16_without_a_bom_cut_in_the_middle_of_a_unit_keeps_the_text_before() -> None:
    data = RUSSIAN["sentence"].encode("utf-16-le")[:-1]
    got = decode(data)
    assert (got.text, got.encoding) == (RUSSIAN["sentence"][:-1], "utf-16-le")
    assert got.problem == "the file ends in the middle of a UTF-16 character; its last byte left out"


def test_a_bomless_utf16_file_is_a_document_with_its_encoding(tmp_path: Path) -> None:
    from provenance.ingest import ingest_folder, load_registry

    (tmp_path / "a.txt").write_bytes(RUSSIAN["article"].encode("utf-16-le"))
    (tmp_path / "b.jsonl").write_bytes(json.dumps({"id": "b", "text": ENGLISH}).encode("utf-16-be"))
    page = f"<html><body><article><p>{RUSSIAN['paragraph']}</p></article></body></html>"
    (tmp_path / "c.html").write_bytes(page.encode("utf-16-le"))
    result = ingest_folder(tmp_path, load_registry())
    assert result.skipped == [] and result.warnings == []
    assert [(d.path, d.encoding) for d in result.documents] == [
        ("a.txt", "utf-16-le"),
        ("b.jsonl", "utf-16-be"),
        ("c.html", "utf-16-le"),
    ]
    assert result.documents[0].text == RUSSIAN["article"]

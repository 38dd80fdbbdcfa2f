"""A file's bytes as text: the encoding found, and the text exactly as written.

Order of evidence: a user's `--encoding`, a byte-order mark, the NUL bytes of UTF-16 or
UTF-32 written without one, the charset an HTML page declares, strict UTF-8, and only then
a guess among the legacy encodings of Russian and Western newsrooms. Decoding is always
strict and newlines are never touched, so offsets into the text stay true to the file.
"""

from __future__ import annotations

import codecs
import contextlib
import math
import re
from collections import Counter
from dataclasses import dataclass

from charset_normalizer import from_bytes


class DecodeProblem(ValueError):
    """Bytes that cannot be read as text; str(exc) is a one-line reason."""


class BinaryData(DecodeProblem):
    """Bytes of an image, archive or other binary file, not text."""


@dataclass(frozen=True)
class Decoded:
    text: str  # BOM removed; newlines exactly as in the file
    encoding: str  # canonical Python codec name, as reports record it
    problem: str | None = None  # something the user should hear about, e.g. a cut-off last character


# UTF-32 first: its little-endian mark starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

# Legacy encodings worth guessing, in the names charset-normalizer uses. Restricting it to
# these is what makes its guesses right (measured: unrestricted, it reads Windows-1252 as
# cp775 or cp1250 and KOI8-R as Shift JIS).
_CYRILLIC = ("cp1251", "koi8_r", "cp866", "mac_cyrillic")
_LEGACY = ("cp1252", *_CYRILLIC)  # also the preference among readings giving the same text

# Codecs that transform text rather than read a file's bytes.
_NOT_FILE_CODECS = frozenset({"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined"})
_ALIASES = {"x-mac-cyrillic": "mac-cyrillic", "windows-874": "cp874", "dos-874": "cp874"}

_BINARY_SAMPLE = 1 << 16
_PLANES = bytes(range(17))  # the byte of a UTF-32 code unit that names the plane
_CONTROLS = "".join(map(chr, [*range(1, 9), *range(14, 32), 127]))
_CONTROL = re.compile(f"[{re.escape(_CONTROLS)}]")
_MAX_CONTROL_SHARE = 0.05
_CONTROL_BYTES_TO_SPACES = bytes.maketrans(_CONTROLS.encode(), b" " * len(_CONTROLS))


def codec_name(name: str) -> str:
    """The canonical codec name of a user-given encoding ("windows-1251" -> "cp1251").

    Raises LookupError for names Python does not know and for codecs that do not read
    files (base64, rot13, unicode-escape, ...)."""
    label = name.strip()
    try:
        info = codecs.lookup(_ALIASES.get(label.lower(), label))
    except LookupError:
        raise LookupError(f"unknown encoding: {name}") from None
    if not info._is_text_encoding or info.name in _NOT_FILE_CODECS:
        raise LookupError(f"not a text encoding: {name}")
    return info.name


def decode(data: bytes, encoding: str | None = None, declared: str | None = None) -> Decoded:
    """The text of a file's bytes and the encoding it was read with.

    `encoding` (the user's override) is obeyed strictly; otherwise a BOM decides, then the
    NUL bytes of UTF-16 or UTF-32 without one (recorded as utf-16-le, utf-16-be, utf-32-le or
    utf-32-be), then `declared` (an HTML page's charset) if the bytes decode with it, then UTF-8, then the
    likeliest of Windows-1252, Windows-1251, KOI8-R, IBM866 and Mac Cyrillic. Raises
    BinaryData for binary files and DecodeProblem for damaged UTF-8 and for text no
    encoding reads."""
    data = bytes(data)
    if encoding is not None:
        return _checked(_forced(data, codec_name(encoding)))
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return _checked(Decoded(_strict(data, codec, len(bom)), name))
    if b"\x00" in data:  # text with NUL bytes is binary, unless UTF-16 or UTF-32 written without a BOM
        unmarked = _unmarked_unicode(data)
        if unmarked is not None:
            return unmarked
    if declared is not None:
        found = _declared(data, declared)
        if found is not None:
            return _checked(found)
    try:
        return _checked(Decoded(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError as exc:
        not_utf8 = exc.start
        cut = _cut_off(data, exc)
        if cut is not None:
            return _checked(cut)
    # Latin-1 maps each byte to the same code point, so control bytes count as they would in
    # any of the legacy encodings.
    reason = "NUL bytes" if b"\x00" in data else _binary_reason(data[:_BINARY_SAMPLE].decode("latin-1"))
    if reason:
        raise BinaryData(f"binary file, not text ({reason})")
    if _mostly_utf8(data):
        # Damaged UTF-8 (a cut-off or corrupted character): a legacy reading would be mojibake.
        raise DecodeProblem(f"cannot decode as utf-8 at byte {not_utf8}")
    guessed = _guess_legacy(data)
    if guessed is None:
        raise DecodeProblem(
            f"cannot tell the encoding: not UTF-8 (invalid byte at {not_utf8}) and no legacy encoding "
            "(cp1252, cp1251, koi8-r, cp866, mac-cyrillic) reads it as text"
        )
    return guessed


def _unmarked_unicode(data: bytes) -> Decoded | None:
    """UTF-32 or UTF-16 without a byte-order mark, told by where its NUL bytes fall.

    Text in UTF-16 has a NUL in every ASCII character's code unit, always in the same half
    (the high byte: the second in little-endian, the first in big-endian), and hardly ever in
    the other. UTF-32 has a NUL in the top byte of every code unit and the plane (0 to 16)
    below it. Binary data seldom decodes at all, and what does is still binary to
    `_binary_reason`: NUL or control characters."""
    sample = data[:_BINARY_SAMPLE]
    candidates = []
    if len(data) % 4 == 0:
        if not sample[3::4].strip(b"\x00") and not sample[2::4].strip(_PLANES):
            candidates.append("utf-32-le")
        elif not sample[0::4].strip(b"\x00") and not sample[1::4].strip(_PLANES):
            candidates.append("utf-32-be")
    for codec, high, low in (
        ("utf-16-le", sample[1::2], sample[0::2]),
        ("utf-16-be", sample[0::2], sample[1::2]),
    ):
        # The high bytes name the script block: a few values (0x00 for ASCII, 0x04 for
        # Cyrillic, 0x20 for dashes and quotes) in most units. NUL in at least two units and
        # one of 32 (the spaces of any prose), and 4 times as many NULs there as in the low
        # bytes (U+0100, U+0400, U+DE00 ... have one).
        nuls = high.count(0)
        scripts = sum(n for _, n in Counter(high).most_common(3))
        enough = nuls >= 2 and nuls * 32 >= len(high)
        if enough and low.count(0) * 4 <= nuls and scripts * 4 >= len(high) * 3:
            candidates.append(codec)
    for codec in candidates:
        cut = len(data) % 2  # a last byte left alone: the file was cut in the middle of a unit
        try:
            text = data[: len(data) - cut].decode(codec)
        except UnicodeDecodeError:
            continue
        if _binary_reason(text) is None:
            note = (
                "the file ends in the middle of a UTF-16 character; its last byte left out" if cut else None
            )
            return Decoded(text, codec, note)
    return None


def _cut_off(data: bytes, exc: UnicodeDecodeError) -> Decoded | None:
    """UTF-8 whose only fault is a last character cut in two (a download or a scraper stopped
    at a byte count): the text before it, and a note of the bytes left out."""
    if exc.reason != "unexpected end of data" or exc.end != len(data) or exc.start < len(data) - 3:
        return None
    try:
        text = data[: exc.start].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.isascii():
        return None  # no evidence of UTF-8 before the cut ("café" in cp1252 ends like one)
    left = len(data) - exc.start
    bytes_left = f"{left} byte{'s' * (left > 1)}"
    note = f"the file ends in the middle of a UTF-8 character; its last {bytes_left} left out"
    return Decoded(text, "utf-8", note)


def _strict(data: bytes, codec: str, skip: int = 0) -> str:
    try:
        return data[skip:].decode(codec)
    except UnicodeDecodeError as exc:
        raise DecodeProblem(
            f"cannot decode as {codecs.lookup(codec).name} at byte {exc.start + skip}"
        ) from None


def _forced(data: bytes, codec: str) -> Decoded:
    """The user's encoding; a BOM that agrees with it is dropped, not kept as U+FEFF."""
    if codec in ("utf-8", "utf-8-sig"):
        bom = data.startswith(codecs.BOM_UTF8)
        return Decoded(_strict(data, "utf-8", 3 * bom), "utf-8-sig" if bom else "utf-8")
    text = _strict(data, codec)
    family = codec[:6]  # "utf-16" or "utf-32" for their -le/-be forms
    if family in ("utf-16", "utf-32") and codec != family and text.startswith("\ufeff"):
        return Decoded(text[1:], family)
    return Decoded(text, codec)


def _declared(data: bytes, declared: str) -> Decoded | None:
    """The page's own charset, unless the bytes refute it.

    Bytes that are valid UTF-8 with non-ASCII in them are UTF-8 whatever the page says:
    a page saved again as UTF-8 keeps its old declaration, and legacy text is practically
    never valid UTF-8."""
    codec = _web_codec(declared)
    if codec is None or codec == "utf-8":
        return None
    if not data.isascii():
        try:
            data.decode("utf-8")
            return None
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(data.decode(codec), codec)
    except UnicodeDecodeError:
        return None


def _checked(decoded: Decoded) -> Decoded:
    """The decoded text, unless it is binary data that happened to decode."""
    reason = _binary_reason(decoded.text)
    if reason:
        raise BinaryData(f"binary file, not text ({reason})")
    return decoded


def _binary_reason(text: str) -> str | None:
    """Why this is not text: NUL characters, or many control characters early on."""
    if "\x00" in text:
        return "NUL bytes"
    sample = text[:_BINARY_SAMPLE]
    if not _CONTROL.search(sample):  # nearly every text: one fast scan, no counting
        return None
    controls = len(_CONTROL.findall(sample))
    if controls > len(sample) * _MAX_CONTROL_SHARE:
        return f"{controls} of {len(sample)} characters are control codes"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """Whether the bytes are UTF-8 with a few bad bytes: at least twice as many well-formed
    non-ASCII characters as malformed sequences. Legacy Russian text stayed under two thirds
    of that in every sample measured (IBM866 came closest): a letter followed by a letter is
    rarely a UTF-8 sequence."""
    counted = data.decode("utf-8", "replace")  # only counted, never used as the text
    malformed = counted.count("\ufffd")
    non_ascii = len(counted) - len(counted.encode("ascii", "ignore"))
    return non_ascii - malformed >= 2 * malformed


def _guess_legacy(data: bytes) -> Decoded | None:
    """The likeliest legacy reading, or None when none looks like text.

    charset-normalizer tells Western from Cyrillic text reliably but confuses the Cyrillic
    code pages with each other in short texts; Russian letter statistics settle those."""
    # Control bytes are the same in every candidate and so say nothing about the encoding,
    # but charset-normalizer takes a single ESC for a sign of binary data. Its
    # `preemptive_behaviour` would trust a "charset=" or "coding:" written in the text.
    probe = data.translate(_CONTROL_BYTES_TO_SPACES)
    best = from_bytes(probe, cp_isolation=list(_LEGACY), preemptive_behaviour=False).best()
    if best is None:
        return None
    name = min(best.could_be_from_charset, key=_LEGACY.index)
    if name not in _CYRILLIC:
        return Decoded(_strict(data, name), codecs.lookup(name).name)
    readings = []
    for codec in _CYRILLIC:
        with contextlib.suppress(UnicodeDecodeError):  # cp1251 lacks byte 0x98
            text = data.decode(codec)
            readings.append((_russian_score(text[:_RUSSIAN_SAMPLE]), text, codec))
    _, text, name = max(readings, key=lambda r: r[0])  # the first of equals: cp1251
    return Decoded(text, codecs.lookup(name).name)


# --- which Cyrillic code page: how Russian the text reads -----------------------------------
_RUSSIAN_SAMPLE = 1 << 14
# Letter frequencies of Russian prose, per cent; ё as often as texts that print it have it.
_FREQ = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (10.97, 8.45, 8.01, 7.35, 6.70, 6.26, 5.47, 4.73, 4.54, 4.40, 3.49, 3.21, 2.98, 2.81, 2.62, 2.01,
         1.90, 1.74, 1.70, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94, 0.73, 0.64, 0.48, 0.36, 0.32, 0.26, 0.04,
         0.1),
        strict=True,
    )
)  # fmt: skip
_CAPITAL = 0.7  # capitals are rarer, not rare: headlines are in capitals
_UNLIKELY = math.log(1e-5)  # a character Russian text does not have
_PUNCT = math.log(0.005)
_LOGP: dict[str, float] = {
    **dict.fromkeys("\u00a0«»–—…№„“”", _PUNCT),
    **{c: math.log(p / 100) for c, p in _FREQ.items()},
    **{c.upper(): math.log(p / 100 * _CAPITAL) for c, p in _FREQ.items()},
    # Ukrainian and Belarusian letters: not wrong, just rare here.
    **dict.fromkeys("іїєґўІЇЄҐЎ", math.log(1e-4)),
}
# A wrong code page turns letters into punctuation and back; such characters give themselves
# away by where they stand. Each pattern matches one misplaced character.
_MISPLACED = re.compile(
    r"(?<=[а-џґ])[Ѐ-ЯҐ]"  # a capital inside a word
    r"|(?<=\w)[„“]|[„“](?![\w«„“])"  # an opening quote after a letter or before nothing
    r"|(?<![\w.!?…»”])”|”(?=[^\W\d_])"  # a closing quote after nothing or before a letter
    r"|(?<=[^\W\d_])[–—]|[–—](?=[^\W\d_])"  # a dash touching a letter
    r"|(?<=[^\W\d_])…(?=[^\W\d_])"  # an ellipsis inside a word
    r"|(?<=[ \t\r\n])\u00a0|\u00a0(?=[ \t\r\n])"  # a no-break space beside a space
    r"|№(?![\s\d])"
)
_GUILLEMETS = re.compile("[«»]")


def _russian_score(text: str) -> float:
    """Log-likelihood of the text's non-ASCII characters under Russian letter frequencies, with
    characters that stand where Russian text would not have them counted as impossible."""
    score = sum(n * _LOGP.get(c, _UNLIKELY) for c, n in Counter(text).items() if not c.isascii())
    misplaced = Counter(_MISPLACED.findall(text))
    # Guillemets hug their words and come in pairs: « needs a » after it, » a « before it.
    last_close, first_open = text.rfind("»"), text.find("«")
    for m in _GUILLEMETS.finditer(text):
        i = m.start()
        before, after = text[i - 1 : i] or " ", text[i + 1 : i + 2] or " "
        if m.group() == "«":
            fits = i < last_close and not before.isalpha() and (after.isalnum() or after in "«„“")
        else:
            fits = 0 <= first_open < i and not after.isalpha() and (before.isalnum() or before in ".!?…»”")
        misplaced[m.group()] += not fits
    return score + sum(n * (_UNLIKELY - _LOGP.get(c, _UNLIKELY)) for c, n in misplaced.items())


# --- the charset an HTML page declares --------------------------------------------------------
_PRESCAN = 4096
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.S)
_META = re.compile(rb"""<meta[\s/]((?:[^>"']|"[^"]*"|'[^']*')*)>?""", re.I)
_ATTR = re.compile(rb"""([^\s/>=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_CONTENT_CHARSET = re.compile(rb"""charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))""", re.I)

# Labels whose meaning on the web differs from Python's, after the WHATWG Encoding standard:
# browsers read Latin-1 and ASCII pages as Windows-1252, and a page that could be scanned for
# <meta> as ASCII is not UTF-16.
_WEB_LABEL_GROUPS: dict[str | None, str] = {
    "cp1252": "ansi_x3.4-1968 ascii cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 iso88591 "
    "iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii x-cp1252 x-user-defined",
    "cp1254": "csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 latin5 "
    "x-cp1254",
    "utf-8": "utf-16 utf-16le utf-16be unicode ucs-2 csunicode iso-10646-ucs-2 unicodefeff unicodefffe",
    "cp874": "iso-8859-11 iso8859-11 iso885911 tis-620 windows-874 dos-874",
    "gbk": "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 iso-ir-58 x-gbk",
    "mac-cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "koi8-u": "koi8-ru",
    **{f"cp{n}": f"x-cp{n}" for n in (1250, 1251, 1253, 1255, 1256, 1257, 1258)},
    # Encodings the web does not decode at all.
    None: "csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr replacement utf-7 utf-32 utf-32le "
    "utf-32be",
}
_WEB_LABELS = {label: codec for codec, labels in _WEB_LABEL_GROUPS.items() for label in labels.split()}


def _web_codec(label: str) -> str | None:
    """The codec a browser would use for a declared charset label, or None if unknown."""
    label = label.strip().lower()
    if label in _WEB_LABELS:
        return _WEB_LABELS[label]
    try:
        return codec_name(label)
    except LookupError:
        return None


def declared_html_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag near its start, as a codec name.

    A simplified WHATWG prescan: the first <meta charset=...>, or <meta http-equiv=
    "Content-Type" content="...; charset=...">, outside comments, whose label is known."""
    head = _COMMENT.sub(b"", data[:_PRESCAN])
    for meta in _META.finditer(head):
        attrs: dict[bytes, bytes] = {}
        for name, value in _ATTR.findall(meta.group(1)):
            attrs.setdefault(name.lower(), value[1:-1] if value[:1] in (b'"', b"'") else value)
        label = attrs.get(b"charset")
        if label is None and attrs.get(b"http-equiv", b"").strip().lower() == b"content-type":
            found = _CONTENT_CHARSET.search(attrs.get(b"content", b""))
            label = next((g for g in found.groups() if g is not None), None) if found else None
        if label:
            codec = _web_codec(label.decode("ascii", "replace"))
            if codec is not None:
                return codec
    return None

"""Text from the input made safe to print on one line of a terminal or a log.

File names and document texts are data: a name may hold an escape sequence that recolours
the terminal or sets its title (`ESC[31m`, `ESC]0;…BEL`), a line break that forges a second
"one line" message, bidirectional overrides that reorder what is shown, or bytes that are
not UTF-8 at all. Everything printed passes through `one_line`.
"""

from __future__ import annotations

import re

# C0 and C1 controls (NEL among them), DEL, the line and paragraph separators, the
# bidirectional embeddings, overrides and isolates, and lone surrogates (a file name's bytes
# that are not UTF-8, as Python's file system decoding keeps them).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_SURROGATE_BYTES = re.compile("[\udc80-\udcff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    if c in _NAMED:
        return _NAMED[c]
    code = ord(c)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """`text` with every control, separator and bidirectional character written as an escape
    (`\\n`, `\\x1b`, `\\u202e`), and a file name's non-UTF-8 bytes as `\\xff`: printed, it is
    exactly one line and shows what it says."""
    return _UNSAFE.sub(_escape, text)


def file_name(name: str) -> str:
    """A file name as decoded by the operating system, made a valid Unicode string.

    A byte that is not UTF-8 (kept by Python as a lone surrogate, which no UTF-8 file or JSON
    document can hold) is written `\\xff`; everything else is kept as it is.
    """
    if not _SURROGATES.search(name):
        return name
    name = _SURROGATE_BYTES.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", name)
    return _SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", name)

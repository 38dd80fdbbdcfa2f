"""JSON read from users' files, with the two things Python's `json` cannot take in its stride.

An integer of more digits than Python converts (`sys.get_int_max_str_digits()`, 4,300 by
default) is kept as its digits, a `LongInteger`, instead of raising ValueError. And a string
holding a lone surrogate (JSON may spell one, "\\ud800"; it is no character, and no UTF-8
writer takes it) reads as U+FFFD: one code point for one, so offsets into the text hold.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

REPLACEMENT = "\ufffd"

# A \u escape of a surrogate, or a raw one: only a value whose text has one needs mending.
_MAY_HOLD_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # after decoding, any left is unpaired
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class LongInteger(str):
    """An integer too long for Python to convert: its digits (and sign) as written.

    A str, so it can be written out again, but never taken for a string or a number by the
    schemas (see `provenance.schemas`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        digits = len(self.lstrip("-"))
        return f"{self[:6]}…{self[-3:]} (an integer of {digits} digits)"


class TooLongInteger(ValueError):
    """An integer too long for Python to convert, where a long integer is not accepted."""


def _parse_int(digits: str) -> int | LongInteger:
    try:
        return int(digits)
    except ValueError:  # over the limit on digits
        return LongInteger(digits)


def _refuse_long_int(digits: str) -> int:
    try:
        return int(digits)
    except ValueError:
        raise TooLongInteger(f"it holds an integer of {len(digits.lstrip('-'))} digits") from None


_DECODERS = {
    (strict, keep): json.JSONDecoder(parse_int=_parse_int if keep else _refuse_long_int, strict=strict)
    for strict in (True, False)
    for keep in (True, False)
}


@dataclass(frozen=True)
class Parsed:
    value: Any
    end: int  # where the value ends in the text
    replaced: int  # lone surrogates read as U+FFFD


def parse(
    text: str, pos: int = 0, *, strict: bool = True, whole: bool = False, long_integers: bool = True
) -> Parsed:
    """The JSON value starting at `pos` (whitespace before it skipped).

    With `whole`, only whitespace may follow it. `strict=False` allows control characters
    inside strings. Raises json.JSONDecodeError for bad JSON, RecursionError for JSON nested
    too deeply, and TooLongInteger for a long integer when `long_integers` is False."""
    decoder = _DECODERS[strict, long_integers]
    start = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
    if whole:
        value, end = decoder.decode(text), len(text)
    else:
        value, end = decoder.raw_decode(text, start)
    if not _MAY_HOLD_SURROGATE.search(text, start, end):
        return Parsed(value, end, 0)
    value, replaced = _mended(value)
    return Parsed(value, end, replaced)


def loads(text: str, *, strict: bool = True, long_integers: bool = True) -> Any:
    """`json.loads(text)`, with lone surrogates read as U+FFFD and long integers kept (or, if
    not `long_integers`, refused with TooLongInteger)."""
    return parse(text, strict=strict, whole=True, long_integers=long_integers).value


def _mended(value: Any) -> tuple[Any, int]:
    """The value with every lone surrogate in its strings (keys too) replaced; how many were.

    Lists and dicts are mended in place, without recursion: the value may be deeply nested."""
    replaced = 0

    def mend(s: str) -> str:
        nonlocal replaced
        fixed, n = _SURROGATE.subn(REPLACEMENT, s)
        replaced += n
        return fixed

    if isinstance(value, str):
        return (mend(value) if not isinstance(value, LongInteger) else value), replaced
    stack = [value]
    while stack:
        container = stack.pop()
        if isinstance(container, list):
            for i, item in enumerate(container):
                if type(item) is str:
                    container[i] = mend(item)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
        elif isinstance(container, dict):
            items = list(container.items())
            container.clear()
            for key, item in items:
                if type(item) is str:
                    item = mend(item)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
                container[mend(key)] = item
    return value, replaced

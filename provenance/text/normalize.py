"""Normalise text for matching while keeping the way back to the original.

The matching form is: Unicode NFKC, case folded, diacritics removed (ё→е; й is kept),
every quotation mark and dash unified, punctuation and symbols dropped, digits kept.
Words are runs of letters and digits; a hyphen or apostrophe between two of them stays
inside the word (`касым-жомарт`, `don't` → `dont`).

Every token carries the code-point offsets of its first and last original character,
so `text[token.start:token.end]` is exactly the word as written.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

NORMALIZATION_VERSION = "nfkc-casefold-nomarks-quotes-dashes-v1"

DASH = "-"
APOSTROPHE = "'"
QUOTE = '"'

# Dashes (Pd) are recognised by category; these are dash-like characters of other categories.
_EXTRA_DASHES = frozenset("\u2212\u2043\u02d7\u2796\ufe63\uff0d")
_APOSTROPHES = frozenset("'\u2019\u02bc\u02bb\u2018\u0060\u00b4\u2032")
_QUOTES = frozenset('"\u00ab\u00bb\u201c\u201d\u201e\u201f\u2039\u203a\u300c\u300d\u300e\u300f\uff02\u2033')
_KEEP_MARKS = {"й": "й"}  # й is a letter of its own in Russian, not и with a mark

# A word: letters/digits, joined by single hyphens or apostrophes.
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the matching form and where it stands in the original text."""

    norm: str
    start: int
    end: int


@lru_cache(maxsize=65536)
def _map_char(ch: str) -> str:
    """The matching form of one character: letters/digits folded, '-' or "'" kept, else ' '."""
    if ch in _APOSTROPHES:
        return APOSTROPHE
    if ch in _QUOTES:
        return " "
    if ch in _EXTRA_DASHES or unicodedata.category(ch) == "Pd":
        return DASH
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if c in _KEEP_MARKS:
            out.append(c)
            continue
        for d in unicodedata.normalize("NFD", c):
            if unicodedata.combining(d):
                continue  # diacritics (and the diaeresis of ё) carry no meaning for matching
            cat = unicodedata.category(d)
            if cat[0] in "LN":
                out.append(d)
            elif cat == "Pd" or d in _EXTRA_DASHES:
                out.append(DASH)
            else:
                out.append(" ")
    # One character never makes two words (½ → "1⁄2" stays "12"), so every word owns its characters.
    word = "".join(c for c in out if c != " ")
    return word or " "


def _one_to_one(ch: str) -> bool:
    """Whether the character maps to exactly one character and combines with none before it."""
    return len(_map_char(ch)) == 1 and not unicodedata.combining(ch)


def _is_simple(text: str) -> bool:
    """True when every character maps to exactly one character and none combines with another."""
    return all(_one_to_one(ch) for ch in set(text))


def _clusters(text: str, start: int, end: int):
    """Yield (i, j): a base character with the combining marks that follow it."""
    i = start
    while i < end:
        j = i + 1
        while j < end and unicodedata.combining(text[j]):
            j += 1
        yield i, j
        i = j


# Every character met so far, sorted once: those mapping to one character, as one
# translation table for them all, and the others. A text's characters are then looked up
# in C, not judged one by one again. At most `_MAX_LEARNED` (what texts hold is a few
# thousand; a hostile input holding every code point is judged text by text).
_ONE_TO_ONE: dict[int, str] = {}
_NOT_ONE_TO_ONE: set[str] = set()
_LEARNED: set[str] = set()
_MAX_LEARNED = 1 << 16


def _learn(chars: set[str]) -> bool:
    """Sort the characters not met before; False when there are too many to keep."""
    new = chars.difference(_LEARNED)
    if not new:
        return True
    if len(_LEARNED) + len(new) > _MAX_LEARNED:
        return False
    for ch in new:
        if _one_to_one(ch):
            _ONE_TO_ONE[ord(ch)] = _map_char(ch)
        else:
            _NOT_ONE_TO_ONE.add(ch)
    _LEARNED.update(new)
    return True


def _mapped(text: str, start: int, end: int) -> tuple[str, list[int], list[int]]:
    """The mapped string with, per output character, its original [start, end).

    Most texts map one character to one character, so `str.translate` does the work and
    the offset map is the identity (returned as empty lists); others take the exact path.
    """
    part = text[start:end]
    chars = set(part)
    if _learn(chars):
        if chars.isdisjoint(_NOT_ONE_TO_ONE):
            return part.translate(_ONE_TO_ONE), [], []
    elif _is_simple(part):
        return part.translate({ord(ch): _map_char(ch) for ch in chars}), [], []
    return _mapped_exact(text, start, end)


def _mapped_exact(text: str, start: int, end: int) -> tuple[str, list[int], list[int]]:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, j in _clusters(text, start, end):
        cluster = text[i:j]
        # Compose first so that e.g. е + U+0308 is read as ё; marks left over are dropped.
        out = "".join(_map_char(c) for c in unicodedata.normalize("NFC", cluster))
        for c in out:
            chars.append(c)
            starts.append(i)
            ends.append(j)
    return "".join(chars), starts, ends


# Text is mapped a stretch of about this many characters at a time, cut before whitespace
# (which never joins a word nor takes a combining mark of the character before it), so the
# per-character offset lists of the exact path never cover a whole long document.
_STRETCH = 1 << 20
_SPACE = re.compile(r"\s")


def _stretches(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    a = start
    while end - a > _STRETCH:
        m = _SPACE.search(text, a + _STRETCH, end)
        if m is None:
            break
        yield a, m.start()
        a = m.start()
    yield a, end


def token_columns(text: str, start: int = 0, end: int | None = None) -> tuple[list[str], array, array]:
    """The words of `text[start:end]` as three columns: matching forms, start and end offsets
    (`array("i")`). Equal words share one string: a long document holds each word once."""
    end = len(text) if end is None else end
    norms: list[str] = []
    starts, ends = array("i"), array("i")
    same: dict[str, str] = {}
    for a, b in _stretches(text, start, end):
        mapped, first, last = _mapped(text, a, b)
        # A comprehension a column, not a loop of statements a word: most of the time
        # tokenising takes is spent here.
        found = list(_WORD.finditer(mapped))
        words = [m.group() for m in found]
        if APOSTROPHE in mapped:
            words = [w.replace(APOSTROPHE, "") for w in words]
        norms += map(same.setdefault, words, words)
        if first:
            starts.extend([first[m.start()] for m in found])
            ends.extend([last[m.end() - 1] for m in found])
        else:
            starts.extend([a + m.start() for m in found])
            ends.extend([a + m.end() for m in found])
    return norms, starts, ends


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of `text[start:end]` in matching form, with original offsets."""
    return [Token(*t) for t in zip(*token_columns(text, start, end), strict=True)]


def normalize(text: str) -> str:
    """The matching form of `text`: its words joined by single spaces."""
    return " ".join(t.norm for t in tokenize(text))


def unify_marks(text: str) -> str:
    """Unify quotation marks to '"' and dashes to '-', keeping length and everything else.

    Useful where punctuation matters (quotations, credits) but the variants do not.
    """
    return "".join(
        QUOTE if ch in _QUOTES else DASH if (ch in _EXTRA_DASHES or unicodedata.category(ch) == "Pd") else ch
        for ch in text
    )

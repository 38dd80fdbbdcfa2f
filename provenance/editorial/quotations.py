"""Direct speech in a news article: quotations in marks and dialogue dashes.

A later stage uses these spans to tell two outlets quoting the same speaker from one outlet
copying another's prose. All offsets are code points into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from provenance.text import paragraphs, tokenize
from provenance.text.lines import LINE_BREAK, SPACE
from provenance.text.spans import Span

QuotationForm = Literal["marks", "dash"]

__all__ = ["Quotation", "QuotationForm", "Span", "find_quotations"]


@dataclass(frozen=True, slots=True)
class Quotation:
    """Direct speech `text[start:end]`: with its marks ("marks"), or without the dash ("dash")."""

    start: int
    end: int
    form: QuotationForm


# Opening mark -> its closing mark. “ is special: it closes „ but opens the English “…”.
# Wire copy typed on a typewriter's keys writes ``…'' and `…'; a lone ' is an apostrophe
# (it's, don't) unless a ` is open.
_CLOSER = {"«": "»", "„": "“", "“": "”", '"': '"', "``": "''", "`": "'"}
_MARKS = re.compile("``|''|[«»„“”\"`']")
_DASHES = "-–—"
_TERMINAL = (".", "!", "?", "…")
_OPEN_AFTER = "([:" + _DASHES + '«„“"'  # what may stand right before an opening straight quote
_HS = SPACE  # whitespace that keeps the line
_LINE_BREAK = re.compile(LINE_BREAK)
# `», – отметил он`: a comma, a dash and a word after a closing mark name the speaker.
_ATTRIBUTION = re.compile(rf"{_HS}*,{_HS}*[{_DASHES}]{_HS}*[^\W\d_]")
# Where a sentence ends: a lost opening mark after an earlier quotation is looked for past it.
_SENTENCE_GAP = re.compile(r"[.!?…][»\"”“]*\s+")
_DASH_LINE = re.compile(rf"{_HS}*[{_DASHES}]{_HS}+")
# The author's words in dialogue: `задач, — подчеркнул он` (the word must be lower-case).
_AUTHOR = re.compile(rf"([,!?….][»\"”“]*){_HS}+[{_DASHES}]{_HS}+(?=[^\W\d_])")
# Speech resumes after the author's words: `— сказал он. — Продолжение`.
_RESUME = re.compile(rf"[,.:!?…]{_HS}+[{_DASHES}]{_HS}+(?=\S)")
_MAX_CARRY = 5  # paragraphs a quotation may run on before its closing mark
_MAX_DEPTH = 8  # deeper "nesting" is lost closing marks; the cap keeps the scan linear
_MIN_WORDS = 6  # fewer words in marks, with no other sign of speech, make a name or a title


@dataclass
class _Open:
    pos: int
    closer: str
    after_colon: bool
    collapse_end: int | None = None  # after the last same-family closer of a nested level


def find_quotations(
    text: str, start: int = 0, end: int | None = None, paras: Sequence[Span] | None = None
) -> list[Quotation]:
    """Direct speech in text[start:end]: sorted, non-overlapping, nested quotations merged into the outer one.

    Offsets are into `text`; `start` and `end` are clamped to the text. `paras` are
    `paragraphs(text, start, end)` when the caller has them already.
    """
    n = len(text)
    end = n if end is None else end
    start = min(max(start, 0), n)
    end = min(max(end, start), n)
    if paras is None:
        paras = paragraphs(text, start, end)
    found = [Quotation(s, e, "marks") for s, e in _marks_spans(text, paras)]
    return _merged(found + _dash_spans(text, start, end))


def _marks_spans(text: str, paras: Sequence[Span]) -> list[Span]:
    spans: list[Span] = []
    carried: list[_Open] = []
    for i, para in enumerate(paras):
        done, stack = _scan(text, para, carried)
        spans += done
        carried = []
        if not stack:
            continue
        bottom = stack[0]
        # Russian convention: a quotation may run over paragraphs, each reopening it.
        if _closes_later(text, paras, i, bottom):
            carried = [bottom]
            continue
        # No closer follows: writers and scrapers lose closing marks, so it ends with its paragraph.
        stop = para[1]
        collapsed = min(bottom.collapse_end or stop, stop)
        if not any(ch.isalnum() for ch in text[collapsed:stop]):
            stop = collapsed  # `«…«…».`: one closing mark ended both levels
        if _is_speech(text, bottom.pos, stop, stop, bottom.after_colon):
            spans.append((bottom.pos, stop))
    return spans


def _closes_later(text: str, paras: list[Span], i: int, entry: _Open) -> bool:
    probe = replace(entry)  # a dry run: leave the real entry's state alone
    stack = [probe]
    for para in paras[i + 1 : i + 1 + _MAX_CARRY]:
        _, stack = _scan(text, para, stack)
        if not stack or stack[0] is not probe:
            return True
    return False


def _scan(text: str, para: Span, carried: list[_Open]) -> tuple[list[Span], list[_Open]]:
    """Quotations closed inside one paragraph, and the marks still open at its end."""
    ps, pe = para
    stack = list(carried)
    found: list[Span] = []

    def emit(s: int, e: int, after_colon: bool) -> None:
        if _is_speech(text, s, e, pe, after_colon):
            found.append((s, e))

    for m in _MARKS.finditer(text, ps, pe):
        p, q, c = m.start(), m.end(), m.group()
        role = _role(c, text[p - 1] if p > ps else None, text[q] if q < pe else None, stack)
        if role == "open":
            closer = _CLOSER[c]
            if p == ps and stack and stack[0].pos < ps and stack[0].closer == closer:
                continue  # the paragraph reopens a quotation carried over: a continuation
            if len(stack) >= _MAX_DEPTH:
                continue
            k = p  # remember a colon before the mark: `сказал: «Да»` is speech however short
            while k > ps and text[k - 1] in " \t\u00a0":
                k -= 1
            stack.append(_Open(p, closer, k > ps and text[k - 1] == ":"))
        elif role == "close":
            k = next((j for j in range(len(stack) - 1, -1, -1) if stack[j].closer == c), None)
            if k is not None:
                entry = stack[k]
                del stack[k:]
                if k == 0:
                    emit(entry.pos, q, entry.after_colon)
                elif stack[0].closer == c:
                    stack[0].collapse_end = q
            elif _ATTRIBUTION.match(text, q, pe):
                # The speaker is named right after: the speech ends here even with a mismatched mark,
                # and with nothing open the scraper dropped the opening mark.
                if stack:
                    emit(stack[0].pos, q, stack[0].after_colon)
                    stack.clear()
                    continue
                begin = found[-1][1] if found else ps
                if begin > ps:  # after an earlier quotation: skip to the next sentence
                    gap = _SENTENCE_GAP.search(text, begin, p)
                    if gap is None:
                        continue
                    begin = gap.end()
                elif dash := _DASH_LINE.match(text, ps, p):
                    begin = dash.end()
                if begin < p:
                    found.append((begin, q))
    return found, stack


def _role(c: str, prev: str | None, nxt: str | None, stack: list[_Open]) -> str | None:
    """Whether a mark opens or closes a quotation here (None: not a quotation mark)."""
    if c in ("«", "„", "``", "`"):
        return "open"
    if c == "''":
        return "close"
    if c == "'":
        within_a_word = prev is not None and nxt is not None and prev.isalnum() and nxt.isalnum()
        return "close" if not within_a_word and any(o.closer == "'" for o in stack) else None
    if c in "»”":
        return "close"
    inside = any(o.closer == c for o in stack)  # `"` inside "…", or “ while „ is open
    if c == '"' and prev is not None and prev.isdigit() and not inside:
        return None  # 27" is inches (or seconds), not a quotation mark
    starts = prev is None or prev.isspace() or prev in _OPEN_AFTER
    can_open = starts and nxt is not None and not nxt.isspace()
    can_close = (prev is not None and not prev.isspace()) and (
        nxt is None or nxt.isspace() or unicodedata.category(nxt).startswith("P")
    )
    if c == "“" and inside:
        return "close"  # „…“ is the Russian inner pair; only without an open „ does “ start English “…”
    if can_close and (inside or not can_open):
        return "close"
    return "open" if can_open or c == "“" else None


def _words_up_to(text: str, s: int, e: int, most: int) -> int:
    """min(most, the number of words in text[s:e]), without tokenising a long quotation whole.

    A prefix never holds more words than the whole (a word cut at its end is still one).
    """
    cut = min(e, s + 16 * most)
    found = len(tokenize(text, s, cut))
    if found < most and cut < e:
        found = len(tokenize(text, s, e))
    return min(found, most)


def _is_speech(text: str, s: int, e: int, limit: int, after_colon: bool) -> bool:
    """Speech, not a name in marks: long, attributed, introduced by a colon or a full sentence."""
    words = _words_up_to(text, s, e, _MIN_WORDS)
    if not words:
        return False
    if after_colon or words >= _MIN_WORDS or _ATTRIBUTION.match(text, e, limit):
        return True
    return text[s:e].rstrip().rstrip("»“”\"'").rstrip().endswith(_TERMINAL)


def _dash_spans(text: str, start: int, end: int) -> list[Quotation]:
    """Dialogue lines: `— Речь, — сказал он. — Ещё речь.`, the author's words left out."""
    out: list[Quotation] = []
    line_start = start
    bounds = [(m.start(), m.end()) for m in _LINE_BREAK.finditer(text, start, end)] + [(end, end)]
    for brk_start, brk_end in bounds:
        ls, le, line_start = line_start, brk_start, brk_end
        dash = _DASH_LINE.match(text, ls, le)
        # A dash before a lower-case word is a list item, not speech.
        if not dash or dash.end() >= le or not (text[dash.end()].isupper() or text[dash.end()] in _CLOSER):
            continue
        pos = dash.end()
        while pos < le:
            author = next((a for a in _AUTHOR.finditer(text, pos, le) if text[a.end()].islower()), None)
            stop = author.end(1) if author else le
            while stop > pos and (text[stop - 1].isspace() or text[stop - 1] == ","):
                stop -= 1  # keep `.!?…` that end the speech, drop the comma before the author's dash
            if stop > pos:
                out.append(Quotation(pos, stop, "dash"))
            resume = _RESUME.search(text, author.end(), le) if author else None
            if resume is None:
                break
            pos = resume.end()
    return out


def _merged(found: list[Quotation]) -> list[Quotation]:
    """Sorted and non-overlapping: a quotation overlapping another becomes part of it."""
    found.sort(key=lambda q: (q.start, -q.end, q.form != "dash"))
    out: list[Quotation] = []
    for q in found:
        if q.start >= q.end:
            continue
        if out and q.start < out[-1].end:
            if q.end > out[-1].end:
                out[-1] = Quotation(out[-1].start, q.end, out[-1].form)
        else:
            out.append(q)
    return out

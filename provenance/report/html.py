"""Render a lineage report as one self-contained, offline HTML page.

Everything shown comes from the report model (`provenance.report.model`). Offsets are Python
code points, so all slicing happens here and the template only prints (autoescaped) strings.
The page is complete without its script (every view printed one after another); the script,
pinned by its hash in the Content-Security-Policy, adds the views, sorting, filters and the
side-by-side comparison, reading the report embedded in the page as JSON.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import heapq
import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from provenance.report.coverage import Coverage
from provenance.report.messages import CATALOGUES, LANGUAGES, Lang, plural, plural_forms
from provenance.report.model import (
    Cluster,
    ClusterPassage,
    DocumentEntry,
    Link,
    OutletCell,
    PassageRef,
    Report,
)

TEMPLATE = "lineage.html.j2"
SCRIPT = "lineage.js"
PALETTE_SIZE = 8  # colour classes c0..c7 in the template; sources beyond that reuse colours
_WITH_YEAR = ("datetime", "day")
# A date-time at a leap second (23:59:60), which datetime cannot hold: date and time before the
# seconds, and what follows them.
_LEAP_SECOND = re.compile(r"(\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:)60(?:\.\d+)?(.*)", re.ASCII)
_KIND_ORDER = {"verbatim": 0, "near-verbatim": 1, "partial": 2}
_CLASS_KEY = {"copied-text": "copied_text", "mixed": "mixed", "shared-quotation": "shared_quotation"}
# Browsers break lines at none of NEL, U+2028 and U+2029 (they draw a box, or nothing); the
# HTML parser already reads CR and CRLF as LF. One character for one: nothing else moves.
_BREAKS_BROWSERS_MISS = re.compile("[\x85\u2028\u2029]")
# Inside <script>, "</script" or "<!--" would end or confuse the element: JSON may say them
# as escapes instead, and JSON.parse reads them back unchanged.
_SCRIPT_UNSAFE = re.compile("[<>&\x85\u2028\u2029]")
# The Cyrillic letters (U+0400-U+052F, letters only), for telling the documents' language,
# counted in pieces of this many characters.
_LANGUAGE_PIECE = 1 << 16
_CYRILLIC_LETTERS = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x400, 0x530) if chr(c).isalpha()) + "]"
)


@cache
def template_environment() -> Environment:
    """The Jinja environment of the report templates: autoescaped, strict about undefined names."""
    return Environment(
        loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _script() -> tuple[str, str]:
    """The page's script and its CSP hash source."""
    code = (Path(__file__).resolve().parent / "templates" / SCRIPT).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii")
    return code, f"'sha256-{digest}'"


@cache
def _python_spaces() -> str:
    """Every character `str.isspace()` accepts: the script counts shares exactly as Python.

    All of Unicode's white space is in the Basic Multilingual Plane; looking only there
    takes milliseconds, not a quarter of a second (a test checks the two agree).
    """
    return "".join(chr(i) for i in range(0x10000) if chr(i).isspace())


def content_security_policy() -> str:
    """No network at all: only the page's own script (by hash) and inline styles run."""
    _, script_hash = _script()
    return (
        f"default-src 'none'; script-src {script_hash}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def shown(text: str) -> str:
    """Text of a document as the page prints it: every line break one the browser keeps."""
    # A regular expression, not str.translate: translate looks up every character in Python.
    return _BREAKS_BROWSERS_MISS.sub("\n", text)


def report_language(report: Report) -> Lang:
    """The interface language that suits the documents: Kazakh when most of them are told as
    Kazakh, else Russian when their letters are mostly Cyrillic, else English."""
    documents = report.documents
    kazakh = sum(1 for d in documents if d.language is not None and d.language.code == "kk")
    if kazakh * 2 > len(documents):
        return "kk"
    return _language(documents)


def render_html(report: Report, lang: Lang | None = None) -> str:
    """The report as one HTML page: no network requests, same input → same bytes.

    `lang` is the interface language (`en`, `ru` or `kk`); by default the documents' language.
    """
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return (
        template_environment()
        .get_template(TEMPLATE)
        .render(**_context(report, lang or report_language(report)))
    )


# --- dates -----------------------------------------------------------------------------------


def _has_year(precision: str) -> bool:
    return precision in _WITH_YEAR


def _instant(value: str) -> str:
    """A date-time as a sortable key of the moment it names, so offsets do not disturb the order.

    The key is the count of microseconds from 0001-01-01T00:00 local time, less the offset, in
    fixed width: digits sort the same as strings (Python) and as numbers (the page's collator).
    Counted in integers, not by converting to UTC, which leaves datetime's years 1 to 9999 at
    their ends (0001-01-01T00:00+00:01 is still in year 0 in UTC). A leap second (23:59:60),
    which datetime cannot hold, counts as the last microsecond before the next minute.
    """
    leap = _LEAP_SECOND.fullmatch(value)
    try:
        moment = datetime.fromisoformat(f"{leap[1]}59.999999{leap[2]}" if leap else value)
    except ValueError:
        return value
    offset = moment.utcoffset()
    if offset is None:  # a naive time would be read in the machine's zone: keep it as written
        return value
    seconds = moment.toordinal() * 86400 + moment.hour * 3600 + moment.minute * 60 + moment.second
    micro = seconds * 1_000_000 + moment.microsecond - offset // timedelta(microseconds=1)
    return f"{micro:019d}"


def _date_key(date: str | None, precision: str) -> tuple[int, str, str]:
    """Year-known dates first (by day, then time), then month-day, then undated."""
    if _has_year(precision) and date:
        return (0, date[:10], _instant(date) if precision == "datetime" else "")
    if precision == "month-day" and date:
        return (1, date, "")
    return (2, "", "")


def _date_label(date: str | None, precision: str, t: dict[str, str], *, badge: bool = False) -> str:
    """A readable date; where a badge already says "no year" the label does not repeat it."""
    if not date or precision == "none":
        return "" if badge else t["undated"]
    if precision == "month-day":
        return date[2:] if badge else f"{date[2:]} ({t['no_year']})"
    return date.replace("T", " ")


# --- language --------------------------------------------------------------------------------


def _language(documents: Sequence[DocumentEntry]) -> Lang:
    """`ru` when most letters in the bodies are Cyrillic, else `en`.

    A document whose text the report leaves out counts by its told language instead: its
    counted characters, Cyrillic when it is Russian or Kazakh (not at all when not told).
    """
    letters = cyrillic = 0
    for doc in documents:
        text, (start, end) = doc.text, doc.body
        if text is None:
            if doc.language is not None:
                letters += doc.counted_chars
                cyrillic += doc.counted_chars if doc.language.code in ("ru", "kk") else 0
            continue
        # In pieces: findall makes an object of every letter it finds, too many for a whole body.
        for at in range(start, end, _LANGUAGE_PIECE):
            piece = text[at : min(at + _LANGUAGE_PIECE, end)]
            letters += sum(map(str.isalpha, piece))
            cyrillic += len(_CYRILLIC_LETTERS.findall(piece))
    return "ru" if letters and cyrillic * 2 > letters else "en"


# --- highlighting ----------------------------------------------------------------------------


@dataclass(eq=False)
class _Side:
    """One document's side of a link, as seen from that document."""

    link: Link
    letter: str  # "s" or "t": which side of the link this is
    start: int
    end: int
    other_id: str  # the document on the other side
    other: DocumentEntry | None  # None only in a broken report: a document it does not have
    relation: str  # a message key: earlier_source, later_copy, same_day, order_unknown
    source_no: int = 0

    @property
    def anchor(self) -> str:
        return f"{self.link.id}-{self.letter}"

    @property
    def twin(self) -> str:
        return f"{self.link.id}-{'t' if self.letter == 's' else 's'}"

    @property
    def uncredited(self) -> bool:
        """This side copied prose from an earlier article and does not credit it."""
        link = self.link
        return (
            self.letter == "t"
            and link.directed
            and link.link_class != "shared-quotation"
            and not link.credited
        )


@dataclass
class _Segment:
    text: str
    anchors: list[str] = field(default_factory=list)  # link sides that start here
    mark: dict[str, Any] | None = None
    quoted: bool = False  # inside direct speech
    excluded: str | None = None  # why the text is left out of matching, if it is


def _relation(direction: str, letter: str) -> str:
    """How the other side relates in time, from this side's point of view."""
    if direction == "earlier-to-later":
        return "earlier_source" if letter == "t" else "later_copy"
    return "same_day" if direction == "same-day" else "order_unknown"


def _sides(doc_id: str, links: list[Link], docs: dict[str, DocumentEntry]) -> list[_Side]:
    sides = []
    for link in links:
        for letter, mine, theirs in (("s", link.source, link.target), ("t", link.target, link.source)):
            if mine.document == doc_id:
                sides.append(
                    _Side(
                        link,
                        letter,
                        mine.start,
                        mine.end,
                        theirs.document,
                        docs.get(theirs.document),
                        _relation(link.direction, letter),
                    )
                )
    return sides


def _outlet_and_date(doc: DocumentEntry | None, t: dict[str, str]) -> tuple[str, str]:
    """A document's outlet and date as the page names them (a missing document has neither)."""
    if doc is None:
        return t["unknown_outlet"], _date_label(None, "none", t)
    return doc.outlet or t["unknown_outlet"], _date_label(doc.date, doc.date_precision, t)


def _source_line(side: _Side, t: dict[str, str]) -> str:
    link = side.link
    return " · ".join(
        (
            *_outlet_and_date(side.other, t),
            side.other_id,
            t[link.kind],
            t[_CLASS_KEY[link.link_class]],
            t["credited"] if link.credited else t["not_credited"],
            t[side.relation],
        )
    )


def _segments(doc: DocumentEntry, sides: list[_Side], anchor: str, t: dict[str, str]) -> list[_Segment]:
    """Split the body at every span boundary; each piece knows every link side covering it.

    Spans may overlap, so a piece can be covered by several links; cutting at all boundaries
    keeps each code point in exactly one piece (nothing lost, nothing repeated). One sweep over
    the sorted boundaries opens and closes spans as it passes them, so the work grows with the
    spans and the pieces, not with their product.
    """
    text = doc.text
    assert text is not None, "only a document with its text has segments"
    b0, b1 = doc.body

    def clip(i: int) -> int:
        return min(max(i, b0), b1)

    spans = [(clip(s.start), clip(s.end), s) for s in sides]
    quoted = [(clip(q.start), clip(q.end)) for q in doc.quotations or ()]
    excluded = [(clip(e.start), clip(e.end), e.reason) for e in doc.excluded or ()]
    points = sorted(
        {b0, b1}
        | {p for a, b, _ in spans for p in (a, b)}
        | {p for a, b in quoted for p in (a, b)}
        | {p for a, b, _ in excluded for p in (a, b)}
    )
    # What each boundary starts, opens and closes. A span of no length opens nothing: it covers
    # no piece, though its anchor still marks where it starts.
    starting: dict[int, list[str]] = defaultdict(list)
    opens: dict[int, list[int]] = defaultdict(list)
    closes: dict[int, list[int]] = defaultdict(list)
    for n, (a, b, s) in enumerate(spans):
        starting[a].append(s.anchor)
        if a < b:
            opens[a].append(n)
            closes[b].append(n)
    quote_depth: Counter[int] = Counter()
    for a, b in quoted:
        if a < b:
            quote_depth[a] += 1
            quote_depth[b] -= 1
    excluded_opens: dict[int, list[int]] = defaultdict(list)
    excluded_closes: dict[int, list[int]] = defaultdict(list)
    for n, (a, b, _) in enumerate(excluded):
        if a < b:
            excluded_opens[a].append(n)
            excluded_closes[b].append(n)

    def order(n: int) -> tuple[int, str, str, int]:
        s = spans[n][2]
        return (s.source_no, s.link.id, s.letter, n)

    active: set[int] = set()
    depth = 0
    # The first excluded span (in the document's order) covering the piece gives the reason:
    # a heap of the open ones, whose closed entries are dropped when they reach the top.
    open_excluded: list[int] = []
    closed_excluded: set[int] = set()
    out: list[_Segment] = []
    marks = 0
    for i, here in enumerate(points):
        active.difference_update(closes.get(here, ()))
        active.update(opens.get(here, ()))
        depth += quote_depth.get(here, 0)
        closed_excluded.update(excluded_closes.get(here, ()))
        for n in excluded_opens.get(here, ()):
            heapq.heappush(open_excluded, n)
        while open_excluded and open_excluded[0] in closed_excluded:
            heapq.heappop(open_excluded)
        anchors = sorted(starting.get(here, ()))
        nxt = points[i + 1] if i + 1 < len(points) else None
        if nxt is None:
            if anchors:  # a span clipped to nothing at the very end still needs its anchor
                out.append(_Segment("", anchors))
            break
        covering = [spans[n][2] for n in sorted(active, key=order)]
        segment = _Segment(shown(text[here:nxt]), anchors)
        segment.quoted = depth > 0
        segment.excluded = excluded[open_excluded[0]][2] if open_excluded else None
        if covering:
            numbers = sorted({s.source_no for s in covering})
            ending = sorted({s.source_no for s in covering if clip(s.end) == nxt})
            first = covering[0].link
            classes = [f"c{(numbers[0] - 1) % PALETTE_SIZE}", f"k-{first.kind}"]
            if len(numbers) > 1:
                classes.append("multi")
            if first.link_class == "shared-quotation":
                classes.append("sq")
            if any(s.uncredited for s in covering):
                classes.append("uc")
            if segment.quoted:
                classes.append("q")
            marks += 1
            segment.mark = {
                "id": f"{anchor}-m{marks}",
                "class": " ".join(classes),
                "href": covering[0].twin,
                "links": " ".join(s.link.id for s in covering),
                "sides": " ".join(s.anchor for s in covering),
                "ending": " ".join(s.anchor for s in covering if clip(s.end) == nxt),
                "title": "\n".join(f"[{s.source_no}] {_source_line(s, t)}" for s in covering),
                "markers": ",".join(map(str, ending)),
            }
        out.append(segment)
    return out


# --- page context ----------------------------------------------------------------------------


def _context(report: Report, lang: Lang) -> dict[str, Any]:
    t = CATALOGUES[lang]
    documents = report.documents
    links = sorted(report.links, key=lambda lk: lk.id)
    docs = {d.id: d for d in documents}
    ordered = sorted(documents, key=lambda d: (*_date_key(d.date, d.date_precision), d.id))
    anchors = {d.id: f"doc-{n}" for n, d in enumerate(ordered, 1)}
    rank = {d.id: n for n, d in enumerate(ordered)}

    # Each document's links, found once rather than by a pass over all links per document.
    links_of: dict[str, list[Link]] = {}
    for link in links:
        for doc_id in dict.fromkeys((link.source.document, link.target.document)):
            links_of.setdefault(doc_id, []).append(link)
    doc_views = [_document_view(d, links_of.get(d.id, []), docs, anchors, rank, t) for d in ordered]
    for i, view in enumerate(doc_views):
        view["previous"] = doc_views[i - 1]["anchor"] if i else None
        view["next"] = doc_views[i + 1]["anchor"] if i + 1 < len(doc_views) else None
    by_id = {lk.id: lk for lk in links}
    cluster_views = [_cluster_view(c, by_id, anchors, rank, t) for c in report.clusters]
    code, _ = _script()
    # What the script needs beyond the report: the page's own numbering and words.
    view = {
        "lang": lang,
        "order": [d.id for d in ordered],
        "anchors": anchors,
        "sources": {v["id"]: [s["document"] for s in v["sources"]] for v in doc_views},
        "palette": PALETTE_SIZE,
        "spaces": _python_spaces(),
        "t": t,
        "plural": plural_forms(lang),
    }
    # Lists in id order, so that the page does not depend on how the report ordered them.
    embedded = dataclasses.replace(
        report,
        documents=tuple(sorted(report.documents, key=lambda d: d.id)),
        links=tuple(links),
        clusters=tuple(sorted(report.clusters, key=lambda c: c.id)),
    ).to_dict()
    data = json.dumps(
        {"report": embedded, "view": view}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    del embedded
    summary = report.summary
    return {
        "lang": lang,
        "t": t,
        "n_": lambda n, word: plural(lang, n, word),
        "csp": content_security_policy(),
        "script": Markup(code),
        "data": Markup(_SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", data)),
        "report_version": report.schema_version,
        "tool": report.tool,
        "input": report.input,
        "summary": summary,
        "parameters": [(k, _param(v)) for k, v in sorted(report.parameters.items())],
        "warnings": report.warnings,
        "skipped": report.skipped,
        "documents": doc_views,
        "clusters": cluster_views,
        "boilerplate": report.boilerplate,
        "outlets": _heat_map(summary.outlets, documents, t),
        "footer": t["footer"].format(
            tool=f"{report.tool.name} {report.tool.version}", version=report.schema_version
        ),
    }


def _param(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _pct(part: int, whole: int) -> str:
    """A share as the report rounds it (4 places), shown to one decimal of a percent."""
    share = round(min(part / whole, 1.0), 4) if whole else 0.0
    return f"{share * 100:.1f}%"


def _document_view(
    doc: DocumentEntry,
    links: list[Link],
    docs: dict[str, DocumentEntry],
    anchors: dict[str, str],
    rank: dict[str, int],
    t: dict[str, str],
) -> dict[str, Any]:
    anchor = anchors[doc.id]
    sides = _sides(doc.id, links, docs)
    # Sources are numbered in date order of the other document, so the list reads as a timeline.
    others = sorted({s.other_id for s in sides}, key=lambda i: (rank.get(i, len(rank)), i))
    numbers = {other: n for n, other in enumerate(others, 1)}
    for s in sides:
        s.source_no = numbers[s.other_id]
    text = doc.text or ""  # a document without its text is in no link: nothing is measured in it
    coverage = Coverage(text, [(e.start, e.end) for e in doc.excluded or ()])
    counted = doc.counted_chars
    # Each source's sides, gathered once rather than by a pass over all sides per source.
    sides_of: dict[str, list[_Side]] = defaultdict(list)
    for s in sides:
        sides_of[s.other_id].append(s)
    sources = []
    for other_id in others:
        mine = sides_of[other_id]
        outlet, date = _outlet_and_date(mine[0].other, t)
        chars = coverage.chars([(s.start, s.end) for s in mine])
        sources.append(
            {
                "number": numbers[other_id],
                "colour": (numbers[other_id] - 1) % PALETTE_SIZE,
                "outlet": outlet,
                "date": date,
                "document": other_id,
                "href": anchors.get(other_id, ""),
                "share": _pct(chars, counted),
                "chars": chars,
                "kinds": ", ".join(t[k] for k in sorted({s.link.kind for s in mine}, key=_KIND_ORDER.get)),
                "classes": [
                    (c, t[_CLASS_KEY[c]])
                    for c in sorted({s.link.link_class for s in mine}, key=_CLASS_KEY.get)
                ],
                # Copied prose the later side does not credit is what an editor must look at.
                "uncredited": any(s.uncredited for s in mine),
                "credited": any(s.link.credited for s in mine),
                "relations": ", ".join(t[r] for r in sorted({s.relation for s in mine})),
                "first_passage": min(mine, key=lambda s: (s.start, s.link.id)).anchor,
            }
        )
    body_start, body_end = doc.body
    precision = doc.date_precision
    return {
        "anchor": anchor,
        "id": doc.id,
        "path": doc.path,
        "format": doc.format,
        "encoding": doc.encoding,
        "title": doc.title,
        "url": doc.url,
        "outlet": doc.outlet,
        "outlet_source": doc.outlet_source,
        "date": _date_label(doc.date, precision, t, badge=True),
        "date_sort": "|".join(map(str, _date_key(doc.date, precision))),
        "precision": precision,
        "date_source": doc.date_source,
        "reused_pct": _pct(doc.reused_chars, counted),
        "reused_chars": doc.reused_chars,
        "counted_chars": counted,
        "links": doc.links,
        "earliest": _earliest(sides, rank, t),
        "has_text": doc.has_text,
        "text_length": doc.text_length,
        "sha256": doc.sha256,
        "header": shown(text[:body_start]),
        "trailer": shown(text[body_end:]),
        "segments": _segments(doc, sides, anchor, t) if doc.has_text else [],
        "sources": sources,
        "cites": doc.cites,
    }


def _earliest(sides: list[_Side], rank: dict[str, int], t: dict[str, str]) -> str:
    """Who had this article's reused text first, as far as the corpus can tell."""
    earlier = [s for s in sides if s.relation == "earlier_source"]
    if earlier:
        first = min(earlier, key=lambda s: (rank.get(s.other_id, len(rank)), s.other_id)).other
        return " · ".join(_outlet_and_date(first, t))
    relations = {s.relation for s in sides}
    if "same_day" in relations:
        return t["earliest_tie"]
    if "order_unknown" in relations:
        return t["earliest_unknown"]
    return t["earliest_self"] if relations else t["none"]


def _cluster_view(
    cluster: Cluster,
    links: dict[str, Link],
    anchors: dict[str, str],
    rank: dict[str, int],
    t: dict[str, str],
) -> dict[str, Any]:
    in_cluster = set(cluster.links)
    mine = [links[i] for i in sorted(in_cluster) if i in links]

    # The cluster's link sides in each document, in link order: a member asks only its own.
    sides_in: dict[str, list[tuple[str, PassageRef]]] = defaultdict(list)
    for lk in mine:
        for letter, side in (("s", lk.source), ("t", lk.target)):
            sides_in[side.document].append((f"{lk.id}-{letter}", side))

    def member(p: ClusterPassage) -> dict[str, Any]:
        # Jump to the highlighted passage when a link of this cluster covers it, else to the document.
        target = next(
            (
                anchor
                for anchor, side in sides_in.get(p.document, ())
                if side.start < p.end and p.start < side.end
            ),
            anchors.get(p.document, ""),
        )
        return {
            "document": p.document,
            "href": target,
            "outlet": p.outlet or t["unknown_outlet"],
            "date": _date_label(p.date, p.date_precision, t, badge=True),
            "precision": p.date_precision,
            "snippet": shown(p.snippet),
        }

    def order(p: ClusterPassage) -> tuple[Any, ...]:
        return (rank.get(p.document, len(rank)), p.document, p.start, p.end)

    passages = sorted(cluster.passages, key=order)
    # Later members grouped by calendar day: members of one day are a tie among themselves.
    later: list[dict[str, Any]] = []
    for p in (p for p in passages if p.role == "later"):
        day = (p.date or "")[:10]
        if later and later[-1]["day"] == day:
            later[-1]["members"].append(member(p))
        else:
            later.append({"day": day, "members": [member(p)]})
    apart = [p for p in passages if p.role == "yearless"]
    status = cluster.origin.status
    return {
        "id": cluster.id,
        "status": status,
        "origin_date": _date_label(cluster.origin.date, "datetime", t),
        "origin": [member(p) for p in passages if p.role == "origin"],
        "later": later,
        "yearless": [member(p) for p in apart if p.date_precision != "none"],
        "undated": [member(p) for p in apart if p.date_precision == "none"],
        "passages": len(passages),
        "links": sorted(in_cluster),
    }


def _heat_map(
    cells: Sequence[OutletCell], documents: Sequence[DocumentEntry], t: dict[str, str]
) -> dict[str, Any]:
    """The who-copies-whom matrix as two grids: ordered links, and links of unknown order."""
    names = sorted({d.outlet for d in documents}, key=lambda o: (o is None, o or ""))
    top = max((c.reused_chars for c in cells), default=0)

    def grid(directed: bool) -> list[dict[str, Any]]:
        found = {(c.source, c.target): c for c in cells if c.directed == directed}
        rows = []
        for i, a in enumerate(names):
            row = []
            for j, b in enumerate(names):
                # Unordered pairs live once, above the diagonal (names in sorted order).
                present = directed or i <= j
                c = found.get((a, b))
                row.append(
                    {
                        "present": present,
                        "source": a or "",
                        "target": b or "",
                        "links": c.links if c else 0,
                        "chars": c.reused_chars if c else 0,
                        "credited": f"{c.credited_share * 100:.0f}%" if c else "",
                        "quoted": f"{c.quotation_share * 100:.0f}%" if c else "",
                        "heat": f"{c.reused_chars / top:.3f}" if c and top else "0",
                    }
                )
            rows.append({"name": a or t["unknown_outlet"], "cells": row})
        return rows

    return {
        "names": [n or t["unknown_outlet"] for n in names],
        "keys": [n or "" for n in names],
        "directed": grid(True),
        "unordered": grid(False),
        "any_unordered": any(not c.directed for c in cells),
    }

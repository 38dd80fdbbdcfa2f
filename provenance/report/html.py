"""Render a lineage report as one self-contained, offline HTML page.

Everything shown comes from the report dict. Offsets are Python code points, so all slicing
happens here and the template only prints (autoescaped) strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATE = "lineage.html.j2"
PALETTE_SIZE = 8  # colour classes c0..c7 in the template; sources beyond that reuse colours
_WITH_YEAR = ("datetime", "day")
_KIND_ORDER = {"verbatim": 0, "near-verbatim": 1, "partial": 2}
# Browsers break lines at none of NEL, U+2028 and U+2029 (they draw a box, or nothing); the
# HTML parser already reads CR and CRLF as LF. One character for one: nothing else moves.
_AS_LF = str.maketrans(dict.fromkeys("\x85\u2028\u2029", "\n"))


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


def shown(text: str) -> str:
    """Text of a document as the page prints it: every line break one the browser keeps."""
    return text.translate(_AS_LF)


def render_html(report: dict[str, Any]) -> str:
    """The report as one HTML page: no scripts, no network requests, same input → same bytes."""
    return template_environment().get_template(TEMPLATE).render(**_context(report))


# --- dates -----------------------------------------------------------------------------------


def _has_year(precision: str) -> bool:
    return precision in _WITH_YEAR


def _instant(value: str) -> str:
    """A date-time as a sortable UTC string, so offsets do not disturb the order."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    # A naive time would be read in the machine's zone: keep it as written instead.
    return moment.astimezone(UTC).isoformat() if moment.tzinfo else value


def _date_key(date: str | None, precision: str) -> tuple[int, str, str]:
    """Year-known dates first (by day, then time), then month-day, then undated."""
    if _has_year(precision) and date:
        return (0, date[:10], _instant(date) if precision == "datetime" else "")
    if precision == "month-day" and date:
        return (1, date, "")
    return (2, "", "")


def _date_label(date: str | None, precision: str, *, badge: bool = False) -> str:
    """A readable date; where a badge already says "no year" the label does not repeat it."""
    if not date or precision == "none":
        return "" if badge else "undated"
    if precision == "month-day":
        return date[2:] if badge else f"{date[2:]} (no year)"
    return date.replace("T", " ")


# --- language --------------------------------------------------------------------------------


def _language(documents: list[dict[str, Any]]) -> str:
    """`ru` when most letters in the bodies are Cyrillic, else `en`."""
    letters = cyrillic = 0
    for doc in documents:
        for ch in doc["text"][doc["body"]["start"] : doc["body"]["end"]]:
            if ch.isalpha():
                letters += 1
                if "\u0400" <= ch <= "\u052f":
                    cyrillic += 1
    return "ru" if letters and cyrillic * 2 > letters else "en"


# --- highlighting ----------------------------------------------------------------------------


@dataclass(eq=False)
class _Side:
    """One document's side of a link, as seen from that document."""

    link: dict[str, Any]
    letter: str  # "s" or "t": which side of the link this is
    start: int
    end: int
    other: dict[str, Any]  # the document on the other side
    relation: str
    source_no: int = 0

    @property
    def anchor(self) -> str:
        return f"{self.link['id']}-{self.letter}"

    @property
    def twin(self) -> str:
        return f"{self.link['id']}-{'t' if self.letter == 's' else 's'}"


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
        return "earlier source" if letter == "t" else "later copy"
    return "same day" if direction == "same-day" else "order unknown"


def _sides(doc_id: str, links: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> list[_Side]:
    sides = []
    for link in links:
        for letter, mine, theirs in (("s", "source", "target"), ("t", "target", "source")):
            if link[mine]["document"] == doc_id:
                other = docs.get(link[theirs]["document"], {"id": link[theirs]["document"]})
                sides.append(
                    _Side(
                        link,
                        letter,
                        link[mine]["start"],
                        link[mine]["end"],
                        other,
                        _relation(link["direction"], letter),
                    )
                )
    return sides


def _source_line(side: _Side) -> str:
    other = side.other
    return " · ".join(
        (
            other.get("outlet") or "unknown outlet",
            _date_label(other.get("date"), other.get("date_precision", "none")),
            other["id"],
            side.link["kind"],
            side.link["class"],
            "credited" if side.link["credited"] else "not credited",
            side.relation,
        )
    )


def _segments(doc: dict[str, Any], sides: list[_Side], anchor: str) -> list[_Segment]:
    """Split the body at every span boundary; each piece knows every link side covering it.

    Spans may overlap, so a piece can be covered by several links; cutting at all boundaries
    keeps each code point in exactly one piece (nothing lost, nothing repeated).
    """
    text = doc["text"]
    b0, b1 = doc["body"]["start"], doc["body"]["end"]

    def clip(i: int) -> int:
        return min(max(i, b0), b1)

    spans = [(clip(s.start), clip(s.end), s) for s in sides]
    quoted = [(clip(q["start"]), clip(q["end"])) for q in doc["quotations"]]
    excluded = [(clip(e["start"]), clip(e["end"]), e["reason"]) for e in doc["excluded"]]
    points = sorted(
        {b0, b1}
        | {p for a, b, _ in spans for p in (a, b)}
        | {p for a, b in quoted for p in (a, b)}
        | {p for a, b, _ in excluded for p in (a, b)}
    )
    out: list[_Segment] = []
    marks = 0
    for i, here in enumerate(points):
        starting = sorted(s.anchor for a, _, s in spans if a == here)
        nxt = points[i + 1] if i + 1 < len(points) else None
        if nxt is None:
            if starting:  # a span clipped to nothing at the very end still needs its anchor
                out.append(_Segment("", starting))
            break
        covering = sorted(
            (s for a, b, s in spans if a <= here and nxt <= b),
            key=lambda s: (s.source_no, s.link["id"], s.letter),
        )
        segment = _Segment(shown(text[here:nxt]), starting)
        segment.quoted = any(a <= here and nxt <= b for a, b in quoted)
        segment.excluded = next((r for a, b, r in excluded if a <= here and nxt <= b), None)
        if covering:
            numbers = sorted({s.source_no for s in covering})
            ending = sorted({s.source_no for s in covering if clip(s.end) == nxt})
            marks += 1
            segment.mark = {
                "id": f"{anchor}-m{marks}",
                "colour": (numbers[0] - 1) % PALETTE_SIZE,
                "multi": len(numbers) > 1,
                "href": covering[0].twin,
                "links": " ".join(s.link["id"] for s in covering),
                "title": "\n".join(f"[{s.source_no}] {_source_line(s)}" for s in covering),
                "markers": ",".join(map(str, ending)),
            }
        out.append(segment)
    return out


# --- page context ----------------------------------------------------------------------------


def _context(report: dict[str, Any]) -> dict[str, Any]:
    documents = report["documents"]
    links = report["links"]
    docs = {d["id"]: d for d in documents}
    ordered = sorted(documents, key=lambda d: (*_date_key(d["date"], d["date_precision"]), d["id"]))
    anchors = {d["id"]: f"doc-{n}" for n, d in enumerate(ordered, 1)}
    rank = {d["id"]: n for n, d in enumerate(ordered)}

    doc_views = [_document_view(d, links, docs, anchors, rank) for d in ordered]
    cluster_views = [_cluster_view(c, report, docs, anchors, rank) for c in report["clusters"]]
    return {
        "lang": _language(documents),
        "report_version": report["schema_version"],
        "tool": report["tool"],
        "input": report["input"],
        "summary": report["summary"],
        "parameters": [(k, _param(v)) for k, v in sorted(report["parameters"].items())],
        "warnings": report["warnings"],
        "skipped": report["skipped"],
        "documents": doc_views,
        "clusters": cluster_views,
        "boilerplate": report["boilerplate"],
        "matrix": [
            {
                **cell,
                "credited_pct": f"{cell['credited_share'] * 100:.0f}%",
                "quoted_pct": f"{cell['quotation_share'] * 100:.0f}%",
            }
            for cell in report["summary"]["outlets"]
        ],
    }


def _param(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _document_view(
    doc: dict[str, Any],
    links: list[dict[str, Any]],
    docs: dict[str, dict[str, Any]],
    anchors: dict[str, str],
    rank: dict[str, int],
) -> dict[str, Any]:
    anchor = anchors[doc["id"]]
    sides = _sides(doc["id"], links, docs)
    # Sources are numbered in date order of the other document, so the list reads as a timeline.
    others = sorted({s.other["id"] for s in sides}, key=lambda i: (rank.get(i, len(rank)), i))
    numbers = {other: n for n, other in enumerate(others, 1)}
    for s in sides:
        s.source_no = numbers[s.other["id"]]
    sources = []
    for other_id in others:
        mine = [s for s in sides if s.other["id"] == other_id]
        other = mine[0].other
        sources.append(
            {
                "number": numbers[other_id],
                "colour": (numbers[other_id] - 1) % PALETTE_SIZE,
                "outlet": other.get("outlet") or "unknown outlet",
                "date": _date_label(other.get("date"), other.get("date_precision", "none")),
                "document": other_id,
                "href": anchors.get(other_id, ""),
                "kinds": ", ".join(sorted({s.link["kind"] for s in mine}, key=_KIND_ORDER.get)),
                "classes": sorted({s.link["class"] for s in mine}),
                # Copied prose the later side does not credit is what an editor must look at.
                "uncredited": any(
                    s.link["class"] != "shared-quotation" and not s.link["credited"] for s in mine
                ),
                "credited": any(s.link["credited"] for s in mine),
                "relations": ", ".join(sorted({s.relation for s in mine})),
                "first_passage": min(mine, key=lambda s: (s.start, s.link["id"])).anchor,
            }
        )
    body = doc["body"]
    return {
        "anchor": anchor,
        "id": doc["id"],
        "path": doc["path"],
        "format": doc["format"],
        "encoding": doc["encoding"],
        "title": doc["title"],
        "url": doc["url"],
        "outlet": doc["outlet"],
        "outlet_source": doc["outlet_source"],
        "date": _date_label(doc["date"], doc["date_precision"], badge=True),
        "precision": doc["date_precision"],
        "date_source": doc["date_source"],
        "reused_pct": f"{doc['reused_share'] * 100:.1f}%",
        "reused_chars": doc["reused_chars"],
        "links": doc["links"],
        "header": shown(doc["text"][: body["start"]]),
        "trailer": shown(doc["text"][body["end"] :]),
        "segments": _segments(doc, sides, anchor),
        "sources": sources,
        "cites": doc["cites"],
        "excluded": [
            {"reason": e["reason"], "text": shown(doc["text"][e["start"] : e["end"]]), "rule": e.get("rule")}
            for e in doc["excluded"]
        ],
    }


def _cluster_view(
    cluster: dict[str, Any],
    report: dict[str, Any],
    docs: dict[str, dict[str, Any]],
    anchors: dict[str, str],
    rank: dict[str, int],
) -> dict[str, Any]:
    in_cluster = set(cluster["links"])
    # By id, not report order, so that the page does not depend on how the lists were ordered.
    links = sorted((lk for lk in report["links"] if lk["id"] in in_cluster), key=lambda lk: lk["id"])

    def member(p: dict[str, Any]) -> dict[str, Any]:
        # Jump to the highlighted passage when a link of this cluster covers it, else to the document.
        target = anchors.get(p["document"], "")
        for lk in links:
            for letter, side in (("s", lk["source"]), ("t", lk["target"])):
                overlaps = side["start"] < p["end"] and p["start"] < side["end"]
                if side["document"] == p["document"] and overlaps:
                    target = f"{lk['id']}-{letter}"
                    break
            else:
                continue
            break
        return {
            "document": p["document"],
            "href": target,
            "outlet": p["outlet"] or "unknown outlet",
            "date": _date_label(p["date"], p["date_precision"], badge=True),
            "precision": p["date_precision"],
            "snippet": shown(p["snippet"]),
        }

    def order(p: dict[str, Any]) -> tuple[Any, ...]:
        return (rank.get(p["document"], len(rank)), p["document"], p["start"], p["end"])

    passages = sorted(cluster["passages"], key=order)
    status = cluster["origin"]["status"]
    return {
        "id": cluster["id"],
        "status": status,
        "origin_date": _date_label(cluster["origin"]["date"], "datetime"),
        "origin": [member(p) for p in passages if p["role"] == "origin"],
        "later": [member(p) for p in passages if p["role"] == "later"],
        "yearless": [member(p) for p in passages if p["role"] == "yearless"],
        "links": sorted(in_cluster),
    }

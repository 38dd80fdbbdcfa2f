"""Check a lineage report against its schema and against itself."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from provenance.editorial.meaning import classify
from provenance.report.build import outlet_matrix
from provenance.report.coverage import covered_chars
from provenance.report.model import (
    Cluster,
    ClusterPassage,
    DocumentEntry,
    Link,
    PassageRef,
    Report,
    collector_paused,
)
from provenance.report.stored import ids_of
from provenance.schemas import screened_errors
from provenance.text.spans import Span

SCHEMA = "lineage-report.schema.json"
T = TypeVar("T")

# Producers may round the share; a looser tolerance would hide real miscounts.
_SHARE_TOLERANCE = 1e-3
_WITH_YEAR = ("datetime", "day")


def validate_report(report: Report | Mapping[str, Any]) -> list[str]:
    """Every problem with `report` (a `Report`, or JSON data read from a file) as a readable
    message; empty when the report is valid.

    The JSON is checked against the schema first; the consistency checks (offsets, snippets,
    cross references, counts) run on the model, once the shape is right, since they rely on it.
    """
    if isinstance(report, Report):
        return _schema_errors(report) or check_report(report)
    return read_report(report)[1]


# Each list of the report and the part of the schema that describes its items.
_LISTS = {
    "documents": "document",
    "links": "link",
    "clusters": "cluster",
    "boilerplate": "boilerplate_line",
    "warnings": "warning",
    "skipped": "skipped",
}


def _schema_errors(report: Report) -> list[str]:
    """The schema's errors in the report's JSON, checked an item at a time: the JSON of a
    report of 100,000 articles is never built whole (nor copied whole into the validator)."""
    found = screened_errors(SCHEMA, dataclasses.replace(report, **dict.fromkeys(_LISTS, ())).to_dict())
    for key, definition in _LISTS.items():
        for n, item in enumerate(getattr(report, key)):
            found += screened_errors(SCHEMA, item.to_dict(), definition, (key, n))
    return found


def read_report(data: Mapping[str, Any]) -> tuple[Report | None, list[str]]:
    """The report of JSON data read from a file, and every problem with it (as
    `validate_report`); no report when the data is not in the schema's shape."""
    found = screened_errors(SCHEMA, data)
    if found:
        return None, found
    with collector_paused():
        report = Report.from_dict(data)
    return report, check_report(report)


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def _day(date: str | None, precision: str) -> str | None:
    return date[:10] if date and precision in _WITH_YEAR else None


class _ById(Mapping[str, T]):
    """A list of the report by id, each item read when asked for: a report whose lists are
    stored on disk is never held whole (see `provenance.report.stored`). Of items with the
    same id, the last."""

    def __init__(self, items: Sequence[T], index: dict[str, int]) -> None:
        self._items, self._index = items, index

    def __getitem__(self, key: str) -> T:
        return self._items[self._index[key]]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def check_report(report: Report) -> list[str]:
    """The consistency problems of a report whose JSON the schema accepts.

    Each list is read in order a few times (the documents once with their texts) and
    otherwise an item at a time, by id, as links and clusters name them: none of them needs
    to be held (see `provenance.report.stored`).
    """
    out: list[str] = []
    texts = report.parameters.get("texts")
    doc_ids, link_ids = ids_of(report.documents), ids_of(report.links)
    cluster_ids: list[str] = []
    # As sets: a cluster of many articles has many links, each asking whether it is listed.
    cluster_links: dict[str, set[str]] = {}
    statuses: Counter[str] = Counter()
    for c in report.clusters:
        cluster_ids.append(c.id)
        cluster_links[c.id] = set(c.links)
        statuses[c.origin.status] += 1
    docs = _ById(report.documents, {doc_id: n for n, doc_id in enumerate(doc_ids)})
    links = _ById(report.links, {link_id: n for n, link_id in enumerate(link_ids)})
    clusters = _ById(report.clusters, {cluster_id: n for n, cluster_id in enumerate(cluster_ids)})

    for what, ids in (("document", doc_ids), ("link", link_ids), ("cluster", cluster_ids)):
        for dup in _duplicates(ids):
            out.append(f"duplicate {what} id {dup!r}")
    del doc_ids, link_ids, cluster_ids
    # Problems of each document's text go here, found as the documents are read below.
    text_problems_at = len(out)

    def check_passage(where: str, p: PassageRef | ClusterPassage) -> bool:
        doc = docs.get(p.document)
        if doc is None:
            out.append(f"{where}: unknown document {p.document!r}")
            return False
        if doc.text is None:
            out.append(f"{where}: names document {p.document!r}, whose text the report does not carry")
            return False
        start, end, length = p.start, p.end, len(doc.text)
        if not 0 <= start < end <= length:
            out.append(
                f"{where}: span [{start}, {end}) is not inside document {p.document!r} "
                f"of length {length} (need 0 <= start < end <= length)"
            )
            return False
        if p.snippet != doc.text[start:end]:
            out.append(f"{where}: snippet differs from text[{start}:{end}] of {p.document!r}")
        return True

    # Spans per document, to check the per-document reuse counts.
    spans: dict[str, list[Span]] = {}
    touching: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    credited = 0
    for lk in report.links:
        classes[lk.link_class] += 1
        credited += lk.credited
        where = f"link {lk.id}"
        src, tgt = lk.source, lk.target
        ok_src = check_passage(f"{where} source", src)
        ok_tgt = check_passage(f"{where} target", tgt)
        for side, ok in ((src, ok_src), (tgt, ok_tgt)):
            if ok:
                spans.setdefault(side.document, []).append(side.span)
        for doc_id in {src.document, tgt.document}:
            touching[doc_id] += 1
        if src.document == tgt.document:
            out.append(f"{where}: source and target are the same document {src.document!r}")
        elif ok_src and ok_tgt:
            out.extend(_check_direction(where, lk, docs))
        out.extend(_check_meaning(where, lk, docs))
        for cid in lk.clusters:
            if cid not in clusters:
                out.append(f"{where}: unknown cluster {cid!r}")
            elif lk.id not in cluster_links[cid]:
                out.append(f"{where}: names cluster {cid} but that cluster does not list it")

    totals = _Totals(statuses, classes, credited)
    text_problems: list[str] = []
    for doc in report.documents:
        doc_id = doc.id
        text_problems.extend(_check_text(doc, texts))
        totals.add(doc)
        out.extend(_check_annotations(doc))
        if doc.text is None:
            # Nothing to measure against: the text-less document's counts must say it shares nothing.
            reused = 0
            if doc.reused_chars != 0:
                out.append(
                    f"document {doc_id!r}: reused_chars is {doc.reused_chars}, "
                    "but the report carries no text of it"
                )
            counted = doc.counted_chars
            body_length = doc.body[1] - doc.body[0]
            if counted > body_length:
                out.append(
                    f"document {doc_id!r}: counted_chars is {counted}, "
                    f"more than the {body_length} code points of its body"
                )
        else:
            holes = [(e.start, e.end) for e in doc.excluded or ()]
            reused = covered_chars(doc.text, spans.get(doc_id, []), holes)
            if doc.reused_chars != reused:
                out.append(
                    f"document {doc_id!r}: reused_chars is {doc.reused_chars}, "
                    f"its link passages cover {reused} non-whitespace characters outside excluded text"
                )
            counted = covered_chars(doc.text, [doc.body], holes)
            if doc.counted_chars != counted:
                out.append(
                    f"document {doc_id!r}: counted_chars is {doc.counted_chars}, "
                    f"its body has {counted} non-whitespace characters outside excluded text"
                )
        share = doc.reused_chars / counted if counted > 0 else 0.0
        if abs(doc.reused_share - min(share, 1.0)) > _SHARE_TOLERANCE:
            out.append(
                f"document {doc_id!r}: reused_share is {doc.reused_share}, "
                f"expected {min(share, 1.0):.4f} (reused_chars / counted_chars)"
            )
        if doc.links != touching[doc_id]:
            out.append(f"document {doc_id!r}: links is {doc.links}, {touching[doc_id]} links touch it")

    out[text_problems_at:text_problems_at] = text_problems
    del text_problems

    for cluster in report.clusters:
        out.extend(_check_cluster(cluster, docs, links, check_passage))

    out.extend(_check_summary(report, totals))
    return out


class _Totals:
    """What the summary counts, gathered as the lists are read: clusters by origin status,
    links by class and credit, and the documents."""

    def __init__(self, statuses: Counter[str], classes: Counter[str], credited: int) -> None:
        self.statuses, self.classes, self.credited = statuses, classes, credited
        self.documents = self.reused_chars = 0
        self.whole = True  # every document lists its excluded spans
        self.listed: Counter[str] = Counter()  # excluded spans listed, by reason
        self.outlets: dict[str, str | None] = {}

    def add(self, doc: DocumentEntry) -> None:
        self.documents += 1
        self.reused_chars += doc.reused_chars
        self.whole = self.whole and doc.excluded is not None
        self.listed.update(e.reason for e in doc.excluded or ())
        self.outlets[doc.id] = doc.outlet


def _check_direction(where: str, lk: Link, docs: Mapping[str, DocumentEntry]) -> list[str]:
    src, tgt = docs[lk.source.document], docs[lk.target.document]
    src_day = _day(src.date, src.date_precision)
    tgt_day = _day(tgt.date, tgt.date_precision)
    if lk.direction == "earlier-to-later":
        if src_day is None or tgt_day is None:
            return [f"{where}: direction earlier-to-later needs dates with a year on both sides"]
        if src_day > tgt_day:
            return [
                f"{where}: direction earlier-to-later but source is dated {src.date} after target {tgt.date}"
            ]
        return []
    # Without a known order the sides are put in document-id order, so readers can rely on it.
    if src.id > tgt.id:
        return [
            f"{where}: direction {lk.direction} needs the source to be the document id "
            f"that sorts first ({tgt.id!r} < {src.id!r})"
        ]
    if lk.direction == "same-day" and (src_day is None or src_day != tgt_day):
        return [f"{where}: direction same-day but the documents are dated {src.date} and {tgt.date}"]
    if lk.direction == "unknown" and src_day is not None and tgt_day is not None:
        return [f"{where}: direction unknown but both documents are dated with a year"]
    return []


def _check_cluster(
    cluster: Cluster,
    docs: Mapping[str, DocumentEntry],
    links: Mapping[str, Link],
    check_passage: Callable[[str, ClusterPassage], bool],
) -> list[str]:
    out: list[str] = []
    cid = cluster.id
    members: set[str] = set()
    by_role: dict[str, set[str]] = {"origin": set(), "later": set(), "yearless": set()}
    for n, p in enumerate(cluster.passages):
        where = f"cluster {cid} passage {n}"
        if not check_passage(where, p):
            continue
        doc = docs[p.document]
        members.add(doc.id)
        by_role[p.role].add(doc.id)
        for key in ("date", "date_precision", "outlet"):
            mine, theirs = getattr(p, key), getattr(doc, key)
            if mine != theirs:
                out.append(f"{where}: {key} {mine!r} differs from document {doc.id!r} ({theirs!r})")
        has_year = p.date_precision in _WITH_YEAR
        if has_year == (p.role == "yearless"):
            out.append(f"{where}: role {p.role} does not fit date precision {p.date_precision}")

    origin = cluster.origin
    if set(origin.documents) != by_role["origin"] and members:
        out.append(
            f"cluster {cid}: origin documents {sorted(origin.documents)} differ from the "
            f"members with role origin {sorted(by_role['origin'])}"
        )
    if origin.status == "undated" and by_role["origin"] | by_role["later"]:
        out.append(f"cluster {cid}: origin undated but some members have a date with a year")
    # Origins are compared by calendar day, so all of them share one day. A year-less
    # origin has no day here: the role check above already reported it.
    origin_days = {day for d in by_role["origin"] if (day := _day(docs[d].date, docs[d].date_precision))}
    if origin_days:
        first = min(origin_days)
        if len(origin_days) > 1:
            out.append(f"cluster {cid}: origin members are dated on different days {sorted(origin_days)}")
        if origin.date and origin.date[:10] != first:
            out.append(f"cluster {cid}: origin date {origin.date} is not the origin members' day {first}")
        for d in sorted(by_role["later"]):
            day = _day(docs[d].date, docs[d].date_precision)
            if day and day < first:
                out.append(f"cluster {cid}: later member {d!r} is dated before the origin")
    if set(cluster.yearless) != by_role["yearless"]:
        out.append(
            f"cluster {cid}: yearless {sorted(cluster.yearless)} differs from the members "
            f"with role yearless {sorted(by_role['yearless'])}"
        )

    for link_id in cluster.links:
        lk = links.get(link_id)
        if lk is None:
            out.append(f"cluster {cid}: unknown link {link_id!r}")
            continue
        if cid not in lk.clusters:
            out.append(f"cluster {cid}: lists link {link_id} which names clusters {list(lk.clusters)}")
        for name, side in (("source", lk.source), ("target", lk.target)):
            if side.document not in members and side.document in docs:
                out.append(f"cluster {cid}: link {link_id} {name} document {side.document!r} is not a member")
    return out


def _check_text(doc: DocumentEntry, texts: Any) -> list[str]:
    """The text is the one `sha256` and `text_length` name, the body lies inside it, and the
    document carries its text exactly when `parameters.texts` says it does."""
    out: list[str] = []
    length = doc.text_length
    if doc.text is not None:
        digest = hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()
        if doc.sha256 != digest:
            out.append(f"document {doc.id!r}: sha256 does not match its text")
        if len(doc.text) != length:
            out.append(
                f"document {doc.id!r}: text_length is {length}, its text has {len(doc.text)} code points"
            )
            length = len(doc.text)
    start, end = doc.body
    if not 0 <= start <= end <= length:
        out.append(f"document {doc.id!r}: body [{start}, {end}) is not inside its text of length {length}")
    if texts == "all" and doc.text is None:
        out.append(f"document {doc.id!r}: has no text, but parameters.texts is 'all'")
    elif texts == "linked" and doc.text is not None and doc.links == 0:
        out.append(
            f"document {doc.id!r}: is in no link but carries its text, and parameters.texts is 'linked'"
        )
    return out


def _check_annotations(doc: DocumentEntry) -> list[str]:
    """Quotation, credit and excluded spans lie inside the body, in order; `cites` are the
    credits' names (for a document without its text, whose credits the report leaves out,
    they are all there is)."""
    out: list[str] = []
    lo, hi = doc.body
    if doc.quotations is None or doc.credits is None or doc.excluded is None:
        return out  # the schema ties them to the text: all present or all absent
    for key, items in (("quotations", doc.quotations), ("credits", doc.credits), ("excluded", doc.excluded)):
        previous = None
        for n, item in enumerate(items):
            where = f"document {doc.id!r} {key}[{n}]"
            if not lo <= item.start < item.end <= hi:
                out.append(f"{where}: span [{item.start}, {item.end}) is not inside the body [{lo}, {hi})")
            if previous is not None and (item.start, item.end) < previous:
                out.append(f"{where}: not in text order")
            previous = (item.start, item.end)
    cited = {c.source or c.name for c in doc.credits if not c.own}
    if set(doc.cites) != cited:
        out.append(f"document {doc.id!r}: cites {list(doc.cites)} differs from its credits {sorted(cited)}")
    return out


def _check_meaning(where: str, lk: Link, docs: Mapping[str, DocumentEntry]) -> list[str]:
    """The class follows from the quoted shares; credit evidence is a real span."""
    out: list[str] = []
    sq, tq = lk.quotation.source, lk.quotation.target
    expected = classify(sq, tq)
    if lk.link_class != expected:
        out.append(f"{where}: class {lk.link_class} but quoted shares {sq}, {tq} make it {expected}")
    credit = lk.credit
    if lk.credited != (credit is not None):
        shown = credit.to_dict() if credit is not None else None
        out.append(f"{where}: credited is {lk.credited} but credit evidence is {shown!r}")
    if credit is not None:
        doc = docs.get(credit.document)
        if doc is None or credit.document not in (lk.source.document, lk.target.document):
            out.append(f"{where}: credit evidence names document {credit.document!r}, not a side of the link")
        elif doc.text is None:
            out.append(
                f"{where}: credit evidence names document {credit.document!r}, "
                "whose text the report does not carry"
            )
        elif doc.text[credit.start : credit.end] != credit.snippet:
            out.append(f"{where}: credit snippet differs from the text of {credit.document!r}")
    return out


def _check_summary(report: Report, totals: _Totals) -> list[str]:
    summary = report.summary
    statuses = totals.statuses
    expected: dict[str, int] = {
        "documents": totals.documents,
        "links": len(report.links),
        "clusters": len(report.clusters),
        "reused_chars": totals.reused_chars,
        "warnings": len(report.warnings),
        "skipped": len(report.skipped),
        "credited_links": totals.credited,
    }
    out = [
        f"summary: {key} is {getattr(summary, key)}, expected {value}"
        for key, value in expected.items()
        if getattr(summary, key) != value
    ]
    # Excluded spans of the documents whose text (and so whose spans) the report leaves out
    # are counted in the summary but not listed: then the listed ones are a lower bound.
    whole = totals.whole
    for key, reason in (("internal_duplicates", "internal-duplicate"), ("boilerplate_lines", "boilerplate")):
        listed = totals.listed[reason]
        stated = getattr(summary, key)
        if whole and stated != listed:
            out.append(f"summary: {key} is {stated}, expected {listed}")
        elif not whole and stated < listed:
            out.append(f"summary: {key} is {stated}, fewer than the {listed} {reason} spans listed")
    if summary.outlets != outlet_matrix(report.links, totals.outlets):
        out.append("summary: outlets differs from the links it sums")
    classes = totals.classes
    for name, n in summary.classes.to_dict().items():
        if n != classes[name]:
            out.append(f"summary: classes.{name} is {n}, expected {classes[name]}")
    origins = summary.origins.to_dict()
    for status in ("determined", "tie", "undated"):
        if origins[status] != statuses[status]:
            out.append(f"summary: origins.{status} is {origins[status]}, expected {statuses[status]}")
    return out

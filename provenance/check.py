"""Check drafts against everything published so far: for each passage of a draft that is
found elsewhere, its earliest dated source, every other source, and whether it is copied
text the draft does not credit.

Library API, the same for an index file and for a folder (read into an index in memory):
draft → analysis → indexed documents sharing winnowed shingles → exact alignment of the
draft with each → the meaning of each link (quotation or copied text, credit) → findings.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from provenance import __version__
from provenance.detect import Reuse, verify_pairs
from provenance.detect.fingerprint import hashes_signature, signature_from_bytes
from provenance.editorial.meaning import DocumentFacts, LinkSides, link_meaning
from provenance.index import AddResult, Index
from provenance.index.entries import NO_LINE_STATISTICS
from provenance.ingest import Document, InputWarning, OutletRegistry, ReadOptions, Skipped, ingest_folder
from provenance.ingest.dates import parse_iso
from provenance.ingest.files import read_bytes
from provenance.ingest.model import DocumentDate
from provenance.ingest.outlets import load_registry
from provenance.lineage import Order as LineageOrder
from provenance.lineage import compare, earliest
from provenance.record import analyse
from provenance.schemas import errors as schema_errors
from provenance.settings import DetectionSettings
from provenance.text.lines import line_column

SCHEMA = "check-result.schema.json"
SCHEMA_VERSION = "1.2.0"
FailOn = Literal["uncredited", "any", "never"]
Order = Literal["earlier", "same-day", "later", "unordered"]
# A source against the draft, by the rule that orders the members of a lineage cluster.
_ORDER: dict[LineageOrder, Order] = {
    "before": "earlier",
    "same": "same-day",
    "after": "later",
    "unknown": "unordered",
}
# The sources of a draft most often sharing winnowed shingles with it; beyond this many, a
# passage copied by every outlet still shows the earliest of them.
MAX_SOURCES = 200
STDIN = "-"
# The fewest shingles a draft must share with a document for the two to be aligned. The
# aligner's smallest match, 8 words chained from 3-word anchors across changed words, holds
# two shingles; one shared three-word phrase is common ground, not a passage.
MIN_SHARED_SHINGLES = 2


class CheckInvalidError(Exception):
    """The check result failed validation against its schema (a bug, never the input's fault)."""


@dataclass(frozen=True)
class Drafts:
    documents: list[tuple[str, Document]]  # (the name it was given by, the document)
    warnings: list[InputWarning]
    skipped: list[Skipped]


def read_drafts(
    names: Sequence[str],
    registry: OutletRegistry | None = None,
    stdin: bytes | None = None,
    options: ReadOptions | None = None,
) -> Drafts:
    """The drafts named by the user: files in any format `scan` reads, or `-` for `stdin`
    (read as plain text)."""
    registry = registry or load_registry()
    docs: list[tuple[str, Document]] = []
    warnings: list[InputWarning] = []
    skipped: list[Skipped] = []
    for name in names:
        if name == STDIN:
            data = sys.stdin.buffer.read() if stdin is None else stdin
            read, w, s = read_bytes(data, STDIN, ".txt", registry, options)
            warnings += w
            skipped += s
            docs += [(STDIN, d) for d in read]
            continue
        path = Path(name)
        if not path.is_file():
            reason = "no such file" if not path.exists() else "not a file"
            warnings.append(InputWarning(name, "unreadable", reason))
            skipped.append(Skipped(name, reason))
            continue
        read = ingest_folder(path, registry, options=options)
        # Named as the user typed it, so `name:START-END` opens in an editor.
        warnings += [InputWarning(name, w.code, w.message, w.line) for w in read.warnings]
        skipped += [Skipped(name, s.reason, s.line) for s in read.skipped]
        docs += [(name if d.line is None else f"{name}:{d.line}", d) for d in read.documents]
    return Drafts(docs, warnings, skipped)


def corpus_index(
    folder: Path,
    settings: DetectionSettings,
    registry: OutletRegistry,
    jobs: int = 1,
    options: ReadOptions | None = None,
) -> tuple[Index, AddResult]:
    """A folder read into an index held in memory, for `check --corpus`, with what reading
    it warned about and skipped."""
    index = Index(Path(":memory:"), settings, create=True)
    return index, index.add(ingest_folder(folder, registry, jobs, options), registry, jobs)


def draft_date_of(value: str | None) -> DocumentDate | None:
    """The draft's date given as `YYYY-MM-DD` or an RFC 3339 date-time (ValueError if it is
    neither); None places the draft after every indexed document."""
    if value is None:
        return None
    parsed = parse_iso(value, "given")
    if parsed is None or value.strip() != value:
        raise ValueError(f"{value!r} is not a day as YYYY-MM-DD or an RFC 3339 date-time")
    return DocumentDate(parsed.value, parsed.precision)


def _order(source: DocumentDate, draft: DocumentDate | None) -> Order:
    if draft is None:  # after everything indexed: every source with a year is earlier
        return "earlier" if source.has_year else "unordered"
    return _ORDER[compare(source, draft)]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def check_draft(
    draft: Document,
    index: Index,
    settings: DetectionSettings | None = None,
    registry: OutletRegistry | None = None,
    draft_date: str | None = None,
) -> dict[str, Any]:
    """The findings of one draft, in the shape of a `drafts[]` entry of the check result.

    `draft_date` (`YYYY-MM-DD` or an RFC 3339 date-time) places the draft in time, and a
    source is ordered against it as lineage orders the members of a cluster: by day, then
    by time when both have one; None puts it after every indexed document. Documents
    identical to the draft (same sha256) are not its sources.
    """
    when = draft_date_of(draft_date)
    settings = settings or index.settings
    registry = registry or load_registry()
    # The draft and its sources are analysed as the index analyses what it stores: boilerplate
    # by the registry's patterns alone, so a draft is read the same whatever else is indexed.
    mine = analyse(draft, NO_LINE_STATISTICS, registry, settings)
    draft_hashes = mine.shingles.hashes
    hits = index.hits(draft_hashes, settings.max_shingle_documents, MIN_SHARED_SHINGLES)[:MAX_SOURCES]
    sources = [d for d in index.documents([h.number for h in hits]) if d.sha256 != draft.sha256]
    records = [*(analyse(d, NO_LINE_STATISTICS, registry, settings) for d in sources), mine]
    docs = [r.document for r in records]
    me = len(sources)
    reuses = verify_pairs(records, settings, [(s, me) for s in range(me)])
    facts = [DocumentFacts(r.text, r.document.outlet, r.quotations, r.credits, r.language) for r in records]
    numbers = index.numbers([sources[r.a].id for r in reuses])
    stored = index.signatures(list(numbers.values()))
    draft_signature = hashes_signature(np.unique(draft_hashes), settings)

    def similarity_of(doc_id: str) -> float:
        values = signature_from_bytes(stored[numbers[doc_id]])[1]
        return round(float(np.mean(values == draft_signature)), 4)

    entries = [_source_entry(r, docs, facts, when, similarity_of) for r in reuses]
    dates = {d.id: d.date for d in sources}
    findings = []
    for start, end in _merged([(e["draft_start"], e["draft_end"]) for e in entries]):
        inside = [e for e in entries if start <= e["draft_start"] and e["draft_end"] <= end]
        findings.append(_finding(draft.text, start, end, inside, dates))
    uncredited = sum(f["severity"] == "uncredited" for f in findings)
    reused = sum(f["end"] - f["start"] for f in findings)
    return {
        "id": draft.id,
        "sha256": draft.sha256,
        "date": None if when is None else when.value,
        "date_assumed": "given" if when else "after-index",
        "outlet": draft.outlet,
        "text": draft.text,
        "findings": findings,
        "summary": {
            "findings": len(findings),
            "uncredited": uncredited,
            "sources": len({e["document"] for e in entries}),
            "reused_chars": reused,
            "reused_share": round(reused / len(draft.text), 4) if draft.text else 0.0,
        },
    }


def _source_entry(
    r: Reuse,
    docs: list[Document],
    facts: list[DocumentFacts],
    draft_date: DocumentDate | None,
    similarity_of: Callable[[str], float],
) -> dict[str, Any]:
    source = docs[r.a]
    order = _order(source.date, draft_date)
    # The link is oriented from the earlier side; credit is asked of the later one.
    if order == "later":
        sides = LinkSides(r.b, r.b_span, r.a, r.a_span, True)
    else:
        sides = LinkSides(r.a, r.a_span, r.b, r.b_span, order == "earlier")
    meaning = link_meaning(sides, facts)
    credit = (
        meaning.evidence[1] if meaning.credited and meaning.evidence and meaning.evidence[0] == r.b else None
    )
    return {
        "document": source.id,
        "path": source.path,
        "title": source.title,
        "url": source.url,
        "outlet": source.outlet,
        "date": source.date.value,
        "date_precision": source.date.precision,
        "order": order,
        "start": r.a_span[0],
        "end": r.a_span[1],
        "snippet": source.text[r.a_span[0] : r.a_span[1]],
        "draft_start": r.b_span[0],
        "draft_end": r.b_span[1],
        "kind": r.kind,
        "similarity": round(r.similarity, 4),
        "matched_words": r.matched_words,
        "class": meaning.link_class,
        "credited": credit is not None,
        "credit": None
        if credit is None
        else {"start": credit.start, "end": credit.end, "cue": credit.cue, "name": credit.name},
        "document_similarity": similarity_of(source.id),
    }


def _finding(
    text: str, start: int, end: int, sources: list[dict[str, Any]], dates: dict[str, DocumentDate]
) -> dict[str, Any]:
    sources = sorted(sources, key=lambda e: (_order_key(e), e["date"] or "", e["document"], e["start"]))
    # The earliest of the sources not later than the draft, as lineage finds a cluster's origin.
    before = sorted({e["document"] for e in sources if e["order"] in ("earlier", "same-day")})
    found, first = earliest(list(range(len(before))), [dates[d] for d in before])
    first_ids = [before[n] for n in first]
    if first_ids:
        status = found
    else:
        status = "undated" if any(e["order"] == "unordered" for e in sources) else "draft-earlier"
    classes = {e["class"] for e in sources}
    finding_class = classes.pop() if len(classes) == 1 else "mixed"
    prior = [e for e in sources if e["order"] != "later"]
    credited = any(e["credited"] for e in prior)
    copied = finding_class != "shared-quotation" and bool(prior)
    line, column = line_column(text, start)
    return {
        "start": start,
        "end": end,
        "line": line,
        "column": column,
        "snippet": text[start:end],
        "severity": "uncredited" if copied and not credited else "reuse",
        "class": finding_class,
        "credited": credited,
        "status": status,
        "earliest": first_ids,
        "sources": sources,
    }


def _order_key(e: dict[str, Any]) -> int:
    return {"earlier": 0, "same-day": 1, "unordered": 2, "later": 3}[e["order"]]


def failing(result: dict[str, Any], fail_on: FailOn) -> int:
    """How many findings are at or above `fail_on`."""
    if fail_on == "never":
        return 0
    return sum(
        1
        for d in result["drafts"]
        for f in d["findings"]
        if fail_on == "any" or f["severity"] == "uncredited"
    )


def check(
    drafts: Drafts,
    index: Index,
    against: dict[str, Any] | None = None,
    settings: DetectionSettings | None = None,
    registry: OutletRegistry | None = None,
    draft_date: str | None = None,
    fail_on: FailOn = "uncredited",
) -> dict[str, Any]:
    """The check result of every draft, validated against `schemas/check-result.schema.json`.

    `against` describes what was checked against (default: the index file).
    """
    settings = settings or index.settings
    against = against or {"kind": "index", "path": str(index.path), "documents": len(index)}
    registry = registry or load_registry()
    entries = []
    for name, doc in drafts.documents:
        entry = check_draft(doc, index, settings, registry, draft_date)
        entries.append({"name": name, **entry})
    result: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "provenance", "version": __version__},
        "offset_unit": "unicode-codepoint",
        "against": against,
        "fail_on": fail_on,
        "parameters": settings.to_parameters(),
        "drafts": entries,
        "warnings": [
            {"path": w.path, "line": w.line, "code": w.code, "message": w.message} for w in drafts.warnings
        ],
        "skipped": [{"path": s.path, "line": s.line, "reason": s.reason} for s in drafts.skipped],
    }
    result["summary"] = {
        "drafts": len(entries),
        "findings": sum(d["summary"]["findings"] for d in entries),
        "uncredited": sum(d["summary"]["uncredited"] for d in entries),
        "failing": failing(result, fail_on),
    }
    problems = schema_errors(SCHEMA, result)
    if problems:
        raise CheckInvalidError(f"check result failed validation: {problems[0]}")
    return result

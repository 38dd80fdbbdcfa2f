"""Assemble the lineage report (a plain JSON-ready dict) from the stages' results."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

from provenance import __version__
from provenance.detect import DetectionResult
from provenance.editorial.boilerplate import Boilerplate
from provenance.editorial.meaning import EditorialResult, LinkMeaning
from provenance.editorial.repeats import Repeat
from provenance.ingest.model import Document, IngestResult
from provenance.lineage import Lineage, Passage
from provenance.report.coverage import covered_chars
from provenance.settings import DetectionSettings
from provenance.text import normalize, trimmed

SCHEMA_VERSION = "1.3.0"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:12]


def _stable_ids(prefix: str, contents: list[tuple[str, ...]]) -> list[str]:
    """Ids from content, not from run order; equal contents are told apart by occurrence."""
    seen: Counter[tuple[str, ...]] = Counter()
    ids = []
    for content in contents:
        n = seen[content]
        seen[content] += 1
        ids.append(f"{prefix}-{_digest(prefix, *content, *([str(n)] if n else []))}")
    return ids


def build_report(
    root: str,
    ingested: IngestResult,
    detection: DetectionResult,
    lineage: Lineage,
    settings: DetectionSettings,
    editorial: EditorialResult,
) -> dict[str, Any]:
    """The report as a dict in the shape of `schemas/lineage-report.schema.json`."""
    docs = ingested.documents
    excluded = [
        _excluded(furniture, repeats)
        for furniture, repeats in zip(editorial.furniture, editorial.repeats, strict=True)
    ]
    holes = [[(e["start"], e["end"]) for e in spans] for spans in excluded]
    outlets_in_corpus = {d.outlet for d in docs if d.outlet}

    def ref(p: Passage) -> dict[str, Any]:
        return {
            "document": docs[p.document].id,
            "start": p.start,
            "end": p.end,
            "snippet": docs[p.document].text[p.start : p.end],
        }

    def trimmed_passage(p: Passage) -> Passage:
        # A segment cut at a sentence end may start with the blank line after it.
        span = trimmed(docs[p.document].text, p.start, p.end)
        return Passage(p.document, *span) if span else p

    contents: dict[Passage, tuple[str, str]] = {}

    def content(p: Passage) -> tuple[str, str]:
        # The passage's words in matching form: ids stay the same when only offsets move.
        if p not in contents:
            contents[p] = (docs[p.document].id, normalize(docs[p.document].text[p.start : p.end]))
        return contents[p]

    cluster_ids = _stable_ids(
        "C", [tuple(x for p in sorted(c.passages, key=content) for x in content(p)) for c in lineage.clusters]
    )
    link_ids = _stable_ids("L", [(*content(k.source), *content(k.target)) for k in lineage.links])

    spans_by_doc: dict[int, list[tuple[int, int]]] = {}
    links_by_doc: Counter[int] = Counter()
    for k in lineage.links:
        for p in (k.source, k.target):
            spans_by_doc.setdefault(p.document, []).append((p.start, p.end))
            links_by_doc[p.document] += 1

    documents = []
    for index, d in enumerate(docs):
        counted = covered_chars(d.text, [d.body], holes[index])
        reused = covered_chars(d.text, spans_by_doc.get(index, []), holes[index])
        entry = _document_entry(d, reused, counted, links_by_doc[index])
        facts = editorial.documents[index]
        entry["language"] = facts.language.to_json() if facts.language else None
        entry["quotations"] = [{"start": q.start, "end": q.end, "form": q.form} for q in facts.quotations]
        entry["credits"] = [
            {
                "start": c.start,
                "end": c.end,
                "cue": c.cue,
                "name": c.name,
                "source": c.source_name,
                "source_id": c.source_id,
                "self": c.source_name is not None and c.source_name == d.outlet,
                "in_corpus": c.source_name in outlets_in_corpus,
            }
            for c in facts.credits
        ]
        entry["cites"] = sorted({c["source"] or c["name"] for c in entry["credits"] if not c["self"]})
        entry["excluded"] = excluded[index]
        documents.append(entry)

    links = [
        {
            "id": link_ids[i],
            "source": ref(k.source),
            "target": ref(k.target),
            "similarity": k.similarity,
            "kind": k.kind,
            "matched_words": k.matched_words,
            "direction": k.direction,
            "clusters": [cluster_ids[c] for c in k.clusters],
            **_meaning_entry(editorial.links[i], docs),
        }
        for i, k in enumerate(lineage.links)
    ]

    clusters = []
    for n, c in enumerate(lineage.clusters):
        origin = set(c.origin_documents)
        passages = []
        for p in map(trimmed_passage, c.passages):
            d = docs[p.document]
            role = "origin" if p.document in origin else ("later" if d.date.has_year else "yearless")
            passages.append(
                {
                    **ref(p),
                    "date": d.date.value,
                    "date_precision": d.date.precision,
                    "outlet": d.outlet,
                    "role": role,
                }
            )
        origin_date = None
        if c.origin_documents:
            first = docs[c.origin_documents[0]].date
            origin_date = first.value if c.origin_status == "determined" else first.day
        clusters.append(
            {
                "id": cluster_ids[n],
                "passages": passages,
                "origin": {
                    "status": c.origin_status,
                    "documents": [docs[i].id for i in c.origin_documents],
                    "date": origin_date,
                },
                "yearless": [docs[i].id for i in c.yearless],
                "links": [link_ids[i] for i in c.links],
            }
        )

    warnings = [
        {"path": w.path, "line": w.line, "code": w.code, "message": w.message} for w in ingested.warnings
    ]
    skipped = [{"path": s.path, "line": s.line, "reason": s.reason} for s in ingested.skipped]
    origins = Counter(c.origin_status for c in lineage.clusters)
    classes = Counter(k["class"] for k in links)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "provenance", "version": __version__},
        "offset_unit": "unicode-codepoint",
        "input": {
            "root": root,
            "files_seen": ingested.files_seen,
            "manifest": ingested.manifest,
            "encoding": ingested.encoding,
        },
        "parameters": settings.to_parameters(),
        "documents": documents,
        "links": links,
        "clusters": clusters,
        "boilerplate": _boilerplate_list(docs, editorial),
        "warnings": warnings,
        "skipped": skipped,
        "summary": {
            "documents": len(documents),
            "links": len(links),
            "clusters": len(clusters),
            "origins": {s: origins.get(s, 0) for s in ("determined", "tie", "undated")},
            "reused_chars": sum(d["reused_chars"] for d in documents),
            "classes": {c: classes.get(c, 0) for c in ("copied-text", "mixed", "shared-quotation")},
            "credited_links": sum(1 for k in links if k["credited"]),
            "internal_duplicates": sum(len(r) for r in editorial.repeats),
            "boilerplate_lines": sum(len(f) for f in editorial.furniture),
            "outlets": outlet_matrix(links, documents),
            "warnings": len(warnings),
            "skipped": len(skipped),
        },
    }


def _document_entry(d: Document, reused: int, counted: int, links: int) -> dict[str, Any]:
    body_start, body_end = d.body
    return {
        "id": d.id,
        "path": d.path,
        "format": d.format,
        "encoding": d.encoding,
        "sha256": d.sha256,
        "outlet": d.outlet,
        "outlet_source": d.outlet_source,
        "date": d.date.value,
        "date_precision": d.date.precision,
        "date_source": d.date.source,
        "title": d.title,
        "title_source": d.title_source,
        "url": d.url,
        "url_source": d.url_source,
        "body": {"start": body_start, "end": body_end},
        "text": d.text,
        "counted_chars": counted,
        "reused_chars": reused,
        "reused_share": round(min(reused / counted, 1.0), 4) if counted else 0.0,
        "links": links,
    }


def _excluded(furniture: Sequence[Boilerplate], repeats: Sequence[Repeat]) -> list[dict[str, Any]]:
    """A document's text left out of matching and shares, in text order."""
    spans: list[dict[str, Any]] = [
        {"start": b.start, "end": b.end, "reason": "boilerplate", "rule": b.rule} for b in furniture
    ]
    spans += [
        {
            "start": r.repeat[0],
            "end": r.repeat[1],
            "reason": "internal-duplicate",
            "duplicate_of": {"start": r.first[0], "end": r.first[1]},
            "words": r.words,
        }
        for r in repeats
    ]
    return sorted(spans, key=lambda e: (e["start"], e["end"]))


def _meaning_entry(m: LinkMeaning, docs: list[Document]) -> dict[str, Any]:
    credit = None
    if m.evidence is not None:
        index, c = m.evidence
        text = docs[index].text
        credit = {
            "document": docs[index].id,
            "start": c.start,
            "end": c.end,
            "snippet": text[c.start : c.end],
            "source": c.source_name,
        }
    return {
        "class": m.link_class,
        "quotation": {"source": m.source_quoted, "target": m.target_quoted},
        "credited": m.credited,
        "credit": credit,
        "common_sources": list(m.common_sources),
    }


def _boilerplate_list(docs: list[Document], editorial: EditorialResult) -> list[dict[str, Any]]:
    """Each distinct furniture line once: who prints it, why it is furniture, where it stands."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for d, lines in zip(docs, editorial.furniture, strict=True):
        for b in lines:
            line = d.text[b.start : b.end]
            key = (d.outlet or "", normalize(line), b.rule)
            entry = found.setdefault(key, {"outlet": d.outlet, "text": line, "rule": b.rule, "documents": []})
            if d.id not in entry["documents"]:
                entry["documents"].append(d.id)
    return [found[k] for k in sorted(found)]


def outlet_matrix(links: list[dict[str, Any]], documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Who copies whom: links summed per (earlier outlet, later outlet).

    Links without a known order (same day, no year) are counted apart, under the two
    outlets in name order, since neither can be said to have copied the other.
    """
    outlet = {d["id"]: d["outlet"] for d in documents}
    text = {d["id"]: d["text"] for d in documents}
    # Unknown documents (only in a broken report, which the validator names) count as empty.
    links = [k for k in links if k["source"]["document"] in text and k["target"]["document"] in text]
    cells: dict[tuple[bool, str, str], dict[str, Any]] = {}
    for k in links:
        directed = k["direction"] == "earlier-to-later"
        pair = (outlet[k["source"]["document"]], outlet[k["target"]["document"]])
        if not directed:
            pair = tuple(sorted(pair, key=lambda o: (o is None, o or "")))  # type: ignore[assignment]
        cell = cells.setdefault(
            (not directed, pair[0] or "\uffff", pair[1] or "\uffff"),
            {
                "source": pair[0],
                "target": pair[1],
                "directed": directed,
                "links": 0,
                "reused_chars": 0,
                "_credited": 0,
                "_quoted": 0.0,
            },
        )
        t = k["target"]
        chars = covered_chars(text[t["document"]], [(t["start"], t["end"])])
        cell["links"] += 1
        cell["reused_chars"] += chars
        cell["_credited"] += k["credited"]
        cell["_quoted"] += chars * k["quotation"]["target"]
    out = []
    for key in sorted(cells):
        cell = cells[key]
        credited, quoted = cell.pop("_credited"), cell.pop("_quoted")
        cell["credited_share"] = round(credited / cell["links"], 4)
        cell["quotation_share"] = round(quoted / cell["reused_chars"], 4) if cell["reused_chars"] else 0.0
        out.append(cell)
    return out

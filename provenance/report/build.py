"""Assemble the lineage report (a plain JSON-ready dict) from the stages' results."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from provenance import __version__
from provenance.detect import DetectionResult
from provenance.ingest.model import Document, IngestResult
from provenance.lineage import Lineage, Passage
from provenance.report.coverage import covered_chars
from provenance.settings import DetectionSettings
from provenance.text import normalize

SCHEMA_VERSION = "1.0.0"


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
) -> dict[str, Any]:
    """The report as a dict in the shape of `schemas/lineage-report.schema.json`."""
    docs = ingested.documents

    def ref(p: Passage) -> dict[str, Any]:
        return {
            "document": docs[p.document].id,
            "start": p.start,
            "end": p.end,
            "snippet": docs[p.document].text[p.start : p.end],
        }

    def trimmed(p: Passage) -> Passage:
        # A segment cut at a sentence end may start with the blank line after it.
        text = docs[p.document].text
        start, end = p.start, p.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return Passage(p.document, start, end) if start < end else p

    def content(p: Passage) -> tuple[str, str]:
        return docs[p.document].id, normalize(docs[p.document].text[p.start : p.end])

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
        body_start, body_end = d.body
        body_chars = covered_chars(d.text, [(body_start, body_end)])
        reused = covered_chars(d.text, spans_by_doc.get(index, []))
        documents.append(
            _document_entry(d, reused, reused / body_chars if body_chars else 0.0, links_by_doc[index])
        )

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
        }
        for i, k in enumerate(lineage.links)
    ]

    clusters = []
    for n, c in enumerate(lineage.clusters):
        origin = set(c.origin_documents)
        passages = []
        for p in map(trimmed, c.passages):
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
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "provenance", "version": __version__},
        "offset_unit": "unicode-codepoint",
        "input": {"root": root, "files_seen": ingested.files_seen},
        "parameters": settings.to_parameters(),
        "documents": documents,
        "links": links,
        "clusters": clusters,
        "warnings": warnings,
        "skipped": skipped,
        "summary": {
            "documents": len(documents),
            "links": len(links),
            "clusters": len(clusters),
            "origins": {s: origins.get(s, 0) for s in ("determined", "tie", "undated")},
            "reused_chars": sum(d["reused_chars"] for d in documents),
            "warnings": len(warnings),
            "skipped": len(skipped),
        },
    }


def _document_entry(d: Document, reused: int, share: float, links: int) -> dict[str, Any]:
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
        "url": d.url,
        "body": {"start": body_start, "end": body_end},
        "text": d.text,
        "reused_chars": reused,
        "reused_share": round(min(share, 1.0), 4),
        "links": links,
    }

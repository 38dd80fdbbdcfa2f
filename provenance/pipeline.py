"""The library API: scan a folder into a lineage report, and write its views.

ingest → text (furniture and repeats masked) → fingerprint → candidates → verify/align →
lineage → meaning (quotations, credits) → report. Each stage takes and returns plain data;
this module only passes it along.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from provenance.detect import find_reuse
from provenance.editorial.boilerplate import find_boilerplate
from provenance.editorial.credits import find_credits
from provenance.editorial.masking import masked_analysis
from provenance.editorial.meaning import DocumentFacts, EditorialResult, LinkSides, link_meaning
from provenance.editorial.quotations import find_quotations
from provenance.ingest import OutletRegistry, ingest_folder, load_registry
from provenance.lineage import Edge, Passage, build_lineage
from provenance.parallel import default_jobs
from provenance.report.build import build_report
from provenance.report.html import render_html
from provenance.report.validate import validate_report
from provenance.report.write import write_atomic
from provenance.settings import DetectionSettings

Format = Literal["json", "html"]
Progress = Callable[[str], None]


class ReportInvalidError(Exception):
    """The report failed validation against its schema; nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            f"report failed validation: {errors[0]}"
            + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else "")
        )
        self.errors = errors


def _quiet(_: str) -> None:
    pass


def scan(
    path: Path,
    settings: DetectionSettings | None = None,
    registry: OutletRegistry | None = None,
    progress: Progress = _quiet,
    jobs: int | None = None,
) -> dict[str, Any]:
    """Scan a folder (or one file) and return the lineage report as a dict.

    `jobs` processes align candidate pairs (default: every core this process may use); the
    report is the same whatever the number.
    """
    settings = settings or DetectionSettings()
    registry = registry or load_registry()
    ingested = ingest_folder(path, registry)
    docs = ingested.documents
    progress(f"read {len(docs)} documents from {ingested.files_seen} files")
    texts, bodies = [d.text for d in docs], [d.body for d in docs]
    furniture = find_boilerplate(texts, bodies, [d.outlet for d in docs], registry)
    masked = [masked_analysis(d.text, d.body, lines) for d, lines in zip(docs, furniture, strict=True)]
    analyzed = [view for view, _ in masked]
    detection = find_reuse(texts, bodies, analyzed, settings, jobs or default_jobs())
    progress(
        f"{detection.units} units, {detection.candidate_document_pairs} candidate document pairs, "
        f"{len(detection.reuses)} verified passages"
    )
    edges = [
        Edge(
            Passage(r.a, *r.a_span), Passage(r.b, *r.b_span), r.matched_words, r.similarity, r.kind, r.points
        )
        for r in detection.reuses
    ]
    lineage = build_lineage(edges, [d.date for d in docs], [d.id for d in docs])
    facts = [
        DocumentFacts(
            d.text, d.outlet, find_quotations(d.text, *d.body), find_credits(d.text, registry, *d.body)
        )
        for d in docs
    ]
    meanings = [
        link_meaning(
            LinkSides(
                k.source.document,
                (k.source.start, k.source.end),
                k.target.document,
                (k.target.start, k.target.end),
                k.direction == "earlier-to-later",
            ),
            facts,
        )
        for k in lineage.links
    ]
    editorial = EditorialResult(furniture, [repeats for _, repeats in masked], facts, meanings)
    root = path.resolve().name if path.is_dir() else path.name
    return build_report(root, ingested, detection, lineage, settings, editorial)


def dumps(report: dict[str, Any]) -> str:
    """The report as JSON text: stable, readable, Cyrillic kept as is."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def write_reports(
    report: dict[str, Any], out_dir: Path, formats: Iterable[Format] = ("json", "html")
) -> list[Path]:
    """Validate the report, then write `lineage.json` / `lineage.html` atomically.

    Raises ReportInvalidError (writing nothing) when the report does not validate.
    """
    errors = validate_report(report)
    if errors:
        raise ReportInvalidError(errors)
    views = {"json": ("lineage.json", dumps), "html": ("lineage.html", render_html)}
    rendered = [(out_dir / views[f][0], views[f][1](report)) for f in formats]
    for target, content in rendered:
        write_atomic(target, content)
    return [target for target, _ in rendered]

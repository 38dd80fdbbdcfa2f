"""The library API: scan a folder into a lineage report, and write its views.

read (files → documents) → lines (boilerplate statistics) → analyse (a record per article:
boilerplate, repeats, quotations, credits, words, shingles) → frequent shingles → candidates
(LSH bands) → align (exact spans) → lineage (clusters, earliest source, meaning) → report.
Each step takes and returns plain data; an executor runs them and counts what each did.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import orjson

from provenance.detect import DetectionInput, find_reuse
from provenance.editorial.meaning import DocumentFacts, EditorialResult, LinkSides, link_meaning
from provenance.executor import Executor, as_executor
from provenance.executor.progress import sharing
from provenance.ingest import IngestResult, OutletRegistry, ReadOptions, ingest_paths, load_registry
from provenance.ingest.files import input_name
from provenance.lineage import Edge, Passage, build_lineage
from provenance.report.build import build_report, check_texts
from provenance.report.html import render_html
from provenance.report.messages import Lang
from provenance.report.model import Report, Texts
from provenance.report.model import json_chunks as stream_json
from provenance.report.prov_export import render_prov
from provenance.report.validate import validate_report
from provenance.report.write import write_atomic
from provenance.settings import DetectionSettings
from provenance.shards import WordsArray, analyse_to_shards, read_findings, read_shingles

Format = Literal["json", "html", "prov-json"]
# Each view of a lineage report, the suffix of its file, and the file `scan` writes it to.
VIEW_SUFFIXES: dict[str, str] = {"json": ".json", "html": ".html", "prov-json": ".prov.json"}
REPORT_FILES: dict[str, str] = {view: f"lineage{suffix}" for view, suffix in VIEW_SUFFIXES.items()}
# What each step of the run did and cost, beside the report (not part of it: its times vary).
STEPS_FILE = "lineage.steps.json"
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
    paths: Path | Sequence[Path],
    settings: DetectionSettings | None = None,
    registry: OutletRegistry | None = None,
    progress: Progress = _quiet,
    jobs: int | Executor | None = None,
    options: ReadOptions | None = None,
    texts: Texts = "linked",
) -> Report:
    """Scan a folder (or one file, or several of either) and return the lineage report.

    Document paths are relative to the folder scanned (for several, to the deepest folder
    holding them all); a file reached twice is read once. `jobs` says where the steps run: an
    executor, or a number of local processes (default: every core this process may use); the
    report is the same whatever it is. `options` say how files are read: encoding, size
    limit, the day of the scan, a manifest. `texts` says which documents carry their text
    in the report: those in a link (`linked`, the default) or `all`.
    """
    roots = [paths] if isinstance(paths, Path) else [Path(p) for p in paths]
    registry = registry or load_registry()
    executor = as_executor(jobs)
    ingested = ingest_paths(roots, registry, executor, options)
    progress(f"read {len(ingested.documents)} documents from {ingested.files_seen} files")
    return scan_documents(ingested, input_name(roots), settings, registry, progress, executor, texts)


def scan_documents(
    ingested: IngestResult,
    root: str,
    settings: DetectionSettings | None = None,
    registry: OutletRegistry | None = None,
    progress: Progress = _quiet,
    jobs: int | Executor | None = None,
    texts: Texts = "linked",
) -> Report:
    """The lineage report of documents already read (from a folder, or from an index).

    `root` names the input in the report. The documents' order is the report's order.
    Boilerplate is judged by the line statistics of these documents. `texts`: as for `scan`.
    """
    texts_kept = check_texts(texts)  # before the work, not after it; `texts` names the texts below
    settings = settings or DetectionSettings()
    registry = registry or load_registry()
    executor = as_executor(jobs)
    docs = ingested.documents
    with tempfile.TemporaryDirectory(prefix="provenance-") as work:
        shards = analyse_to_shards(docs, registry, settings, Path(work) / "records", executor)
        progress(f"analysed {len(docs)} documents")
        shingles = [s for _, path in shards.paths for s in read_shingles(path)]
        words = WordsArray(shards.paths, shards.word_counts, Path(work) / "words")
        texts, bodies = [d.text for d in docs], [d.body for d in docs]
        findings = [f for _, path in shards.paths for f in read_findings(path)]
        languages = [f.language.code if f.language else None for f in findings]
        detection = find_reuse(
            DetectionInput(texts, bodies, words, shards.word_counts, shingles, languages), settings, executor
        )
        del shingles, words
    progress(
        f"{detection.units} units, {detection.candidate_document_pairs} candidate document pairs, "
        f"{len(detection.reuses)} verified passages"
    )
    facts = [
        DocumentFacts(d.text, d.outlet, f.quotations, f.credits, f.language)
        for d, f in zip(docs, findings, strict=True)
    ]
    boilerplate, repeats = [f.boilerplate for f in findings], [f.repeats for f in findings]
    del findings
    with executor.step("lineage", len(detection.reuses), "passages") as step:
        edges = [
            Edge(
                Passage(r.a, *r.a_span),
                Passage(r.b, *r.b_span),
                r.matched_words,
                r.similarity,
                r.kind,
                r.points,
            )
            for r in sharing(detection.reuses, step.share, 0.1)
        ]
        # Of the step's time, the edges took a tenth, the lineage takes eight, meanings the last.
        lineage = build_lineage(
            edges, [d.date for d in docs], [d.id for d in docs], share=lambda f: step.share(0.8 * f)
        )
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
            for k in sharing(lineage.links, step.share, 0.1)
        ]
        step.stats.items_out = len(lineage.links)
    editorial = EditorialResult(boilerplate, repeats, facts, meanings)
    with executor.step("report", len(docs), "documents") as step:
        report = build_report(
            root, ingested, detection, lineage, settings, editorial, texts_kept, share=step.share
        )
        step.stats.items_out = len(report.links)
    return report


def dumps(report: Report | Mapping[str, Any]) -> str:
    """The report as JSON text: stable, readable (indented by 2), Cyrillic kept as is."""
    return b"".join(json_chunks(report)).decode("utf-8")


def json_chunks(report: Report | Mapping[str, Any]) -> Iterator[bytes]:
    """The report (or JSON data in its shape, such as a report read back and edited) as UTF-8
    JSON, a list item at a time, so a report of 100,000 articles is never held in memory whole;
    the bytes are those of `report.to_json()` (of data: `orjson.dumps(data, OPT_INDENT_2)` and
    a newline)."""
    return report.json_chunks() if isinstance(report, Report) else stream_json(report)


def render_view(report: Report, fmt: Format, lang: Lang | None = None) -> str | Iterable[bytes]:
    """One view of a (valid) report: the JSON itself, the HTML page, or W3C PROV-JSON."""
    if fmt == "json":
        return report.json_chunks()
    if fmt == "html":
        return render_html(report, lang)
    return render_prov(report)


def write_reports(
    report: Report,
    out_dir: Path,
    formats: Iterable[Format] = ("json", "html"),
    lang: Lang | None = None,
) -> list[Path]:
    """Validate the report, then write `lineage.json` / `lineage.html` / `lineage.prov.json`
    atomically. `lang` is the HTML page's language (default: the documents').

    Raises ReportInvalidError (writing nothing) when the report does not validate.
    """
    errors = validate_report(report)
    if errors:
        raise ReportInvalidError(errors)
    rendered = [(out_dir / REPORT_FILES[f], render_view(report, f, lang)) for f in formats]
    for target, content in rendered:
        write_atomic(target, content)
    return [target for target, _ in rendered]


def write_step_stats(executor: Executor, out_dir: Path) -> Path:
    """Write what each step the executor ran did (items in and out, seconds, peak memory of
    the process tree) to `lineage.steps.json` in `out_dir`, atomically."""
    target = out_dir / STEPS_FILE
    write_atomic(target, [orjson.dumps(executor.stats_dict(), option=orjson.OPT_INDENT_2) + b"\n"])
    return target

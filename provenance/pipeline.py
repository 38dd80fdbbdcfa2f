"""The library API: scan a folder into a lineage report, and write its views.

read (files → documents) → lines (boilerplate statistics) → analyse (a record per article:
boilerplate, repeats, quotations, credits, words, shingles) → frequent shingles → candidates
(LSH bands) → align (exact spans) → lineage (clusters, earliest source, meaning) → report.
Each step takes and returns plain data; an executor runs them and counts what each did.
A scan keeps the documents' texts on disk (`provenance.documents`) and each step reads
those it needs, so its memory grows with the work in flight, not with the corpus.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, overload

import orjson

from provenance.detect import DetectionInput, find_reuse
from provenance.documents import (
    DocumentStore,
    DocumentWriter,
    bodies_of,
    metadata_of,
    stored_texts_of,
    texts_of,
)
from provenance.editorial.meaning import DocumentFacts, EditorialResult, LinkSides, link_meaning
from provenance.executor import Executor, as_executor
from provenance.executor.progress import sharing
from provenance.ingest import Document, IngestResult, OutletRegistry, ReadOptions, ingest_paths, load_registry
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
from provenance.shards import (
    Findings,
    Shards,
    WordsArray,
    analyse_to_shards,
    read_corpus_shingles,
    read_findings,
    read_languages,
)

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

    Texts are kept on disk from the moment they are read (`provenance.documents`), in a
    temporary folder removed at the end, whatever the end.
    """
    check_texts(texts)  # before reading, not after it
    roots = [paths] if isinstance(paths, Path) else [Path(p) for p in paths]
    registry = registry or load_registry()
    executor = as_executor(jobs)
    with tempfile.TemporaryDirectory(prefix="provenance-") as work:
        ingested = ingest_paths(roots, registry, executor, options, DocumentWriter(Path(work) / "documents"))
        progress(f"read {len(ingested.documents)} documents from {ingested.files_seen} files")
        assert isinstance(ingested.documents, DocumentStore)
        with ingested.documents:
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
    """The lineage report of documents already read: in memory, or in a `DocumentStore`.

    `root` names the input in the report. The documents' order is the report's order.
    Boilerplate is judged by the line statistics of these documents. `texts`: as for `scan`.
    """
    check_texts(texts)  # before the work, not after it
    settings = settings or DetectionSettings()
    registry = registry or load_registry()
    executor = as_executor(jobs)
    docs = ingested.documents

    def analysed(folder: Path) -> Shards:
        shards = analyse_to_shards(docs, registry, settings, folder, executor)
        progress(f"analysed {len(docs)} documents")
        return shards

    return report_from_records(ingested, root, analysed, settings, progress, executor, texts)


def report_from_records(
    ingested: IngestResult,
    root: str,
    records: Callable[[Path], Shards],
    settings: DetectionSettings,
    progress: Progress = _quiet,
    jobs: int | Executor | None = None,
    texts: Texts = "linked",
) -> Report:
    """The steps after the per-document one, from the documents' records to the report:
    detection, lineage, meaning. `scan` makes the records by analysing the documents; an
    index reads most of them from its file (`provenance.index.report`).

    `records(folder)` writes the records of `ingested.documents`, in their order, as shards
    in `folder` (temporary) and says where they are. `texts`: as for `scan`.

    Steps that need a document's text read it when they need it (from a store, from disk):
    detection for the pairs that share a passage, the meaning and the report of a link for
    its two sides, the report one document at a time; what needs no text (ids, dates,
    bodies) reads metadata.
    """
    texts_kept = check_texts(texts)  # before the work, not after it; `texts` names the texts below
    executor = as_executor(jobs)
    docs = ingested.documents
    meta = metadata_of(docs)
    with tempfile.TemporaryDirectory(prefix="provenance-") as work:
        shards = records(Path(work) / "records")
        words = WordsArray(shards.paths, shards.word_counts, Path(work) / "words")
        languages = [code for _, path in shards.paths for code in read_languages(path)]
        detection = find_reuse(
            # The shingles are read by detection, which lets go of them once it has the candidates.
            DetectionInput(
                stored_texts_of(docs),
                bodies_of(docs),
                words,
                shards.word_counts,
                lambda: read_corpus_shingles(shards.paths),
                languages,
            ),
            settings,
            executor,
            Path(work) / "candidates.parquet",
        )
        words.close()
        del words, languages
        # One Findings a document (its boilerplate, repeats, quotations, credits and language,
        # 2 to 3 KB): read once detection, which needs none of it, has let go of its shingles.
        findings = [f for _, path in shards.paths for f in read_findings(path)]
    progress(
        f"{detection.units} units, {detection.candidate_document_pairs} candidate document pairs, "
        f"{len(detection.reuses)} verified passages"
    )
    facts = _Facts(docs, findings)
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
            edges, [d.date for d in meta], [d.id for d in meta], share=lambda f: step.share(0.8 * f)
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


class _Facts(Sequence[DocumentFacts]):
    """What the meaning of links and the report read of each document: its findings, held
    here, and its text, read only when a document's facts are asked for (for a document in
    a link, or as the report comes to it)."""

    def __init__(self, docs: Sequence[Document], findings: list[Findings]) -> None:
        self._meta, self._texts, self._findings = metadata_of(docs), texts_of(docs), findings

    def __len__(self) -> int:
        return len(self._findings)

    @overload
    def __getitem__(self, i: int) -> DocumentFacts: ...
    @overload
    def __getitem__(self, i: slice) -> list[DocumentFacts]: ...
    def __getitem__(self, i: int | slice) -> DocumentFacts | list[DocumentFacts]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        f = self._findings[i]
        return DocumentFacts(self._texts[i], self._meta[i].outlet, f.quotations, f.credits, f.language)


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

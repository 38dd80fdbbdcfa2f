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

from provenance.detect import DetectionInput, Reuse, find_reuse
from provenance.detect.passages import read_passages, write_passages
from provenance.documents import (
    DocumentStore,
    DocumentWriter,
    bodies_of,
    metadata_of,
    stored_texts_of,
    texts_of,
)
from provenance.editorial.meaning import DocumentFacts, LinkMeaning, LinkSides, link_meaning
from provenance.executor import Executor, as_executor
from provenance.executor.progress import sharing
from provenance.ingest import Document, IngestResult, OutletRegistry, ReadOptions, ingest_paths, load_registry
from provenance.ingest.files import input_name
from provenance.lineage import Edge, Lineage, Passage, lineage_by_component
from provenance.report.build import build_report, check_texts
from provenance.report.html import render_html
from provenance.report.messages import Lang
from provenance.report.model import Report, Texts
from provenance.report.model import json_chunks as stream_json
from provenance.report.prov_export import render_prov
from provenance.report.stored import Files
from provenance.report.validate import validate_report
from provenance.report.write import write_all_atomic, write_atomic
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
    temporary folder. The report reads its documents' entries and texts from there (see
    `provenance.report.stored`): the folder goes when the report does, or when the program
    ends, and at once when the scan fails or is interrupted.
    """
    check_texts(texts)  # before reading, not after it
    roots = [paths] if isinstance(paths, Path) else [Path(p) for p in paths]
    registry = registry or load_registry()
    executor = as_executor(jobs)
    # The documents' texts stay in this folder for as long as the report reads them.
    files = Files(Path(tempfile.mkdtemp(prefix="provenance-")))
    try:
        ingested = ingest_paths(
            roots, registry, executor, options, DocumentWriter(files.folder / "documents")
        )
        progress(f"read {len(ingested.documents)} documents from {ingested.files_seen} files")
        assert isinstance(ingested.documents, DocumentStore)
        files.on_release(ingested.documents.close)
        return scan_documents(
            ingested, input_name(roots), settings, registry, progress, executor, texts, files
        )
    except BaseException:
        files.release()
        raise


def scan_documents(
    ingested: IngestResult,
    root: str,
    settings: DetectionSettings | None = None,
    registry: OutletRegistry | None = None,
    progress: Progress = _quiet,
    jobs: int | Executor | None = None,
    texts: Texts = "linked",
    files: Files | None = None,
) -> Report:
    """The lineage report of documents already read: in memory, or in a `DocumentStore`.

    `root` names the input in the report. The documents' order is the report's order.
    Boilerplate is judged by the line statistics of these documents. `texts`: as for `scan`;
    `files`: as for `report_from_records`.
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

    return report_from_records(ingested, root, analysed, settings, progress, executor, texts, files)


def report_from_records(
    ingested: IngestResult,
    root: str,
    records: Callable[[Path], Shards],
    settings: DetectionSettings,
    progress: Progress = _quiet,
    jobs: int | Executor | None = None,
    texts: Texts = "linked",
    files: Files | None = None,
) -> Report:
    """The steps after the per-document one, from the documents' records to the report:
    detection, lineage, meaning. `scan` makes the records by analysing the documents; an
    index reads most of them from its file (`provenance.index.report`).

    `records(folder)` writes the records of `ingested.documents`, in their order, as shards
    in `folder` (temporary) and says where they are. `texts`: as for `scan`.

    The report's documents, links and clusters are kept on disk in `files` (made here when
    not given), which the report owns: see `provenance.report.stored`. When the work fails, files made
    here are released at once; given ones are the caller's.

    Steps that need a document's text read it when they need it (from a store, from disk):
    detection for the pairs that share a passage, the meaning and the report of a link for
    its two sides, the report one document at a time; what needs no text (ids, dates,
    bodies) reads metadata.
    """
    texts_kept = check_texts(texts)  # before the work, not after it; `texts` names the texts below
    executor = as_executor(jobs)
    docs = ingested.documents
    owned = files is None
    if files is None:
        files = Files(Path(tempfile.mkdtemp(prefix="provenance-")))
    try:
        with tempfile.TemporaryDirectory(prefix="provenance-", dir=files.folder) as work:
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
            progress(
                f"{detection.units} units, {detection.candidate_document_pairs} candidate document pairs, "
                f"{len(detection.reuses)} verified passages"
            )
            # The align step's output, the lineage step's input (`provenance.detect.passages`).
            passages = write_passages(detection.reuses, Path(work) / "passages.parquet")
            del detection
            lineage, meanings = _lineage(read_passages(passages), docs, shards, executor)
            with executor.step("report", len(docs), "documents") as step:
                # Each document's findings (its boilerplate, repeats, quotations, credits and
                # language, 2 to 3 KB), read a shard at a time as the report comes to them.
                findings = _all_findings(shards)
                report = build_report(
                    root, ingested, lineage, settings, findings, meanings, texts_kept, step.share, files
                )
                step.stats.items_out = len(report.links)
            return report
    except BaseException:
        if owned:
            files.release()
        raise


def _lineage(
    reuses: list[Reuse], docs: Sequence[Document], shards: Shards, executor: Executor
) -> tuple[Lineage, list[LinkMeaning]]:
    """The lineage step: clusters and earliest sources of the verified passages, and the
    meaning of each link (quoted, credited), read from the findings of the documents in links."""
    meta = metadata_of(docs)
    with executor.step("lineage", len(reuses), "passages") as step:
        # A component of the document graph at a time: what is held at once is the largest
        # component's work. Of the step's time, the lineage takes nine tenths, meanings the rest.
        lineage = lineage_by_component(
            [(r.a, r.b) for r in reuses],
            _edges_of(reuses),
            [d.date for d in meta],
            [d.id for d in meta],
            share=lambda f: step.share(0.9 * f),
        )
        linked = {p.document for k in lineage.links for p in (k.source, k.target)}
        facts = _Facts(docs, _findings_of(shards, linked))
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
    return lineage, meanings


def _edges_of(reuses: Sequence[Reuse]) -> Callable[[list[int]], list[Edge]]:
    """The lineage's edges of the passages of the given numbers (their points stay packed)."""

    def edges(numbers: list[int]) -> list[Edge]:
        return [
            Edge(
                Passage(r.a, *r.a_span),
                Passage(r.b, *r.b_span),
                r.matched_words,
                r.similarity,
                r.kind,
                r.points,
            )
            for r in map(reuses.__getitem__, numbers)
        ]

    return edges


def _findings_of(shards: Shards, documents: set[int]) -> dict[int, Findings]:
    """What the meaning of links reads of the given documents' findings (quotations, credits,
    language: not boilerplate or repeats), read a shard at a time."""
    return {
        number: Findings([], [], f.quotations, f.credits, f.language)
        for number, f in enumerate(_all_findings(shards))
        if number in documents
    }


def _all_findings(shards: Shards) -> Iterator[Findings]:
    """Every document's findings, in document order, read a shard at a time."""
    return (f for _, path in shards.paths for f in read_findings(path))


class _Facts(Sequence[DocumentFacts]):
    """What the meaning of links reads of a document in a link: its findings, held here, and
    its text, read when the document's facts are asked for."""

    def __init__(self, docs: Sequence[Document], findings: dict[int, Findings]) -> None:
        self._meta, self._texts, self._findings = metadata_of(docs), texts_of(docs), findings

    def __len__(self) -> int:
        return len(self._meta)

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
    atomically, all or none. `lang` is the HTML page's language (default: the documents').

    Raises ReportInvalidError (writing nothing) when the report does not validate.
    """
    errors = validate_report(report)
    if errors:
        raise ReportInvalidError(errors)
    rendered = [(out_dir / REPORT_FILES[f], render_view(report, f, lang)) for f in formats]
    # All or none: an interrupted run never leaves a new JSON beside the previous page.
    write_all_atomic(rendered)
    return [target for target, _ in rendered]


def write_step_stats(executor: Executor, out_dir: Path) -> Path:
    """Write what each step the executor ran did (items in and out, seconds, peak memory of
    the process tree) to `lineage.steps.json` in `out_dir`, atomically."""
    target = out_dir / STEPS_FILE
    write_atomic(target, [orjson.dumps(executor.stats_dict(), option=orjson.OPT_INDENT_2) + b"\n"])
    return target

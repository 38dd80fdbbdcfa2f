"""Command line: a thin layer over `provenance.pipeline`.

Exit codes follow linters: 0 clean, 1 findings (an invalid report for `validate`),
2 usage or input error, and also an internal error (a bug, a worker process killed): never 1,
which a pipeline reads as "findings". Ctrl-C exits 130 and SIGTERM (`kill`) 143, each after the
same clean ending (workers stopped, temporary files removed, nothing half-written), with
one line. Reports and file lists go to stdout;
progress and warnings to stderr, each message one line with control characters escaped.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import click

from provenance import __version__, jsontext
from provenance.check import CheckInvalidError, check, corpus_index, draft_date_of, read_drafts
from provenance.config import DEFAULT_INDEX, FAIL_ON, Config, ConfigError, load_config, parse_size
from provenance.executor import Executor, LocalExecutor
from provenance.index import Index, IndexProblem
from provenance.index.report import index_report
from provenance.ingest import (
    SUFFIXES,
    InputWarning,
    ManifestError,
    OutletRegistry,
    ReadOptions,
    codec_name,
    ingest_paths,
    load_manifest,
    load_registry,
)
from provenance.ingest.files import DEFAULT_MAX_DOCUMENT_CHARS, MAX_DOCUMENT_CHARS, human_size
from provenance.parallel import WorkerDied, default_jobs
from provenance.pipeline import (
    REPORT_FILES,
    STEPS_FILE,
    VIEW_SUFFIXES,
    Format,
    ReportInvalidError,
    render_view,
    scan,
    write_reports,
    write_step_stats,
)
from provenance.report.check_views import render_check_html, render_text
from provenance.report.export import EXPORT_FORMATS, ExportFormat, NotAReport, export_report
from provenance.report.export import SUFFIXES as EXPORT_SUFFIXES
from provenance.report.messages import LANGUAGES, Lang
from provenance.report.model import TEXTS, Report, Texts, WarningEntry
from provenance.report.validate import read_report, validate_report
from provenance.report.write import write_atomic
from provenance.settings import DetectionSettings
from provenance.text.display import one_line

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM
# Set (to anything but "" or "0") to see the traceback of an internal error.
DEBUG_ENV = "PROVENANCE_DEBUG"


def _err(message: str) -> None:
    click.echo(f"provenance: {one_line(message)}", err=True)


def _fail(message: str) -> NoReturn:
    _err(f"error: {message}")
    sys.exit(EXIT_ERROR)


def _warn_all(warnings: Iterable[InputWarning | WarningEntry]) -> None:
    for w in warnings:
        where = w.path if w.line is None else f"{w.path}:{w.line}"
        _err(f"warning: {where}: {w.message}")


def _config(**flags: Any) -> Config:
    """The settings in force: config files in the working directory, then these flags."""
    try:
        config = load_config()
    except ConfigError as exc:
        _fail(str(exc))
    for key, value in flags.items():
        config.override(key.replace("_", "-"), value, f"--{key.replace('_', '-')}")
    return config


def _settings(config: Config) -> DetectionSettings:
    try:
        return config.detection_settings()
    except ConfigError as exc:
        _fail(str(exc))


def _registry(config: Config) -> OutletRegistry | None:
    path = config["registry"]
    if path is None:
        return None
    try:
        return load_registry(path)
    except OSError as exc:
        _fail(f"{path}: cannot read the outlet registry: {exc.strerror or exc}")
    except ValueError as exc:
        _fail(str(exc))


def _read_options(config: Config) -> ReadOptions:
    """How input files are read: the encoding override, size limit and manifest in force."""
    encoding = config["encoding"]
    if encoding is not None:
        try:
            encoding = codec_name(encoding)
        except LookupError:
            _fail(f"unknown encoding {encoding!r} ({config.sources['encoding']})")
    manifest = None
    if config["manifest"] is not None:
        try:
            manifest = load_manifest(config["manifest"])
        except ManifestError as exc:
            _fail(str(exc))
    return ReadOptions(
        encoding=encoding,
        max_file_size=config["max-file-size"],
        max_document_chars=config["max-document-chars"],
        manifest=manifest,
    )


def _strict_exit(config: Config, warnings: int) -> None:
    """Exit 2 when `--strict` is in force and the input gave warnings."""
    if config["strict"] and warnings:
        _fail(f"{warnings} input warning{'s' if warnings > 1 else ''}, and --strict makes them errors")


class _Size(click.ParamType):
    name = "SIZE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            return parse_size(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _input_options(command: Callable[..., Any], manifest: bool = True) -> Callable[..., Any]:
    """How input files are read: `--encoding`, `--max-file-size`, `--max-document-chars`,
    `--strict` (and `--manifest`)."""
    command = click.option(
        "--strict",
        is_flag=True,
        default=None,
        help="Exit 2 when the input gave any warning (a file skipped, a date ignored, …).",
    )(command)
    command = click.option(
        "--max-document-chars",
        type=click.IntRange(1, MAX_DOCUMENT_CHARS),
        default=None,
        metavar="N",
        help="Skip (with a warning) documents longer than N characters: memory grows with "
        f"the longest document. Default {DEFAULT_MAX_DOCUMENT_CHARS:,}, or `max-document-chars` "
        "in the configuration.",
    )(command)
    command = click.option(
        "--max-file-size",
        type=_Size(),
        default=None,
        help="Skip (with a warning) files larger than this, e.g. 64M or 2G. Default 512M, or "
        "`max-file-size` in the configuration.",
    )(command)
    command = click.option(
        "--encoding",
        default=None,
        metavar="NAME",
        help="Decode every file with this encoding (e.g. cp1251, koi8-r, utf-16) instead of "
        "detecting it: a byte-order mark, a page's declared charset, UTF-8, else the likeliest "
        "of the legacy Cyrillic and Western encodings.",
    )(command)
    if manifest:
        command = click.option(
            "--manifest",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="CSV or JSON file (schemas/manifest.schema.json) giving, per file path or "
            "document id, the outlet, date, url and title; its values override what is detected, "
            "and the report marks them as coming from the manifest.",
        )(command)
    return command


def _draft_input_options(command: Callable[..., Any]) -> Callable[..., Any]:
    return _input_options(command, manifest=False)


_min_words_option = click.option(
    "--min-words",
    type=click.IntRange(min=3),
    default=None,
    help=f"Fewest matched words (outside stock phrases) for a passage to count as reuse; "
    f"{DetectionSettings.min_content_words} of them must be content words, not function words. "
    f"Default {DetectionSettings.min_words}, or `min-words` in the configuration.",
)
_registry_option = click.option(
    "--registry",
    "registry_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Outlet registry (JSON, schemas/outlet-registry.schema.json): outlets and sources with "
    "their names, case forms, signatures, web domains, page-furniture lines and CSS selectors "
    "for their saved pages. It extends the packaged one (an entry with a packaged id replaces "
    'it); with "standalone": true it is used alone.',
)
_jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for the parallel stages (default: every core available). The result is the "
    "same whatever the number.",
)
_verbose_option = click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="At the end, print what each step did: items in and out, seconds, and the peak memory "
    f"of all the run's processes together. Always written to {STEPS_FILE} beside the report.",
)
_index_option = click.option(
    "--index",
    "index_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"The index file (SQLite). Default: `index` in the configuration, else ./{DEFAULT_INDEX}.",
)


def _report_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`-o DIR`, `--format`, `--lang` and `--texts` of the commands that write a lineage report."""
    command = click.option(
        "--texts",
        type=click.Choice(TEXTS),
        default="linked",
        show_default=True,
        help="Which documents carry their text in the report: linked, only those sharing text with "
        "another (the others keep their metadata, path and SHA-256: the report grows with the reuse "
        "found, not with the corpus); all, every document. Links and clusters are the same either way.",
    )(command)
    command = _lang_option(command)
    command = click.option(
        "--format",
        "fmt",
        type=click.Choice(["json", "html", "prov-json", "all"]),
        multiple=True,
        help="Which reports to write; repeat for several. json: lineage.json; html: lineage.html, "
        "rendered from the validated JSON; prov-json: lineage.prov.json, W3C PROV; all: the three. "
        "Default: json and html.",
    )(command)
    return click.option(
        "-o",
        "--output",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("reports"),
        show_default=True,
        help="Folder for the reports (created if missing).",
    )(command)


_lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the HTML report's interface (default: the documents' language: Kazakh when "
    "most documents are told as Kazakh, else Russian when most of their letters are Cyrillic, else "
    "English).",
)


def _formats(fmt: tuple[str, ...]) -> list[Format]:
    """The --format values in a fixed order, without repeats."""
    chosen = set(fmt or ("json", "html"))
    if "all" in chosen:
        chosen = set(REPORT_FILES)
    return [f for f in REPORT_FILES if f in chosen]  # type: ignore[misc]


def _debugging() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        os.environ[DEBUG_ENV] = "1"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="provenance")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_debug,
    help=f"On an internal error, print the traceback (also: {DEBUG_ENV}=1).",
)
def cli() -> None:
    """Find reused text across news outlets and who published it first.

    `provenance scan FOLDER` reads every article in FOLDER (.txt, .jsonl, .json, saved .html
    pages; any common encoding), finds passages
    that appear in more than one document — down to a single copied sentence — and links
    each to its earliest dated source in the folder. It writes reports/lineage.json
    (validated against schemas/lineage-report.schema.json) and reports/lineage.html.

    `provenance index add FOLDER` keeps what has been published in an index;
    `provenance check DRAFT` then says, before publishing, which passages of a draft are
    already out there, who had them first, and whether the draft credits them (exit 1 when
    it copies without credit). Settings: `provenance config`.

    Exit codes: 0 done, 1 findings, 2 an error (usage, input, a damaged index, a worker
    process killed, an internal error). Stopped by Ctrl-C, exit 130; by `kill` (SIGTERM),
    143: either way with one line on stderr, the workers stopped, the temporary files
    removed, and nothing written (each report file is written whole or not at all, and
    each change to the index is one transaction).
    """


@cli.command("scan")
@click.argument("paths", metavar="PATH...", nargs=-1, required=True, type=click.Path(path_type=Path))
@_report_options
@_min_words_option
@_registry_option
@_input_options
@_jobs_option
@_verbose_option
@click.option("-q", "--quiet", is_flag=True, help="Print no progress or warnings on stderr.")
def scan_command(
    paths: tuple[Path, ...],
    out_dir: Path,
    fmt: tuple[str, ...],
    lang: Lang | None,
    texts: Texts,
    min_words: int | None,
    registry_path: Path | None,
    encoding: str | None,
    max_file_size: int | None,
    max_document_chars: int | None,
    manifest: Path | None,
    strict: bool | None,
    jobs: int | None,
    verbose: bool,
    quiet: bool,
) -> None:
    """Scan PATH (a folder, read recursively, or a file; or several) and write the lineage report.

    Document ids and paths are relative to the folder given (for several, to the deepest
    folder holding them all: `scan tengri orda` names tengri/2025-10-10 and
    orda/2025-10-10). A file reached twice (a symbolic or hard link, a folder inside another
    one given) is read once.

    Each .txt file is one article (an inline ` date YYYY-MM-DD ` header is read as
    metadata); each line of a .jsonl file, or item of a .json array, is one article with
    `id` and `text`, and optional `date`, `outlet`, `title`, `url`; an .html page is one
    article, its main text extracted and its metadata read from the page. Encodings are
    detected (UTF-8/16 with or without BOM, Windows-1251, KOI8-R, Windows-1252, ...) and
    recorded. Every file found is a document or listed as skipped with its reason; problems
    are warnings, and the run goes on (with --strict the report is written, then exit 2).

    Every link says whether the shared text is a shared quotation, copied text or mixed, and
    whether the later article credits the earlier outlet; page furniture and passages an
    article repeats inside itself are left out of matching and of the reused shares.
    """
    _must_exist(paths)
    config = _config(
        min_words=min_words,
        registry=registry_path,
        jobs=jobs,
        encoding=encoding,
        max_file_size=max_file_size,
        max_document_chars=max_document_chars,
        manifest=manifest,
        strict=strict,
    )
    settings, registry = _settings(config), _registry(config)
    options = _read_options(config)
    progress = (lambda _: None) if quiet else _err
    executor = LocalExecutor(config["jobs"], None if quiet else _err)
    report = scan(paths, settings, registry, progress=progress, jobs=executor, options=options, texts=texts)
    if not quiet:
        _warn_all(report.warnings)
    if not report.documents:
        _fail(f"{_named(paths)}: no readable documents ({', '.join(SUFFIXES)}) found")
    _write_lineage(report, out_dir, fmt, lang, quiet, executor, verbose)
    _strict_exit(config, len(report.warnings))


def _not_an_input(output: Path, inputs: list[Path], what: str = "the input {given}") -> None:
    """Exit 2 when writing `output` would overwrite an input: the same file by any path (a
    link, `./draft.txt`), or a file inside an input folder."""
    # `x/../draft.txt` with no folder x yet: writing creates x, and then names the draft.
    for target in dict.fromkeys((output, Path(os.path.abspath(output)))):
        if not target.exists():
            continue
        for given in inputs:
            try:
                same = os.path.samefile(target, given)
                inside = given.is_dir() and target.resolve().is_relative_to(given.resolve())
            except OSError:
                continue
            if same or inside:
                _fail(f"{output}: would overwrite {what.format(given=given)}; choose another -o")


def _must_exist(paths: tuple[Path, ...]) -> None:
    """Each path named is a file or folder; else one line naming it, exit 2. A pipe or a
    device is never opened: reading /dev/zero or a pipe nobody writes to would never end."""
    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            if not path.exists() and not path.is_symlink():
                _fail(f"{path}: no such file or folder")
            _fail(f"{path}: cannot read: {exc.strerror or exc}")
        if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
            _fail(f"{path}: not a file or folder (a device, pipe or socket); not read")


def _named(paths: tuple[Path, ...]) -> str:
    return ", ".join(map(str, paths))


def _write_lineage(
    report: Report,
    out_dir: Path,
    fmt: tuple[str, ...],
    lang: Lang | None,
    quiet: bool,
    executor: Executor,
    verbose: bool,
) -> None:
    try:
        with executor.step("write", len(report.documents), "documents") as step:
            written = write_reports(report, out_dir, _formats(fmt), lang)
            step.stats.items_out = len(written)
        write_step_stats(executor, out_dir)
    except ReportInvalidError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write reports to {out_dir}: {exc.strerror or exc}")
    if verbose and not quiet:
        for stats in executor.stats:
            _err(stats.line())
    summary = report.summary
    if not quiet:
        origins, classes = summary.origins, summary.classes
        _err(
            f"{summary.documents} documents, {summary.links} links, {summary.clusters} clusters "
            f"({origins.determined} determined, {origins.tie} tie, "
            f"{origins.undated} undated); {summary.skipped} skipped"
        )
        _err(
            f"links: {classes.copied_text} copied text, {classes.mixed} mixed, "
            f"{classes.shared_quotation} shared quotations; {summary.credited_links} credited"
        )
    for target in written:
        click.echo(str(target))


def _read_report(report_path: Path) -> Any:
    """The JSON of a report file, or exit 2 with one line saying why it cannot be read."""
    try:
        # A lone surrogate escape reads as U+FFFD, so the report can be written out again.
        return jsontext.loads(report_path.read_text(encoding="utf-8"), long_integers=False)
    except OSError as exc:
        _fail(f"{report_path}: cannot read: {exc.strerror or exc}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(f"{report_path}: not a JSON file: {exc}")
    except RecursionError:
        _fail(f"{report_path}: JSON nested too deeply to read")
    except jsontext.TooLongInteger as exc:  # every number of a report is a count or an offset
        _fail(f"{report_path}: not a lineage report: {exc}")


@cli.command("validate")
@click.argument("report_path", metavar="REPORT.json", type=click.Path(path_type=Path))
def validate_command(report_path: Path) -> None:
    """Check a lineage report against its JSON Schema and its own offsets.

    Exit 0 when valid, 1 when invalid (each problem printed on its own line), 2 when the
    file cannot be read or is not JSON.
    """
    report = _read_report(report_path)
    errors = validate_report(report)
    for error in errors:
        click.echo(f"{report_path}: {error}")
    if errors:
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{report_path}: valid")


@cli.command("render")
@click.argument("report_path", metavar="REPORT.json", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write, `-` for stdout. Default: beside REPORT.json with the view's suffix "
    "(lineage.json → lineage.html, lineage.prov.json).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "prov-json"]),
    default="html",
    show_default=True,
    help="html: the interactive page; prov-json: W3C PROV-JSON.",
)
@_lang_option
def render_command(report_path: Path, out_file: Path | None, fmt: str, lang: Lang | None) -> None:
    """Render a lineage report again, without rescanning: the HTML page or W3C PROV.

    The report is checked first, as `provenance validate` does; an unreadable or invalid
    report exits 2 and writes nothing.
    """
    report, errors = read_report(_read_report(report_path))
    if report is None or errors:
        for error in errors:
            _err(f"{report_path}: {error}")
        count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
        _fail(f"{report_path}: not a valid lineage report ({count}); nothing written")
    content = render_view(report, fmt, lang)  # type: ignore[arg-type]
    assert isinstance(content, str)
    if out_file is not None and str(out_file) == "-":
        click.echo(content, nl=False)
        return
    target = out_file or report_path.with_name(_rendered_name(report_path.name, fmt))
    _not_an_input(target, [report_path], "the report itself")
    try:
        write_atomic(target, content)
    except OSError as exc:
        _fail(f"cannot write {target}: {exc.strerror or exc}")
    click.echo(str(target))


@cli.command("export")
@click.argument("report_path", metavar="REPORT.json", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="csv",
    show_default=True,
    help="csv: UTF-8 with a byte-order mark, for Excel and LibreOffice; parquet: typed columns, "
    "for pandas, DuckDB, R or Spark.",
)
@click.option(
    "-o",
    "--output",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write. Default: beside REPORT.json (lineage.json → lineage.links.csv, "
    "lineage.links.parquet).",
)
def export_command(report_path: Path, fmt: ExportFormat, out_file: Path | None) -> None:
    """Export the links of a lineage report, one row per link.

    Each row: the link's id, time direction, class (copied text, shared quotation, mixed),
    kind, similarity, matched words and credit; and for each side the document, its outlet,
    date, title and URL, the passage's offsets and the passage itself. The report is read a
    link at a time, so a report of any size exports in little memory. Exit 2, writing
    nothing, when the report cannot be read.
    """
    target = out_file or report_path.with_name(_stem(report_path.name) + EXPORT_SUFFIXES[fmt])
    _not_an_input(target, [report_path], "the report itself")
    try:
        count = export_report(report_path, target, fmt)
    except OSError as exc:
        _fail(f"{exc.filename or report_path}: {exc.strerror or exc}")
    except NotAReport as exc:
        _fail(f"{report_path}: not a lineage report: {exc}; nothing written")
    click.echo(f"{target}: {count:,} link{'s' if count != 1 else ''}")


def _stem(name: str) -> str:
    return name[: -len(".json")] if name.lower().endswith(".json") else name


def _rendered_name(name: str, fmt: str) -> str:
    """lineage.json → lineage.html / lineage.prov.json."""
    return _stem(name) + VIEW_SUFFIXES[fmt]


def _open_index(
    config: Config, settings: DetectionSettings, *, create: bool = False, check_pages: bool = True
) -> Index:
    try:
        return Index(config["index"], settings, create=create, check_pages=check_pages)
    except IndexProblem as exc:
        _fail(str(exc))


@cli.group("index")
def index_group() -> None:
    """A persistent index of published articles that drafts are checked against.

    One SQLite file (default ./provenance-index.sqlite, or `index` in the configuration):
    documents, their MinHash signatures (datasketch bytes) and winnowed shingle postings.
    It records the settings it was built with and refuses others.
    """


@index_group.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_index_option
@_registry_option
@_input_options
@_jobs_option
@click.option("-q", "--quiet", is_flag=True, help="Print no progress or warnings on stderr.")
def index_add_command(
    paths: tuple[Path, ...],
    index_path: Path | None,
    registry_path: Path | None,
    encoding: str | None,
    max_file_size: int | None,
    max_document_chars: int | None,
    manifest: Path | None,
    strict: bool | None,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Add the articles under PATHS (folders or files, as `scan` reads them) to the index.

    A document is its file (the file's resolved path, and a record's id within it), never
    its name: the same file added again, through any folder, is the same document, left
    alone when its text and metadata are unchanged and replaced when they changed (a
    manifest correcting a date is a change); every replacement is listed. A file of the same
    name from another place is another document: if its id is taken it is named with its
    folder (orda/2025-10-10). The whole add is one transaction: interrupted, it leaves the
    index as it was. Several processes may add at once; they take turns. With --strict, any
    input warning exits 2 before anything is written.
    """
    _must_exist(paths)
    config = _config(
        index=index_path,
        registry=registry_path,
        jobs=jobs,
        encoding=encoding,
        max_file_size=max_file_size,
        max_document_chars=max_document_chars,
        manifest=manifest,
        strict=strict,
    )
    settings, registry = _settings(config), _registry(config)
    executor = LocalExecutor(config["jobs"], None if quiet else _err)
    ingested = ingest_paths(paths, registry, executor, _read_options(config))
    if not quiet:
        for w in ingested.warnings:
            _err(f"warning: {w}")
    if not ingested.documents:
        _fail(f"{_named(paths)}: no readable documents ({', '.join(SUFFIXES)}) found")
    _strict_exit(config, len(ingested.warnings))
    with _open_index(config, settings, create=True) as index:

        def progress(done: int, total: int) -> None:
            if not quiet:
                _err(f"written {done}/{total} documents")

        result = index.add(ingested, registry, executor, progress)
        total = len(index)
    if not quiet:
        for natural, name in result.renamed.items():
            _err(f"added {name}: the id {natural} is another document's")
        for change in result.changes:
            _err(f"replaced {change.id}: {', '.join(change.changed)} changed")
        for name in result.moved:
            _err(f"moved {name}: its file is now found here")
        _err(
            f"{len(result.added)} added, {len(result.replaced)} replaced"
            + (f" ({', '.join(result.replaced)})" if 0 < len(result.replaced) <= 10 else "")
            + f", {len(result.unchanged)} unchanged"
            + (f" ({len(result.moved)} moved)" if result.moved else "")
            + f", {len(ingested.skipped)} skipped; {total} documents in {config['index']}"
        )


@index_group.command("remove")
@click.argument("ids", nargs=-1, required=True)
@_index_option
def index_remove_command(ids: tuple[str, ...], index_path: Path | None) -> None:
    """Remove documents from the index by id (one transaction). Exit 1 if an id was not there."""
    config = _config(index=index_path)
    with _open_index(config, _settings(config)) as index:
        removed, missing = index.remove(ids)
    for doc_id in missing:
        _err(f"warning: {doc_id}: not in the index")
    _err(f"{len(removed)} removed")
    if missing:
        sys.exit(EXIT_FINDINGS)


@index_group.command("stats")
@_index_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def index_stats_command(index_path: Path | None, as_json: bool) -> None:
    """Documents, passages (sentence units), outlets, date range and size on disk.

    Reads the whole index first: every page's structure (SQLite's quick_check) and every
    document row against its seal. A damaged index is refused (exit 2), naming the damage.
    """
    config = _config(index=index_path)
    with _open_index(config, _settings(config)) as index:
        stats = index.stats()
    if as_json:
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
        return
    per = stats.size_bytes / stats.documents if stats.documents else 0
    dates = f"{stats.first_date} … {stats.last_date}" if stats.first_date else "none with a year"
    rows = [
        ("index", stats.path),
        ("documents", f"{stats.documents:,}"),
        ("passages", f"{stats.passages:,} sentence units"),
        ("outlets", f"{stats.outlets:,}"),
        ("dates", f"{dates} ({stats.without_year:,} without a year)"),
        ("size", f"{stats.size_bytes / 2**20:,.1f} MiB ({per / 1024:,.1f} KiB per document)"),
        ("checked", f"every page, and {stats.verified:,} document rows against their seals: intact"),
    ]
    for label, value in rows:
        click.echo(f"{label:<10} {value}")


@index_group.command("report")
@_index_option
@_report_options
@_min_words_option
@_registry_option
@_jobs_option
@_verbose_option
@click.option("-q", "--quiet", is_flag=True, help="Print no progress on stderr.")
def index_report_command(
    index_path: Path | None,
    out_dir: Path,
    fmt: tuple[str, ...],
    lang: Lang | None,
    texts: Texts,
    min_words: int | None,
    registry_path: Path | None,
    jobs: int | None,
    verbose: bool,
    quiet: bool,
) -> None:
    """The lineage report of everything indexed: the same report `scan` writes for the same
    documents, validated against schemas/lineage-report.schema.json.

    Each document's record is read from the index, not analysed again, unless one of its
    lines is frequent in its outlet (then its page furniture depends on the other
    documents), or its record was made with another registry or --min-words; records
    missing or made otherwise are stored again for the next report.
    """
    config = _config(index=index_path, min_words=min_words, registry=registry_path, jobs=jobs)
    settings, registry = _settings(config), _registry(config)
    executor = LocalExecutor(config["jobs"], None if quiet else _err)
    with _open_index(config, settings) as index:
        if not len(index):
            _fail(f"{config['index']}: the index holds no documents")
        try:
            report = index_report(
                index, registry, progress=(lambda _: None) if quiet else _err, jobs=executor, texts=texts
            )
        except IndexProblem as exc:
            _fail(str(exc))
    _write_lineage(report, out_dir, fmt, lang, quiet, executor, verbose)


class _Day(click.ParamType):
    name = "YYYY-MM-DD[THH:MM:SS+HH:MM]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            when = draft_date_of(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        assert when is not None and when.value is not None
        return when.value


@cli.command("check")
@click.argument("drafts", nargs=-1, required=True)
@_index_option
@click.option(
    "--corpus",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Check against this folder (read as `scan` reads it) instead of an index.",
)
@click.option(
    "--date",
    "draft_date",
    type=_Day(),
    default=None,
    help="The draft's publication day, or an RFC 3339 date-time (a time orders sources of the same day "
    "that have one). Default: after everything indexed, so every dated source is earlier.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="text: one finding a line, as linters print; json: schemas/check-result.schema.json; "
    "html: one self-contained page.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the result to this file instead of standard output.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Exit 1 when a finding is at or above this: `uncredited` copied text (default, or "
    "`fail-on` in the configuration), `any` reuse at all, or `never`.",
)
@_min_words_option
@_registry_option
@_draft_input_options
@click.option(
    "--exit-zero", is_flag=True, help="Exit 0 even when findings fail the check (2 still means an error)."
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the text and HTML output (the JSON is the same in every language).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print no warnings on stderr.")
def check_command(
    drafts: tuple[str, ...],
    index_path: Path | None,
    corpus: Path | None,
    draft_date: str | None,
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    min_words: int | None,
    registry_path: Path | None,
    encoding: str | None,
    max_file_size: int | None,
    max_document_chars: int | None,
    strict: bool | None,
    exit_zero: bool,
    lang: Lang,
    quiet: bool,
) -> None:
    """Check DRAFTS (files, or - for standard input) against the index before publishing.

    For each passage of a draft found in indexed articles: the earliest dated source (ties
    stay ties; articles without a year are never put in order), every other source, the
    kind of match, whether it is a shared quotation or copied text, and whether the draft
    credits the source's outlet. Exit 0 when nothing is at or above --fail-on, 1 when
    something is, 2 on usage or input errors.
    """
    if corpus is not None and index_path is not None:
        _fail("--index and --corpus exclude each other")
    for name in drafts:
        if name != "-" and not Path(name).exists():
            _fail(f"{name}: no such file")
    config = _config(
        index=index_path,
        fail_on=fail_on,
        min_words=min_words,
        registry=registry_path,
        encoding=encoding,
        max_file_size=max_file_size,
        max_document_chars=max_document_chars,
        strict=strict,
    )
    if output is not None:
        inputs = [Path(n) for n in drafts if n != "-"]
        _not_an_input(output, [*inputs, corpus] if corpus is not None else [*inputs, Path(config["index"])])
    settings, registry = _settings(config), _registry(config)
    options = _read_options(config)
    stdin = click.get_binary_stream("stdin").read() if "-" in drafts else None
    read = read_drafts(drafts, registry, stdin, options)
    for w in read.warnings:
        if w.code == "document-too-long":  # a draft is checked whole or not at all
            _fail(str(w))
    if not quiet:
        _warn_all(read.warnings)
    if not read.documents:
        _fail("no readable draft")
    input_warnings = len(read.warnings)
    if corpus is not None:
        index, added = corpus_index(corpus, settings, registry or load_registry(), default_jobs(), options)
        input_warnings += len(added.warnings)
        if not quiet:
            _warn_all(added.warnings)
        against = {"kind": "corpus", "path": str(corpus), "documents": len(index)}
    else:
        # Every row `check` reads is checked against its seal; a check of every page would
        # read the whole index, for each draft.
        index = _open_index(config, settings, check_pages=False)
        against = {"kind": "index", "path": str(config["index"]), "documents": len(index)}
    with index:
        try:
            result = check(read, index, against, settings, registry, draft_date, config["fail-on"])
        except CheckInvalidError as exc:
            _fail(str(exc))
    views = {
        "text": lambda r: render_text(r, lang),
        "json": lambda r: json.dumps(r, ensure_ascii=False, indent=2) + "\n",
        "html": lambda r: render_check_html(r, lang),
    }
    rendered = views[fmt](result)
    if output is None:
        click.echo(rendered, nl=False)
    else:
        try:
            write_atomic(output, rendered)
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror or exc}")
        if not quiet:
            _err(render_text(result, lang).splitlines()[-1])
    if read.skipped and not read.documents:
        sys.exit(EXIT_ERROR)
    _strict_exit(config, input_warnings)
    sys.exit(EXIT_FINDINGS if result["summary"]["failing"] and not exit_zero else EXIT_OK)


@cli.command("config")
def config_command() -> None:
    """Print the settings in force and where each comes from: the default, `[tool.provenance]`
    in ./pyproject.toml, or ./provenance.toml (which wins). Flags override both."""
    config = _config()
    rows = config.rows()
    width = max(len(k) for k, _, _ in rows)
    for key, value, source in rows:
        shown = "(none)" if value is None else human_size(value) if key == "max-file-size" else str(value)
        click.echo(f"{key:<{width}}  {shown:<24}  {source}")


class Terminated(BaseException):
    """SIGTERM (`kill PID`) came: raised where the run is, as Ctrl-C raises
    KeyboardInterrupt, so the run unwinds the same way (workers stopped, temporary folders
    removed, a file being written dropped, an index transaction rolled back). Not a
    KeyboardInterrupt, which click answers with an empty line on stderr."""


def _on_sigterm(signum: int, frame: FrameType | None) -> NoReturn:
    # Once: a second `kill` would cut short the cleanup the first one is waiting for.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated


def main() -> None:
    """Entry point: usage and input errors become one line on stderr and exit code 2.

    So does anything unexpected: one line naming it and how to see the traceback, exit 2,
    never 1 (findings); and a worker process's death (killed, out of memory): one line
    saying how it died, exit 2. Ctrl-C prints one line and exits 130, SIGTERM likewise 143;
    a closed stdout (`| head`) ends the run quietly.

    The SIGTERM handler is this function's alone (not the library's), for as long as it
    runs; workers set SIGTERM back to its default (`provenance.parallel`).
    """
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: signals are not ours to handle
        previous = None
    try:
        _main()
    except Terminated:
        # Also when it came while another ending was being reported: one line still.
        _err("terminated; nothing written")
        sys.exit(EXIT_TERMINATED)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main() -> None:
    try:
        code = cli.main(prog_name="provenance", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        sys.exit(EXIT_ERROR)
    except click.UsageError as exc:
        _fail(exc.format_message())
    except click.ClickException as exc:
        _fail(exc.format_message())
    except IndexProblem as exc:  # met after opening: a damaged page or row, a lost lock
        _fail(str(exc))
    except (click.Abort, KeyboardInterrupt):
        _err("interrupted; nothing written")
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader of stdout has gone (`provenance check … | head`): nothing more to say.
        _quiet_stdout()
        sys.exit(EXIT_ERROR)
    except WorkerDied as exc:
        # Killed from outside (the out-of-memory killer, kill -9): every write waits for the
        # parallel stages, so nothing has been written.
        _fail(f"{exc}; nothing written")
    except MemoryError:
        _fail("out of memory; nothing written (try fewer jobs, -j 1, or a smaller input)")
    except Exception as exc:
        if _debugging():
            traceback.print_exc()
        where = "" if _debugging() else f"; run with --debug or {DEBUG_ENV}=1 to see the traceback"
        _err(f"internal error: {type(exc).__name__}: {exc}{where}")
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush has nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass

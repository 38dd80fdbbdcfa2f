"""Command line: a thin layer over `provenance.pipeline`.

Exit codes follow linters: 0 clean, 1 findings (an invalid report for `validate`),
2 usage or input error. Reports and file lists go to stdout; progress and warnings to stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from provenance import __version__
from provenance.ingest import load_registry
from provenance.pipeline import ReportInvalidError, scan, write_reports
from provenance.report.validate import validate_report
from provenance.settings import DetectionSettings

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _err(message: str) -> None:
    click.echo(f"provenance: {message}", err=True)


def _fail(message: str) -> NoReturn:
    _err(f"error: {message}")
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="provenance")
def cli() -> None:
    """Find reused text across news outlets and who published it first.

    `provenance scan FOLDER` reads every article in FOLDER (.txt, .jsonl), finds passages
    that appear in more than one document — down to a single copied sentence — and links
    each to its earliest dated source in the folder. It writes reports/lineage.json
    (validated against schemas/lineage-report.schema.json) and reports/lineage.html.
    """


@cli.command("scan")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for lineage.json and lineage.html (created if missing).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "html", "all"]),
    default="all",
    show_default=True,
    help="Which reports to write; HTML is always rendered from the validated JSON.",
)
@click.option(
    "--min-words",
    type=click.IntRange(min=3),
    default=DetectionSettings.min_words,
    show_default=True,
    help="Fewest matched words (outside stock phrases) for a passage to count as reuse; "
    "4 of them must be content words, not function words.",
)
@click.option(
    "--registry",
    "registry_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Outlet registry (JSON, schemas/outlet-registry.schema.json): outlets and sources with "
    "their names, case forms, signatures and page-furniture lines. Default: the packaged one.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for the parallel stages (default: every core available). The report is the "
    "same whatever the number.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print no progress or warnings on stderr.")
def scan_command(
    path: Path,
    out_dir: Path,
    fmt: str,
    min_words: int,
    registry_path: Path | None,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Scan PATH (a folder, read recursively, or one file) and write the lineage report.

    Each .txt file is one article (UTF-8; an inline ` date YYYY-MM-DD ` header is read as
    metadata); each line of a .jsonl file is one article with `id` and `text`, and optional
    `date`, `outlet`, `title`, `url`. Files that cannot be read are reported and skipped.

    Every link says whether the shared text is a shared quotation, copied text or mixed, and
    whether the later article credits the earlier outlet; page furniture and passages an
    article repeats inside itself are left out of matching and of the reused shares.
    """
    if not path.exists():
        _fail(f"{path}: no such file or folder")
    try:
        registry = load_registry(registry_path) if registry_path else None
    except OSError as exc:
        _fail(f"{registry_path}: cannot read the outlet registry: {exc.strerror or exc}")
    except ValueError as exc:
        _fail(str(exc))
    # A lower --min-words lowers the content-word floor with it, never below itself.
    settings = DetectionSettings(
        min_words=min_words, min_content_words=min(min_words, DetectionSettings.min_content_words)
    )
    report = scan(path, settings, registry, progress=(lambda _: None) if quiet else _err, jobs=jobs)
    if not quiet:
        for w in report["warnings"]:
            where = w["path"] if w["line"] is None else f"{w['path']}:{w['line']}"
            _err(f"warning: {where}: {w['message']}")
    if not report["documents"]:
        _fail(f"{path}: no readable documents (.txt or .jsonl) found")
    formats = ("json", "html") if fmt == "all" else (fmt,)
    try:
        written = write_reports(report, out_dir, formats)  # type: ignore[arg-type]
    except ReportInvalidError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write reports to {out_dir}: {exc.strerror or exc}")
    summary = report["summary"]
    if not quiet:
        _err(
            f"{summary['documents']} documents, {summary['links']} links, {summary['clusters']} clusters "
            f"({summary['origins']['determined']} determined, {summary['origins']['tie']} tie, "
            f"{summary['origins']['undated']} undated); {summary['skipped']} skipped"
        )
        classes = summary["classes"]
        _err(
            f"links: {classes['copied-text']} copied text, {classes['mixed']} mixed, "
            f"{classes['shared-quotation']} shared quotations; {summary['credited_links']} credited"
        )
    for target in written:
        click.echo(str(target))


@cli.command("validate")
@click.argument("report_path", metavar="REPORT.json", type=click.Path(path_type=Path))
def validate_command(report_path: Path) -> None:
    """Check a lineage report against its JSON Schema and its own offsets.

    Exit 0 when valid, 1 when invalid (each problem printed on its own line), 2 when the
    file cannot be read or is not JSON.
    """
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except OSError as exc:
        _fail(f"{report_path}: cannot read: {exc.strerror or exc}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(f"{report_path}: not a JSON file: {exc}")
    errors = validate_report(report)
    for error in errors:
        click.echo(f"{report_path}: {error}")
    if errors:
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{report_path}: valid")


def main() -> None:
    """Entry point: usage errors become one line on stderr and exit code 2."""
    try:
        code = cli.main(prog_name="provenance", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        sys.exit(EXIT_ERROR)
    except click.UsageError as exc:
        _fail(exc.format_message())
    except click.ClickException as exc:
        _fail(exc.format_message())
    except click.Abort:
        _err("aborted")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else EXIT_OK)

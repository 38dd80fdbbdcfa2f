"""An `.html` or `.htm` file: one document, its text the article extracted from the page.

The page's own metadata (JSON-LD, meta tags, <time>, canonical link) comes first; the text's
dateline, trailer and outlet signature fill what the page leaves open. Offsets refer to the
extracted text, which the report stores.
"""

from __future__ import annotations

from provenance.ingest.html_page import PageProblem, read_page
from provenance.ingest.metadata import analyse_text
from provenance.ingest.model import Document, InputWarning, Skipped
from provenance.ingest.outlets import OutletRegistry
from provenance.ingest.txt import file_id


def read_html(
    rel_path: str, markup: str, encoding: str, registry: OutletRegistry
) -> tuple[list[Document], list[InputWarning], list[Skipped]]:
    """The document of one decoded page, with the warnings and skips it caused."""
    try:
        page = read_page(markup, registry)
    except PageProblem as exc:
        return [], [InputWarning(rel_path, "bad-html", str(exc))], [Skipped(rel_path, str(exc))]
    warnings = [InputWarning(rel_path, code, message) for code, message in page.problems]
    meta = analyse_text(page.text, registry)
    for code, message in meta.open_problems(page.date is not None, bool(page.outlet)):
        warnings.append(InputWarning(rel_path, code, message))
    if not page.text[meta.body_start :].strip():
        message = "no article text found in the page"
        return [], [*warnings, InputWarning(rel_path, "empty", message)], [Skipped(rel_path, message)]
    outlet_source = page.outlet_source if page.outlet else ("signature" if meta.outlet else None)
    doc = Document(
        id=file_id(rel_path),
        path=rel_path,
        text=page.text,
        format="html",
        encoding=encoding,
        body_start=meta.body_start,
        date=page.date or meta.date,
        outlet=page.outlet or meta.outlet,
        outlet_source=outlet_source,
        title=page.title,
        title_source=page.title_source,
        url=page.url,
        url_source=page.url_source,
    )
    return [doc], warnings, []

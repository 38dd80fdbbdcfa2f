"""Text left out of matching: boilerplate and a document's repeats of itself."""

from __future__ import annotations

from collections.abc import Sequence

from provenance.editorial.boilerplate import Boilerplate
from provenance.editorial.repeats import Repeat, repeats_in
from provenance.text import AnalysedText, analyse
from provenance.text.spans import Span


def masked_analysis(
    text: str, body: Span, boilerplate: Sequence[Boilerplate]
) -> tuple[AnalysedText, list[Repeat]]:
    """The body analysed without its boilerplate and without the later occurrence of each repeat.

    Repeats are looked for after the boilerplate is gone, so a share button between two
    copies of a paragraph does not hide the doubling.
    """
    masked = [(b.start, b.end) for b in boilerplate]
    view = analyse(text, *body, exclude=masked)
    repeats = repeats_in(view.norms, view.starts, view.ends)
    if repeats:
        view = analyse(text, *body, exclude=masked + [r.repeat for r in repeats])
    return view, repeats

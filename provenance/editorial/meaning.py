"""What a verified link means to an editor: quoted speech or copied prose, credited or not.

Plain data in (each document's outlet, quotations and credits; each link's passages and
direction), plain data out (one `LinkMeaning` per link); no matching happens here.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from provenance.editorial.credits import Credit
from provenance.editorial.quotations import Quotation
from provenance.text import visible_length
from provenance.text.language import Language
from provenance.text.spans import Span

LinkClass = Literal["shared-quotation", "copied-text", "mixed"]

# A side "quotes" a passage when at least QUOTED of it is direct speech, and "does not" when
# at most UNQUOTED is: a quotation with a short lead-in ("Токаев сказал:") is still a
# quotation, a copied paragraph with a three-word quote in it is still prose.
QUOTED = 0.8
UNQUOTED = 0.2


@dataclass(frozen=True)
class DocumentFacts:
    """What the semantics stage needs to know about one document."""

    text: str
    outlet: str | None
    quotations: Sequence[Quotation]
    credits: Sequence[Credit]
    language: Language | None = None  # recorded in the report; no meaning depends on it


@dataclass(frozen=True)
class LinkSides:
    """A link as the lineage stage oriented it: source and target passages, and whether the
    source is known to be the earlier one."""

    source: int
    source_span: Span
    target: int
    target_span: Span
    directed: bool


@dataclass(frozen=True)
class LinkMeaning:
    source_quoted: float  # share of the source passage's non-space characters in direct speech
    target_quoted: float
    link_class: LinkClass
    credited: bool
    # (document index, credit) of the credit naming the other side's outlet, when credited.
    evidence: tuple[int, Credit] | None
    common_sources: tuple[str, ...]  # sources both documents credit (a shared upstream)


def quoted_share(text: str, span: Span, quotations: Sequence[Quotation]) -> float:
    """Share of the non-space characters of `text[span]` that lie inside a quotation.

    `quotations` are sorted and do not overlap, as `find_quotations` gives them: the ones the
    span meets are found by bisection, not by asking all of a document's quotations per link.
    """
    start, end = span
    inside = 0
    for k in range(bisect_right(quotations, start, key=_quotation_end), len(quotations)):
        q = quotations[k]
        if q.start >= end:
            break
        inside += visible_length(text, max(q.start, start), min(q.end, end))
    if not inside:
        return 0.0
    total = visible_length(text, start, end)
    return inside / total if total else 0.0


def _quotation_end(q: Quotation) -> int:
    return q.end


def classify(source_quoted: float, target_quoted: float) -> LinkClass:
    """`shared-quotation` when both sides quote the passage, `copied-text` when neither does."""
    if source_quoted >= QUOTED and target_quoted >= QUOTED:
        return "shared-quotation"
    if source_quoted <= UNQUOTED and target_quoted <= UNQUOTED:
        return "copied-text"
    return "mixed"


def cited(doc: DocumentFacts) -> set[str]:
    """Names of the outlets and sources a document credits, its own byline left out."""
    return {c.source_name for c in doc.credits if c.source_name and c.source_name != doc.outlet}


def _credit_for(later: int, earlier: int, docs: Sequence[DocumentFacts]) -> tuple[int, Credit] | None:
    """The first credit in the later document naming the earlier document's outlet."""
    outlet = docs[earlier].outlet
    if outlet is None:
        return None
    for c in docs[later].credits:
        if c.source_name == outlet:
            return later, c
    return None


def link_meaning(link: LinkSides, docs: Sequence[DocumentFacts]) -> LinkMeaning:
    """Quotation shares, class, credit and shared upstream sources of one link.

    Credit is asked of the later document. When the order is not known (same day, or a
    date without a year) either document crediting the other's outlet counts.
    """
    src, tgt = docs[link.source], docs[link.target]
    # Rounded before classifying, so the class follows from the shares a report shows.
    sq = round(quoted_share(src.text, link.source_span, src.quotations), 4)
    tq = round(quoted_share(tgt.text, link.target_span, tgt.quotations), 4)
    evidence = _credit_for(link.target, link.source, docs)
    if evidence is None and not link.directed:
        evidence = _credit_for(link.source, link.target, docs)
    return LinkMeaning(
        source_quoted=sq,
        target_quoted=tq,
        link_class=classify(sq, tq),
        credited=evidence is not None,
        evidence=evidence,
        common_sources=tuple(sorted(cited(src) & cited(tgt))),
    )

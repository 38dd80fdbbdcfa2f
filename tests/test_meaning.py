"""Link meaning: quoted shares, class, credit of the earlier outlet, shared upstream sources."""

from __future__ import annotations

import pytest

from provenance.editorial.credits import Credit
from provenance.editorial.meaning import DocumentFacts, LinkSides, classify, link_meaning, quoted_share
from provenance.editorial.quotations import Quotation

TEXT = "Он сказал: «Мы готовы к работе». Потом уехал."


def test_quoted_share_counts_non_space_characters_inside_quotations() -> None:
    q = Quotation(TEXT.index("«"), TEXT.index("»") + 1, "marks")
    assert quoted_share(TEXT, (q.start, q.end), [q]) == 1.0
    whole = quoted_share(TEXT, (0, len(TEXT)), [q])
    inside = sum(1 for ch in TEXT[q.start : q.end] if not ch.isspace())
    assert whole == pytest.approx(inside / sum(1 for ch in TEXT if not ch.isspace()))
    assert quoted_share(TEXT, (0, 2), [q]) == 0.0
    assert quoted_share("   ", (0, 3), []) == 0.0


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        (1.0, 1.0, "shared-quotation"),
        (0.8, 0.85, "shared-quotation"),
        (0.0, 0.0, "copied-text"),
        (0.2, 0.1, "copied-text"),
        (1.0, 0.0, "mixed"),
        (0.5, 0.5, "mixed"),
        (0.79, 1.0, "mixed"),
        (0.21, 0.0, "mixed"),
    ],
)
def test_class_thresholds(source: float, target: float, expected: str) -> None:
    assert classify(source, target) == expected


def _credit(name: str | None, at: int = 0) -> Credit:
    return Credit(at, at + 5, "передает", name or "Кто-то", None, name)


def _docs(*facts: tuple[str | None, list[Credit]]) -> list[DocumentFacts]:
    return [DocumentFacts("x" * 40, outlet, [], credits) for outlet, credits in facts]


def test_later_document_crediting_the_earlier_outlet_is_credited() -> None:
    docs = _docs(("NUR.KZ", []), ("nCa", [_credit("NUR.KZ", 7)]))
    m = link_meaning(LinkSides(0, (0, 10), 1, (0, 10), True), docs)
    assert m.credited and m.evidence == (1, docs[1].credits[0])


def test_earlier_document_crediting_the_later_one_does_not_count_when_order_is_known() -> None:
    docs = _docs(("NUR.KZ", [_credit("nCa")]), ("nCa", []))
    assert not link_meaning(LinkSides(0, (0, 10), 1, (0, 10), True), docs).credited
    # Without a known order either side's credit of the other counts.
    m = link_meaning(LinkSides(0, (0, 10), 1, (0, 10), False), docs)
    assert m.credited and m.evidence is not None and m.evidence[0] == 0


def test_unknown_earlier_outlet_cannot_be_credited() -> None:
    docs = _docs((None, []), ("nCa", [_credit("NUR.KZ")]))
    assert not link_meaning(LinkSides(0, (0, 10), 1, (0, 10), True), docs).credited


def test_common_sources_leave_out_each_documents_own_byline() -> None:
    docs = _docs(
        ("NUR.KZ", [_credit("NUR.KZ"), _credit("Акорда")]),
        ("nCa", [_credit("nCa"), _credit("Акорда"), _credit("Kazinform")]),
    )
    m = link_meaning(LinkSides(0, (0, 10), 1, (0, 10), True), docs)
    assert m.common_sources == ("Акорда",) and not m.credited

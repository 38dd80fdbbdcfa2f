"""Lineage: clusters and origins, honest about what dates can and cannot say."""

from __future__ import annotations

from provenance.ingest.model import DocumentDate
from provenance.lineage import Edge, Passage, build_lineage, compare, earliest

DAY = lambda v: DocumentDate(v, "day", "header")  # noqa: E731
AT = lambda v: DocumentDate(v, "datetime", "record")  # noqa: E731
MONTH_DAY = DocumentDate("--11-16", "month-day", "dateline")
NONE = DocumentDate()


def test_compare_only_orders_what_is_known() -> None:
    assert compare(DAY("2025-10-09"), DAY("2025-10-10")) == "before"
    assert compare(DAY("2025-10-10"), DAY("2025-10-10")) == "same"
    assert compare(AT("2025-10-10T09:00:00+05:00"), AT("2025-10-10T10:00:00+05:00")) == "before"
    assert compare(AT("2025-10-10T09:00:00+05:00"), DAY("2025-10-10")) == "same"
    assert compare(MONTH_DAY, DAY("2025-11-17")) == "unknown"
    assert compare(NONE, DAY("2025-01-01")) == "unknown"


def test_earliest() -> None:
    dates = [DAY("2025-10-10"), DAY("2025-10-09"), DAY("2025-10-10"), MONTH_DAY, NONE]
    assert earliest([0, 1, 2], dates) == ("determined", [1])
    assert earliest([0, 2], dates) == ("tie", [0, 2])
    assert earliest([0, 3], dates) == ("determined", [0])  # a year-less member is never the origin
    assert earliest([3, 4], dates) == ("undated", [])
    timed = [AT("2025-10-10T09:00:00Z"), AT("2025-10-10T11:00:00Z"), DAY("2025-10-10")]
    assert earliest([0, 1], timed) == ("determined", [0])
    assert earliest([0, 1, 2], timed) == (
        "tie",
        [0, 1, 2],
    )  # a day-only date cannot be ordered within the day


def test_clusters_merge_overlapping_spans_and_orient_links() -> None:
    ids = ["a", "b", "c", "d"]
    dates = [DAY("2025-10-10"), DAY("2025-10-09"), MONTH_DAY, DAY("2025-10-10")]
    edges = [
        Edge(Passage(0, 10, 50), Passage(1, 0, 40), 8, 1.0, "verbatim"),
        Edge(Passage(0, 30, 80), Passage(2, 5, 55), 8, 1.0, "verbatim"),  # overlaps a's first span
        Edge(Passage(0, 200, 260), Passage(3, 0, 60), 9, 1.0, "verbatim"),  # separate passage
    ]
    lineage = build_lineage(edges, dates, ids)
    assert len(lineage.clusters) == 2
    first, second = lineage.clusters
    assert first.passages == [Passage(0, 10, 80), Passage(1, 0, 40), Passage(2, 5, 55)]
    assert (first.origin_status, first.origin_documents, first.yearless) == ("determined", [1], [2])
    assert (second.origin_status, second.origin_documents) == ("tie", [0, 3])
    directions = {(k.source.document, k.target.document): k.direction for k in lineage.links}
    assert directions == {(1, 0): "earlier-to-later", (0, 2): "unknown", (0, 3): "same-day"}
    assert [k.cluster for k in lineage.links] == [0, 0, 1]

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


def test_overlapping_passages_are_split_where_their_members_differ() -> None:
    ids = ["a", "b", "c", "d"]
    dates = [DAY("2025-10-10"), DAY("2025-10-09"), MONTH_DAY, DAY("2025-10-10")]
    edges = [
        Edge(Passage(0, 10, 50), Passage(1, 0, 40), 8, 1.0, "verbatim"),
        Edge(Passage(0, 30, 80), Passage(2, 5, 55), 8, 1.0, "verbatim"),  # overlaps a's first span
        Edge(Passage(0, 200, 260), Passage(3, 0, 60), 9, 1.0, "verbatim"),  # separate passage
    ]
    lineage = build_lineage(edges, dates, ids)
    members = [c.passages for c in lineage.clusters]
    assert members == [
        [Passage(0, 10, 30), Passage(1, 0, 20)],  # a and b only
        [Passage(0, 30, 50), Passage(1, 20, 40), Passage(2, 5, 25)],  # the text all three hold
        [Passage(0, 50, 80), Passage(2, 25, 55)],  # a and c only
        [Passage(0, 200, 260), Passage(3, 0, 60)],
    ]
    origins = [(c.origin_status, c.origin_documents, c.yearless) for c in lineage.clusters]
    assert origins == [
        ("determined", [1], []),
        ("determined", [1], [2]),
        ("determined", [0], [2]),
        ("tie", [0, 3], []),
    ]
    directions = {(k.source.document, k.target.document): k.direction for k in lineage.links}
    assert directions == {(1, 0): "earlier-to-later", (0, 2): "unknown", (0, 3): "same-day"}
    assert [k.clusters for k in lineage.links] == [(0, 1), (1, 2), (3,)]
    assert [c.links for c in lineage.clusters] == [[0], [0, 1], [1], [2]]


def _exact(a: Passage, b: Passage) -> Edge:
    """An edge between equal-length passages, every character aligned."""
    points = tuple((a.start + t, b.start + t) for t in range(a.end - a.start))
    return Edge(a, b, (a.end - a.start) // 5, 1.0, "verbatim", points)


def test_a_copied_paragraph_keeps_the_older_origin_of_the_sentence_it_carries() -> None:
    # A (9 Oct) has sentence S; B (10 Oct) writes F and copies S after it; C (11 Oct)
    # copies B's paragraph F+S. S is A's text, F is B's: two clusters, two origins.
    ids = ["A", "B", "C"]
    dates = [DAY("2025-10-09"), DAY("2025-10-10"), DAY("2025-10-11")]
    edges = [
        _exact(Passage(0, 0, 50), Passage(1, 100, 150)),
        _exact(Passage(1, 0, 150), Passage(2, 0, 150)),
        _exact(Passage(0, 0, 50), Passage(2, 100, 150)),
    ]
    lineage = build_lineage(edges, dates, ids)
    summary = [
        ([(p.document, p.start, p.end) for p in c.passages], c.origin_documents) for c in lineage.clusters
    ]
    assert summary == [
        ([(0, 0, 50), (1, 100, 150), (2, 100, 150)], [0]),
        ([(1, 0, 100), (2, 0, 100)], [1]),
    ]
    b_to_c = next(k for k in lineage.links if (k.source.document, k.target.document) == (1, 2))
    assert b_to_c.clusters == (0, 1)


def test_a_copy_ending_a_word_early_does_not_make_a_cluster_of_its_own() -> None:
    ids = ["A", "B", "C"]
    dates = [DAY("2025-10-09"), DAY("2025-10-10"), DAY("2025-10-11")]
    words = lambda start, n: tuple((start + 6 * t, start + 6 * t) for t in range(n))  # noqa: E731
    edges = [
        Edge(Passage(0, 0, 60), Passage(1, 0, 60), 10, 1.0, "verbatim", words(0, 10)),
        Edge(Passage(0, 0, 54), Passage(2, 0, 54), 9, 1.0, "verbatim", words(0, 9)),
    ]
    lineage = build_lineage(edges, dates, ids)
    assert len(lineage.clusters) == 1
    assert lineage.clusters[0].passages == [Passage(0, 0, 60), Passage(1, 0, 60), Passage(2, 0, 54)]

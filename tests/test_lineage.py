"""Lineage: clusters and origins, honest about what dates can and cannot say."""

from __future__ import annotations

import itertools
import random
from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.ingest.model import DocumentDate
from provenance.lineage import (
    Edge,
    Lineage,
    Passage,
    build_lineage,
    compare,
    document_components,
    earliest,
    lineage_by_component,
)

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
    # A day-only date cannot be ordered within its day, but 11:00 is after 09:00: not an origin.
    assert earliest([0, 1, 2], timed) == ("tie", [0, 2])


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


# Properties of `build_lineage` over random small corpora, shaped as detection makes them:
# edges between documents a < b, non-empty spans inside the texts, and `points` at aligned
# word starts that increase on both sides, the first at the two spans' starts.
# Few days and hours, so that same-day members, times and ties are common.

_DAYS = ["2025-10-09", "2025-10-10", "2025-10-11"]
_dates = st.one_of(
    st.builds(
        lambda day, hour, zone: AT(f"{day}T{hour:02d}:00:00{zone}"),
        st.sampled_from(_DAYS),
        st.sampled_from([0, 9, 12, 23]),
        st.sampled_from(["+00:00", "+05:00", "-03:00"]),
    ),
    st.builds(DAY, st.sampled_from(_DAYS)),
    st.just(MONTH_DAY),
    st.just(NONE),
)


@st.composite
def _span(draw: st.DrawFn, length: int) -> tuple[int, int]:
    start = draw(st.integers(0, length - 1))
    return start, draw(st.integers(start + 1, length))


@st.composite
def _edge(draw: st.DrawFn, lengths: list[int]) -> Edge:
    a, b = sorted(draw(st.lists(st.integers(0, len(lengths) - 1), min_size=2, max_size=2, unique=True)))
    (a0, a1), (b0, b1) = draw(_span(lengths[a])), draw(_span(lengths[b]))
    points: tuple[tuple[int, int], ...] = ()
    if draw(st.booleans()):  # detection always aligns words; an edge without points is scaled
        most = min(a1 - a0, b1 - b0)
        xs: list[int] = []
        ys: list[int] = []
        if most > 1:
            xs = draw(st.lists(st.integers(a0 + 1, a1 - 1), max_size=most - 1, unique=True))
            ys = draw(st.lists(st.integers(b0 + 1, b1 - 1), min_size=len(xs), max_size=len(xs), unique=True))
        points = ((a0, b0), *zip(sorted(xs), sorted(ys), strict=True))
    words = max(1, len(points))
    return Edge(Passage(a, a0, a1), Passage(b, b0, b1), words, 1.0, "verbatim", points)


@st.composite
def _corpora(
    draw: st.DrawFn, documents: int = 5, most_edges: int = 8
) -> tuple[list[Edge], list[DocumentDate], list[str]]:
    lengths = draw(st.lists(st.integers(1, 80), min_size=2, max_size=documents))
    dates = draw(st.lists(_dates, min_size=len(lengths), max_size=len(lengths)))
    edges = draw(st.lists(_edge(lengths), max_size=most_edges))
    return edges, dates, [f"doc{n}" for n in range(len(lengths))]


_properties = settings(max_examples=100, deadline=None)


@_properties
@given(_corpora())
def test_clusters_are_disjoint_text_of_several_documents_within_edges(
    corpus: tuple[list[Edge], list[DocumentDate], list[str]],
) -> None:
    edges, dates, ids = corpus
    lineage = build_lineage(edges, dates, ids)
    reused: dict[int, list[Passage]] = {}
    for e in edges:
        for p in (e.a, e.b):
            reused.setdefault(p.document, []).append(p)
    held: dict[int, list[tuple[int, int]]] = {}
    for c in lineage.clusters:
        assert c.passages == sorted(c.passages)
        assert len({p.document for p in c.passages}) > 1
        for p, q in itertools.pairwise(c.passages):
            # Touching segments of one document are joined into one passage.
            assert p.document != q.document or p.end < q.start
        for p in c.passages:
            assert p.start < p.end
            # Text in no edge is linked to nothing: it is in no cluster.
            assert all(any(r.start <= x < r.end for r in reused[p.document]) for x in range(p.start, p.end))
            held.setdefault(p.document, []).append((p.start, p.end))
    for spans in held.values():
        spans.sort()
        # No character is in two clusters: the clusters partition the segments they keep.
        assert all(s[1] <= t[0] for s, t in itertools.pairwise(spans))


@_properties
@given(_corpora())
def test_links_are_the_edges_and_clusters_list_the_links_naming_them(
    corpus: tuple[list[Edge], list[DocumentDate], list[str]],
) -> None:
    edges, dates, ids = corpus
    lineage = build_lineage(edges, dates, ids)
    assert sorted((min(k.source, k.target), max(k.source, k.target)) for k in lineage.links) == sorted(
        (e.a, e.b) for e in edges
    )
    for n, c in enumerate(lineage.clusters):
        assert c.links == [i for i, k in enumerate(lineage.links) if n in k.clusters]
    for k in lineage.links:
        assert list(k.clusters) == sorted(set(k.clusters))
        assert all(0 <= c < len(lineage.clusters) for c in k.clusters)
        order = compare(dates[k.source.document], dates[k.target.document])
        expected = {"before": "earlier-to-later", "same": "same-day", "unknown": "unknown"}[order]
        assert k.direction == expected  # an "after" edge is turned round, so it is never seen


def _assert_origin(members: list[int], dates: list[DocumentDate], status: str, origin: list[int]) -> None:
    """The origin is the dated members that no member precedes, by `compare`."""
    dated = [d for d in members if dates[d].has_year]
    if not dated:
        assert (status, origin) == ("undated", [])
        return
    assert origin == sorted(set(origin)) and set(origin) <= set(dated)
    assert status == ("determined" if len(origin) == 1 else "tie")
    for o in origin:  # never later than a dated member
        assert all(compare(dates[o], dates[m]) != "after" for m in dated)
    for m in set(dated) - set(origin):  # left out only when something is known to come first
        assert any(compare(dates[m], dates[o]) == "after" for o in origin)


@settings(max_examples=300, deadline=None)
@given(st.lists(_dates, min_size=1, max_size=6))
def test_earliest_is_the_members_nothing_precedes(dates: list[DocumentDate]) -> None:
    members = list(range(len(dates)))
    _assert_origin(members, dates, *earliest(members, dates))


@_properties
@given(_corpora())
def test_an_origin_is_never_later_than_a_dated_member(
    corpus: tuple[list[Edge], list[DocumentDate], list[str]],
) -> None:
    edges, dates, ids = corpus
    for c in build_lineage(edges, dates, ids).clusters:
        members = sorted({p.document for p in c.passages})
        assert c.yearless == [d for d in members if not dates[d].has_year]
        _assert_origin(members, dates, c.origin_status, c.origin_documents)


@_properties
@given(_corpora(), st.randoms(use_true_random=False))
def test_the_order_of_the_edges_does_not_change_the_lineage(
    corpus: tuple[list[Edge], list[DocumentDate], list[str]], rnd: random.Random
) -> None:
    edges, dates, ids = corpus
    shuffled = list(edges)
    rnd.shuffle(shuffled)
    assert build_lineage(shuffled, dates, ids) == build_lineage(edges, dates, ids)


@_properties
@given(_corpora())
def test_which_side_of_an_aligned_edge_is_a_does_not_change_the_clusters(
    corpus: tuple[list[Edge], list[DocumentDate], list[str]],
) -> None:
    edges, dates, ids = corpus
    # Only for edges with points: an edge without them is scaled from a to b, not symmetric.
    edges = [e for e in edges if e.points]
    turned = [
        Edge(e.b, e.a, e.matched_words, e.similarity, e.kind, tuple((y, x) for x, y in e.points))
        for e in edges
    ]

    # Links are listed in edge order, so the clusters' link numbers may differ.
    def shape(lineage: Lineage) -> list[tuple[list[Passage], str, list[int]]]:
        return [(c.passages, c.origin_status, c.origin_documents) for c in lineage.clusters]

    assert shape(build_lineage(turned, dates, ids)) == shape(build_lineage(edges, dates, ids))


@settings(max_examples=300, deadline=None)
@given(st.lists(_dates, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_earliest_does_not_depend_on_the_numbering_of_documents(
    dates: list[DocumentDate], rnd: random.Random
) -> None:
    order = list(range(len(dates)))
    rnd.shuffle(order)
    renumbered = [dates[n] for n in order]  # document k of `renumbered` is document order[k]
    status, first = earliest(list(range(len(dates))), dates)
    status2, first2 = earliest(list(range(len(dates))), renumbered)
    assert (status2, sorted(order[k] for k in first2)) == (status, first)


def test_the_origin_of_a_day_does_not_depend_on_the_numbering_of_documents() -> None:
    # Found by the properties above: the origin was the first member found, then replaced
    # whenever a member compared earlier, so a day-only date between two times was lost.
    noon, day, nine = AT("2025-10-10T12:00:00Z"), DAY("2025-10-10"), AT("2025-10-10T09:00:00Z")
    assert earliest([0, 1, 2], [noon, day, nine]) == ("tie", [1, 2])
    assert earliest([0, 1, 2], [day, noon, nine]) == ("tie", [0, 2])


def test_a_sliver_is_not_joined_to_text_linked_to_nothing() -> None:
    # Found by the properties above: A's two words are both copied into B's one, and the
    # text of A between them is in no edge; the sliver took it into its cluster.
    edges = [
        Edge(Passage(0, 0, 5), Passage(1, 0, 5), 1, 1.0, "verbatim", ((0, 0),)),
        Edge(Passage(0, 10, 15), Passage(1, 0, 5), 1, 1.0, "verbatim", ((10, 0),)),
    ]
    lineage = build_lineage(edges, [DAY("2025-10-09"), DAY("2025-10-10")], ["A", "B"])
    assert [c.passages for c in lineage.clusters] == [
        [Passage(0, 0, 5), Passage(0, 10, 15), Passage(1, 0, 5)]
    ]


def test_edges_over_the_same_passages_come_out_in_one_order() -> None:
    one = Edge(Passage(0, 0, 10), Passage(1, 0, 10), 2, 1.0, "verbatim", ((0, 0), (5, 5)))
    two = Edge(Passage(0, 0, 10), Passage(1, 0, 10), 3, 0.9, "partial", ((0, 0),))
    dates, ids = [DAY("2025-10-10"), DAY("2025-10-11")], ["a", "b"]
    assert build_lineage([one, two], dates, ids) == build_lineage([two, one], dates, ids)


@settings(max_examples=200, deadline=None)
@given(_corpora(documents=10, most_edges=12), st.randoms(use_true_random=False))
def test_the_lineage_made_a_component_at_a_time_is_the_global_one(
    corpus: tuple[list[Edge], list[DocumentDate], list[str]], rnd: random.Random
) -> None:
    edges, dates, ids = corpus
    # Some edges given b first, as a caller may.
    edges = [
        Edge(e.b, e.a, e.matched_words, e.similarity, e.kind, tuple((y, x) for x, y in e.points))
        if rnd.random() < 0.3
        else e
        for e in edges
    ]
    asked: list[list[int]] = []

    def edges_of(numbers: list[int]) -> list[Edge]:
        asked.append(numbers)
        return [edges[n] for n in numbers]

    pairs = [(e.a.document, e.b.document) for e in edges]
    assert lineage_by_component(pairs, edges_of, dates, ids) == build_lineage(edges, dates, ids)
    assert sorted(n for numbers in asked for n in numbers) == list(range(len(edges)))  # each once


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=15))
def test_document_components_partition_the_edges_by_the_documents_they_join(
    pairs: list[tuple[int, int]],
) -> None:
    components = document_components(pairs)
    assert sorted(n for c in components for n in c) == list(range(len(pairs)))
    assert all(c == sorted(c) for c in components) and [c[0] for c in components] == sorted(
        c[0] for c in components
    )
    documents = [{d for n in c for d in pairs[n]} for c in components]
    assert all(not (x & y) for x, y in itertools.combinations(documents, 2))  # no document in two
    for c in components:  # and each is connected: grown from its first edge, it reaches all
        reached = set(pairs[c[0]])
        grew = True
        while grew:
            grew = False
            for n in c:
                if reached & set(pairs[n]) and not set(pairs[n]) <= reached:
                    reached |= set(pairs[n])
                    grew = True
        assert reached == {d for n in c for d in pairs[n]}


@_properties
@given(_corpora())
def test_packed_points_give_the_lineage_of_their_pairs(
    corpus: tuple[list[Edge], list[DocumentDate], list[str]],
) -> None:
    edges, dates, ids = corpus
    packed = [
        Edge(
            e.a,
            e.b,
            e.matched_words,
            e.similarity,
            e.kind,
            array("q", [v for p in e.points for v in p]).tobytes(),
        )
        for e in edges
    ]
    assert build_lineage(packed, dates, ids) == build_lineage(edges, dates, ids)

"""One huge document: the report's work grows with its spans, not with their product; each fast
path equals the plain definition it replaced (kept here as the oracle)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.report import model
from provenance.report.coverage import covered_chars
from provenance.report.html import PALETTE_SIZE, _Segment, _segments, _Side, _source_line, shown
from provenance.report.messages import CATALOGUES
from provenance.text.spans import Span

T = CATALOGUES["en"]


def entry(
    text: str,
    body: Span,
    quotations: Any = (),
    excluded: Any = (),
    doc_id: str = "d",
    outlet: str | None = None,
    date: str | None = None,
    precision: str = "none",
) -> model.DocumentEntry:
    """A document of the report with these spans; what the renderer does not read left empty."""
    return model.DocumentEntry(
        id=doc_id,
        path=doc_id,
        format="txt",
        encoding=None,
        sha256="",
        outlet=outlet,
        outlet_source=None,
        date=date,
        date_precision=precision,
        date_source=None,
        title=None,
        title_source=None,
        url=None,
        url_source=None,
        body=body,
        text_length=len(text),
        text=text,
        counted_chars=0,
        reused_chars=0,
        reused_share=0.0,
        links=0,
        language=None,
        quotations=tuple(model.Quotation(start=a, end=b, form="marks") for a, b in quotations),
        credits=(),
        cites=(),
        excluded=tuple(model.ExcludedSpan(start=a, end=b, reason=why) for a, b, why in excluded),
    )


def link(
    link_id: str,
    source: tuple[str, int, int] = ("a", 0, 0),
    target: tuple[str, int, int] = ("b", 0, 0),
    kind: str = "verbatim",
    link_class: str = "copied-text",
    credited: bool = False,
    direction: str = "earlier-to-later",
) -> model.Link:
    """A link of the report; what the renderer does not read left empty."""

    def ref(side: tuple[str, int, int]) -> model.PassageRef:
        return model.PassageRef(document=side[0], start=side[1], end=side[2], snippet="")

    return model.Link(
        id=link_id,
        source=ref(source),
        target=ref(target),
        similarity=1.0,
        kind=kind,
        matched_words=1,
        direction=direction,
        clusters=(),
        link_class=link_class,
        quotation=model.QuotedShares(source=0.0, target=0.0),
        credited=credited,
        credit=None,
        common_sources=(),
    )


def reference_segments(
    doc: model.DocumentEntry, sides: list[_Side], anchor: str, t: dict[str, str]
) -> list[_Segment]:
    """The definition, as the renderer once computed it: every span asked about at every piece."""
    text = doc.text
    b0, b1 = doc.body

    def clip(i: int) -> int:
        return min(max(i, b0), b1)

    spans = [(clip(s.start), clip(s.end), s) for s in sides]
    quoted = [(clip(q.start), clip(q.end)) for q in doc.quotations]
    excluded = [(clip(e.start), clip(e.end), e.reason) for e in doc.excluded]
    points = sorted(
        {b0, b1}
        | {p for a, b, _ in spans for p in (a, b)}
        | {p for a, b in quoted for p in (a, b)}
        | {p for a, b, _ in excluded for p in (a, b)}
    )
    out: list[_Segment] = []
    marks = 0
    for i, here in enumerate(points):
        starting = sorted(s.anchor for a, _, s in spans if a == here)
        nxt = points[i + 1] if i + 1 < len(points) else None
        if nxt is None:
            if starting:
                out.append(_Segment("", starting))
            break
        covering = sorted(
            (s for a, b, s in spans if a <= here and nxt <= b),
            key=lambda s: (s.source_no, s.link.id, s.letter),
        )
        segment = _Segment(shown(text[here:nxt]), starting)
        segment.quoted = any(a <= here and nxt <= b for a, b in quoted)
        segment.excluded = next((r for a, b, r in excluded if a <= here and nxt <= b), None)
        if covering:
            numbers = sorted({s.source_no for s in covering})
            ending = sorted({s.source_no for s in covering if clip(s.end) == nxt})
            first = covering[0].link
            classes = [f"c{(numbers[0] - 1) % PALETTE_SIZE}", f"k-{first.kind}"]
            if len(numbers) > 1:
                classes.append("multi")
            if first.link_class == "shared-quotation":
                classes.append("sq")
            if any(s.uncredited for s in covering):
                classes.append("uc")
            if segment.quoted:
                classes.append("q")
            marks += 1
            segment.mark = {
                "id": f"{anchor}-m{marks}",
                "class": " ".join(classes),
                "href": covering[0].twin,
                "links": " ".join(s.link.id for s in covering),
                "sides": " ".join(s.anchor for s in covering),
                "ending": " ".join(s.anchor for s in covering if clip(s.end) == nxt),
                "title": "\n".join(f"[{s.source_no}] {_source_line(s, t)}" for s in covering),
                "markers": ",".join(map(str, ending)),
            }
        out.append(segment)
    return out


@st.composite
def documents_with_sides(draw: st.DrawFn) -> tuple[model.DocumentEntry, list[_Side]]:
    """A document with spans of every shape: overlapping, nested, equal, empty, reversed, and
    reaching past the body; links of which both sides may lie in this one document."""
    text = draw(st.text(alphabet="ab «»\n\x85\u2028", max_size=30))
    n = len(text)
    b0 = draw(st.integers(0, n))
    b1 = draw(st.integers(b0, n))
    offset = st.integers(-2, n + 2)
    span = st.tuples(offset, offset)
    # The other side's document: one in the report, and one it does not have.
    others = [("x", entry("", (0, 0), doc_id="x", outlet="X", date="2025-01-02", precision="day")), ("y", None)]
    sides = []
    for number, (start, end) in enumerate(draw(st.lists(span, max_size=8))):
        drawn = link(
            f"L{draw(st.integers(0, 3))}",
            kind=draw(st.sampled_from(["verbatim", "near-verbatim", "partial"])),
            link_class=draw(st.sampled_from(["copied-text", "mixed", "shared-quotation"])),
            credited=draw(st.booleans()),
            direction=draw(st.sampled_from(["earlier-to-later", "same-day", "unknown"])),
        )
        letter = draw(st.sampled_from("st"))
        side = _Side(drawn, letter, start, end, *others[number % 2], "earlier_source")
        side.source_no = draw(st.integers(1, 10))
        sides.append(side)
    doc = entry(
        text,
        (b0, b1),
        draw(st.lists(span, max_size=5)),
        [(a, b, draw(st.sampled_from(["boilerplate", "repeat"]))) for a, b in draw(st.lists(span, max_size=5))],
    )
    return doc, sides


@settings(max_examples=500, deadline=None)
@given(documents_with_sides())
def test_sweep_equals_the_definition(case: tuple[model.DocumentEntry, list[_Side]]) -> None:
    doc, sides = case
    assert _segments(doc, sides, "doc-1", T) == reference_segments(doc, sides, "doc-1", T)


class Offset(int):
    """An offset that counts how often it is compared: the work of cutting, without a clock."""

    comparisons = 0

    def _count(self, other: object, op: str) -> bool:
        Offset.comparisons += 1
        return getattr(int(self), op)(other)

    def __lt__(self, other: object) -> bool:
        return self._count(other, "__lt__")

    def __le__(self, other: object) -> bool:
        return self._count(other, "__le__")

    def __gt__(self, other: object) -> bool:
        return self._count(other, "__gt__")

    def __ge__(self, other: object) -> bool:
        return self._count(other, "__ge__")


def _quoted_and_excluded(n: int) -> tuple[str, model.DocumentEntry]:
    text = "«ab» cd " * n
    doc = entry(
        text,
        (0, len(text)),
        [(Offset(8 * i), Offset(8 * i + 4)) for i in range(n)],
        [(Offset(8 * i + 5), Offset(8 * i + 7), "repeat") for i in range(n)],
    )
    return text, doc


def test_many_spans_are_cut_in_one_sweep() -> None:
    """Thousands of quotations and excluded passages in one body (a 50 MB article has hundreds of
    thousands): every piece is where it belongs, and the comparisons made grow as n log n, not
    as n squared (each piece asking every span)."""
    work = {}
    for n in (100, 400):
        text, doc = _quoted_and_excluded(n)
        Offset.comparisons = 0
        pieces = _segments(doc, [], "doc-1", T)
        work[n] = Offset.comparisons
        assert "".join(p.text for p in pieces) == text
        assert [p.text for p in pieces if p.quoted] == ["«ab»"] * n
        assert [p.text for p in pieces if p.excluded] == ["cd"] * n
    # Four times the spans: about four times the work (and a little), not sixteen.
    assert work[400] < 8 * work[100], work


def reference_covered_chars(text: str, spans: list[tuple[int, int]], minus: list[tuple[int, int]]) -> int:
    """The measure as once computed: every span against every hole."""
    from provenance.report.coverage import _union
    from provenance.text import visible_length

    total = sum(visible_length(text, a, b) for a, b in _union(spans))
    for a, b in _union(spans):
        for c, d in _union(minus):
            lo, hi = max(a, c), min(b, d)
            if lo < hi:
                total -= visible_length(text, lo, hi)
    return total


_SPANS = st.lists(st.tuples(st.integers(-2, 32), st.integers(-2, 32)), max_size=10)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab \n\u2028", max_size=30), _SPANS, _SPANS)
def test_covered_chars_equals_the_definition(
    text: str, spans: list[tuple[int, int]], minus: list[tuple[int, int]]
) -> None:
    assert covered_chars(text, spans, minus) == reference_covered_chars(text, spans, minus)


def test_covered_chars_pairs_spans_and_holes_in_one_pass() -> None:
    """A body full of reused passages and excluded repeats: work n log n, not n squared."""
    work = {}
    for n in (100, 400):
        text = "ab cd ef " * n
        spans = [(Offset(9 * i), Offset(9 * i + 5)) for i in range(n)]
        holes = [(Offset(9 * i + 3), Offset(9 * i + 8)) for i in range(n)]
        Offset.comparisons = 0
        assert covered_chars(text, spans, holes) == 2 * n
        work[n] = Offset.comparisons
    assert work[400] < 8 * work[100], work


def test_telling_the_language_makes_no_object_per_letter() -> None:
    """A long Cyrillic body is counted in place: memory grows with the text, a few bytes a letter."""
    import tracemalloc

    from provenance.report.html import _language

    text = "Правительство утвердило программу. " * 20_000
    doc = entry(text, (0, len(text)))
    tracemalloc.start()
    try:
        assert _language([doc]) == "ru"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * len(text), peak


def test_coverage_of_one_source_looks_only_at_the_holes_it_meets() -> None:
    """Per source of a document, the work does not grow with the document's excluded passages."""
    from provenance.report.coverage import Coverage

    work = {}
    for n in (100, 1000):
        text = "ab cd ef " * n
        coverage = Coverage(text, [(Offset(9 * i + 3), Offset(9 * i + 8)) for i in range(n)])
        Offset.comparisons = 0
        assert coverage.chars([(Offset(9 * (n // 2)), Offset(9 * (n // 2) + 5))]) == 2
        work[n] = Offset.comparisons
    assert work[1000] <= work[100] + 10, work


def reference_quoted_share(text: str, span: tuple[int, int], quotations: list[Any]) -> float:
    """The share as once computed: every quotation of the document asked about every link."""
    from provenance.text import visible_length

    start, end = span
    inside = sum(
        visible_length(text, max(q.start, start), min(q.end, end))
        for q in quotations
        if q.start < end and start < q.end
    )
    if not inside:
        return 0.0
    total = visible_length(text, start, end)
    return inside / total if total else 0.0


@st.composite
def _sorted_quotations(draw: st.DrawFn) -> list[Any]:
    from provenance.editorial.quotations import Quotation

    cuts = sorted(set(draw(st.lists(st.integers(0, 30), max_size=10))))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    return [Quotation(a, b, "marks") for a, b in pairs]


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet="ab \n", max_size=30),
    st.tuples(st.integers(0, 32), st.integers(0, 32)),
    _sorted_quotations(),
)
def test_quoted_share_equals_the_definition(text: str, span: tuple[int, int], quotations: list[Any]) -> None:
    from provenance.editorial.meaning import quoted_share

    assert quoted_share(text, span, quotations) == reference_quoted_share(text, span, quotations)


def test_quoted_share_of_one_link_looks_only_at_the_quotations_it_meets() -> None:
    """A link in a document with thousands of quotations: the work does not grow with them."""
    from provenance.editorial.meaning import quoted_share
    from provenance.editorial.quotations import Quotation

    work = {}
    for n in (100, 1000):
        text = "«ab» cd " * n
        quotations = [Quotation(Offset(8 * i), Offset(8 * i + 4), "marks") for i in range(n)]
        Offset.comparisons = 0
        middle = 8 * (n // 2)
        assert quoted_share(text, (middle, middle + 8), quotations) == 4 / 6
        work[n] = Offset.comparisons
    assert work[1000] <= work[100] + 10, work


def test_cluster_members_ask_only_the_links_in_their_own_document() -> None:
    """A cluster of many articles: finding each member's passage does not ask every link."""
    from provenance.report.html import _cluster_view

    work = {}
    for n in (100, 400):
        docs = [f"d{i:04d}" for i in range(n)]
        links = {
            f"L{i:04d}": link(f"L{i:04d}", (docs[i], Offset(0), Offset(10)), (docs[i + 1], Offset(0), Offset(10)))
            for i in range(n - 1)
        }
        passages = tuple(
            model.ClusterPassage(
                document=d,
                start=Offset(2),
                end=Offset(8),
                outlet=None,
                date="2025-11-14",
                date_precision="day",
                role="later",
                snippet="",
            )
            for d in docs
        )
        cluster = model.Cluster(
            id="C",
            links=tuple(sorted(links)),
            passages=passages,
            origin=model.Origin(status="undated", documents=(), date=None),
            yearless=(),
        )
        anchors = {d: f"doc-{i}" for i, d in enumerate(docs, 1)}
        Offset.comparisons = 0
        view = _cluster_view(cluster, links, anchors, {d: i for i, d in enumerate(docs)}, T)
        work[n] = Offset.comparisons
        hrefs = [m["href"] for day in view["later"] for m in day["members"]]
        assert hrefs == ["L0000-s"] + [f"L{i:04d}-t" for i in range(n - 1)]
    assert work[400] < 8 * work[100], work


def reference_cuts(edges: list[Any], aligned: list[Any]) -> dict[int, list[int]]:
    """Lineage's cuts as once computed: every side of a document asked at every cut."""
    cuts: dict[int, set[int]] = {}
    sides: dict[int, list[tuple[Any, Any]]] = {}
    for e, al in zip(edges, aligned, strict=True):
        for p in (e.a, e.b):
            cuts.setdefault(p.document, set()).update((p.start, p.end))
        sides.setdefault(e.a.document, []).append((al.a, al))
        sides.setdefault(e.b.document, []).append((al.b, al))
    pending = [(d, x) for d in sorted(cuts) for x in sorted(cuts[d])]
    while pending:
        d, x = pending.pop()
        for side, al in sides[d]:
            if side.start < x < side.end:
                other = al.b if side is al.a else al.a
                y = al.carry(side, x)
                target = cuts[other.document]
                if y not in target:
                    target.add(y)
                    pending.append((other.document, y))
    return {d: sorted(c) for d, c in cuts.items()}


def _passage(document: int) -> st.SearchStrategy[Any]:
    from provenance.lineage import Passage

    return st.tuples(st.integers(0, 40), st.integers(1, 20)).map(
        lambda p: Passage(document, p[0], p[0] + p[1])
    )


@st.composite
def _edges(draw: st.DrawFn) -> list[Any]:
    from provenance.lineage import Edge

    edges = []
    for _ in range(draw(st.integers(1, 8))):
        a_doc, b_doc = draw(st.lists(st.integers(0, 3), min_size=2, max_size=2, unique=True))
        edges.append(Edge(draw(_passage(a_doc)), draw(_passage(b_doc)), 8, 1.0, "verbatim"))
    return edges


@settings(max_examples=300, deadline=None)
@given(_edges())
def test_lineage_cuts_equal_the_definition(edges: list[Any]) -> None:
    from provenance.lineage import _Aligned, _cuts

    assert _cuts(edges, [_Aligned(e) for e in edges]) == reference_cuts(edges, [_Aligned(e) for e in edges])


def test_lineage_cuts_a_document_of_many_links_by_bisection() -> None:
    """One long article sharing a passage with each of n others: work n log n, not n squared."""
    from provenance.lineage import Edge, Passage, _Aligned, _cuts

    work = {}
    for n in (100, 400):
        edges = [
            Edge(Passage(0, Offset(20 * i), Offset(20 * i + 10)), Passage(i + 1, 0, 10), 8, 1.0, "verbatim")
            for i in range(n)
        ]
        aligned = [_Aligned(e) for e in edges]
        Offset.comparisons = 0
        cuts = _cuts(edges, aligned)
        work[n] = Offset.comparisons
        assert cuts[0] == sorted(x for i in range(n) for x in (20 * i, 20 * i + 10))
    assert work[400] < 8 * work[100], work

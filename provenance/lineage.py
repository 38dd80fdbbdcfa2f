"""Lineage stage: clusters of matching passages and the earliest dated member of each.

Honest about time: only dates with a year are compared; same-day members without times
are a tie; a member without a year is never made the origin over a dated one.
"""

from __future__ import annotations

import heapq
import itertools
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

import numpy as np

from provenance.executor.progress import Share, no_share, sharing
from provenance.ingest.model import DocumentDate

Direction = Literal["earlier-to-later", "same-day", "unknown"]
Order = Literal["before", "after", "same", "unknown"]
OriginStatus = Literal["determined", "tie", "undated"]


@dataclass(frozen=True, order=True)
class Passage:
    document: int
    start: int
    end: int


@dataclass(frozen=True)
class Edge:
    """A verified reuse between two passages, in no particular direction.

    `points` are aligned character offsets (in a, in b) of words the two passages share,
    increasing on both sides; they let a position in one passage be carried to the other.
    They are pairs, or packed as detection makes them (`Reuse.points`: int64 pairs), which
    take a tenth of the memory.
    """

    a: Passage
    b: Passage
    matched_words: int
    similarity: float
    kind: str
    points: tuple[tuple[int, int], ...] | bytes = ()


@dataclass(frozen=True)
class Link:
    """An edge oriented in time: `source` is the earlier side when `direction` says so.

    A link can carry text of several clusters: a paragraph copied from B in which B had
    itself taken a sentence from A is one link, over B's text and A's sentence.
    """

    source: Passage
    target: Passage
    matched_words: int
    similarity: float
    kind: str
    direction: Direction
    clusters: tuple[int, ...]


@dataclass(frozen=True)
class Cluster:
    passages: list[Passage]
    origin_status: OriginStatus
    origin_documents: list[int]
    yearless: list[int]
    links: list[int]


@dataclass(frozen=True)
class Lineage:
    links: list[Link]
    clusters: list[Cluster]


def compare(x: DocumentDate, y: DocumentDate) -> Order:
    """Whether x was published before, after or on the same day as y, when that is known."""
    if not (x.has_year and y.has_year):
        return "unknown"
    if x.day != y.day:
        return "before" if x.day < y.day else "after"  # type: ignore[operator]
    if x.precision == y.precision == "datetime":
        tx, ty = _instant(x), _instant(y)
        if tx != ty:
            return "before" if tx < ty else "after"
    return "same"


def _instant(d: DocumentDate) -> datetime:
    assert d.value is not None
    return datetime.fromisoformat(d.value.replace("Z", "+00:00"))


def earliest(documents: list[int], dates: list[DocumentDate]) -> tuple[OriginStatus, list[int]]:
    """The origin of a set of documents: one earliest, a tie, or undated.

    The origin is every dated member that `compare` puts after no other: on the earliest
    day, the members without a time (nothing orders them within the day) and those at the
    day's earliest time. A later time that day is not an origin: an earlier time precedes it.
    """
    dated = sorted({d for d in documents if dates[d].has_year})
    if not dated:
        return "undated", []
    day = min(dates[d].day for d in dated)  # type: ignore[type-var]
    first = [d for d in dated if dates[d].day == day]
    timed = [d for d in first if dates[d].precision == "datetime"]
    if timed:
        # Every member is weighed against the whole day, not against a running minimum,
        # which made the origin depend on the numbering of the documents.
        moment = min(_instant(dates[d]) for d in timed)
        first = [d for d in first if dates[d].precision != "datetime" or _instant(dates[d]) == moment]
    return ("determined" if len(first) == 1 else "tie"), first


def _orient(edge: Edge, dates: list[DocumentDate], ids: list[str]) -> tuple[Passage, Passage, Direction]:
    order = compare(dates[edge.a.document], dates[edge.b.document])
    if order == "before":
        return edge.a, edge.b, "earlier-to-later"
    if order == "after":
        return edge.b, edge.a, "earlier-to-later"
    # No known order: the side whose document id sorts first is named source.
    first, second = sorted((edge.a, edge.b), key=lambda p: (ids[p.document], p))
    return first, second, ("same-day" if order == "same" else "unknown")


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)

    def components(self) -> dict[int, list[int]]:
        """Members of each set, by root, in increasing order."""
        groups: dict[int, list[int]] = {}
        for n in range(len(self.parent)):
            groups.setdefault(self.find(n), []).append(n)
        return groups


def _proportional(a: Passage, b: Passage) -> list[tuple[int, int]]:
    """Points for an edge given without an alignment: offsets scaled between the passages."""
    scale = (b.end - b.start) / (a.end - a.start)
    points: list[tuple[int, int]] = []
    for x in range(a.start, a.end):
        y = b.start + int((x - a.start) * scale)
        if not points or y > points[-1][1]:
            points.append((x, y))
    return points


class _Aligned:
    """An edge's alignment, usable in both directions: the aligned offsets of each side as
    arrays of integers (8 bytes a word, where pairs of Python ints take ten times that)."""

    def __init__(self, e: Edge) -> None:
        if isinstance(e.points, bytes) and e.points:
            flat = array("q")
            flat.frombytes(e.points)
            self.xs, self.ys = flat[0::2], flat[1::2]
        else:
            pts = e.points or _proportional(e.a, e.b)
            self.xs = array("q", (x for x, _ in pts))  # offsets in a, increasing
            self.ys = array("q", (y for _, y in pts))  # the offsets in b they align with, increasing
        self.a, self.b = e.a, e.b

    def carry(self, side: Passage, x: int) -> int:
        """Where offset `x` of one side falls on the other: at the next aligned word."""
        if side is self.a:
            mine, theirs, end = self.xs, self.ys, self.b.end
        else:
            mine, theirs, end = self.ys, self.xs, self.a.end
        k = bisect_left(mine, x)
        return theirs[k] if k < len(mine) else end


def _cuts(edges: list[Edge], aligned: list[_Aligned]) -> dict[int, list[int]]:
    """Offsets at which each document's reused text must be cut into segments.

    Every passage edge is a cut, and a cut inside a passage is carried to the other side
    of each of its edges, until nothing changes: then a segment of one document maps onto
    whole segments of every document it is linked to. Carried offsets land on aligned
    words, a finite set, so the work list empties.
    """
    cuts: dict[int, set[int]] = {}
    sides: dict[int, list[tuple[Passage, _Aligned]]] = {}
    for e, al in zip(edges, aligned, strict=True):
        for p in (e.a, e.b):
            cuts.setdefault(p.document, set()).update((p.start, p.end))
        sides.setdefault(e.a.document, []).append((al.a, al))
        sides.setdefault(e.b.document, []).append((al.b, al))
    # Each document's sides by start, with the furthest end reached so far: the sides holding
    # a cut are found by bisection, not by asking every side of the document at every cut.
    starts: dict[int, list[int]] = {}
    reach: dict[int, list[int]] = {}
    for d, mine in sides.items():
        mine.sort(key=lambda pair: (pair[0].start, pair[0].end))
        starts[d] = [side.start for side, _ in mine]
        reach[d] = list(itertools.accumulate((side.end for side, _ in mine), max))
    pending = [(d, x) for d in sorted(cuts) for x in sorted(cuts[d])]
    while pending:
        d, x = pending.pop()
        mine = sides[d]
        for k in range(bisect_right(reach[d], x), bisect_left(starts[d], x)):
            side, al = mine[k]
            if side.start < x < side.end:
                other = al.b if side is al.a else al.a
                y = al.carry(side, x)
                target = cuts[other.document]
                if y not in target:
                    target.add(y)
                    pending.append((other.document, y))
    return {d: sorted(c) for d, c in cuts.items()}


def _pairs(points: tuple[tuple[int, int], ...] | bytes) -> tuple[tuple[int, int], ...]:
    """An edge's points as pairs, whichever form they were given in."""
    if not isinstance(points, bytes):
        return points
    flat = array("q")
    flat.frombytes(points)
    return tuple(zip(flat[0::2], flat[1::2], strict=True))


def _edge_key(e: Edge) -> tuple[Any, ...]:
    return (e.a, e.b, _pairs(e.points), e.matched_words, e.similarity, e.kind)


def _sorted_edges(edges: list[Edge]) -> list[Edge]:
    """`sorted(edges, key=_edge_key)`, the points compared only between edges over the same
    passages (detection makes none): no edge's points are made into pairs to be sorted."""
    ordered = sorted(edges, key=lambda e: (e.a, e.b))
    start = 0
    for end in range(1, len(ordered) + 1):
        if end == len(ordered) or (ordered[end].a, ordered[end].b) != (ordered[start].a, ordered[start].b):
            if end - start > 1:
                ordered[start:end] = sorted(ordered[start:end], key=_edge_key)
            start = end
    return ordered


def document_components(pairs: Sequence[tuple[int, int]]) -> list[list[int]]:
    """The edges (given by their two documents) grouped by connected component of the
    document graph they make: lists of edge numbers, increasing, the components in the
    order of their first edge."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:  # every node on the way now points at the root
            parent[x], x = root, parent[x]
        return root

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for n, (a, _) in enumerate(pairs):
        groups.setdefault(find(a), []).append(n)
    return list(groups.values())


def lineage_by_component(
    pairs: Sequence[tuple[int, int]],
    edges_of: Callable[[list[int]], list[Edge]],
    dates: list[DocumentDate],
    ids: list[str],
    min_segment_words: int = 4,
    share: Share = no_share,
) -> Lineage:
    """`build_lineage` of every edge, made one connected component of the document graph at
    a time, so that what it holds at once is the largest component's work, not the corpus's.

    `pairs` are the two documents of each edge; `edges_of(numbers)` makes the edges of the
    given numbers when their component's turn comes. Cuts travel only along edges and
    clusters never span components, so each component is a run of its own; the runs' links
    and clusters are then put in the order one global run gives them (links by their edges'
    order, clusters by their first passage: documents differ between components, so no two
    runs tie) and their numbers changed to match. The result equals `build_lineage(edges)`
    (a test checks it).
    """
    components = document_components(pairs)
    runs: list[tuple[Lineage, list[tuple[Passage, Passage]]]] = []
    done = 0
    for numbers in components:
        edges = _sorted_edges(edges_of(numbers))
        keys = [(e.a, e.b) for e in edges]
        runs.append((_lineage_of_sorted(edges, dates, ids, min_segment_words), keys))
        del edges
        done += len(numbers)
        share(done / max(len(pairs), 1))
    # Global numbers of each run's links and clusters, in the order of one global run.
    link_number: list[list[int]] = [[0] * len(run.links) for run, _ in runs]
    merged_links = heapq.merge(
        *([(key, r, i) for i, key in enumerate(keys)] for r, (_, keys) in enumerate(runs)),
        key=lambda item: item[0],
    )
    order: list[tuple[int, int]] = []
    for n, (_, r, i) in enumerate(merged_links):
        link_number[r][i] = n
        order.append((r, i))
    cluster_number: list[list[int]] = [[0] * len(run.clusters) for run, _ in runs]
    merged_clusters = heapq.merge(
        *([(c.passages[0], r, j) for j, c in enumerate(run.clusters)] for r, (run, _) in enumerate(runs)),
        key=lambda item: (item[0].document, item[0].start),
    )
    cluster_order: list[tuple[int, int]] = []
    for n, (_, r, j) in enumerate(merged_clusters):
        cluster_number[r][j] = n
        cluster_order.append((r, j))
    links = [
        replace(link, clusters=tuple(cluster_number[r][c] for c in link.clusters))
        for r, i in order
        for link in (runs[r][0].links[i],)
    ]
    clusters = [
        replace(cluster, links=[link_number[r][k] for k in cluster.links])
        for r, j in cluster_order
        for cluster in (runs[r][0].clusters[j],)
    ]
    return Lineage(links, clusters)


def build_lineage(
    edges: list[Edge],
    dates: list[DocumentDate],
    ids: list[str],
    min_segment_words: int = 4,
    share: Share = no_share,
) -> Lineage:
    """Cluster the reused text and find each cluster's origin.

    Text is clustered by segments, not whole passages, so that a passage holding text of
    two origins (a copied paragraph into which a sentence of an older article had been
    copied) is split between the two clusters, each with its own earliest member.
    Segments with fewer than `min_segment_words` aligned words join their neighbour.
    `share` is told how far the work has got (each pass's weight is its share of the time
    on 100,000 generated articles).
    """
    # The whole edge is the key, so that two edges over the same passages (detection makes
    # none, a caller may) come out in one order whatever order they were given in.
    return _lineage_of_sorted(_sorted_edges(edges), dates, ids, min_segment_words, share)


def _lineage_of_sorted(
    edges: list[Edge],
    dates: list[DocumentDate],
    ids: list[str],
    min_segment_words: int,
    share: Share = no_share,
) -> Lineage:
    """`build_lineage` of edges already in `_sorted_edges` order."""
    share(0.1)
    aligned = [_Aligned(e) for e in sharing(edges, share, 0.1)]
    cuts = _cuts(edges, aligned)
    share(0.25)
    # Segment nodes: consecutive cuts of a document, numbered in document order.
    node_of: dict[tuple[int, int], int] = {}
    segments: list[Passage] = []
    for d in sorted(cuts):
        points = cuts[d]
        for start, end in itertools.pairwise(points):
            node_of[(d, start)] = len(segments)
            segments.append(Passage(d, start, end))

    def nodes_in(p: Passage, start: int, end: int) -> list[int]:
        points = cuts[p.document]
        lo, hi = bisect_left(points, start), bisect_left(points, end)
        return [node_of[(p.document, x)] for x in points[lo:hi]]

    uf = _UnionFind(len(segments))
    covered: list[list[int]] = []  # per edge: the segment nodes of its a side
    for al in sharing(aligned, share, 0.2):
        a_nodes = nodes_in(al.a, al.a.start, al.a.end)
        covered.append(a_nodes)
        for side, other, nodes in ((al.a, al.b, a_nodes), (al.b, al.a, nodes_in(al.b, al.b.start, al.b.end))):
            for n in nodes:
                seg = segments[n]
                y0, y1 = al.carry(side, seg.start), al.carry(side, seg.end)
                for m in nodes_in(other, y0, y1):
                    uf.union(n, m)
    _absorb_slivers(segments, aligned, uf, min_segment_words, dates)
    share(0.2)

    groups = uf.components()
    # A segment linked to nothing (words inserted in one copy only) belongs to no cluster.
    kept = [members for members in groups.values() if len({segments[m].document for m in members}) > 1]
    kept.sort(key=lambda members: segments[members[0]])
    cluster_of = {uf.find(members[0]): n for n, members in enumerate(kept)}

    links: list[Link] = []
    links_of: list[list[int]] = [[] for _ in kept]
    for e, a_nodes in zip(sharing(edges, share, 0.1), covered, strict=True):
        source, target, direction = _orient(e, dates, ids)
        found = sorted({cluster_of[r] for n in a_nodes if (r := uf.find(n)) in cluster_of})
        for c in found:
            links_of[c].append(len(links))
        links.append(Link(source, target, e.matched_words, e.similarity, e.kind, direction, tuple(found)))

    clusters: list[Cluster] = []
    for n, members in enumerate(sharing(kept, share, 0.05)):
        passages = _joined([segments[m] for m in sorted(members)])
        docs = sorted({p.document for p in passages})
        status, origin = earliest(docs, dates)
        clusters.append(
            Cluster(
                passages=passages,
                origin_status=status,
                origin_documents=origin,
                yearless=[d for d in docs if not dates[d].has_year],
                links=links_of[n],
            )
        )
    return Lineage(links, clusters)


def _absorb_slivers(
    segments: list[Passage],
    aligned: list[_Aligned],
    uf: _UnionFind,
    min_words: int,
    dates: list[DocumentDate],
) -> None:
    """Join clusters of a few words to a neighbouring cluster whose origin they do not change.

    Copies whose alignments end a word apart cut the text between them into slivers
    ("за ", "Касым-Жомарт Токаев "); they are not text with a lineage of their own. A
    sliver joins a neighbour only when the neighbour's earliest members stay the same, so
    its words take that neighbour's origin and never move it.
    """
    words: dict[int, list[array[int]]] = {}  # document → offsets of its aligned words
    for al in aligned:
        words.setdefault(al.a.document, []).append(al.xs)
        words.setdefault(al.b.document, []).append(al.ys)
    # Each document's distinct offsets, sorted, 8 bytes each.
    starts = {
        d: np.unique(np.concatenate([np.frombuffer(w, dtype=np.int64) for w in ws]))
        for d, ws in words.items()
    }
    del words
    nowhere = np.empty(0, dtype=np.int64)
    groups = uf.components()

    def size(n: int) -> int:
        seg = segments[n]
        offsets = starts.get(seg.document, nowhere)
        return int(np.searchsorted(offsets, seg.end)) - int(np.searchsorted(offsets, seg.start))

    docs = {root: {segments[n].document for n in members} for root, members in groups.items()}

    def largest_share(members: list[int]) -> int:
        # A family cut into many pieces by its copies' edits is still one text: count a
        # component's words per document, not per segment.
        per_doc: dict[int, int] = {}
        for n in members:
            per_doc[segments[n].document] = per_doc.get(segments[n].document, 0) + size(n)
        return max(per_doc.values())

    slivers = {
        root for root, members in groups.items() if len(docs[root]) > 1 and largest_share(members) < min_words
    }

    def keeps_origin(sliver: int, other: int) -> bool:
        mine = docs[other]
        return earliest(sorted(mine | docs[sliver]), dates) == earliest(sorted(mine), dates)

    for root in sorted(slivers, key=lambda r: groups[r][0]):
        votes: dict[int, int] = {}
        for n in groups[root]:
            for m in (n - 1, n + 1):  # neighbours in the same document, if adjacent
                if not (0 <= m < len(segments) and segments[m].document == segments[n].document):
                    continue
                if segments[m].end != segments[n].start and segments[n].end != segments[m].start:
                    continue
                other = uf.find(m)
                # Only a cluster takes a sliver: text of one document is linked to nothing,
                # and joining a sliver to it would put that text in a cluster.
                if len(docs[other]) < 2:
                    continue
                if other != uf.find(root) and other not in slivers and keeps_origin(root, other):
                    votes[other] = votes.get(other, 0) + 1
        if votes:
            best = min(votes, key=lambda r: (-votes[r], groups[r][0]))
            uf.union(root, best)


def _joined(segments: list[Passage]) -> list[Passage]:
    """Adjacent segments of one document as one passage."""
    out: list[Passage] = []
    for s in segments:
        last = out[-1] if out else None
        if last and last.document == s.document and last.end == s.start:
            out[-1] = Passage(s.document, last.start, s.end)
        else:
            out.append(s)
    return out

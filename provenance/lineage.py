"""Lineage stage: clusters of matching passages and the earliest dated member of each.

Honest about time: only dates with a year are compared; same-day members without times
are a tie; a member without a year is never made the origin over a dated one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from provenance.ingest.model import DocumentDate

Direction = Literal["earlier-to-later", "same-day", "unknown"]
Order = Literal["before", "after", "same", "unknown"]
OriginStatus = Literal["determined", "tie", "undated"]
Span = tuple[int, int]


@dataclass(frozen=True, order=True)
class Passage:
    document: int
    start: int
    end: int


@dataclass(frozen=True)
class Edge:
    """A verified reuse between two passages, in no particular direction."""

    a: Passage
    b: Passage
    matched_words: int
    similarity: float
    kind: str


@dataclass(frozen=True)
class Link:
    """An edge oriented in time: `source` is the earlier side when `direction` says so."""

    source: Passage
    target: Passage
    matched_words: int
    similarity: float
    kind: str
    direction: Direction
    cluster: int


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
    """The origin of a set of documents: one earliest, a tie, or undated."""
    dated = sorted({d for d in documents if dates[d].has_year})
    if not dated:
        return "undated", []
    first: list[int] = []
    for d in dated:
        if not first:
            first = [d]
            continue
        order = compare(dates[d], dates[first[0]])
        if order == "before":
            first = [d]
        elif order == "same":
            first.append(d)
    # A day-only date cannot be ordered against a time on the same day: all of that day tie.
    if any(dates[d].precision != "datetime" for d in first):
        day = dates[first[0]].day
        first = [d for d in dated if dates[d].day == day]
    first = sorted(set(first))
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


def _merged_passages(edges: list[Edge]) -> tuple[list[Passage], dict[Passage, int]]:
    """Overlapping spans of one document become one passage; map each span to its passage."""
    spans = sorted({p for e in edges for p in (e.a, e.b)})
    passages: list[Passage] = []
    where: dict[Passage, int] = {}
    for span in spans:
        last = passages[-1] if passages else None
        if last and last.document == span.document and span.start < last.end:
            passages[-1] = Passage(last.document, last.start, max(last.end, span.end))
        else:
            passages.append(span)
        where[span] = len(passages) - 1
    return passages, where


def build_lineage(edges: list[Edge], dates: list[DocumentDate], ids: list[str]) -> Lineage:
    """Cluster passages connected by edges and find each cluster's origin."""
    passages, where = _merged_passages(edges)
    uf = _UnionFind(len(passages))
    for e in edges:
        uf.union(where[e.a], where[e.b])
    groups: dict[int, list[int]] = {}
    for index in range(len(passages)):
        groups.setdefault(uf.find(index), []).append(index)
    ordered = sorted(groups.values(), key=lambda members: passages[members[0]])
    cluster_of = {uf.find(members[0]): n for n, members in enumerate(ordered)}

    links: list[Link] = []
    links_of: list[list[int]] = [[] for _ in ordered]
    for e in sorted(edges, key=lambda e: (e.a, e.b)):
        source, target, direction = _orient(e, dates, ids)
        cluster = cluster_of[uf.find(where[e.a])]
        links_of[cluster].append(len(links))
        links.append(Link(source, target, e.matched_words, e.similarity, e.kind, direction, cluster))

    clusters: list[Cluster] = []
    for n, members in enumerate(ordered):
        docs = sorted({passages[m].document for m in members})
        status, origin = earliest(docs, dates)
        clusters.append(
            Cluster(
                passages=[passages[m] for m in members],
                origin_status=status,
                origin_documents=origin,
                yearless=[d for d in docs if not dates[d].has_year],
                links=links_of[n],
            )
        )
    return Lineage(links, clusters)

"""Character-level text-alignment measures of the PAN shared task.

Potthast, Stein, Barrón-Cedeño, Rosso: "An Evaluation Framework for Plagiarism Detection",
COLING 2010. A case (gold) and a detection are each a pair of passages in two documents;
a detection *detects* a case when their passages overlap in both documents. Then

    precision   = mean over detections r of |∪_s (s ⊓ r)| / |r|
    recall      = mean over cases s      of |∪_r (s ⊓ r)| / |s|
    granularity = mean over detected cases s of the number of detections detecting s
    plagdet     = F1 / log2(1 + granularity)

where |x| counts the characters of both passages and s ⊓ r is s ∩ r when r detects s,
else empty. Documents are unordered here: a same-day link has no "suspicious" side, so a
pair is matched by its two documents, whichever is named first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Side:
    """Characters `start:end` of one document."""

    document: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"empty passage {self}")


@dataclass(frozen=True)
class Pair:
    """Two passages in two different documents, in no particular order."""

    x: Side
    y: Side

    def __post_init__(self) -> None:
        if self.x.document == self.y.document:
            raise ValueError("a pair's passages must lie in two different documents")

    @property
    def key(self) -> tuple[str, str]:
        return tuple(sorted((self.x.document, self.y.document)))  # type: ignore[return-value]

    def side(self, document: str) -> Side:
        return self.x if self.x.document == document else self.y

    @property
    def length(self) -> int:
        return (self.x.end - self.x.start) + (self.y.end - self.y.start)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int
    detected_cases: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _overlap(a: Side, b: Side) -> tuple[int, int] | None:
    lo, hi = max(a.start, b.start), min(a.end, b.end)
    return (lo, hi) if lo < hi else None


def _union_length(intervals: list[tuple[int, int]]) -> int:
    total, end = 0, None
    start = 0
    for lo, hi in sorted(intervals):
        if end is None or lo > end:
            if end is not None:
                total += end - start
            start, end = lo, hi
        else:
            end = max(end, hi)
    if end is not None:
        total += end - start
    return total


def detects(r: Pair, s: Pair) -> bool:
    """Whether detection `r` detects case `s`: same documents, overlapping in both."""
    return r.key == s.key and all(_overlap(r.side(d), s.side(d)) for d in s.key)


def _covered(target: Pair, others: list[Pair]) -> int:
    """Characters of `target` (both sides) inside the union of `others`."""
    total = 0
    for d in target.key:
        t = target.side(d)
        parts = [o for other in others if (o := _overlap(t, other.side(d)))]
        total += _union_length(parts)
    return total


def score(cases: Iterable[Pair], detections: Iterable[Pair]) -> Scores:
    """PAN precision, recall, granularity and plagdet of `detections` against `cases`."""
    cases, detections = list(cases), list(detections)
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n, s in enumerate(cases):
        by_key[s.key].append(n)
    detected_by: dict[int, list[Pair]] = defaultdict(list)  # case → detections of it
    precision_sum = 0.0
    for r in detections:
        hits = [n for n in by_key.get(r.key, ()) if detects(r, cases[n])]
        for n in hits:
            detected_by[n].append(r)
        precision_sum += _covered(r, [cases[n] for n in hits]) / r.length
    recall_sum = sum(_covered(cases[n], found) / cases[n].length for n, found in detected_by.items())
    precision = precision_sum / len(detections) if detections else 0.0
    recall = recall_sum / len(cases) if cases else 0.0
    granularity = sum(len(found) for found in detected_by.values()) / len(detected_by) if detected_by else 1.0
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return Scores(
        precision=precision,
        recall=recall,
        granularity=granularity,
        plagdet=f1 / math.log2(1 + granularity),
        cases=len(cases),
        detections=len(detections),
        detected_cases=len(detected_by),
    )

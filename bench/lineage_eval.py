"""Scores of a lineage report against the gold of a generated corpus."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bench.lineage_corpus import MIN_WORDS, Gold
from bench.pan_metrics import Pair, Scores, Side, detects, score


@dataclass(frozen=True)
class LineageScores:
    pan: Scores
    origin_accuracy: float
    planted: int
    origin_missed: int  # planted sentences in no reported passage
    origin_wrong: int  # in a passage whose cluster origin is not the truth
    false_links: int
    false_links_per_1000: float
    documents: int
    links: int


def _detections(report: dict[str, Any], gold: Gold) -> list[Pair]:
    out = []
    for link in report["links"]:
        s, t = link["source"], link["target"]
        key = tuple(sorted((s["document"], t["document"])))
        if key in gold.unscored:
            continue
        out.append(Pair(Side(s["document"], s["start"], s["end"]), Side(t["document"], t["start"], t["end"])))
    return out


def _cases(gold: Gold) -> tuple[list[Pair], list[Pair]]:
    """Runs the tool must find, and runs under its minimum length that it may find."""
    must, may = [], []
    for r in gold.runs:
        pair = Pair(Side(r.x, *r.x_span), Side(r.y, *r.y_span))
        (must if r.words >= MIN_WORDS else may).append(pair)
    return must, may


def _by_key(pairs: list[Pair]) -> dict[tuple[str, str], list[Pair]]:
    out: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for p in pairs:
        out[p.key].append(p)
    return out


def evaluate(report: dict[str, Any], gold: Gold) -> LineageScores:
    must, may = _cases(gold)
    detections = _detections(report, gold)
    # A detection of a run too short to be required is neither credit nor blame.
    may_by_key, must_by_key = _by_key(may), _by_key(must)

    def only_optional(r: Pair) -> bool:
        return any(detects(r, s) for s in may_by_key.get(r.key, ())) and not any(
            detects(r, s) for s in must_by_key.get(r.key, ())
        )

    scored = [r for r in detections if not only_optional(r)]
    pan = score(must, scored)

    false_links = sum(1 for r in detections if r.key not in gold.related)  # seed pairs already left out
    documents = len(report["documents"])

    passages: dict[str, list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
    for cluster in report["clusters"]:
        for p in cluster["passages"]:
            passages[p["document"]].append((p["start"], p["end"], cluster["origin"]))
    missed = wrong = 0
    for planted in gold.planted:
        s, e = planted.span
        best, best_overlap = None, 0
        for ps, pe, origin in passages.get(planted.document, ()):
            overlap = min(e, pe) - max(s, ps)
            if overlap > best_overlap:
                best, best_overlap = origin, overlap
        if best is None:
            missed += 1
            continue
        expected_status = "determined" if len(planted.earliest) == 1 else "tie"
        if best["status"] != expected_status or tuple(best["documents"]) != planted.earliest:
            wrong += 1
    total = len(gold.planted)
    return LineageScores(
        pan=pan,
        origin_accuracy=(total - missed - wrong) / total if total else 0.0,
        planted=total,
        origin_missed=missed,
        origin_wrong=wrong,
        false_links=false_links,
        false_links_per_1000=1000 * false_links / documents if documents else 0.0,
        documents=documents,
        links=len(report["links"]),
    )

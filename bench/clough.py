"""The Clough & Stevenson corpus of plagiarised short answers, under its evaluation protocol.

Sources (`orig_task*`) are dated 2009-01-01 and published by `wikipedia`; answers follow one
day apart in file-name order, published by their group (`g0`…`g4`). The tool is then asked,
for each answer, whether any of it is reused and which document is its earliest source.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from provenance.ingest.encoding import decode

REUSED = ("cut", "light", "heavy")
SOURCE_DATE = date(2009, 1, 1)


@dataclass(frozen=True)
class Entry:
    file: str
    group: str
    task: str
    category: str

    @property
    def id(self) -> str:
        return Path(self.file).stem

    @property
    def source_id(self) -> str:
        return f"orig_task{self.task}"


def read_labels(root: Path) -> list[Entry]:
    with (root / "labels.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [Entry(r["file"], r["group"], r["task"], r["category"]) for r in rows]


def records(root: Path, entries: list[Entry] | None = None) -> list[dict[str, Any]]:
    """Dated document records for `scan`, as the protocol prescribes."""
    entries = entries if entries is not None else read_labels(root)
    out: list[dict[str, Any]] = []
    answers = sorted((e for e in entries if e.category != "orig"), key=lambda e: e.file)
    day = {e.file: SOURCE_DATE + timedelta(days=n + 1) for n, e in enumerate(answers)}
    for e in sorted(entries, key=lambda e: e.file):
        # Read as the tool reads files: the corpus mixes UTF-8 and Windows-1252.
        text = decode((root / "corpus" / e.file).read_bytes()).text
        is_source = e.category == "orig"
        out.append(
            {
                "id": e.id,
                "text": text,
                "date": (SOURCE_DATE if is_source else day[e.file]).isoformat(),
                "outlet": "wikipedia" if is_source else f"g{e.group}",
            }
        )
    return out


# --- label audit --------------------------------------------------------------------
# Two label errors are well known in this corpus and can be shown without the tool: some
# answers labelled as copied share no text with their source (the student copied another
# article), and some `non` answers share long verbatim runs with another document (the
# students copied the same outside text). The audit finds them from the raw texts alone,
# with exact word runs, so the tool under test has no say in what is excluded.
CUT_MIN_RUN = 5  # a `cut`/`light` answer shares at least this many words in a row with its source
NON_MAX_RUN = 10  # a `non` answer sharing this many words in a row with another document copied it


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def longest_run(a: list[str], b: list[str]) -> int:
    """Length of the longest run of words `a` and `b` share, exactly."""
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


@dataclass(frozen=True)
class Audit:
    file: str
    category: str
    finding: str


def audit(root: Path, entries: list[Entry]) -> list[Audit]:
    """Answers whose label the texts contradict, found by exact word runs alone."""
    words = {e.id: _words(decode((root / "corpus" / e.file).read_bytes()).text) for e in entries}
    found: list[Audit] = []
    for e in sorted(entries, key=lambda e: e.file):
        if e.category in ("cut", "light"):
            run = longest_run(words[e.id], words[e.source_id])
            if run < CUT_MIN_RUN:
                found.append(Audit(e.id, e.category, f"longest run shared with {e.source_id}: {run} words"))
        elif e.category == "non":
            same_task = [o for o in entries if o.task == e.task and o.id != e.id]
            run, other = max((longest_run(words[e.id], words[o.id]), o.id) for o in same_task)
            if run >= NON_MAX_RUN:
                found.append(Audit(e.id, e.category, f"shares {run} words in a row with {other}"))
    return found


@dataclass(frozen=True)
class CloughScores:
    answers: int
    precision: float
    recall: float
    f1: float
    recall_by_category: dict[str, float]
    attribution_accuracy: float
    attributed: int
    false_links_non: int
    false_links_non_protocol: int
    misses: list[str]
    false_positives: list[str]
    misattributed: list[str]


def score(
    report: dict[str, Any], entries: list[Entry], exclude: frozenset[str] = frozenset()
) -> CloughScores:
    """The protocol's measures over the answers in `entries`, leaving out `exclude`.

    An excluded answer counts nowhere: not as a positive, a detection, nor an end of a
    link to a `non` answer.
    """
    label = {e.id: e for e in entries}
    linked: set[str] = set()
    non_links = non_protocol = 0
    for link in report["links"]:
        a, b = link["source"]["document"], link["target"]["document"]
        linked.update((a, b))
        if a in exclude or b in exclude:
            continue
        cats = (label[a].category, label[b].category)
        if "non" in cats:
            non_links += 1
            # The protocol's own count: two `non` answers, or a `non` answer and its source.
            other = b if cats[0] == "non" else a
            if label[other].category in ("non", "orig"):
                non_protocol += 1
    # The earliest source of an answer: the earliest-dated origin among the clusters it
    # takes text from (those where it is not an origin itself).
    dates = {d["id"]: d["date"] for d in report["documents"]}
    sources: dict[str, set[str]] = defaultdict(set)
    for cluster in report["clusters"]:
        origin = set(cluster["origin"]["documents"])
        for p in cluster["passages"]:
            if p["document"] not in origin:
                sources[p["document"]].update(origin)
    earliest: dict[str, set[str]] = {}
    for doc, found in sources.items():
        first = min(dates[s] for s in found)
        earliest[doc] = {s for s in found if dates[s] == first}
    answers = [e for e in entries if e.category != "orig" and e.id not in exclude]
    detected = {e.id for e in answers if e.id in linked}
    positives = {e.id for e in answers if e.category in REUSED}
    tp = len(detected & positives)
    precision = tp / len(detected) if detected else 0.0
    recall = tp / len(positives) if positives else 0.0
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    by_category = {}
    for cat in REUSED:
        members = [e.id for e in answers if e.category == cat]
        by_category[cat] = sum(1 for m in members if m in detected) / len(members) if members else 0.0
    attributed = sorted(detected & positives)
    wrong = [a for a in attributed if earliest.get(a) != {label[a].source_id}]
    return CloughScores(
        answers=len(answers),
        precision=precision,
        recall=recall,
        f1=f1,
        recall_by_category=by_category,
        attribution_accuracy=(1 - len(wrong) / len(attributed)) if attributed else 0.0,
        attributed=len(attributed),
        false_links_non=non_links,
        false_links_non_protocol=non_protocol,
        misses=sorted(positives - detected),
        false_positives=sorted(detected - positives),
        misattributed=wrong,
    )

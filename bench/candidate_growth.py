"""Why candidate document pairs per article grow with the archive, and what stops them.

    python -m bench.candidate_growth --sizes 10000,30000,100000 [--work DIR] [--jobs N]
                                     [--max-shingle-documents N]
                                     [-o bench/results/candidate_growth.json]

For each size, the generated corpus of `bench.scale` (`bench.scale_corpus`, seed 1) is read
and analysed as a scan does, then the candidates step is taken apart:

  banded      unit pairs of different documents sharing an LSH band (64 × 2)
  estimate    those whose whole signatures agree on a tenth of their values
              (`candidate_min_jaccard`: the rule before `candidate_min_shingles`)
  shingles    those left once a document pair's candidate units, with the units beside
              them, must share `candidate_min_shingles` distinct shingles (the rule now)

Every document pair the estimate passes is aligned, so each stage's pairs are split into
those alignment verifies as reuse and the rest. Also measured: how many units share a band
key (the buckets' sizes) and what text the largest buckets hold; the shingles the unverified
pairs share, how many documents each is in, and their text; how many of the shingles a
document pair shares are frequent, verified or not; whether a large bucket's pairs
are ever verified; and the recall of the planted copies by the passages aligned under each
rule. Writes JSON; prints a table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.scale import code_version, corpus, machine, scan_recall
from bench.scale_corpus import Planted
from provenance.detect import DetectionInput, _Work
from provenance.detect.candidates import _shared_shingles, _unit_pair_codes, candidate_document_pairs
from provenance.detect.fingerprint import DocumentShingles, Signatures, _kept_shingles, frequent_shingles
from provenance.executor import LocalExecutor
from provenance.ingest import Document, ingest_paths, load_registry
from provenance.settings import DetectionSettings
from provenance.shards import WordsArray, analyse_to_shards, read_findings, read_shingles

REPO = Path(__file__).resolve().parent.parent
SETTINGS = DetectionSettings()
SIZE_CLASSES = ((2, 2), (3, 3), (4, 9), (10, 99), (100, None))
TOP = 10


def _log(message: str) -> None:
    print(f"[candidate_growth] {message}", file=sys.stderr, flush=True)


class Corpus:
    """What the candidates step and alignment read of an analysed corpus."""

    def __init__(self, docs: list[Document], shingled: list[DocumentShingles], words: WordsArray) -> None:
        self.docs, self.shingled, self.words = docs, shingled, words
        self.units_of = np.array([len(s) for s in shingled], dtype=np.int64)
        self.first_unit = np.concatenate(([0], np.cumsum(self.units_of)))
        self.unit_doc = np.repeat(np.arange(len(shingled), dtype=np.int64), self.units_of)

    def unit_text(self, unit: int) -> str:
        d = int(self.unit_doc[unit])
        a, b = self.shingled[d].units[unit - self.first_unit[d]]
        w = self.words[d]
        return self.docs[d].text[int(w.starts[a]) : int(w.ends[b - 1])]

    def shingle_text(self, unit: int, shingle_hash: int) -> str:
        """The words of the unit's first shingle with this (crc32) hash."""
        d = int(self.unit_doc[unit])
        k = int(unit - self.first_unit[d])
        s = self.shingled[d]
        at = np.flatnonzero(s.hashes[s.offsets[k] : s.offsets[k + 1]] == shingle_hash)
        a, b = (int(x) for x in s.units[k])
        w = self.words[d]
        first = a + int(at[0])
        last = min(first + SETTINGS.shingle_words, b) - 1
        return self.docs[d].text[int(w.starts[first]) : int(w.ends[last])]


def _buckets(source: Signatures, c: Corpus) -> dict[str, Any]:
    """How many units share each band key, over the 64 bands, and the largest buckets."""
    rows = SETTINGS.lsh_rows
    sizes: Counter[int] = Counter()
    largest: list[tuple[int, int, np.ndarray]] = []
    for band in range(SETTINGS.lsh_bands):
        keys = source.block(band * rows, rows)
        packed = (keys[:, 0].astype(np.uint64) << np.uint64(32)) | keys[:, 1].astype(np.uint64)
        order = np.argsort(packed, kind="stable")
        _, starts, counts = np.unique(packed[order], return_index=True, return_counts=True)
        for size, k in zip(*np.unique(counts[counts >= 2], return_counts=True), strict=True):
            sizes[int(size)] += int(k)
        for t in np.argsort(-counts, kind="stable")[:TOP]:
            if counts[t] >= 2:
                largest.append((int(counts[t]), band, order[starts[t] : starts[t] + counts[t]]))
    classes = []
    for lo, hi in SIZE_CLASSES:
        chosen = {s: k for s, k in sizes.items() if s >= lo and (hi is None or s <= hi)}
        classes.append(
            {
                "units_sharing_a_key": f"{lo}" if lo == hi else (f"{lo}-{hi}" if hi else f"{lo}+"),
                "buckets": sum(chosen.values()),
                "unit_pairs": sum(k * s * (s - 1) // 2 for s, k in chosen.items()),
            }
        )
    # The largest buckets, once each whatever the band (the same units fill several).
    largest.sort(key=lambda x: (-x[0], x[1]))
    seen: set[tuple[int, ...]] = set()
    top = []
    for size, band, members in largest:
        key = tuple(sorted(members.tolist()))
        if key in seen:
            continue
        seen.add(key)
        docs = c.unit_doc[members]
        top.append(
            {
                "units": size,
                "documents": len(set(docs.tolist())),
                "band": band,
                "members": sorted(members.tolist()),
                "texts": [c.unit_text(int(u)) for u in sorted(members.tolist())[:3]],
            }
        )
        if len(top) == TOP:
            break
    return {
        "band_keys_shared_by_2_or_more_units": sum(sizes.values()),
        "largest_bucket": max(sizes) if sizes else 0,
        "by_size": classes,
        "largest": top,
    }


def _doc_pairs(codes: np.ndarray, c: Corpus, n: np.int64) -> np.ndarray:
    return np.unique(c.unit_doc[codes // n] * np.int64(len(c.docs)) + c.unit_doc[codes % n])


def _common_shingles(c: Corpus, frequent: np.ndarray, left: int, right: int) -> set[int]:
    """crc32 hashes the two units' signatures share (kept shingles, see `Signatures`)."""
    out = []
    for unit in (left, right):
        d = int(c.unit_doc[unit])
        offsets, hashes = _kept_shingles(c.shingled[d], frequent, SETTINGS.shingle_words)
        k = int(unit - c.first_unit[d])
        out.append(set(hashes[offsets[k] : offsets[k + 1]].tolist()))
    return out[0] & out[1]


def measure(n: int, work: Path, jobs: int | None) -> dict[str, Any]:
    folder, planted, _ = corpus(work, n, 1)
    executor = LocalExecutor(jobs)
    registry = load_registry()
    started = time.perf_counter()
    ingested = ingest_paths([folder], registry, executor)
    docs = ingested.documents
    with tempfile.TemporaryDirectory(prefix="candidate-growth-") as tmp:
        shards = analyse_to_shards(docs, registry, SETTINGS, Path(tmp) / "records", executor)
        shingled = [s for _, path in shards.paths for s in read_shingles(path)]
        languages = [
            f.language.code if f.language else None for _, p in shards.paths for f in read_findings(p)
        ]
        words = WordsArray(shards.paths, shards.word_counts, Path(tmp) / "words")
        _log(f"{n}: read and analysed in {time.perf_counter() - started:.0f} s")
        c = Corpus(docs, shingled, words)
        out = _measure(
            n,
            c,
            planted,
            DetectionInput(
                [d.text for d in docs], [d.body for d in docs], words, shards.word_counts, shingled, languages
            ),
            executor,
        )
        del words, c
    return out


def _measure(
    n: int, c: Corpus, planted: Planted, detection: DetectionInput, executor: LocalExecutor
) -> dict[str, Any]:
    N = len(c.docs)
    frequent = frequent_shingles(c.shingled, SETTINGS.max_shingle_documents)
    source = Signatures(c.shingled, SETTINGS, frequent)
    units = np.int64(source.units)
    result: dict[str, Any] = {
        "articles": n,
        "units": int(units),
        "planted_copies": len(planted.copies),
        "frequent_shingles": len(frequent),
    }

    t = time.perf_counter()
    result["buckets"] = _buckets(source, c)
    _log(f"{n}: buckets in {time.perf_counter() - t:.0f} s")

    # The stages of the candidates step, one after the other (as `candidate_document_pairs`).
    t = time.perf_counter()
    rows = SETTINGS.lsh_rows
    codes = np.unique(
        np.concatenate(
            [_unit_pair_codes(source.block(b0 * rows, 8 * rows), b0, SETTINGS) for b0 in range(0, 64, 8)]
        )
    )
    codes = codes[c.unit_doc[codes // units] != c.unit_doc[codes % units]]
    banded = codes
    left, right = codes // units, codes % units
    chosen = np.unique(np.concatenate((left, right)))
    sigs = source.of_units(chosen)
    agree = np.empty(len(codes), dtype=np.int32)
    rl, rr = np.searchsorted(chosen, left), np.searchsorted(chosen, right)
    for k in range(0, len(codes), 1 << 16):
        part = slice(k, k + (1 << 16))
        agree[part] = (sigs[rl[part]] == sigs[rr[part]]).sum(axis=1)
    del sigs
    estimated = codes[agree >= SETTINGS.candidate_min_jaccard * SETTINGS.num_perm]
    left, right = estimated // units, estimated % units
    pair_codes = c.unit_doc[left] * np.int64(N) + c.unit_doc[right]
    estimate_pairs, group = np.unique(pair_codes, return_inverse=True)
    rule_started = time.perf_counter()
    rare, common = _shared_shingles(source, c.unit_doc, left, right, group, len(estimate_pairs))
    # As the step counts them: frequent shingles only as many as a whole reuse holds.
    shared = rare + np.where(common >= SETTINGS.reuse_shingles, common, 0)
    rule_seconds = time.perf_counter() - rule_started
    kept = estimated[(shared >= SETTINGS.candidate_min_shingles)[group]]
    _log(f"{n}: stages in {time.perf_counter() - t:.0f} s (shingle rule {rule_seconds:.2f} s)")

    # The step itself, as a scan runs it: the same pairs.
    t = time.perf_counter()
    step = candidate_document_pairs(c.shingled, SETTINGS, frequent, executor)
    step_seconds = time.perf_counter() - t
    step_pairs = np.array(sorted(a * N + b for a, b in step), dtype=np.int64)
    assert np.array_equal(step_pairs, _doc_pairs(kept, c, units)), "the stages disagree with the step"
    before = candidate_document_pairs(
        c.shingled, replace(SETTINGS, candidate_min_shingles=0), frequent, executor
    )
    assert len(before) == len(estimate_pairs)

    # Align every pair the estimate passes (the candidates before the rule).
    t = time.perf_counter()
    aligner = _Work(detection, SETTINGS)
    listed = [divmod(int(x), N) for x in estimate_pairs]
    found = [
        r
        for chunk in executor.map("align", aligner.align_each, list(enumerate(listed)), "document pairs")
        for r in chunk
    ]
    reuses = {listed[k]: rs for k, rs in found}
    verified = np.array([int(a) * N + int(b) for a, b in reuses], dtype=np.int64)
    _log(f"{n}: aligned {len(listed)} pairs in {time.perf_counter() - t:.0f} s")

    stages = {}
    for name, stage_codes in (("banded", banded), ("estimate", estimated), ("shingles", kept)):
        pairs = _doc_pairs(stage_codes, c, units)
        ok = np.isin(pairs, verified)
        stages[name] = {
            "unit_pairs": len(stage_codes),
            "document_pairs": len(pairs),
            "document_pairs_per_article": round(len(pairs) / N, 4),
            "verified_document_pairs": int(ok.sum()),
            "unverified_document_pairs": int((~ok).sum()),
            "unverified_per_article": round(int((~ok).sum()) / N, 4),
        }
    stages["banded"]["note"] = "not all aligned: verified counts only the pairs the estimate passed"
    result["stages"] = stages
    result["verified_document_pairs"] = len(verified)
    result["verified_lost_by_shingle_rule"] = int((~np.isin(verified, step_pairs)).sum())
    result["seconds"] = {"candidates_step": round(step_seconds, 2), "shingle_rule": round(rule_seconds, 2)}

    # What the pairs the rule drops share: shingles counted as the rule counts them.
    is_verified = np.isin(estimate_pairs, verified)
    result["shared_shingles_of_estimate_pairs"] = {
        label: {str(k): v for k, v in sorted(Counter(np.minimum(shared[mask], 6).tolist()).items())}
        for label, mask in (("verified", is_verified), ("unverified", ~is_verified))
    }
    result["shared_shingles_note"] = (
        "distinct shingles of a document pair's candidate units and their neighbours, 6 = 6 or more;"
        " frequent ones counted only where the pair shares as many as a whole reuse holds"
    )
    # The same shingles, frequent (in more than max_shingle_documents documents) and not.
    kinds = {}
    for label, mask in (("verified", is_verified), ("unverified", ~is_verified)):
        split = zip(np.minimum(common[mask], 9).tolist(), np.minimum(rare[mask], 9).tolist(), strict=True)
        kinds[label] = {f"{f},{r}": v for (f, r), v in sorted(Counter(split).items())}
    result["shared_shingles_frequent_and_not"] = kinds
    result["shared_shingles_frequent_and_not_note"] = "'frequent,not frequent': document pairs, 9 = 9 or more"

    # The unit pairs behind unverified document pairs: the shingles they share.
    present = np.concatenate([np.unique(s.hashes) for s in c.shingled])
    values, document_frequency = np.unique(present, return_counts=True)
    # The arithmetic of the growth: pairs of documents that hold the same shingle, summed over
    # shingles (a pair sharing two counts twice), by how many documents hold the shingle.
    pairs_sharing = []
    for lo, hi in ((2, 9), (10, SETTINGS.max_shingle_documents), (SETTINGS.max_shingle_documents + 1, None)):
        chosen = document_frequency[(document_frequency >= lo) & (document_frequency <= (hi or N))]
        total = int((chosen.astype(np.int64) * (chosen - 1) // 2).sum())
        pairs_sharing.append(
            {
                "documents_holding_the_shingle": f"{lo}-{hi}" if hi else f"{lo}+",
                "shingles": len(chosen),
                "document_pairs": total,
                "per_article": round(total / N, 2),
            }
        )
    result["document_pairs_holding_a_common_shingle"] = pairs_sharing
    bad = ~np.isin(pair_codes, verified)
    per_shingle: Counter[int] = Counter()
    where: dict[int, int] = {}
    shared_counts: Counter[int] = Counter()
    met = []
    for u, v in zip(left[bad].tolist(), right[bad].tolist(), strict=True):
        common = _common_shingles(c, frequent, u, v)
        shared_counts[len(common)] += 1
        for h in common:
            per_shingle[h] += 1
            where.setdefault(h, u)
            met.append(h)

    def holding(hashes: list[int]) -> np.ndarray:
        # One search for all: the hashes as the array's own type, or numpy converts the array.
        return document_frequency[np.searchsorted(values, np.array(hashes, dtype=values.dtype))]

    frequencies = holding(met)
    result["unverified_unit_pairs"] = {
        "count": int(bad.sum()),
        "by_shingles_the_two_units_share": {str(k): v for k, v in sorted(shared_counts.items())},
        "documents_holding_a_shared_shingle_quantiles": (
            dict(
                zip(
                    ("p5", "p25", "p50", "p75", "p95", "max"),
                    np.percentile(frequencies, [5, 25, 50, 75, 95, 100]).round(1).tolist(),
                    strict=True,
                )
            )
            if len(frequencies)
            else {}
        ),
        "distinct_shared_shingles": len(per_shingle),
        "top_shared_shingles": [
            {
                "text": c.shingle_text(where[h], h),
                "documents": int(holding([h])[0]),
                "unit_pairs": k,
            }
            for h, k in per_shingle.most_common(TOP)
        ],
        "examples": [
            {"a": c.unit_text(int(u)), "b": c.unit_text(int(v))}
            for u, v in list(zip(left[bad].tolist(), right[bad].tolist(), strict=True))[
                :: max(1, int(bad.sum()) // 5)
            ][:5]
        ],
    }

    # The largest buckets: do their pairs reach alignment, and are they reuse?
    kept_pairs = set(step_pairs.tolist())
    estimate_set = set(estimate_pairs.tolist())
    for bucket in result["buckets"]["largest"]:
        docs = np.unique(c.unit_doc[np.array(bucket.pop("members"))])
        bucket["document_pairs"] = len(docs) * (len(docs) - 1) // 2

        def within(pairs: np.ndarray, docs: np.ndarray = docs) -> int:
            # Pairs whose two documents both have a unit in the bucket.
            return int((np.isin(pairs // N, docs) & np.isin(pairs % N, docs)).sum())

        bucket["passing_estimate"] = within(estimate_pairs)
        bucket["passing_shingle_rule"] = within(step_pairs)
        bucket["verified"] = within(verified)

    # Recall of the planted copies by the passages aligned under each rule.
    ids = [d.id for d in c.docs]
    for name, chosen_pairs in (("estimate", estimate_set), ("shingles", kept_pairs)):
        links = [
            {
                "source": {"document": ids[r.a], "start": r.a_span[0], "end": r.a_span[1]},
                "target": {"document": ids[r.b], "start": r.b_span[0], "end": r.b_span[1]},
            }
            for (a, b), rs in reuses.items()
            if a * N + b in chosen_pairs
            for r in rs
        ]
        recall = scan_recall(links, planted)
        stages[name]["passages"] = len(links)
        stages[name]["recall"] = recall["recall"]
        stages[name]["planted_found"] = recall["found"]
    return result


def table(results: dict[str, Any]) -> str:
    head = (
        f"{'articles':>8} {'stage':<9} {'unit pairs':>11} {'doc pairs':>10} {'per art':>8} "
        f"{'verified':>9} {'unverified':>10} {'per art':>8} {'recall':>7}"
    )
    lines = [head, "-" * len(head)]
    for size in results["sizes"]:
        for name, s in size["stages"].items():
            recall = f"{s['recall']:.4f}" if "recall" in s else "-"
            lines.append(
                f"{size['articles']:>8} {name:<9} {s['unit_pairs']:>11,} {s['document_pairs']:>10,} "
                f"{s['document_pairs_per_article']:>8.3f} {s['verified_document_pairs']:>9,} "
                f"{s['unverified_document_pairs']:>10,} {s['unverified_per_article']:>8.4f} {recall:>7}"
            )
    lines.append("")
    for size in results["sizes"]:
        b = size["buckets"]
        classes = ", ".join(f"{x['units_sharing_a_key']}: {x['buckets']:,}" for x in b["by_size"])
        lines.append(
            f"{size['articles']:>8} buckets by units sharing a key: {classes}; largest {b['largest_bucket']}"
        )
        common = ", ".join(
            f"{x['documents_holding_the_shingle']}: {x['per_article']:,}"
            for x in size["document_pairs_holding_a_common_shingle"]
        )
        lines.append(
            f"{'':>8} document pairs holding a common shingle, per article, by its documents: {common}"
        )
        u = size["unverified_unit_pairs"]
        lines.append(
            f"{'':>8} unverified unit pairs {u['count']:,}, "
            f"by shingles shared: {u['by_shingles_the_two_units_share']}; "
            f"documents holding a shared shingle: {u['documents_holding_a_shared_shingle_quantiles']}"
        )
        kinds = size["shared_shingles_frequent_and_not"]
        lines.append(
            f"{'':>8} document pairs by shingles shared (frequent,not): unverified {kinds['unverified']}; "
            f"verified with fewer than 3 not frequent "
            f"{ {k: v for k, v in kinds['verified'].items() if int(k.split(',')[1]) < 3} }"
        )
        lines.append(
            f"{'':>8} verified pairs lost by the shingle rule: {size['verified_lost_by_shingle_rule']}; "
            f"rule {size['seconds']['shingle_rule']} s of the step's {size['seconds']['candidates_step']} s"
        )
    return "\n".join(lines)


def _shown(argv: list[str]) -> list[str]:
    """The arguments as recorded: the corpus folder is this machine's own, named DIR."""
    return ["DIR" if k and argv[k - 1] == "--work" else a for k, a in enumerate(argv)]


def main(argv: list[str] | None = None) -> int:
    global SETTINGS  # every measure of the module reads it
    parser = argparse.ArgumentParser(
        prog="python -m bench.candidate_growth", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="10000,30000", help="articles, comma-separated")
    parser.add_argument("--work", type=Path, help="where corpora are cached (default: a temporary folder)")
    parser.add_argument("--jobs", type=int, help="processes (default: every core)")
    parser.add_argument(
        "--max-shingle-documents",
        type=int,
        default=SETTINGS.max_shingle_documents,
        help="the frequent-shingle limit (a low one shows at a small size what a large archive does)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=REPO / "bench" / "results" / "candidate_growth.json"
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.replace("_", "").split(",") if s.strip()})
    SETTINGS = replace(SETTINGS, max_shingle_documents=args.max_shingle_documents)
    with tempfile.TemporaryDirectory(prefix="candidate-growth-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        measured = [measure(n, work, args.jobs) for n in sizes]
    results = {
        "command": " ".join(["python -m bench.candidate_growth", *_shown(argv or sys.argv[1:])]),
        "corpus": "bench.scale_corpus, seed 1, as bench.scale generates it",
        "settings": SETTINGS.to_parameters(),
        "machine": {**machine(), **code_version()},
        "sizes": measured,
    }
    print(table(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

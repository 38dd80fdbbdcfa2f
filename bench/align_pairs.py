"""Alignment of many candidate pairs sharing one long document: whole scans, time and memory.

    python -m bench.align_pairs [--article 2] [--copies 300] [--jobs 1,2] [--corpus 2000]
                                [--label after] [-o bench/results/align_pairs.json]

Times `python -m provenance scan` (JSON and HTML), in a process of its own for each number of
--jobs, of

- one article of about --article MB on one line with --copies short articles each copying a
  sentence or a paragraph of it (the input of `bench.render_large --scan`): every copy is a
  candidate pair with the long article, so the cost of a pair must not grow with its length;
- a generated corpus of --corpus articles (`bench.scale_corpus`), which must not get slower.

The scans run the `provenance` of the checkout holding this script. The results are stored
under --label in the output file, beside those of other labels (run the script from a
checkout of an older commit with `--label before` to compare); `report_sha256` tells whether
two versions wrote the same report.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import render_large, scale, scale_corpus

REPO = Path(__file__).resolve().parent.parent


def _log(message: str) -> None:
    print(f"[align-pairs] {message}", file=sys.stderr, flush=True)


def timed_scan(folder: Path, out: Path, jobs: int) -> dict[str, Any]:
    """Wall and CPU seconds (the workers' included) and peak memory of one scan."""
    command = [sys.executable, "-m", "provenance", "scan", str(folder), "-o", str(out), "-q", "-j", str(jobs)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    assert proc.stderr is not None
    error = proc.stderr.read().decode("utf-8", "replace").strip()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    entry: dict[str, Any] = {
        "jobs": jobs,
        "exit_code": code,
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
    }
    if code in (0, 1):
        report = (out / "lineage.json").read_bytes()
        entry["links"] = json.loads(report)["summary"]["links"]
        entry["report_sha256"] = hashlib.sha256(report).hexdigest()
    else:
        entry["error"] = error[-500:]
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--article", type=float, default=2.0, help="MB of the long article")
    parser.add_argument("--copies", type=int, default=300, help="short articles copying from it")
    parser.add_argument("--jobs", default="1,2", help="process counts, comma separated")
    parser.add_argument("--corpus", type=int, default=2000, help="articles of the generated corpus (0: none)")
    parser.add_argument("--label", default="after", help="name of these results in the output file")
    parser.add_argument("--work", type=Path, default=Path("/tmp/align-pairs"), help="folder for inputs")
    parser.add_argument("-o", "--output", type=Path, default=REPO / "bench" / "results" / "align_pairs.json")
    args = parser.parse_args(argv)
    jobs = [int(j) for j in args.jobs.split(",") if j]
    args.work.mkdir(parents=True, exist_ok=True)
    article = args.work / f"article-{args.article:g}mb-{args.copies}"
    if not (article / "article.json").is_file():
        render_large.write_article(args.article, article, args.copies)
    corpus = args.work / f"corpus-{args.corpus}"
    if args.corpus and not corpus.is_dir():
        scale_corpus.generate(args.corpus, corpus)
    runs: dict[str, list[dict[str, Any]]] = {"article": [], "corpus": []}
    for j in jobs:
        runs["article"].append(timed_scan(article, args.work / f"out-article-{args.label}-j{j}", j))
        _log(f"article, -j {j}: {runs['article'][-1]}")
        if args.corpus:
            runs["corpus"].append(timed_scan(corpus, args.work / f"out-corpus-{args.label}-j{j}", j))
            _log(f"corpus, -j {j}: {runs['corpus'][-1]}")
    results: dict[str, Any] = {}
    if args.output.is_file():
        results = json.loads(args.output.read_text(encoding="utf-8"))
    results[args.label] = {
        "command": "python -m bench.align_pairs " + " ".join(argv if argv is not None else sys.argv[1:]),
        "article_mb": round((article / "article.json").stat().st_size / 1e6, 1),
        "short_articles": args.copies,
        "corpus_articles": args.corpus,
        **runs,
        "machine": scale.machine(),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

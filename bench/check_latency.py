"""Editorial latency: `index add` of a generated archive, then `check` of 600-word drafts.

    python -m bench.check_latency --articles 100000 [--work DIR] [--drafts 20]
                                  [--library-runs 200] [--cli-runs 20] [-o bench/results/check_latency.json]

1. The archive (`bench.scale_corpus`, cached in --work) is indexed from scratch by
   `python -m provenance index add FOLDER --index FILE`, in a process of its own: articles
   per second over the whole command (reading, analysis, writing) and peak memory.
2. The index's size on disk, per article.
3. Drafts of about 600 words, each copying two or three passages (a paragraph or a sentence,
   a third with a word or two changed) from articles of the archive, the rest new prose.
4. `check` as a library call (`check(read_drafts([draft]), index, …)` on an index opened
   once): p50 and p99 over --library-runs calls cycling through the drafts, the first
   call reported apart. Each call finds its planted sources or the benchmark says so.
5. `provenance check DRAFT --index FILE --format json` as a whole process, start-up
   included: p50 over --cli-runs runs.

Prints a table and writes the same as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench import scale, scale_corpus
from bench.synthetic_russian import Prose

DRAFT_WORDS = 600
TARGETS = {"library_p50_ms": 50, "library_p99_ms": 200, "cli_p50_s": 1.0, "add_articles_per_s": 300}


def _log(message: str) -> None:
    print(f"[check-latency] {message}", file=sys.stderr, flush=True)


def make_drafts(folder: Path, count: int, seed: int = 11) -> list[tuple[str, list[str]]]:
    """(text, ids of the archive articles it copies from) of `count` drafts."""
    rng = random.Random(seed)
    prose = Prose(random.Random(seed + 1))
    files = [p for _, p in scale.articles(folder)]
    ids = [i for i, _ in scale.articles(folder)]
    drafts = []
    for _ in range(count):
        copied: list[str] = []
        pieces: list[str] = []
        for k in rng.sample(range(len(files)), rng.choice((2, 3))):
            text = files[k].read_text(encoding="utf-8")
            paras = [p for p in text.split("\n\n")[1:-1] if len(p.split()) >= 12]
            if not paras:
                continue
            para = rng.choice(paras)
            if rng.random() < 0.5:  # a single sentence rather than the paragraph
                sentences = [s for s in para.split(". ") if len(s.split()) >= 12]
                para = (rng.choice(sentences).rstrip(".") + ".") if sentences else para
            if rng.random() < 1 / 3:
                para = scale_corpus._edit(para, rng, prose)
            pieces.append(para)
            copied.append(ids[k])
        words = sum(len(p.split()) for p in pieces)
        while words < DRAFT_WORDS:
            para = " ".join(prose.paragraph(rng.randint(3, 5)))
            pieces.insert(rng.randint(0, len(pieces)), para)
            words += len(para.split())
        drafts.append(("\n\n".join(pieces) + "\n", copied))
    return drafts


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    folder, _, _ = scale.corpus(work, args.articles, args.seed)
    index_path = work / f"index-{args.articles}-seed{args.seed}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{index_path}{suffix}").unlink(missing_ok=True)

    _log(f"indexing {args.articles} articles")
    add = scale.measure(
        [sys.executable, "-m", "provenance", "index", "add", str(folder), "--index", str(index_path), "-q"],
        work / "logs" / "index-add",
    )
    _log(f"index add: {add.wall:.1f} s, {args.articles / add.wall:.0f} articles/s, {add.peak_mb:.0f} MB")

    from provenance.check import check, read_drafts
    from provenance.index import Index
    from provenance.ingest import load_registry

    drafts_dir = work / "drafts"
    drafts_dir.mkdir(exist_ok=True)
    drafts = make_drafts(folder, args.drafts)
    paths = []
    for n, (text, _) in enumerate(drafts):
        path = drafts_dir / f"draft-{n:02d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)

    registry = load_registry()
    with Index(index_path) as index:
        stats = index.stats()
        against = {"kind": "index", "path": index_path.name, "documents": stats.documents}
        times: list[float] = []
        found_all = 0
        for k in range(args.library_runs):
            n = k % len(paths)
            started = time.perf_counter()
            result = check(read_drafts([str(paths[n])], registry), index, against, registry=registry)
            times.append(time.perf_counter() - started)
            if k < len(paths):
                sources = {s["document"] for f in result["drafts"][0]["findings"] for s in f["sources"]}
                found_all += set(drafts[n][1]) <= sources
    first, rest = times[0], times[1:] or times
    _log(f"library: p50 {statistics.median(rest) * 1000:.1f} ms, first {first * 1000:.0f} ms")

    cli_times = []
    for k in range(args.cli_runs):
        m = scale.measure(
            [
                sys.executable,
                "-m",
                "provenance",
                "check",
                str(paths[k % len(paths)]),
                "--index",
                str(index_path),
                "--format",
                "json",
                "--fail-on",
                "never",
            ],
            work / "logs" / "check",
        )
        cli_times.append(m.wall)
    _log(f"cli: p50 {statistics.median(cli_times):.2f} s")

    return {
        "articles": args.articles,
        "index_add": {
            "wall_seconds": round(add.wall, 2),
            "cpu_seconds": round(add.cpu, 2),
            "peak_mb": round(add.peak_mb, 1),
            "articles_per_second": round(args.articles / add.wall, 1),
        },
        "index": {
            "size_bytes": stats.size_bytes,
            "bytes_per_article": round(stats.size_bytes / stats.documents),
            "passages": stats.passages,
        },
        "drafts": {
            "count": len(drafts),
            "words": [len(t.split()) for t, _ in drafts],
            "with_every_planted_source_found": found_all,
        },
        "library": {
            "runs": len(times),
            "first_ms": round(first * 1000, 1),
            "p50_ms": round(statistics.median(rest) * 1000, 1),
            "p99_ms": round(_percentile(rest, 0.99) * 1000, 1),
            "max_ms": round(max(rest) * 1000, 1),
        },
        "cli": {
            "runs": len(cli_times),
            "p50_seconds": round(statistics.median(cli_times), 3),
            "max_seconds": round(max(cli_times), 3),
        },
        "targets": TARGETS,
        "machine": scale.machine(),
    }


def table(r: dict[str, Any]) -> str:
    t = r["targets"]
    rows = [
        (
            "index add",
            f"{r['index_add']['articles_per_second']:,.0f} articles/s",
            f"≥ {t['add_articles_per_s']}",
        ),
        ("index size", f"{r['index']['bytes_per_article'] / 1024:,.1f} KiB per article", "reported"),
        ("check, library p50", f"{r['library']['p50_ms']:.1f} ms", f"≤ {t['library_p50_ms']} ms"),
        ("check, library p99", f"{r['library']['p99_ms']:.1f} ms", f"≤ {t['library_p99_ms']} ms"),
        ("check, library first call", f"{r['library']['first_ms']:.1f} ms", "–"),
        ("check, CLI process p50", f"{r['cli']['p50_seconds']:.2f} s", f"≤ {t['cli_p50_s']} s"),
        (
            "drafts with every source found",
            f"{r['drafts']['with_every_planted_source_found']}/{r['drafts']['count']}",
            "all",
        ),
    ]
    head = f"{r['articles']:,} articles, {r['machine']['cpus_usable']} cores"
    lines = [head, "", "| measure | result | target |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.check_latency", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("scale-corpora"), help="corpora, index and drafts")
    parser.add_argument("--drafts", type=int, default=20)
    parser.add_argument("--library-runs", type=int, default=200)
    parser.add_argument("--cli-runs", type=int, default=20)
    parser.add_argument("-o", "--output", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)
    if args.articles < 100 or args.drafts < 1 or args.library_runs < 1 or args.cli_runs < 1:
        parser.error("--articles must be at least 100, the run counts at least 1")
    results = run(args)
    print(table(results))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

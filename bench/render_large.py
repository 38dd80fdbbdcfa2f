"""Reports of one huge document: the HTML page and the coverage numbers, time and memory.

    python -m bench.render_large [--spans 1000,10000,100000] [--scan 20] [--scan 5:600]
                                 [-o bench/results/render_large.json]
    python -m bench.render_large --article 20 [--copies K] --out-dir DIR   # only write the input

For each N of --spans, a report whose one long, single-line article holds N quotations, N
excluded passages (repeats) and N/10 link sides, each a sentence or so; the other article of
the report is short. Each N runs in a process of its own, which builds the report, then times,
after a warm-up on a tiny report:

- `covered_chars` of the long article against its excluded passages (what the JSON's
  `reused_chars` and `counted_chars` cost), and
- `render_html` of the whole report (every span cut, marked and escaped),

and reports its peak resident memory before and after rendering.

Each --scan MB[:COPIES[:JOBS]] times a whole `python -m provenance scan` (JSON and HTML) of an
article of about MB megabytes on one line, full of quotations «…» and of sentences it repeats,
with COPIES short articles of the day before each sharing one of its passages (a sentence, or a
paragraph once every linked sentence is taken), in JOBS processes (default: every core); a scan
still running after --scan-timeout seconds is stopped and recorded as unfinished.

`--article MB` only writes that input into --out-dir (`article.json`, and `short.jsonl` with
--copies), to scan under a profiler. Writes a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import scale
from bench.synthetic_russian import Prose

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SPANS = [1_000, 10_000, 100_000]


def _log(message: str) -> None:
    print(f"[render-large] {message}", file=sys.stderr, flush=True)


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (
        1024 * 1024 if sys.platform == "darwin" else 1024
    )


def long_text(
    n: int, seed: int = 5
) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """One line of prose with n quoted sentences, n repeated sentences and n/10 passages to link.

    Returns the text and the spans of the quotations, the repeats and the linked passages.
    """
    prose = Prose(random.Random(seed + 1))
    parts: list[str] = []
    pos = 0
    quotations, repeats, linked = [], [], []
    said = prose.sentence()

    def add(piece: str) -> tuple[int, int]:
        nonlocal pos
        start = pos
        parts.append(piece)
        pos += len(piece)
        return start, pos

    for k in range(n):
        add(prose.sentence() + " ")
        a, b = add(f"«{prose.sentence().rstrip('.')}», — сказал он. ")
        quotations.append((a, b - len(", — сказал он. ")))
        repeats.append(add(said + " "))
        if k % 10 == 0:
            linked.append(add(prose.sentence() + " "))
    return "".join(parts).rstrip() + "\n", quotations, repeats, linked


def report_of(n: int) -> dict[str, Any]:
    """The JSON data of a lineage report of two articles, the later one long with n quotations and repeats.

    The report of a real scan of two short articles, its later article then swapped for the
    long one, and its link copied to every linked passage of it.
    """
    from provenance.pipeline import scan

    text, quotations, repeats, linked = long_text(n)
    prose = Prose(random.Random(99))
    shared = prose.sentence(20, 24)
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder)
        (corpus / "a.txt").write_text(f"date: 2025-11-14\n\n{prose.sentence()} {shared}\n", encoding="utf-8")
        (corpus / "b.txt").write_text(f"date: 2025-11-15\n\n{shared} {prose.sentence()}\n", encoding="utf-8")
        report = scan(corpus, jobs=1).to_dict()
    [link] = report["links"]
    big = next(d for d in report["documents"] if d["id"] == link["target"]["document"])
    big.update(
        text_length=len(text),
        text=text,
        body={"start": 0, "end": len(text)},
        quotations=[{"start": a, "end": b, "form": "«»"} for a, b in quotations],
        excluded=[{"start": a, "end": b, "reason": "internal-duplicate"} for a, b in repeats],
        credits=[],
        cites=[],
        links=len(linked),
    )
    report["links"] = [
        {
            **link,
            "id": f"L-{k:012x}",
            "target": {**link["target"], "start": a, "end": b, "snippet": text[a:b]},
        }
        for k, (a, b) in enumerate(linked)
    ]
    return report


def one(n: int) -> dict[str, Any]:
    """Build the report for n and measure it, in this process."""
    from provenance.report.coverage import covered_chars
    from provenance.report.html import render_html
    from provenance.report.model import Report

    render_html(Report.from_dict(report_of(10)))  # templates compiled and caches filled outside the timing
    report = Report.from_dict(report_of(n))
    big = max(report.documents, key=lambda d: len(d.text))
    holes = [(e.start, e.end) for e in big.excluded]
    sides = [lk.target.span for lk in report.links]
    started = time.perf_counter()
    covered_chars(big.text, [(0, len(big.text))], holes)
    covered_chars(big.text, sides, holes)
    coverage_s = time.perf_counter() - started
    before = _peak_mb()
    started = time.perf_counter()
    page = render_html(report)
    render_s = time.perf_counter() - started
    peak = _peak_mb()
    return {
        "spans": n,
        "quotations": len(big.quotations),
        "excluded": len(big.excluded),
        "link_sides": len(report.links),
        "text_mb": round(len(big.text.encode("utf-8")) / 1e6, 2),
        "coverage_seconds": round(coverage_s, 3),
        "render_seconds": round(render_s, 3),
        "page_mb": round(len(page.encode("utf-8")) / 1e6, 2),
        "peak_mb_before_render": round(before, 1),
        "peak_mb": round(peak, 1),
    }


def write_article(megabytes: float, out_dir: Path, copies: int = 0) -> Path:
    """A JSON record of one article of about `megabytes` MB on one line, for profiling a scan;
    with `copies`, as many short articles of a day earlier, each sharing one of its passages."""
    per_round = len(long_text(10)[0].encode("utf-8")) / 10
    n = max(1, int(megabytes * 1e6 / per_round))
    text, _, _, linked = long_text(n)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "article.json"
    record = {
        "id": "long",
        "outlet": "Вестник",
        "date": "2025-11-15",
        "text": text.replace("\n", " ").strip(),
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    prose = Prose(random.Random(7))
    shared = linked[:copies]
    # More copies than linked passages: the later ones take a paragraph from a passage on.
    for k in range(len(shared), copies):
        a = linked[k % len(linked)][0]
        shared.append((a, text.find(". ", a + 300) + 1 or len(text)))
    records = [
        {
            "id": f"short-{k}",
            "outlet": f"Издание {k % 50}",
            "date": "2025-11-14",
            "text": f"{prose.sentence()} {text[a:b].strip()} {prose.sentence()}",
        }
        for k, (a, b) in enumerate(shared)
    ]
    if records:
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        (out_dir / "short.jsonl").write_text(lines, encoding="utf-8")
    _log(
        f"{path}: {path.stat().st_size / 1e6:.1f} MB, {n} rounds of sentences; {len(records)} short articles"
    )
    return path


def scan_article(
    megabytes: float, copies: int, work: Path, timeout: float, jobs: int | None = None
) -> dict[str, Any]:
    """`python -m provenance scan` of the long article (and its copies), in a process of its own:
    wall and CPU time and peak memory, or how long it ran before it was stopped."""
    folder = work / f"article-{megabytes:g}mb-{copies}"
    if not (folder / "article.json").is_file():
        write_article(megabytes, folder, copies)
    out = work / f"out-{megabytes:g}mb-{copies}"
    # Every text: without copies the long article is in no link, and its page is what is timed.
    command = [sys.executable, "-m", "provenance", "scan", str(folder), "-o", str(out), "-q"]
    command += ["--texts", "all"]
    if jobs:
        command += ["-j", str(jobs)]
    with (work / "scan.stderr").open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=err, cwd=REPO, start_new_session=True
        )
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            wall = time.perf_counter() - started
            if pid:
                break
            if wall > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.2)
    finished = pid != 0
    code = os.waitstatus_to_exitcode(status) if finished else None
    entry: dict[str, Any] = {
        "article_mb": round((folder / "article.json").stat().st_size / 1e6, 1),
        "short_articles": copies,
        "jobs": jobs,
        "finished": finished,
        "exit_code": code,
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_mb": round(usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1),
    }
    if finished and code in (0, 1):
        report = json.loads((out / "lineage.json").read_text(encoding="utf-8"))
        long = max(report["documents"], key=lambda d: len(d["text"]))
        entry.update(
            quotations=len(long["quotations"]),
            excluded=len(long["excluded"]),
            links=report["summary"]["links"],
            html_mb=round((out / "lineage.html").stat().st_size / 1e6, 1),
        )
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--spans", default=",".join(map(str, DEFAULT_SPANS)), help="values of N, comma separated"
    )
    parser.add_argument("-o", "--output", type=Path, default=REPO / "bench" / "results" / "render_large.json")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--article", type=float, help="only write an article of about this many MB")
    parser.add_argument(
        "--copies", type=int, default=0, help="with --article: short articles sharing a passage"
    )
    parser.add_argument(
        "--scan",
        action="append",
        default=[],
        metavar="MB[:COPIES[:JOBS]]",
        help="also time a whole scan of an article of MB megabytes (with COPIES short articles, "
        "in JOBS processes); repeatable",
    )
    parser.add_argument("--scan-timeout", type=float, default=900, help="seconds before a scan is stopped")
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/render-large"), help="folder for scanned articles"
    )
    parser.add_argument("--out-dir", type=Path, default=Path("render-large-article"))
    args = parser.parse_args(argv)
    if args.article is not None:
        write_article(args.article, args.out_dir, args.copies)
        return 0
    if args.one is not None:
        print(json.dumps(one(args.one)))
        return 0
    runs = []
    for n in (int(v) for v in args.spans.split(",") if v):
        done = subprocess.run(
            [sys.executable, "-m", "bench.render_large", "--one", str(n)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout))
        r = runs[-1]
        _log(
            f"N={n:,}: {r['text_mb']} MB text, coverage {r['coverage_seconds']} s, "
            f"render {r['render_seconds']} s, page {r['page_mb']} MB, peak {r['peak_mb']} MB"
        )
    scans = []
    for value in args.scan:
        megabytes, _, rest = value.partition(":")
        copies, _, jobs = rest.partition(":")
        args.work.mkdir(parents=True, exist_ok=True)
        scans.append(
            scan_article(
                float(megabytes), int(copies or 0), args.work, args.scan_timeout, int(jobs) if jobs else None
            )
        )
        _log(f"scan {value}: {scans[-1]}")
    result = {"runs": runs, "scans": scans, "machine": scale.machine()}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

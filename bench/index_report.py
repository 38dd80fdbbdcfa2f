"""What `provenance index report` costs, as a whole process, on a generated archive.

    python -m bench.index_report --articles 5000 [--furniture] [--jobs 2] [--repeat 3]
                                 [--before TREE] [--work DIR] [-o bench/results/index_report.json]

The articles are `bench.scale_corpus`'s. With `--furniture` they are also given outlets the
packaged registry recognises and the lines outlets put on their pages (`furnish`), some of
them frequent enough in their outlet to be boilerplate: those articles' records depend on
the other articles, so `index report` analyses them again. The archive is added to an index
with `provenance index add`, then `provenance index report` runs --repeat times: the wall and
CPU seconds (of the process and its workers) of each run, their medians, and the steps of
the last run (`lineage.steps.json`) are kept. Every run must write the same report (but the
index's name), or the benchmark stops.

`--before TREE` also measures the source tree TREE (another checkout, run through
PYTHONPATH) the same way, with an index it builds itself, and then reports that index with
this tree twice: the first report of an index of an older format, and the one after.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.scale_corpus import generate

REPO = Path(__file__).resolve().parent.parent

# Outlets of the packaged registry, each with a sentence its signature recognises.
SIGNED = {
    "NUR.KZ": "Об этом передает NUR.KZ.",
    "Tengrinews": "Об этом передает корреспондент Tengrinews.kz.",
}
# Lines outlets put on their pages (no registry pattern matches them), and which of an
# outlet's articles carry them: `k` counts the outlet's articles in file order.
FURNITURE: dict[str, list[tuple[str, Callable[[int], bool]]]] = {
    "NUR.KZ": [("Все главные новости дня в нашем приложении", lambda k: k % 4 != 3)],
    "Tengrinews": [
        ("Читайте нас в Дзене и на других площадках", lambda k: k % 5 < 2),
        # In more than three articles, but too few of them to be the outlet's boilerplate.
        ("Мнение автора может не совпадать с позицией редакции", lambda k: k % 10 == 0),
    ],
}
# A line in just enough of NUR.KZ's articles to be frequent (the fewest the rule allows):
# remove one of them and it is text again.
EDGE_LINE = "Материал подготовлен при поддержке партнеров"


def edge_documents(articles: int) -> int:
    """How many of NUR.KZ's articles carry `EDGE_LINE` in a folder of `articles`."""
    return max(3, math.ceil(0.2 * len(range(0, articles, 3))))


def furnish(folder: Path) -> dict[str, str | None]:
    """Give the articles of a `bench.scale_corpus` folder outlets and page furniture: a third
    are NUR.KZ's, a third Tengrinews's (a sentence of the first paragraph carries the
    outlet's signature), a third keep no outlet; furniture lines stand as paragraphs of
    their own after the second. Returns each file's outlet by its path in the folder."""
    files = sorted(folder.rglob("*.txt"))
    outlets: dict[str, str | None] = {}
    seen: dict[str, int] = {}
    edge = edge_documents(len(files))
    for number, path in enumerate(files):
        outlet = [*SIGNED, None][number % 3]
        outlets[path.relative_to(folder).as_posix()] = outlet
        if outlet is None:
            continue
        k = seen[outlet] = seen.get(outlet, -1) + 1
        paras = path.read_text(encoding="utf-8").split("\n\n")
        paras[0] += " " + SIGNED[outlet]
        lines = [line for line, carries in FURNITURE[outlet] if carries(k)]
        if outlet == "NUR.KZ" and k < edge:
            lines.append(EDGE_LINE)
        paras[2:2] = lines
        path.write_text("\n\n".join(paras), encoding="utf-8", newline="\n")
    return outlets


def _run(tree: Path, *args: str, cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (of the process and its workers) of `provenance ARGS`."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "provenance", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"provenance {' '.join(args)} failed: {done.stderr.strip()}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu


def _reports(tree: Path, index: Path, work: Path, jobs: int, repeat: int) -> dict[str, Any]:
    out = work / "out"
    args = ("index", "report", "--index", str(index), "-o", str(out), "--format", "json", "-j", str(jobs))
    runs = [_run(tree, *args, "-q", cwd=work) for _ in range(repeat)]
    steps = json.loads((out / "lineage.steps.json").read_text(encoding="utf-8"))["steps"]
    report = json.loads((out / "lineage.json").read_text(encoding="utf-8"))
    report["input"]["root"] = "-"  # the index's file name
    return {
        "wall_s": [round(w, 2) for w, _ in runs],
        "cpu_s": [round(c, 2) for _, c in runs],
        "median_wall_s": round(statistics.median(w for w, _ in runs), 2),
        "median_cpu_s": round(statistics.median(c for _, c in runs), 2),
        "report_sha256": hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest(),
        "steps": steps,
    }


def measure(tree: Path, name: str, corpus: Path, work: Path, jobs: int, repeat: int) -> dict[str, Any]:
    index = work / f"index-{name}.sqlite"
    for stale in (index, Path(f"{index}-wal"), Path(f"{index}-shm")):
        stale.unlink(missing_ok=True)
    add_s, add_cpu = _run(
        tree, "index", "add", str(corpus), "--index", str(index), "-j", str(jobs), "-q", cwd=work
    )
    size = sum(p.stat().st_size for p in (index, Path(f"{index}-wal")) if p.exists())
    return {
        "code": name,
        "add_wall_s": round(add_s, 2),
        "add_cpu_s": round(add_cpu, 2),
        "index_bytes": size,
        **_reports(tree, index, work, jobs, repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--furniture", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another source tree to measure the same way")
    parser.add_argument("--work", type=Path, default=Path("index-report-bench"))
    parser.add_argument("-o", "--output", type=Path, default=REPO / "bench" / "results" / "index_report.json")
    args = parser.parse_args()
    work: Path = args.work.resolve()
    corpus = work / f"corpus-{args.articles}{'-furnished' if args.furniture else ''}"
    if not corpus.exists():
        generate(args.articles, corpus)
        if args.furniture:
            furnish(corpus)
    runs: dict[str, Any] = {}
    if args.before:
        before = args.before.resolve()
        runs["before"] = measure(before, "before", corpus, work, args.jobs, args.repeat)
        # That index, of the format the older tree writes, opened by this one.
        upgraded = work / "upgraded.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{upgraded}{suffix}").unlink(missing_ok=True)
            if Path(f"{work / 'index-before.sqlite'}{suffix}").exists():
                shutil.copy(f"{work / 'index-before.sqlite'}{suffix}", f"{upgraded}{suffix}")
        runs["upgraded"] = {
            "first": _reports(REPO, upgraded, work, args.jobs, 1),
            "then": _reports(REPO, upgraded, work, args.jobs, args.repeat),
        }
    runs["after"] = measure(REPO, "after", corpus, work, args.jobs, args.repeat)
    reports = {
        r.get("report_sha256") for run in runs.values() for r in (run, *run.values()) if isinstance(r, dict)
    }
    if len(reports - {None}) != 1:
        raise SystemExit(f"the runs wrote different reports: {sorted(reports - {None})}")
    result = {
        "articles": args.articles,
        "furniture": args.furniture,
        "jobs": args.jobs,
        "repeat": args.repeat,
        "runs": runs,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    # One entry per corpus measured, kept beside the others.
    results = json.loads(args.output.read_text(encoding="utf-8")) if args.output.exists() else {}
    results[corpus.name.removeprefix("corpus-")] = result
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

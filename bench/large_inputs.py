"""Single inputs that are large: one long article, one long line, a JSON file of a million records.

    python -m bench.large_inputs WORK_FOLDER [--article-mb 200] [--line-mb 50]
                                 [--records 1000000] [--jobs 1,2] [--only article,line,records]
                                 [-o bench/results/large_inputs.json]

Writes the three inputs into WORK_FOLDER (reused when already there), then runs
`provenance scan INPUT --format json` on each, as users run it, with each `--jobs` given:
the article and the line with the default `max-document-chars` (they are over it: skipped
with a warning) and with the limit raised to take them, the records as they are. Measured:
wall and CPU time, and peak memory two ways — the largest sum over the scan's processes
(it and its workers) of their proportional set size, sampled every 0.2 s, and the largest
resident set of a single process (ru_maxrss). The bytes a character of the largest document
cost are (peak - the peak of scanning one short article) / its characters.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.synthetic_russian import Prose

REPO = Path(__file__).resolve().parent.parent
MB = 1_000_000
_OUTLETS = ("Вестник Приречья", "Курьер Заозерья", "Голос Степи", "Эхо Долины")


def _paragraphs(seed: int) -> Iterator[str]:
    prose = Prose(random.Random(seed))
    rng = random.Random(seed + 1)
    while True:
        yield " ".join(prose.paragraph(rng.randint(2, 7)))


def _write_until(path: Path, megabytes: float, chunks: Iterator[str]) -> None:
    """The chunks, in order, until the file holds `megabytes` of UTF-8."""
    target, size = int(megabytes * MB), 0
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for chunk in chunks:
            f.write(chunk)
            size += len(chunk.encode())
            if size >= target:
                break


def write_article(path: Path, megabytes: float, seed: int = 1) -> None:
    """One dated article of about `megabytes` of UTF-8 in paragraphs, none repeated."""
    header = " 12 марта 2025 \n\n"
    _write_until(path, megabytes, itertools.chain([header], (p + "\n\n" for p in _paragraphs(seed))))


def write_line(path: Path, megabytes: float, seed: int = 2) -> None:
    """One article of about `megabytes` on a single line: no line break at all."""
    _write_until(path, megabytes, (p + " " for p in _paragraphs(seed)))


def write_records(path: Path, records: int, seed: int = 3) -> None:
    """A `.json` array of `records` short articles (a sentence each), one per line."""
    prose = Prose(random.Random(seed))
    rng = random.Random(seed + 1)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("[\n")
        for n in range(records):
            record = {
                "id": f"r{n:07d}",
                "date": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "outlet": _OUTLETS[n % len(_OUTLETS)],
                "text": prose.sentence(6, rng.randint(8, 14)),
            }
            f.write(("," if n else "") + json.dumps(record, ensure_ascii=False) + "\n")
        f.write("]\n")


# --- measuring -------------------------------------------------------------------------------


def _session_pss(session: int) -> int:
    """Bytes of proportional set size of every process in the session."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            if int(fields[3]) != session:  # field 6 of stat: the session id
                continue
            with open(f"/proc/{entry.name}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return total


def measure(command: list[str], logs: Path) -> dict[str, Any]:
    """Run `command` in a session of its own; its time, peak memory and stderr's last lines."""
    logs.mkdir(parents=True, exist_ok=True)
    peak = 0
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=REPO, start_new_session=True
        )
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _session_pss(proc.pid))
                done.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
    stderr = (logs / "stderr").read_text(encoding="utf-8", errors="replace").splitlines()
    return {
        "exit": os.waitstatus_to_exitcode(status),
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_tree_pss_mb": round(peak / 1e6, 1),
        "peak_process_rss_mb": round(usage.ru_maxrss / 1e3, 1),
        "stderr_tail": stderr[-4:],
    }


def scan_command(path: Path, out: Path, jobs: int, extra: list[str]) -> list[str]:
    scan = [sys.executable, "-m", "provenance", "scan", str(path), "-o", str(out), "--format", "json"]
    return [*scan, "-j", str(jobs), *extra]


def _chars(path: Path) -> int:
    with path.open(encoding="utf-8") as f:
        return sum(len(chunk) for chunk in iter(lambda: f.read(1 << 20), ""))


def _log(message: str) -> None:
    print(f"[large_inputs] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="folder for the generated inputs and the reports")
    parser.add_argument("--article-mb", type=float, default=200)
    parser.add_argument("--line-mb", type=float, default=50)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--jobs", default="1,2", help="comma-separated -j values")
    parser.add_argument(
        "--only",
        default="article,line,records",
        help="the inputs to scan, comma-separated; rows of the others already in the output are kept",
    )
    parser.add_argument("-o", "--output", type=Path, default=REPO / "bench" / "results" / "large_inputs.json")
    args = parser.parse_args(argv)
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    jobs = [int(j) for j in args.jobs.split(",")]
    only = args.only.split(",")
    inputs = {
        "article": (work / f"article-{args.article_mb:g}mb.txt", lambda p: write_article(p, args.article_mb)),
        "line": (work / f"line-{args.line_mb:g}mb.txt", lambda p: write_line(p, args.line_mb)),
        "records": (work / f"records-{args.records}.json", lambda p: write_records(p, args.records)),
        "short": (work / "short.txt", lambda p: write_article(p, 0.005)),
    }
    for path, write in inputs.values():
        if not path.exists():
            _log(f"writing {path.name}")
            started = time.perf_counter()
            write(path.with_suffix(".part"))
            path.with_suffix(".part").rename(path)
            _log(f"  {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.0f} s")
    sizes = {name: path.stat().st_size for name, (path, _) in inputs.items()}
    chars = {name: _chars(path) for name, (path, _) in inputs.items() if name != "records"}
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "memory_mb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e6),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "commit": subprocess.run(
                ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=REPO
            ).stdout.strip(),
        },
        "inputs": {
            name: {"file": path.name, "bytes": sizes[name], "chars": chars.get(name)}
            for name, (path, _) in inputs.items()
        },
        "runs": [],
    }
    results["inputs"]["records"]["records"] = args.records

    mine: list[dict[str, Any]] = []

    def write() -> None:
        # Rows this run did not make (other inputs, other -j) are kept from the file, read
        # again each time: parts of the benchmark may be run separately, even at once.
        done = {(r["input"], r["jobs"], r["limit"]) for r in mine}
        old = json.loads(args.output.read_text(encoding="utf-8"))["runs"] if args.output.exists() else []
        results["runs"] = [r for r in old if (r["input"], r["jobs"], r["limit"]) not in done] + mine
        _derive(results)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def run(name: str, j: int, extra: list[str], label: str) -> None:
        path = inputs[name][0]
        out = work / f"out-{name}-{label}-j{j}"
        _log(f"scan {path.name} -j {j} {' '.join(extra)}")
        # Other work on the machine slows a run down: the load before it says how much.
        load = round(os.getloadavg()[0], 2)
        measured = measure(scan_command(path, out, j, extra), out / "logs")
        # The work folder is this machine's: the results name it WORK.
        measured["stderr_tail"] = [line.replace(str(work), "WORK") for line in measured["stderr_tail"]]
        row = {"input": name, "jobs": j, "limit": label, "args": extra, "load_before": load, **measured}
        _log(
            f"  exit {row['exit']}, {row['wall_seconds']} s, {row['cpu_seconds']} s CPU, "
            f"tree {row['peak_tree_pss_mb']} MB, process {row['peak_process_rss_mb']} MB"
        )
        mine.append(row)
        write()

    for j in jobs:
        run("short", j, [], "default")
    for name in ("article", "line"):
        if name in only:
            for j in jobs:
                run(name, j, [], "default")
                run(name, j, ["--max-document-chars", str(chars[name])], "raised")
    if "records" in only:
        for j in jobs:
            run("records", j, [], "default")
    return 0


def _derive(results: dict[str, Any]) -> None:
    """Per character of the longest document, or per record, the memory above a short scan's."""
    base = {r["jobs"]: r["peak_tree_pss_mb"] for r in results["runs"] if r["input"] == "short"}
    for row in results["runs"]:
        if (
            row["exit"] != 0
            or (row["limit"] != "raised" and row["input"] != "records")
            or row["jobs"] not in base
        ):
            continue
        above = (row["peak_tree_pss_mb"] - base[row["jobs"]]) * 1e6
        facts = results["inputs"][row["input"]]
        if row["input"] == "records":
            row["bytes_per_record"] = round(above / facts["records"])
            row["records_per_cpu_second"] = round(facts["records"] / row["cpu_seconds"])
        else:
            row["bytes_per_char"] = round(above / facts["chars"], 1)


if __name__ == "__main__":
    sys.exit(main())

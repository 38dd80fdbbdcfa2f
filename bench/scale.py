"""Speed and scale: the scan against the fastest possible reader and a plain MinHash pipeline.

    python -m bench.scale --sizes 1000,10000,100000 [--work DIR] [--repeat 3] [--plain-max 10000]
                          [-o bench/results/scale.json]

For each size, a folder of generated articles with planted copies (`bench.scale_corpus`) is
scanned by three programs, each in a process of its own so that time and peak memory are
that program's alone:

  floor  `python -m bench.scale floor FOLDER`: read, decode and tokenise every file as the
         tool does, and nothing else. No scan can be faster.
  scan   `python -m provenance scan FOLDER -o OUT --format json`, as users run it.
  plain  `python -m bench.scale plain FOLDER --out PAIRS.jsonl`: what a user writes without
         the tool, datasketch MinHash (defaults) over each paragraph's word 3-grams, an LSH
         index at threshold 0.5, every paragraph queried. Run up to --plain-max articles.

Prints a table (wall and CPU time, peak memory, articles per second, recall of the planted
copies) and writes the same as JSON. Corpora are cached in --work when given.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import scale_corpus
from bench.scale_corpus import Copy, Planted
from bench.tree_memory import peak_while_running
from provenance.report.export import iter_report_list

REPO = Path(__file__).resolve().parent.parent
PROGRAMS = ("floor", "scan", "plain")
REFERENCE_SIZE = 10_000  # per-article time at the largest size is compared with this one
_STATS = re.compile(r"(\d+) units, (\d+) candidate document pairs, (\d+) verified passages")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_WORD = re.compile(r"\w+")


def _log(message: str) -> None:
    print(f"[scale] {message}", file=sys.stderr, flush=True)


# --- the measured programs -------------------------------------------------------------------


def articles(folder: Path) -> Iterator[tuple[str, Path]]:
    """(document id, path) of every `.txt` file under `folder`, ids as the scan gives them."""
    paths = [Path(d, n) for d, _, names in os.walk(folder) for n in names if n.endswith(".txt")]
    for path in sorted(paths, key=lambda p: p.relative_to(folder).parts):
        yield path.relative_to(folder).as_posix()[: -len(".txt")], path


def floor(folder: Path) -> int:
    """Read, decode and tokenise every article; the number of words."""
    from provenance.text import tokenize

    words = 0
    for _, path in articles(folder):
        words += len(tokenize(path.read_bytes().decode("utf-8")))
    return words


def plain(folder: Path, out: Path) -> int:
    """Candidate paragraph pairs of different articles by datasketch defaults; the pair count."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    sketches: list[tuple[tuple[str, int], MinHash]] = []
    for doc, path in articles(folder):
        for k, paragraph in enumerate(_PARAGRAPH_BREAK.split(path.read_text(encoding="utf-8"))):
            words = _WORD.findall(paragraph.lower())
            shingles = {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}
            if not shingles:
                continue
            m = MinHash(num_perm=128)
            m.update_batch([s.encode("utf-8") for s in shingles])
            lsh.insert((doc, k), m)
            sketches.append(((doc, k), m))
    pairs = 0
    with out.open("w", encoding="utf-8", newline="\n") as f:
        for key, m in sketches:
            for other in lsh.query(m):
                # Each pair once, and only across articles.
                if other[0] != key[0] and other > key:
                    f.write(
                        json.dumps(
                            {"a": key[0], "a_paragraph": key[1], "b": other[0], "b_paragraph": other[1]}
                        )
                    )
                    f.write("\n")
                    pairs += 1
    return pairs


# --- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    wall: float
    cpu: float  # user + system seconds
    peak_mb: float  # the largest single process's peak resident size
    stderr: str
    stdout: str
    # The whole process tree's proportional set size, sampled every SAMPLE_S or less often
    # (`bench.tree_memory.peak_while_running`): shared pages counted once, every worker
    # included (None where the system does not say).
    peak_tree_mb: float | None = None


SAMPLE_S = 0.25


def measure(command: list[str], logs: Path) -> Measured:
    """Run `command` to completion; its own wall time, CPU time and peak resident memory."""
    logs.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logs / "stdout", logs / "stderr"
    # Output goes to files, not pipes: wait4 collects the child's own rusage, and a full pipe
    # would block a child nobody is reading.
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        # A session of its own, so an interrupted run can stop the program and its workers together.
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=REPO, start_new_session=True
        )
        try:
            tree = peak_while_running(proc.pid, SAMPLE_S)
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {proc.returncode}: {stderr.strip()[-2000:]}")
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Measured(wall, usage.ru_utime + usage.ru_stime, peak, stderr, stdout, tree)


def repeated(command: list[str], logs: Path, runs: int, label: str) -> tuple[dict[str, Any], Measured]:
    """Medians of wall and CPU time over `runs`, the largest peak memory, and the last run."""
    done: list[Measured] = []
    loads: list[float] = []
    for k in range(runs):
        # Other work on the machine slows a run down: the load before it says how much.
        loads.append(round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else float("nan"))
        m = measure(command, logs)
        tree = f", tree {m.peak_tree_mb:.0f} MB" if m.peak_tree_mb is not None else ""
        _log(f"{label} run {k + 1}/{runs}: {m.wall:.1f} s wall, {m.cpu:.1f} s CPU, {m.peak_mb:.0f} MB{tree}")
        done.append(m)
    summary = {
        "ran": True,
        "runs": runs,
        "wall_seconds": round(statistics.median(m.wall for m in done), 3),
        "wall_seconds_each": [round(m.wall, 3) for m in done],
        "cpu_seconds": round(statistics.median(m.cpu for m in done), 3),
        "peak_mb": round(max(m.peak_mb for m in done), 1),
        "peak_tree_mb": (
            round(max(m.peak_tree_mb for m in done if m.peak_tree_mb is not None), 1)
            if any(m.peak_tree_mb is not None for m in done)
            else None
        ),
        "load_average_before_each": loads,
    }
    return summary, done[-1]


def scan_has_jobs() -> bool:
    """Whether this version of `provenance scan` takes `--jobs`."""
    done = subprocess.run(
        [sys.executable, "-m", "provenance", "scan", "--help"], capture_output=True, text=True, cwd=REPO
    )
    return "--jobs" in done.stdout


# --- recall ----------------------------------------------------------------------------------


def _recall(copies: list[Copy], found: list[bool]) -> dict[str, Any]:
    groups: dict[str, list[bool]] = defaultdict(list)
    for c, hit in zip(copies, found, strict=True):
        groups["all"].append(hit)
        groups[c.unit].append(hit)
        groups["edited" if c.edited else "unedited"].append(hit)
        groups[c.placement].append(hit)
        groups[f"{c.unit}, {'edited' if c.edited else 'unedited'}"].append(hit)
    missed = [c for c, hit in zip(copies, found, strict=True) if not hit]
    return {
        "recall": round(sum(found) / len(found), 4) if found else None,
        "found": sum(found),
        "planted": len(found),
        "recall_by": {k: round(sum(v) / len(v), 4) for k, v in sorted(groups.items())},
        "missed_examples": [
            {
                "source": c.source,
                "target": c.target,
                "target_span": list(c.target_span),
                "unit": c.unit,
                "placement": c.placement,
                "edited": c.edited,
            }
            for c in missed[:10]
        ],
    }


def report_links(path: Path) -> Iterator[dict[str, Any]]:
    """The links of a JSON report, one at a time: a million-article report does not fit in
    memory as Python objects, and recall needs only its links."""
    return iter_report_list(path, "links")


def scan_recall(links: Iterable[dict[str, Any]], planted: Planted) -> dict[str, Any]:
    """A copy is found when a link between its two documents covers half its target span."""
    sides: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)  # (copier, other) → spans
    count = 0
    for link in links:
        count += 1
        s, t = link["source"], link["target"]
        sides[(s["document"], t["document"])].append((s["start"], s["end"]))
        sides[(t["document"], s["document"])].append((t["start"], t["end"]))
    found = []
    for c in planted.copies:
        a, b = c.target_span
        found.append(
            any(2 * (min(b, e) - max(a, s)) >= b - a for s, e in sides.get((c.target, c.source), ()))
        )
    # Each link adds its pair both ways round, and no link joins a document to itself.
    return {"links": count, "linked_document_pairs": len(sides) // 2, **_recall(planted.copies, found)}


def plain_recall(pairs_path: Path, planted: Planted) -> dict[str, Any]:
    """A copy is found when the pair of its target's and its source's paragraphs was reported."""
    pairs = set()
    with pairs_path.open(encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            pairs.add(tuple(sorted([(p["a"], p["a_paragraph"]), (p["b"], p["b_paragraph"])])))
    found = [
        tuple(sorted([(c.target, c.target_paragraph), (c.source, c.source_paragraph)])) in pairs
        for c in planted.copies
    ]
    return _recall(planted.copies, found)


# --- one size ---------------------------------------------------------------------------------


def corpus(work: Path, n: int, seed: int, byline: bool = True) -> tuple[Path, Planted, float | None]:
    """The folder of `n` articles, generated unless a complete one is cached; generation seconds."""
    folder = work / f"articles-{n}-seed{seed}{'' if byline else '-no-byline'}"
    marker = scale_corpus.planted_path(folder)
    if marker.is_file():
        try:
            planted = scale_corpus.load_planted(folder)
        except (ValueError, KeyError, TypeError):
            planted = None
        if planted and (planted.articles, planted.seed, planted.byline) == (n, seed, byline):
            _log(f"{n}: cached corpus {folder}")
            return folder, planted, None
    shutil.rmtree(folder, ignore_errors=True)
    marker.unlink(missing_ok=True)
    _log(f"{n}: generating {n} articles")
    started = time.perf_counter()
    planted = scale_corpus.generate(n, folder, seed=seed, byline=byline)
    return folder, planted, time.perf_counter() - started


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for _, p in articles(folder)) / 1e6


def _scan(
    folder: Path, planted: Planted, args: argparse.Namespace, here: Path, runs: int, n: int
) -> dict[str, Any]:
    """The scan as users run it, with what it found and each of its steps' measures."""
    # Without -q: the progress line on stderr tells the candidate pairs; it costs nothing.
    out = here / "scan-report"
    command = [sys.executable, "-m", "provenance", "scan", str(folder), "-o", str(out), "--format", "json"]
    if args.jobs is not None:
        command += ["--jobs", str(args.jobs)]
    scan, last = repeated(command, here / "scan", runs, f"{n}: scan")
    stats = _STATS.search(last.stderr)
    if stats:
        units, candidates, verified = map(int, stats.groups())
        scan.update(
            units=units,
            candidate_document_pairs=candidates,
            candidate_pairs_per_article=round(candidates / n, 3),
            verified_passages=verified,
        )
    scan.update(scan_recall(report_links(out / "lineage.json"), planted))
    if "candidate_document_pairs" in scan:  # pairs aligned in vain: the candidates step's waste
        scan["unverified_document_pairs"] = scan["candidate_document_pairs"] - scan["linked_document_pairs"]
    scan["report_mb"] = round((out / "lineage.json").stat().st_size / 1e6, 1)
    steps = out / "lineage.steps.json"
    if steps.is_file():  # each step's items, seconds and peak memory, as the scan measured them
        scan["steps"] = json.loads(steps.read_text(encoding="utf-8"))["steps"]
    shutil.rmtree(out)  # a million articles' report is gigabytes; what was measured is kept
    return scan


def run_size(n: int, args: argparse.Namespace, work: Path, runs_dir: Path) -> dict[str, Any]:
    folder, planted, generated = corpus(work, n, args.seed, byline=not args.no_byline)
    runs = args.repeat or (3 if n <= REFERENCE_SIZE else 1)
    here = runs_dir / str(n)
    result: dict[str, Any] = {
        "articles": n,
        "corpus_mb": round(_folder_mb(folder), 1),
        "generate_seconds": round(generated, 2) if generated is not None else None,
        "planted_copies": len(planted.copies),
        "articles_with_copies": len(planted.targets),
        "programs": {},
    }
    programs: dict[str, dict[str, Any]] = result["programs"]

    skipped = {"ran": False, "reason": "not asked for (--programs)"}
    if "floor" in args.programs:
        command = [sys.executable, "-m", "bench.scale", "floor", str(folder)]
        programs["floor"], last = repeated(command, here / "floor", runs, f"{n}: floor")
        programs["floor"]["words"] = int(last.stdout.split()[0])
    else:
        programs["floor"] = dict(skipped)

    if "scan" in args.programs:
        programs["scan"] = _scan(folder, planted, args, here, runs, n)
    else:
        programs["scan"] = dict(skipped)

    if "plain" not in args.programs:
        programs["plain"] = dict(skipped)
    elif n <= args.plain_max:
        pairs = here / "plain-pairs.jsonl"
        command = [sys.executable, "-m", "bench.scale", "plain", str(folder), "--out", str(pairs)]
        programs["plain"], _ = repeated(command, here / "plain", runs, f"{n}: plain")
        programs["plain"]["candidate_paragraph_pairs"] = sum(1 for _ in pairs.open(encoding="utf-8"))
        programs["plain"].update(plain_recall(pairs, planted))
    else:
        programs["plain"] = {"ran": False, "reason": f"above --plain-max {args.plain_max} articles (time)"}

    for p in programs.values():
        if p["ran"]:
            p["articles_per_second"] = round(n / p["wall_seconds"], 1)
            p["ms_per_article"] = round(1000 * p["wall_seconds"] / n, 3)
    result["ratios"] = {}
    if programs["scan"]["ran"] and programs["floor"]["ran"]:
        result["ratios"]["scan_over_floor"] = round(
            programs["scan"]["wall_seconds"] / programs["floor"]["wall_seconds"], 2
        )
    if programs["plain"]["ran"] and programs["scan"]["ran"]:
        result["ratios"]["plain_over_scan"] = round(
            programs["plain"]["wall_seconds"] / programs["scan"]["wall_seconds"], 2
        )
    return result


def scaling(sizes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Time per article at the largest size over that at 10,000 (else at the smallest size run)."""
    by_n = {s["articles"]: s for s in sizes}
    largest = max(by_n)
    reference = REFERENCE_SIZE if REFERENCE_SIZE in by_n and largest > REFERENCE_SIZE else min(by_n)
    if largest == reference:
        return None
    out: dict[str, Any] = {"reference_articles": reference, "largest_articles": largest}
    for name in PROGRAMS:
        big, ref = by_n[largest]["programs"][name], by_n[reference]["programs"][name]
        if big["ran"] and ref["ran"]:
            out[name] = round(big["ms_per_article"] / ref["ms_per_article"], 2)
    # Each size against the one below it: the growth the largest step alone shows.
    steps: dict[str, dict[str, float]] = {}
    ordered = sorted(by_n)
    for name in PROGRAMS:
        for small, big_n in itertools.pairwise(ordered):
            big, ref = by_n[big_n]["programs"][name], by_n[small]["programs"][name]
            if big["ran"] and ref["ran"]:
                steps.setdefault(name, {})[f"{big_n}/{small}"] = round(
                    big["ms_per_article"] / ref["ms_per_article"], 2
                )
    out["each_over_previous"] = steps
    return out


def _not_run_note(name: str, size: dict[str, Any], sizes: list[dict[str, Any]]) -> str:
    note = "not run: " + size["programs"][name]["reason"]
    ran = [s for s in sizes if s["programs"][name]["ran"]]
    if ran and size["programs"][name]["reason"].startswith("above"):
        # Linear in articles is the best case: LSH buckets only fill up with more text.
        last = max(ran, key=lambda s: s["articles"])
        estimate = last["programs"][name]["ms_per_article"] * size["articles"] / 1000
        note += f"; at least ~{estimate / 60:.0f} min at its {last['articles']}-article rate"
    return note


def table(results: dict[str, Any]) -> str:
    head = (
        f"{'articles':>8}  {'program':<6} {'runs':>4} {'wall s':>9} {'CPU s':>9} {'peak MB':>8} "
        f"{'tree MB':>8} {'art/s':>8} {'recall':>7}  notes"
    )
    lines = [head, "-" * (len(head) + 30)]
    sizes = results["sizes"]
    for size in sizes:
        n = size["articles"]
        for name in PROGRAMS:
            p = size["programs"][name]
            if not p["ran"]:
                lines.append(f"{n:>8}  {name:<6} {'-':>4}  {_not_run_note(name, size, sizes)}")
                continue
            recall = f"{p['recall']:.4f}" if p.get("recall") is not None else "-"
            note = ""
            if name == "floor":
                note = f"{p['words']:,} words"
            elif name == "scan":
                if "candidate_document_pairs" in p:
                    note = f"{p['candidate_pairs_per_article']:.2f} candidate doc pairs/article, "
                note += f"{p['links']:,} links; {p['found']}/{p['planted']} copies found"
            elif name == "plain":
                note = (
                    f"{p['candidate_paragraph_pairs']:,} paragraph pairs; {p['found']}/{p['planted']} found"
                )
            tree = f"{p['peak_tree_mb']:>8.0f}" if p.get("peak_tree_mb") is not None else f"{'-':>8}"
            lines.append(
                f"{n:>8}  {name:<6} {p['runs']:>4} {p['wall_seconds']:>9.2f} {p['cpu_seconds']:>9.2f} "
                f"{p['peak_mb']:>8.0f} {tree} {p['articles_per_second']:>8.1f} {recall:>7}  {note}"
            )
    lines += ["", "ratios of wall time:"]
    with_floor = [s for s in sizes if "scan_over_floor" in s["ratios"]]
    if with_floor:
        lines.append(
            "  scan / floor:  "
            + ", ".join(f"{s['articles']}: {s['ratios']['scan_over_floor']:.1f}x" for s in with_floor)
        )
    with_plain = [s for s in sizes if "plain_over_scan" in s["ratios"]]
    if with_plain:
        lines.append(
            "  plain / scan:  "
            + ", ".join(f"{s['articles']}: {s['ratios']['plain_over_scan']:.2f}x" for s in with_plain)
        )
    grow = results.get("scaling")
    if grow:
        lines.append(
            f"  time per article at {grow['largest_articles']} / at {grow['reference_articles']}: "
            + ", ".join(f"{name} {grow[name]:.2f}x" for name in PROGRAMS if name in grow)
        )
        for name, ratios in grow.get("each_over_previous", {}).items():
            lines.append(
                f"  {name}, time per article over the size below: "
                + ", ".join(f"{sizes_} {r:.2f}x" for sizes_, r in ratios.items())
            )
    kinds = {
        "paragraph, unedited": "paragraph",
        "paragraph, edited": "para edited",
        "sentence, unedited": "sentence",
        "sentence, edited": "sent edited",
        "own-paragraph": "own para",
        "inside-paragraph": "inside para",
    }
    lines += ["", f"{'recall by copy':<18}" + "".join(f"{label:>12}" for label in kinds.values())]
    for size in sizes:
        for name in ("scan", "plain"):
            by = size["programs"][name].get("recall_by")
            if by:
                lines.append(
                    f"  {size['articles']:>8} {name:<6}"
                    + "".join(f"{by.get(k, float('nan')):>12.3f}" for k in kinds)
                )
    loads = [
        x for size in sizes for p in size["programs"].values() for x in p.get("load_average_before_each", [])
    ]
    m, settings = results["machine"], results["settings"]
    jobs = settings["jobs"] if settings["jobs"] is not None else "its default"
    lines += [
        "",
        f"floor and plain run in one process; scan with --jobs {jobs}. CPU s adds up a program's",
        "processes; peak MB is its largest single process; tree MB the peak proportional set size of",
        f"all its processes together (shared pages counted once), sampled every {SAMPLE_S} s or, while",
        "a sample is costly, less often.",
        f"1-minute load average before the runs: {min(loads):.2f} to {max(loads):.2f} on {m['cpus']} CPUs "
        "(other work on the machine lengthens wall times).",
        f"machine: {m['cpus']} CPUs, {m['memory_mb'] or '?'} MB, Python {m['python']}, {m['platform']}; "
        f"commit {(m['commit'] or '?')[:10]}{' (package modified)' if m['package_modified'] else ''}",
    ]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    memory = None
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        found = re.search(r"^MemTotal:\s+(\d+) kB", meminfo.read_text(), flags=re.M)
        memory = int(found.group(1)) // 1024 if found else None
    from datasketch import __version__ as datasketch_version

    from provenance import __version__

    return {
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_mb": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "provenance": __version__,
        "datasketch": datasketch_version,
        **code_version(),
    }


def code_version() -> dict[str, Any]:
    """The commit measured, and whether the package differed from it: timings belong to a version."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=REPO)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "provenance"], capture_output=True, text=True, cwd=REPO
        )
    except OSError:
        return {"commit": None, "package_modified": None}
    if head.returncode != 0:
        return {"commit": None, "package_modified": None}
    return {"commit": head.stdout.strip(), "package_modified": bool(dirty.stdout.strip())}


# --- command line ------------------------------------------------------------------------------


def _sizes(value: str) -> list[int]:
    try:
        sizes = sorted({int(v.replace("_", "")) for v in value.split(",") if v.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {value!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def _program(name: str, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m bench.scale {name}")
    parser.add_argument("folder", type=Path)
    if name == "plain":
        parser.add_argument("--out", type=Path, required=True, help="candidate pairs, as JSON lines")
    args = parser.parse_args(argv)
    count = floor(args.folder) if name == "floor" else plain(args.folder, args.out)
    print(count)
    return 0


def _programs(text: str) -> list[str]:
    names = [x.strip() for x in text.split(",") if x.strip()]
    unknown = sorted(set(names) - set(PROGRAMS))
    if unknown or not names:
        wrong = ", ".join(unknown) or repr(text)
        raise argparse.ArgumentTypeError(f"programs are {', '.join(PROGRAMS)}; not {wrong}")
    return names


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("floor", "plain"):
        return _program(argv[0], argv[1:])

    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=[1000, 10_000], help="articles, comma-separated")
    parser.add_argument("--work", type=Path, help="where corpora are cached (default: a temporary folder)")
    parser.add_argument(
        "--repeat",
        type=int,
        help="runs per program; wall time is their median (default 3 up to 10,000, then 1)",
    )
    parser.add_argument(
        "--plain-max", type=int, default=10_000, help="largest size the plain pipeline runs at"
    )
    parser.add_argument(
        "--jobs", type=int, help="passed to `provenance scan --jobs`, where it has that option"
    )
    parser.add_argument(
        "--programs",
        type=_programs,
        default=list(PROGRAMS),
        help=f"which programs run, comma-separated (default: {','.join(PROGRAMS)})",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the corpus generator")
    parser.add_argument(
        "--no-byline", action="store_true", help="articles without the closing `Источник: <outlet>.` line"
    )
    parser.add_argument("-o", "--output", type=Path, default=REPO / "bench" / "results" / "scale.json")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.jobs is not None and not scan_has_jobs():
        parser.error("--jobs: this version of `provenance scan` has no --jobs option")

    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        sizes = [run_size(n, args, work, Path(tmp) / "runs") for n in args.sizes]
    results: dict[str, Any] = {
        "machine": machine(),
        "settings": {
            "sizes": args.sizes,
            "repeat": args.repeat,
            "plain_max": args.plain_max,
            "jobs": args.jobs,
            "programs": args.programs,
            "seed": args.seed,
            "byline": not args.no_byline,
        },
        "sizes": sizes,
        "scaling": scaling(sizes),
    }
    print(table(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

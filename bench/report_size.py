"""The size of the JSON report, with the texts of documents in no link left out or kept.

    python -m bench.report_size FOLDER [--label NAME] [--baseline REPORT.json] [-j N]
                                [-o bench/results/report_size.json]
    python -m bench.report_size FOLDER --generate 10000 ...   # write bench.scale_corpus articles first

FOLDER is scanned twice, each time by `python -m provenance scan FOLDER --format json` in a
process of its own: with `--texts linked` (the default: a document in no link comes without its
text) and with `--texts all`. For each report the entry gives its bytes, and for the `linked`
one its documents, those in a link, links and clusters, and where its bytes go (the texts it
carries, the rest of the documents, links, clusters; counted as compact JSON, so they sum to a
little less than the file).

It also checks that leaving texts out changes nothing else: the two reports are the same but for
the `texts` parameter and the texts (with their quotations, credits and excluded spans) of
exactly the documents in no link. `--baseline` compares a report written by an earlier version
of the tool (every text, format 1.3.0) with the `all` one in the same way, format fields aside,
and records its bytes: the size before the change.

The entry is stored under --label (default: FOLDER's name) in the results file, beside those of
other folders, with the command that made it.
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

from bench import scale, scale_corpus

REPO = Path(__file__).resolve().parent.parent
# What a document without its text leaves out, and what report format 1.4.0 added.
TEXT_FIELDS = ("text", "quotations", "credits", "excluded")


def _log(message: str) -> None:
    print(f"[report-size] {message}", file=sys.stderr, flush=True)


def scan_json(folder: Path, texts: str, out: Path, jobs: int | None = None) -> Path:
    """`provenance scan FOLDER --format json --texts TEXTS -o OUT -q`; the report's path."""
    command = [sys.executable, "-m", "provenance", "scan", str(folder), "-o", str(out), "--format", "json"]
    command += ["--texts", texts, "-q"]
    if jobs:
        command += ["-j", str(jobs)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"scan --texts {texts} exited {done.returncode}: {done.stderr.strip()}")
    return out / "lineage.json"


def without_texts(report: dict[str, Any]) -> dict[str, Any]:
    """The report with no document text (nor the spans in it), no `texts` parameter, and no
    format fields (`schema_version`, `text_length`): what must not depend on the texts kept."""
    out = copy.deepcopy(report)
    out["schema_version"] = None
    out["parameters"].pop("texts", None)
    for doc in out["documents"]:
        doc.pop("text_length", None)
        for key in TEXT_FIELDS:
            doc.pop(key, None)
    return out


def differences(linked: dict[str, Any], full: dict[str, Any]) -> list[str]:
    """What is wrong with `linked` (a report of `--texts linked`) as `full` (one with every
    text) with the texts of documents in no link left out; empty when nothing is."""
    problems = []
    if without_texts(linked) != without_texts(full):
        keys = [k for k in full if without_texts(linked).get(k) != without_texts(full).get(k)]
        problems.append(f"the reports differ beyond the texts, in {keys}")
    if len(linked["documents"]) != len(full["documents"]):
        return [*problems, "not the same documents"]
    for mine, theirs in zip(linked["documents"], full["documents"], strict=True):
        if mine.get("text_length", len(theirs["text"])) != len(theirs["text"]):
            problems.append(f"{mine['id']}: text_length is not the length of its text")
        if theirs["links"] == 0:
            if any(key in mine for key in TEXT_FIELDS):
                problems.append(f"{mine['id']}: in no link, but its text is kept")
        elif any(mine.get(key) != theirs[key] for key in TEXT_FIELDS):
            problems.append(f"{mine['id']}: in a link, but its text or spans differ")
    return problems


def breakdown(report: dict[str, Any]) -> dict[str, int]:
    """Bytes of each part of the report as compact JSON."""
    texts = sum(len(orjson.dumps(d["text"])) for d in report["documents"] if "text" in d)
    documents = len(orjson.dumps(report["documents"]))
    links = len(orjson.dumps(report["links"]))
    clusters = len(orjson.dumps(report["clusters"]))
    whole = len(orjson.dumps(report))
    return {
        "texts": texts,
        "documents_without_texts": documents - texts,
        "links": links,
        "clusters": clusters,
        "rest": whole - documents - links - clusters,
    }


def measure(folder: Path, work: Path, jobs: int | None, baseline: Path | None) -> dict[str, Any]:
    """Scan `folder` both ways; sizes, counts, and the checks that only texts were left out."""
    reports, sizes = {}, {}
    for texts in ("linked", "all"):
        _log(f"{folder}: scan --texts {texts}")
        path = scan_json(folder, texts, work / texts, jobs)
        sizes[texts] = path.stat().st_size
        reports[texts] = orjson.loads(path.read_bytes())
    linked, full = reports["linked"], reports["all"]
    problems = differences(linked, full)
    documents = linked["documents"]
    entry: dict[str, Any] = {
        "documents": len(documents),
        "linked_documents": sum(1 for d in documents if d["links"]),
        "links": len(linked["links"]),
        "clusters": len(linked["clusters"]),
        "bytes": {"linked": sizes["linked"], "all": sizes["all"]},
        "linked_over_all": round(sizes["linked"] / sizes["all"], 4),
        "linked_breakdown_compact": breakdown(linked),
        "linked_is_all_without_unlinked_texts": problems == [],
    }
    if baseline is not None:
        before = orjson.loads(baseline.read_bytes())
        entry["bytes"]["baseline"] = baseline.stat().st_size
        entry["baseline_schema_version"] = before["schema_version"]
        entry["linked_over_baseline"] = round(sizes["linked"] / entry["bytes"]["baseline"], 4)
        # Settings added since the baseline's version, which it could not record, aside.
        newer = sorted(set(full["parameters"]) - set(before["parameters"]) - {"texts"})
        entry["parameters_new_since_baseline"] = newer
        full_then = {**full, "parameters": {k: v for k, v in full["parameters"].items() if k not in newer}}
        same = without_texts(full_then) == without_texts(before) and all(
            mine.get(key) == theirs.get(key)
            for mine, theirs in zip(full["documents"], before["documents"], strict=True)
            for key in TEXT_FIELDS
        )
        entry["all_is_baseline_but_format_fields"] = same
        if not same:
            problems.append("the --texts all report is not the baseline report but for the format fields")
    entry["problems"] = problems
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.report_size",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("folder", type=Path, help="the articles to scan")
    parser.add_argument("--label", help="name of the entry in the results (default: the folder's name)")
    parser.add_argument("--baseline", type=Path, help="a report of FOLDER written by an earlier version")
    parser.add_argument("--generate", type=int, metavar="N", help="first write N bench.scale_corpus articles")
    parser.add_argument("-j", "--jobs", type=int, help="passed to `provenance scan --jobs`")
    parser.add_argument("-o", "--output", type=Path, default=REPO / "bench" / "results" / "report_size.json")
    args = parser.parse_args(argv)

    if args.generate and not args.folder.exists():
        _log(f"writing {args.generate} articles to {args.folder}")
        scale_corpus.generate(args.generate, args.folder)
    with tempfile.TemporaryDirectory(prefix="report-size-") as work:
        entry = measure(args.folder, Path(work), args.jobs, args.baseline)
    given = argv if argv is not None else sys.argv[1:]
    entry["command"] = " ".join(["python -m bench.report_size", *given])
    results: dict[str, Any] = {"runs": {}}
    if args.output.is_file():
        results = json.loads(args.output.read_text(encoding="utf-8"))
    results["runs"][args.label or args.folder.resolve().name] = entry
    results["machine"] = scale.machine()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(entry, indent=2, ensure_ascii=False))
    for problem in entry["problems"]:
        _log(f"problem: {problem}")
    return 1 if entry["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())

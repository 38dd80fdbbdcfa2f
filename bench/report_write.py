"""Writing the JSON report of many articles: time and the memory it adds.

    python -m bench.report_write [--documents 100000] [-o bench/results/report_write.json]

The report is the committed `reports/lineage.json` repeated, with new ids, until it holds
--documents articles (so every link, cluster and boilerplate line is as in a real scan). It
is written as `provenance scan seeds` writes it, texts of documents in no link left out (two
of its five articles, since report format 1.4.0). In a
process of its own, after the report is built, `write_reports(report, DIR, ("json",))` runs
once: validation (schema and consistency) and the streamed JSON. The result gives its time,
the resident memory before it, and what it added at its peak (Linux: the peak is reset first,
so only the write counts).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from bench import scale

REPO = Path(__file__).resolve().parent.parent


def _status_mb(key: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def _own(text: str) -> str:
    """A string of its own, as every article read has (a deep copy shares strings)."""
    return text[:1] + text[1:]


def repeated(base: dict[str, Any], copies: int) -> dict[str, Any]:
    """The JSON data of `base` repeated `copies` times, ids made unique, summary counts summed
    (the outlet matrix is left to the caller)."""
    lists: dict[str, list[Any]] = {k: [] for k in ("documents", "links", "clusters", "boilerplate")}
    links = clusters = 0
    for k in range(copies):
        b = copy.deepcopy(base)
        doc_id = {d["id"]: f"{d['id']}#{k}" for d in b["documents"]}
        link_id = {lk["id"]: f"L-{links + n:012x}" for n, lk in enumerate(b["links"])}
        cluster_id = {c["id"]: f"C-{clusters + n:012x}" for n, c in enumerate(b["clusters"])}
        links, clusters = links + len(link_id), clusters + len(cluster_id)
        for d in b["documents"]:
            d["id"], d["path"] = doc_id[d["id"]], f"{k}/{d['path']}"
            if "text" in d:  # a document in no link comes without its text
                d["text"] = _own(d["text"])
        for lk in b["links"]:
            lk["id"] = link_id[lk["id"]]
            for side in ("source", "target"):
                lk[side]["document"] = doc_id[lk[side]["document"]]
                lk[side]["snippet"] = _own(lk[side]["snippet"])
            if lk["credit"]:
                lk["credit"]["document"] = doc_id[lk["credit"]["document"]]
            lk["clusters"] = [cluster_id[c] for c in lk["clusters"]]
        for c in b["clusters"]:
            c["id"] = cluster_id[c["id"]]
            for p in c["passages"]:
                p["document"], p["snippet"] = doc_id[p["document"]], _own(p["snippet"])
            c["origin"]["documents"] = [doc_id[i] for i in c["origin"]["documents"]]
            c["yearless"] = [doc_id[i] for i in c["yearless"]]
            c["links"] = [link_id[i] for i in c["links"]]
        for line in b["boilerplate"]:
            line["documents"] = [doc_id[i] for i in line["documents"]]
        for key, items in lists.items():
            items += b[key]
    summary = dict(base["summary"])
    for key, value in summary.items():
        if isinstance(value, int) and key not in ("warnings", "skipped"):
            summary[key] = value * copies
        elif isinstance(value, dict):
            summary[key] = {name: n * copies for name, n in value.items()}
    return {**base, **lists, "summary": summary}


def one(documents: int) -> dict[str, Any]:
    """Build the report of about `documents` articles and time its writing, in this process."""
    from provenance.pipeline import write_reports
    from provenance.report.build import outlet_matrix
    from provenance.report.model import Report, collector_paused

    base = orjson.loads((REPO / "reports" / "lineage.json").read_bytes())
    copies = -(-documents // len(base["documents"]))
    data = repeated(base, copies)
    with collector_paused():
        report = Report.from_dict(data)
    del data
    outlets = outlet_matrix(report.links, report.documents)
    report = dataclasses.replace(report, summary=dataclasses.replace(report.summary, outlets=outlets))
    with tempfile.TemporaryDirectory() as out:
        before = _status_mb("VmRSS:")
        exact = _reset_peak()
        started = time.perf_counter()
        write_reports(report, Path(out), ("json",))
        seconds = time.perf_counter() - started
        peak = _status_mb("VmHWM:")
        size = (Path(out) / "lineage.json").stat().st_size
    return {
        "documents": len(report.documents),
        "links": len(report.links),
        "json_mb": round(size / 1e6, 1),
        "write_seconds": round(seconds, 1),
        "rss_mb_before": round(before, 1) if before is not None else None,
        "added_peak_mb": round(peak - before, 1) if exact and peak is not None and before else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("-o", "--output", type=Path, default=REPO / "bench" / "results" / "report_write.json")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.documents)))
        return 0
    done = subprocess.run(
        [sys.executable, "-m", "bench.report_write", "--one", "--documents", str(args.documents)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    result = {"run": json.loads(done.stdout), "machine": scale.machine()}
    print(json.dumps(result["run"]), file=sys.stderr)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

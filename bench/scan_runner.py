"""Run `provenance scan` exactly as a user does (a separate process) and load its report."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ScanRun:
    report: dict[str, Any]
    seconds: float


def run_scan(input_path: Path, out_dir: Path) -> ScanRun:
    """`python -m provenance scan INPUT -o OUT --format json -q`; raises if it fails."""
    command = [sys.executable, "-m", "provenance", "scan", str(input_path), "-o", str(out_dir)]
    started = time.perf_counter()
    done = subprocess.run([*command, "--format", "json", "-q"], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"scan exited {done.returncode}: {done.stderr.strip()}")
    report = json.loads((out_dir / "lineage.json").read_text(encoding="utf-8"))
    return ScanRun(report, seconds)


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    """Documents as one `.jsonl` input file, in the record format users give `scan`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")

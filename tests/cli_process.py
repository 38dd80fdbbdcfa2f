"""Run the command line as users do: a process of its own, in a chosen working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m provenance ARGS` in `cwd`, with this checkout's package importable."""
    return subprocess.run(
        [sys.executable, "-m", "provenance", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )

"""Run the command line as users do: a process of its own, in a chosen working directory."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

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


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    """`provenance ARGS` in this process, through the same `main()` as the installed command
    (one-line errors, exit codes), in the working directory: what `run_cli` gives, without
    starting an interpreter each time."""
    from provenance import cli

    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.object(sys, "argv", ["provenance", *args]),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            cli.main()
        except SystemExit as exc:
            code = exc.code
        else:  # main() always exits
            code = None
    assert isinstance(code, int), code
    return subprocess.CompletedProcess(["provenance", *args], code, out.getvalue(), err.getvalue())

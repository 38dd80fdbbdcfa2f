"""Run a command and sample the proportional set size (PSS) of its whole process tree.

    python -m bench.tree_memory [--every 0.2] -- COMMAND ...

Prints one JSON line on stderr: wall seconds, exit code, and the peak and final tree PSS in
MB. Forked workers share pages with their parent; PSS charges each shared page to its
sharers in equal parts, so the sum over the tree is what the run really holds, where the
largest single process's resident size (what `time -v` says) misses the workers and adding
resident sizes counts shared pages several times. Linux only (`/proc/PID/smaps_rollup`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from provenance.executor.memory import tree_pss_mb


def measure(command: list[str], every: float = 0.2) -> dict[str, float | int]:
    """Run `command` to completion; its wall time, exit code and peak tree PSS."""
    started = time.perf_counter()
    process = subprocess.Popen(command)
    peak = 0.0
    while process.poll() is None:
        now = tree_pss_mb(process.pid)
        if now is not None:
            peak = max(peak, now)
        time.sleep(every)
    return {
        "wall_seconds": round(time.perf_counter() - started, 2),
        "exit_code": process.returncode,
        "peak_tree_pss_mb": round(peak, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--every", type=float, default=0.2, help="seconds between samples")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    result = measure(command, args.every)
    print(json.dumps(result), file=sys.stderr)
    sys.exit(int(result["exit_code"]))


if __name__ == "__main__":
    main()

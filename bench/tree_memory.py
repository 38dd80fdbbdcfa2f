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
import os
import select
import subprocess
import sys
import time

# A sample reads /proc for every process of the tree, walking its page tables: its cost grows
# with the memory held, and it takes the measured processes' CPU on a small machine. The
# next sample waits at least SAMPLE_COST times what the last one took, as a step's own do.
from provenance.executor.base import SAMPLE_COST
from provenance.executor.memory import tree_pss_mb


def _exited(pid: int) -> bool:
    """Whether the child `pid` has ended, leaving it to be waited for."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def peak_while_running(pid: int, every: float) -> float | None:
    """The largest tree PSS of the child `pid` (MB, None where the system does not say),
    sampled every `every` seconds, or less often when sampling is costly, until it ends. The
    child is left to be waited for; its end is seen at once, not at the next sample."""
    try:
        handle: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfd here: poll every `every` seconds
        handle = None
    peak: float | None = None
    try:
        while not _exited(pid):
            started = time.perf_counter()
            now = tree_pss_mb(pid)
            if now is not None:
                peak = max(peak or 0.0, now)
            wait = max(every, SAMPLE_COST * (time.perf_counter() - started))
            if handle is None:
                time.sleep(every)  # the end is seen within `every`; sampling waits its turn
                while time.perf_counter() - started < wait and not _exited(pid):
                    time.sleep(every)
            else:
                select.select([handle], [], [], wait)
    finally:
        if handle is not None:
            os.close(handle)
    return peak


def measure(command: list[str], every: float = 0.2) -> dict[str, float | int]:
    """Run `command` to completion; its wall time, exit code and peak tree PSS."""
    started = time.perf_counter()
    process = subprocess.Popen(command)
    try:
        peak = peak_while_running(process.pid, every)
    finally:
        process.wait()
    return {
        "wall_seconds": round(time.perf_counter() - started, 2),
        "exit_code": process.returncode,
        "peak_tree_pss_mb": round(peak or 0.0, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--every", type=float, default=0.2, help="seconds between samples (more while sampling is costly)"
    )
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

"""Memory of the whole process tree: this process and every process it started.

Forked workers share most of their pages with this process, so adding up resident sizes
counts the shared pages once per process. The proportional set size (PSS) charges each
shared page to its sharers in equal parts: its sum over the tree is the memory the run
really holds. Linux gives it in `/proc/PID/smaps_rollup`; elsewhere the peak resident size
of this process is the best there is.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import sys
from pathlib import Path

_PROC = Path("/proc")


def _pss_kb(pid: int) -> int:
    try:
        with open(_PROC / str(pid) / "smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):  # the process ended while being read
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list((_PROC / str(pid) / "task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def tree_pss_mb(root: int | None = None) -> float | None:
    """The PSS of the process `root` (default: this one) and all its descendants, in MB;
    None where the system does not say."""
    root = os.getpid() if root is None else root
    if not (_PROC / str(root) / "smaps_rollup").exists():
        return None
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _pss_kb(pid)
        todo.extend(_children(pid))
    return total / 1024


def own_peak_mb() -> float:
    """The peak resident size of this process so far, in MB (a fallback: not the tree)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


class PeakMemory:
    """The largest tree PSS seen by `sample()` calls (or this process's peak resident size
    where PSS is not available)."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self.sample()

    def sample(self) -> None:
        now = tree_pss_mb()
        self.peak_mb = max(self.peak_mb, own_peak_mb() if now is None else now)


def release_free_memory() -> None:
    """Give back to the system the memory this process has freed but its allocators keep:
    Arrow's pool, and the C heap (glibc's `malloc_trim`; elsewhere nothing). Worth it after
    a step that passed much data through and keeps little: otherwise the freed pages stay
    resident, and forked workers inherit them."""
    import pyarrow as pa  # here: the executor needs no Arrow otherwise

    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # a C library without it (musl)
            ctypes.CDLL(None).malloc_trim(0)

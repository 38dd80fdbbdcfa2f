"""Run a function over chunks of a work list in several processes, keeping the order.

Workers are forked, so they inherit the data the function reads (documents, analyses)
instead of receiving a pickled copy; only the chunks and the results travel. Where fork is
not available, or the work is too small to pay for the processes, it runs in this one.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_PARALLEL_ITEMS = 256
# Several chunks per process, so one slow chunk does not leave the other cores idle.
CHUNKS_PER_JOB = 8

_task: Callable[[list[Any]], Any] | None = None  # the work of the current pool, for its workers


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _run(chunk: list[Any]) -> Any:
    assert _task is not None
    return _task(chunk)


def run_parallel(
    task: Callable[[list[T]], R], items: Sequence[T], jobs: int, min_items: int | None = None
) -> list[R]:
    """`[task(chunk) for chunk in chunks(items)]`, in `jobs` processes, results in order.

    Below `min_items` (default `MIN_PARALLEL_ITEMS`) the task runs here, on one chunk.
    """
    global _task
    if not items:
        return []
    jobs = max(1, min(jobs, len(items)))
    if (
        jobs == 1
        or len(items) < (MIN_PARALLEL_ITEMS if min_items is None else min_items)
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [task(list(items))]
    size = -(-len(items) // (jobs * CHUNKS_PER_JOB))
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    _task = task
    # Objects alive now are only read by the workers: frozen, the collector neither scans
    # them in each worker nor, by touching them, copies the pages they share with this one.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return pool.map(_run, chunks, chunksize=1)
    finally:
        gc.unfreeze()
        _task = None

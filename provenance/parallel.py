"""Run a function over chunks of a work list in several processes, keeping the order.

Workers are forked, so they inherit the data the function reads (documents, analyses)
instead of receiving a pickled copy; only the chunks and the results travel. Where fork is
not available, or the work is too small to pay for the processes, it runs in this one.

A worker that dies (killed, out of memory) ends the run with `WorkerDied` at once, and so
does an exception in a task or Ctrl-C: the other workers are stopped, never waited for.
Workers ignore SIGINT, so Ctrl-C in a terminal, which reaches every process of the group,
is answered by this process alone.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_PARALLEL_ITEMS = 256
# Several chunks per process, so one slow chunk does not leave the other cores idle.
CHUNKS_PER_JOB = 8
# How long stopped workers are waited for before they are killed outright.
_STOP_WAIT_S = 5.0

_task: Callable[[list[Any]], Any] | None = None  # the work of the current pool, for its workers


class WorkerDied(RuntimeError):
    """A worker process ended before finishing its work: killed (by a signal, or by the
    system when memory ran out) or exited. The message is one line saying how."""


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _run(chunk: list[Any]) -> Any:
    assert _task is not None
    return _task(chunk)


def _start_worker() -> None:
    # SIGINT arrives blocked (see run_parallel); ignored from now on, then let through.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def run_parallel(
    task: Callable[[list[T]], R], items: Sequence[T], jobs: int, min_items: int | None = None
) -> list[R]:
    """`[task(chunk) for chunk in chunks(items)]`, in `jobs` processes, results in order.

    Below `min_items` (default `MIN_PARALLEL_ITEMS`) the task runs here, on one chunk. An
    exception in a task is raised here; a worker's death raises `WorkerDied`.
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
    executor = ProcessPoolExecutor(
        min(jobs, len(chunks)), mp_context=multiprocessing.get_context("fork"), initializer=_start_worker
    )
    workers: list[BaseProcess] = []
    try:
        try:
            # Forked with SIGINT blocked, so a Ctrl-C cannot reach a worker before it ignores
            # SIGINT; here it is delivered once the mask is restored.
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                futures: list[Future[R]] = [executor.submit(_run, chunk) for chunk in chunks]
            finally:
                # The first submit forked the workers (all of them, with fork); kept to stop
                # them and read how they ended (Python 3.14's terminate_workers does the first).
                workers = list((executor._processes or {}).values())
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            results = [f.result() for f in futures]
        except BaseException:
            _stop(executor, workers)
            raise
        executor.shutdown(wait=True)
    except BrokenProcessPool as exc:
        raise WorkerDied(_death([w.exitcode for w in workers])) from exc
    finally:
        gc.unfreeze()
        _task = None
    # Killed after its last result, a worker still means something is wrong (the system
    # short of memory): the run ends as it would have a moment earlier.
    if any(w.exitcode for w in workers):
        raise WorkerDied(_death([w.exitcode for w in workers]))
    return results


def _stop(executor: ProcessPoolExecutor, workers: list[BaseProcess]) -> None:
    """Stop the pool now: queued chunks are dropped and running ones not waited for."""
    executor.shutdown(wait=False, cancel_futures=True)
    for w in workers:
        if w.exitcode is None:
            w.terminate()
    for w in workers:
        w.join(_STOP_WAIT_S)
        if w.exitcode is None:
            w.kill()
            w.join(_STOP_WAIT_S)


def _death(exit_codes: list[int | None]) -> str:
    """One line saying how a worker died, from the exit codes of the pool's processes (None:
    still running). SIGTERM is what the pool sends the others once one has died."""
    ended = [c for c in exit_codes if c]
    ended.sort(key=lambda c: c == -signal.SIGTERM)
    if not ended:
        return "a worker process died"
    code = ended[0]
    if code > 0:
        return f"a worker process exited unexpectedly (exit code {code})"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    hint = ", perhaps out of memory" if code == -signal.SIGKILL else ""
    return f"a worker process died (killed by {name}{hint})"

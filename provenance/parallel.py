"""Run a function over chunks of a work list in several processes, keeping the order.

Workers are forked, so they inherit the data the function reads (documents, analyses)
instead of receiving a pickled copy; only the chunks and the results travel. Where fork is
not available, or the work is too small to pay for the processes, it runs in this one.
`iter_parallel` hands each result on as soon as those before it are in, holding a bounded
number of results ahead of the one awaited, so a caller that writes each result away
holds a few chunks' worth, not the whole run's.

A worker that dies (killed, out of memory) ends the run with `WorkerDied` at once, and so
does an exception in a task or Ctrl-C: the other workers are stopped, never waited for.
Workers ignore SIGINT, so Ctrl-C in a terminal, which reaches every process of the group,
is answered by this process alone; SIGTERM, which ends workers that are stopped early, is
back to its default in them, whatever handler this process has for it (the command line's
raises an exception, which in a worker would be sent back as a failed task).

Each worker has a pipe of its own, whose other end no other process holds: a worker killed
while sending a result closes it, and the half-read message ends in EOF here. The pools of
the standard library share one result pipe that this process also holds open, and wait
forever for the rest of such a message.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, NoReturn, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_PARALLEL_ITEMS = 256
# Several chunks per process, so one slow chunk does not leave the other cores idle.
CHUNKS_PER_JOB = 8
# Chunks of a large work list run here with one job: enough for progress to move steadily.
SERIAL_CHUNKS = 16
# Results a stream lets its workers run ahead of the one awaited, per job.
AHEAD_PER_JOB = 2
# How often the caller hears from a run whose workers are all busy.
TICK_S = 0.5
# How long stopped workers are waited for before they are killed outright.
_STOP_WAIT_S = 5.0

# Signals held back while workers are forked (see `_work`).
_FORK_BLOCKED = {signal.SIGINT, signal.SIGTERM}

_task: Callable[[list[Any]], Any] | None = None  # the work of the current pool, for its workers


class WorkerDied(RuntimeError):
    """A worker process ended before finishing its work: killed (by a signal, or by the
    system when memory ran out) or exited. The message is one line saying how."""


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, as its `__cause__`."""

    def __str__(self) -> str:
        return f"\n{self.args[0]}"


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _work(conn: Connection, inherited: list[Connection]) -> None:
    """A worker: chunks in, `(True, result)` or `(False, exception, traceback)` out, until
    None, or EOF when this process's parent has gone."""
    # SIGINT and SIGTERM arrive blocked (see iter_parallel): SIGINT ignored from now on,
    # SIGTERM ending the process at once, then both let through.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _FORK_BLOCKED)
    # The parent's ends of the pipes, this worker's included: held here, they would keep a
    # pipe open after the parent's death.
    for other in inherited:
        other.close()
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):  # the parent has gone (reset: with our results unread)
            return
        if chunk is None:
            return
        try:
            _send(conn, _reply(chunk))
        except OSError:  # the parent has gone: nobody wants the result
            return


def _reply(chunk: list[Any]) -> tuple[Any, ...]:
    assert _task is not None
    try:
        return (True, _task(chunk))
    except BaseException as exc:
        return (False, exc, "".join(traceback.format_exception(exc)))


def _send(conn: Connection, reply: tuple[Any, ...]) -> None:
    try:
        conn.send(reply)
    except OSError:
        raise
    except Exception as exc:  # the result, or the exception, does not pickle
        failed = reply[1] if not reply[0] else exc
        text = reply[2] if not reply[0] else "".join(traceback.format_exception(exc))
        conn.send((False, RuntimeError(f"{type(failed).__name__}: {failed}"), text))


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.chunk: int | None = None  # the index of the chunk it is working on


Tick = Callable[[int], None]


def _no_tick(_: int) -> None:
    pass


def run_parallel(
    task: Callable[[list[T]], R],
    items: Sequence[T],
    jobs: int,
    min_items: int | None = None,
    tick: Tick = _no_tick,
    max_chunk: int | None = None,
) -> list[R]:
    """`[task(chunk) for chunk in chunks(items)]`, in `jobs` processes, results in order.

    Below `min_items` (default `MIN_PARALLEL_ITEMS`) the task runs here, on one chunk; with
    one job, here chunk by chunk. A chunk holds at most `max_chunk` items (default: no
    limit). `tick(n)` is called here as each chunk of `n` items is done, and with 0 every
    `TICK_S` seconds while workers are busy. An exception in a task is raised here; a
    worker's death raises `WorkerDied`.
    """
    return list(iter_parallel(task, items, jobs, min_items, tick, max_chunk, ahead=None))


def iter_parallel(
    task: Callable[[list[T]], R],
    items: Sequence[T],
    jobs: int,
    min_items: int | None = None,
    tick: Tick = _no_tick,
    max_chunk: int | None = None,
    ahead: int | None = AHEAD_PER_JOB,
) -> Iterator[R]:
    """`run_parallel`'s results one at a time, in chunk order, each as soon as it and those
    before it are done. Workers take no chunk more than `ahead` per job beyond the one
    awaited (None: no limit), so at most that many results wait here. The workers are
    stopped when the iteration ends, early or not (close it, or let it go)."""
    global _task
    if not items:
        return
    jobs = max(1, min(jobs, len(items)))
    small = len(items) < (MIN_PARALLEL_ITEMS if min_items is None else min_items)
    if small and (max_chunk is None or len(items) <= max_chunk):
        done = task(list(items))
        tick(len(items))
        yield done
        return
    size = -(-len(items) // (max(jobs, SERIAL_CHUNKS // CHUNKS_PER_JOB) * CHUNKS_PER_JOB))
    if max_chunk is not None:  # too small for the pool, but too large for one chunk: max_chunk
        size = max(1, max_chunk if small else min(size, max_chunk))
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    if jobs == 1 or small or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks:
            done = task(chunk)
            tick(len(chunk))
            yield done
        return
    _task = task
    # Objects alive now are only read by the workers: frozen, the collector neither scans
    # them in each worker nor, by touching them, copies the pages they share with this one.
    gc.freeze()
    workers: list[_Worker] = []
    try:
        # Forked with SIGINT and SIGTERM blocked, so neither reaches a worker before it has
        # set its own handling; here they are delivered once the mask is restored.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, _FORK_BLOCKED)
        try:
            _start(workers, min(jobs, len(chunks)))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        window = len(chunks) if ahead is None else max(1, ahead * len(workers))
        yield from _distribute(chunks, workers, tick, window)
        _stop(workers, gently=True)
    except BaseException:  # an error, Ctrl-C, or the caller closing the iteration early
        _stop(workers, gently=False)
        raise
    finally:
        gc.unfreeze()
        _task = None
    # Killed after its last result, a worker still means something is wrong (the system
    # short of memory): the run ends as it would have a moment earlier.
    codes = [w.process.exitcode for w in workers]
    if any(codes):
        raise WorkerDied(_death(next(c for c in codes if c)))


def _start(workers: list[_Worker], count: int) -> None:
    """Fork `count` workers into `workers` (there, should a fork fail, to be stopped)."""
    context = multiprocessing.get_context("fork")
    for _ in range(count):
        here, there = context.Pipe()
        inherited = [*(w.conn for w in workers), here]
        process = context.Process(target=_work, args=(there, inherited), daemon=True)
        process.start()
        workers.append(_Worker(process, here))
        # Closed here before the next fork: the worker holds the only copy of its end.
        there.close()


def _distribute(chunks: list[list[Any]], workers: list[_Worker], tick: Tick, window: int) -> Iterator[Any]:
    """Each worker a chunk at a time until all are done; the results in chunk order, each
    as soon as those before it are in. No chunk is given more than `window` beyond the one
    awaited: a worker that would run further ahead waits."""
    done: dict[int, Any] = {}
    awaited = 0  # the next result to hand on
    following = 0  # the next chunk to give
    waiting: list[_Worker] = []  # workers held back by the window

    def give(worker: _Worker) -> None:
        nonlocal following
        if following < len(chunks) and following >= awaited + window:
            worker.chunk = None
            waiting.append(worker)
            return
        worker.chunk = following if following < len(chunks) else None
        following += worker.chunk is not None
        try:
            worker.conn.send(None if worker.chunk is None else chunks[worker.chunk])
        except OSError:  # the worker is gone; its sentinel says how
            _died(worker)

    for worker in workers:
        give(worker)
    while True:
        while awaited in done:
            result = done.pop(awaited)
            awaited += 1
            yield result
        while waiting and (following >= len(chunks) or following < awaited + window):
            give(waiting.pop(0))
        busy = [w for w in workers if w.chunk is not None]
        if not busy:
            break
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], TICK_S))
        if not ready:
            tick(0)
        for worker in busy:
            if worker.conn in ready:
                try:
                    reply = worker.conn.recv()
                except (EOFError, OSError):
                    _died(worker)
                if not reply[0]:
                    _, exc, text = reply
                    raise exc from RemoteTraceback(text)
                assert worker.chunk is not None
                done[worker.chunk] = reply[1]
                tick(len(chunks[worker.chunk]))
                give(worker)
            elif worker.process.sentinel in ready:
                _died(worker)
    assert awaited == len(chunks) and not done


def _died(worker: _Worker) -> NoReturn:
    worker.process.join(_STOP_WAIT_S)
    raise WorkerDied(_death(worker.process.exitcode))


def _stop(workers: list[_Worker], gently: bool) -> None:
    """Let the workers end (told to stop, after the last chunk) or end them now."""
    if not gently:
        for w in workers:
            if w.process.exitcode is None:
                w.process.terminate()
    for w in workers:
        w.process.join(_STOP_WAIT_S)
        if w.process.exitcode is None:
            w.process.kill()
            w.process.join(_STOP_WAIT_S)
        w.conn.close()


def _death(code: int | None) -> str:
    """One line saying how a worker died, from its exit code (None: unknown)."""
    if not code:
        return "a worker process died"
    if code > 0:
        return f"a worker process exited unexpectedly (exit code {code})"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    hint = ", perhaps out of memory" if code == -signal.SIGKILL else ""
    return f"a worker process died (killed by {name}{hint})"

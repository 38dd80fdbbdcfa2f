"""Parallel stages: the same result, in the same order, whatever the number of processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import struct
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seed_ids import SEEDS

from bench import lineage_corpus
from bench.scan_runner import write_jsonl
from provenance import parallel
from provenance.parallel import WorkerDied, iter_parallel, run_parallel
from provenance.pipeline import dumps, scan


def _sizes(chunk: list[str]) -> list[int]:
    return [len(x) for x in chunk]


def test_chunks_come_back_in_order() -> None:
    items = [str(n) * (n % 7) for n in range(1000)]
    small = run_parallel(_sizes, items[:10], jobs=2)
    serial = run_parallel(_sizes, items, jobs=1)
    parallel = run_parallel(_sizes, items, jobs=3, min_items=1)
    assert len(small) == 1 and len(serial) > 1 and len(parallel) > 1
    flat = [len(x) for x in items]
    assert [n for chunk in parallel for n in chunk] == [n for chunk in serial for n in chunk] == flat
    assert run_parallel(_sizes, [], jobs=4) == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_item_is_ticked_once_as_its_chunk_is_done(jobs: int) -> None:
    ticks: list[int] = []
    chunks = run_parallel(_sizes, ["x"] * 1000, jobs=jobs, min_items=1, tick=ticks.append)
    done = [t for t in ticks if t]
    assert sum(done) == 1000 and len(done) == len(chunks) > 1


def _doubled(chunk: list[int]) -> list[int]:
    return [n * 2 for n in chunk]


@settings(max_examples=15, deadline=None)  # each example forks a pool
@given(st.lists(st.integers(), max_size=400), st.integers(1, 4))
def test_any_work_comes_back_in_order(items: list[int], jobs: int) -> None:
    chunks = run_parallel(_doubled, items, jobs=jobs, min_items=1)
    assert [n for chunk in chunks for n in chunk] == [n * 2 for n in items]
    assert multiprocessing.active_children() == []


def test_a_chunk_holds_at_most_max_chunk_items() -> None:
    for jobs in (1, 2):
        chunks = run_parallel(_sizes, ["x"] * 1000, jobs=jobs, max_chunk=30)
        assert max(map(len, chunks)) <= 30 and sum(map(len, chunks)) == 1000
    # A small work list runs in one chunk here, unless that chunk would be too large.
    assert len(run_parallel(_sizes, ["x"] * 10, jobs=2)) == 1
    assert [len(c) for c in run_parallel(_sizes, ["x"] * 10, jobs=2, max_chunk=4)] == [4, 4, 2]


class _Marking:
    """Marks each chunk it starts in `folder`, then doubles its items."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, chunk: list[int]) -> list[int]:
        (self.folder / str(chunk[0])).touch()
        return [n * 2 for n in chunk]


def test_a_stream_hands_results_on_in_order_and_runs_only_a_few_ahead(tmp_path: Path) -> None:
    items = list(range(400))
    with _deadline(60):
        stream = iter_parallel(_Marking(tmp_path), items, jobs=2, min_items=1, max_chunk=10, ahead=1)
        first = next(stream)
        time.sleep(1.0)  # time enough for unbounded workers to do every chunk
        # Two workers, one chunk each ahead of the one awaited: at most chunks 0 to 2 began.
        started = len(list(tmp_path.iterdir()))
        assert 2 <= started <= 3
        rest = list(stream)
    assert [n for chunk in [first, *rest] for n in chunk] == [n * 2 for n in items]
    assert len(list(tmp_path.iterdir())) == 40
    assert multiprocessing.active_children() == []


def test_a_stream_closed_early_stops_its_workers(tmp_path: Path) -> None:
    with _deadline(60):
        stream = iter_parallel(_Marking(tmp_path), list(range(400)), jobs=2, min_items=1, max_chunk=10)
        assert next(stream) == [n * 2 for n in range(10)]
        stream.close()
    assert multiprocessing.active_children() == []
    assert len(list(tmp_path.iterdir())) < 40
    # The pool can be used again.
    assert run_parallel(_sizes, ["ab", "c"] * 10, jobs=2, min_items=1)


def test_scan_report_does_not_depend_on_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = lineage_corpus.generate(SEEDS, 120, seed=5)
    write_jsonl(tmp_path / "corpus" / "articles.jsonl", lineage_corpus.records(corpus))
    one = scan(tmp_path / "corpus", jobs=1)
    # Every stage in the pool, documents in several chunks, each chunk with its own vocabulary.
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ITEMS", 1)
    two = scan(tmp_path / "corpus", jobs=2)
    assert one.summary.links > 100
    assert dumps(one) == dumps(two)


# --- a worker that dies, a task that fails, Ctrl-C ----------------------------------------

_MAIN = os.getpid()  # forked workers see another pid


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: a pool that never notices a dead worker waits forever."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class _Chunks:
    """A task that marks each chunk it starts in `folder` and does `fault` in a worker on the
    chunk holding item 0; the other chunks take a while."""

    def __init__(self, folder: Path, fault: Callable[[], None]) -> None:
        self.folder, self.fault = folder, fault

    def __call__(self, chunk: list[int]) -> list[int]:
        (self.folder / str(chunk[0])).touch()
        if os.getpid() != _MAIN and 0 in chunk:
            self.fault()
        time.sleep(0.2)
        return [n * 2 for n in chunk]


def _kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _run_stopped(tmp_path: Path, fault: Callable[[], None], error: type[BaseException]) -> str:
    """Run a 16-chunk pool whose first chunk does `fault`; the error's message. Checks that
    the other chunks were not waited for and that no worker is left running."""
    items = list(range(160))
    with _deadline(60), pytest.raises(error) as caught:
        run_parallel(_Chunks(tmp_path, fault), items, jobs=2, min_items=1)
    assert multiprocessing.active_children() == []
    started = len(list(tmp_path.iterdir()))
    assert 1 <= started < len(items) // 10  # queued chunks were dropped
    return str(caught.value)


def test_a_killed_worker_ends_the_pool_with_worker_died(tmp_path: Path) -> None:
    message = _run_stopped(tmp_path, _kill_self, WorkerDied)
    assert message == "a worker process died (killed by SIGKILL, perhaps out of memory)"


def test_a_worker_that_exits_ends_the_pool_with_worker_died(tmp_path: Path) -> None:
    message = _run_stopped(tmp_path, lambda: os._exit(3), WorkerDied)
    assert message == "a worker process exited unexpectedly (exit code 3)"


def _send_half_and_die(conn: Connection, buf: bytes) -> None:
    conn._send(struct.pack("!i", len(buf)) + bytes(buf[:10]))  # type: ignore[attr-defined]
    os.kill(os.getpid(), signal.SIGKILL)


def _die_while_sending() -> None:
    # This worker's result pipe gets the length of the message and part of it, then the
    # worker is killed: what the out-of-memory killer does to a worker sending a large result.
    Connection._send_bytes = _send_half_and_die  # type: ignore[method-assign]


def test_a_worker_killed_while_sending_its_result(tmp_path: Path) -> None:
    message = _run_stopped(tmp_path, _die_while_sending, WorkerDied)
    assert message == "a worker process died (killed by SIGKILL, perhaps out of memory)"


def _fail() -> None:
    raise ValueError("chunk 0 is bad")


def test_an_exception_in_a_task_is_raised_as_it_is(tmp_path: Path) -> None:
    assert _run_stopped(tmp_path, _fail, ValueError) == "chunk 0 is bad"
    # And in this process, as before.
    with pytest.raises(ValueError, match="chunk 0 is bad"):
        run_parallel(lambda chunk: _fail(), [0], jobs=1)


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("holds a function")
        self.function = lambda: None

    def __reduce__(self) -> Any:
        raise TypeError("cannot pickle a lambda")


def _raise_unpicklable(chunk: list[int]) -> list[int]:
    raise _Unpicklable()


def _return_unpicklable(chunk: list[int]) -> list[Any]:
    return [lambda n=n: n for n in chunk]


def test_what_does_not_pickle_comes_back_as_one_line() -> None:
    with _deadline(60), pytest.raises(RuntimeError, match=r"^_Unpicklable: holds a function$"):
        run_parallel(_raise_unpicklable, list(range(40)), jobs=2, min_items=1)
    with _deadline(60), pytest.raises(RuntimeError, match=r"^(PicklingError|AttributeError): .*lambda"):
        run_parallel(_return_unpicklable, list(range(40)), jobs=2, min_items=1)
    assert multiprocessing.active_children() == []


def _interrupt_self(chunk: list[int]) -> list[int]:
    os.kill(os.getpid(), signal.SIGINT)
    return chunk


def test_workers_ignore_sigint() -> None:
    # Ctrl-C in a terminal reaches every process of the group; only the main one answers it.
    items = list(range(100))
    with _deadline(60):
        chunks = run_parallel(_interrupt_self, items, jobs=2, min_items=1)
    assert [n for chunk in chunks for n in chunk] == items


def _sigterm_handling(chunk: list[int]) -> list[Any]:
    return [signal.getsignal(signal.SIGTERM)] * len(chunk)


def _raise_on_sigterm(signum: int, frame: object) -> None:
    raise AssertionError("SIGTERM handled as in the main process")


def test_workers_take_sigterm_by_default_whatever_the_main_process_does() -> None:
    # The command line's handler raises an exception; in a worker, stopped with SIGTERM,
    # that would be a traceback or a failed task instead of its end.
    previous = signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        with _deadline(60):
            chunks = run_parallel(_sigterm_handling, list(range(100)), jobs=2, min_items=1)
        assert signal.getsignal(signal.SIGTERM) is _raise_on_sigterm
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert {h for chunk in chunks for h in chunk} == {signal.SIG_DFL}
    assert multiprocessing.active_children() == []


def test_a_worker_ends_quietly_when_its_parent_has_gone_with_results_unread(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # The parent's end closed with a result unread: the worker's next read is a reset, not EOF.
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # `_work` runs here, not in a worker
    monkeypatch.setattr(signal, "pthread_sigmask", lambda *_: set())
    here, there = multiprocessing.Pipe()
    there.send((True, [1]))
    here.close()
    parallel._work(there, [])
    assert capfd.readouterr().err == ""


def test_the_pool_is_usable_after_a_death(tmp_path: Path) -> None:
    with _deadline(60), pytest.raises(WorkerDied):
        run_parallel(_Chunks(tmp_path, _kill_self), list(range(40)), jobs=2, min_items=1)
    assert parallel._task is None
    assert run_parallel(_sizes, ["ab", "c"] * 10, jobs=2, min_items=1)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (-9, "a worker process died (killed by SIGKILL, perhaps out of memory)"),
        (-15, "a worker process died (killed by SIGTERM)"),
        (-11, "a worker process died (killed by SIGSEGV)"),
        (1, "a worker process exited unexpectedly (exit code 1)"),
        (None, "a worker process died"),
    ],
)
def test_how_a_worker_died_is_one_line(code: int | None, message: str) -> None:
    assert parallel._death(code) == message

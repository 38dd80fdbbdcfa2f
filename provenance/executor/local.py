"""The local executor: steps in forked processes of this machine (see `provenance.parallel`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from provenance.executor.base import Executor, RunningStep
from provenance.parallel import AHEAD_PER_JOB, default_jobs, iter_parallel

T = TypeVar("T")
R = TypeVar("R")


class LocalExecutor(Executor):
    """`jobs` processes on this machine (default: every core this process may use)."""

    name = "local"

    def __init__(self, jobs: int | None = None, progress: Callable[[str], None] | None = None) -> None:
        super().__init__(jobs or default_jobs(), progress)

    def _stream(
        self,
        task: Callable[[list[T]], R],
        items: Sequence[T],
        running: RunningStep,
        min_items: int | None,
        max_chunk: int | None,
        bounded: bool,
    ) -> Iterator[R]:
        ahead = AHEAD_PER_JOB if bounded else None
        return iter_parallel(task, items, self.jobs, min_items, running.advance, max_chunk, ahead)

"""The local executor: steps in forked processes of this machine (see `provenance.parallel`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from provenance.executor.base import Executor, RunningStep
from provenance.parallel import default_jobs, run_parallel

T = TypeVar("T")
R = TypeVar("R")


class LocalExecutor(Executor):
    """`jobs` processes on this machine (default: every core this process may use)."""

    name = "local"

    def __init__(self, jobs: int | None = None, progress: Callable[[str], None] | None = None) -> None:
        super().__init__(jobs or default_jobs(), progress)

    def _map(
        self, task: Callable[[list[T]], R], items: Sequence[T], running: RunningStep, min_items: int | None
    ) -> list[R]:
        return run_parallel(task, items, self.jobs, min_items, running.advance)

"""Executors: where and how a pipeline's steps run, apart from what the steps do."""

from provenance.executor.base import Executor, RunningStep, StepStats
from provenance.executor.local import LocalExecutor

__all__ = ["Executor", "LocalExecutor", "RunningStep", "StepStats", "as_executor"]


def as_executor(jobs: int | Executor | None) -> Executor:
    """The executor given, or a local one of `jobs` processes (None: every core)."""
    return jobs if isinstance(jobs, Executor) else LocalExecutor(jobs)

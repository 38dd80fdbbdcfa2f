"""What runs a pipeline's steps, apart from the steps themselves.

A step says what to do with a chunk of items (a picklable callable over a list); an
executor says where it runs, counts what it did and shows how far it has got. Each step
it runs leaves a `StepStats`: items in and out, seconds and the peak memory of the whole
process tree while it ran. Steps that are not a map over items (a reduce, the lineage of
the whole graph) run here inside `step()`, and are counted the same way.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from provenance.executor.memory import PeakMemory
from provenance.executor.progress import ProgressMeter, Write

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class StepStats:
    """What one step did: its items in and out (counted in `unit`), and what it cost."""

    step: str
    unit: str
    items_in: int
    items_out: int = 0
    seconds: float = 0.0
    peak_mb: float = 0.0  # the process tree's largest proportional set size seen

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["seconds"], out["peak_mb"] = round(self.seconds, 3), round(self.peak_mb, 1)
        return out

    def line(self) -> str:
        """One line for `-v`."""
        return (
            f"{self.step}: {self.items_in:,} {self.unit} in, {self.items_out:,} out, "
            f"{self.seconds:.1f} s, peak {self.peak_mb:,.0f} MB"
        )


# A step run here samples the memory of the process tree at most this often as it advances,
# and no more often than SAMPLE_COST times what the last sample took: a sample reads /proc
# for every process, which walks its page tables, so its cost grows with the memory held.
# Sampled at every chunk done, a scan would spend time growing with the square of the corpus.
SAMPLE_S = 1.0
SAMPLE_COST = 50


class RunningStep:
    """The step being run: its statistics, its memory, and its progress."""

    def __init__(self, stats: StepStats, meter: ProgressMeter | None) -> None:
        self.stats, self.meter, self.memory = stats, meter, PeakMemory()
        self._shared, self._shared_items = 0.0, 0
        self._sampled, self._every = time.monotonic(), SAMPLE_S

    def _sample(self) -> None:
        """The tree's memory, when `_every` has passed since the last sample."""
        now = time.monotonic()
        if now - self._sampled < self._every:
            return
        self.memory.sample()
        self._sampled = time.monotonic()
        self._every = max(SAMPLE_S, SAMPLE_COST * (self._sampled - now))

    def advance(self, items: int) -> None:
        """`items` more of the step's input are done (0: nothing new, a moment to measure)."""
        self._sample()
        if self.meter is not None and items:
            self.meter.advance(items)

    def share(self, fraction: float) -> None:
        """`fraction` more of the step's work is done (see `progress.Share`): the meter
        moves by that share of the step's items."""
        self._shared += fraction
        items = min(round(self._shared * self.stats.items_in), self.stats.items_in) - self._shared_items
        self._shared_items += items
        self._sample()
        if self.meter is not None and items:
            self.meter.advance(items)


class Executor(ABC):
    """Runs steps and keeps their statistics, in the order they ran, in `stats`."""

    name = "executor"

    def __init__(self, jobs: int = 1, progress: Write | None = None) -> None:
        self.jobs = max(1, jobs)
        self.progress = progress  # None: silent
        self.stats: list[StepStats] = []

    @contextmanager
    def step(self, name: str, items_in: int, unit: str) -> Iterator[RunningStep]:
        """Run a step here: set `.stats.items_out` inside; timing and memory are recorded."""
        meter = ProgressMeter(self.progress, name, items_in, unit) if self.progress else None
        running = RunningStep(StepStats(name, unit, items_in), meter)
        started = time.perf_counter()
        ended = False
        try:
            yield running
            ended = True
        finally:
            running.memory.sample()
            running.stats.seconds = time.perf_counter() - started
            running.stats.peak_mb = running.memory.peak_mb
            # A step cut short (an error, Ctrl-C, `kill`) has no closing line: it did not end.
            if meter is not None and ended:
                meter.finish()
            self.stats.append(running.stats)

    def map(
        self,
        name: str,
        task: Callable[[list[T]], R],
        items: Sequence[T],
        unit: str,
        size: Callable[[R], int] = len,  # type: ignore[assignment]
        min_items: int | None = None,
        max_chunk: int | None = None,
    ) -> list[R]:
        """`task` over chunks of `items` (of at most `max_chunk` items, if given), results in
        chunk order; items out are counted by `size` of each chunk's result."""
        return list(self._run(name, task, items, unit, size, min_items, max_chunk, stream=False))

    def stream(
        self,
        name: str,
        task: Callable[[list[T]], R],
        items: Sequence[T],
        unit: str,
        size: Callable[[R], int] = len,  # type: ignore[assignment]
        min_items: int | None = None,
        max_chunk: int | None = None,
    ) -> Iterator[R]:
        """`map`, each chunk's result handed on as soon as it and those before it are done,
        with a bounded number waiting: for a caller that writes each result away. The step
        lasts until the iteration ends, so its time includes the caller's work on each
        result; close the iterator (or let it go) to stop early."""
        return self._run(name, task, items, unit, size, min_items, max_chunk, stream=True)

    def _run(
        self,
        name: str,
        task: Callable[[list[T]], R],
        items: Sequence[T],
        unit: str,
        size: Callable[[R], int],
        min_items: int | None,
        max_chunk: int | None,
        stream: bool,
    ) -> Iterator[R]:
        # The results are closed with this iteration, early or not: the workers stop then,
        # not whenever the iterator is collected.
        with (
            self.step(name, len(items), unit) as running,
            closing(self._stream(task, items, running, min_items, max_chunk, stream)) as results,
        ):
            for result in results:
                running.stats.items_out += size(result)
                yield result

    @abstractmethod
    def _stream(
        self,
        task: Callable[[list[T]], R],
        items: Sequence[T],
        running: RunningStep,
        min_items: int | None,
        max_chunk: int | None,
        bounded: bool,
    ) -> Iterator[R]:
        """The results of `task` over chunks of `items`, in chunk order; `bounded`: with
        only a few results run ahead of the one awaited."""

    def stats_dict(self) -> dict[str, Any]:
        """The statistics as written beside a report."""
        return {"executor": self.name, "jobs": self.jobs, "steps": [s.to_dict() for s in self.stats]}

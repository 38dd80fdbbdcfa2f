"""Progress of a long step on stderr: items done out of the total, rate and time left.

A line at most every `interval` seconds, and a closing line for a step that printed any, so
a short step stays silent and a log of a long one reads at a glance:

    analyse: 4,096/10,000 documents (41%), 830/s, 7 s left
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
Write = Callable[[str], None]
# Told that this share (0 to 1) more of a step's work is done: for a step that runs here in
# several passes (over its links, then its clusters), each pass worth a share of the whole.
Share = Callable[[float], None]


def no_share(_: float) -> None:
    pass


def sharing(items: Sequence[T], share: Share, weight: float, every: int = 256) -> Iterator[T]:
    """The items, telling `share` as they are done that `weight` of the step's work is done
    once they all are: a part of it every `every` items, not a call per item."""
    n = len(items)
    for k, item in enumerate(items, 1):
        yield item
        if k % every == 0:
            share(weight * every / n)
    if n % every or not n:
        share(weight * (n % every) / n if n else weight)


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _rate(items: float, seconds: float) -> str:
    per_second = items / seconds if seconds > 0 else 0.0
    return f"{per_second:,.0f}/s" if per_second >= 10 else f"{per_second:,.1f}/s"


class ProgressMeter:
    """Counts one step's items and reports them through `write` (one line each time)."""

    def __init__(
        self,
        write: Write,
        step: str,
        total: int,
        unit: str,
        interval: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.write, self.step, self.total, self.unit = write, step, total, unit
        self.interval, self.clock = interval, clock
        self.done = 0
        self.started = self.last = clock()
        self.printed = False

    def advance(self, items: int) -> None:
        """`items` more are done; a line when `interval` has passed since the last."""
        self.done += items
        now = self.clock()
        if now - self.last >= self.interval and self.done < self.total:
            self.last, self.printed = now, True
            elapsed = now - self.started
            left = elapsed * (self.total - self.done) / self.done if self.done else None
            share = 100 * self.done / self.total if self.total else 100.0
            self.write(
                f"{self.step}: {self.done:,}/{self.total:,} {self.unit} ({share:.0f}%), "
                f"{_rate(self.done, elapsed)}, " + (f"{_duration(left)} left" if left is not None else "…")
            )

    def finish(self) -> None:
        """The closing line, when the step printed any before."""
        if self.printed:
            elapsed = self.clock() - self.started
            self.write(
                f"{self.step}: {self.done:,} {self.unit} in {_duration(elapsed)}, {_rate(self.done, elapsed)}"
            )

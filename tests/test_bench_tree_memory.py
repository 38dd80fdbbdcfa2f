"""The memory harness of the benchmarks: a child's whole tree, seen until it ends."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from bench import tree_memory
from provenance.executor.memory import tree_pss_mb

pytestmark = pytest.mark.skipif(tree_pss_mb() is None, reason="the system gives no PSS")

_HOLD = "b = bytearray(96 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\nimport time; time.sleep({})"


def test_the_peak_includes_what_the_child_held() -> None:
    child = subprocess.Popen([sys.executable, "-c", _HOLD.format(1.5)])
    peak = tree_memory.peak_while_running(child.pid, every=0.1)
    assert child.wait() == 0  # left to be waited for
    assert peak is not None and peak >= 96


def test_the_end_is_seen_at_once_not_at_the_next_sample() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    started = time.perf_counter()
    tree_memory.peak_while_running(child.pid, every=30.0)
    assert time.perf_counter() - started < 10  # not the 30 s between samples
    assert child.wait() == 0


def test_without_pidfd_the_end_is_seen_within_every(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(pid: int) -> int:
        raise OSError("no pidfd")

    monkeypatch.setattr(tree_memory.os, "pidfd_open", missing)
    child = subprocess.Popen([sys.executable, "-c", _HOLD.format(0.8)])
    peak = tree_memory.peak_while_running(child.pid, every=0.1)
    assert child.wait() == 0 and peak is not None and peak >= 96


def test_a_costly_sample_is_taken_less_often(monkeypatch: pytest.MonkeyPatch) -> None:
    samples: list[float] = []

    def slow(pid: int) -> float:
        samples.append(time.perf_counter())
        time.sleep(0.02)
        return 1.0

    monkeypatch.setattr(tree_memory, "tree_pss_mb", slow)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1.5)"])
    tree_memory.peak_while_running(child.pid, every=0.01)
    child.wait()
    # Each sample took 0.02 s, so the next waits 50 × that (1 s): two in 1.5 s, not 70.
    assert 1 <= len(samples) <= 3


def test_measure_gives_wall_time_exit_code_and_peak() -> None:
    result = tree_memory.measure([sys.executable, "-c", _HOLD.format(0.5)], every=0.1)
    assert result["exit_code"] == 0 and result["peak_tree_pss_mb"] >= 96 and result["wall_seconds"] >= 0.5

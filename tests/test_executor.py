"""The executor: steps counted (items in and out, time, memory of the process tree) and
progress on stderr, apart from what the steps do."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from provenance import parallel
from provenance.executor import LocalExecutor, as_executor, base
from provenance.executor.memory import tree_pss_mb
from provenance.executor.progress import ProgressMeter, sharing

REPO = Path(__file__).resolve().parent.parent


def _squares(chunk: list[int]) -> list[int]:
    return [n * n for n in chunk]


def _hold_memory(chunk: list[int]) -> list[int]:
    block = bytearray(64 << 20)  # touched, so it is resident in the worker
    for i in range(0, len(block), 4096):
        block[i] = 1
    time.sleep(2.5)  # long enough for the executor to sample it (at most once a second)
    return [len(chunk)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_map_keeps_the_order_and_records_its_step(jobs: int) -> None:
    executor = LocalExecutor(jobs)
    out = executor.map("square", _squares, list(range(1000)), "numbers", min_items=1)
    assert [n for chunk in out for n in chunk] == [n * n for n in range(1000)]
    (stats,) = executor.stats
    assert (stats.step, stats.unit, stats.items_in, stats.items_out) == ("square", "numbers", 1000, 1000)
    assert stats.seconds > 0 and stats.peak_mb > 0
    assert executor.stats_dict()["steps"][0]["items_in"] == 1000


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_stream_hands_on_each_chunk_and_counts_its_step_at_the_end(jobs: int) -> None:
    executor = LocalExecutor(jobs)
    stream = executor.stream("square", _squares, list(range(1000)), "numbers", min_items=1, max_chunk=100)
    first = next(stream)
    assert 0 < len(first) <= 100 and first == [n * n for n in range(len(first))]
    assert executor.stats == []  # the step is still on
    rest = list(stream)
    assert [n for chunk in [first, *rest] for n in chunk] == [n * n for n in range(1000)]
    (stats,) = executor.stats
    assert (stats.step, stats.items_in, stats.items_out) == ("square", 1000, 1000)


def test_a_step_run_here_is_counted_like_a_map() -> None:
    executor = LocalExecutor(1)
    with executor.step("reduce", 7, "documents") as step:
        step.stats.items_out = 3
    executor.map("square", _squares, [1, 2], "numbers")
    assert [(s.step, s.items_in, s.items_out) for s in executor.stats] == [("reduce", 7, 3), ("square", 2, 2)]
    assert "reduce: 7 documents in, 3 out" in executor.stats[0].line()


def test_a_step_that_fails_is_still_recorded() -> None:
    executor = LocalExecutor(1)
    with pytest.raises(ZeroDivisionError), executor.step("broken", 1, "items"):
        _ = 1 / 0
    assert [s.step for s in executor.stats] == ["broken"]


@pytest.mark.skipif(tree_pss_mb() is None, reason="the system gives no PSS")
def test_peak_memory_counts_the_workers_not_only_this_process() -> None:
    before = tree_pss_mb()
    assert before is not None
    executor = LocalExecutor(2)
    executor.map("hold", _hold_memory, [1, 2], "items", min_items=1)
    # Two workers each hold 64 MB while the step runs: the tree's peak shows both.
    assert executor.stats[0].peak_mb >= before + 100


def test_memory_is_sampled_at_most_once_a_second_however_often_chunks_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A sample walks every process's page tables: taken at every chunk, a scan's sampling
    # would grow with the square of the corpus.
    samples: list[float] = []
    monkeypatch.setattr(base.PeakMemory, "sample", lambda self: samples.append(time.monotonic()))
    executor = LocalExecutor(1)
    with executor.step("many chunks", 10_000, "items") as step:
        for _ in range(10_000):
            step.advance(1)
    # One when the step starts, one when it ends, none for the 10,000 chunks in between.
    assert len(samples) == 2


def test_a_costly_sample_makes_the_next_one_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    samples: list[float] = []

    def slow(self: object) -> None:
        samples.append(time.monotonic())
        time.sleep(0.01)

    monkeypatch.setattr(base, "SAMPLE_S", 0.0)
    monkeypatch.setattr(base.PeakMemory, "sample", slow)
    executor = LocalExecutor(1)
    with executor.step("costly", 100, "items") as step:
        for _ in range(30):
            step.advance(1)
            time.sleep(0.01)
    # Every 0.01 s asked, 0.01 s each: the next waits 50 × that, so 0.3 s of chunks sample
    # once or twice besides the step's start and end, not 30 times.
    assert 3 <= len(samples) <= 5


def test_the_tree_of_this_process_is_at_least_this_process() -> None:
    pss = tree_pss_mb(os.getpid())
    assert pss is None or pss > 1


def test_as_executor_takes_a_number_of_jobs_or_an_executor() -> None:
    executor = LocalExecutor(3)
    assert as_executor(executor) is executor
    assert as_executor(2).jobs == 2 and as_executor(None).jobs == parallel.default_jobs()


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_says_done_total_rate_and_time_left_at_most_every_interval() -> None:
    lines: list[str] = []
    clock = _Clock()
    meter = ProgressMeter(lines.append, "analyse", 10_000, "documents", interval=2.0, clock=clock)
    clock.now = 1.0
    meter.advance(1_000)  # too soon for a line
    clock.now = 2.5
    meter.advance(1_500)
    clock.now = 3.0
    meter.advance(500)  # within the interval of the last line
    clock.now = 10.0
    meter.advance(7_000)  # done: the closing line says so
    meter.finish()
    assert lines == [
        "analyse: 2,500/10,000 documents (25%), 1,000/s, 8 s left",
        "analyse: 10,000 documents in 10 s, 1,000/s",
    ]


def test_a_quick_step_prints_nothing() -> None:
    lines: list[str] = []
    meter = ProgressMeter(lines.append, "read", 5, "files")
    meter.advance(5)
    meter.finish()
    assert lines == []


def test_long_steps_report_progress_through_the_executor(monkeypatch: pytest.MonkeyPatch) -> None:
    lines: list[str] = []
    monkeypatch.setattr(
        "provenance.executor.progress.ProgressMeter.__init__.__defaults__", (0.0, time.monotonic)
    )
    executor = LocalExecutor(2, lines.append)
    executor.map("square", _squares, list(range(2000)), "numbers", min_items=1)
    assert lines and lines[0].startswith("square: ") and "/2,000 numbers (" in lines[0]
    assert lines[-1].startswith("square: 2,000 numbers in ")


@pytest.mark.parametrize("error", [RuntimeError("broken"), KeyboardInterrupt()])
def test_a_step_cut_short_has_no_closing_line(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    # Its items were not all done: a closing line would say they were.
    lines: list[str] = []
    monkeypatch.setattr(
        "provenance.executor.progress.ProgressMeter.__init__.__defaults__", (0.0, time.monotonic)
    )
    executor = LocalExecutor(1, lines.append)
    with pytest.raises(type(error)), executor.step("analyse", 1000, "documents") as step:
        step.advance(100)
        raise error
    assert lines == [lines[0]] and lines[0].startswith("analyse: 100/1,000 documents (10%)")
    assert executor.stats[0].items_in == 1000  # still counted, for what it cost


def test_sharing_spreads_a_pass_weight_over_its_items_a_part_every_few_items() -> None:
    shares: list[float] = []
    items = list(range(1000))
    assert list(sharing(items, shares.append, 0.4, every=256)) == items
    assert len(shares) == 4  # three of 256 items, then the last 232
    assert shares[0] == pytest.approx(0.4 * 256 / 1000) and sum(shares) == pytest.approx(0.4)
    empty: list[float] = []
    assert list(sharing([], empty.append, 0.25)) == [] and empty == [0.25]  # a pass over nothing is done


def test_a_step_run_here_in_passes_moves_its_meter_by_their_shares(monkeypatch: pytest.MonkeyPatch) -> None:
    lines: list[str] = []
    monkeypatch.setattr(
        "provenance.executor.progress.ProgressMeter.__init__.__defaults__", (0.0, time.monotonic)
    )
    executor = LocalExecutor(1, lines.append)
    with executor.step("lineage", 1000, "passages") as step:
        for _ in sharing(range(3000), step.share, 0.7):  # a pass over more items than the step's
            pass
        step.share(0.3)
    done = [int(line.split()[1].split("/")[0].replace(",", "")) for line in lines[:-1]]
    assert (
        done == sorted(done) and done[-1] == 700 and all("/1,000 passages (" in line for line in lines[:-1])
    )
    assert lines[-1].startswith("lineage: 1,000 passages in ")


def test_lineage_and_report_show_progress_on_stderr_and_nothing_under_q(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.cli_process import run_main

    monkeypatch.setattr(
        "provenance.executor.progress.ProgressMeter.__init__.__defaults__", (0.0, time.monotonic)
    )
    loud = run_main("scan", str(REPO / "seeds"), "-o", str(tmp_path), "--format", "json")
    report = json.loads((tmp_path / "lineage.json").read_text(encoding="utf-8"))
    links, documents = len(report["links"]), len(report["documents"])
    for step, total, unit in (("lineage", links, "passages"), ("report", documents, "documents")):
        mine = [line for line in loud.stderr.splitlines() if line.startswith(f"provenance: {step}: ")]
        assert any(f"/{total} {unit} (" in line and " left" in line for line in mine), loud.stderr
        assert mine[-1].startswith(f"provenance: {step}: {total} {unit} in ")  # every share counted
    quiet = run_main("scan", str(REPO / "seeds"), "-o", str(tmp_path), "--format", "json", "-q")
    assert quiet.returncode == loud.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout == loud.stdout == f"{tmp_path / 'lineage.json'}\n"

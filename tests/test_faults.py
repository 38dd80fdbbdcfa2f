"""Faults from outside during a parallel run, as users meet them: a worker process killed
(`kill -9`, the out-of-memory killer), Ctrl-C in the terminal, which signals every process
of the group, or `kill PID` (SIGTERM) to the main process. The run ends within seconds with
one line on stderr, and nothing is written: no report, no change to the index, no temporary
file left, no process left running."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import pytest
from cli_process import REPO

from bench import scale_corpus

# Enough articles for every parallel stage to use its pool for a few seconds.
ARTICLES = 400
# However the run ends, it ends within this.
EXIT_WITHIN_S = 30
KILLED = (
    "provenance: error: a worker process died (killed by SIGKILL, perhaps out of memory); nothing written"
)
INTERRUPTED = "provenance: interrupted; nothing written"

# Workers are found through /proc.
pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")

Signal = Callable[[list[int]], object]  # sends a signal, given the running workers


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small folder to create an index with, and a large one to scan or add."""
    root = tmp_path_factory.mktemp("faults")
    scale_corpus.generate(40, root / "small", seed=3)
    scale_corpus.generate(ARTICLES, root / "large", seed=4)
    return root / "small", root / "large"


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def _cli(*args: str, cwd: Path) -> Iterator[subprocess.Popen[str]]:
    """`provenance ARGS` in a session of its own (a terminal's process group, for Ctrl-C),
    killed with its workers whatever happens. Its temporary files go to `cwd/tmp`."""
    (cwd / "tmp").mkdir(exist_ok=True)
    child = subprocess.Popen(
        [sys.executable, "-m", "provenance", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(cwd / "tmp")},
        start_new_session=True,
        # As from a terminal's shell: a run started in the background (`&` in a script, as a
        # CI job may be) inherits SIGINT ignored, and Python then never sees a Ctrl-C.
        preexec_fn=_default_sigint,
    )
    try:
        yield child
    finally:
        with suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.communicate(timeout=EXIT_WITHIN_S)


def _workers(pid: int) -> list[int]:
    """The child processes of `pid` that are running: not exiting, not yet reaped."""
    found = []
    for tasks in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(c) for c in tasks.read_text().split()]
        except OSError:
            continue
    return [child for child in found if _running(child)]


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        # An exiting process has let its memory go: no command line any more.
        return state not in "ZXx" and bool(Path(f"/proc/{pid}/cmdline").read_bytes())
    except (OSError, IndexError):
        return False


def _worker_window(*args: str, cwd: Path) -> tuple[float, float]:
    """When, in seconds from its start, a clean run of `provenance ARGS` first and last had a
    worker running: faults are sent within that window, whatever this machine's speed."""
    seen = []
    with _cli(*args, cwd=cwd) as child:
        start = time.monotonic()
        while child.poll() is None and time.monotonic() - start < 120:
            if _workers(child.pid):
                seen.append(time.monotonic() - start)
            time.sleep(0.005)
        code, lines = _outcome(child)
    assert code == 0 and len(seen) > 1, lines
    return seen[0], seen[-1]


def _delays(rng: random.Random, window: tuple[float, float]) -> Iterator[float]:
    """A random moment in the window's first part (a run under load may go faster or slower
    than the one measured), then, should the run end before it, earlier ones."""
    first, last = window
    delay = rng.uniform(first, first + 0.7 * (last - first))
    for _ in range(4):
        yield delay
        delay = first + (delay - first) / 2


@pytest.fixture(scope="module")
def scan_window(corpora: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[float, float]:
    cwd = tmp_path_factory.mktemp("clean-scan")
    return _worker_window("scan", str(corpora[1]), "-j", "2", "-q", "-o", "out", cwd=cwd)


def _signal_a_worker(child: subprocess.Popen[str], delay: float, send: Signal) -> bool:
    """Once `delay` seconds have passed and a worker is running, call `send(worker)`; False
    if the run ended before."""
    start = time.monotonic()
    while child.poll() is None and time.monotonic() - start < EXIT_WITHIN_S:
        workers = _workers(child.pid) if time.monotonic() - start >= delay else []
        if workers:
            try:
                send(workers)
            except ProcessLookupError:
                continue
            return True
        time.sleep(0.005)
    return False


def _outcome(child: subprocess.Popen[str]) -> tuple[int, list[str]]:
    """The exit code and the stderr lines, once the run has ended (at most EXIT_WITHIN_S)."""
    try:
        _, err = child.communicate(timeout=EXIT_WITHIN_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running {EXIT_WITHIN_S} s after the fault")
    return child.returncode, err.splitlines()


def _kill_one(rng: random.Random) -> Signal:
    return lambda workers: os.kill(rng.choice(workers), signal.SIGKILL)


def _dump(index: Path) -> list[str]:
    with sqlite3.connect(index) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return list(db.iterdump())


@pytest.mark.parametrize("trial", range(3))
def test_a_killed_worker_ends_a_scan_with_one_line(
    corpora: tuple[Path, Path], scan_window: tuple[float, float], tmp_path: Path, trial: int
) -> None:
    rng = random.Random(trial)
    # Any stage with workers: reading, analysis, candidates or alignment.
    for delay in _delays(rng, scan_window):
        with _cli("scan", str(corpora[1]), "-j", "2", "-q", "-o", "out", cwd=tmp_path) as child:
            killed = _signal_a_worker(child, delay, _kill_one(rng))
            if killed:
                code, lines = _outcome(child)
        if killed:
            break
        # The scan ended before: its report is removed for the next try.
        shutil.rmtree(tmp_path / "out", ignore_errors=True)
    else:
        pytest.fail("every scan ended before a worker was killed")
    assert (code, lines) == (2, [KILLED]), f"killed after {delay:.2f} s"
    out = tmp_path / "out"
    assert not out.exists() or list(out.iterdir()) == []
    assert list((tmp_path / "tmp").iterdir()) == []  # texts, records and words: all removed


def test_a_killed_worker_leaves_the_index_as_it_was(corpora: tuple[Path, Path], tmp_path: Path) -> None:
    small, large = corpora
    first = subprocess.run(
        [sys.executable, "-m", "provenance", "index", "add", str(small), "--index", "idx.sqlite", "-q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    before = _dump(tmp_path / "idx.sqlite")
    args = ("index", "add", str(large), "--index", "idx.sqlite", "-j", "2", "-q")
    # Measured on a copy: reading, or fingerprinting for the index.
    shutil.copy(tmp_path / "idx.sqlite", tmp_path / "clean.sqlite")
    window = _worker_window(*args[:-4], "--index", "clean.sqlite", "-j", "2", "-q", cwd=tmp_path)
    for trial in range(2):
        rng = random.Random(10 + trial)
        for delay in _delays(rng, window):
            with _cli(*args, cwd=tmp_path) as child:
                if _signal_a_worker(child, delay, _kill_one(rng)):
                    code, lines = _outcome(child)
                    break
            pytest.fail("the add ended before a worker was killed")  # it wrote: no retry
        assert (code, lines) == (2, [KILLED]), f"killed after {delay:.2f} s"
        assert _dump(tmp_path / "idx.sqlite") == before


@pytest.mark.parametrize("trial", range(2))
def test_ctrl_c_ends_a_scan_with_one_line(
    corpora: tuple[Path, Path], scan_window: tuple[float, float], tmp_path: Path, trial: int
) -> None:
    rng = random.Random(20 + trial)
    for delay in _delays(rng, scan_window):
        with _cli("scan", str(corpora[1]), "-j", "2", "-q", "-o", "out", cwd=tmp_path) as child:
            # As a terminal does: SIGINT to the whole group, workers included.
            interrupt = lambda workers: os.killpg(child.pid, signal.SIGINT)  # noqa: E731
            if _signal_a_worker(child, delay, interrupt):
                code, lines = _outcome(child)
                break
        shutil.rmtree(tmp_path / "out", ignore_errors=True)
    else:
        pytest.fail("every scan ended before Ctrl-C")
    # Click's empty line ends the terminal's `^C` echo, so the message starts a line.
    assert (code, [line for line in lines if line]) == (130, [INTERRUPTED]), (
        f"interrupted after {delay:.2f} s"
    )
    out = tmp_path / "out"
    assert not out.exists() or list(out.iterdir()) == []
    assert list((tmp_path / "tmp").iterdir()) == []  # texts, records and words: all removed


def test_workers_end_when_the_main_process_is_killed(corpora: tuple[Path, Path], tmp_path: Path) -> None:
    # The out-of-memory killer may pick the main process: its workers must not live on.
    workers: list[int] = []

    def kill_main(running: list[int]) -> None:
        workers.extend(running)
        os.kill(child.pid, signal.SIGKILL)

    with _cli("scan", str(corpora[1]), "-j", "2", "-q", "-o", "out", cwd=tmp_path) as child:
        assert _signal_a_worker(child, 1.0, kill_main), "the scan ended before it was killed"
        child.wait(timeout=EXIT_WITHIN_S)
        deadline = time.monotonic() + EXIT_WITHIN_S
        while (left := [w for w in workers if _running(w)]) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert left == []


TERMINATED = "provenance: terminated; nothing written"
# A progress line of a step ("analyse: 188/400 documents (47%), 70/s, 3 s left"), or the
# closing line of one that printed any ("lines: 400 documents in 3 s, 150/s").
PROGRESS = re.compile(r"provenance: [a-z ]+: [\d,]+(/[\d,]+)? [a-z ]+ (\(\d+%\)|in \d)")


class _Stderr:
    """The lines a run writes to stderr, read as they come."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self.ended = False
        self._new = threading.Condition()
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with self._new:
                self.lines.append(line.rstrip("\n"))
                self._new.notify_all()
        with self._new:
            self.ended = True
            self._new.notify_all()

    def wait_for(self, start: str) -> bool:
        """Whether a line starting with `start` came before the stream ended."""
        with self._new:
            self._new.wait_for(
                lambda: self.ended or any(s.startswith(start) for s in self.lines), EXIT_WITHIN_S
            )
            return any(s.startswith(start) for s in self.lines)

    def all(self) -> list[str]:
        self._reader.join(EXIT_WITHIN_S)
        assert not self._reader.is_alive(), "stderr still open"
        return self.lines


def _in_session(sid: int) -> list[int]:
    """The running processes of session `sid`: a run started in a session of its own, and
    whatever it started, orphans included."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[3]) == sid and _running(int(stat.parent.name)):
            found.append(int(stat.parent.name))
    return found


def _terminated(*args: str, cwd: Path, after: str | None) -> tuple[int, list[str], str]:
    """Run `provenance ARGS`; once `after` has started a line on stderr (if given) and a
    worker is running, send SIGTERM to the main process alone, as `kill PID` does. The exit
    code, the stderr lines and stdout, once the run and every process it started have ended."""
    with _cli(*args, cwd=cwd) as child:
        stderr = _Stderr(child.stderr)  # type: ignore[arg-type]
        if after is not None:
            assert stderr.wait_for(after), stderr.lines
        sent = _signal_a_worker(child, 0.0, lambda _: os.kill(child.pid, signal.SIGTERM))
        assert sent, "the run ended before a worker was running"
        try:
            child.wait(timeout=EXIT_WITHIN_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {EXIT_WITHIN_S} s after SIGTERM")
        lines = stderr.all()
        assert child.stdout is not None
        out = child.stdout.read()
        deadline = time.monotonic() + EXIT_WITHIN_S
        while (left := _in_session(child.pid)) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert left == [], "processes of the run left behind"
        return child.returncode, lines, out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.mark.parametrize("after", [None, "provenance: read "], ids=["reading", "analysing"])
def test_sigterm_ends_a_scan_as_ctrl_c_does(
    corpora: tuple[Path, Path], tmp_path: Path, after: str | None
) -> None:
    small, large = corpora
    # A report from an earlier run is in the folder: it stays as it was, nothing beside it.
    earlier = subprocess.run(
        [sys.executable, "-m", "provenance", "scan", str(small), "-o", "out", "-q"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
        check=False,
    )
    assert earlier.returncode == 0
    before = _files(tmp_path / "out")
    assert "lineage.json" in before
    # Progress on stderr when waiting for the end of reading; else quiet: the one line alone.
    quiet = () if after else ("-q",)
    code, lines, out = _terminated(
        "scan", str(large), "-j", "2", "-o", "out", *quiet, cwd=tmp_path, after=after
    )
    assert code == 143 and lines[-1] == TERMINATED, lines
    assert [s for s in lines if not (after and (s.startswith(after) or PROGRESS.match(s)))] == [TERMINATED]
    assert out == ""
    assert _files(tmp_path / "out") == before
    assert list((tmp_path / "tmp").iterdir()) == []  # texts, records and words: all removed


def test_sigterm_leaves_the_index_as_it_was(corpora: tuple[Path, Path], tmp_path: Path) -> None:
    small, large = corpora
    (tmp_path / "tmp").mkdir()
    first = subprocess.run(
        [sys.executable, "-m", "provenance", "index", "add", str(small), "--index", "idx.sqlite", "-q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    before = _dump(tmp_path / "idx.sqlite")
    args = ("index", "add", str(large), "--index", "idx.sqlite", "-j", "2", "-q")
    code, lines, _ = _terminated(*args, cwd=tmp_path, after=None)
    assert (code, lines) == (143, [TERMINATED])
    assert _dump(tmp_path / "idx.sqlite") == before
    assert list((tmp_path / "tmp").iterdir()) == []

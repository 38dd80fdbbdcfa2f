"""`write_atomic`: all or nothing, and no temporary files left behind; `write_all_atomic`: the
same for several files together."""

from __future__ import annotations

import os
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from provenance.report import write_atomic
from provenance.report.write import write_all_atomic

CONTENT = "Первые новые поезда выйдут на линии уже весной.\nВторая строка — «кавычки».\n"


def test_writes_utf8_exactly(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_atomic(target, CONTENT)
    assert target.read_bytes() == CONTENT.encode("utf-8")
    assert os.listdir(tmp_path) == ["report.json"]


def test_newlines_are_written_as_given(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    write_atomic(target, "a\nb\r\nc")
    assert target.read_bytes() == b"a\nb\r\nc"


def test_creates_parent_directories(tmp_path: Path) -> None:
    target = tmp_path / "out" / "nested" / "report.html"
    write_atomic(target, CONTENT)
    assert target.read_text(encoding="utf-8") == CONTENT


def test_replaces_an_existing_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, CONTENT)
    assert target.read_text(encoding="utf-8") == CONTENT
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["report.json"]


def test_new_file_is_readable_by_others(tmp_path: Path) -> None:
    """The temporary file is private (0600); the finished report must not stay that way."""
    target = tmp_path / "report.json"
    write_atomic(target, CONTENT)
    assert stat.S_IMODE(target.stat().st_mode) & 0o044 == 0o044


def test_accepts_a_string_path(tmp_path: Path) -> None:
    write_atomic(str(tmp_path / "r.txt"), "x")  # type: ignore[arg-type]
    assert (tmp_path / "r.txt").read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failure_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report", encoding="utf-8")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, CONTENT)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old report"
    assert os.listdir(tmp_path) == ["report.json"]


def test_failure_while_writing_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "ok until here \ud800")  # a lone surrogate cannot be UTF-8
    assert os.listdir(tmp_path) == []


def test_the_content_is_fsynced_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        calls.append("replace")
        # The temporary file sits next to the target, so the rename stays on one file system.
        assert Path(src).parent == Path(dst).parent
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomic(tmp_path / "report.json", CONTENT)
    assert calls.index("fsync") < calls.index("replace")


def _failing_chunks() -> Iterator[bytes]:
    yield b"half of it"
    raise OSError("disk full")


def test_several_files_are_written_all_or_none(tmp_path: Path) -> None:
    old = {"lineage.json": "old json", "lineage.html": "old page"}
    for name, text in old.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(OSError, match="disk full"):
        write_all_atomic(
            [(tmp_path / "lineage.json", CONTENT), (tmp_path / "lineage.html", _failing_chunks())]
        )
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == old
    write_all_atomic(
        [(tmp_path / "lineage.json", "new json"), (tmp_path / "lineage.html", [b"new ", b"page"])]
    )
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == {
        "lineage.json": "new json",
        "lineage.html": "new page",
    }


class _Stopped(BaseException):
    pass


def _stop(signum: int, frame: object) -> None:
    raise _Stopped


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_between_two_renames_waits_for_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int
) -> None:
    # Ctrl-C or `kill` as the first file is renamed: the set is renamed whole, then the run stops.
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        real_replace(src, dst)
        if Path(dst).name == "lineage.json":
            os.kill(os.getpid(), signum)

    monkeypatch.setattr(os, "replace", replace)
    previous = signal.signal(signum, _stop)
    # Another thread running, as a library's pool may be: the kernel may give it the signal.
    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    try:
        with pytest.raises(_Stopped):
            write_all_atomic(
                [(tmp_path / "lineage.json", "new json"), (tmp_path / "lineage.html", "new page")]
            )
    finally:
        signal.signal(signum, previous)
        done.set()
        other.join()
    assert sorted(os.listdir(tmp_path)) == ["lineage.html", "lineage.json"]
    assert (tmp_path / "lineage.html").read_text(encoding="utf-8") == "new page"

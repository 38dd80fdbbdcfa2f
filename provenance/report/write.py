"""Write report files so that a reader never sees a half-written one, nor a set of them
from two runs."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

Content = str | bytes | Iterable[bytes]


def write_atomic(path: Path, content: Content) -> None:
    """Write `content` (text as UTF-8, bytes as they are, or chunks of bytes in turn) to
    `path`, all or nothing.

    The text goes to a temporary file in the same directory (so the final rename stays on
    one file system), is flushed and fsynced, then `os.replace`d over `path`. If anything
    fails the temporary file is removed and an existing `path` is left untouched.
    """
    write_all_atomic([(path, content)])


def write_all_atomic(files: Sequence[tuple[Path, Content]]) -> None:
    """Write several files as `write_atomic` writes one, all or none: each to its temporary
    file, and only once every one is written are they renamed into place, one after the
    other with Ctrl-C and SIGTERM held back until the last, so that an interrupted run
    leaves the earlier files, not some of each run. If anything fails before the renames,
    every temporary file is removed and the earlier files are left untouched."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, content in files:
            staged.append((_staged(Path(path), content), Path(path)))
        with _signals_held():
            for tmp, path in staged:
                os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):  # renamed already: gone
                tmp.unlink()
        raise
    for directory in dict.fromkeys(path.parent for _, path in staged):
        _fsync_dir(directory)


def _staged(path: Path, content: Content) -> Path:
    """`content` in a temporary file beside `path`, flushed, fsynced and given `path`'s mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        # Bytes, so "\n" stays "\n" on every platform: reports must be byte-stable.
        if isinstance(content, str):
            content = content.encode("utf-8")
        chunks = [content] if isinstance(content, bytes) else content
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, shared_mode(path))
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def shared_mode(path: Path) -> int:
    """The mode of a file written in place of `path`: mkstemp creates 0600, but a report is
    meant to be shared, and a rewrite keeps the old file's mode."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o644


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM held back, then handled as if they came at the end. Their handlers
    are swapped, not the signals masked: a mask is this thread's, and another thread (a
    library's pool) would take the signal for the handler to run here all the same."""
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers run in the main thread: nothing comes here
        return
    came: list[int] = []
    held = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if handler is not None:  # else installed outside Python: not ours to swap
            held[signum] = signal.signal(signum, lambda s, _: came.append(s))
    try:
        yield
    finally:
        for signum, handler in held.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(came):
            signal.raise_signal(signum)


def _fsync_dir(directory: Path) -> None:
    """Persist the rename itself; not possible (nor needed) on every platform."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

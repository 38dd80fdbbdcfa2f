"""Write report files so that a reader never sees a half-written one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: Path, content: str | bytes | Iterable[bytes]) -> None:
    """Write `content` (text as UTF-8, bytes as they are, or chunks of bytes in turn) to
    `path`, all or nothing.

    The text goes to a temporary file in the same directory (so the final rename stays on
    one file system), is flushed and fsynced, then `os.replace`d over `path`. If anything
    fails the temporary file is removed and an existing `path` is left untouched.
    """
    path = Path(path)
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
        # mkstemp creates 0600; a report is meant to be shared, and a rewrite keeps the old mode.
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


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

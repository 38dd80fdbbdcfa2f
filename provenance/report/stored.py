"""Report lists kept on disk: a report of a million articles is made, checked and written an
entry at a time, never held whole.

`NodeWriter` appends report objects (document entries, say) to a file, one JSON object a
line, in the object's JSON form (`Node.to_dict`); `finish` gives the `StoredNodes` that
reads them back: a `Sequence` whose item i is read from disk (by the offset of its line)
when asked for, and whose iteration streams. A document's text is not written a second time:
the entry is written without it, and its text is read back from where the documents' texts
already are (the scan's `DocumentStore`) when the entry is read.

`Files` owns what stored lists read: their folder and whatever else must be closed. It lets
go of them (closes, removes) when the last list reading them is gone, or when the program
ends, however it ends short of being killed outright. A forked worker inherits the object,
not the files: only the process that made it removes anything.
"""

from __future__ import annotations

import os
import shutil
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import numpy as np
import orjson

from provenance.report.model import Node

N = TypeVar("N", bound=Node)

# Items a stored list keeps once read: one asked for again soon after (a link's two sides,
# a cluster's members) is not read and decoded again.
CACHE_ITEMS = 256
# Bytes read at once while iterating in order.
_READ_BLOCK = 1 << 20


class Files:
    """A folder (made if missing), and what else must be closed, released together (see the
    module)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._closers: list[Callable[[], None]] = []
        self._finalizer = weakref.finalize(self, _release, os.getpid(), folder, self._closers)

    def on_release(self, close: Callable[[], None]) -> None:
        """Call `close` (before the folder is removed) when the files are released."""
        self._closers.append(close)

    def release(self) -> None:
        """Close and remove everything now (a second call does nothing)."""
        self._finalizer()


def _release(pid: int, folder: Path, closers: list[Callable[[], None]]) -> None:
    if os.getpid() != pid:
        return
    for close in reversed(closers):
        with suppress(OSError, ValueError):
            close()
    shutil.rmtree(folder, ignore_errors=True)


class NodeWriter(Generic[N]):
    """Writes report objects of one class to `path`, in order (see the module).

    With `texts`, the objects are document entries: each is written without its text, and
    reading it back puts in `texts[i]`, the text of the document at the same position.
    """

    def __init__(self, cls: type[N], path: Path, files: Files, texts: Sequence[str] | None = None) -> None:
        self.cls, self.path, self.files, self.texts = cls, path, files, texts
        self._file = open(path, "wb")  # noqa: SIM115 (closed by finish)
        files.on_release(self._file.close)
        self._offsets = [0]
        self._with_text = bytearray()

    def add(self, node: N) -> None:
        data = node.to_dict()
        if self.texts is not None:
            self._with_text.append(data.pop("text", None) is not None)
        line = orjson.dumps(data) + b"\n"
        self._file.write(line)
        self._offsets.append(self._offsets[-1] + len(line))

    def finish(self) -> StoredNodes[N]:
        self._file.close()
        offsets = np.array(self._offsets, dtype=np.int64)
        with_text = np.frombuffer(bytes(self._with_text), dtype=np.bool_) if self.texts is not None else None
        return StoredNodes(self.cls, self.path, offsets, self.files, self.texts, with_text)


class StoredNodes(Sequence[N]):
    """The objects a `NodeWriter` wrote, read back when asked for (see the module)."""

    def __init__(
        self,
        cls: type[N],
        path: Path,
        offsets: np.ndarray,
        files: Files,
        texts: Sequence[str] | None = None,
        with_text: np.ndarray | None = None,
    ) -> None:
        self.cls, self.path, self.files = cls, path, files
        self._offsets, self._texts, self._with_text = offsets, texts, with_text
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        files.on_release(lambda: os.close(fd))
        self._fd = fd
        self._cache: OrderedDict[int, N] = OrderedDict()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _node(self, i: int, line: bytes) -> N:
        data: dict[str, Any] = orjson.loads(line)
        if self._with_text is not None and self._with_text[i]:
            assert self._texts is not None
            data["text"] = self._texts[i]
        return self.cls.from_dict(data)

    @overload
    def __getitem__(self, i: int) -> N: ...
    @overload
    def __getitem__(self, i: slice) -> list[N]: ...
    def __getitem__(self, i: int | slice) -> N | list[N]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"item {i} of {n}")
        i = i % n
        found = self._cache.get(i)
        if found is not None:
            self._cache.move_to_end(i)
            return found
        start, end = int(self._offsets[i]), int(self._offsets[i + 1])
        node = self._node(i, _pread(self._fd, end - start, start))
        self._cache[i] = node
        if len(self._cache) > CACHE_ITEMS:
            self._cache.popitem(last=False)
        return node

    def __iter__(self) -> Iterator[N]:
        """The objects in order, read a block of lines at a time."""
        for j, line in enumerate(self._lines()):
            yield self._node(j, line)

    def ids(self) -> list[str]:
        """The `id` of each object, in order, without making the objects or reading texts."""
        return [orjson.loads(line)["id"] for line in self._lines()]

    def _lines(self) -> Iterator[bytes]:
        """Each object's line, in order, read a block at a time."""
        offsets, n, i = self._offsets, len(self), 0
        while i < n:
            # Lines up to a block's worth of bytes past line i, and at least line i.
            stop = max(int(np.searchsorted(offsets, offsets[i] + _READ_BLOCK, side="right")) - 1, i + 1)
            base = int(offsets[i])
            block = _pread(self._fd, int(offsets[stop]) - base, base)
            for j in range(i, stop):
                yield block[int(offsets[j]) - base : int(offsets[j + 1]) - base]
            i = stop

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} {self.cls.__name__} stored in {self.path.name}>"


def _pread(fd: int, size: int, offset: int) -> bytes:
    data = os.pread(fd, size, offset)
    while len(data) < size:  # a short read: only ever of part of a large block
        more = os.pread(fd, size - len(data), offset + len(data))
        if not more:
            raise OSError(f"a stored report list ends {size - len(data)} bytes early")
        data += more
    return data


def ids_of(items: Sequence[Any]) -> list[str]:
    """The `id` of each object of a report's list, in order: of a stored list, without
    making the objects or reading their texts."""
    return items.ids() if isinstance(items, StoredNodes) else [x.id for x in items]

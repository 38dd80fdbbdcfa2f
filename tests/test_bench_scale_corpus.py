"""The generated corpus is pinned: the same (n, seed, byline) writes the same bytes, whatever
is done to make generating faster."""

from __future__ import annotations

import hashlib
import random
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bench import scale_corpus as sc
from bench import synthetic_russian

# Digests of corpora written before generating was made fast.
PINNED = {
    (300, 1, True): "8397066e09277142dab132bede275a99af5e1513514e34d02025635fd886cfb8",
    (120, 5, False): "6ba5b582fb9e5a6ecc7bd990c37a9485dc5b94aa3501f1fde64e932d2d665ba9",
}


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            h.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
            h.update(data)
    h.update(b"planted\0")
    h.update(sc.planted_path(folder).read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize(("n", "seed", "byline"), list(PINNED))
def test_corpus_is_pinned(n: int, seed: int, byline: bool, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    sc.generate(n, folder, seed=seed, byline=byline)
    assert _digest(folder) == PINNED[n, seed, byline]


class _Other(random.Random):
    """Draws as `random.Random` does, but is not one: `Prose` takes its readable methods."""


def test_fast_sentences_draw_as_the_readable_methods() -> None:
    assert synthetic_russian._FAST
    for seed in range(3):
        fast, readable = synthetic_russian.Prose(random.Random(seed)), synthetic_russian.Prose(_Other(seed))
        assert fast._fast and not readable._fast
        calls = random.Random(seed)
        for _ in range(400):
            lo = calls.randint(1, 16)
            hi = calls.randint(lo, 30)
            assert fast.paragraph(3) == readable.paragraph(3)
            assert fast.sentence(lo, hi) == readable.sentence(lo, hi)
            assert fast.word() == readable.word()
        assert fast.rng.getstate() == readable.rng.getstate()


def test_word_count_counts_as_the_regex() -> None:
    prose = synthetic_russian.Prose(random.Random(9))
    sentences = [s for _ in range(300) for s in prose.paragraph(5)]
    assert any(s.startswith("«") for s in sentences) and any("," in s for s in sentences)
    for s in sentences:
        assert synthetic_russian.word_count(s) == len(re.findall(r"\w+", s)), s


@pytest.fixture
def writers(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """The writing processes started, which must all have ended when `generate` returns."""
    started: list[subprocess.Popen[bytes]] = []

    class Popen(subprocess.Popen):  # type: ignore[type-arg]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(sc.subprocess, "Popen", Popen)
    return started


def _ended(writers: list[subprocess.Popen[bytes]]) -> bool:
    return all(w.returncode is not None for w in writers)


def test_the_writing_process_writes_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writers: list[subprocess.Popen[bytes]]
) -> None:
    monkeypatch.setattr(sc, "WRITER_MIN", 1)
    monkeypatch.setattr(sc, "BATCH", 7)
    folder = tmp_path / "articles"
    sc.generate(300, folder, seed=1)
    assert _digest(folder) == PINNED[300, 1, True]
    assert len(writers) == 1 and writers[0].returncode == 0


@pytest.mark.parametrize("writer_min", [1, 10**9])
def test_a_failed_write_leaves_no_planted_copies(
    writer_min: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writers: list[subprocess.Popen[bytes]]
) -> None:
    monkeypatch.setattr(sc, "WRITER_MIN", writer_min)
    monkeypatch.setattr(sc, "BATCH", 7)
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    folder = tmp_path / "file" / "articles"
    with pytest.raises(OSError):
        sc.generate(60, folder, seed=1)
    assert len(writers) == (writer_min == 1) and _ended(writers)
    assert not sc.planted_path(folder).exists()


def test_an_error_while_composing_stops_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writers: list[subprocess.Popen[bytes]]
) -> None:
    monkeypatch.setattr(sc, "WRITER_MIN", 1)
    monkeypatch.setattr(sc, "BATCH", 7)
    compose = sc._compose

    def failing(number: int, *args: Any) -> tuple[str, Any]:
        if number == 100:
            raise RuntimeError("composing failed")
        return compose(number, *args)

    monkeypatch.setattr(sc, "_compose", failing)
    folder = tmp_path / "articles"
    with pytest.raises(RuntimeError, match="composing failed"):
        sc.generate(300, folder, seed=1)
    assert len(writers) == 1 and _ended(writers)
    assert not sc.planted_path(folder).exists()
    written = sorted(folder.rglob("*.txt"))
    assert len(written) == 98  # every whole batch sent before the error, each file whole
    monkeypatch.setattr(sc, "_compose", compose)
    whole = tmp_path / "whole"
    sc.generate(300, whole, seed=1)
    assert [p.read_bytes() for p in written] == [
        (whole / p.relative_to(folder)).read_bytes() for p in written
    ]

"""The generated corpus is pinned: the same (n, seed, byline) writes the same bytes, whatever
is done to make generating faster."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

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

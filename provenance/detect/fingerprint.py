"""Fingerprint stage: cut a document into units and compute a MinHash signature per unit.

Signatures are exactly those of `datasketch.MinHash(num_perm, seed, scheme="affine32",
hashfunc=crc32)` fed the UTF-8 shingles, computed for a whole unit at once with numpy.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import LeanMinHash, MinHash

from provenance.settings import MINHASH_SCHEME, DetectionSettings

TokenRange = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Unit:
    """A stretch of one document's words: `tokens[start:end]` of its analysed text."""

    document: int
    start: int
    end: int


def units(sentence_tokens: list[TokenRange], settings: DetectionSettings) -> list[TokenRange]:
    """Token ranges to fingerprint: sentences, short ones joined to the next, long ones windowed."""
    joined: list[TokenRange] = []
    pending: TokenRange | None = None
    for a, b in sentence_tokens:
        if b <= a:
            continue
        pending = (pending[0], b) if pending else (a, b)
        if pending[1] - pending[0] >= settings.min_words:
            joined.append(pending)
            pending = None
    if pending:
        # A short tail belongs with the sentence before it.
        joined[-1:] = [(joined[-1][0], pending[1])] if joined else [pending]
    out: list[TokenRange] = []
    size, stride = settings.unit_max_words, settings.unit_stride_words
    for a, b in joined:
        if b - a <= size:
            out.append((a, b))
            continue
        start = a
        while start + size < b:
            out.append((start, start + size))
            start += stride
        out.append((b - size, b))
    return out


def shingles(norms: list[str], start: int, end: int, k: int) -> list[bytes]:
    """Word k-grams of `norms[start:end]` as UTF-8; a unit shorter than k is one shingle."""
    if end - start <= k:
        return [" ".join(norms[start:end]).encode("utf-8")]
    return [" ".join(norms[i : i + k]).encode("utf-8") for i in range(start, end - k + 1)]


def shingle_hash(shingle: bytes) -> int:
    """The 32-bit hash datasketch is given as `hashfunc`."""
    return zlib.crc32(shingle)


def _fmix32(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's finalizer, as datasketch applies it before the affine32 permutations.
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=MINHASH_SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def signature(shingle_set: list[bytes], settings: DetectionSettings) -> np.ndarray:
    """MinHash hash values (uint32, one per permutation) of a set of shingles."""
    a, b = _permutations(settings.num_perm, settings.seed)
    hv = np.fromiter((shingle_hash(s) for s in shingle_set), dtype=np.uint32, count=len(shingle_set))
    phv = _fmix32(hv).reshape(-1, 1) * a + b
    return phv.min(axis=0)


def to_datasketch(hashvalues: np.ndarray, settings: DetectionSettings) -> LeanMinHash:
    """The signature as a datasketch LeanMinHash, for datasketch's LSH and comparisons."""
    return LeanMinHash(seed=settings.seed, hashvalues=hashvalues, scheme=MINHASH_SCHEME)


def fingerprint(
    documents: list[list[str]], sentence_tokens: list[list[TokenRange]], settings: DetectionSettings
) -> tuple[list[Unit], np.ndarray]:
    """Units of every document and their signatures, one row per unit."""
    all_units: list[Unit] = []
    rows: list[np.ndarray] = []
    for d, (norms, sents) in enumerate(zip(documents, sentence_tokens, strict=True)):
        for a, b in units(sents, settings):
            all_units.append(Unit(d, a, b))
            rows.append(signature(shingles(norms, a, b, settings.shingle_words), settings))
    sigs = np.vstack(rows) if rows else np.zeros((0, settings.num_perm), dtype=np.uint32)
    return all_units, sigs

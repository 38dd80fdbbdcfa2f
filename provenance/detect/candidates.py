"""Candidate stage: units of different documents that share an LSH band.

The banding is datasketch's `MinHashLSH(params=(bands, rows))` — two units are candidates
when all `rows` hash values of some band are equal — computed with numpy by sorting each
band's keys, not by a dict of buckets: the same pairs (a test checks it against
datasketch), at a fraction of the time and memory.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from provenance.detect.fingerprint import Unit
from provenance.settings import DetectionSettings

DocPair = tuple[int, int]


@cache
def _upper(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs i < j of a group of k (one passage copied k times fills many buckets)."""
    return np.triu_indices(k, k=1)


def _band_pairs(keys: np.ndarray) -> np.ndarray:
    """Index pairs (i < j) of equal rows of `keys` (n × rows), as an (m, 2) array."""
    order = np.lexsort(keys.T[::-1])
    ordered = keys[order]
    equal = np.all(ordered[1:] == ordered[:-1], axis=1)
    if not equal.any():
        return np.empty((0, 2), dtype=np.int64)
    # Runs of equal keys: starts and lengths of the groups with at least two members.
    edges = np.flatnonzero(np.diff(np.concatenate(([False], equal, [False])).astype(np.int8)))
    starts, stops = edges[0::2], edges[1::2] + 1
    out = []
    pairs2 = stops - starts == 2
    if pairs2.any():  # by far the most common group: one pair, taken without a loop
        s = starts[pairs2]
        out.append(np.stack((order[s], order[s + 1]), axis=1))
    for s, e in zip(starts[~pairs2], stops[~pairs2], strict=True):
        members = order[s:e]
        i, j = _upper(len(members))
        out.append(np.stack((members[i], members[j]), axis=1))
    pairs = np.concatenate(out)
    return np.sort(pairs, axis=1)


def candidate_pairs(
    units: list[Unit], signatures: np.ndarray, settings: DetectionSettings
) -> dict[DocPair, int]:
    """Pairs of documents (lower index first), each with the number of unit pairs behind it.

    Bands and rows are set explicitly: datasketch's `threshold=` picks them by weighing
    false positives against false negatives and misses many pairs right at the threshold.
    Units of one document are never paired: repeats inside a document are not reuse.
    """
    if len(units) < 2:
        return {}
    rows = settings.lsh_rows
    found = [
        _band_pairs(signatures[:, band * rows : (band + 1) * rows]) for band in range(settings.lsh_bands)
    ]
    n = np.int64(len(units))
    codes = np.unique(np.concatenate([p[:, 0] * n + p[:, 1] for p in found]))
    docs = np.fromiter((u.document for u in units), dtype=np.int64, count=len(units))
    a, b = docs[codes // n], docs[codes % n]
    keep = a != b
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    n_docs = np.int64(docs.max() + 1)
    pair_codes, counts = np.unique(lo * n_docs + hi, return_counts=True)
    return {(int(c // n_docs), int(c % n_docs)): int(k) for c, k in zip(pair_codes, counts, strict=True)}

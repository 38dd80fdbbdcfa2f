"""Candidate stage: units of different documents that share an LSH band.

The banding is datasketch's `MinHashLSH(params=(bands, rows))` — two units are candidates
when all `rows` hash values of some band are equal — computed with numpy by sorting each
band's keys, not by a dict of buckets: the same pairs (a test checks it against
datasketch), at a fraction of the time and memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from provenance.detect.fingerprint import (
    CorpusShingles,
    DocumentShingles,
    Signatures,
    Unit,
    in_sorted,
    sorted_unique,
)
from provenance.executor import Executor, as_executor
from provenance.settings import DetectionSettings

DocPair = tuple[int, int]


@cache
def _upper(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs i < j of a group of k (one passage copied k times fills many buckets)."""
    return np.triu_indices(k, k=1)


# Units a band's keys are sorted in at once: beyond, the units are split by their keys'
# hash, as equal keys never fall in different parts.
_SORT_UNITS = 1 << 22


def _band_pairs(keys: np.ndarray) -> np.ndarray:
    """Index pairs (i < j) of equal rows of `keys` (n × rows), as an (m, 2) array."""
    if keys.shape[1] > 2:
        order = np.lexsort(keys.T[::-1])
        ordered = keys[order]
        return _runs(order, np.all(ordered[1:] == ordered[:-1], axis=1))
    # Two 32-bit values make one 64-bit key: one sort instead of a lexsort.
    packed = keys[:, 0].astype(np.uint64)
    if keys.shape[1] == 2:
        packed <<= np.uint64(32)
        packed |= keys[:, 1]
    return _key_pairs(packed)


def _key_pairs(packed: np.ndarray) -> np.ndarray:
    """Index pairs (i < j) of equal values of `packed` (uint64), as an (m, 2) array."""
    parts = 1
    while len(packed) > parts * _SORT_UNITS and parts < 64:
        parts *= 2
    if parts == 1:
        order = np.argsort(packed)
        ordered = packed[order]
        return _runs(order, ordered[1:] == ordered[:-1])
    # Minima of hashes crowd the low values, but their low bits are even: the part.
    part_of = (packed & np.uint64(parts - 1)).astype(np.uint8)
    found = []
    for part in range(parts):
        members = np.flatnonzero(part_of == part)
        sub = packed[members]
        order = np.argsort(sub)
        ordered = sub[order]
        found.append(_runs(members[order], ordered[1:] == ordered[:-1]))
        del members, sub, order, ordered
    return np.concatenate(found)


def _runs(order: np.ndarray, equal: np.ndarray) -> np.ndarray:
    """Index pairs (i < j) of the members of each run of equal keys: `order` lists the
    indices by key, `equal[k]` says whether its k-th and k+1-th keys are equal."""
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
    docs = np.fromiter((u.document for u in units), dtype=np.int64, count=len(units))
    documents = int(docs.max()) + 1 if len(docs) else 0
    return _document_pairs(_unit_pair_codes(signatures, 0, settings), docs, documents).to_dict()


def candidate_document_pairs(
    documents: Sequence[DocumentShingles] | CorpusShingles,
    settings: DetectionSettings,
    frequent: np.ndarray,
    executor: int | Executor = 1,
) -> dict[DocPair, int]:
    """`find_candidates` of the documents' shingles, as a dict: (a, b) → unit pairs."""
    flat = CorpusShingles.of(documents)
    return find_candidates(Signatures(flat, settings, frequent), flat.doc_units, settings, executor).to_dict()


@dataclass(frozen=True)
class CandidatePairs:
    """Candidate document pairs, `a[k] < b[k]`, sorted, with the number of candidate unit
    pairs behind each: three arrays, not a Python object a pair."""

    a: np.ndarray  # int64
    b: np.ndarray  # int64
    unit_pairs: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.a)

    def to_dict(self) -> dict[DocPair, int]:
        return dict(
            zip(zip(self.a.tolist(), self.b.tolist(), strict=True), self.unit_pairs.tolist(), strict=True)
        )

    @classmethod
    def empty(cls) -> CandidatePairs:
        return cls(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64))


def find_candidates(
    source: Signatures,
    doc_units: np.ndarray,
    settings: DetectionSettings,
    executor: int | Executor = 1,
) -> CandidatePairs:
    """`candidate_pairs` of every unit of the documents, then kept only where the two units'
    whole signatures agree on at least `settings.candidate_min_jaccard` of their values, and
    only for document pairs whose candidate units share at least
    `settings.candidate_min_shingles` distinct shingles, frequent ones counting only where
    the pair shares as many of them as a whole reuse holds (`settings.reuse_shingles`).

    The loose 64 × 2 banding lets through one pair of unrelated sentences in six that share
    a single common three-word phrase (Jaccard about 0.05); as the archive grows, such pairs
    grow with its square. Their signatures agree on few values, a copy's on many: the
    MinHash estimate of the Jaccard similarity separates them before any alignment. Not
    for short sentences: two of 8 words sharing one phrase have a Jaccard similarity of
    1/11, and their estimate passes a tenth a third of the time; counting the shingles
    they share stops them (on 30,000 generated articles, 4,379 of the 4,380 candidate
    document pairs that alignment found no reuse in, and none of the 15,909 it did).

    Signatures are made a band at a time (`Signatures.band_keys`: 8 bytes a unit), and for
    the units of banded pairs a block of permutations at a time, so memory grows with the
    number of units by bytes, not by the 512 bytes of a whole signature; the bands are
    shared among the executor's processes, which send back only pairs across documents.
    `doc_units` numbers each document's units (`CorpusShingles.doc_units`).
    """
    executor = as_executor(executor)
    if source.units < 2:
        return CandidatePairs.empty()
    rows, bands, perms = settings.lsh_rows, settings.lsh_bands, settings.num_perm
    n = np.int64(source.units)
    documents = len(doc_units) - 1
    # Each unit's document, four bytes a unit.
    docs = np.repeat(np.arange(documents, dtype=np.int32), np.diff(doc_units))

    def band_codes(chunk: list[int]) -> np.ndarray:
        # A pair met in several of the chunk's bands is sent once; repeats inside a
        # document are not reuse (most pairs a band finds are overlapping windows of one
        # long sentence): dropped here.
        found = []
        for band in chunk:
            if rows <= 2:
                pairs = _key_pairs(source.band_keys(band * rows, rows))
            else:
                pairs = _band_pairs(source.block(band * rows, rows))
            pairs = pairs[docs[pairs[:, 0]] != docs[pairs[:, 1]]]
            found.append(pairs[:, 0] * n + pairs[:, 1])
        return _unique(np.concatenate(found))

    # Merged as they come, when those waiting outnumber those merged: the pairs met in many
    # bands are held about once, not once a chunk.
    codes, waiting = np.empty(0, dtype=np.int64), []
    for found in executor.stream("candidates", band_codes, range(bands), "bands", min_items=2):
        waiting.append(found)
        if sum(map(len, waiting)) > len(codes):
            codes = _unique(np.concatenate([codes, *waiting]))
            waiting = []
    codes = _unique(np.concatenate([codes, *waiting]))
    del waiting
    if settings.candidate_min_jaccard > 0 and len(codes):
        codes = codes[_agreeing(source, codes, n, perms) >= settings.candidate_min_jaccard * perms]
    if settings.candidate_min_shingles > 1 and len(codes):
        left, right = codes // n, codes % n
        # Units are numbered in document order, so the left unit's document is the lower.
        pair_codes = docs[left] * np.int64(documents) + docs[right]
        doc_pairs, group = np.unique(pair_codes, return_inverse=True)
        del pair_codes
        rare, frequent = _shared_shingles(source, docs, left, right, group, len(doc_pairs))
        del left, right
        shared = rare + np.where(frequent >= settings.reuse_shingles, frequent, 0)
        codes = codes[(shared >= settings.candidate_min_shingles)[group]]
    return _document_pairs(codes, docs, documents)


# Permutations whose values are compared at once when estimating a unit pair's similarity.
_PERMS_PER_ESTIMATE = 16


def _agreeing(source: Signatures, codes: np.ndarray, n: np.int64, perms: int) -> np.ndarray:
    """For each unit pair (code `i * n + j`), on how many of the permutations the two units'
    signatures agree: counted a block of permutations at a time, so only that block of
    the signatures of the units in a pair is held."""
    left, right = codes // n, codes % n
    chosen = _unique(np.concatenate((left, right)))
    rows_left = np.searchsorted(chosen, left).astype(np.int32 if len(chosen) < 1 << 31 else np.int64)
    del left
    rows_right = np.searchsorted(chosen, right).astype(rows_left.dtype)
    del right
    agree = np.zeros(len(codes), dtype=np.int16)
    for p in range(0, perms, _PERMS_PER_ESTIMATE):
        sigs = source.of_units(chosen, p, min(_PERMS_PER_ESTIMATE, perms - p))
        for k in range(0, len(codes), _PAIRS_PER_ESTIMATE):
            part = slice(k, k + _PAIRS_PER_ESTIMATE)
            agree[part] += (sigs[rows_left[part]] == sigs[rows_right[part]]).sum(axis=1, dtype=np.int16)
    return agree


def _shared_shingles(
    source: Signatures, docs: np.ndarray, left: np.ndarray, right: np.ndarray, group: np.ndarray, groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each document pair (`group` numbers the pair of each unit pair), how many distinct
    shingles its candidate units in the one document, with the units beside them, share
    with those in the other (`docs`: each unit's document): those not frequent, and the
    frequent ones (`source.frequent`), apart.

    A reuse is at least `min_words` words, which hold several shingles; two documents whose
    candidate sentences share one or two common three-word phrases ("ещё сообщил о",
    "… – сказал он") hold none, and such pairs grow with the square of the archive. A reuse
    may run on past the end of a candidate sentence ("…in object oriented programming. It
    models the reuse of existing…" against one sentence of the other text): the units
    beside the candidates count too. The shingles are those the signatures were made of;
    frequent ones among them are an outlet's sign-off as often as a widely copied passage,
    so the caller weighs them apart.
    Document pairs are taken whole, a few thousand unit pairs at a time.
    """
    order = np.argsort(group, kind="stable")
    left, right, group = left[order], right[order], group[order]
    first = np.searchsorted(group, np.arange(groups + 1))  # where each pair's unit pairs start
    counts = np.zeros(groups, dtype=np.int64)
    frequent = np.zeros(groups, dtype=np.int64)
    start = 0
    while start < len(group):
        # About _PAIRS_PER_ESTIMATE unit pairs, back to where a document pair starts, and at
        # least one document pair.
        stop = start + _PAIRS_PER_ESTIMATE
        if stop < len(group):
            stop = max(first[group[stop]], first[group[start] + 1])
        low = group[start]
        mine = group[start:stop] - low
        sides = []
        for units in (left[start:stop], right[start:stop]):
            near = np.concatenate((units - 1, units, units + 1))
            near_group = np.tile(mine, 3)
            beside = (near >= 0) & (near < len(docs))
            beside[beside] &= docs[near[beside]] == np.tile(docs[units], 3)[beside]
            near, near_group = near[beside], near_group[beside]
            hashes, owner = source.shingles_of(near)
            sides.append(_unique((near_group[owner].astype(np.uint64) << np.uint64(32)) | hashes))
        common = np.intersect1d(sides[0], sides[1], assume_unique=True)
        owners = (common >> np.uint64(32)).astype(np.int64)
        is_frequent = in_sorted(source.frequent, (common & np.uint64(0xFFFFFFFF)).astype(np.uint32))
        size = int(mine[-1]) + 1
        counts[low : low + size] += np.bincount(owners[~is_frequent], minlength=size)
        frequent[low : low + size] += np.bincount(owners[is_frequent], minlength=size)
        start = stop
    return counts, frequent


_unique = sorted_unique


# Unit pairs compared at once when estimating: (pairs × 128) booleans.
_PAIRS_PER_ESTIMATE = 1 << 16


def _unit_pair_codes(sigs: np.ndarray, first_band: int, settings: DetectionSettings) -> np.ndarray:
    """Unit pairs sharing a band of the block (bands from `first_band`), as codes `i * n + j`."""
    n, rows = np.int64(len(sigs)), settings.lsh_rows
    if n < 2:
        return np.empty(0, dtype=np.int64)
    bands = min(sigs.shape[1] // rows, settings.lsh_bands - first_band)
    found = [_band_pairs(sigs[:, k * rows : (k + 1) * rows]) for k in range(bands)]
    return _unique(np.concatenate([p[:, 0] * n + p[:, 1] for p in found]))


def _document_pairs(codes: np.ndarray, docs: np.ndarray, documents: int) -> CandidatePairs:
    if not len(codes):
        return CandidatePairs.empty()
    n = np.int64(len(docs))
    a, b = docs[codes // n], docs[codes % n]
    keep = a != b
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    n_docs = np.int64(documents)
    ordered = np.sort(lo * n_docs + hi)
    if not len(ordered):
        return CandidatePairs.empty()
    firsts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    pair_codes = ordered[firsts]
    counts = np.diff(np.append(firsts, len(ordered))).astype(np.int64)
    return CandidatePairs(pair_codes // n_docs, pair_codes % n_docs, counts)

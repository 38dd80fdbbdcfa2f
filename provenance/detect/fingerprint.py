"""Fingerprint stage: cut a document into units and compute a MinHash signature per unit.

Signatures are exactly those of `datasketch.MinHash(num_perm, seed, scheme="affine32",
hashfunc=crc32)` fed the UTF-8 shingles, computed for a whole unit at once with numpy.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from provenance.settings import MINHASH_SCHEME, DetectionSettings

if TYPE_CHECKING:
    from datasketch import LeanMinHash

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
    # datasketch's affine32 permutations (MinHash._init_permutations), drawn the same way
    # here because importing datasketch costs a third of a second (its LSH imports scipy),
    # too much for `provenance check` at an editor's desk. A test compares the two.
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signature(shingle_set: list[bytes], settings: DetectionSettings) -> np.ndarray:
    """MinHash hash values (uint32, one per permutation) of a set of shingles."""
    hv = np.fromiter((shingle_hash(s) for s in shingle_set), dtype=np.uint32, count=len(shingle_set))
    return hashes_signature(hv, settings)


def hashes_signature(hashes: np.ndarray, settings: DetectionSettings) -> np.ndarray:
    """`signature` of the shingles whose `shingle_hash` values these are (empty: all 2^32 - 1)."""
    a, b = _permutations(settings.num_perm, settings.seed)
    if not len(hashes):
        return np.full(settings.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    return (_fmix32(np.asarray(hashes, dtype=np.uint32)).reshape(-1, 1) * a + b).min(axis=0)


# datasketch's LeanMinHash serialization, little-endian: seed, negated count, scheme code
# (1 = affine32), then the uint32 values. `LeanMinHash.deserialize(data, "<")` reads it.
_LEAN_HEADER = struct.Struct("<qiB")
_AFFINE32 = 1


def signature_bytes(hashvalues: np.ndarray, settings: DetectionSettings) -> bytes:
    """The signature as the bytes of `LeanMinHash.serialize(buf, byteorder="<")`."""
    values = np.asarray(hashvalues, dtype="<u4")
    return _LEAN_HEADER.pack(settings.seed, -len(values), _AFFINE32) + values.tobytes()


def signature_from_bytes(data: bytes) -> tuple[int, np.ndarray]:
    """(seed, hash values) of bytes written by `signature_bytes` or by datasketch."""
    if len(data) < _LEAN_HEADER.size:
        raise ValueError("too short for a serialized LeanMinHash")
    seed, negated, scheme = _LEAN_HEADER.unpack_from(data)
    if scheme != _AFFINE32 or negated >= 0 or len(data) != _LEAN_HEADER.size - 4 * negated:
        raise ValueError("not an affine32 LeanMinHash serialized little-endian")
    return seed, np.frombuffer(data, dtype="<u4", offset=_LEAN_HEADER.size).astype(np.uint32)


def winnow(hashes: np.ndarray, window: int) -> np.ndarray:
    """The distinct minima of every `window` consecutive hashes, sorted (Schleimer et al.'s
    winnowing). Two sequences sharing a run of `window` hashes share at least one of them,
    so an index of the minima finds every run that long; shorter sequences keep everything."""
    hashes = np.asarray(hashes, dtype=np.uint32)
    if len(hashes) <= window:
        return np.unique(hashes)
    return np.unique(np.lib.stride_tricks.sliding_window_view(hashes, window).min(axis=1))


def to_datasketch(hashvalues: np.ndarray, settings: DetectionSettings) -> LeanMinHash:
    """The signature as a datasketch LeanMinHash, for datasketch's LSH and comparisons."""
    from datasketch import LeanMinHash  # imported only here: see _permutations

    return LeanMinHash(seed=settings.seed, hashvalues=hashvalues, scheme=MINHASH_SCHEME)


def fingerprint(
    documents: list[list[str]], sentence_tokens: list[list[TokenRange]], settings: DetectionSettings
) -> tuple[list[Unit], np.ndarray]:
    """Units of every document and their signatures, one row per unit (all shingles kept)."""
    shingled = [document_shingles(n, s, settings) for n, s in zip(documents, sentence_tokens, strict=True)]
    all_units = [Unit(d, int(a), int(b)) for d, sh in enumerate(shingled) for a, b in sh.units]
    sigs = signatures(shingled, settings, np.empty(0, dtype=np.uint32))
    return all_units, sigs


@dataclass(frozen=True)
class DocumentShingles:
    """A document's units and the hashes of their shingles.

    Unit `u` covers tokens `units[u, 0]:units[u, 1]`; its shingle hashes are
    `hashes[offsets[u]:offsets[u + 1]]`.
    """

    units: np.ndarray  # (k, 2) int32
    offsets: np.ndarray  # (k + 1,) int64
    hashes: np.ndarray  # uint32

    def __len__(self) -> int:
        return len(self.units)


def document_shingles(
    norms: list[str], sentence_tokens: list[TokenRange], settings: DetectionSettings
) -> DocumentShingles:
    """The units of one document and the hashes of their shingles (`shingles`, hashed)."""
    ranges = units(sentence_tokens, settings)
    k = settings.shingle_words
    # Four bytes a hash, not a Python int: a long document has tens of millions.
    hashes = array("I")
    offsets = [0]
    for a, b in ranges:
        if b - a <= k:
            hashes.append(shingle_hash(" ".join(norms[a:b]).encode("utf-8")))
        else:
            grams = zip(*(norms[a + t : b] for t in range(k)), strict=False)
            hashes.extend(map(shingle_hash, map(str.encode, map(" ".join, grams))))
        offsets.append(len(hashes))
    return DocumentShingles(
        np.array(ranges, dtype=np.int32).reshape(-1, 2),
        np.array(offsets, dtype=np.int64),
        np.array(hashes, dtype=np.uint32),
    )


@dataclass(frozen=True)
class CorpusShingles:
    """Every document's units' shingle hashes as three flat arrays, not an object per
    document: a few bytes a unit and four a shingle.

    Document `d` has units `doc_units[d]:doc_units[d + 1]`; unit `u`'s shingle hashes are
    `hashes[offsets[u]:offsets[u + 1]]`, units numbered across the documents in order.
    """

    doc_units: np.ndarray  # (documents + 1,) int64
    offsets: np.ndarray  # (units + 1,) int64
    hashes: np.ndarray  # uint32

    def __len__(self) -> int:
        return len(self.doc_units) - 1

    @property
    def units(self) -> int:
        return len(self.offsets) - 1

    @classmethod
    def of(cls, documents: Sequence[DocumentShingles] | CorpusShingles) -> CorpusShingles:
        """The documents' shingles, flat."""
        if isinstance(documents, CorpusShingles):
            return documents
        counts = np.fromiter((len(d) for d in documents), dtype=np.int64, count=len(documents))
        sizes = [np.diff(d.offsets) for d in documents]
        hashes = [d.hashes[d.offsets[0] : d.offsets[-1]] for d in documents if len(d)]
        return cls(
            np.concatenate(([0], np.cumsum(counts))),
            np.concatenate(([0], np.cumsum(np.concatenate([*sizes, np.empty(0, np.int64)])))),
            np.concatenate([*hashes, np.empty(0, np.uint32)]).astype(np.uint32, copy=False),
        )

    def unit_blocks(self, shingles: int) -> list[tuple[int, int]]:
        """Runs of whole units of about `shingles` shingles (at least one unit each)."""
        if not self.units:
            return []
        cuts = np.unique(np.searchsorted(self.offsets[:-1], np.arange(0, int(self.offsets[-1]), shingles)))
        cuts = [0, *cuts[cuts > 0].tolist()]
        return list(zip(cuts, [*cuts[1:], self.units], strict=True))

    def document_blocks(self, shingles: int) -> list[tuple[int, int]]:
        """Runs of whole documents of about `shingles` shingles (at least one document each)."""
        if not len(self):
            return []
        firsts = self.offsets[self.doc_units[:-1]]
        cuts = np.unique(
            np.searchsorted(firsts, np.arange(0, int(self.offsets[-1]), shingles), side="right") - 1
        )
        cuts = [0, *cuts[cuts > 0].tolist()]
        return list(zip(cuts, [*cuts[1:], len(self)], strict=True))


# Shingles a step handles at once when it goes through the corpus a block at a time.
_PASS_SHINGLES = 1 << 22
# Counting shingles by documents: shingles taken at once, distinct values held at once, and
# at most this many passes over them.
_COUNT_SHINGLES = 1 << 20
_PASS_VALUES = 1 << 23
_MAX_PASSES = 16


def frequent_shingles(
    documents: Sequence[DocumentShingles] | CorpusShingles, max_documents: int
) -> np.ndarray:
    """Hashes of the shingles found in more than `max_documents` documents, sorted.

    Counted a range of hash values at a time (the top bits), a block of documents at a
    time, so what is held at once is a fraction of the corpus's shingles, not all of them.
    """
    flat = CorpusShingles.of(documents)
    total = int(flat.offsets[-1])
    if not len(flat) or not total:
        return np.empty(0, dtype=np.uint32)
    passes = 1
    while total > passes * _PASS_VALUES and passes < _MAX_PASSES:
        passes *= 2
    shift = np.uint32(33 - passes.bit_length())
    starts = flat.offsets[flat.doc_units]  # each document's first shingle, and the end
    blocks = flat.document_blocks(_COUNT_SHINGLES)
    found = []
    for part in range(passes):
        present = []
        for d0, d1 in blocks:
            hashes = flat.hashes[int(starts[d0]) : int(starts[d1])]
            owner = np.repeat(np.arange(d1 - d0, dtype=np.uint64), np.diff(starts[d0 : d1 + 1]))
            if passes > 1:
                mine = (hashes >> shift) == part
                hashes, owner = hashes[mine], owner[mine]
            # A document's distinct hashes: the distinct (document, hash) keys.
            owner <<= np.uint64(32)
            owner |= hashes
            present.append((sorted_unique(owner) & np.uint64(0xFFFFFFFF)).astype(np.uint32))
            del owner
        values = np.concatenate([*present, np.empty(0, np.uint32)])
        del present
        values.sort()
        # In more than `max_documents` documents: equal to the value that many places on.
        k = max(0, max_documents)
        if len(values) > k:
            found.append(sorted_unique(values[: len(values) - k][values[k:] == values[: len(values) - k]]))
    return np.concatenate([*found, np.empty(0, np.uint32)])


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """`np.unique(values)`, by sorting: numpy 2.3 and later find the distinct values of an
    integer array through a hash table first, ten times slower on millions of them."""
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def in_sorted(sorted_keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each value, whether it is in `sorted_keys` (sorted): a binary search in C, where
    `np.isin` sorts both arrays every call."""
    if not len(sorted_keys):
        return np.zeros(len(values), dtype=bool)
    pos = np.searchsorted(sorted_keys, values)
    pos[pos == len(sorted_keys)] = 0
    return sorted_keys[pos] == values


def _kept_shingles(doc: DocumentShingles, frequent: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The unit offsets and hashes of a document left once boilerplate-like shingles are
    set aside (see `_kept`)."""
    return _kept(doc.offsets, doc.hashes, frequent, k)


def _kept(
    offsets: np.ndarray, all_hashes: np.ndarray, frequent: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (from 0) and hashes of units whose shingles are
    `all_hashes[offsets[0]:offsets[-1]]`, once boilerplate-like shingles are set aside.

    A shingle found in very many documents (a byline, a dateline, a sign-off) is dropped,
    with the shingles that share a word with it ("… сказал он Источник", which the
    byline makes common too), from a unit only where they are a minority of its shingles:
    a passage copied by hundreds of outlets consists of frequent shingles only and keeps them.
    """
    hashes = all_hashes[offsets[0] : offsets[-1]]
    offsets = offsets - offsets[0]
    if not len(frequent) or not len(hashes):
        return offsets, hashes
    is_frequent = in_sorted(frequent, hashes)
    if not is_frequent.any():
        return offsets, hashes
    sizes = np.diff(offsets)
    unit_of = np.repeat(np.arange(len(sizes)), sizes)
    # Shingle i of a unit holds words i … i+k-1: it shares a word with shingles i-k+1 … i+k-1.
    tainted = is_frequent.copy()
    n = len(is_frequent)
    for d in range(1, k):
        same = unit_of[d:] == unit_of[:-d]
        tainted[d:] |= is_frequent[:-d] & same
        tainted[: n - d] |= is_frequent[d:] & same
    tainted_in_unit = np.bincount(unit_of, weights=tainted, minlength=len(sizes))
    minority = 2 * tainted_in_unit < sizes
    keep = ~(tainted & minority[unit_of])
    kept_sizes = np.bincount(unit_of, weights=keep, minlength=len(sizes)).astype(np.int64)
    return np.concatenate(([0], np.cumsum(kept_sizes))), hashes[keep]


# Signatures are computed for this many shingles at a time, a few permutations at a time,
# so memory stays at a few hundred bytes a unit whatever the corpus size.
_BLOCK_SHINGLES = 1 << 18


class Signatures:
    """The signatures of every unit of the documents, made a block of permutations at a time.

    Whole signatures cost 512 bytes a unit; LSH needs only a few bands at once, so blocks are
    made on demand (in any process: a forked worker inherits the prepared hashes), and whole
    signatures only for the units asked for.
    """

    def __init__(
        self,
        documents: Sequence[DocumentShingles] | CorpusShingles,
        settings: DetectionSettings,
        frequent: np.ndarray,
        in_place: bool = False,
    ):
        """`in_place`: the hashes of `documents` (a `CorpusShingles`) are overwritten by the
        signatures' own, so the corpus's hashes are never held twice; they are the caller's
        no longer."""
        flat = CorpusShingles.of(documents)
        self.units = flat.units
        # Boilerplate-like shingles set aside a block of units at a time, into one array.
        # Each block's kept hashes are no more than its hashes, and are written where the
        # block's or earlier hashes were, once all of the block's have been read.
        self._offsets = np.zeros(self.units + 1, dtype=np.int64)
        mixed = flat.hashes if in_place else np.empty(int(flat.offsets[-1]), dtype=np.uint32)
        for u0, u1 in flat.unit_blocks(_PASS_SHINGLES):
            offsets, hashes = _kept(flat.offsets[u0 : u1 + 1], flat.hashes, frequent, settings.shingle_words)
            at = int(self._offsets[u0])
            self._offsets[u0 + 1 : u1 + 1] = offsets[1:] + at
            mixed[at : at + len(hashes)] = _fmix32(hashes)
        # The few shingles set aside leave the end of the array unused.
        self._hashes = mixed[: int(self._offsets[-1])]
        # Runs of whole units of about _BLOCK_SHINGLES shingles: the rows computed at once.
        starts = self._offsets[:-1]
        cuts = np.searchsorted(starts, np.arange(0, len(self._hashes), _BLOCK_SHINGLES)).tolist()
        self._runs = list(zip(cuts, [*cuts[1:], self.units], strict=True)) if cuts else []
        self._a, self._b = _permutations(settings.num_perm, settings.seed)
        self._perms = settings.num_perm
        # The frequent shingles as `shingles_of` gives shingles, sorted.
        self.frequent = sorted_unique(_fmix32(np.asarray(frequent, dtype=np.uint32)))

    @property
    def _starts(self) -> np.ndarray:
        return self._offsets[:-1]

    @property
    def _ends(self) -> np.ndarray:
        return self._offsets[1:]

    def block(self, first: int, count: int) -> np.ndarray:
        """Hash values of permutations `first … first+count-1`, one row per unit."""
        a, b = self._a[first : first + count], self._b[first : first + count]
        out = np.empty((self.units, len(a)), dtype=np.uint32)
        for u0, u1 in self._runs:
            if u1 > u0:
                out[u0:u1] = self._rows(
                    self._hashes[self._starts[u0] : self._ends[u1 - 1]],
                    self._starts[u0:u1] - self._starts[u0],
                    a,
                    b,
                )
        return out

    def band_keys(self, first: int, rows: int) -> np.ndarray:
        """Each unit's values of permutations `first … first+rows-1` (one or two) as one
        64-bit key, the first value in the high half: made a run of units at a time, so no
        block of values is held beside them."""
        if rows not in (1, 2):
            raise ValueError("a band key holds one or two values")
        a, b = self._a[first : first + rows], self._b[first : first + rows]
        out = np.empty(self.units, dtype=np.uint64)
        for u0, u1 in self._runs:
            if u1 > u0:
                values = self._rows(
                    self._hashes[self._starts[u0] : self._ends[u1 - 1]],
                    self._starts[u0:u1] - self._starts[u0],
                    a,
                    b,
                )
                key = out[u0:u1]
                key[:] = values[:, 0]
                if rows == 2:
                    key <<= np.uint64(32)
                    key |= values[:, 1]
        return out

    def of_units(self, units: np.ndarray, first: int = 0, count: int | None = None) -> np.ndarray:
        """Signatures of the given units, one row each: of permutations `first …
        first+count-1` (default: all)."""
        count = self._perms - first if count is None else count
        a, b = self._a[first : first + count], self._b[first : first + count]
        out = np.empty((len(units), len(a)), dtype=np.uint32)
        step = max(1, _BLOCK_SHINGLES // 64)
        for k in range(0, len(units), step):
            chosen = units[k : k + step]
            sizes = self._ends[chosen] - self._starts[chosen]
            local = np.cumsum(sizes) - sizes
            # Positions of every chosen unit's shingles in the concatenated hashes.
            positions = np.repeat(self._starts[chosen] - local, sizes) + np.arange(int(sizes.sum()))
            out[k : k + len(chosen)] = self._rows(self._hashes[positions], local, a, b)
        return out

    def shingles_of(self, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The shingles the signatures of the given units are made of, concatenated, and the
        unit each belongs to (its position in `units`). Shingles appear as hashes mixed by
        MurmurHash3's finalizer, a bijection: equal shingles have equal values."""
        sizes = self._ends[units] - self._starts[units]
        local = np.cumsum(sizes) - sizes
        positions = np.repeat(self._starts[units] - local, sizes) + np.arange(int(sizes.sum()))
        return self._hashes[positions], np.repeat(np.arange(len(units)), sizes)

    @staticmethod
    def _rows(hv: np.ndarray, starts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # A permutation at a time, over flat arrays: numpy is slow along a short last axis.
        out = np.empty((len(starts), len(a)), dtype=np.uint32)
        permuted = np.empty_like(hv)
        for j in range(len(a)):
            np.multiply(hv, a[j], out=permuted)
            permuted += b[j]
            out[:, j] = np.minimum.reduceat(permuted, starts)
        return out


def signatures(
    documents: Sequence[DocumentShingles] | CorpusShingles, settings: DetectionSettings, frequent: np.ndarray
) -> np.ndarray:
    """Every unit's whole signature, one row per unit in document order."""
    return Signatures(documents, settings, frequent).block(0, settings.num_perm)

"""Fingerprints: units, shingles, and signatures identical to datasketch's own."""

from __future__ import annotations

import random
import zlib

import numpy as np
import pytest
from datasketch import MinHash

from provenance.detect.fingerprint import (
    CorpusShingles,
    Signatures,
    document_shingles,
    fingerprint,
    frequent_shingles,
    in_sorted,
    shingles,
    signature,
    signatures,
    to_datasketch,
    units,
)
from provenance.settings import DetectionSettings

S = DetectionSettings()


def test_signature_equals_datasketch_minhash() -> None:
    rng = random.Random(7)
    words = [rng.choice(["саммит", "азия", "россия", "президент", "торговля", "рост"]) for _ in range(30)]
    sh = shingles(words, 0, len(words), 3)
    reference = MinHash(num_perm=S.num_perm, seed=S.seed, scheme="affine32", hashfunc=zlib.crc32)
    reference.update_batch(sh)
    ours = signature(sh, S)
    assert ours.dtype == np.uint32
    assert np.array_equal(ours, reference.hashvalues)
    assert to_datasketch(ours, S).jaccard(reference) == 1.0


def test_shingles_are_word_trigrams_and_short_units_are_one_shingle() -> None:
    assert shingles(["a", "b", "c", "d"], 0, 4, 3) == [b"a b c", b"b c d"]
    assert shingles(["a", "b"], 0, 2, 3) == [b"a b"]


def test_short_sentences_join_the_next_and_long_ones_are_windowed() -> None:
    settings = DetectionSettings(min_words=8, unit_max_words=40, unit_stride_words=20)
    # Sentences of 3, 6, 10 and 100 words, then a short tail of 2.
    bounds = [(0, 3), (3, 9), (9, 19), (19, 119), (119, 121)]
    got = units(bounds, settings)
    assert got[0] == (0, 9)  # 3 + 6 words joined
    assert got[1] == (9, 19)
    windows = got[2:]
    assert windows[0] == (19, 59)
    assert windows[-1] == (81, 121)  # the last window reaches the end, tail included
    assert all(b - a <= 40 for a, b in windows)
    covered = set().union(*(range(a, b) for a, b in got))
    assert covered == set(range(121))


def test_fingerprint_rows_follow_units() -> None:
    docs = [[f"w{i}" for i in range(20)], [f"x{i}" for i in range(5)]]
    sents = [[(0, 10), (10, 20)], [(0, 5)]]
    found, sigs = fingerprint(docs, sents, S)
    assert [(u.document, u.start, u.end) for u in found] == [(0, 0, 10), (0, 10, 20), (1, 0, 5)]
    assert sigs.shape == (3, S.num_perm)


def test_unit_hashes_and_bulk_signatures_are_datasketch_minhashes_of_the_unit() -> None:
    rng = random.Random(3)
    vocab = ["саммит", "азия", "россия", "президент", "торговля", "рост", "и", "в"]
    norms = [rng.choice(vocab) for _ in range(70)]
    sents = [(0, 2), (2, 15), (15, 16), (16, 70)]  # short, normal, one word, windowed
    doc = document_shingles(norms, sents, S)
    sigs = signatures([doc], S, np.empty(0, dtype=np.uint32))
    assert len(doc) == len(units(sents, S)) == len(sigs)
    for u, (a, b) in enumerate(doc.units):
        expected = shingles(norms, int(a), int(b), S.shingle_words)
        got = doc.hashes[doc.offsets[u] : doc.offsets[u + 1]]
        assert got.tolist() == [zlib.crc32(s) for s in expected]
        reference = MinHash(num_perm=S.num_perm, seed=S.seed, scheme="affine32", hashfunc=zlib.crc32)
        reference.update_batch(expected)
        assert np.array_equal(sigs[u], reference.hashvalues)


def test_whole_signatures_of_chosen_units_are_the_rows_of_the_blocks() -> None:
    rng = random.Random(9)
    docs = [[f"w{rng.randrange(50)}" for _ in range(rng.randint(5, 60))] for _ in range(30)]
    shingled = [document_shingles(d, [(0, len(d))], S) for d in docs]
    source = Signatures(shingled, S, np.empty(0, dtype=np.uint32))
    whole = np.hstack([source.block(p, 16) for p in range(0, S.num_perm, 16)])
    chosen = np.array(sorted(rng.sample(range(source.units), 25)))
    assert np.array_equal(source.of_units(chosen), whole[chosen])
    assert np.array_equal(whole, signatures(shingled, S, np.empty(0, dtype=np.uint32)))


def test_band_keys_are_the_blocks_values_packed() -> None:
    rng = random.Random(10)
    docs = [[f"w{rng.randrange(50)}" for _ in range(rng.randint(5, 60))] for _ in range(30)]
    source = Signatures(
        [document_shingles(d, [(0, len(d))], S) for d in docs], S, np.empty(0, dtype=np.uint32)
    )
    for first in (0, 6, S.num_perm - 2):
        block = source.block(first, 2).astype(np.uint64)
        assert np.array_equal(source.band_keys(first, 2), (block[:, 0] << np.uint64(32)) | block[:, 1])
        assert np.array_equal(source.band_keys(first, 1), block[:, 0])


def test_signatures_made_in_place_are_the_same() -> None:
    rng = random.Random(12)
    # Each document's unit ends with the same byline, a minority of its shingles: set aside,
    # so the kept hashes move down the array.
    docs = [
        [f"d{d}w{i}" for i in range(rng.randint(8, 30))] + ["источник", "голос", "долины"] for d in range(40)
    ]
    shingled = [document_shingles(d, [(0, len(d))], S) for d in docs]
    frequent = frequent_shingles(shingled, 20)
    assert len(frequent) == 1
    whole = Signatures(shingled, S, frequent).block(0, S.num_perm)
    flat = CorpusShingles.of(shingled)
    assert np.array_equal(Signatures(flat, S, frequent, in_place=True).block(0, S.num_perm), whole)
    assert not np.array_equal(whole, Signatures(shingled, S, frequent[:0]).block(0, S.num_perm))


def test_in_sorted_is_membership() -> None:
    keys = np.array([3, 7, 7, 20], dtype=np.uint64)
    values = np.array([0, 3, 5, 7, 20, 21], dtype=np.uint64)
    assert in_sorted(keys, values).tolist() == [False, True, False, True, True, False]
    assert not in_sorted(keys[:0], values).any()


def test_permutations_are_datasketchs_for_any_seed() -> None:
    from provenance.detect.fingerprint import _permutations

    for num_perm, seed in ((128, 1), (64, 7), (16, 12345)):
        a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        ours = _permutations(num_perm, seed)
        assert np.array_equal(ours[0], a) and np.array_equal(ours[1], b)


def test_signature_bytes_are_datasketchs_lean_minhash_serialization() -> None:
    from datasketch import LeanMinHash

    from provenance.detect.fingerprint import hashes_signature, signature_bytes, signature_from_bytes

    sh = shingles(
        ["первый", "саммит", "центральная", "азия", "россия", "состоявшийся", "три", "года", "назад"], 0, 9, 3
    )
    reference = MinHash(num_perm=S.num_perm, seed=S.seed, scheme="affine32", hashfunc=zlib.crc32)
    reference.update_batch(sh)
    values = hashes_signature(np.array([zlib.crc32(s) for s in sh], dtype=np.uint32), S)
    data = signature_bytes(values, S)
    lean = LeanMinHash(reference)
    buf = bytearray(lean.bytesize("<"))
    lean.serialize(buf, "<")
    assert data == bytes(buf)
    assert LeanMinHash.deserialize(data, "<").jaccard(reference) == 1.0
    seed, back = signature_from_bytes(bytes(buf))
    assert seed == S.seed and np.array_equal(back, reference.hashvalues)
    for bad in (data[:-1], data[:12] + b"\x02" + data[13:], b"\x80\x04pickle"):
        with pytest.raises(ValueError):
            signature_from_bytes(bad)


def test_winnowing_keeps_a_hash_of_every_window_and_fewer_than_all() -> None:
    from provenance.detect.fingerprint import winnow

    rng = np.random.default_rng(3)
    hashes = rng.integers(0, 2**32, 600, dtype=np.uint64).astype(np.uint32)
    kept = winnow(hashes, 6)
    assert np.all(np.diff(kept.astype(np.int64)) > 0)
    for i in range(len(hashes) - 5):
        assert np.isin(hashes[i : i + 6], kept).any()
    assert len(kept) < 0.45 * len(hashes)  # density about 2 / (w + 1)
    assert np.array_equal(winnow(hashes[:4], 6), np.unique(hashes[:4]))

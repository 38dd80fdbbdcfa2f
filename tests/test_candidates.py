"""LSH candidates: the recall the chosen bands and rows give at the threshold."""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import pairwise

import numpy as np
import pytest
from datasketch import MinHashLSH

from provenance.detect.candidates import _shared_shingles, candidate_document_pairs, candidate_pairs
from provenance.detect.fingerprint import (
    CorpusShingles,
    Signatures,
    Unit,
    _kept_shingles,
    document_shingles,
    fingerprint,
    frequent_shingles,
    signature,
    to_datasketch,
)
from provenance.settings import DetectionSettings

S = DetectionSettings()


def _pair_with_jaccard(rng: random.Random, shared: int, own: int) -> tuple[list[bytes], list[bytes]]:
    common = [f"c{rng.random()}".encode() for _ in range(shared)]
    a = common + [f"a{rng.random()}".encode() for _ in range(own)]
    b = common + [f"b{rng.random()}".encode() for _ in range(own)]
    return a, b


def _recall(jaccard_shared: int, jaccard_own: int, trials: int = 150) -> float:
    rng = random.Random(1)
    units, rows = [], []
    for t in range(trials):
        a, b = _pair_with_jaccard(rng, jaccard_shared, jaccard_own)
        units += [Unit(2 * t, 0, 1), Unit(2 * t + 1, 0, 1)]
        rows += [signature(a, S), signature(b, S)]

    pairs = candidate_pairs(units, np.vstack(rows), S)
    return sum((2 * t, 2 * t + 1) in pairs for t in range(trials)) / trials


def test_bands_and_rows_are_recorded_and_sensible() -> None:
    assert S.candidate_probability(0.3) > 0.99  # a sentence with two or three edited words
    assert S.candidate_probability(0.05) < 0.2  # one shingle in twenty in common
    params = S.to_parameters()
    assert params["lsh_bands"] == 64 and params["lsh_rows"] == 2


def test_recall_of_edited_sentences() -> None:
    # 12 shared shingles and 14 own each: Jaccard 12 / 40 = 0.3, three or so edits.
    three_edits = _recall(12, 14)
    assert three_edits >= 0.97, three_edits  # theory: 0.998
    # One changed word in a 12-word sentence: 7 shared, 3 own each → Jaccard 0.54.
    one_edit = _recall(7, 3)
    assert one_edit >= 0.99, one_edit


def test_unrelated_units_are_rarely_candidates() -> None:
    assert _recall(0, 20) <= 0.05


def test_units_of_one_document_are_not_paired() -> None:
    rng = random.Random(3)
    a, _ = _pair_with_jaccard(rng, 10, 0)

    pairs = candidate_pairs([Unit(0, 0, 1), Unit(0, 1, 2)], np.vstack([signature(a, S), signature(a, S)]), S)
    assert pairs == {}


def test_same_pairs_as_datasketch_minhash_lsh() -> None:
    # Signatures with many near and exact collisions, so that every bucket shape occurs.
    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**32, size=(40, S.num_perm), dtype=np.uint32)
    rows = [base[rng.integers(0, 40)].copy() for _ in range(160)]
    for row in rows:
        row[rng.random(S.num_perm) < rng.random()] = rng.integers(0, 4, dtype=np.uint32)
    sigs = np.vstack(rows)
    units = [Unit(int(d), 0, 1) for d in rng.integers(0, 50, size=len(rows))]
    lsh = MinHashLSH(num_perm=S.num_perm, params=(S.lsh_bands, S.lsh_rows))
    sketches = [to_datasketch(r, S) for r in sigs]
    for key, sketch in enumerate(sketches):
        lsh.insert(key, sketch)
    expected: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for key, sketch in enumerate(sketches):
        for other in lsh.query(sketch):
            a, b = units[key].document, units[other].document
            if a != b:
                expected.setdefault((min(a, b), max(a, b)), set()).add((min(key, other), max(key, other)))
    got = candidate_pairs(units, sigs, S)
    assert got == {pair: len(found) for pair, found in expected.items()}
    assert len(got) > 50


def _documents(rng: random.Random, n: int) -> list[list[str]]:
    # Sentences drawn from a small pool, so documents share many of them.
    pool = [" ".join(f"w{rng.randrange(60)}" for _ in range(rng.randint(8, 14))) for _ in range(40)]
    return [" . ".join(rng.choice(pool) for _ in range(rng.randint(3, 8))).split() for _ in range(n)]


def _sentences(words: list[str]) -> list[tuple[int, int]]:
    cuts = [i + 1 for i, w in enumerate(words) if w == "."]
    bounds = [0, *cuts, len(words)]
    return [(a, b) for a, b in pairwise(bounds) if b > a]


def test_streamed_bands_give_the_pairs_of_whole_signatures() -> None:
    rng = random.Random(11)
    docs = _documents(rng, 60)
    sents = [_sentences(d) for d in docs]
    units, sigs = fingerprint(docs, sents, S)
    shingled = [document_shingles(d, s, S) for d, s in zip(docs, sents, strict=True)]
    banding_only = replace(S, candidate_min_jaccard=0.0, candidate_min_shingles=0)
    streamed = candidate_document_pairs(shingled, banding_only, np.empty(0, dtype=np.uint32), 2)
    assert streamed == candidate_pairs(units, sigs, S)
    assert len(streamed) > 100  # the pool makes many pairs: the comparison means something


def test_work_in_parts_gives_what_the_whole_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    # Bands sorted a part of the units at a time, shingles counted a range of values and a
    # block of documents at a time, signatures compared a block of permutations at a time:
    # the same frequent shingles and the same pairs as all at once.
    rng = random.Random(13)
    docs = _documents(rng, 80)
    settings = replace(S, max_shingle_documents=12)
    shingled = [document_shingles(d, _sentences(d), settings) for d in docs]
    flat = CorpusShingles.of(shingled)
    whole_frequent = frequent_shingles(shingled, settings.max_shingle_documents)
    whole = candidate_document_pairs(shingled, settings, whole_frequent, 1)
    for name, value in [
        ("provenance.detect.candidates._SORT_UNITS", 16),
        ("provenance.detect.candidates._PERMS_PER_ESTIMATE", 5),
        ("provenance.detect.fingerprint._PASS_SHINGLES", 50),
        ("provenance.detect.fingerprint._COUNT_SHINGLES", 70),
        ("provenance.detect.fingerprint._PASS_VALUES", 100),
    ]:
        monkeypatch.setattr(name, value)
    frequent = frequent_shingles(flat, settings.max_shingle_documents)
    assert len(whole_frequent) and np.array_equal(frequent, whole_frequent)
    assert np.array_equal(frequent, _frequent_by_sets(shingled, settings.max_shingle_documents))
    for most in (0, 1, 3, 40, 79, 80, 500):  # fewer shingles in a pass than the count: none
        assert np.array_equal(frequent_shingles(flat, most), _frequent_by_sets(shingled, most)), most
    assert candidate_document_pairs(flat, settings, frequent, 2) == whole
    assert len(whole) > 100


def _frequent_by_sets(shingled: list, max_documents: int) -> np.ndarray:
    counts: dict[int, int] = {}
    for d in shingled:
        for h in set(d.hashes.tolist()):
            counts[h] = counts.get(h, 0) + 1
    return np.array(sorted(h for h, c in counts.items() if c > max_documents), dtype=np.uint32)


def test_pairs_whose_signatures_barely_agree_are_dropped() -> None:
    docs, sents = [], []
    # Pairs of 20-word sentences sharing `shared` words in a row: Jaccard of their 3-grams.
    for t, shared in enumerate([0, 3, 4, 16] * 40):
        common = [f"c{t}_{i}" for i in range(shared)]
        for side in "ab":
            own = [f"{side}{t}_{i}" for i in range(20 - shared)]
            docs.append(own[: len(own) // 2] + common + own[len(own) // 2 :])
            sents.append([(0, 20)])
    shingled = [document_shingles(d, s, S) for d, s in zip(docs, sents, strict=True)]
    none = np.empty(0, dtype=np.uint32)
    loose = candidate_document_pairs(
        shingled, replace(S, candidate_min_jaccard=0.0, candidate_min_shingles=0), none
    )
    kept = candidate_document_pairs(shingled, S, none)
    by_shared = {
        shared: [(2 * t, 2 * t + 1) for t in range(160) if t % 4 == k]
        for k, shared in enumerate([0, 3, 4, 16])
    }
    # One or two common 3-grams of 18 (J ≈ 0.03, 0.06): the banding passes some, the estimate few.
    weak = by_shared[3] + by_shared[4]
    assert sum(p in loose for p in weak) >= 5
    assert sum(p in kept for p in weak) <= 1
    # 14 common 3-grams of 18 each (J ≈ 0.64): every one stays.
    assert all(p in kept for p in by_shared[16])
    assert not any(p in loose for p in by_shared[0])
    assert set(kept) <= set(loose)


def test_a_frequent_byline_does_not_pair_the_sentences_it_is_joined_to() -> None:
    # The estimate and shared-shingle filters alone would drop these pairs too; switched off
    # to test the rule.
    settings = DetectionSettings(
        max_shingle_documents=10, candidate_min_jaccard=0.0, candidate_min_shingles=0
    )
    # 40 documents of unrelated sentences, each ending with the same three-word byline that
    # the unit builder joins to the last sentence.
    docs = [[f"d{d}w{i}" for i in range(12)] + ["источник", "голос", "долины"] for d in range(40)]
    sents = [[(0, 12), (12, 15)] for _ in docs]
    shingled = [document_shingles(d, s, settings) for d, s in zip(docs, sents, strict=True)]
    assert candidate_document_pairs(shingled, settings, np.empty(0, dtype=np.uint32))  # without the rule
    frequent = frequent_shingles(shingled, settings.max_shingle_documents)
    assert len(frequent) == 1  # "источник голос долины", nothing of the sentences
    assert candidate_document_pairs(shingled, settings, frequent) == {}


def test_a_passage_copied_everywhere_keeps_its_frequent_shingles() -> None:
    settings = DetectionSettings(max_shingle_documents=10)
    copied = [f"c{i}" for i in range(12)]
    docs = [[f"d{d}w{i}" for i in range(12)] + copied for d in range(30)]
    sents = [[(0, 12), (12, 24)] for _ in docs]
    shingled = [document_shingles(d, s, settings) for d, s in zip(docs, sents, strict=True)]
    frequent = frequent_shingles(shingled, settings.max_shingle_documents)
    pairs = candidate_document_pairs(shingled, settings, frequent)
    assert len(pairs) == 30 * 29 // 2


def test_a_shared_sign_off_is_not_evidence_of_reuse_but_a_copy_beside_it_is() -> None:
    settings = DetectionSettings(max_shingle_documents=10)
    # 40 documents of a sentence of their own, then four words of their own and the same
    # five-word sign-off: three shingles in 40 documents each (frequent), which with those
    # sharing a word with them are most of the last unit, so it keeps them. Documents 0 and
    # 1 also share a three-word phrase; 2 and 3 a run of 9 words.
    sign_off = ["сказал", "он", "источник", "курьер", "заозерья"]
    docs = [[f"d{d}w{i}" for i in range(16)] for d in range(40)]
    docs[0][4:7] = docs[1][4:7] = ["общая", "фраза", "здесь"]
    docs[2][2:11] = docs[3][2:11] = [f"копия{i}" for i in range(9)]
    docs = [d + sign_off for d in docs]
    sents = [[(0, 12), (12, 21)] for _ in docs]
    shingled = [document_shingles(d, s, settings) for d, s in zip(docs, sents, strict=True)]
    frequent = frequent_shingles(shingled, settings.max_shingle_documents)
    assert len(frequent) == 3
    # Counted like any other shingles, the sign-off's three pair (nearly) every two documents.
    counted = candidate_document_pairs(shingled, replace(settings, min_words=5), frequent)
    assert len(counted) >= 0.9 * 40 * 39 // 2
    # Three frequent shingles are fewer than a reuse of `min_words` (8) words holds: only the
    # copied sentence pairs its documents; one phrase beside the sign-off does not.
    assert candidate_document_pairs(shingled, settings, frequent).keys() == {(2, 3)}


def test_shingles_that_share_a_word_with_a_frequent_byline_go_with_it() -> None:
    settings = DetectionSettings(
        max_shingle_documents=10, candidate_min_jaccard=0.0, candidate_min_shingles=0
    )
    # The last word before the byline comes from five: "<word> источник голос" is in 8
    # documents each (not frequent itself), but the byline makes it common.
    docs = [
        [f"d{d}w{i}" for i in range(11)] + [f"конец{d % 5}", "источник", "голос", "долины"] for d in range(40)
    ]
    sents = [[(0, 12), (12, 15)] for _ in docs]
    shingled = [document_shingles(d, s, settings) for d, s in zip(docs, sents, strict=True)]
    frequent = frequent_shingles(shingled, settings.max_shingle_documents)
    assert len(frequent) == 1
    # With every shingle kept, documents sharing the last word are candidates.
    assert candidate_document_pairs(shingled, settings, frequent[:0])
    assert candidate_document_pairs(shingled, settings, frequent) == {}


def _sentence_pairs(shared_words: list[int], trials: int, length: int = 8) -> list[list[str]]:
    """Documents 2t and 2t+1: one sentence of `length` words each, the middle
    `shared_words[t % len]` of them the same words in a row, the rest their own."""
    docs = []
    for t in range(trials):
        shared = shared_words[t % len(shared_words)]
        common = [f"c{t}_{i}" for i in range(shared)]
        for side in "ab":
            own = [f"{side}{t}_{i}" for i in range(length - shared)]
            docs.append(own[: len(own) // 2] + common + own[len(own) // 2 :])
    return docs


def test_short_sentences_sharing_one_or_two_phrases_are_not_candidates() -> None:
    # 8-word sentences sharing 3 words in a row (one shingle of 6 each: J = 1/11), 4 words
    # (two: J = 1/5) or 5 (three: J = 1/3).
    docs = _sentence_pairs([3, 4, 5], 600)
    shingled = [document_shingles(d, [(0, 8)], S) for d in docs]
    none = np.empty(0, dtype=np.uint32)
    estimate_only = candidate_document_pairs(shingled, replace(S, candidate_min_shingles=0), none)
    kept = candidate_document_pairs(shingled, S, none)
    by_shared = {shared: [(2 * t, 2 * t + 1) for t in range(k, 600, 3)] for k, shared in enumerate([3, 4, 5])}
    # The estimate alone lets through many sharing one phrase: the growth this rule stops.
    assert sum(p in estimate_only for p in by_shared[3]) >= 20
    assert not any(p in kept for p in by_shared[3] + by_shared[4])
    three = [p for p in by_shared[5] if p in estimate_only]
    assert len(three) >= 150 and all(p in kept for p in three)
    assert set(kept) <= set(estimate_only)


def _phrases(side: str, *parts: list[str] | int) -> list[str]:
    """Words of `parts`: a list is those words, a number that many of the side's own."""
    out: list[str] = []
    for k, part in enumerate(parts):
        out += part if isinstance(part, list) else [f"{side}{k}_{i}" for i in range(part)]
    return out


def test_a_reuse_running_past_the_candidate_sentence_counts_the_sentence_beside_it() -> None:
    # A: "… p q r s." "w x y z …"; B: "… p q r s w x y z …" in one sentence. Each of A's
    # sentences shares two shingles with B's, the two together four.
    a = _phrases("a", 4, ["p", "q", "r", "s"], ["w", "x", "y", "z"], 4)
    b = _phrases("b", 4, ["p", "q", "r", "s", "w", "x", "y", "z"], 4)
    shingled = [document_shingles(a, [(0, 8), (8, 16)], S), document_shingles(b, [(0, 16)], S)]
    source = Signatures(shingled, S, np.empty(0, dtype=np.uint32))
    docs = np.array([0, 0, 1])
    one, frequent = _shared_shingles(source, docs, np.array([0]), np.array([2]), np.array([0]), 1)
    assert one.tolist() == [4] and frequent.tolist() == [0]
    # Met again through the other unit pair, the same shingles are counted once.
    both, _ = _shared_shingles(source, docs, np.array([0, 1]), np.array([2, 2]), np.array([0, 0]), 1)
    assert both.tolist() == [4]


def test_shingles_of_units_further_away_do_not_count() -> None:
    # A's first and third sentences each share a 4-word phrase (two shingles) with B's
    # sentence; its second shares nothing. The candidate first sentence sees its own two.
    a = _phrases("a", 4, ["p", "q", "r", "s"], 8, 4, ["w", "x", "y", "z"])
    b = _phrases("b", 4, ["p", "q", "r", "s"], 4, ["w", "x", "y", "z"])
    shingled = [document_shingles(a, [(0, 8), (8, 16), (16, 24)], S), document_shingles(b, [(0, 16)], S)]
    source = Signatures(shingled, S, np.empty(0, dtype=np.uint32))
    docs = np.array([0, 0, 0, 1])
    assert _shared_shingles(source, docs, np.array([0]), np.array([3]), np.array([0]), 1)[0].tolist() == [2]
    assert _shared_shingles(
        source, docs, np.array([0, 2]), np.array([3, 3]), np.array([0, 0]), 1
    )[0].tolist() == [4]


def test_shared_shingles_are_those_of_the_units_and_their_neighbours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("provenance.detect.candidates._PAIRS_PER_ESTIMATE", 7)  # many slices
    rng = random.Random(5)
    docs = _documents(rng, 40)
    sents = [_sentences(d) for d in docs]
    settings = replace(S, max_shingle_documents=8)
    shingled = [document_shingles(d, s, settings) for d, s in zip(docs, sents, strict=True)]
    frequent = frequent_shingles(shingled, settings.max_shingle_documents)
    assert len(frequent)  # some shingles are left out of the signatures, and of the count
    source = Signatures(shingled, settings, frequent)
    kept = [_kept_shingles(d, frequent, settings.shingle_words) for d in shingled]
    unit_sets = [
        set(hashes[offsets[u] : offsets[u + 1]].tolist())
        for offsets, hashes in kept
        for u in range(len(offsets) - 1)
    ]
    owner = [d for d, s in enumerate(shingled) for _ in range(len(s))]
    units = np.arange(len(owner))
    left = units.repeat(len(owner))
    right = np.tile(units, len(owner))
    chosen = (left < right) & (np.array(owner)[left] != np.array(owner)[right])
    pick = np.flatnonzero(chosen)[rng.sample(range(int(chosen.sum())), 3000)]
    left, right = left[pick], right[pick]
    codes = np.array(owner)[left] * len(docs) + np.array(owner)[right]
    doc_pairs, group = np.unique(codes, return_inverse=True)
    rare, frequent_counts = _shared_shingles(source, np.array(owner), left, right, group, len(doc_pairs))
    frequent_set = set(frequent.tolist())

    def near(unit: int) -> set[int]:
        # The unit's shingles and those of the units beside it in its document.
        beside = [u for u in (unit - 1, unit, unit + 1) if 0 <= u < len(owner) and owner[u] == owner[unit]]
        return set().union(*(unit_sets[u] for u in beside))

    expected, expected_frequent = [], []
    for g in range(len(doc_pairs)):
        mine = np.flatnonzero(group == g)
        a = set().union(*(near(u) for u in left[mine]))
        b = set().union(*(near(u) for u in right[mine]))
        expected.append(len((a & b) - frequent_set))
        expected_frequent.append(len(a & b & frequent_set))
    assert rare.tolist() == expected and max(expected) >= 3 and min(expected) == 0
    assert frequent_counts.tolist() == expected_frequent and max(expected_frequent) >= 1

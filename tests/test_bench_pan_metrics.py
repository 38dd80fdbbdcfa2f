"""PAN text-alignment measures, on cases small enough to work out by hand."""

from __future__ import annotations

import math

import pytest

from bench.pan_metrics import Pair, Side, score


def pair(x: tuple[str, int, int], y: tuple[str, int, int]) -> Pair:
    return Pair(Side(*x), Side(*y))


CASE = pair(("susp", 100, 200), ("src", 0, 100))  # 200 characters in all


def test_exact_detection_scores_one() -> None:
    s = score([CASE], [CASE])
    assert (s.precision, s.recall, s.granularity, s.plagdet) == (1.0, 1.0, 1.0, 1.0)


def test_the_order_of_a_pairs_documents_does_not_matter() -> None:
    flipped = pair(("src", 0, 100), ("susp", 100, 200))
    assert score([CASE], [flipped]).plagdet == 1.0


def test_half_found_on_both_sides() -> None:
    s = score([CASE], [pair(("susp", 100, 150), ("src", 0, 50))])
    assert s.precision == 1.0 and s.recall == 0.5 and s.granularity == 1.0
    assert s.plagdet == pytest.approx(2 * 0.5 / 1.5)


def test_overshoot_costs_precision() -> None:
    # Twice as long on each side: 200 of 400 detected characters are the case's.
    s = score([CASE], [pair(("susp", 50, 250), ("src", 0, 200))])
    assert s.precision == 0.5 and s.recall == 1.0


def test_a_case_found_in_two_pieces_has_granularity_two() -> None:
    halves = [pair(("susp", 100, 150), ("src", 0, 50)), pair(("susp", 150, 200), ("src", 50, 100))]
    s = score([CASE], halves)
    assert s.precision == 1.0 and s.recall == 1.0 and s.granularity == 2.0
    assert s.plagdet == pytest.approx(1 / math.log2(3))


def test_overlapping_detections_are_not_counted_twice() -> None:
    both = [pair(("susp", 100, 180), ("src", 0, 80)), pair(("susp", 120, 200), ("src", 20, 100))]
    s = score([CASE], both)
    assert s.recall == 1.0 and s.granularity == 2.0


def test_a_detection_must_overlap_the_case_in_both_documents() -> None:
    wrong_source_place = pair(("susp", 100, 200), ("src", 500, 600))
    other_document = pair(("susp", 100, 200), ("elsewhere", 0, 100))
    s = score([CASE], [wrong_source_place, other_document])
    assert s.precision == 0.0 and s.recall == 0.0 and s.detected_cases == 0 and s.plagdet == 0.0


def test_precision_and_recall_average_over_detections_and_cases() -> None:
    second = pair(("other", 0, 50), ("src", 300, 350))  # 100 characters, never found
    false_alarm = pair(("other", 500, 600), ("x", 0, 100))
    s = score([CASE, second], [CASE, false_alarm])
    assert s.recall == 0.5  # (1 + 0) / 2
    assert s.precision == 0.5  # (1 + 0) / 2
    assert s.cases == 2 and s.detections == 2 and s.detected_cases == 1


def test_nothing_detected() -> None:
    s = score([CASE], [])
    assert (s.precision, s.recall, s.granularity, s.plagdet) == (0.0, 0.0, 1.0, 0.0)


def test_a_pair_needs_two_documents_and_real_passages() -> None:
    with pytest.raises(ValueError):
        pair(("a", 0, 10), ("a", 20, 30))
    with pytest.raises(ValueError):
        Side("a", 5, 5)

"""The candidate-growth benchmark at a tiny size: its stages are the candidates step's, taken
apart, and its counts agree with each other. Nothing here asserts a timing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench import candidate_growth


def test_stages_narrow_down_and_the_shingle_rule_keeps_every_verified_pair(tmp_path: Path) -> None:
    result = candidate_growth.measure(400, tmp_path, jobs=1)  # asserts the stages give the step's pairs
    stages = result["stages"]
    banded, estimate, kept = stages["banded"], stages["estimate"], stages["shingles"]
    assert banded["unit_pairs"] >= estimate["unit_pairs"] >= kept["unit_pairs"] > 0
    assert banded["document_pairs"] >= estimate["document_pairs"] >= kept["document_pairs"] > 0
    assert estimate["verified_document_pairs"] == kept["verified_document_pairs"] == result["verified_document_pairs"]
    assert result["verified_lost_by_shingle_rule"] == 0
    assert estimate["recall"] == kept["recall"] and estimate["passages"] == kept["passages"]
    assert estimate["planted_found"] <= result["planted_copies"]
    # Unverified pairs the rule drops share fewer shingles than it asks for.
    dropped = estimate["unverified_document_pairs"] - kept["unverified_document_pairs"]
    counts = result["shared_shingles_of_estimate_pairs"]["unverified"]
    assert dropped == sum(v for k, v in counts.items() if int(k) < 3)
    # The same pairs by frequent and other shingles shared, as the rule weighs them.
    kinds = result["shared_shingles_frequent_and_not"]
    assert sum(kinds["verified"].values()) == estimate["verified_document_pairs"]
    assert sum(kinds["unverified"].values()) == estimate["unverified_document_pairs"]
    reuse = candidate_growth.SETTINGS.reuse_shingles
    weighed = Counter()
    for key, v in kinds["unverified"].items():
        frequent, rare = (int(x) for x in key.split(","))
        weighed[min(6, rare + (frequent if frequent >= reuse else 0))] += v
    assert sum(v for k, v in weighed.items() if k < 3) == dropped
    assert "frequent,not" in candidate_growth.table({"sizes": [result]})
    buckets = result["buckets"]
    assert buckets["largest"] and buckets["largest"][0]["units"] == buckets["largest_bucket"]
    assert all(b["verified"] <= b["passing_shingle_rule"] <= b["passing_estimate"] for b in buckets["largest"])
    assert sum(c["buckets"] for c in buckets["by_size"]) == buckets["band_keys_shared_by_2_or_more_units"]

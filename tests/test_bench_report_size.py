"""The report-size benchmark: both reports of a folder, their sizes, and the proof that only texts differ."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from seed_ids import SEEDS

from bench import report_size

BEFORE = Path(__file__).resolve().parent / "data" / "seeds-lineage-1.3.0.json"


def test_the_seeds_entry(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"notes": ["kept"], "runs": {"other": {}}}), encoding="utf-8")
    assert report_size.main([str(SEEDS), "--baseline", str(BEFORE), "-o", str(results)]) == 0
    written = json.loads(results.read_text(encoding="utf-8"))
    assert written["notes"] == ["kept"] and set(written["runs"]) == {"other", "seeds"}
    entry = written["runs"]["seeds"]
    assert (entry["documents"], entry["linked_documents"], entry["links"]) == (5, 3, 10)
    assert entry["problems"] == [] and entry["all_is_baseline_but_format_fields"]
    assert entry["bytes"]["baseline"] == BEFORE.stat().st_size
    assert entry["bytes"]["linked"] < entry["bytes"]["all"]
    assert sum(entry["linked_breakdown_compact"].values()) < entry["bytes"]["linked"]


def test_a_baseline_of_other_links_is_a_problem(tmp_path: Path) -> None:
    """The check can fail: a baseline whose links differ is named, and the exit is 1."""
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    before["links"][0]["similarity"] = 0.5
    baseline = tmp_path / "before.json"
    baseline.write_text(json.dumps(before, ensure_ascii=False), encoding="utf-8")
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    results = tmp_path / "results.json"
    assert report_size.main([str(seeds), "--baseline", str(baseline), "-o", str(results)]) == 1
    entry = json.loads(results.read_text(encoding="utf-8"))["runs"]["seeds"]
    assert entry["problems"] == ["the --texts all report is not the baseline report but for the format fields"]

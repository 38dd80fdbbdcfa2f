"""End to end through the CLI on the seed articles: the links, origins and report an editor gets."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from seed_ids import D000, D001, D002, D003, D004, SEEDS

from provenance.report.validate import validate_report

REPO = Path(__file__).resolve().parent.parent
AFGHANISTAN = "По его мнению, неотъемлемым фактором укрепления региональной безопасности остается ситуация в Афганистане."


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "provenance", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("reports")
    return run_cli("scan", str(SEEDS), "-o", str(out)), out


@pytest.fixture(scope="module")
def report(seed_run: tuple[subprocess.CompletedProcess[str], Path]) -> dict[str, Any]:
    result, out = seed_run
    assert result.returncode == 0, result.stderr
    return json.loads((out / "lineage.json").read_text(encoding="utf-8"))


def links_between(report: dict[str, Any], source: str, target: str) -> list[dict[str, Any]]:
    return [
        k for k in report["links"] if k["source"]["document"] == source and k["target"]["document"] == target
    ]


def cluster(report: dict[str, Any], link: dict[str, Any]) -> dict[str, Any]:
    [found] = [c for c in report["clusters"] if c["id"] in link["clusters"]]
    return found


def test_scan_writes_both_reports_and_keeps_stdout_parseable(
    seed_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, out = seed_run
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(out / "lineage.json"), str(out / "lineage.html")]
    assert "5 documents" in result.stderr  # progress and summary go to stderr
    assert "7 copied text, 1 mixed, 2 shared quotations; 0 credited" in result.stderr


def test_seed_metadata(report: dict[str, Any]) -> None:
    docs = {d["id"]: d for d in report["documents"]}
    got = {i: (d["outlet"], d["date"], d["date_precision"]) for i, d in docs.items()}
    assert got == {
        D000: (None, "2025-10-10", "day"),
        D001: ("NUR.KZ", "2025-10-09", "day"),
        D002: ("nCa", "2025-10-10", "day"),
        D003: (None, None, "none"),
        D004: ("Kazakhstan Today", "--11-16", "month-day"),
    }
    assert docs[D004]["date_source"] == "dateline"
    assert docs[D000]["text"][docs[D000]["body"]["start"] :].startswith("По его мнению")


def test_quoted_passage_001_to_002_with_the_sentence_after_it(report: dict[str, Any]) -> None:
    found = [
        k
        for k in links_between(report, D001, D002)
        if "Отрадно, что ситуация в самом центральноазиатском регионе" in k["source"]["snippet"]
    ]
    assert len(found) == 1
    link = found[0]
    for side in ("source", "target"):
        assert (
            "Данная положительная тенденция, которая приобрела необратимый характер" in link[side]["snippet"]
        )
    assert link["direction"] == "earlier-to-later"
    assert cluster(report, link)["origin"] == {
        "status": "determined",
        "documents": [D001],
        "date": "2025-10-09",
    }


def test_first_summit_sentence_000_from_001_despite_quotes_dashes_and_opening(report: dict[str, Any]) -> None:
    found = [k for k in links_between(report, D001, D000) if "первый саммит" in k["source"]["snippet"]]
    assert len(found) == 1
    link = found[0]
    assert '"Центральная Азия - Россия"' in link["source"]["snippet"]
    assert "«Центральная Азия – Россия»" in link["target"]["snippet"]
    assert "стал отправной точкой продуктивного взаимодействия" in link["target"]["snippet"]
    assert cluster(report, link)["origin"]["status"] == "determined"
    assert cluster(report, link)["origin"]["documents"] == [D001]


def test_afghanistan_sentence_is_a_same_day_tie(report: dict[str, Any]) -> None:
    found = [k for k in report["links"] if k["source"]["snippet"] == AFGHANISTAN]
    assert len(found) == 1
    link = found[0]
    assert {link["source"]["document"], link["target"]["document"]} == {D000, D002}
    assert link["target"]["snippet"] == AFGHANISTAN
    assert link["direction"] == "same-day"
    origin = cluster(report, link)["origin"]
    assert origin["status"] == "tie"
    assert origin["documents"] == [D000, D002]


def test_no_stock_phrase_or_unrelated_document_is_linked(report: dict[str, Any]) -> None:
    linked = {k[side]["document"] for k in report["links"] for side in ("source", "target")}
    assert D003 not in linked and D004 not in linked  # other events, sharing only names and titles


def test_year_less_004_is_never_the_origin_of_what_a_dated_document_shares(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    text = (SEEDS / f"{D004}.txt").read_text(encoding="utf-8")
    paragraph = next(p.strip() for p in text.split("\n\n") if p.strip().startswith("Центральная Азия сейчас"))
    (corpus / "005_copy.txt").write_text(
        " date 2025-11-20 Новость дня. " + paragraph + "\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run_cli("scan", str(corpus), "-o", str(out), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "lineage.json").read_text(encoding="utf-8"))
    shared = [c for c in report["clusters"] if any(p["document"] == D004 for p in c["passages"])]
    assert shared, "the copied paragraph must be found"
    for c in shared:
        assert c["origin"] == {"status": "determined", "documents": ["005_copy"], "date": "2025-11-20"}
        assert c["yearless"] == [D004]
        roles = {p["document"]: p["role"] for p in c["passages"]}
        assert roles == {D004: "yearless", "005_copy": "origin"}
    assert {
        k["direction"] for k in report["links"] if D004 in (k["source"]["document"], k["target"]["document"])
    } == {"unknown"}


def test_every_span_is_exactly_its_passage_and_the_report_validates(report: dict[str, Any]) -> None:
    # Documents in no link (003, 004) come without their text: no span names them.
    texts = {d["id"]: d["text"] for d in report["documents"] if "text" in d}
    refs = [k[side] for k in report["links"] for side in ("source", "target")]
    refs += [p for c in report["clusters"] for p in c["passages"]]
    assert refs
    for ref in refs:
        assert texts[ref["document"]][ref["start"] : ref["end"]] == ref["snippet"]
    assert validate_report(report) == []


def test_validate_command_on_the_written_report(
    seed_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, out = seed_run
    result = run_cli("validate", str(out / "lineage.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("valid")


def test_committed_report_is_regenerated_byte_for_byte(
    seed_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """Determinism: the same input gives byte-identical reports (regenerate: `provenance scan seeds`)."""
    _, out = seed_run
    second = out.parent / "second"
    result = run_cli("scan", str(SEEDS), "-o", str(second))
    assert result.returncode == 0, result.stderr
    for name in ("lineage.json", "lineage.html"):
        assert (out / name).read_bytes() == (second / name).read_bytes()
        assert (out / name).read_bytes() == (REPO / "reports" / name).read_bytes(), f"reports/{name} is stale"

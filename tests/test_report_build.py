"""Building the report: which documents carry their text (`texts`, report format 1.4.0).

By default (`linked`) a document in no link comes with its metadata and counts alone; with
`all` every document carries its text, as every report did before 1.4.0.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from seed_ids import D003, D004, SEEDS

from bench.report_size import TEXT_FIELDS, differences, without_texts
from provenance.ingest import ingest_paths, load_registry
from provenance.pipeline import scan, scan_documents
from provenance.report.build import SCHEMA_VERSION, check_texts
from provenance.report.validate import validate_report

# The seeds' report as the tool wrote it before 1.4.0 (`provenance scan seeds`, every text). It
# pins the format change alone: when the seeds' links change on purpose, so must this file.
BEFORE = Path(__file__).resolve().parent / "data" / "seeds-lineage-1.3.0.json"
# What a document without its text keeps: what an editor needs to find it, and its counts.
KEPT = (
    "id", "path", "format", "encoding", "sha256", "outlet", "outlet_source", "date", "date_precision",
    "date_source", "title", "title_source", "url", "url_source", "body", "text_length", "counted_chars",
    "reused_chars", "reused_share", "links", "language", "cites",
)  # fmt: skip


@pytest.fixture(scope="module")
def reports() -> dict[str, dict[str, Any]]:
    return {texts: scan(SEEDS, jobs=1, texts=texts).to_dict() for texts in ("linked", "all")}


def test_every_text_is_the_report_of_before_but_for_the_format_fields(reports: dict[str, dict[str, Any]]) -> None:
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    full = copy.deepcopy(reports["all"])
    assert (before["schema_version"], full["schema_version"]) == ("1.3.0", SCHEMA_VERSION) == ("1.3.0", "1.4.0")
    # candidate_min_shingles: a setting added after format 1.3.0, which changes no link here.
    assert full["parameters"] == {**before["parameters"], "texts": "all", "candidate_min_shingles": 3}
    assert [d.pop("text_length") for d in full["documents"]] == [len(d["text"]) for d in before["documents"]]
    del full["parameters"]["texts"], full["parameters"]["candidate_min_shingles"]
    assert {**full, "schema_version": "1.3.0"} == before


def test_by_default_exactly_the_texts_of_documents_in_no_link_are_left_out(
    reports: dict[str, dict[str, Any]],
) -> None:
    linked, full = reports["linked"], reports["all"]
    assert linked["parameters"]["texts"] == "linked" and full["parameters"]["texts"] == "all"
    assert differences(linked, full) == []
    assert without_texts(linked) == without_texts(full)
    unlinked = [d["id"] for d in full["documents"] if d["links"] == 0]
    assert unlinked == [D003, D004]
    for mine, theirs in zip(linked["documents"], full["documents"], strict=True):
        kept = [key for key in TEXT_FIELDS if key in mine]
        assert kept == ([] if mine["id"] in unlinked else list(TEXT_FIELDS)), mine["id"]
        assert mine["text_length"] == len(theirs["text"])
        assert list(mine) == [key for key in theirs if key in KEPT or key in kept], mine["id"]
        # What an editor needs to find it stays, its text named by its digest and length.
        for key in KEPT:
            assert mine[key] == theirs[key], (mine["id"], key)
    assert sum(1 for d in full["documents"] for e in d["excluded"] if e["reason"] == "internal-duplicate") == (
        linked["summary"]["internal_duplicates"]
    )
    assert validate_report(linked) == [] and validate_report(full) == []


def test_the_comparison_finds_a_text_kept_or_dropped_wrongly(reports: dict[str, dict[str, Any]]) -> None:
    linked, full = reports["linked"], reports["all"]
    kept = copy.deepcopy(linked)
    d003 = next(d for d in kept["documents"] if d["id"] == D003)
    d003.update({key: next(d for d in full["documents"] if d["id"] == D003)[key] for key in TEXT_FIELDS})
    assert differences(kept, full) == [f"{D003}: in no link, but its text is kept"]
    dropped = copy.deepcopy(linked)
    del dropped["documents"][0]["text"]
    assert differences(dropped, full) == [f"{dropped['documents'][0]['id']}: in a link, but its text or spans differ"]
    moved = copy.deepcopy(linked)
    moved["links"][0]["similarity"] = 0.5
    assert differences(moved, full) == ["the reports differ beyond the texts, in ['links']"]


def test_a_document_without_its_text_keeps_what_it_credits() -> None:
    linked = scan(SEEDS, jobs=1)
    [d004] = [d for d in linked.documents if d.id == D004]
    assert d004.text is None and d004.credits is None and d004.quotations is None and d004.excluded is None
    assert not d004.has_text and d004.cites == ("Акорда",)
    assert d004.text_length == len((SEEDS / f"{D004}.txt").read_text(encoding="utf-8"))


def test_the_documents_of_an_index_take_the_same_choice() -> None:
    registry = load_registry()
    ingested = ingest_paths([SEEDS], registry, 1)
    linked = scan_documents(ingested, "seeds", registry=registry, jobs=1)
    full = scan_documents(ingested, "seeds", registry=registry, jobs=1, texts="all")
    assert [d.id for d in linked.documents if not d.has_text] == [D003, D004]
    assert all(d.has_text for d in full.documents)


def test_an_unknown_choice_is_refused_before_any_work() -> None:
    assert check_texts("all") == "all" and check_texts("linked") == "linked"
    with pytest.raises(ValueError, match="texts must be one of linked, all, not 'some'"):
        check_texts("some")
    # scan_documents refuses it at once: with no documents to read, an accepted value would fail later.
    with pytest.raises(ValueError, match="texts must be one of"):
        scan_documents(None, "x", texts="none")  # type: ignore[arg-type]


def test_no_text_is_left_out_when_every_document_shares_text(tmp_path: Path) -> None:
    sentence = (
        "Правительство утвердило программу модернизации пригородных электричек до 2030 года, "
        "и на обновление подвижного состава направят сто двадцать миллиардов рублей."
    )
    (tmp_path / "a.txt").write_text(f" date 2025-11-14 {sentence}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f" date 2025-11-15 Новости. {sentence}\n", encoding="utf-8")
    report = scan(tmp_path, jobs=1)
    assert report.links and all(d.has_text for d in report.documents)
    assert report.to_dict() == {
        **scan(tmp_path, jobs=1, texts="all").to_dict(),
        "parameters": report.to_dict()["parameters"],
    }

"""The lineage-report schema and the consistency checks of `validate_report`."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from report_samples import (
    ARCHIVE,
    LOCAL,
    RIA,
    TASS,
    UNLINKED,
    finish,
    sample_report,
    sample_report_with_unlinked,
)

from provenance.report import validate_report
from provenance.schemas import errors, load_schema, screened_errors, validator

NAME = "lineage-report.schema.json"
Report = dict[str, Any]


def doc(report: Report, doc_id: str) -> dict[str, Any]:
    return next(d for d in report["documents"] if d["id"] == doc_id)


def link(report: Report, link_id: str) -> dict[str, Any]:
    return next(lk for lk in report["links"] if lk["id"] == link_id)


def cluster(report: Report, cluster_id: str) -> dict[str, Any]:
    return next(c for c in report["clusters"] if c["id"] == cluster_id)


# --- the sample and the schema itself ---------------------------------------------------------


def test_sample_is_valid() -> None:
    report = sample_report()
    assert errors(NAME, report) == []
    assert validate_report(report) == []


def test_sample_covers_the_interesting_cases() -> None:
    """Guard the sample itself: the other tests rely on what it contains."""
    report = sample_report()
    statuses = sorted(c["origin"]["status"] for c in report["clusters"])
    assert statuses == ["determined", "determined", "tie"]
    assert any(c["yearless"] for c in report["clusters"])
    assert {lk["direction"] for lk in report["links"]} == {"earlier-to-later", "same-day", "unknown"}
    assert {d["date_precision"] for d in report["documents"]} == {"datetime", "day", "month-day"}
    assert doc(report, RIA)["body"]["start"] > 0  # an inline header
    assert doc(report, ARCHIVE)["body"]["end"] < len(doc(report, ARCHIVE)["text"])  # a trailer


def test_schema_is_valid_draft_2020_12_with_the_published_id() -> None:
    schema = load_schema(NAME)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:provenance:schema:lineage-report:1"
    assert schema["title"]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return schema["$defs"][ref.removeprefix("#/$defs/")]
    return {}


def _properties(schema: dict[str, Any], node: Any, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every (path, subschema) that is a named property, anywhere in the schema."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            found.append((f"{where}/{name}", sub))
        for key, value in node.items():
            found.extend(_properties(schema, value, f"{where}/{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_properties(schema, value, f"{where}/{i}"))
    return found


def test_every_property_is_documented() -> None:
    """The schema is the public documentation of the format."""
    schema = load_schema(NAME)
    undocumented = []
    for where, sub in _properties(schema, schema):
        if "/if/" in where or "/then/" in where:
            continue  # conditional constraints repeat documented properties
        target = _resolve(schema, sub)
        if not (sub.get("description") or target.get("description")):
            undocumented.append(f"{where}: description")
        if not (sub.get("title") or target.get("title")):
            undocumented.append(f"{where}: title")
    assert undocumented == []


def test_objects_are_closed_except_parameters() -> None:
    schema = load_schema(NAME)
    report = sample_report()
    report["parameters"]["future_setting"] = {"anything": [1, 2]}
    assert validate_report(report) == []
    for where in (
        report,
        report["tool"],
        report["input"],
        report["documents"][0],
        report["documents"][0]["body"],
        report["links"][0],
        report["links"][0]["source"],
        report["clusters"][0],
        report["clusters"][0]["passages"][0],
        report["clusters"][0]["origin"],
        report["warnings"][0],
        report["skipped"][0],
        report["summary"],
        report["summary"]["origins"],
    ):
        where["unexpected"] = 1
    found = errors(NAME, report)
    assert len([e for e in found if "unexpected" in e]) == 14, found
    assert schema["properties"]["parameters"].get("additionalProperties", True) is True


def test_all_parameter_keys_are_required() -> None:
    for key in (
        "normalization",
        "unit",
        "shingle_words",
        "num_perm",
        "seed",
        "scheme",
        "hash",
        "lsh_bands",
        "lsh_rows",
        "lsh_threshold",
        "min_words",
        "anchor_words",
        "max_gap_words",
        "near_verbatim_similarity",
        "texts",
    ):
        report = sample_report()
        del report["parameters"][key]
        assert any(key in e for e in validate_report(report)), key


# --- the format checker really checks ---------------------------------------------------------


def test_format_checker_really_checks_date_time() -> None:
    checker = FormatChecker()
    assert checker.conforms("2025-11-14T10:15:00+03:00", "date-time")
    assert not checker.conforms("2025-11-14T25:99:00+03:00", "date-time")
    assert not checker.conforms("2025-11-14T10:15:00", "date-time")  # RFC 3339 needs an offset
    assert not checker.conforms("20 ноября 2025", "date-time")
    # The validator the report is checked with must be the one that checks formats.
    used = validator(NAME).format_checker
    assert used is not None
    assert not used.conforms("2025-13-01T00:00:00Z", "date-time")
    assert not used.conforms("2025-02-30", "date")


@pytest.mark.parametrize("value", ["2025-11-14T10:15:00Z", "2025-11-14T10:15:00.5+03:00"])
def test_valid_date_times_pass(value: str) -> None:
    report = sample_report()
    doc(report, TASS)["date"] = value
    cluster(report, "C-00000000000b")["origin"]["date"] = value
    for c in report["clusters"]:
        for p in c["passages"]:
            if p["document"] == TASS:
                p["date"] = value
    assert validate_report(report) == []


# --- broken reports are rejected, each for the right reason -----------------------------------


def _set_date(value: Any, precision: str | None = None) -> Callable[[Report], None]:
    def mutate(report: Report) -> None:
        d = doc(report, LOCAL)
        d["date"] = value
        if precision:
            d["date_precision"] = precision

    return mutate


def _bad_snippet(report: Report) -> None:
    link(report, "L-000000000001")["source"]["snippet"] += "!"


def _end_past_text(report: Report) -> None:
    side = link(report, "L-000000000004")["target"]
    side["end"] = len(doc(report, LOCAL)["text"]) + 1


def _empty_span(report: Report) -> None:
    side = link(report, "L-000000000004")["target"]
    side["end"] = side["start"]
    side["snippet"] = ""


def _unknown_document(report: Report) -> None:
    link(report, "L-000000000005")["source"]["document"] = "nowhere.txt"


def _unknown_cluster_passage_document(report: Report) -> None:
    cluster(report, "C-00000000000b")["passages"][1]["document"] = "nowhere.txt"


def _determined_with_two(report: Report) -> None:
    cluster(report, "C-00000000000a")["origin"]["status"] = "determined"


def _tie_with_one(report: Report) -> None:
    cluster(report, "C-00000000000b")["origin"]["status"] = "tie"


def _undated_with_documents(report: Report) -> None:
    origin = cluster(report, "C-00000000000c")["origin"]
    origin["status"] = "undated"
    origin["date"] = None


def _missing_key(report: Report) -> None:
    del report["documents"][0]["sha256"]


def _wrong_offset_unit(report: Report) -> None:
    report["offset_unit"] = "utf-8-byte"


def _wrong_schema_version(report: Report) -> None:
    report["schema_version"] = "2.0.0"


def _bad_link_id(report: Report) -> None:
    lk = link(report, "L-000000000005")
    lk["id"] = "L-XYZ"
    cluster(report, "C-00000000000c")["links"] = ["L-XYZ"]


def _cluster_disagrees(report: Report) -> None:
    link(report, "L-000000000004")["clusters"] = ["C-00000000000a"]


def _cluster_lists_unknown_link(report: Report) -> None:
    cluster(report, "C-00000000000c")["links"].append("L-0000000000ff")


def _duplicate_link_id(report: Report) -> None:
    link(report, "L-000000000005")["id"] = "L-000000000004"
    cluster(report, "C-00000000000c")["links"] = ["L-000000000004"]


def _duplicate_document(report: Report) -> None:
    report["documents"].append(copy.deepcopy(report["documents"][0]))
    report["summary"]["documents"] += 1
    report["summary"]["reused_chars"] += report["documents"][0]["reused_chars"]


def _summary_off(report: Report) -> None:
    report["summary"]["origins"]["tie"] += 1


def _reused_chars_off(report: Report) -> None:
    doc(report, LOCAL)["reused_chars"] += 1
    report["summary"]["reused_chars"] += 1


def _link_count_off(report: Report) -> None:
    doc(report, ARCHIVE)["links"] = 2


def _yearless_made_origin(report: Report) -> None:
    c = cluster(report, "C-00000000000c")
    for p in c["passages"]:
        p["role"] = "origin" if p["document"] == ARCHIVE else "later"
    c["origin"]["documents"] = [ARCHIVE]
    c["yearless"] = []


def _yearless_list_wrong(report: Report) -> None:
    cluster(report, "C-00000000000c")["yearless"] = []


def _later_before_origin(report: Report) -> None:
    c = cluster(report, "C-00000000000b")
    c["passages"][0]["role"], c["passages"][1]["role"] = "later", "origin"
    c["origin"] = {"status": "determined", "documents": [LOCAL], "date": "2025-11-16"}


def _same_day_in_wrong_order(report: Report) -> None:
    lk = link(report, "L-000000000001")
    lk["source"], lk["target"] = lk["target"], lk["source"]


def _earlier_to_later_backwards(report: Report) -> None:
    lk = link(report, "L-000000000004")
    lk["source"], lk["target"] = lk["target"], lk["source"]


def _passage_date_differs(report: Report) -> None:
    cluster(report, "C-00000000000b")["passages"][1]["outlet"] = "Коммерсантъ"


def _body_past_text(report: Report) -> None:
    d = doc(report, RIA)
    d["body"]["end"] = len(d["text"]) + 5


def _sha_mismatch(report: Report) -> None:
    doc(report, RIA)["sha256"] = "0" * 64


def _precision_mismatch(report: Report) -> None:
    doc(report, RIA)["date_precision"] = "datetime"  # but the date is a plain day


def _self_link(report: Report) -> None:
    lk = link(report, "L-000000000004")
    lk["target"] = copy.deepcopy(lk["source"])


BROKEN: dict[str, tuple[Callable[[Report], None], str]] = {
    "bad snippet": (_bad_snippet, "snippet differs"),
    "end past the text": (_end_past_text, "is not inside document"),
    "empty span": (_empty_span, "start < end"),
    "unknown link document": (_unknown_document, "unknown document 'nowhere.txt'"),
    "unknown cluster document": (_unknown_cluster_passage_document, "unknown document 'nowhere.txt'"),
    "date in words": (_set_date("20 ноября 2025"), "documents/2/date"),
    "impossible day": (_set_date("2025-02-30"), "documents/2/date"),
    "impossible month-day": (_set_date("--02-30", "month-day"), "documents/2/date"),
    "date-time without offset": (_set_date("2025-11-16T10:00:00", "datetime"), "documents/2/date"),
    "determined with two documents": (_determined_with_two, "origin/documents"),
    "tie with one document": (_tie_with_one, "origin/documents"),
    "undated with documents": (_undated_with_documents, "origin/documents"),
    "missing required key": (_missing_key, "'sha256' is a required property"),
    "wrong offset unit": (_wrong_offset_unit, "offset_unit"),
    "wrong schema version": (_wrong_schema_version, "schema_version"),
    "bad link id": (_bad_link_id, "does not match"),
    "link names another cluster": (_cluster_disagrees, "does not list it"),
    "cluster lists unknown link": (_cluster_lists_unknown_link, "unknown link"),
    "duplicate link id": (_duplicate_link_id, "duplicate link id"),
    "duplicate document id": (_duplicate_document, "duplicate document id"),
    "summary count": (_summary_off, "origins.tie"),
    "reused chars": (_reused_chars_off, "reused_chars is"),
    "document link count": (_link_count_off, "links is 2"),
    "year-less member made origin": (_yearless_made_origin, "role origin does not fit"),
    "yearless list": (_yearless_list_wrong, "yearless [] differs"),
    "later member before origin": (_later_before_origin, "dated before the origin"),
    "same-day sides out of id order": (_same_day_in_wrong_order, "sorts first"),
    "earlier-to-later backwards": (_earlier_to_later_backwards, "after target"),
    "passage outlet differs": (_passage_date_differs, "outlet 'Коммерсантъ' differs"),
    "body past the text": (_body_past_text, "body"),
    "sha256 mismatch": (_sha_mismatch, "sha256 does not match"),
    "precision does not fit the date": (_precision_mismatch, "documents/0/date"),
    "link to itself": (_self_link, "same document"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_report_is_rejected(name: str) -> None:
    mutate, expected = BROKEN[name]
    report = sample_report()
    mutate(report)
    found = validate_report(report)
    assert found, f"{name}: accepted"
    assert any(expected in message for message in found), found


def test_consistency_checks_run_only_on_a_well_formed_report() -> None:
    report = sample_report()
    report["offset_unit"] = "bytes"
    _bad_snippet(report)
    found = validate_report(report)
    assert found and all("snippet" not in e for e in found)


def test_recomputed_sample_after_edit_still_validates() -> None:
    """`finish` keeps derived numbers right, so edits elsewhere are tested on their own."""
    report = sample_report()
    del report["links"][4]
    report["clusters"].pop()
    assert validate_report(finish(report)) == []


def test_messages_are_readable_strings() -> None:
    report = sample_report()
    _bad_snippet(report)
    _summary_off(report)
    found = validate_report(report)
    assert all(isinstance(m, str) and m for m in found)
    assert any("L-000000000001" in m for m in found)


# --- documents without their text (format 1.4.0) ---------------------------------------------


def test_a_report_leaving_out_the_text_of_a_document_in_no_link_is_valid() -> None:
    for texts in ("linked", "all"):
        report = sample_report_with_unlinked(texts)
        assert errors(NAME, report) == []
        assert validate_report(report) == []
    report = sample_report_with_unlinked("linked")
    weather = doc(report, UNLINKED)
    assert "text" not in weather and "excluded" not in weather and weather["text_length"] > 0
    # Its boilerplate line is counted in the summary, not listed: the listed ones are fewer.
    assert report["summary"]["boilerplate_lines"] == 2
    assert sum(len(d.get("excluded", ())) for d in report["documents"]) == 1


def _names_the_textless(report: Report) -> None:
    lk = link(report, "L-000000000004")
    lk["target"]["document"] = UNLINKED


def _cluster_names_the_textless(report: Report) -> None:
    cluster(report, "C-00000000000b")["passages"][1]["document"] = UNLINKED


def _credit_in_the_textless(report: Report) -> None:
    lk = link(report, "L-000000000004")
    lk["target"]["document"] = UNLINKED
    lk["credit"]["document"] = UNLINKED


def _set_unlinked(key: str, value: Any) -> Callable[[Report], None]:
    def mutate(report: Report) -> None:
        doc(report, UNLINKED)[key] = value

    return mutate


def _text_without_spans(report: Report) -> None:
    doc(report, UNLINKED)["text"] = "x" * doc(report, UNLINKED)["text_length"]


def _counted_past_body(report: Report) -> None:
    d = doc(report, UNLINKED)
    d["counted_chars"] = d["body"]["end"] - d["body"]["start"] + 1


def _body_past_length(report: Report) -> None:
    d = doc(report, UNLINKED)
    d["body"]["end"] = d["text_length"] + 1


def _claims_every_text(report: Report) -> None:
    report["parameters"]["texts"] = "all"


def _summary_below_listed(report: Report) -> None:
    report["summary"]["boilerplate_lines"] = 0


def _missing_text_length(report: Report) -> None:
    del doc(report, UNLINKED)["text_length"]


TEXTLESS_BROKEN: dict[str, tuple[Callable[[Report], None], str]] = {
    "link names a text-less document": (_names_the_textless, "whose text the report does not carry"),
    "cluster names a text-less document": (_cluster_names_the_textless, "whose text the report does not carry"),
    "credit in a text-less document": (_credit_in_the_textless, "credit evidence names document 'misc/weather.txt'"),
    "text-less with reused chars": (_set_unlinked("reused_chars", 5), "documents/4/reused_chars"),
    "text-less with links": (_set_unlinked("links", 1), "documents/4/links"),
    "text-less with a share": (_set_unlinked("reused_share", 0.5), "documents/4/reused_share"),
    "quotations without text": (_set_unlinked("quotations", []), "'text' is a dependency of 'quotations'"),
    "text without its spans": (_text_without_spans, "'quotations' is a dependency of 'text'"),
    "counted beyond the body": (_counted_past_body, "more than the"),
    "body beyond the text length": (_body_past_length, "is not inside its text of length"),
    "texts all, a text missing": (_claims_every_text, "has no text, but parameters.texts is 'all'"),
    "summary below the listed spans": (_summary_below_listed, "fewer than the 1 boilerplate spans listed"),
    "no text length": (_missing_text_length, "'text_length' is a required property"),
}


@pytest.mark.parametrize("name", sorted(TEXTLESS_BROKEN))
def test_broken_report_without_a_text_is_rejected(name: str) -> None:
    mutate, expected = TEXTLESS_BROKEN[name]
    report = sample_report_with_unlinked("linked")
    mutate(report)
    found = validate_report(report)
    assert found, f"{name}: accepted"
    assert any(expected in message for message in found), found


def test_text_length_must_be_the_length_of_the_text() -> None:
    report = sample_report()
    doc(report, RIA)["text_length"] += 1
    assert any("text_length is" in e and "code points" in e for e in validate_report(report))


def test_a_report_of_linked_texts_carries_no_text_of_a_document_in_no_link() -> None:
    report = sample_report_with_unlinked("all")
    assert validate_report(report) == []
    report["parameters"]["texts"] = "linked"
    found = validate_report(report)
    assert found == ["document 'misc/weather.txt': is in no link but carries its text, and parameters.texts is 'linked'"]


def test_a_report_of_format_1_3_0_is_refused_by_its_version() -> None:
    """As before: a reader refuses a version it does not know (a 1.3.0 report has every text,
    and neither `text_length` nor `parameters.texts`)."""
    older = json.loads((Path(__file__).parent / "data" / "seeds-lineage-1.3.0.json").read_text(encoding="utf-8"))
    found = validate_report(older)
    assert any("schema_version" in e and "1.4.0" in e for e in found), found


# --- the compiled screen agrees with jsonschema -----------------------------------------------


def _with_date(value: str) -> Callable[[Report], None]:
    def mutate(report: Report) -> None:
        doc(report, TASS)["date"] = value

    return mutate


SCREENED = {
    **{name: mutate for name, (mutate, _) in BROKEN.items()},
    "hour 25": _with_date("2025-11-14T25:99:00+03:00"),
    "no offset": _with_date("2025-11-14T10:15:00"),
    "30 February": _with_date("2025-02-30"),
    "words": _with_date("20 ноября 2025"),
    "valid date-time": _with_date("2025-11-14T10:15:00.5+03:00"),
}


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_screen_accepts_exactly_what_jsonschema_accepts(name: str) -> None:
    report = sample_report()
    SCREENED[name](report)
    # The screen passing a report jsonschema rejects would show here as [] against messages.
    assert screened_errors(NAME, report) == errors(NAME, report)


@pytest.mark.parametrize("name", sorted(TEXTLESS_BROKEN))
def test_screen_agrees_on_documents_without_their_text(name: str) -> None:
    report = sample_report_with_unlinked("linked")
    assert screened_errors(NAME, report) == errors(NAME, report) == []
    TEXTLESS_BROKEN[name][0](report)
    # The screen passing a report jsonschema rejects would show here as [] against messages.
    assert screened_errors(NAME, report) == errors(NAME, report)

"""The report model: JSON in, the same objects out; the model out, the same JSON bytes."""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_samples import UNLINKED, UNLINKED_TEXT, sample_report, sample_report_with_unlinked
from seed_ids import SEEDS

from provenance.pipeline import scan
from provenance.report.model import (
    OPTIONAL,
    DocumentEntry,
    ExcludedSpan,
    Link,
    Node,
    Report,
    json_chunks,
)
from provenance.report.validate import check_report, read_report

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "reports" / "lineage.json"


def _dump(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


def test_the_committed_report_reads_back_and_writes_the_same_bytes() -> None:
    raw = COMMITTED.read_bytes()
    report = Report.from_json(raw)
    assert report.to_json() == raw
    assert Report.from_json(report.to_json()) == report
    assert check_report(report) == []


def test_a_scan_builds_the_model_of_the_committed_report() -> None:
    report = scan(SEEDS, jobs=1)
    assert isinstance(report, Report)
    assert report == Report.from_json(COMMITTED.read_bytes())


def test_the_sample_report_round_trips() -> None:
    data = sample_report()
    report, errors = read_report(data)
    assert errors == []
    assert report is not None
    assert report.to_dict() == data
    # Keys in the schema's order, whatever the order of the hand-made data.
    assert orjson.loads(report.to_json()) == data
    assert Report.from_json(report.to_json()) == report


def test_attributes_are_typed_and_json_names_kept() -> None:
    report = Report.from_dict(sample_report())
    link = report.links[0]
    assert isinstance(link, Link)
    assert isinstance(link.clusters, tuple)
    assert "class" in link.to_dict() and "link_class" not in link.to_dict()
    doc = report.documents[0]
    assert isinstance(doc, DocumentEntry)
    assert doc.body == (doc.body[0], doc.body[1])
    assert doc.to_dict()["body"] == {"start": doc.body[0], "end": doc.body[1]}
    assert set(report.summary.classes.to_dict()) == {"copied-text", "mixed", "shared-quotation"}


def test_an_optional_field_is_left_out_while_none() -> None:
    boilerplate = ExcludedSpan(start=0, end=4, reason="boilerplate", rule="registry")
    assert boilerplate.to_dict() == {"start": 0, "end": 4, "reason": "boilerplate", "rule": "registry"}
    repeat = ExcludedSpan(start=9, end=20, reason="internal-duplicate", duplicate_of=(0, 11), words=12)
    assert list(repeat.to_dict()) == ["start", "end", "reason", "duplicate_of", "words"]
    assert ExcludedSpan.from_dict(repeat.to_dict()) == repeat
    assert [f.name for f in dataclasses.fields(ExcludedSpan) if f.metadata == OPTIONAL] == [
        "rule",
        "duplicate_of",
        "words",
    ]


def test_a_document_without_its_text_leaves_out_the_spans_in_it() -> None:
    """Format 1.4.0: `text`, `quotations`, `credits` and `excluded` are absent together, and
    `text_length` (after `body`) still gives the text's length."""
    data = sample_report_with_unlinked("linked")
    report = Report.from_dict(data)
    weather = next(d for d in report.documents if d.id == UNLINKED)
    assert not weather.has_text
    assert (weather.text, weather.quotations, weather.credits, weather.excluded) == (None, None, None, None)
    assert weather.text_length == len(UNLINKED_TEXT) and weather.cites == ("Гидрометцентр",)
    written = weather.to_dict()
    assert not {"text", "quotations", "credits", "excluded"} & written.keys()
    keys = list(written)
    assert keys[keys.index("body") + 1] == "text_length"
    assert DocumentEntry.from_dict(written) == weather
    assert report.to_dict() == data
    assert Report.from_json(report.to_json()) == report
    # A document with its text writes every key, the text right after its length.
    keys = list(report.documents[0].to_dict())
    assert keys[keys.index("text_length") : keys.index("text_length") + 2] == ["text_length", "text"]
    assert {"quotations", "credits", "excluded"} <= set(keys) and report.documents[0].has_text


def test_an_unknown_key_is_refused() -> None:
    data = sample_report()
    data["documents"][0]["colour"] = "red"
    with pytest.raises(ValueError, match="DocumentEntry: unknown keys \\['colour'\\]"):
        Report.from_dict(data)


def test_the_stream_is_the_whole_dump() -> None:
    report = Report.from_dict(sample_report())
    assert b"".join(report.json_chunks()) == _dump(report.to_dict())
    # A list is written an item at a time.
    assert len(list(report.json_chunks())) > len(report.documents) + len(report.links)
    assert b"".join(json_chunks({"a": [], "b": ()})) == _dump({"a": [], "b": []})


# --- any report object ------------------------------------------------------------------------


def _strategy(hint: Any) -> st.SearchStrategy[Any]:
    """Values of a type of the model, read from its hints as the model reads them."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(hint, type) and issubclass(hint, Node):
        hints = typing.get_type_hints(hint)
        return st.builds(hint, **{f.name: _strategy(hints[f.name]) for f in dataclasses.fields(hint)})
    if origin in (typing.Union, types.UnionType):
        [inner] = [a for a in args if a is not type(None)]
        return st.none() | _strategy(inner)
    if origin is tuple and args == (int, int):
        return st.tuples(st.integers(0, 10**6), st.integers(0, 10**6))
    if origin in (tuple, Sequence):
        return st.lists(_strategy(args[0]), max_size=2).map(tuple)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=8),
        int: st.integers(0, 2**53),
        float: st.floats(0, 1),
        bool: st.booleans(),
    }
    if hint in simple:
        return simple[hint]
    # The free-form parameters.
    return st.dictionaries(st.text(max_size=5), st.integers(-(2**53), 2**53) | st.text(max_size=5), max_size=3)


@settings(max_examples=60, deadline=None)
@given(_strategy(Report))
def test_any_report_round_trips_through_its_json_bytes(report: Report) -> None:
    raw = report.to_json()
    assert raw == _dump(report.to_dict())
    assert Report.from_json(raw) == report


def test_writing_leaves_no_second_copy_of_the_texts() -> None:
    """orjson keeps the UTF-8 form of a non-ASCII string it writes inside the string: the JSON
    of 100,000 articles would leave every text in memory twice."""
    report = Report.from_json(COMMITTED.read_bytes())
    texts = [d.text for d in report.documents if d.text is not None] + [k.source.snippet for k in report.links]
    sizes = [sys.getsizeof(t) for t in texts]
    assert any(not t.isascii() for t in texts)
    report.to_json()
    assert [sys.getsizeof(t) for t in texts] == sizes

"""The JSON writer: a report streamed a list item at a time is byte for byte orjson's dump."""

from __future__ import annotations

import json
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from report_samples import sample_report

from provenance.pipeline import dumps, json_chunks


def _whole(value: dict[str, Any]) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


def test_sample_report_streams_to_the_whole_dump() -> None:
    report = sample_report()
    assert b"".join(json_chunks(report)) == _whole(report)
    assert json.loads(dumps(report)) == report


def test_empty_and_nested_values() -> None:
    for value in ({}, {"a": []}, {"a": {}}, {"a": [[]], "b": [{}], "c": [[1, [2, {"d": []}]]]}):
        assert b"".join(json_chunks(value)) == _whole(value)


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), _values, max_size=6))
def test_any_json_object_streams_to_the_whole_dump(report: dict[str, Any]) -> None:
    assert b"".join(json_chunks(report)) == _whole(report)

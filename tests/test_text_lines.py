"""Line and column of an offset, for every line break the project knows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from provenance.text.lines import line_column

_BREAKS = ["\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"]
_LINE = st.text(alphabet=st.characters(blacklist_characters="\n\r\x85\u2028\u2029", codec="utf-8"), max_size=12)


@given(st.lists(st.tuples(_LINE, st.sampled_from(_BREAKS)), min_size=1, max_size=8), st.data())
def test_every_position_of_a_line_has_its_line_and_column(lines: list[tuple[str, str]], data: st.DataObject) -> None:
    text = "".join(line + end for line, end in lines)
    k = data.draw(st.integers(0, len(lines) - 1))
    start = sum(len(line) + len(end) for line, end in lines[:k])
    column = data.draw(st.integers(0, len(lines[k][0])))
    assert line_column(text, start + column) == (k + 1, column + 1)


def test_a_crlf_is_one_break_and_columns_count_code_points() -> None:
    text = "Первая строка\r\nвторая: «цитата»\r\n\r\nчетвёртая"
    assert line_column(text, 0) == (1, 1)
    assert line_column(text, text.index("цитата")) == (2, 10)
    assert line_column(text, text.index("четвёртая")) == (4, 1)
    assert line_column("😀 x", 2) == (1, 3)  # one code point, however many bytes or UTF-16 units

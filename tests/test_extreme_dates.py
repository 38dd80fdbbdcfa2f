"""Dates at the ends of what datetime holds: year 1 and year 9999, with offsets that carry the
moment they name past the end in UTC. They scan, render in every view and sort by the moment."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from cli_process import run_cli
from hypothesis import given
from hypothesis import strategies as st

from provenance.ingest.files import ReadOptions
from provenance.ingest.model import DocumentDate
from provenance.lineage import compare
from provenance.pipeline import scan, write_reports
from provenance.report.html import _date_key, _instant, render_html
from provenance.report.model import Report
from provenance.report.prov_export import generation_time

SHARED = (
    "Правительство утвердило программу модернизации пригородных электричек до 2030 года, "
    "и на обновление подвижного состава направят сто двадцать миллиардов рублей из федерального бюджета."
)
# In UTC, b is a minute before year 1 begins and d a second after year 9999 ends.
RECORDS = [
    {"id": "a", "outlet": "Альфа", "date": "0001-01-01T00:05:00+00:00", "text": f"Первая заметка. {SHARED}"},
    {"id": "b", "outlet": "Бета", "date": "0001-01-01T00:00:00+00:01", "text": f"Вторая заметка. {SHARED}"},
    {"id": "c", "outlet": "Гамма", "date": "9999-12-31T23:59:59+00:00", "text": f"Третья заметка. {SHARED}"},
    {
        "id": "d",
        "outlet": "Дельта",
        "date": "9999-12-31T23:59:59-00:01",
        "text": f"Четвертая заметка. {SHARED}",
    },
]

_OFFSETS = st.timedeltas(
    min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
)
_MOMENTS = st.datetimes(
    timezones=st.builds(timezone, _OFFSETS.map(lambda d: timedelta(minutes=d // timedelta(minutes=1))))
)


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "records.json").write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    return corpus


def _page_order(page: str) -> list[str]:
    """The document ids as the page lists them in its corpus table."""
    return re.findall(r'<tr data-doc="([^"]+)"', page)


# --- the moment's key -----------------------------------------------------------------------


@given(_MOMENTS, _MOMENTS)
def test_instant_keys_sort_as_the_moments_do(x: datetime, y: datetime) -> None:
    kx, ky = _instant(x.isoformat()), _instant(y.isoformat())
    assert len(kx) == len(ky) and kx.isdigit()
    # Aware datetimes compare by the moment without converting to UTC, so they never overflow.
    assert (kx < ky, kx == ky) == (x < y, x == y)


def test_instant_at_the_ends_of_datetime() -> None:
    assert _instant("0001-01-01T00:00:00+00:01") < _instant("0001-01-01T00:00:00+00:00")
    assert _instant("9999-12-31T23:59:59-00:01") > _instant("9999-12-31T23:59:59+00:00")
    # A leap second falls between the last second of its day and the next day.
    assert _instant("2016-12-31T23:59:59.9+00:00") < _instant("2016-12-31T23:59:60+00:00")
    assert _instant("2016-12-31T23:59:60+00:00") < _instant("2017-01-01T00:00:00+00:00")
    assert _date_key("0001-01-01T00:00:00+00:01", "datetime")[0] == 0


def test_lineage_and_prov_read_the_ends_of_datetime() -> None:
    first = DocumentDate("0001-01-01T00:00:00+00:01", "datetime", "record")
    later = DocumentDate("0001-01-01T00:05:00+00:00", "datetime", "record")
    assert compare(first, later) == "before"
    last = DocumentDate("9999-12-31T23:59:59-00:01", "datetime", "record")
    before_last = DocumentDate("9999-12-31T23:59:59+00:00", "datetime", "record")
    assert compare(last, before_last) == "after"
    assert generation_time(last.value, "datetime") == datetime.fromisoformat(last.value)
    assert generation_time("9999-12-31", "day") == datetime(9999, 12, 31)


# --- scanned, rendered ------------------------------------------------------------------------


def test_scan_through_the_cli_writes_every_view(tmp_path: Path) -> None:
    """Year 1 sorts by the moment; year 9999 lies after today, so it is undated with a warning."""
    corpus = _corpus(tmp_path)
    result = run_cli("scan", str(corpus), "-o", str(tmp_path / "out"), "--format", "all", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    report = json.loads((tmp_path / "out" / "lineage.json").read_text(encoding="utf-8"))
    dates = {d["id"]: (d["date"], d["date_precision"]) for d in report["documents"]}
    assert dates["b"] == ("0001-01-01T00:00:00+00:01", "datetime")
    assert dates["c"] == dates["d"] == (None, "none")
    assert sum("in the future" in w["message"] for w in report["warnings"]) == 2
    [cluster] = report["clusters"]
    assert cluster["origin"]["documents"] == ["b"]
    [ab] = [
        lk for lk in report["links"] if {lk["source"]["document"], lk["target"]["document"]} == {"a", "b"}
    ]
    assert (ab["source"]["document"], ab["direction"]) == ("b", "earlier-to-later")
    page = (tmp_path / "out" / "lineage.html").read_text(encoding="utf-8")
    assert _page_order(page) == ["b", "a", "c", "d"]
    prov = (tmp_path / "out" / "lineage.prov.json").read_text(encoding="utf-8")
    assert '"0001-01-01T00:00:00+00:01"' in prov

    draft = tmp_path / "draft.txt"
    draft.write_text(f"Черновик. {SHARED}\n", encoding="utf-8")
    for fmt in ("text", "json", "html"):
        checked = run_cli("check", str(draft), "--corpus", str(corpus), "--format", fmt, cwd=tmp_path)
        assert checked.returncode == 1, checked.stderr
        assert "Traceback" not in checked.stderr


def _far_report(tmp_path: Path) -> Report:
    # On the last day datetime can hold, year 9999 is no longer in the future.
    return scan(_corpus(tmp_path), jobs=1, options=ReadOptions(today=date.max))


def test_year_9999_scans_renders_and_sorts_by_the_moment(tmp_path: Path) -> None:
    report = _far_report(tmp_path)
    assert all(d.date_precision == "datetime" for d in report.documents)
    [cd] = [lk for lk in report.links if {lk.source.document, lk.target.document} == {"c", "d"}]
    assert (cd.source.document, cd.direction) == ("c", "earlier-to-later")
    assert _page_order(render_html(report)) == ["b", "a", "c", "d"]
    write_reports(report, tmp_path / "out", ("json",))
    for fmt, name in (("html", "lineage.html"), ("prov-json", "lineage.prov.json")):
        out = tmp_path / "out" / name
        rendered = run_cli(
            "render", str(tmp_path / "out" / "lineage.json"), "--format", fmt, "-o", str(out), cwd=tmp_path
        )
        assert rendered.returncode == 0, rendered.stderr
    assert _page_order((tmp_path / "out" / "lineage.html").read_text(encoding="utf-8")) == [
        "b",
        "a",
        "c",
        "d",
    ]
    assert '"9999-12-31T23:59:59-00:01"' in (tmp_path / "out" / "lineage.prov.json").read_text(
        encoding="utf-8"
    )

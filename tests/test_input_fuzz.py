"""Arbitrary bytes and arbitrary Unicode through ingest and the whole scan: never a crash,
every span valid, every report valid against its schema."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.ingest import SUFFIXES, ReadOptions, load_registry
from provenance.ingest.files import read_bytes
from provenance.pipeline import scan
from provenance.report.validate import validate_report

REGISTRY = load_registry()
OPTIONS = ReadOptions(today=date(2026, 11, 21))
SEED = (Path(__file__).resolve().parent.parent / "seeds" / "001_2013a25cb4beb990.txt").read_text(
    encoding="utf-8"
)
# A sentence long enough to be found again, so the fuzzed scans also have links to check.
SHARED = SEED[SEED.index("Напомним") :][:400] if "Напомним" in SEED else SEED[200:600]

texts = st.text(st.characters(codec="utf-8"), max_size=300) | st.text(max_size=300)
article_text = st.builds(lambda a, b, shared: a + (SHARED if shared else "") + b, texts, texts, st.booleans())


@st.composite
def record(draw: st.DrawFn) -> object:
    return draw(
        st.fixed_dictionaries(
            {"id": st.text(min_size=1, max_size=8), "text": article_text},
            optional={
                "date": st.sampled_from(["2025-10-10", "2025-02-30", "2031-01-01", "--10-10", "x", ""])
                | st.none(),
                "outlet": st.sampled_from(["nur.kz", "nCa", "", "Новое"]) | st.none(),
                "title": texts | st.none(),
            },
        )
        | st.integers()
        | st.text(max_size=5)
    )


@st.composite
def file_content(draw: st.DrawFn, suffix: str) -> bytes:
    kind = draw(st.sampled_from(["bytes", "text", "structured"]))
    if kind == "bytes":
        return draw(st.binary(max_size=600))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8-r", "cp1252"]))
    if kind == "text":
        text = draw(article_text)
    elif suffix in (".json", ".jsonl"):
        records = draw(st.lists(record(), max_size=4))
        if suffix == ".json":
            text = json.dumps(records, ensure_ascii=draw(st.booleans()))
        else:
            text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))] if draw(st.booleans()) else text
    elif suffix in (".html", ".htm"):
        body = draw(article_text)
        meta = draw(st.sampled_from(["", '<meta property="article:published_time" content="2025-02-30">']))
        text = f"<html><head>{meta}<title>{draw(texts)}</title></head><body><p>{body}</p>"
        text += draw(st.sampled_from(["</body></html>", "", "<script>alert(1)</script>"]))
    else:
        text = " date 2025-10-10 " + draw(article_text)
    newline = draw(st.sampled_from(["\n", "\r\n", "\r", "\x85"]))
    return text.replace("\n", newline).encode(encoding, errors="replace")


@st.composite
def folders(draw: st.DrawFn) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for n in range(draw(st.integers(min_value=1, max_value=4))):
        suffix = draw(st.sampled_from(SUFFIXES))
        files[f"f{n}{suffix}"] = draw(file_content(suffix))
    return files


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SUFFIXES).flatmap(lambda s: st.tuples(st.just(s), file_content(s) | st.binary())))
def test_ingest_never_crashes(case: tuple[str, bytes]) -> None:
    suffix, data = case
    documents, warnings, skipped = read_bytes(data, "f" + suffix, suffix, REGISTRY, OPTIONS)
    assert documents or skipped  # nothing silently lost
    for doc in documents:
        doc.text.encode("utf-8")  # no lone surrogates: the text can be written
        start, end = doc.body
        assert 0 <= start <= end <= len(doc.text)
        assert doc.date.has_year == (doc.date.precision in ("datetime", "day"))
    for w in warnings:
        assert "\n" not in str(w)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(folders())
def test_whole_scan_gives_a_valid_report(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        root.mkdir()
        for name, data in files.items():
            (root / name).write_bytes(data)
        report = scan(root, registry=REGISTRY, jobs=1, options=OPTIONS).to_dict()
    assert validate_report(report) == []  # the schema, and every span against its text
    read = {d["path"] for d in report["documents"]} | {s["path"] for s in report["skipped"]}
    assert read == set(files)

"""The large-inputs benchmark's generators: the inputs are what their names say."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.large_inputs import _session_pss, write_article, write_line, write_records


def test_generated_inputs(tmp_path: Path) -> None:
    article, line, records = tmp_path / "a.txt", tmp_path / "l.txt", tmp_path / "r.json"
    write_article(article, 0.05)
    write_line(line, 0.02)
    write_records(records, 30)
    text = article.read_text(encoding="utf-8")
    assert 50_000 <= article.stat().st_size < 60_000 and text.startswith(" 12 марта 2025 \n\n")
    paragraphs = text.split("\n\n")[1:-1]
    assert len(paragraphs) > 10 and len(set(paragraphs)) == len(paragraphs)
    assert 20_000 <= line.stat().st_size < 30_000 and "\n" not in line.read_text(encoding="utf-8")
    loaded = json.loads(records.read_text(encoding="utf-8"))
    assert [r["id"] for r in loaded] == [f"r{n:07d}" for n in range(30)]
    assert all(r["text"] and r["date"] and r["outlet"] for r in loaded)


def test_session_memory_is_measured() -> None:
    assert _session_pss(os.getsid(0)) > 0

"""The speed-and-scale benchmark: a deterministic corpus whose planted copies are exact, and an
end-to-end run at a tiny size. Nothing here asserts a timing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import scale
from bench import scale_corpus as sc
from provenance.report import export

N = 200


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, sc.Planted]:
    folder = tmp_path_factory.mktemp("first") / "articles"
    return folder, sc.generate(N, folder, seed=3)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_same_seed_same_files_and_copies(generated: tuple[Path, sc.Planted], tmp_path: Path) -> None:
    folder, planted = generated
    again = tmp_path / "articles"
    assert sc.generate(N, again, seed=3) == planted
    assert _files(again) == _files(folder)
    assert sc.planted_path(again).read_bytes() == sc.planted_path(folder).read_bytes()
    assert sc.load_planted(folder) == planted
    assert sc.generate(N, tmp_path / "other", seed=4).copies != planted.copies


def test_without_byline_only_the_byline_goes(generated: tuple[Path, sc.Planted], tmp_path: Path) -> None:
    folder, planted = generated
    bare = tmp_path / "bare"
    assert sc.generate(N, bare, seed=3, byline=False).copies == planted.copies
    for rel, data in _files(bare).items():
        text, full = data.decode("utf-8"), (folder / rel).read_text(encoding="utf-8")
        assert re.fullmatch(r"\n\nИсточник: [^\n]+\.", full[len(text) :]), rel
        assert full.startswith(text)


def test_files_are_articles_as_users_keep_them(generated: tuple[Path, sc.Planted]) -> None:
    folder, _ = generated
    paths = sorted(folder.rglob("*.txt"))
    assert len(paths) == N
    assert {p.parent.name for p in paths} == {"0000"}
    assert paths[123].relative_to(folder).as_posix() == sc.article_id(123) + ".txt"
    assert not list(folder.rglob("*.json"))  # the planted copies stay out of the scanned folder
    dates = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        header = re.match(r" date (2025-\d\d-\d\d) \S", text)
        assert header, text[:40]
        dates.append(header.group(1))
        words = len(re.findall(r"\w+", text))
        assert 250 <= words <= 700
        assert 7 <= text.count("\n\n") <= 14
        assert text.rstrip().splitlines()[-1].startswith("Источник: ")
    assert dates == sorted(dates)
    assert dates[0] == "2025-01-01" and dates[-1] >= "2025-12-01"


def test_planted_spans_hold_the_copied_text(generated: tuple[Path, sc.Planted]) -> None:
    folder, planted = generated
    text = {
        p: (folder / (p + ".txt")).read_text(encoding="utf-8") for p in {sc.article_id(i) for i in range(N)}
    }
    assert planted.copies
    for c in planted.copies:
        assert sc.article_id(sc.WARMUP) <= c.target and c.source < c.target
        copied = text[c.target][slice(*c.target_span)]
        original = text[c.source][slice(*c.source_span)]
        if c.edited:
            assert copied != original
            # Edits leave the first and last words alone.
            assert copied.split()[: sc.EDGE_WORDS] == original.split()[: sc.EDGE_WORDS]
            assert copied.split()[-sc.EDGE_WORDS :] == original.split()[-sc.EDGE_WORDS :]
        else:
            assert copied == original
        assert text[c.target][: c.target_span[0]].count("\n\n") == c.target_paragraph
        assert text[c.source][: c.source_span[0]].count("\n\n") == c.source_paragraph


def test_about_a_third_of_articles_copy(generated: tuple[Path, sc.Planted]) -> None:
    _, planted = generated
    share = len(planted.targets) / (N - sc.WARMUP)
    assert 0.18 <= share <= 0.42
    edited = sum(c.edited for c in planted.copies) / len(planted.copies)
    assert 0.15 <= edited <= 0.5
    assert {c.unit for c in planted.copies} == {"paragraph", "sentence"}
    assert {c.placement for c in planted.copies} == {"own-paragraph", "inside-paragraph"}


def test_benchmark_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scale.json"
    assert (
        scale.main(["--sizes", str(N), "--repeat", "1", "--work", str(tmp_path / "work"), "-o", str(out)])
        == 0
    )
    assert "scan / floor" in capsys.readouterr().out
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["machine"]["cpus"] >= 1
    (size,) = results["sizes"]
    assert size["articles"] == N and size["planted_copies"] > 0
    programs = size["programs"]
    assert set(programs) == {"floor", "scan", "plain"}
    for name in programs:
        p = programs[name]
        assert p["ran"] and p["wall_seconds"] > 0 and p["peak_mb"] > 0 and p["cpu_seconds"] >= 0
    assert programs["floor"]["words"] > N * 250
    assert 0 <= programs["plain"]["recall"] <= 1
    assert 0 <= programs["scan"]["recall"] <= 1
    # The tool finds single copied sentences; a plain paragraph-level index does not.
    assert programs["scan"]["recall"] >= 0.9, programs["scan"]["missed_examples"]
    assert programs["scan"]["units"] > 0 and programs["scan"]["links"] > 0
    # The corpus is cached in --work: a second run reuses it.
    assert sc.load_planted(tmp_path / "work" / f"articles-{N}-seed1").articles == N


def test_only_the_programs_asked_for_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scale.json"
    argv = ["--sizes", f"{N // 2},{N}", "--repeat", "1", "--programs", "scan", "--work", str(tmp_path)]
    assert scale.main([*argv, "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "scan / floor" not in printed and "scan, time per article over the size below" in printed
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["settings"]["programs"] == ["scan"]
    for size in results["sizes"]:
        programs = size["programs"]
        assert not programs["floor"]["ran"] and not programs["plain"]["ran"]
        scan = programs["scan"]
        assert scan["ran"] and scan["report_mb"] > 0 and scan["recall"] >= 0.9
        # Candidate pairs alignment found nothing in: those without a link.
        assert scan["unverified_document_pairs"] == scan["candidate_document_pairs"] - scan["linked_document_pairs"]
        assert 0 <= scan["unverified_document_pairs"] < scan["candidate_document_pairs"]
        # Each step's measures come along, as the scan wrote them beside its report.
        assert [s["step"] for s in scan["steps"]][:3] == ["read", "lines", "analyse"]
        assert scan["steps"][0]["items_in"] == size["articles"]
    assert set(results["scaling"]["each_over_previous"]["scan"]) == {f"{N}/{N // 2}"}
    with pytest.raises(SystemExit):
        scale.main(["--programs", "scan,fast"])


def test_links_are_read_one_at_a_time_as_json_reads_them(
    generated: tuple[Path, sc.Planted], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from provenance import cli

    folder, planted = generated
    out = tmp_path / "report"
    done = CliRunner().invoke(cli.cli, ["scan", str(folder), "-o", str(out), "--format", "json", "-q"])
    assert done.exit_code == 0, done.output
    path = out / "lineage.json"
    links = json.loads(path.read_text(encoding="utf-8"))["links"]
    assert links
    # Blocks of a few bytes: the key, links and characters of two bytes all fall across blocks.
    for size in (3, 7, 64, 1 << 24):
        monkeypatch.setattr(export, "_READ_BYTES", size)
        assert list(scale.report_links(path)) == links
    recall = scale.scan_recall(scale.report_links(path), planted)
    assert recall["links"] == len(links)
    pairs = {frozenset((x["source"]["document"], x["target"]["document"])) for x in links}
    assert recall["linked_document_pairs"] == len(pairs) and all(len(p) == 2 for p in pairs)
    cut = tmp_path / "cut.json"
    cut.write_bytes(path.read_bytes()[: path.read_bytes().index(b'\n  "clusters"') - 200])
    with pytest.raises(ValueError):
        list(scale.report_links(cut))

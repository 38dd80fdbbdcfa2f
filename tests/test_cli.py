"""CLI behaviour: help, exit codes, one-line errors, warnings recorded and the run going on."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from report_samples import sample_report

from provenance import cli as cli_module
from provenance.pipeline import ReportInvalidError, write_reports
from provenance.report.model import Report

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "provenance", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["scan", "--help"],
        ["validate", "--help"],
        ["index", "--help"],
        ["index", "add", "--help"],
        ["index", "remove", "--help"],
        ["index", "stats", "--help"],
        ["index", "report", "--help"],
        ["check", "--help"],
        ["config", "--help"],
    ],
)
def test_help_explains_every_command(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.returncode == 0
    assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 5


def test_missing_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("scan", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "nowhere" in result.stderr and "no such file or folder" in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("scan", str(tmp_path), "--no-such-flag")
    assert result.returncode == 2
    assert result.stderr.startswith("provenance: error:")
    assert result.stderr.strip().count("\n") == 0


def test_folder_without_documents_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# not an article\n", encoding="utf-8")
    result = run_cli("scan", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no readable documents" in result.stderr


def test_bad_input_is_warned_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sentence = "По его мнению, неотъемлемым фактором укрепления региональной безопасности остается ситуация в Афганистане."
    (corpus / "a.txt").write_text(" date 2025-10-09 Вступление. " + sentence, encoding="utf-8")
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\x00 not utf-8 \xc3")
    lines = [
        json.dumps(
            {"id": "b", "text": "Другое начало. " + sentence, "date": "2025-10-10"}, ensure_ascii=False
        ),
        "{not json",
        json.dumps({"id": "c", "text": "x", "date": "2025-02-30"}),
    ]
    (corpus / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("scan", str(corpus), "-o", str(out))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert any("broken.txt" in w for w in warnings)
    assert any("feed.jsonl:2" in w for w in warnings)
    assert any("feed.jsonl:3" in w for w in warnings)
    report = json.loads((out / "lineage.json").read_text(encoding="utf-8"))
    skipped = {(s["path"], s["line"]) for s in report["skipped"]}
    assert {("broken.txt", None), ("feed.jsonl", 2)} <= skipped
    # Record 3's date is not a date: the record is read, undated.
    assert ("feed.jsonl", 3) not in skipped and "c" in {d["id"] for d in report["documents"]}
    assert len(report["warnings"]) == len(warnings)
    [link] = report["links"]
    assert (link["source"]["document"], link["target"]["document"]) == ("a", "b")
    assert link["direction"] == "earlier-to-later"


def test_format_json_only(tmp_path: Path) -> None:
    result = run_cli("scan", str(REPO / "seeds"), "-o", str(tmp_path), "--format", "json", "--quiet")
    assert result.returncode == 0
    assert result.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lineage.json", "lineage.steps.json"]


def test_validate_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    assert run_cli("scan", str(REPO / "seeds"), "-o", str(tmp_path), "--format", "json", "-q").returncode == 0
    (tmp_path / "lineage.json").rename(good)
    report = json.loads(good.read_text(encoding="utf-8"))
    report["links"][0]["source"]["start"] += 1  # the snippet no longer matches the offsets
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    not_json = tmp_path / "not.json"
    not_json.write_text("{", encoding="utf-8")
    assert run_cli("validate", str(good)).returncode == 0
    invalid = run_cli("validate", str(bad))
    assert invalid.returncode == 1 and "snippet" in invalid.stdout
    assert run_cli("validate", str(not_json)).returncode == 2
    assert run_cli("validate", str(tmp_path / "missing.json")).returncode == 2


def test_invalid_report_writes_nothing_and_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_scan(*args: Any, **kwargs: Any) -> Report:
        return dataclasses.replace(Report.from_dict(sample_report()), schema_version="1.0.0")

    monkeypatch.setattr(cli_module, "scan", broken_scan)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli_module.cli, ["scan", str(REPO / "seeds"), "-o", str(out), "-q"])
    assert result.exit_code == 2
    assert "report failed validation" in result.output
    assert not out.exists()
    with pytest.raises(ReportInvalidError):
        write_reports({"documents": []}, out)
    assert not out.exists()


def test_custom_registry_adds_boilerplate_and_credits(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Министр рассказал о планах, сообщает Вестник Степи.\n\nЧитайте нас в соцсетях\n", encoding="utf-8"
    )
    registry = tmp_path / "outlets.json"
    entry = {"id": "vestnik", "name": "Вестник Степи", "aliases": [], "signatures": []}
    registry.write_text(
        json.dumps({"boilerplate": ["Читайте нас в соцсетях"], "outlets": [entry]}), encoding="utf-8"
    )
    out = tmp_path / "out"
    # The article shares nothing: its spans are in the report with every text (--texts all).
    args = ("-o", str(out), "--format", "json", "--registry", str(registry), "--texts", "all")
    result = run_cli("scan", str(corpus), *args)
    assert result.returncode == 0, result.stderr
    [doc] = json.loads((out / "lineage.json").read_text(encoding="utf-8"))["documents"]
    assert [e["reason"] for e in doc["excluded"]] == ["boilerplate"]
    assert [(c["source_id"], c["name"]) for c in doc["credits"]] == [("vestnik", "Вестник Степи")]


@pytest.mark.parametrize(
    ("content", "problem"),
    [("{not json", "not JSON"), ('{"outlets": [{"id": "Bad Id"}]}', "invalid outlet registry")],
)
def test_bad_registry_is_one_line_and_exit_2(tmp_path: Path, content: str, problem: str) -> None:
    registry = tmp_path / "outlets.json"
    registry.write_text(content, encoding="utf-8")
    result = run_cli("scan", str(REPO / "seeds"), "-o", str(tmp_path / "out"), "--registry", str(registry))
    assert result.returncode == 2
    assert (
        result.stderr.strip().count("\n") == 0
        and problem in result.stderr
        and "outlets.json" in result.stderr
    )
    assert not (tmp_path / "out").exists()


def test_missing_registry_is_exit_2(tmp_path: Path) -> None:
    result = run_cli(
        "scan", str(REPO / "seeds"), "-o", str(tmp_path / "out"), "--registry", str(tmp_path / "x.json")
    )
    assert result.returncode == 2 and "x.json" in result.stderr and "cannot read" in result.stderr


def test_scan_writes_what_each_step_did_beside_the_report_and_prints_it_with_v(tmp_path: Path) -> None:
    from tests.cli_process import run_main

    quiet = run_main("scan", str(REPO / "seeds"), "-o", str(tmp_path / "q"), "-q", "-v")
    assert quiet.returncode == 0 and quiet.stderr == ""
    loud = run_main("scan", str(REPO / "seeds"), "-o", str(tmp_path / "v"), "-v")
    assert loud.returncode == 0, loud.stderr
    stats = json.loads((tmp_path / "v" / "lineage.steps.json").read_text(encoding="utf-8"))
    steps = [s["step"] for s in stats["steps"]]
    assert steps == [
        "read",
        "lines",
        "analyse",
        "frequent shingles",
        "candidates",
        "align",
        "lineage",
        "report",
        "write",
    ]
    report = json.loads((tmp_path / "v" / "lineage.json").read_text(encoding="utf-8"))
    by_step = {s["step"]: s for s in stats["steps"]}
    assert by_step["analyse"]["items_in"] == by_step["analyse"]["items_out"] == len(report["documents"])
    assert by_step["lineage"]["items_out"] == len(report["links"])
    assert all(s["seconds"] >= 0 and s["peak_mb"] > 0 for s in stats["steps"])
    for step in steps:
        assert any(
            line.startswith(f"provenance: {step}: ") and " in, " in line for line in loud.stderr.splitlines()
        )
    assert (tmp_path / "q" / "lineage.steps.json").is_file()


def test_sigterm_ends_a_command_with_one_line_and_exit_143(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.cli_process import run_main

    def scan_until_killed(*_: object, **__: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # `kill PID` while the scan runs
        time.sleep(60)  # cut short by the handler
        raise AssertionError("SIGTERM was not handled")

    monkeypatch.setattr(cli_module, "scan", scan_until_killed)
    previous = signal.getsignal(signal.SIGTERM)
    result = run_main("scan", str(REPO / "seeds"), "-o", str(tmp_path / "out"))
    assert (result.returncode, result.stderr, result.stdout) == (
        143,
        "provenance: terminated; nothing written\n",
        "",
    )
    assert not (tmp_path / "out").exists()
    # The handler is the command line's only while it runs: not the library's, nor the caller's.
    assert signal.getsignal(signal.SIGTERM) is previous


def test_help_lists_the_exit_codes_of_ctrl_c_and_sigterm() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "Ctrl-C, exit 130" in result.stdout and "(SIGTERM), 143" in " ".join(result.stdout.split())


# --- which texts the report carries ------------------------------------------------------------


def test_scan_leaves_out_the_texts_of_documents_in_no_link_unless_told_all(tmp_path: Path) -> None:
    from tests.cli_process import run_main

    for flags, out in (((), "default"), (("--texts", "linked"), "linked"), (("--texts", "all"), "all")):
        result = run_main(
            "scan", str(REPO / "seeds"), "-o", str(tmp_path / out), "--format", "all", "-q", *flags
        )
        assert result.returncode == 0, result.stderr
    reports = {
        name: json.loads((tmp_path / name / "lineage.json").read_text(encoding="utf-8"))
        for name in ("default", "linked", "all")
    }
    assert reports["default"] == reports["linked"]
    for name, texts in (("linked", "linked"), ("all", "all")):
        assert reports[name]["parameters"]["texts"] == texts
        assert run_cli("validate", str(tmp_path / name / "lineage.json")).returncode == 0
    carried = {name: [("text" in d, d["links"] > 0) for d in r["documents"]] for name, r in reports.items()}
    assert carried["linked"] == [(linked, linked) for _, linked in carried["linked"]]
    assert not all(has for has, _ in carried["linked"]) and all(has for has, _ in carried["all"])
    # The page names the file of a document without its text; PROV is the same either way.
    page = (tmp_path / "linked" / "lineage.html").read_text(encoding="utf-8")
    unlinked = [d for d in reports["linked"]["documents"] if "text" not in d]
    assert all(f'<code class="path">{d["path"]}</code>' in page for d in unlinked)
    prov = [(tmp_path / name / "lineage.prov.json").read_bytes() for name in ("linked", "all")]
    assert prov[0] == prov[1]


def test_a_bad_texts_choice_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("scan", str(REPO / "seeds"), "-o", str(tmp_path / "out"), "--texts", "some")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("provenance: error:") and "--texts" in line and "'some'" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["scan"], ["index", "report"]])
def test_help_offers_the_texts_choice(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0 and "--texts [linked|all]" in result.stdout

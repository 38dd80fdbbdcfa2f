"""`provenance render` and the report formats: every view is rebuilt from the JSON alone.

`render` validates before it writes (exit 2 and nothing written otherwise), writes beside the
report by default, to stdout with `-o -`, never over the report itself; `scan` and `index
report` write the formats asked for; the interface speaks English or Russian, from one
catalogue the page and its script share.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_process import REPO, run_cli, run_main
from prov.model import ProvDocument
from report_samples import document_entry, finish, sample_report
from seed_ids import SEEDS

from provenance.pipeline import STEPS_FILE, dumps
from provenance.report import html, prov_export
from provenance.report.messages import (
    CATALOGUES,
    CHECK,
    CHECK_PAGE,
    EN,
    KK,
    LANGUAGES,
    RU,
    Lang,
    plural,
    plural_forms,
)
from provenance.report.model import Report
from provenance.report.validate import validate_report

TEMPLATES = REPO / "provenance" / "report" / "templates"
SCHEMA = REPO / "schemas" / "lineage-report.schema.json"
ALL_FILES = ["lineage.json", "lineage.html", "lineage.prov.json"]


# The views of a report's JSON data, as `render` reads it from a file.
def render_html(data: dict[str, Any], lang: Lang | None = None) -> str:
    return html.render_html(Report.from_dict(data), lang)


def report_language(data: dict[str, Any]) -> Lang:
    return html.report_language(Report.from_dict(data))


def render_prov(data: dict[str, Any]) -> str:
    return prov_export.render_prov(Report.from_dict(data))


def build_prov(data: dict[str, Any]) -> ProvDocument:
    return prov_export.build_prov(Report.from_dict(data))


def write_report(folder: Path, report: Any, name: str = "lineage.json") -> Path:
    """`report` as `scan` would write it (JSON text, UTF-8), at folder/name."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = dumps(report) if isinstance(report, dict) else json.dumps(report)
    path.write_bytes(text.encode("utf-8"))
    return path


def listing(folder: Path) -> list[str]:
    """Every entry of `folder`, hidden temporary files included."""
    return sorted(p.name for p in folder.iterdir())


def others(lang: str) -> list[str]:
    return [x for x in LANGUAGES if x != lang]


Provenance = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def provenance(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Provenance:
    """`run_main` in tmp_path."""
    monkeypatch.chdir(tmp_path)
    return run_main


@pytest.fixture
def sample(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """The hand-made Russian sample report, written to tmp/reports/lineage.json."""
    report = sample_report()
    return report, write_report(tmp_path / "reports", report)


@pytest.fixture(scope="module")
def seed_all(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`scan seeds --format all`, run once."""
    out = tmp_path_factory.mktemp("seed-all")
    result = run_cli("scan", str(SEEDS), "-o", str(out / "reports"), "--format", "all", "-q", cwd=out)
    return result, out / "reports"


# --- render: the HTML page ---------------------------------------------------------------------


def test_render_writes_the_page_beside_the_report_byte_for_byte(sample: tuple[dict[str, Any], Path]) -> None:
    report, path = sample
    result = run_cli("render", str(path), cwd=path.parent)
    assert result.returncode == 0, result.stderr
    target = path.with_name("lineage.html")
    assert result.stdout == f"{target}\n"
    assert result.stderr == ""
    assert target.read_bytes() == render_html(report).encode("utf-8")
    assert listing(path.parent) == ["lineage.html", "lineage.json"]


def test_default_language_follows_the_documents(
    provenance: Provenance, sample: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    report, path = sample
    assert report_language(report) == "ru"
    assert provenance("render", str(path)).returncode == 0
    page = path.with_name("lineage.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and RU["heading"] in page and EN["heading"] not in page

    text = "The city council approved the new budget on Tuesday after a long debate about transport."
    english = document_entry(
        "en.txt",
        text,
        path="en.txt",
        fmt="txt",
        outlet=None,
        outlet_source=None,
        date="2025-11-14",
        precision="day",
        date_source="header",
    )
    report = finish({**sample_report(), "documents": [english], "links": [], "clusters": []})
    assert validate_report(report) == []
    en_path = write_report(tmp_path / "english", report)
    assert provenance("render", str(en_path)).returncode == 0
    page = en_path.with_name("lineage.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and EN["heading"] in page and RU["heading"] not in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lang_chooses_the_interface_language(
    provenance: Provenance, sample: tuple[dict[str, Any], Path], lang: str
) -> None:
    report, path = sample
    out = path.parent / f"page-{lang}.html"
    result = provenance("render", str(path), "--lang", lang, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{out}\n"
    page = out.read_text(encoding="utf-8")
    assert page == render_html(report, lang)  # type: ignore[arg-type]
    assert f'<html lang="{lang}">' in page
    assert CATALOGUES[lang]["heading"] in page and CATALOGUES[lang]["page_title"] in page
    assert all(CATALOGUES[x]["heading"] not in page for x in others(lang))
    assert not path.with_name("lineage.html").exists()


# --- render: W3C PROV ---------------------------------------------------------------------------


def test_render_prov_json_beside_the_report_reads_back_as_prov(
    provenance: Provenance, sample: tuple[dict[str, Any], Path]
) -> None:
    report, path = sample
    result = provenance("render", str(path), "--format", "prov-json")
    assert result.returncode == 0, result.stderr
    target = path.with_name("lineage.prov.json")
    assert result.stdout == f"{target}\n"
    content = target.read_text(encoding="utf-8")
    assert content == render_prov(report)
    document = ProvDocument.deserialize(content=content, format="json")
    assert document == build_prov(report)
    assert len(document.get_records()) > len(report["documents"])
    assert listing(path.parent) == ["lineage.json", "lineage.prov.json"]


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("seeds.json", "html", "seeds.html"),
        ("seeds.JSON", "prov-json", "seeds.prov.json"),
        ("report", "html", "report.html"),
        ("report", "prov-json", "report.prov.json"),
    ],
)
def test_default_output_name_replaces_the_json_suffix(
    provenance: Provenance, tmp_path: Path, name: str, fmt: str, expected: str
) -> None:
    path = write_report(tmp_path, sample_report(), name)
    result = provenance("render", str(path), "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path / expected}\n"
    assert listing(tmp_path) == sorted([name, expected])


# --- render: standard output ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "prov-json"])
def test_dash_writes_to_stdout_and_no_file(
    provenance: Provenance, sample: tuple[dict[str, Any], Path], fmt: str
) -> None:
    report, path = sample
    result = provenance("render", str(path), "--format", fmt, "-o", "-")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (render_html(report) if fmt == "html" else render_prov(report))
    assert result.stderr == ""
    assert listing(path.parent) == ["lineage.json"]


# --- render: what it refuses ---------------------------------------------------------------------


def _offsets_out_of_range() -> dict[str, Any]:
    report = sample_report()
    report["links"][0]["source"]["end"] = 10**6
    return report


def _missing_key() -> dict[str, Any]:
    report = sample_report()
    del report["documents"][1]["sha256"]
    return report


def _snippet_edited() -> dict[str, Any]:
    report = sample_report()
    report["clusters"][0]["passages"][0]["snippet"] += "!"
    return report


INVALID_REPORTS = {
    "offsets-out-of-range": (_offsets_out_of_range, "is not inside document"),
    "missing-key": (_missing_key, "'sha256' is a required property"),
    "snippet-differs": (_snippet_edited, "snippet differs"),
    "array": (lambda: [sample_report()], "is not of type 'object'"),
    "empty-array": (lambda: [], "is not of type 'object'"),
    "number": (lambda: 42, "is not of type 'object'"),
    "null": (lambda: None, "is not of type 'object'"),
    "string": (lambda: "lineage", "is not of type 'object'"),
}


@pytest.mark.parametrize("case", INVALID_REPORTS)
def test_an_invalid_report_exits_2_one_line_per_problem_and_writes_nothing(
    provenance: Provenance, tmp_path: Path, case: str
) -> None:
    make, expected = INVALID_REPORTS[case]
    report = make()
    problems = validate_report(report)
    assert problems and any(expected in p for p in problems)
    path = write_report(tmp_path, report)
    result = provenance("render", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    *lines, last = result.stderr.splitlines()
    assert lines == [f"provenance: {path}: {p}" for p in problems]
    assert last.startswith(f"provenance: error: {path}: not a valid lineage report")
    assert f"({len(problems)} problem" in last and "nothing written" in last
    assert listing(tmp_path) == ["lineage.json"]


UNREADABLE = {
    "cp1251": (dumps(sample_report()).encode("cp1251"), "not a JSON file"),
    "utf-16": (dumps(sample_report()).encode("utf-16"), "not a JSON file"),
    "truncated": (dumps(sample_report()).encode("utf-8")[:-40], "not a JSON file"),
    "empty": (b"", "not a JSON file"),
    "html": (b"<!DOCTYPE html>\n<html></html>\n", "not a JSON file"),
    # Deeper than Python's JSON parser goes: once a RecursionError traceback, exit 1.
    "nested-too-deeply": (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply to read"),
}


@pytest.mark.parametrize("case", UNREADABLE)
@pytest.mark.parametrize("command", ["render", "validate"])
def test_a_file_that_is_not_utf8_json_exits_2_with_one_line(
    provenance: Provenance, tmp_path: Path, command: str, case: str
) -> None:
    content, expected = UNREADABLE[case]
    path = tmp_path / "lineage.json"
    path.write_bytes(content)
    result = provenance(command, str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"provenance: error: {path}: {expected}")
    assert listing(tmp_path) == ["lineage.json"]


@pytest.mark.parametrize("target", [None, "-", "page.html"])
def test_a_missing_report_exits_2_and_writes_nothing(
    provenance: Provenance, tmp_path: Path, target: str | None
) -> None:
    path = tmp_path / "lineage.json"
    result = provenance("render", str(path), *(["-o", target] if target else []))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"provenance: error: {path}: cannot read")
    assert listing(tmp_path) == []


@pytest.mark.parametrize("spelling", ["{abs}", "lineage.json", "./sub/../lineage.json", "{link}"])
@pytest.mark.parametrize("fmt", ["html", "prov-json"])
def test_refuses_to_overwrite_the_report_itself(
    provenance: Provenance, tmp_path: Path, spelling: str, fmt: str
) -> None:
    path = write_report(tmp_path, sample_report())
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.json").symlink_to(path)
    before = path.read_bytes()
    target = spelling.format(abs=path, link=tmp_path / "link.json")
    result = provenance("render", str(path), "--format", fmt, "-o", target)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "would overwrite the report itself" in line
    assert path.read_bytes() == before
    assert (tmp_path / "link.json").is_symlink()
    assert listing(tmp_path) == ["lineage.json", "link.json", "sub"]


# --- scan / index report: --format and --lang ----------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], ["lineage.json", "lineage.html"]),
        (["--format", "prov-json", "--format", "json"], ["lineage.json", "lineage.prov.json"]),
        (["--format", "html", "--format", "html"], ["lineage.html"]),
        (["--format", "prov-json", "--format", "all"], ALL_FILES),
    ],
)
def test_scan_writes_exactly_the_formats_asked_for_in_a_fixed_order(
    provenance: Provenance, tmp_path: Path, flags: list[str], expected: list[str]
) -> None:
    out = tmp_path / "out"
    result = provenance("scan", str(SEEDS), "-o", str(out), *flags)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(out / name) for name in expected]
    assert listing(out) == sorted([*expected, STEPS_FILE])  # what each step did, always beside


def test_scan_format_all_writes_the_three_views_of_one_report(
    seed_all: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, out = seed_all
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(out / name) for name in ALL_FILES]
    assert listing(out) == sorted([*ALL_FILES, STEPS_FILE])
    report = json.loads((out / "lineage.json").read_text(encoding="utf-8"))
    assert (out / "lineage.html").read_text(encoding="utf-8") == render_html(report)
    assert (out / "lineage.prov.json").read_text(encoding="utf-8") == render_prov(report)


@pytest.mark.parametrize("fmt", ["html", "prov-json"])
def test_render_rebuilds_what_scan_wrote_without_rescanning(
    seed_all: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path, fmt: str
) -> None:
    result, out = seed_all
    assert result.returncode == 0, result.stderr
    scanned = out / ("lineage.html" if fmt == "html" else "lineage.prov.json")
    rebuilt = tmp_path / scanned.name
    result = run_cli("render", str(out / "lineage.json"), "--format", fmt, "-o", str(rebuilt), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert rebuilt.read_bytes() == scanned.read_bytes()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_render_with_lang_matches_scan_with_the_same_lang(
    provenance: Provenance, tmp_path: Path, lang: str
) -> None:
    out = tmp_path / "out"
    result = provenance("scan", str(SEEDS), "-o", str(out), "-q", "--lang", lang)
    assert result.returncode == 0, result.stderr
    page = (out / "lineage.html").read_bytes()
    assert f'<html lang="{lang}">'.encode() in page
    result = provenance("render", str(out / "lineage.json"), "--lang", lang, "-o", "-")
    assert result.returncode == 0, result.stderr
    assert result.stdout.encode("utf-8") == page


def test_index_report_takes_format_and_lang(provenance: Provenance, tmp_path: Path) -> None:
    index = str(tmp_path / "index.sqlite")
    added = provenance("index", "add", str(SEEDS), "--index", index, "-q")
    assert added.returncode == 0, added.stderr
    out = tmp_path / "out"
    flags = ["--format", "prov-json", "--format", "html", "--lang", "en"]
    result = provenance("index", "report", "--index", index, "-o", str(out), "-q", *flags)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(out / "lineage.html"), str(out / "lineage.prov.json")]
    assert listing(out) == ["lineage.html", "lineage.prov.json", STEPS_FILE]
    page = (out / "lineage.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and EN["heading"] in page


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        ("scan", "--lang", "fr"),
        ("scan", "--format", "xml"),
        ("render", "--lang", "de"),
        ("render", "--format", "json"),
    ],
)
def test_a_bad_lang_or_format_is_a_usage_error(
    provenance: Provenance, sample: tuple[dict[str, Any], Path], command: str, option: str, value: str
) -> None:
    _, path = sample
    source = str(SEEDS) if command == "scan" else str(path)
    result = provenance(command, source, "-o", "out", option, value)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("provenance: error:") and option in line and repr(value) in line
    assert listing(path.parent.parent) == ["reports"]
    assert listing(path.parent) == ["lineage.json"]


@pytest.mark.parametrize("command", [["render"], ["scan"], ["index", "report"]])
def test_help_mentions_lang_and_prov_json(provenance: Provenance, command: list[str]) -> None:
    result = provenance(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "--lang" in result.stdout and "prov-json" in result.stdout
    assert "[en|ru|kk]" in result.stdout


# --- the catalogues -----------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w*)\}")


@pytest.mark.parametrize("catalogues", [CATALOGUES, CHECK, CHECK_PAGE], ids=["report", "check", "check-page"])
def test_every_catalogue_has_the_same_keys_in_every_language(catalogues: dict[str, dict[str, str]]) -> None:
    assert tuple(catalogues) == LANGUAGES
    english = catalogues["en"]
    for lang, catalogue in catalogues.items():
        assert sorted(english.keys() - catalogue.keys()) == [], lang
        assert sorted(catalogue.keys() - english.keys()) == [], lang
        assert all(isinstance(v, str) and v.strip() for v in catalogue.values())
    assert CATALOGUES == {"en": EN, "ru": RU, "kk": KK}


@pytest.mark.parametrize("catalogues", [CATALOGUES, CHECK, CHECK_PAGE], ids=["report", "check", "check-page"])
def test_placeholders_match_and_every_message_formats(catalogues: dict[str, dict[str, str]]) -> None:
    for key, english in catalogues["en"].items():
        names = set(PLACEHOLDER.findall(english))
        values = {name: "X" for name in names}
        for lang, catalogue in catalogues.items():
            assert set(PLACEHOLDER.findall(catalogue[key])) == names, (lang, key)
            catalogue[key].format(**values)
    assert {"date"} <= set(PLACEHOLDER.findall(EN["cluster_tie"]))


def test_the_russian_catalogue_is_russian() -> None:
    """A key copied over untranslated reads English on a Russian page (short labels excepted)."""
    untranslated = [k for k in EN if RU[k] == EN[k] and re.search(r"[a-z]{4}", EN[k])]
    assert untranslated == []


@pytest.mark.parametrize("catalogues", [CATALOGUES, CHECK, CHECK_PAGE], ids=["report", "check", "check-page"])
def test_the_kazakh_catalogue_is_kazakh(catalogues: dict[str, dict[str, str]]) -> None:
    """Neither English nor Russian copied over: every sentence has a letter only Kazakh uses."""
    en, ru, kk = catalogues["en"], catalogues["ru"], catalogues["kk"]
    copied = [k for k in en if kk[k] in (en[k], ru[k]) and re.search(r"[a-zа-я]{4}", en[k] + ru[k])]
    # Words Kazakh shares with Russian, and formats with no word in them.
    assert [k for k in copied if k not in ("src_manifest", "src_html-meta", "at", "passage")] == []
    sentences = [v for v in kk.values() if len(v.split()) >= 6]
    assert sentences and all(re.search("[әғқңөұүһі]", v, re.IGNORECASE) for v in sentences)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 связей"),
        (1, "1 связь"),
        (2, "2 связи"),
        (4, "4 связи"),
        (5, "5 связей"),
        (11, "11 связей"),
        (12, "12 связей"),
        (14, "14 связей"),
        (21, "21 связь"),
        (22, "22 связи"),
        (111, "111 связей"),
        (112, "112 связей"),
        (1001, "1001 связь"),
    ],
)
def test_russian_plurals(n: int, expected: str) -> None:
    assert plural("ru", n, "link") == expected


@pytest.mark.parametrize(("n", "expected"), [(0, "0 links"), (1, "1 link"), (2, "2 links"), (21, "21 links")])
def test_english_plurals(n: int, expected: str) -> None:
    assert plural("en", n, "link") == expected


@pytest.mark.parametrize(("n", "expected"), [(0, "0 байланыс"), (1, "1 байланыс"), (5, "5 байланыс"), (21, "21 байланыс")])
def test_kazakh_nouns_keep_one_form_after_a_number(n: int, expected: str) -> None:
    assert plural("kk", n, "link") == expected


def test_plural_forms_cover_the_same_words() -> None:
    en, ru, kk = plural_forms("en"), plural_forms("ru"), plural_forms("kk")
    assert en.keys() == ru.keys() == kk.keys() and "link" in en
    assert all(len(f) == 1 for f in kk.values())
    assert all(len(f) == 2 for f in en.values()) and all(len(f) == 3 for f in ru.values())
    assert plural("ru", 5, "word") == "5 слов" and plural("en", 1, "character") == "1 character"


# A catalogue key: `t.key` (not a method call such as `t.get(...)`), or `t["key"]`. The lookbehind
# leaves out `document.x`, `input.root`, `$t.x`.
ATTRIBUTE = re.compile(r"(?<![\w.$])t\.(\w+)\b(?!\s*\()")
SUBSCRIPT = re.compile(r"""(?<![\w.$])t\[\s*["']([^"']+)["']\s*\]""")


def _keys(path: Path, *patterns: re.Pattern[str]) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {key for pattern in patterns for key in pattern.findall(text)}


def test_every_key_the_template_uses_is_in_both_catalogues() -> None:
    used = _keys(TEMPLATES / "lineage.html.j2", ATTRIBUTE, SUBSCRIPT)
    assert len(used) > 30 and "heading" in used and "near-verbatim" in used  # the regexes do find them
    assert sorted(used - EN.keys()) == []
    assert sorted(used - RU.keys()) == []


def test_every_key_the_script_uses_is_in_both_catalogues() -> None:
    script = (TEMPLATES / "lineage.js").read_text(encoding="utf-8")
    assert re.search(r"\bvar t = view\.t;", script), "the script no longer reads the catalogue as t"
    used = _keys(TEMPLATES / "lineage.js", ATTRIBUTE, SUBSCRIPT)
    assert len(used) > 5 and "similarity" in used
    assert sorted(used - EN.keys()) == []
    assert sorted(used - RU.keys()) == []


def test_keys_looked_up_from_report_values_exist() -> None:
    """`t[l.kind]` in the script and `t["precision_" ~ p]` in the template (for dates with a
    year): every value the schema allows has its words."""
    defs = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]
    precisions = set(defs["date_precision"]["enum"])
    assert {"datetime", "day"} <= precisions
    keys = set(defs["link"]["properties"]["kind"]["enum"]) | {"precision_datetime", "precision_day"}
    assert sorted(keys - EN.keys()) == [] and sorted(keys - RU.keys()) == []

"""`provenance check`: a draft against the index of the seeds, as an editor runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_process import run_cli

from provenance.check import check, read_drafts
from provenance.index import Index
from provenance.ingest import ingest_folder
from provenance.schemas import errors as schema_errors

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DATE_ORDER = ["001", "000", "002", "004", "003"]
SEED_001 = next(SEEDS.glob("001_*.txt"))
NUR_ID = SEED_001.stem
# 001's sentence about the first summit, copied word for word.
COPIED = next(line for line in SEED_001.read_text(encoding="utf-8").splitlines() if "первый саммит" in line)
DRAFT = f"Черновик: итоги саммита в Душанбе.\n\n{COPIED}\n\nДальше идет собственный текст редакции.\n"
CREDITED = DRAFT.replace("итоги саммита в Душанбе.", "итоги саммита в Душанбе, передает NUR.KZ.")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory whose default index holds the seeds, added one by one in date order."""
    root = tmp_path_factory.mktemp("desk")
    for prefix in DATE_ORDER:
        added = run_cli("index", "add", str(next(SEEDS.glob(f"{prefix}_*.txt"))), "-q", cwd=root)
        assert added.returncode == 0, added.stderr
    (root / "draft.txt").write_text(DRAFT, encoding="utf-8")
    (root / "credited.txt").write_text(CREDITED, encoding="utf-8")
    (root / "own.txt").write_text("Совсем другой текст о погоде в Алматы.\n", encoding="utf-8")
    return root


def test_uncopied_draft_is_clean(desk: Path) -> None:
    result = run_cli("check", "own.txt", cwd=desk)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("0 findings")


def test_uncredited_copy_fails_and_names_the_earliest_source(desk: Path) -> None:
    result = run_cli("check", "draft.txt", "--fail-on", "uncredited", cwd=desk)
    assert result.returncode == 1, result.stderr
    finding, summary = result.stdout.splitlines()
    start = DRAFT.index(COPIED)
    # Line 3, column 1, as an editor shows it, then the offsets and the passage on one line.
    assert finding.startswith(f"draft.txt:3:1: {start}-{start + len(COPIED)} uncredited copied text (verbatim, ")
    words = COPIED.split()
    assert f": “{' '.join(words[:3])} " in finding and f" … {words[-1]}”; " in finding
    assert f"earliest {NUR_ID} (NUR.KZ, 2025-10-09)" in finding
    assert "1 at or above --fail-on uncredited" in summary


def test_fail_on_never_and_exit_zero_pass(desk: Path) -> None:
    assert run_cli("check", "draft.txt", "--fail-on", "never", cwd=desk).returncode == 0
    assert run_cli("check", "draft.txt", "--exit-zero", cwd=desk).returncode == 0


def test_credited_copy_is_not_an_uncredited_finding(desk: Path) -> None:
    result = run_cli("check", "credited.txt", "--fail-on", "uncredited", "--format", "json", cwd=desk)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    [finding] = data["drafts"][0]["findings"]
    assert finding["severity"] == "reuse" and finding["credited"]
    nur = next(s for s in finding["sources"] if s["document"] == NUR_ID)
    assert nur["credited"] and nur["credit"]["name"] == "NUR.KZ"
    # Any reuse at all still fails `--fail-on any`.
    assert run_cli("check", "credited.txt", "--fail-on", "any", cwd=desk).returncode == 1


def test_json_output_validates_and_offsets_hold(desk: Path) -> None:
    result = run_cli("check", "-", "--format", "json", cwd=desk, stdin=DRAFT)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert schema_errors("check-result.schema.json", data) == []
    draft = data["drafts"][0]
    assert draft["name"] == "-" and draft["date_assumed"] == "after-index"
    [finding] = draft["findings"]
    assert draft["text"][finding["start"] : finding["end"]] == COPIED == finding["snippet"]
    assert (finding["line"], finding["column"]) == (3, 1)
    assert finding["status"] == "determined" and finding["earliest"] == [NUR_ID]
    seeds = {d.id: d for d in ingest_folder(SEEDS).documents}
    for source in finding["sources"]:
        assert seeds[source["document"]].text[source["start"] : source["end"]] == source["snippet"]
        assert (source["title"], source["url"]) == (seeds[source["document"]].title, seeds[source["document"]].url)
        assert source["order"] in ("earlier", "unordered")
    assert finding["sources"][0]["document"] == NUR_ID


def test_date_places_the_draft_in_time(desk: Path) -> None:
    # Published before every dated seed: nothing is copied from an earlier source.
    result = run_cli("check", "draft.txt", "--date", "2025-10-01", "--format", "json", cwd=desk)
    assert result.returncode == 0, result.stderr
    [finding] = json.loads(result.stdout)["drafts"][0]["findings"]
    orders = {s["document"]: s["order"] for s in finding["sources"]}
    assert orders[NUR_ID] == "later"
    # Same day as 001: a tie is a tie.
    same_day = json.loads(run_cli("check", "draft.txt", "--date", "2025-10-09", "--format", "json", cwd=desk).stdout)
    orders = {s["document"]: s["order"] for s in same_day["drafts"][0]["findings"][0]["sources"]}
    assert orders[NUR_ID] == "same-day"


def test_html_output_is_one_safe_page(desk: Path) -> None:
    hostile = desk / "hostile.txt"
    hostile.write_text(DRAFT + '<script>alert(1)</script><img src=x onerror="alert(2)">\n', encoding="utf-8")
    out = desk / "check.html"
    result = run_cli("check", "hostile.txt", "--format", "html", "-o", str(out), cwd=desk)
    assert result.returncode == 1
    page = out.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "<mark" in page
    # One finding and five documents, each with the noun that goes with its number.
    assert "<title>Draft check — 1 finding, 1 uncredited</title>" in page
    assert "(5 documents)" in page and "1 findings" not in page
    start = DRAFT.index(COPIED)
    assert f"<h3>3:1 ({start}–{start + len(COPIED)}): copied text" in page


def test_corpus_folder_gives_the_same_findings_as_the_index(desk: Path) -> None:
    from_index = json.loads(run_cli("check", "draft.txt", "--format", "json", cwd=desk).stdout)
    from_corpus = json.loads(
        run_cli("check", "draft.txt", "--corpus", str(SEEDS), "--format", "json", cwd=desk).stdout
    )
    assert from_corpus["against"]["kind"] == "corpus"
    assert from_corpus["drafts"] == from_index["drafts"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "no such file"),
        (["draft.txt", "--index", "nowhere.sqlite"], "no index here"),
        (["draft.txt", "--index", "x.sqlite", "--corpus", "."], "exclude each other"),
        (["draft.txt", "--date", "2025-02-30"], "not a day"),
        # A time without a zone names no moment: it cannot be ordered against one that has.
        (["draft.txt", "--date", "2025-10-11T09:00"], "not a day"),
        (["draft.txt", "--date", "2025-10-11T09:00:00"], "not a day"),
        (["draft.txt", "--fail-on", "sometimes"], "sometimes"),
    ],
)
def test_usage_and_input_errors_exit_2_in_one_line(desk: Path, args: list[str], message: str) -> None:
    result = run_cli("check", *args, cwd=desk)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("provenance: error:")


def test_library_call_reads_like_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        index.add(ingest_folder(SEEDS))
        draft_file = tmp_path / "d.txt"
        draft_file.write_text(DRAFT, encoding="utf-8")
        result = check(read_drafts([str(draft_file)]), index, {"kind": "index", "path": "i", "documents": 5})
    assert result["summary"] == {"drafts": 1, "findings": 1, "uncredited": 1, "failing": 1}
    # Checking an indexed article against the index does not find the article itself.
    with Index(path) as index:
        itself = check(read_drafts([str(SEED_001)]), index, {"kind": "index", "path": "i", "documents": 5})
    sources = {s["document"] for f in itself["drafts"][0]["findings"] for s in f["sources"]}
    assert NUR_ID not in sources and sources


KAZAKH_STORY = (
    "Астана, 11 қазан. Мемлекет басшысы Ақордада өңірлердің әкімдерімен кездесу өткізіп, "
    "жылу беру маусымына дайындық барысын талқылады. Президент барлық қазандықтар мен жылу желілері "
    "қараша айының басына дейін толық жөндеуден өтуі тиіс екенін атап өтті. "
    "Кездесуде энергетика министрі биылғы жөндеу жұмыстарының қорытындысы туралы баяндады."
)
KAZAKH_COPIED = (
    "Президент барлық қазандықтар мен жылу желілері қараша айының басына дейін толық жөндеуден "
    "өтуі тиіс екенін атап өтті."
)


@pytest.mark.parametrize(("credit", "code"), [(" Бұл туралы Kazinform хабарлайды.", 0), ("", 1)])
def test_a_kazakh_story_crediting_kazinform_passes(tmp_path: Path, credit: str, code: int) -> None:
    """Kazakh names its source before the verb: «Бұл туралы Kazinform хабарлайды» credits it."""
    (tmp_path / "pub").mkdir()
    record = {"id": "kz-1", "text": KAZAKH_STORY, "outlet": "Kazinform", "date": "2025-10-11"}
    (tmp_path / "pub" / "kazinform.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    draft = f"Жылу маусымы алдында.\n\n{KAZAKH_COPIED}{credit}\n\nРедакцияның өз мәтіні осында жалғасады.\n"
    (tmp_path / "draft.txt").write_text(draft, encoding="utf-8")
    assert run_cli("index", "add", "pub", "-q", cwd=tmp_path).returncode == 0
    result = run_cli("check", "draft.txt", "--fail-on", "uncredited", cwd=tmp_path)
    assert result.returncode == code, result.stdout + result.stderr
    finding = result.stdout.splitlines()[0]
    assert ("copied text, credited" if credit else "uncredited copied text") in finding
    assert "earliest kz-1 (Kazinform, 2025-10-11)" in finding


# Sources ordered against the draft by lineage's rule: by day, then by time when both have one.
SAME_DAY = {
    "noon": "2025-10-11T12:00:00+00:00",
    "day": "2025-10-11",
    "yearless": None,  # its dateline gives a day and month, no year
    "undated": None,
}


@pytest.fixture(scope="module")
def same_day_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of four articles holding 001's summit sentence: one at noon on 11 October,
    one on that day without a time, one with a dateline without a year, one undated."""
    root = tmp_path_factory.mktemp("same-day")
    (root / "pub").mkdir()
    lines = []
    for n, (name, date) in enumerate(SAME_DAY.items()):
        opening = "Астана, 11 октября. " if name == "yearless" else f"Материал номер {n} о саммите. "
        record = {"id": name, "text": f"{opening}Вступление к статье.\n\n{COPIED}\n\nКонец статьи {name}.\n"}
        if date:
            record["date"] = date
        lines.append(json.dumps(record, ensure_ascii=False))
    (root / "pub" / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = root / "index.sqlite"
    with Index(path, create=True) as index:
        added = index.add(ingest_folder(root / "pub"))
    assert not added.warnings
    return path


def _checked(path: Path, draft_date: str | None) -> dict:
    draft = path.parent / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    with Index(path) as index:
        result = check(read_drafts([str(draft)]), index, draft_date=draft_date)
    assert schema_errors("check-result.schema.json", result) == []
    [finding] = result["drafts"][0]["findings"]
    return finding


@pytest.mark.parametrize(
    ("draft_date", "noon", "day", "status", "earliest"),
    [
        # Both have a time: 09:00 is before noon, 15:00 after, and 12:00 is a tie.
        ("2025-10-11T09:00:00+00:00", "later", "same-day", "determined", ["day"]),
        ("2025-10-11T15:00:00+00:00", "earlier", "same-day", "tie", ["day", "noon"]),
        ("2025-10-11T12:00:00+00:00", "same-day", "same-day", "tie", ["day", "noon"]),
        # The same moment written in another zone: 14:00 at +05:00 is 09:00 UTC.
        ("2025-10-11T14:00:00+05:00", "later", "same-day", "determined", ["day"]),
        # A draft without a time is a tie with everything of its day.
        ("2025-10-11", "same-day", "same-day", "tie", ["day", "noon"]),
        ("2025-10-10", "later", "later", "undated", []),
        (None, "earlier", "earlier", "tie", ["day", "noon"]),
    ],
)
def test_a_time_orders_the_draft_against_a_source_of_the_same_day(
    same_day_index: Path, draft_date: str | None, noon: str, day: str, status: str, earliest: list[str]
) -> None:
    finding = _checked(same_day_index, draft_date)
    orders = {s["document"]: s["order"] for s in finding["sources"]}
    precisions = {s["document"]: s["date_precision"] for s in finding["sources"]}
    assert precisions == {"noon": "datetime", "day": "day", "yearless": "month-day", "undated": "none"}
    # A year-less or undated source is never put in order, whatever the draft's date.
    assert orders == {"noon": noon, "day": day, "yearless": "unordered", "undated": "unordered"}
    assert (finding["status"], finding["earliest"]) == (status, earliest)


def test_the_earliest_source_of_a_day_is_found_by_time_as_in_a_scan(tmp_path: Path) -> None:
    # Two sources of one day, both with a time: the earlier is the earliest, not a tie.
    (tmp_path / "pub").mkdir()
    records = [
        {"id": "nine", "date": "2025-10-11T09:00:00+00:00", "text": f"Утро.\n\n{COPIED}\n"},
        {"id": "noon", "date": "2025-10-11T12:00:00+00:00", "text": f"Полдень.\n\n{COPIED}\n"},
    ]
    (tmp_path / "pub" / "a.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    path = tmp_path / "index.sqlite"
    with Index(path, create=True) as index:
        index.add(ingest_folder(tmp_path / "pub"))
    finding = _checked(path, None)
    assert (finding["status"], finding["earliest"]) == ("determined", ["nine"])
    assert [s["document"] for s in finding["sources"]] == ["nine", "noon"]


def test_a_draft_date_with_a_time_is_given_on_the_command_line(desk: Path) -> None:
    result = run_cli("check", "draft.txt", "--date", "2025-10-09T08:00:00Z", "--format", "json", cwd=desk)
    data = json.loads(result.stdout)
    assert schema_errors("check-result.schema.json", data) == []
    assert data["drafts"][0]["date"] == "2025-10-09T08:00:00+00:00"
    # 001 is dated 2025-10-09 without a time: the same day, so a tie, not an order.
    orders = {s["document"]: s["order"] for s in data["drafts"][0]["findings"][0]["sources"]}
    assert orders[NUR_ID] == "same-day"

@pytest.mark.parametrize(
    ("lang", "finding", "summary"),
    [
        ("kk", "дереккөзі көрсетілмеген көшірілген мәтін (сөзбе-сөз,", "табылған үзінділер: 1 (дереккөзі көрсетілмегені: 1), жобалар: 1; --fail-on uncredited деңгейінде не одан жоғары: 1"),
        ("ru", "скопированный текст без ссылки (дословно,", "найдено фрагментов: 1 (без ссылки: 1), черновиков: 1; на уровне --fail-on uncredited или выше: 1"),
    ],
)
def test_lang_prints_findings_in_that_language(desk: Path, lang: str, finding: str, summary: str) -> None:
    result = run_cli("check", "draft.txt", "--lang", lang, cwd=desk)
    assert result.returncode == 1, result.stderr
    line, last = result.stdout.splitlines()
    start = DRAFT.index(COPIED)
    assert line.startswith(f"draft.txt:3:1: {start}-{start + len(COPIED)} {finding}")
    assert f"): «{COPIED.split()[0]} " in line
    assert f"; {'ең ерте: ' if lang == 'kk' else 'самый ранний: '}{NUR_ID} (NUR.KZ, " in line
    assert last == summary
    english = run_cli("check", "draft.txt", "--format", "json", cwd=desk)
    translated = run_cli("check", "draft.txt", "--format", "json", "--lang", lang, cwd=desk)
    assert json.loads(translated.stdout) == json.loads(english.stdout)  # the JSON has no language


def test_lang_is_in_the_help_and_refuses_other_languages(desk: Path) -> None:
    shown = run_cli("check", "--help", cwd=desk)
    assert "--lang [en|ru|kk]" in shown.stdout and "Language of the text and HTML output" in shown.stdout
    refused = run_cli("check", "draft.txt", "--lang", "uz", cwd=desk)
    assert refused.returncode == 2 and "--lang" in refused.stderr


def test_html_in_kazakh(desk: Path, tmp_path: Path) -> None:
    out = tmp_path / "check.html"
    result = run_cli("check", "draft.txt", "--format", "html", "--lang", "kk", "-o", str(out), cwd=desk)
    assert result.returncode == 1, result.stderr
    page = out.read_text(encoding="utf-8")
    assert '<html lang="kk">' in page and "<h1>Жобаны тексеру</h1>" in page
    assert "<th>Дереккөз</th>" in page and "Draft check" not in page
    # The summary on stderr is in the page's language too.
    assert result.stderr.startswith("provenance: табылған үзінділер: 1")

"""The HTML report in a real browser: the system's Chromium, headless, driven by Playwright.

No browser is downloaded: the tests use the Chromium installed on the machine (Debian's
`chromium` package; `PROVENANCE_CHROMIUM` names another binary). Without one they skip with
a message, unless `PROVENANCE_REQUIRE_BROWSER=1` (set by CI) makes that a failure.

`PROVENANCE_SCREENSHOTS=DIR` also saves a picture of each view of the seeds' report in DIR
(the README's pictures are made this way).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_samples import sample_report

from provenance.pipeline import scan, write_reports
from provenance.report.build import outlet_matrix
from provenance.report.coverage import covered_chars
from provenance.report.messages import CATALOGUES
from provenance.report.model import DocumentEntry, Link, Report

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
# Chromium's own background traffic would be refused by a closed network; it is not the page's.
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--disable-quic",
]


def _chromium() -> str | None:
    named = os.environ.get("PROVENANCE_CHROMIUM")
    if named:
        return named
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    binary = _chromium()
    if binary is None:
        message = (
            "no Chromium on this machine: install Debian's `chromium` package "
            "(or set PROVENANCE_CHROMIUM) to run the browser tests"
        )
        if os.environ.get("PROVENANCE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=binary, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Visit:
    """One page load, with everything the page asked of the network and said on the console."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        # Anything but the page itself is refused, and recorded, before it leaves the browser.
        self.context.set_default_timeout(5000)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)

    def _route(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def view(self, name: str) -> None:
        self.page.click(f'nav.views a[data-view="{name}"]')
        self.page.wait_for_selector(f"section#{name}.view.shown")

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    report = scan(SEEDS, jobs=1)
    out = tmp_path_factory.mktemp("seeds-report")
    write_reports(report, out, ("json", "html"))
    return report.to_dict(), out / "lineage.html"


@pytest.fixture
def seeds_page(browser: Any, seeds_report: tuple[dict[str, Any], Path]) -> Iterator[Visit]:
    visit = Visit(browser, seeds_report[1])
    yield visit
    visit.close()


def _shares(visit: Visit) -> dict[str, dict[str, Any]]:
    """Per document, what the corpus table says now: reused characters, share, sources."""
    return visit.page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('#corpus-table tbody tr')).map(r => [
            r.dataset.doc,
            {reused: Number(r.querySelector('td.share').dataset.reused),
             share: r.querySelector('td.share').textContent,
             sources: Number(r.querySelector('td.sources').textContent),
             shown: !r.classList.contains('off')}]))"""
    )


def _expected(report: dict[str, Any], keep: Any) -> dict[str, tuple[int, str, int]]:
    """What the JSON says each document's share is when only the links `keep` accepts count."""
    out = {}
    for d in report["documents"]:
        if "text" not in d:  # a document in no link, its text left out: nothing of it is reused
            out[d["id"]] = (0, "0.0%", 0)
            continue
        holes = [(e["start"], e["end"]) for e in d["excluded"]]
        sides = [
            (lk, mine, theirs)
            for lk in report["links"]
            if keep(lk)
            for mine, theirs in (("source", "target"), ("target", "source"))
            if lk[mine]["document"] == d["id"]
        ]
        reused = covered_chars(d["text"], [(lk[m]["start"], lk[m]["end"]) for lk, m, _ in sides], holes)
        counted = d["counted_chars"]
        share = round(min(reused / counted, 1.0), 4) if counted else 0.0
        out[d["id"]] = (reused, f"{share * 100:.1f}%", len({lk[t]["document"] for lk, _, t in sides}))
    return out


def _assert_shares(visit: Visit, report: dict[str, Any], keep: Any, excluded: set[str] = frozenset()) -> None:
    shown = _shares(visit)
    for doc_id, (reused, share, sources) in _expected(report, keep).items():
        if doc_id in excluded:
            assert not shown[doc_id]["shown"]
            continue
        assert shown[doc_id] == {"reused": reused, "share": share, "sources": sources, "shown": True}, doc_id


def _heat_cells(visit: Visit) -> dict[tuple[str, str, str], tuple[int, int]]:
    cells = visit.page.evaluate(
        """() => Array.from(document.querySelectorAll('table.heat td.cell:not(.empty)')).map(td => [
            td.closest('table').dataset.kind, td.dataset.source, td.dataset.target,
            Number(td.querySelector('.chars').textContent), Number(td.querySelector('.links').textContent)])"""
    )
    return {(k, s, t): (chars, n) for k, s, t, chars, n in cells}


def _expected_heat(report: dict[str, Any], keep: Any) -> dict[tuple[str, str, str], tuple[int, int]]:
    matrix = [
        cell.to_dict()
        for cell in outlet_matrix(
            [Link.from_dict(lk) for lk in report["links"] if keep(lk)],
            [DocumentEntry.from_dict(d) for d in report["documents"]],
        )
    ]
    return {
        ("directed" if c["directed"] else "unordered", c["source"] or "", c["target"] or ""): (
            c["reused_chars"],
            c["links"],
        )
        for c in matrix
    }


# --- the page as it opens ----------------------------------------------------------------------


def test_opens_from_file_without_network_or_console_errors(seeds_page: Visit) -> None:
    for name in ("corpus", "documents", "clusters", "outlets"):
        seeds_page.view(name)
        shown = seeds_page.page.evaluate("() => document.querySelector('section.view.shown').id")
        assert shown == name
    seeds_page.view("documents")
    seeds_page.page.click("article.doc.current .text mark >> nth=0")
    assert seeds_page.requests == [seeds_page.url]
    assert seeds_page.problems == []


def test_every_link_is_highlighted_on_both_sides(
    seeds_page: Visit, seeds_report: tuple[dict[str, Any], Path]
) -> None:
    report = seeds_report[0]
    sides = seeds_page.page.evaluate(
        """() => Array.from(document.querySelectorAll('.text mark[data-sides]:not(.off)'))
                .flatMap(m => m.dataset.sides.split(' '))"""
    )
    assert report["links"]
    assert sorted(set(sides)) == sorted(f"{lk['id']}-{s}" for lk in report["links"] for s in "st")
    links = seeds_page.page.evaluate(
        "() => new Set(Array.from(document.querySelectorAll('.text mark[data-links]'))"
        ".flatMap(m => m.dataset.links.split(' '))).size"
    )
    assert links == len(report["links"])


def test_script_agrees_with_the_report_before_any_filter(
    seeds_page: Visit, seeds_report: tuple[dict[str, Any], Path]
) -> None:
    report = seeds_report[0]
    shown = _shares(seeds_page)
    for d in report["documents"]:
        assert shown[d["id"]]["reused"] == d["reused_chars"]
        assert shown[d["id"]]["share"] == f"{d['reused_share'] * 100:.1f}%"
    assert _heat_cells(seeds_page) == _expected_heat(report, lambda lk: True)
    _assert_table_as_rendered(seeds_page, seeds_report[1], len(report["documents"]))


def test_script_agrees_with_the_page_on_ties_and_year_less_articles(browser: Any, tmp_path: Path) -> None:
    report = sample_report()  # a same-day tie, a later copy, a year-less copy
    write_reports(Report.from_dict(report), tmp_path, ("html",))
    visit = Visit(browser, tmp_path / "lineage.html")
    try:
        _assert_table_as_rendered(visit, tmp_path / "lineage.html", len(report["documents"]))
        assert visit.problems == []
    finally:
        visit.close()


def _assert_table_as_rendered(visit: Visit, path: Path, rows: int) -> None:
    """What the script recomputes on load is what the page was rendered with, cell for cell."""
    static = path.read_text(encoding="utf-8")
    for column in ("earliest", "num sources", "num share"):
        rendered = [html.unescape(c) for c in re.findall(f'<td class="{column}"[^>]*>(.*?)</td>', static)]
        live = visit.page.evaluate(
            "c => Array.from(document.querySelectorAll('#corpus-table tbody td.' + c)).map(td => td.textContent)",
            column.split()[-1],
        )
        assert live == rendered and len(live) == rows, column


# --- articles without their text ----------------------------------------------------------------


def test_an_article_without_its_text_is_listed_and_names_its_file(
    seeds_page: Visit, seeds_report: tuple[dict[str, Any], Path]
) -> None:
    """By default a document in no link comes without its text: the page lists it with its
    metadata, and its article says why its text is missing and where it is."""
    report = seeds_report[0]
    page = seeds_page.page
    textless = [d for d in report["documents"] if "text" not in d]
    assert len(textless) == 2 and all(d["links"] == 0 for d in textless)
    t = CATALOGUES["ru"]  # the seeds are Russian
    for d in textless:
        seeds_page.view("corpus")
        row = page.locator(f'#corpus-table tr[data-doc="{d["id"]}"]')
        assert row.is_visible()
        assert row.locator("td.share").text_content() == "0.0%"
        assert row.locator("td.sources").text_content() == "0"
        assert (d["outlet"] or t["unknown_outlet"]) in row.text_content()
        row.locator("td.title a").click()
        page.wait_for_selector(f'article.doc.current[data-doc="{d["id"]}"]')
        article = page.locator("article.doc.current")
        assert article.locator(".text").count() == 0
        note = article.locator("p.text-left-out")
        assert note.is_visible()
        said = note.text_content() or ""
        assert t["text_left_out"] in said and f"{t['text_in_file']} {d['path']}" in said
        assert d["sha256"] in said
    # Its text is nowhere in the page, not even in the data the script reads.
    content = page.content()
    for d in textless:
        longest = max((SEEDS / f"{d['id']}.txt").read_text(encoding="utf-8").splitlines(), key=len)
        assert len(longest) > 200 and longest[:200] not in content
    # Filters recompute every share, these articles' too, without an error.
    page.check('input[name="hide-quotes"]')
    page.fill('input[name="min-words"]', "20")
    outlet = next(d["outlet"] for d in textless if d["outlet"])
    page.select_option('select[name="exclude-outlet"]', f"o:{outlet}")
    _assert_shares(
        seeds_page,
        report,
        lambda lk: lk["class"] != "shared-quotation" and lk["matched_words"] >= 20,
        excluded={d["id"] for d in report["documents"] if d["outlet"] == outlet},
    )
    assert seeds_page.problems == []


def test_with_every_text_the_script_agrees_with_the_report(browser: Any, tmp_path: Path) -> None:
    report = scan(SEEDS, jobs=1, texts="all")
    write_reports(report, tmp_path, ("html",))
    data = report.to_dict()
    visit = Visit(browser, tmp_path / "lineage.html")
    try:
        assert visit.page.locator("p.text-left-out").count() == 0
        assert visit.page.locator("article.doc .text").count() == len(data["documents"])
        _assert_shares(visit, data, lambda lk: True)
        visit.page.check('input[name="hide-quotes"]')
        _assert_shares(visit, data, lambda lk: lk["class"] != "shared-quotation")
        assert visit.problems == []
    finally:
        visit.close()


# --- the twin ---------------------------------------------------------------------------------


def test_clicking_a_span_opens_its_twin_side_by_side(
    seeds_page: Visit, seeds_report: tuple[dict[str, Any], Path]
) -> None:
    report = seeds_report[0]
    docs = {d["id"]: d for d in report["documents"]}
    links = {lk["id"]: lk for lk in report["links"]}
    page = seeds_page.page
    seeds_page.view("documents")
    assert page.is_hidden("#twin")
    marks = page.locator("article.doc.current .text mark[data-sides]:not(.off)")
    count = marks.count()
    assert count >= 2
    seen = []
    marks.nth(0).click()
    for step in range(count):
        assert page.is_visible("#twin")
        state = page.evaluate(
            """() => ({sides: document.querySelector('mark.active').dataset.sides.split(' '),
                       doc: document.querySelector('mark.active').closest('article').dataset.doc,
                       mine: document.querySelector('#twin .mine .passage').textContent,
                       theirs: document.querySelector('#twin .theirs .passage').textContent,
                       differs: document.querySelectorAll('#twin del, #twin ins').length,
                       position: document.querySelector('#twin .position').textContent})"""
        )
        assert state["position"] == f"{step + 1} / {count}"
        link_id, letter = state["sides"][0].rsplit("-", 1)
        link = links[link_id]
        mine, theirs = (link["source"], link["target"]) if letter == "s" else (link["target"], link["source"])
        assert mine["document"] == state["doc"]
        assert state["mine"] == docs[mine["document"]]["text"][mine["start"] : mine["end"]]
        assert state["theirs"] == docs[theirs["document"]]["text"][theirs["start"] : theirs["end"]]
        # Verbatim twins differ in no word; others in at least one.
        if link["kind"] == "verbatim":
            assert state["differs"] == 0
        else:
            assert state["differs"] > 0
        seen.append(state["sides"][0])
        if step + 1 < count:
            page.click('#twin button[name="next"]')
    assert page.is_disabled('#twin button[name="next"]')
    page.click('#twin button[name="previous"]')
    assert (
        page.evaluate("() => document.querySelector('#twin .position').textContent")
        == f"{count - 1} / {count}"
    )
    # "Open in its article" goes to the twin's own article, where the twin is highlighted.
    page.click("#twin a.open")
    target = page.evaluate("() => location.hash.slice(1)")
    # The page routes on `hashchange`, which fires after the click returns: wait for it.
    page.wait_for_function(
        f"() => document.getElementById('{target}').closest('article').classList.contains('current')",
        timeout=5000,
    )
    page.keyboard.press("Escape")
    assert page.is_hidden("#twin")
    assert len(set(seen)) == count
    assert seeds_page.problems == []


def test_a_near_verbatim_twin_marks_the_words_that_differ(browser: Any, tmp_path: Path) -> None:
    sentence = (
        "Правительство утвердило программу модернизации пригородных электричек до 2030 года, "
        "и на обновление подвижного состава направят {} миллиардов рублей из федерального бюджета."
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f" date 2025-11-14 {sentence.format('сто двадцать')}\n", encoding="utf-8")
    (corpus / "b.txt").write_text(f" date 2025-11-15 {sentence.format('сто тридцать')}\n", encoding="utf-8")
    report = scan(corpus, jobs=1)
    [link] = report.to_dict()["links"]
    assert link["kind"] == "near-verbatim"
    write_reports(report, tmp_path, ("html",))
    visit = Visit(browser, tmp_path / "lineage.html")
    try:
        visit.page.goto(f"{visit.url}#{link['id']}-t")
        visit.page.click(f"mark[data-sides~='{link['id']}-t']")
        mine = visit.page.evaluate(
            "() => Array.from(document.querySelectorAll('#twin ins')).map(e => e.textContent)"
        )
        theirs = visit.page.evaluate(
            "() => Array.from(document.querySelectorAll('#twin del')).map(e => e.textContent)"
        )
        # The later article (b) is "this article"; its source (a) is the twin.
        assert (mine, theirs) == (["тридцать"], ["двадцать"])
        assert visit.problems == []
    finally:
        visit.close()


# --- filters ----------------------------------------------------------------------------------


def test_filters_recompute_shares_as_the_json_says(
    seeds_page: Visit, seeds_report: tuple[dict[str, Any], Path]
) -> None:
    report = seeds_report[0]
    page = seeds_page.page
    docs = {d["id"]: d for d in report["documents"]}
    assert any(lk["class"] == "shared-quotation" for lk in report["links"])
    before = _shares(seeds_page)

    page.check('input[name="hide-quotes"]')

    def no_quotes(lk: dict[str, Any]) -> bool:
        return lk["class"] != "shared-quotation"

    _assert_shares(seeds_page, report, no_quotes)
    assert _shares(seeds_page) != before
    assert _heat_cells(seeds_page) == _expected_heat(report, no_quotes)
    # Hidden links leave no highlight.
    lit = page.evaluate(
        "() => Array.from(document.querySelectorAll('.text mark[data-sides]:not(.off)'))"
        ".flatMap(m => m.dataset.links.split(' '))"
    )
    quoted = {lk["id"] for lk in report["links"] if lk["class"] == "shared-quotation"}
    marks_of_quotes_only = page.evaluate(
        "ids => Array.from(document.querySelectorAll('.text mark[data-links]'))"
        ".filter(m => m.dataset.links.split(' ').every(i => ids.includes(i)))"
        ".every(m => m.classList.contains('off'))",
        sorted(quoted),
    )
    assert marks_of_quotes_only
    assert {i for i in lit} - quoted

    page.fill('input[name="min-words"]', "20")

    def long_and_no_quotes(lk: dict[str, Any]) -> bool:
        return no_quotes(lk) and lk["matched_words"] >= 20

    _assert_shares(seeds_page, report, long_and_no_quotes)
    assert _heat_cells(seeds_page) == _expected_heat(report, long_and_no_quotes)

    page.click('button[name="reset-filters"]')
    assert _shares(seeds_page) == before

    outlet = "NUR.KZ"
    page.select_option('select[name="exclude-outlet"]', f"o:{outlet}")
    gone = {d["id"] for d in report["documents"] if d["outlet"] == outlet}
    assert gone

    def without_outlet(lk: dict[str, Any]) -> bool:
        return all(docs[lk[s]["document"]]["outlet"] != outlet for s in ("source", "target"))

    _assert_shares(seeds_page, report, without_outlet, excluded=gone)
    assert _heat_cells(seeds_page) == _expected_heat(report, without_outlet)
    assert seeds_page.problems == []


def test_filtered_out_sources_leave_the_article_source_list(
    seeds_page: Visit, seeds_report: tuple[dict[str, Any], Path]
) -> None:
    report = seeds_report[0]
    page = seeds_page.page
    seeds_page.view("documents")
    total = page.locator("ol.sources li:not(.off)").count()
    page.fill('input[name="min-words"]', "10000")
    assert page.locator("ol.sources li:not(.off)").count() == 0
    assert page.locator(".text mark[data-sides]:not(.off)").count() == 0
    assert page.locator("section.cluster.off").count() == len(report["clusters"])
    page.fill('input[name="min-words"]', "0")
    assert page.locator("ol.sources li:not(.off)").count() == total


# --- the corpus table -------------------------------------------------------------------------


def test_corpus_table_sorts_and_searches(
    seeds_page: Visit, seeds_report: tuple[dict[str, Any], Path]
) -> None:
    report = seeds_report[0]
    page = seeds_page.page

    def column(key: str) -> list[float]:
        return page.evaluate(
            """() => Array.from(document.querySelectorAll('#corpus-table tbody tr'))
                     .map(r => Number(r.querySelector('td.share').dataset.reused))"""
        )

    page.click('#corpus-table th[data-key="reused"] button')
    ascending = column("reused")
    assert ascending == sorted(ascending)
    page.click('#corpus-table th[data-key="reused"] button')
    assert column("reused") == sorted(ascending, reverse=True)
    assert page.get_attribute('#corpus-table th[data-key="reused"]', "aria-sort") == "descending"

    page.fill('input[name="corpus-search"]', "nCa")
    shown = page.locator("#corpus-table tbody tr:not(.off)")
    assert shown.count() == sum(1 for d in report["documents"] if d["outlet"] == "nCa")
    assert page.text_content("#rows-shown") == str(shown.count())


def test_year_less_article_is_flagged_in_the_table(
    seeds_page: Visit, seeds_report: tuple[dict[str, Any], Path]
) -> None:
    report = seeds_report[0]
    yearless = [d["id"] for d in report["documents"] if d["date_precision"] == "month-day"]
    assert yearless
    for doc_id in yearless:
        badge = seeds_page.page.locator(f'#corpus-table tr[data-doc="{doc_id}"] .badge.noyear')
        assert badge.count() == 1 and badge.is_visible()


# --- safety -----------------------------------------------------------------------------------

HOSTILE = (
    "Сегодня <script>window.__pwned = 1; alert(1)</script> и </script><script>window.__pwned = 2</script> "
    '<img src=x onerror="window.__pwned = 3"> <a href="javascript:window.__pwned=4">ссылка</a> '
    "правительство утвердило программу модернизации пригородных электричек до 2030 года и "
    "выделило на обновление подвижного состава сто двадцать миллиардов рублей из бюджета."
)


def test_hostile_document_runs_nothing(browser: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f" date 2025-11-14 {HOSTILE}\n", encoding="utf-8")
    (corpus / "b.txt").write_text(f" date 2025-11-15 Копия: {HOSTILE}\n", encoding="utf-8")
    (corpus / "c <img src=x onerror=alert(5)>.txt").write_text(
        f" date 2025-11-16 {HOSTILE}\n", encoding="utf-8"
    )
    report = scan(corpus, jobs=1)
    assert report.links, "the hostile text must be inside highlighted passages"
    write_reports(report, tmp_path / "out", ("html",))
    visit = Visit(browser, tmp_path / "out" / "lineage.html")
    try:
        page = visit.page
        for name in ("corpus", "documents", "clusters", "outlets"):
            visit.view(name)
        visit.view("documents")
        for article in range(page.locator("article.doc").count()):
            page.goto(f"{visit.url}#doc-{article + 1}")
            marks = page.locator("article.doc.current .text mark[data-sides]")
            for i in range(marks.count()):
                marks.nth(i).click()
        visit.view("corpus")
        page.fill('input[name="corpus-search"]', "<script>")
        assert page.evaluate("() => window.__pwned") is None
        assert visit.dialogs == []
        assert page.locator("#documents script, #documents img, #twin script, #twin img").count() == 0
        assert "<script>window.__pwned = 1" in page.text_content("#documents")
        assert set(visit.requests) == {visit.url}
        assert visit.problems == []
    finally:
        visit.close()


# --- print and language -----------------------------------------------------------------------


def test_prints_the_current_view_without_controls(seeds_page: Visit) -> None:
    page = seeds_page.page
    seeds_page.view("documents")
    page.click("article.doc.current .text mark >> nth=0")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['nav.views', 'form.filters', 'aside.twin', 'article.doc.current nav.pager']
                 .map(s => getComputedStyle(document.querySelector(s)).display)"""
    )
    assert hidden == ["none"] * 4
    assert page.is_visible("article.doc.current .text")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert seeds_page.problems == []


def test_interface_language(browser: Any, tmp_path: Path) -> None:
    from provenance.report.html import render_html

    report = sample_report()
    for lang, word in (("en", "Articles"), ("ru", "Статьи"), ("kk", "Мақалалар")):
        path = tmp_path / f"{lang}.html"
        path.write_text(render_html(Report.from_dict(report), lang), encoding="utf-8")  # type: ignore[arg-type]
        visit = Visit(browser, path)
        try:
            assert visit.page.text_content('nav.views a[data-view="corpus"]') == word
            assert visit.problems == []
        finally:
            visit.close()


# --- pictures for the README -------------------------------------------------------------------


def test_screenshots_of_each_view(seeds_page: Visit, tmp_path: Path) -> None:
    """Saved in PROVENANCE_SCREENSHOTS when set (the README's pictures), else in a temporary folder."""
    out = Path(os.environ.get("PROVENANCE_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page = seeds_page.page
    page.set_viewport_size({"width": 1200, "height": 760})

    def shot(name: str) -> bytes:
        # From the tabs down: the header above them is the same in every view.
        page.evaluate("() => window.scrollTo(0, document.querySelector('nav.views').offsetTop - 8)")
        return page.screenshot(path=str(out / f"view-{name}.png"))

    shots = {}
    seeds_page.view("corpus")
    shots["corpus"] = shot("corpus")
    page.goto(f"{seeds_page.url}#doc-2")
    page.wait_for_selector("#doc-2.current")
    shots["article"] = shot("article")
    page.click("article.doc.current .text mark[data-sides] >> nth=3")
    # As the reader sees it: the page scrolls the passage above the panel.
    shots["twin"] = page.screenshot(path=str(out / "view-twin.png"))
    page.keyboard.press("Escape")
    seeds_page.view("clusters")
    shots["lineage"] = shot("lineage")
    seeds_page.view("outlets")
    shots["outlets"] = shot("outlets")
    for name, png in shots.items():
        assert png.startswith(b"\x89PNG"), name
    assert len(set(shots.values())) == len(shots)
    assert seeds_page.problems == []


# --- the check page ---------------------------------------------------------------------------


def test_check_page_opens_without_console_errors(browser: Any, tmp_path: Path) -> None:
    """The draft-check page: its own policy refuses nothing it asks for (not even its icon)."""
    from provenance.check import check, read_drafts
    from provenance.index import Index
    from provenance.ingest import ingest_folder
    from provenance.report.check_views import render_check_html

    seed = next(SEEDS.glob("001_*.txt"))
    copied = next(line for line in seed.read_text(encoding="utf-8").splitlines() if "первый саммит" in line)
    draft = tmp_path / "draft.txt"
    draft.write_text(f"Черновик.\n\n{copied}\n\nСобственный текст редакции.\n", encoding="utf-8")
    with Index(tmp_path / "index.sqlite", create=True) as index:
        index.add(ingest_folder(SEEDS))
        result = check(read_drafts([str(draft)]), index)
    assert result["summary"]["findings"]
    for lang, heading in (("en", "Draft check"), ("kk", "Жобаны тексеру")):
        page = tmp_path / f"check-{lang}.html"
        page.write_text(render_check_html(result, lang), encoding="utf-8")  # type: ignore[arg-type]
        visit = Visit(browser, page)
        try:
            assert visit.page.locator("mark").count() == result["summary"]["findings"]
            assert visit.page.text_content("h1") == heading
            assert visit.requests == [visit.url]
            assert visit.problems == []
        finally:
            visit.close()


def test_date_column_sorts_by_the_moment_at_the_ends_of_datetime(browser: Any, tmp_path: Path) -> None:
    """Same day, different offsets, in years 1 and 9999: the table's sort agrees with the moments."""
    from datetime import date

    from test_extreme_dates import RECORDS

    from provenance.ingest.files import ReadOptions

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "records.json").write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    report = scan(corpus, jobs=1, options=ReadOptions(today=date.max))
    write_reports(report, tmp_path, ("html",))
    visit = Visit(browser, tmp_path / "lineage.html")
    try:
        page = visit.page

        def rows() -> list[str]:
            return page.evaluate(
                "() => Array.from(document.querySelectorAll('#corpus-table tbody tr')).map(r => r.dataset.doc)"
            )

        assert rows() == ["b", "a", "c", "d"]
        page.click('#corpus-table th[data-key="date"] button')
        assert rows() == ["d", "c", "a", "b"]
        page.click('#corpus-table th[data-key="date"] button')
        assert rows() == ["b", "a", "c", "d"]
        assert visit.problems == []
    finally:
        visit.close()

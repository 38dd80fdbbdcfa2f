"""The HTML rendering: self-contained, escaped, deterministic, and faithful to the offsets."""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import random
import re
from html.parser import HTMLParser
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from report_samples import (
    ARCHIVE,
    LOCAL,
    RIA,
    TASS,
    UNLINKED,
    UNLINKED_TEXT,
    document_entry,
    finish,
    plain_meaning,
    sample_report,
    sample_report_with_unlinked,
)

from provenance.report import html as html_view
from provenance.report import validate_report
from provenance.report.messages import CATALOGUES, LANGUAGES, Lang
from provenance.report.model import Report

CSP = (
    "default-src 'none'; script-src 'sha256-{}'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
HOSTILE = "<script>alert(1)</script> \"><img src=x onerror=alert(2)> '&amp;"


class Page(HTMLParser):
    """Collects what the tests look at: tags, attributes, and each document's highlighted text."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []
        # document anchor -> [(character, ids of the links whose mark covers it)]
        self.bodies: dict[str, list[tuple[str, frozenset[str]]]] = {}
        self._body: str | None = None
        self._depth = 0
        self._marks: list[frozenset[str]] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if self._body is not None:
            self._depth += 1
            if tag == "mark":
                self._marks.append(frozenset((a.get("data-links") or "").split()))
        elif tag == "div" and "text" in (a.get("class") or "").split():
            self._body = a["data-document"] or ""
            self.bodies[self._body] = []
            self._depth = 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if self._body is None:
            return
        if tag == "mark":
            self._marks.pop()
        self._depth -= 1
        if self._depth == 0:
            self._body = None

    def handle_data(self, data: str) -> None:
        if self._body is not None:
            links = self._marks[-1] if self._marks else frozenset()
            self.bodies[self._body].extend((ch, links) for ch in data)


def anchors_by_document(source: str) -> dict[str, str]:
    """Document id -> the anchor of its section, read from the corpus table."""
    found = re.findall(r'<tr data-doc="([^"]*)" data-anchor="(doc-\d+)">', source)
    return {html.unescape(doc_id): anchor for doc_id, anchor in found}


def render_html(report: dict[str, Any], lang: Lang | None = None) -> str:
    """The page of a report's JSON data (these tests edit reports as JSON)."""
    return html_view.render_html(Report.from_dict(report), lang)


def render(report: dict[str, Any], lang: str = "en") -> str:
    """The page with the English interface, whose words these tests read."""
    return render_html(report, lang)  # type: ignore[arg-type]


def expected_coverage(report: dict[str, Any], doc: dict[str, Any]) -> list[tuple[str, frozenset[str]]]:
    start, end = doc["body"]["start"], doc["body"]["end"]
    out = []
    for i in range(start, end):
        covering = frozenset(
            lk["id"]
            for lk in report["links"]
            for side in (lk["source"], lk["target"])
            if side["document"] == doc["id"] and side["start"] <= i < side["end"]
        )
        out.append((doc["text"][i], covering))
    return out


def assert_faithful(report: dict[str, Any]) -> None:
    """Each body appears exactly once, every character marked by exactly the links covering it."""
    source = render(report)
    page = Page(source)
    anchors = anchors_by_document(source)
    assert len(page.bodies) == len(report["documents"])
    for doc in report["documents"]:
        shown = page.bodies[anchors[doc["id"]]]
        assert "".join(ch for ch, _ in shown) == doc["text"][doc["body"]["start"] : doc["body"]["end"]]
        assert shown == expected_coverage(report, doc)


# --- content and structure --------------------------------------------------------------------


def test_sample_renders_a_complete_page() -> None:
    source = render_html(sample_report())
    assert source.startswith("<!DOCTYPE html>")
    assert source.rstrip().endswith("</html>")
    assert '<html lang="ru">' in source
    for doc_id in (RIA, TASS, LOCAL, ARCHIVE):
        assert html.escape(doc_id) in source


def test_every_link_side_is_highlighted_once() -> None:
    report = sample_report()
    source = render(report)
    page = Page(source)
    link_ids = {lk["id"] for lk in report["links"]}
    side_anchors = [i for i in page.ids if re.fullmatch(r"L-[0-9a-f]{12}-[st]", i)]
    assert sorted(side_anchors) == sorted(f"{i}-{s}" for i in link_ids for s in "st")
    marked = set().union(*(set((a.get("data-links") or "").split()) for t, a in page.tags if t == "mark"))
    assert marked == link_ids
    # The spans overlap in the sample: some marks are covered by several links.
    assert any(len((a.get("data-links") or "").split()) > 1 for t, a in page.tags if t == "mark")


def test_overlapping_spans_lose_and_repeat_no_text() -> None:
    report = sample_report()
    source = render(report)
    anchors = anchors_by_document(source)
    for doc in report["documents"]:
        # Strip the tags and unescape: the body text comes back exactly.
        opening = f'<div class="text" data-document="{anchors[doc["id"]]}">'
        match = re.search(re.escape(opening) + "(.*?)</div>", source, re.S)
        assert match
        plain = html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))
        assert plain == doc["text"][doc["body"]["start"] : doc["body"]["end"]]
    assert_faithful(report)


def test_every_internal_link_resolves_and_ids_are_unique() -> None:
    page = Page(render(sample_report()))
    assert len(page.ids) == len(set(page.ids))
    hrefs = [a["href"] for t, a in page.tags if t == "a"]
    assert hrefs
    for href in hrefs:
        assert href and href.startswith("#") and href[1:] in page.ids, href


def test_marks_link_to_their_twin_and_describe_the_other_side() -> None:
    report = sample_report()
    page = Page(render(report))
    by_id = {lk["id"]: lk for lk in report["links"]}
    titles = []
    for i, (tag, attrs) in enumerate(page.tags):
        if tag != "mark" or "data-links" not in attrs:  # the legend's samples link nowhere
            continue
        inner = page.tags[i + 1]
        assert inner[0] == "a"
        link_id, side = (inner[1]["href"] or "")[1:].rsplit("-", 1)
        assert link_id in (attrs.get("data-links") or "").split()
        assert side in "st"
        titles.append(attrs.get("title") or "")
    joined = "\n".join(titles)
    for relation in ("earlier source", "later copy", "same day", "order unknown"):
        assert relation in joined
    assert "ТАСС · 2025-11-14 10:15:00+03:00 · feed.jsonl:2 · verbatim" in joined
    assert "unknown outlet" in joined
    assert set(by_id) <= {
        lk for t, a in page.tags if t == "mark" for lk in (a.get("data-links") or "").split()
    }


def test_mark_colour_follows_the_source_document() -> None:
    source = render(sample_report())
    article = source[source.index('id="doc-3"') : source.index('id="doc-4"')]
    # In the local copy RIA is source 1 and TASS source 2 (date order), each with its colour.
    assert re.search(r'swatch c0">1</span><a [^>]*>РИА Новости', article)
    assert re.search(r'swatch c1">2</span><a [^>]*>ТАСС', article)
    only_tass = re.findall(r'<mark [^>]*class="(c\d)[^"]*" [^>]*data-links="L-000000000004"', article)
    assert only_tass == ["c1"]


def test_documents_are_ordered_by_date_with_year_less_last() -> None:
    source = render(sample_report())
    headings = [f'<h3><span class="id">{html.escape(i)}</span>' for i in (RIA, TASS, LOCAL, ARCHIVE)]
    order = [source.index(h) for h in headings]
    assert order == sorted(order)


def test_document_details_are_shown() -> None:
    report = sample_report()
    source = render(report)
    for doc in report["documents"]:
        assert re.search(f'reused <span class="share"[^>]*>{doc["reused_share"] * 100:.1f}%</span>', source)
    assert "unknown outlet" in source
    assert re.search(r'<span class="badge noyear" title="[^"]*"><span class="warn">!</span> no year', source)
    assert "day · header</span>" in source and "no year · dateline</span>" in source
    assert "Metadata header" in source  # the RIA inline header is kept apart from the body
    assert "© Вечерний город" in source
    assert "white-space: pre-wrap" in source


def test_header_summary_parameters_warnings_and_skipped() -> None:
    source = render(sample_report())
    assert "<details>\n<summary>Parameters</summary>" in source
    assert "near_verbatim_similarity" in source and "minhash-lsh" in source
    assert "record has no text" in source and "feed.jsonl:1" in source
    assert "notes.pdf" in source and "not a .txt or .jsonl file" in source
    assert "<dt>Ties</dt><dd>1</dd>" in source


def test_cluster_timelines_label_tie_origin_and_yearless() -> None:
    source = render(sample_report())
    tie = source[source.index('id="C-00000000000a"') : source.index('id="C-00000000000b"')]
    # One label for the tied members together, none preferred.
    assert tie.count("tie — same day, none preferred") == 1
    group = tie[tie.index("tie — same day, none preferred") : tie.index("</ul>")]
    assert html.escape(TASS) in group and html.escape(RIA) in group
    assert "earliest in this corpus" not in tie.lower()
    # Origins first, then the later copy.
    assert tie.index(html.escape(TASS)) < tie.index(html.escape(LOCAL))
    assert tie.index(html.escape(RIA)) < tie.index(html.escape(LOCAL))

    determined = source[source.index('id="C-00000000000c"') :]
    assert "earliest in this corpus" in determined
    assert "no year — cannot be placed" in determined
    # The year-less copy comes after (apart from) the dated origin, never as its origin.
    assert (
        determined.index("earliest in this corpus")
        < determined.index(RIA)
        < determined.index("no year — cannot be placed")
        < determined.index(ARCHIVE)
    )


def test_undated_cluster_is_labelled() -> None:
    report = sample_report()
    c = report["clusters"][2]
    c["origin"] = {"status": "undated", "documents": [], "date": None}
    for p in c["passages"]:
        p["role"] = "yearless"
    source = render(report)
    part = source[source.index('id="C-00000000000c"') :]
    assert "No member has a date with a year" in part
    assert "earliest in this corpus" not in part.split("<footer>")[0]


# --- safety: escaping and no network ----------------------------------------------------------


def hostile_report() -> dict[str, Any]:
    """The sample with hostile strings in every field a person or a feed could control."""
    report = sample_report()
    for doc_id in (RIA, TASS):
        doc = next(d for d in report["documents"] if d["id"] == doc_id)
        doc["text"] += HOSTILE
        doc["body"]["end"] = len(doc["text"])
        doc["sha256"] = hashlib.sha256(doc["text"].encode("utf-8")).hexdigest()
    tass = next(d for d in report["documents"] if d["id"] == TASS)
    ria = next(d for d in report["documents"] if d["id"] == RIA)
    tass["outlet"] = HOSTILE
    tass["title"] = HOSTILE
    tass["url"] = "javascript:alert(3)"
    ria["path"] = HOSTILE

    def side(doc: dict[str, Any]) -> dict[str, Any]:
        start = doc["text"].index(HOSTILE)
        return {"document": doc["id"], "start": start, "end": len(doc["text"]), "snippet": HOSTILE}

    # A link whose highlighted text is itself hostile, in an existing same-day cluster.
    report["links"].append(
        {
            "id": "L-0000000000ee",
            "source": side(tass),
            "target": side(ria),
            "similarity": 1.0,
            "kind": "verbatim",
            "matched_words": 5,
            "direction": "same-day",
            "clusters": ["C-00000000000a"],
            **plain_meaning(),
        }
    )
    report["clusters"][0]["links"].append("L-0000000000ee")
    report["boilerplate"][0]["text"] = HOSTILE
    local = next(d for d in report["documents"] if d["credits"])
    local["credits"][0]["name"] = HOSTILE
    for c in report["clusters"]:
        for p in c["passages"]:
            if p["document"] == TASS:
                p["outlet"] = HOSTILE
    report["warnings"][0]["message"] = HOSTILE
    report["skipped"][0]["reason"] = HOSTILE
    report["parameters"]["normalization"] = HOSTILE
    report["input"]["root"] = HOSTILE
    return finish(report)


def test_hostile_report_is_still_valid() -> None:
    assert validate_report(hostile_report()) == []


def test_hostile_text_is_escaped() -> None:
    report = hostile_report()
    source = render(report)
    # The only scripts are the page's own: the report as inert JSON, and the pinned code.
    assert len(re.findall("<script", source, re.I)) == 2
    assert source.count('<script type="application/json" id="report-data">') == 1
    data = source[source.index('id="report-data">') : source.index("</script>")]
    assert "<" not in data[len('id="report-data">') :]  # "</script>" inside the JSON is escaped
    assert "<img" not in source.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source
    page = Page(source)
    allowed = {
        "html",
        "head",
        "meta",
        "link",
        "title",
        "style",
        "body",
        "header",
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "em",
        "strong",
        "dl",
        "dt",
        "dd",
        "div",
        "details",
        "summary",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "code",
        "nav",
        "a",
        "section",
        "ul",
        "ol",
        "li",
        "article",
        "span",
        "pre",
        "mark",
        "blockquote",
        "footer",
        "form",
        "label",
        "input",
        "select",
        "option",
        "button",
        "aside",
        "script",
    }
    assert {t for t, _ in page.tags} <= allowed
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    # The hostile strings survive as text, character for character, including inside a mark.
    assert_faithful(report)


def _resource_urls(source: str) -> list[str]:
    page = Page(source)
    return [value or "" for _, attrs in page.tags for name, value in attrs.items() if name in ("src", "href")]


def test_no_network_resources() -> None:
    source = render(hostile_report())
    for url in _resource_urls(source):
        assert not re.match(r"\s*(https?:)?//", url, re.I), url
        assert url.startswith("#") or url.startswith("data:"), url
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", source, re.I)
    lowered = source.lower()
    assert "@import" not in lowered and "url(" not in lowered
    assert "<iframe" not in lowered and "<object" not in lowered
    assert all("src" not in attrs for tag, attrs in Page(source).tags if tag == "script")
    assert 'rel="stylesheet"' not in lowered
    # The article's own address is shown as text, never as a link to follow.
    report = sample_report()
    assert "https://example.org/news/elektrichki" in render(report)
    assert "https://" not in " ".join(_resource_urls(render(report)))


def test_content_security_policy_comes_first() -> None:
    source = render(sample_report())
    page = Page(source)
    metas = [a for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    code = re.findall(r"<script>(.*?)</script>", source, re.S)
    assert len(code) == 1
    digest = base64.b64encode(hashlib.sha256(code[0].encode("utf-8")).digest()).decode()
    assert [m["content"] for m in metas] == [CSP.format(digest)]
    head = source[: source.index("</head>")]
    assert head.index("Content-Security-Policy") < min(head.index("<style"), head.index("<link"))
    assert "<script" not in head
    assert '<meta charset="utf-8">' in head


def test_print_styles() -> None:
    assert "@media print" in render(sample_report())


# --- determinism and language -----------------------------------------------------------------


def test_output_is_byte_identical() -> None:
    first = render(sample_report()).encode("utf-8")
    second = render(sample_report()).encode("utf-8")
    assert first == second


def test_output_does_not_depend_on_list_or_key_order() -> None:
    report = sample_report()
    shuffled = copy.deepcopy(report)
    rng = random.Random(7)
    rng.shuffle(shuffled["documents"])
    rng.shuffle(shuffled["links"])
    shuffled["parameters"] = dict(reversed(list(shuffled["parameters"].items())))
    assert validate_report(shuffled) == []
    assert render(shuffled) == render(report)


def test_language_follows_the_documents() -> None:
    report = sample_report()
    assert '<html lang="ru">' in render_html(report)
    english = "Officials approved the plan to renew suburban trains by 2030."
    for doc in report["documents"]:
        doc["text"] = english
        doc["body"] = {"start": 0, "end": len(english)}
    report["links"], report["clusters"] = [], []
    assert '<html lang="en">' in render_html(report)


# --- a document without its text (format 1.4.0) ------------------------------------------------


def _article(source: str, doc_id: str) -> str:
    """The article element of one document, as rendered."""
    anchor = anchors_by_document(source)[doc_id]
    start = source.index(f'<article class="doc" id="{anchor}"')
    return source[start : source.index("</article>", start)]


def test_a_document_without_its_text_says_so_and_names_its_file() -> None:
    report = sample_report_with_unlinked("linked")
    weather = next(d for d in report["documents"] if d["id"] == UNLINKED)
    for lang in LANGUAGES:
        source = render(report, lang)
        t = CATALOGUES[lang]
        article = _article(source, UNLINKED)
        note = html.unescape(re.search(r'<p class="text-left-out">(.*?)</p>', article, re.S)[1])  # type: ignore[index]
        assert t["text_left_out"] in note and t["text_in_file"] in note
        assert f"{t['text_in_file']} {UNLINKED}" in re.sub("<[^>]+>", "", note)
        assert weather["sha256"] in note and str(weather["text_length"]) in note
        # Nothing of its text: not in the article, not anywhere in the page, not in its data.
        assert 'class="text"' not in article
        for sentence in ("Синоптики обещают", "Зонты лучше держать"):
            assert sentence not in source
        # Still listed, with its metadata, in the table and its article.
        row = re.search(rf'<tr data-doc="{re.escape(UNLINKED)}"[^>]*>(.*?)</tr>', source, re.S)
        assert row and "Погода.kz" in row[1] and "Дожди и похолодание" in row[1] and "2025-11-15" in row[1]
        assert "Гидрометцентр" in article  # what it credits stays
    # The others keep their text and marks, exactly.
    assert_faithful(sample_report())
    page = Page(render(report))
    assert len(page.bodies) == len(report["documents"]) - 1


def test_with_every_text_the_document_in_no_link_is_shown_whole() -> None:
    report = sample_report_with_unlinked("all")
    source = render(report)
    assert 'class="text-left-out"' not in source
    page = Page(source)
    shown = "".join(ch for ch, _ in page.bodies[anchors_by_document(source)[UNLINKED]])
    assert shown == UNLINKED_TEXT and "Синоптики обещают" in _article(source, UNLINKED)


def test_the_page_language_counts_a_document_without_its_text_by_its_language() -> None:
    report = sample_report_with_unlinked("linked")
    english = "Officials approved the plan to renew suburban trains by 2030."
    for doc in report["documents"]:
        if "text" in doc:
            doc["text"], doc["text_length"] = english, len(english)
            doc["body"] = {"start": 0, "end": len(english)}
            doc["quotations"], doc["credits"], doc["excluded"], doc["cites"] = [], [], [], []
    report["links"], report["clusters"] = [], []
    weather = next(d for d in report["documents"] if d["id"] == UNLINKED)
    # 140 counted characters of a Russian text against 4 × 47 English letters: English.
    assert '<html lang="en">' in render_html(report)
    weather["counted_chars"] = weather["body"]["end"] = weather["text_length"] = 1000
    assert '<html lang="ru">' in render_html(report)
    weather["language"] = None  # not told: it counts for nothing
    assert '<html lang="en">' in render_html(report)


# --- any spans over any text ------------------------------------------------------------------

_TEXT = st.text(alphabet="абвгдеёжз ABC\n\t<>&\"'—«»😀", min_size=1, max_size=60)


@st.composite
def _ordered_spans(draw: st.DrawFn, lo: int, hi: int) -> list[tuple[int, int]]:
    """Up to three disjoint spans of [lo, hi), in order."""
    points = sorted(set(draw(st.lists(st.integers(lo, hi), max_size=6))))
    return [(a, b) for a, b in zip(points[::2], points[1::2], strict=False) if a < b]


@st.composite
def _report_with_random_spans(draw: st.DrawFn) -> dict[str, Any]:
    texts = [draw(_TEXT), draw(_TEXT)]
    docs = []
    for n, text in enumerate(texts):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        doc = document_entry(
            f"d{n}",
            text,
            path=f"d{n}.txt",
            fmt="txt",
            outlet=None,
            outlet_source=None,
            date=f"2025-01-0{n + 1}",
            precision="day",
            date_source="header",
            body=(start, end),
        )
        # Quotations and excluded text cut the text at more places: it must stay whole.
        doc["quotations"] = [
            {"start": a, "end": b, "form": "marks"} for a, b in draw(_ordered_spans(start, end))
        ]
        doc["excluded"] = [
            {"start": a, "end": b, "reason": "boilerplate", "rule": "frequency"}
            for a, b in draw(_ordered_spans(start, end))
        ]
        docs.append(doc)

    def span(doc: dict[str, Any]) -> dict[str, Any]:
        lo, hi = doc["body"]["start"], doc["body"]["end"]
        if lo == hi:  # an empty body: any span of the text, to exercise clipping
            lo, hi = 0, len(doc["text"])
        start = draw(st.integers(lo, hi - 1))
        end = draw(st.integers(start + 1, hi))
        return {"document": doc["id"], "start": start, "end": end, "snippet": doc["text"][start:end]}

    links = [
        {
            "id": f"L-{n:012x}",
            "source": span(docs[0]),
            "target": span(docs[1]),
            "similarity": 1.0,
            "kind": draw(st.sampled_from(["verbatim", "near-verbatim", "partial"])),
            "matched_words": 1,
            "direction": "earlier-to-later",
            "clusters": ["C-000000000001"],
            **plain_meaning(),
        }
        for n in range(draw(st.integers(0, 6)))
    ]
    clusters = [
        {
            "id": "C-000000000001",
            "links": [lk["id"] for lk in links],
            "yearless": [],
            "origin": {"status": "determined", "documents": ["d0"], "date": "2025-01-01"},
            "passages": [
                {
                    **lk[side],
                    "date": docs[i]["date"],
                    "date_precision": "day",
                    "outlet": None,
                    "role": "origin" if i == 0 else "later",
                }
                for i, side in enumerate(("source", "target"))
            ],
        }
        for lk in links[:1]
    ]
    report = sample_report()
    report.update(documents=docs, links=links, clusters=clusters, warnings=[], skipped=[], boilerplate=[])
    return finish(report)


@settings(max_examples=150, deadline=None)
@given(_report_with_random_spans())
def test_random_overlapping_spans_render_faithfully(report: dict[str, Any]) -> None:
    assert_faithful(report)
    page = Page(render(report))
    # Every side keeps an anchor, even one that lies outside the body and is clipped away.
    assert sum(1 for i in page.ids if i.startswith("L-")) == 2 * len(report["links"])


def test_the_script_knows_every_white_space_python_knows() -> None:
    """Shares count non-space code points; the page's script must skip exactly the same ones."""
    import sys

    from provenance.report.html import _python_spaces

    everywhere = "".join(chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace())
    assert _python_spaces() == everywhere
    data = re.search(r'id="report-data">(.*?)</script>', render(sample_report()), re.S)
    assert data and json.loads(data.group(1))["view"]["spaces"] == everywhere

"""A small, valid lineage report built by hand, for the report-stage tests.

Four short Russian articles about one story:

- `ria/2025-11-14.txt` (РИА Новости, 2025-11-14, day only, inline header)
- `feed.jsonl:2` (ТАСС, 2025-11-14 10:15 +03:00, from a JSON Lines record)
- `local/novosti.txt` (no outlet, 2025-11-16 from the dateline)
- `archive/copy.txt` (Вечерний город, 13 November with no year, signature trailer)

Three clusters:

- C-00000000000a, tie: RIA and TASS share a passage on the same day (RIA has no time, so
  times cannot order them); the local site copies it later, via two overlapping links.
- C-00000000000b, determined: TASS first, the local site later.
- C-00000000000c, determined with a year-less member: RIA is the origin even though the
  archive copy says "13 ноября", which would be earlier if it had a year.

Offsets are found with `str.find` so the texts can be edited without recounting.

`sample_report_with_unlinked` adds a fifth article that shares nothing (`misc/weather.txt`,
with a quotation, a credit and a boilerplate line), in a report of `texts` `linked` (its
text left out, as `provenance scan` writes it by default) or `all`.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from provenance.report.build import outlet_matrix
from provenance.report.model import DocumentEntry, Link, Report

RIA = "ria/2025-11-14.txt"
TASS = "feed.jsonl:2"
LOCAL = "local/novosti.txt"
ARCHIVE = "archive/copy.txt"

TEXTS = {
    RIA: (
        "date: 2025-11-14\n"
        "source: РИА Новости\n"
        "\n"
        "МОСКВА, 14 ноября. Правительство утвердило программу модернизации пригородных "
        "электричек до 2030 года. На обновление подвижного состава направят 120 миллиардов рублей.\n"
        "\n"
        "Первые новые поезда выйдут на линии уже весной следующего года. "
        "В министерстве транспорта отметили, что старые вагоны спишут постепенно.\n"
    ),
    TASS: (
        "Правительство утвердило программу модернизации пригородных электричек до 2030 года. "
        "На обновление подвижного состава направят 120 миллиардов рублей. Кроме того, "
        "в Подмосковье откроют четыре новых депо для обслуживания поездов. "
        "Об этом сообщили в пресс-службе кабмина."
    ),
    LOCAL: (
        "16 ноября 2025 года. Как стало известно, правительство утвердило программу модернизации "
        "пригородных электричек до 2030 года, на обновление подвижного состава направят "
        "120 миллиардов рублей. Кроме того, в Подмосковье откроют четыре новых депо "
        "для обслуживания поездов, передает ТАСС.\n\nЖители области ждут перемен.\n\nПоделиться"
    ),
    ARCHIVE: (
        "13 ноября. Первые новые поезда выйдут на линии уже весной следующего года. "
        "Об этом рассказали в министерстве.\n"
        "\n"
        "© Вечерний город"
    ),
}


def span(doc_id: str, fragment: str) -> tuple[int, int]:
    """`[start, end)` of the only occurrence of `fragment` in the document's text."""
    text = TEXTS[doc_id]
    start = text.find(fragment)
    assert start >= 0 and text.find(fragment, start + 1) < 0, (doc_id, fragment)
    return start, start + len(fragment)


def ref(doc_id: str, fragment: str) -> dict[str, Any]:
    start, end = span(doc_id, fragment)
    return {"document": doc_id, "start": start, "end": end, "snippet": TEXTS[doc_id][start:end]}


def _document(doc_id: str, **fields: Any) -> dict[str, Any]:
    return document_entry(doc_id, TEXTS[doc_id], **fields)


def document_entry(
    doc_id: str,
    text: str,
    *,
    path: str,
    fmt: str,
    outlet: str | None,
    outlet_source: str | None,
    date: str | None,
    precision: str,
    date_source: str | None,
    body: tuple[int, int] | None = None,
    title: str | None = None,
    url: str | None = None,
    language: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A document of a report, its derived numbers left for `finish` to fill in."""
    start, end = body if body else (0, len(text))
    return {
        "id": doc_id,
        "path": path,
        "format": fmt,
        "encoding": "utf-8",
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "outlet": outlet,
        "outlet_source": outlet_source,
        "date": date,
        "date_precision": precision,
        "date_source": date_source,
        "title": title,
        "title_source": "record" if title else None,
        "url": url,
        "url_source": "record" if url else None,
        "body": {"start": start, "end": end},
        "text_length": len(text),
        "text": text,
        # Filled in by `finish` from the links.
        "counted_chars": 0,
        "reused_chars": 0,
        "reused_share": 0.0,
        "links": 0,
        "language": language,
        "quotations": [],
        "credits": [],
        "cites": [],
        "excluded": [],
    }


def _member(doc: dict[str, Any], passage: dict[str, Any], role: str) -> dict[str, Any]:
    return {
        **passage,
        "date": doc["date"],
        "date_precision": doc["date_precision"],
        "outlet": doc["outlet"],
        "role": role,
    }


def plain_meaning() -> dict[str, Any]:
    """The editorial fields of a link of uncredited copied prose."""
    return {
        "class": "copied-text",
        "quotation": {"source": 0.0, "target": 0.0},
        "credited": False,
        "credit": None,
        "common_sources": [],
    }


def finish(report: dict[str, Any]) -> dict[str, Any]:
    """Recompute the derived numbers (per-document reuse, summary) after editing a report.

    A document without its text keeps its `counted_chars`; the summary counts only the
    excluded spans listed, so leave texts out after finishing (see `sample_report_with_unlinked`).
    """
    for doc in report["documents"]:
        if "text" not in doc:
            doc["reused_chars"], doc["reused_share"], doc["links"] = 0, 0.0, 0
            continue
        doc["text_length"] = len(doc["text"])
        covered: set[int] = set()
        touching = 0
        for link in report["links"]:
            sides = [s for s in (link["source"], link["target"]) if s["document"] == doc["id"]]
            touching += bool(sides)
            for s in sides:
                covered.update(range(s["start"], s["end"]))
        # Whitespace does not count as reused text (nor as body text), nor does excluded text.
        text = doc["text"]
        holes = {i for e in doc["excluded"] for i in range(e["start"], e["end"])}
        reused = sum(1 for i in covered - holes if not text[i].isspace())
        body = set(range(doc["body"]["start"], doc["body"]["end"])) - holes
        counted = sum(1 for i in body if not text[i].isspace())
        doc["counted_chars"] = counted
        doc["reused_chars"] = reused
        doc["reused_share"] = round(min(reused / counted, 1.0), 4) if counted else 0.0
        doc["links"] = touching
    statuses = [c["origin"]["status"] for c in report["clusters"]]
    classes = [k["class"] for k in report["links"]]
    report["summary"] = {
        "documents": len(report["documents"]),
        "links": len(report["links"]),
        "clusters": len(report["clusters"]),
        "origins": {s: statuses.count(s) for s in ("determined", "tie", "undated")},
        "reused_chars": sum(d["reused_chars"] for d in report["documents"]),
        "classes": {c: classes.count(c) for c in ("copied-text", "mixed", "shared-quotation")},
        "credited_links": sum(1 for k in report["links"] if k["credited"]),
        "internal_duplicates": sum(
            1 for d in report["documents"] for e in d.get("excluded", ()) if e["reason"] == "internal-duplicate"
        ),
        "boilerplate_lines": sum(
            1 for d in report["documents"] for e in d.get("excluded", ()) if e["reason"] == "boilerplate"
        ),
        "outlets": [
            cell.to_dict()
            for cell in outlet_matrix(
                [Link.from_dict(k) for k in report["links"]],
                [DocumentEntry.from_dict(d) for d in report["documents"]],
            )
        ],
        "warnings": len(report["warnings"]),
        "skipped": len(report["skipped"]),
    }
    return report


def sample_report() -> dict[str, Any]:
    """A fresh copy of the sample report (tests may mutate it)."""
    header_end = TEXTS[RIA].index("МОСКВА")
    trailer_start = TEXTS[ARCHIVE].index("\n\n©")
    docs = {
        RIA: _document(
            RIA,
            path=RIA,
            fmt="txt",
            outlet="РИА Новости",
            outlet_source="record",
            date="2025-11-14",
            precision="day",
            date_source="header",
            body=(header_end, len(TEXTS[RIA])),
        ),
        TASS: _document(
            TASS,
            path="feed.jsonl",
            fmt="jsonl",
            outlet="ТАСС",
            outlet_source="record",
            date="2025-11-14T10:15:00+03:00",
            precision="datetime",
            date_source="record",
            title="Кабмин утвердил программу обновления электричек",
            url="https://example.org/news/elektrichki",
        ),
        LOCAL: _document(
            LOCAL,
            path=LOCAL,
            fmt="txt",
            outlet=None,
            outlet_source=None,
            date="2025-11-16",
            precision="day",
            date_source="dateline",
        ),
        ARCHIVE: _document(
            ARCHIVE,
            path=ARCHIVE,
            fmt="txt",
            outlet="Вечерний город",
            outlet_source="signature",
            date="--11-13",
            precision="month-day",
            date_source="dateline",
            body=(0, trailer_start),
        ),
    }

    program = (
        "Правительство утвердило программу модернизации пригородных электричек до 2030 года. "
        "На обновление подвижного состава направят 120 миллиардов рублей."
    )
    local_a = "правительство утвердило программу модернизации пригородных электричек до 2030 года"
    # Overlaps local_a and reaches into the depot sentence of the next cluster: spans overlap.
    local_b = (
        "утвердило программу модернизации пригородных электричек до 2030 года, на обновление "
        "подвижного состава направят 120 миллиардов рублей. Кроме того"
    )
    depot = "Кроме того, в Подмосковье откроют четыре новых депо"
    trains = "Первые новые поезда выйдут на линии уже весной следующего года."

    links = [
        # Same day, order unknown: source is the id that sorts first ("feed…" < "ria…").
        {
            "id": "L-000000000001",
            "source": ref(TASS, program),
            "target": ref(RIA, program),
            "similarity": 1.0,
            "kind": "verbatim",
            "matched_words": 20,
            "direction": "same-day",
            "clusters": ["C-00000000000a"],
        },
        {
            "id": "L-000000000002",
            "source": ref(
                RIA, "Правительство утвердило программу модернизации пригородных электричек до 2030 года"
            ),
            "target": ref(LOCAL, local_a),
            "similarity": 0.97,
            "kind": "near-verbatim",
            "matched_words": 10,
            "direction": "earlier-to-later",
            "clusters": ["C-00000000000a"],
        },
        {
            "id": "L-000000000003",
            "source": ref(
                TASS,
                "утвердило программу модернизации пригородных "
                "электричек до 2030 года. На обновление подвижного "
                "состава направят 120 миллиардов рублей. Кроме того",
            ),
            "target": ref(LOCAL, local_b),
            "similarity": 0.93,
            "kind": "near-verbatim",
            "matched_words": 19,
            "direction": "earlier-to-later",
            "clusters": ["C-00000000000a"],
        },
        {
            "id": "L-000000000004",
            "source": ref(TASS, depot),
            "target": ref(LOCAL, depot),
            "similarity": 1.0,
            "kind": "verbatim",
            "matched_words": 8,
            "direction": "earlier-to-later",
            "clusters": ["C-00000000000b"],
        },
        # A year-less side: order unknown, source is the id that sorts first ("archive…" < "ria…").
        {
            "id": "L-000000000005",
            "source": ref(ARCHIVE, trains),
            "target": ref(RIA, trains),
            "similarity": 0.8,
            "kind": "partial",
            "matched_words": 10,
            "direction": "unknown",
            "clusters": ["C-00000000000c"],
        },
    ]

    for link in links:
        link.update(plain_meaning())
    # The local site credits TASS («передает ТАСС»), so its copies of TASS are credited.
    credit = ref(LOCAL, "передает ТАСС")
    for link in links[2:4]:
        link["credited"] = True
        link["credit"] = {**credit, "source": "ТАСС"}
    local = docs[LOCAL]
    local["credits"] = [
        {
            "start": credit["start"],
            "end": credit["end"],
            "cue": "передает",
            "name": "ТАСС",
            "source": "ТАСС",
            "source_id": "tass",
            "self": False,
            "in_corpus": True,
        }
    ]
    local["cites"] = ["ТАСС"]
    boilerplate = span(LOCAL, "Поделиться")
    local["excluded"] = [
        {"start": boilerplate[0], "end": boilerplate[1], "reason": "boilerplate", "rule": "registry"}
    ]

    local_passage = ref(
        LOCAL,
        "правительство утвердило программу модернизации пригородных электричек "
        "до 2030 года, на обновление подвижного состава направят 120 миллиардов "
        "рублей. Кроме того",
    )
    clusters = [
        {
            "id": "C-00000000000a",
            "passages": [
                _member(docs[TASS], ref(TASS, program), "origin"),
                _member(docs[RIA], ref(RIA, program), "origin"),
                _member(docs[LOCAL], local_passage, "later"),
            ],
            "origin": {"status": "tie", "documents": [TASS, RIA], "date": "2025-11-14"},
            "yearless": [],
            "links": ["L-000000000001", "L-000000000002", "L-000000000003"],
        },
        {
            "id": "C-00000000000b",
            "passages": [
                _member(docs[TASS], ref(TASS, depot), "origin"),
                _member(docs[LOCAL], ref(LOCAL, depot), "later"),
            ],
            "origin": {"status": "determined", "documents": [TASS], "date": "2025-11-14T10:15:00+03:00"},
            "yearless": [],
            "links": ["L-000000000004"],
        },
        {
            "id": "C-00000000000c",
            "passages": [
                _member(docs[RIA], ref(RIA, trains), "origin"),
                _member(docs[ARCHIVE], ref(ARCHIVE, trains), "yearless"),
            ],
            "origin": {"status": "determined", "documents": [RIA], "date": "2025-11-14"},
            "yearless": [ARCHIVE],
            "links": ["L-000000000005"],
        },
    ]

    report = {
        "schema_version": "1.4.0",
        "tool": {"name": "provenance", "version": "0.1.0"},
        "offset_unit": "unicode-codepoint",
        "input": {"root": "corpus", "files_seen": 5, "manifest": None, "encoding": None},
        "parameters": {
            "normalization": "nfkc+casefold+yo",
            "unit": "word",
            "shingle_words": 5,
            "num_perm": 128,
            "seed": 1,
            "scheme": "minhash-lsh",
            "hash": "sha1-32",
            "lsh_bands": 32,
            "lsh_rows": 4,
            "lsh_threshold": 0.42,
            "min_words": 8,
            "anchor_words": 4,
            "max_gap_words": 3,
            "near_verbatim_similarity": 0.9,
            "texts": "all",
        },
        "documents": [docs[RIA], docs[TASS], docs[LOCAL], docs[ARCHIVE]],
        "links": links,
        "clusters": clusters,
        "warnings": [
            {"path": "feed.jsonl", "line": 1, "code": "empty-text", "message": "record has no text"}
        ],
        "boilerplate": [{"outlet": None, "text": "Поделиться", "rule": "registry", "documents": [LOCAL]}],
        "skipped": [{"path": "notes.pdf", "line": None, "reason": "not a .txt or .jsonl file"}],
        "summary": {},
    }
    return copy.deepcopy(finish(report))


UNLINKED = "misc/weather.txt"
UNLINKED_TEXT = (
    "Синоптики обещают в выходные дожди и похолодание до пяти градусов. "
    "«Зонты лучше держать под рукой до среды», — сказал дежурный метеоролог, сообщает Гидрометцентр.\n"
    "\n"
    "Поделиться"
)


def leave_out_text(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as a report of `texts` `linked` gives one in no link: its text and the spans
    in it left out, its metadata and counts kept."""
    for key in ("text", "quotations", "credits", "excluded"):
        doc.pop(key, None)
    return doc


def sample_report_with_unlinked(texts: str = "linked") -> dict[str, Any]:
    """The sample report and a fifth article that shares nothing with the others, with a
    quotation, a credit and a boilerplate line; with `texts` `linked` its text is left out."""
    report = sample_report()
    doc = document_entry(
        UNLINKED,
        UNLINKED_TEXT,
        path=UNLINKED,
        fmt="txt",
        outlet="Погода.kz",
        outlet_source="record",
        date="2025-11-15",
        precision="day",
        date_source="header",
        title="Дожди и похолодание",
        language={"code": "ru", "confidence": 0.98},
    )
    quote = "«Зонты лучше держать под рукой до среды»"
    start = UNLINKED_TEXT.index(quote)
    doc["quotations"] = [{"start": start, "end": start + len(quote), "form": "marks"}]
    credit = "сообщает Гидрометцентр"
    start = UNLINKED_TEXT.index(credit)
    doc["credits"] = [
        {
            "start": start,
            "end": start + len(credit),
            "cue": "сообщает",
            "name": "Гидрометцентр",
            "source": None,
            "source_id": None,
            "self": False,
            "in_corpus": False,
        }
    ]
    doc["cites"] = ["Гидрометцентр"]
    start = UNLINKED_TEXT.index("Поделиться")
    doc["excluded"] = [{"start": start, "end": start + len("Поделиться"), "reason": "boilerplate", "rule": "registry"}]
    report["documents"].append(doc)
    report["boilerplate"][0]["documents"].append(UNLINKED)
    finish(report)
    report["parameters"]["texts"] = texts
    if texts == "linked":
        leave_out_text(doc)
    return report


def sample_model() -> Report:
    """The sample report as the report model."""
    return Report.from_dict(sample_report())

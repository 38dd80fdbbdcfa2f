"""The PROV-JSON export: read back with `prov`, it says what the lineage report says.

Three reports: the seeds as scanned, the hand-made sample with a directed partial link added
(the seeds have none), and that sample with a hostile document id and outlet name.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import subprocess
import sys
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from prov.constants import (
    PROV,
    PROV_ATTR_ACTIVITY,
    PROV_ATTR_AGENT,
    PROV_ATTR_ALTERNATE1,
    PROV_ATTR_ALTERNATE2,
    PROV_ATTR_COLLECTION,
    PROV_ATTR_ENTITY,
    PROV_ATTR_GENERATED_ENTITY,
    PROV_ATTR_TIME,
    PROV_ATTR_USED_ENTITY,
    PROV_LABEL,
    PROV_VALUE,
)
from prov.identifier import QualifiedName
from prov.model import (
    ProvAgent,
    ProvAlternate,
    ProvAttribution,
    ProvDerivation,
    ProvDocument,
    ProvEntity,
    ProvGeneration,
    ProvMembership,
    ProvRecord,
)
from report_samples import (
    LOCAL,
    RIA,
    TASS,
    UNLINKED,
    finish,
    plain_meaning,
    ref,
    sample_report,
    sample_report_with_unlinked,
)
from seed_ids import SEEDS

from provenance.pipeline import scan
from provenance.report import validate_report
from provenance.report.model import Report as ReportModel
from provenance.report.prov_export import TERMS, generation_time, local_part, render_prov

Report = dict[str, Any]


def _render(report: Report) -> str:
    """PROV-JSON of a report's JSON data (the fixtures edit reports as JSON)."""
    return render_prov(ReportModel.from_dict(report))

HOSTILE_ID = '.. "Кабмин" <script>alert(1)</script> feed.jsonl:2 50% %41.'
HOSTILE_OUTLET = 'ТАСС "<script>" & Co.\'s'
PARTIAL_ID = "L-0000000000dd"
PROGRAM = (
    "Правительство утвердило программу модернизации пригородных электричек до 2030 года. "
    "На обновление подвижного состава направят 120 миллиардов рублей."
)
PROGRAM_REWRITTEN = (
    "правительство утвердило программу модернизации пригородных электричек до 2030 года, "
    "на обновление подвижного состава направят 120 миллиардов рублей"
)
# Every qualified name the export writes: one of its prefixes and a percent-encoded local part.
NAME = re.compile(r"(doc|passage|link|outlet):[A-Za-z0-9_%][A-Za-z0-9_.%-]*")


def _with_directed_partial() -> Report:
    """The sample plus a partial link from RIA (14 November) to the local site (16 November).

    Its source is the span RIA shares with TASS on the same day: one passage, two links.
    And one link carries two clusters.
    """
    report = sample_report()
    link = {
        "id": PARTIAL_ID,
        "source": ref(RIA, PROGRAM),
        "target": ref(LOCAL, PROGRAM_REWRITTEN),
        "similarity": 0.75,
        "kind": "partial",
        "matched_words": 8,
        "direction": "earlier-to-later",
        "clusters": ["C-00000000000a"],
        **plain_meaning(),
    }
    report["links"].append(link)
    clusters = {c["id"]: c for c in report["clusters"]}
    clusters["C-00000000000a"]["links"].append(PARTIAL_ID)
    # L-…3 reaches into the depot sentence: it carries both clusters (listed out of order).
    next(k for k in report["links"] if k["id"] == "L-000000000003")["clusters"] = [
        "C-00000000000b",
        "C-00000000000a",
    ]
    clusters["C-00000000000b"]["links"].append("L-000000000003")
    return finish(report)


def _replaced(value: Any, old: str, new: str) -> Any:
    """`value` with every string equal to `old` (a whole id or name, never part of a text) made `new`."""
    if isinstance(value, dict):
        return {key: _replaced(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, old, new) for item in value]
    return new if value == old else value


def _hostile() -> Report:
    # The id still sorts before RIA's, so the same-day link keeps its sides in id order.
    report = _replaced(_with_directed_partial(), TASS, HOSTILE_ID)
    return finish(_replaced(report, "ТАСС", HOSTILE_OUTLET))


@pytest.fixture(scope="module")
def seeds_report() -> Report:
    return scan(SEEDS, jobs=1).to_dict()


@pytest.fixture(scope="module", params=["seeds", "sample", "hostile", "unlinked"])
def report(request: pytest.FixtureRequest, seeds_report: Report) -> Report:
    built = {
        "seeds": lambda: seeds_report,
        "sample": _with_directed_partial,
        "hostile": _hostile,
        "unlinked": sample_report_with_unlinked,  # a document without its text
    }
    result = built[request.param]()
    # The export assumes a valid report; a broken fixture would test nothing.
    assert validate_report(result) == []
    return result


def _read(content: str) -> ProvDocument:
    # prov warns about names and values it would reject; the export must give it none.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return ProvDocument.deserialize(content=content, format="json")


@pytest.fixture(scope="module")
def exported(report: Report) -> tuple[str, ProvDocument]:
    content = _render(report)
    return content, _read(content)


def _records(prov_doc: ProvDocument, kind: type[ProvRecord]) -> list[Any]:
    return list(prov_doc.get_records(kind))


def _one(record: ProvRecord, attr: QualifiedName) -> Any:
    values = record.get_attribute(attr)
    assert len(values) == 1, (record, attr, values)
    return next(iter(values))


def _typed(prov_doc: ProvDocument, kind: type[ProvRecord], prov_type: QualifiedName) -> dict[str, Any]:
    return {str(r.identifier): r for r in _records(prov_doc, kind) if prov_type in r.get_asserted_types()}


def _doc_name(name: QualifiedName) -> str:
    assert name.namespace.prefix == "doc"
    return unquote(name.localpart)


def _spans(report: Report, links: list[Report] | None = None) -> set[tuple[str, int, int]]:
    links = report["links"] if links is None else links
    return {
        (k[side]["document"], k[side]["start"], k[side]["end"])
        for k in links
        for side in ("source", "target")
    }


def _span_of(passage: ProvEntity) -> tuple[str, int, int]:
    return (
        _doc_name(_one(passage, TERMS["document"])),
        _one(passage, TERMS["start"]),
        _one(passage, TERMS["end"]),
    )


def _directed(report: Report, kinds: tuple[str, ...]) -> dict[str, Report]:
    return {
        k["id"]: k for k in report["links"] if k["direction"] == "earlier-to-later" and k["kind"] in kinds
    }


# --- documents and outlets -----------------------------------------------------------------


def test_a_document_without_its_text_is_the_same_article_entity() -> None:
    """PROV states no whole text: leaving the text of a document in no link out changes nothing."""
    linked, full = sample_report_with_unlinked("linked"), sample_report_with_unlinked("all")
    assert _render(linked) == _render(full)
    articles = _typed(_read(_render(linked)), ProvEntity, TERMS["Article"])
    [weather] = [a for a in articles.values() if _one(a, TERMS["id"]) == UNLINKED]
    assert _one(weather, TERMS["sha256"]) == next(d for d in linked["documents"] if d["id"] == UNLINKED)["sha256"]


def test_every_document_is_one_article_entity_with_its_metadata(
    report: Report, exported: tuple[str, ProvDocument]
) -> None:
    articles = _typed(exported[1], ProvEntity, TERMS["Article"])
    assert len(articles) == len(report["documents"])
    by_id = {_doc_name(a.identifier): a for a in articles.values()}
    assert set(by_id) == {d["id"] for d in report["documents"]}
    for doc in report["documents"]:
        article = by_id[doc["id"]]
        assert PROV["Collection"] in article.get_asserted_types()
        assert _one(article, PROV_LABEL) == (doc["title"] or doc["id"])
        assert _one(article, TERMS["id"]) == doc["id"]
        assert _one(article, TERMS["path"]) == doc["path"]
        assert _one(article, TERMS["sha256"]) == doc["sha256"]
        assert _one(article, TERMS["datePrecision"]) == doc["date_precision"]
        assert article.get_attribute(TERMS["date"]) == ({doc["date"]} if doc["date"] else set())
        assert article.get_attribute(TERMS["url"]) == ({doc["url"]} if doc["url"] else set())


def test_generation_time_is_the_date_and_only_for_dates_with_a_year(
    report: Report, exported: tuple[str, ProvDocument]
) -> None:
    times: dict[str, list[datetime]] = {}
    for generation in _records(exported[1], ProvGeneration):
        assert generation.get_attribute(PROV_ATTR_ACTIVITY) == set()
        times.setdefault(_doc_name(_one(generation, PROV_ATTR_ENTITY)), []).append(
            _one(generation, PROV_ATTR_TIME)
        )
    precisions = {d["date_precision"] for d in report["documents"]}
    assert precisions & {"month-day", "none"}, "the report must hold a document without a year"
    for doc in report["documents"]:
        if doc["date_precision"] == "datetime":
            [when] = times[doc["id"]]
            assert when == datetime.fromisoformat(doc["date"])
            assert when.utcoffset() == datetime.fromisoformat(doc["date"]).utcoffset()
        elif doc["date_precision"] == "day":
            [when] = times[doc["id"]]
            # A day has no time of day nor zone to state: midnight, naive, the same calendar day.
            assert (when.date().isoformat(), when.time().isoformat(), when.tzinfo) == (
                doc["date"],
                "00:00:00",
                None,
            )
        else:
            assert doc["id"] not in times, f"{doc['id']} ({doc['date']!r}) got a guessed year"
    assert len(times) == sum(1 for d in report["documents"] if d["date_precision"] in ("datetime", "day"))


def test_documents_are_attributed_to_their_outlets(
    report: Report, exported: tuple[str, ProvDocument]
) -> None:
    prov_doc = exported[1]
    agents = {str(a.identifier): a for a in _records(prov_doc, ProvAgent)}
    outlets = {d["outlet"] for d in report["documents"] if d["outlet"]}
    assert {_one(a, PROV_LABEL) for a in agents.values()} == outlets
    for agent in agents.values():
        assert agent.get_asserted_types() == {PROV["Organization"]}
        assert unquote(agent.identifier.localpart) == _one(agent, PROV_LABEL)
    attributed = {
        (_doc_name(_one(r, PROV_ATTR_ENTITY)), _one(agents[str(_one(r, PROV_ATTR_AGENT))], PROV_LABEL))
        for r in _records(prov_doc, ProvAttribution)
    }
    assert len(_records(prov_doc, ProvAttribution)) == len(attributed)
    assert attributed == {(d["id"], d["outlet"]) for d in report["documents"] if d["outlet"]}
    assert any(d["outlet"] is None for d in report["documents"])  # the unknown outlet is covered


# --- passages and links --------------------------------------------------------------------


def test_each_distinct_link_side_is_one_passage_member_of_its_document_with_its_exact_text(
    report: Report, exported: tuple[str, ProvDocument]
) -> None:
    prov_doc = exported[1]
    passages = _typed(prov_doc, ProvEntity, TERMS["Passage"])
    assert len(passages) == len(_spans(report))
    # Only documents in a link carry their text (by default), and only they have passages.
    texts = {d["id"]: d["text"] for d in report["documents"] if "text" in d}
    assert {_span_of(p) for p in passages.values()} == _spans(report)
    for passage in passages.values():
        doc_id, start, end = _span_of(passage)
        assert type(start) is int and type(end) is int
        assert _one(passage, PROV_VALUE) == texts[doc_id][start:end]
    members = [
        (str(_one(m, PROV_ATTR_COLLECTION)), str(_one(m, PROV_ATTR_ENTITY)))
        for m in _records(prov_doc, ProvMembership)
    ]
    assert sorted(entity for _, entity in members) == sorted(passages)
    for collection, entity in members:
        assert collection == str(_one(passages[entity], TERMS["document"]))


def test_a_span_in_two_links_is_one_passage() -> None:
    report = _with_directed_partial()
    shared = ref(RIA, PROGRAM)
    span = (RIA, shared["start"], shared["end"])
    assert sum(_spans(report, [k]) >= {span} for k in report["links"]) == 2
    prov_doc = _read(_render(report))
    passages = _typed(prov_doc, ProvEntity, TERMS["Passage"])
    [name] = [name for name, p in passages.items() if _span_of(p) == span]
    assert len(passages) == 2 * len(report["links"]) - 1
    derivation = next(
        d for d in _records(prov_doc, ProvDerivation) if unquote(d.identifier.localpart) == PARTIAL_ID
    )
    assert str(_one(derivation, PROV_ATTR_USED_ENTITY)) == name
    assert name in {str(_one(a, PROV_ATTR_ALTERNATE2)) for a in _records(prov_doc, ProvAlternate)}


def test_directed_links_are_quotations_or_derivations_from_the_earlier_passage(
    report: Report, exported: tuple[str, ProvDocument]
) -> None:
    passages = _typed(exported[1], ProvEntity, TERMS["Passage"])
    derivations = _records(exported[1], ProvDerivation)
    quoted = {
        unquote(d.identifier.localpart): d for d in derivations if PROV["Quotation"] in d.get_asserted_types()
    }
    derived = {unquote(d.identifier.localpart): d for d in derivations if not d.get_asserted_types()}
    assert len(quoted) + len(derived) == len(derivations)
    assert set(quoted) == set(_directed(report, ("verbatim", "near-verbatim")))
    assert set(derived) == set(_directed(report, ("partial",)))
    assert quoted or derived
    links = {k["id"]: k for k in report["links"]}
    for link_id, relation in {**quoted, **derived}.items():
        link = links[link_id]
        target = _span_of(passages[str(_one(relation, PROV_ATTR_GENERATED_ENTITY))])
        source = _span_of(passages[str(_one(relation, PROV_ATTR_USED_ENTITY))])
        assert source == (link["source"]["document"], link["source"]["start"], link["source"]["end"])
        assert target == (link["target"]["document"], link["target"]["start"], link["target"]["end"])
        assert _one(relation, TERMS["kind"]) == link["kind"]
        assert _one(relation, TERMS["similarity"]) == link["similarity"]
        assert _one(relation, TERMS["class"]) == link["class"]
        assert _one(relation, TERMS["credited"]) is link["credited"]
        assert _one(relation, TERMS["matchedWords"]) == link["matched_words"]
        assert relation.get_attribute(TERMS["cluster"]) == set(link["clusters"])


def test_links_without_a_known_order_are_alternates_with_no_direction(
    report: Report, exported: tuple[str, ProvDocument]
) -> None:
    prov_doc = exported[1]
    undirected = [k for k in report["links"] if k["direction"] != "earlier-to-later"]
    assert undirected
    alternates = _records(prov_doc, ProvAlternate)
    assert len(alternates) == len(undirected)
    passages = _typed(prov_doc, ProvEntity, TERMS["Passage"])
    pairs = sorted(
        sorted(
            (
                _span_of(passages[str(_one(a, PROV_ATTR_ALTERNATE1))]),
                _span_of(passages[str(_one(a, PROV_ATTR_ALTERNATE2))]),
            )
        )
        for a in alternates
    )
    assert pairs == sorted(sorted(_spans(report, [k])) for k in undirected)
    # The link's own attributes live on a Link entity, which names both passages and no roles.
    entities = {
        unquote(e.identifier.localpart): e for e in _typed(prov_doc, ProvEntity, TERMS["Link"]).values()
    }
    assert set(entities) == {k["id"] for k in undirected}
    for link in undirected:
        entity = entities[link["id"]]
        named = {_span_of(passages[str(name)]) for name in entity.get_attribute(TERMS["passage"])}
        assert named == _spans(report, [link])
        assert _one(entity, TERMS["direction"]) == link["direction"]
        assert _one(entity, TERMS["kind"]) == link["kind"]
        assert _one(entity, TERMS["similarity"]) == link["similarity"]
        assert _one(entity, TERMS["credited"]) is link["credited"]
        assert entity.get_attribute(PROV_ATTR_GENERATED_ENTITY) == set()
    # No directed relation mentions an undirected link.
    derived = {unquote(d.identifier.localpart) for d in _records(prov_doc, ProvDerivation)}
    assert derived.isdisjoint(entities)


# --- identifiers -----------------------------------------------------------------------------


def test_a_hostile_document_id_and_outlet_name_round_trip() -> None:
    report = _hostile()
    assert validate_report(report) == []
    content = _render(report)
    prov_doc = _read(content)
    articles = _typed(prov_doc, ProvEntity, TERMS["Article"]).values()
    assert HOSTILE_ID in {_doc_name(a.identifier) for a in articles}
    passages = _typed(prov_doc, ProvEntity, TERMS["Passage"]).values()
    assert any(_span_of(p)[0] == HOSTILE_ID for p in passages)
    assert HOSTILE_OUTLET in {unquote(a.identifier.localpart) for a in _records(prov_doc, ProvAgent)}
    # Every identifier written is a plain qualified name: nothing to escape in any PROV syntax.
    written = json.loads(content)
    for section, records in written.items():
        if section != "prefix":
            for key in records:
                assert key.startswith("_:") or NAME.fullmatch(key), key
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        provn = prov_doc.get_provn()
    assert "%3Cscript%3E" in provn


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("feed.jsonl:2", "feed.jsonl%3A2"),
        ("a b", "a%20b"),
        ("a%20b", "a%2520b"),  # a "%" is encoded too, so the two ids stay apart
        (".hidden.", "%2Ehidden%2E"),
        ("-x-", "%2Dx-"),
        ("ТАСС", "%D0%A2%D0%90%D0%A1%D0%A1"),
        ("000_19957e05475877a4", "000_19957e05475877a4"),
    ],
)
def test_local_parts_are_percent_encoded_reversibly(text: str, expected: str) -> None:
    assert local_part(text) == expected
    assert unquote(local_part(text)) == text


# --- the text itself -------------------------------------------------------------------------


def _shuffled(value: Any, rng: random.Random) -> Any:
    """`value` with every list and every object's keys in a random order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        items = [_shuffled(item, rng) for item in value]
        rng.shuffle(items)
        return items
    return value


def test_output_is_byte_identical_whatever_the_order_of_the_report(
    report: Report, exported: tuple[str, ProvDocument]
) -> None:
    content = exported[0]
    assert _render(copy.deepcopy(report)) == content
    for seed in range(3):
        shuffled = _shuffled(report, random.Random(seed))
        assert [k["id"] for k in shuffled["links"]] != [k["id"] for k in report["links"]]
        assert _render(shuffled) == content


def test_the_sides_of_a_link_without_order_are_interchangeable(
    report: Report, exported: tuple[str, ProvDocument]
) -> None:
    """Which side is `source` of a same-day or unknown link is only id order: it must not show."""
    swapped = copy.deepcopy(report)
    undirected = [k for k in swapped["links"] if k["direction"] != "earlier-to-later"]
    assert undirected
    for link in undirected:
        link["source"], link["target"] = link["target"], link["source"]
    assert _render(swapped) == exported[0]


def test_output_is_the_same_under_another_hash_seed() -> None:
    """Sets of names iterate in hash order, which changes from one process to the next."""
    script = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from test_prov_export import _hostile, _render\n"
        "sys.stdout.buffer.write(_render(_hostile()).encode('utf-8'))\n"
    )
    root = Path(__file__).resolve().parent.parent
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert outputs == {_render(_hostile()).encode("utf-8")}


def test_output_is_sorted_readable_json_in_the_projects_namespaces(
    exported: tuple[str, ProvDocument],
) -> None:
    content = exported[0]
    written = json.loads(content)
    assert content == json.dumps(written, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
    assert set(written["prefix"]) == {"provenance", "doc", "passage", "link", "outlet"}
    assert all(uri.startswith("urn:provenance:") for uri in written["prefix"].values())
    # Article text is written as is, not as \u escapes.
    assert "\\u04" not in content


@pytest.mark.parametrize(
    ("date_text", "precision", "expected"),
    [
        ("2025-11-14t10:15:00z", "datetime", datetime.fromisoformat("2025-11-14T10:15:00+00:00")),
        ("2025-11-14", "day", datetime(2025, 11, 14)),
        ("2016-12-31T23:59:60Z", "datetime", None),  # a leap second: no time rather than a wrong one
        ("--02-29", "month-day", None),
        (None, "none", None),
    ],
)
def test_generation_time_of_edge_dates(
    date_text: str | None, precision: str, expected: datetime | None
) -> None:
    assert generation_time(date_text, precision) == expected

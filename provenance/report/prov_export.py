"""Export a lineage report as W3C PROV-JSON, built with the `prov` package.

The modelling, in PROV terms:

- Every document is an entity typed `provenance:Article` and also `prov:Collection`: the
  collection of its reused passages, each attached with `hadMember(document, passage)`. A
  passage is part of the article's text, not a version of it, so `specializationOf` and
  `alternateOf` would say the wrong thing; membership is the standard relation for "part of".
  Its label is the title, else the id; `provenance:id` keeps the id as written (the entity's
  name is percent-encoded).
- A document's publication date is its generation time, `wasGeneratedBy(document, -, time)`,
  only when the date has a year (`datetime` or `day`). `prov:time` is an `xsd:dateTime`, so a
  `day` date is written as midnight with no zone; `provenance:date` (as in the report) and
  `provenance:datePrecision` on the entity tell that the time of day is not known. A `month-day`
  or undated document gets no generation at all: a year is never guessed.
- Every outlet is an agent typed `prov:Organization`; a document with an outlet
  `wasAttributedTo` it.
- Every link side is an entity typed `provenance:Passage` (one per distinct document span,
  however many links share it), with its document, code-point offsets and exact text.
- A link whose source is known to be earlier (`earlier-to-later`) becomes
  `wasQuotedFrom(target, source)` for verbatim and near-verbatim reuse, `wasDerivedFrom` for
  partial reuse, identified by the link id and carrying the link's kind, similarity, class,
  credit flag, matched words and clusters. PROV-JSON writes a quotation as a `wasDerivedFrom`
  typed `prov:Quotation`.
- A link without a known order (`same-day`, `unknown`) asserts no direction: the two passages
  are `alternateOf` each other. That relation has neither identifier nor attributes in PROV, so
  the link is also an entity typed `provenance:Link`, identified by the link id, naming both
  passages (`provenance:passage`) and carrying the same attributes plus its direction.

No document-level derivation is added: "dated earlier" is all the report knows, and two
outlets quoting the same speaker did not derive one article from the other; the passage
relations and memberships already say what was reused where.

Identifiers are qualified names in `urn:provenance:` namespaces. Document ids, outlet names
and link ids may hold any character, so each is percent-encoded (UTF-8) down to ASCII letters,
digits, `_`, `-` and `.`, which PROV-JSON, PROV-N and PROV-XML write without escaping.
"""

from __future__ import annotations

import json
import string
from datetime import date, datetime, time
from typing import Any

from prov.constants import PROV, PROV_LABEL, PROV_TYPE, PROV_VALUE
from prov.identifier import Namespace, QualifiedName
from prov.model import ProvDocument

from provenance.report.model import Link, PassageRef, Report

TERMS = Namespace("provenance", "urn:provenance:")
DOCUMENT = Namespace("doc", "urn:provenance:document:")
PASSAGE = Namespace("passage", "urn:provenance:passage:")
LINK = Namespace("link", "urn:provenance:link:")
OUTLET = Namespace("outlet", "urn:provenance:outlet:")

_QUOTED_KINDS = ("verbatim", "near-verbatim")
_SAFE = frozenset(string.ascii_letters + string.digits + "_-.")

# A passage of the PROV document: (document id, start, end).
_Passage = tuple[str, int, int]


def local_part(text: str) -> str:
    """`text` percent-encoded into a local part every PROV serialization writes as it stands.

    Injective (a `%` is encoded too), so `urllib.parse.unquote` gives `text` back. A leading
    `-` or `.` and a trailing `.` are encoded as well, since PROV-N cannot start or end a name
    with them.
    """
    last = len(text) - 1
    out = []
    for i, char in enumerate(text):
        if char in _SAFE and not (i == 0 and char in "-.") and not (i == last and char == "."):
            out.append(char)
        else:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass")))
    return "".join(out)


def document_name(doc_id: str) -> QualifiedName:
    """The qualified name of a document's entity."""
    return DOCUMENT[local_part(doc_id)]


def passage_name(doc_id: str, start: int, end: int) -> QualifiedName:
    """The qualified name of a passage, `<encoded id>_<start>-<end>`.

    Unambiguous: `<start>-<end>` holds no `_`, so the last `_` ends the encoded id.
    """
    return PASSAGE[f"{local_part(doc_id)}_{start}-{end}"]


def outlet_name(outlet: str) -> QualifiedName:
    """The qualified name of an outlet's agent."""
    return OUTLET[local_part(outlet)]


def link_name(link_id: str) -> QualifiedName:
    """The qualified name of a link's relation (directed) or entity (order unknown)."""
    return LINK[local_part(link_id)]


def generation_time(date_text: str | None, precision: str) -> datetime | None:
    """The publication time PROV can state for a date of the report, or None.

    A `day` is midnight without a zone (see the module docstring); a date without a year gives
    None. So does a date-time Python cannot represent (a leap second): no time beats a made-up one.
    """
    if date_text is None:
        return None
    try:
        if precision == "datetime":
            # RFC 3339 allows a lowercase "t" and "z", which fromisoformat does not read.
            return datetime.fromisoformat(date_text.upper())
        if precision == "day":
            return datetime.combine(date.fromisoformat(date_text), time())
    except ValueError:
        return None
    return None


def _link_attributes(link: Link) -> list[tuple[QualifiedName, Any]]:
    # float(): a similarity of exactly 1 may come as a JSON integer; keep one datatype.
    attributes: list[tuple[QualifiedName, Any]] = [
        (TERMS["kind"], link.kind),
        (TERMS["similarity"], float(link.similarity)),
        (TERMS["class"], link.link_class),
        (TERMS["credited"], bool(link.credited)),
        (TERMS["matchedWords"], int(link.matched_words)),
    ]
    attributes += [(TERMS["cluster"], cluster) for cluster in sorted(link.clusters)]
    return attributes


def _passage(side: PassageRef) -> _Passage:
    return side.document, side.start, side.end


def _unordered_pair(link: Link) -> list[QualifiedName]:
    """The passages of a link without a known order, in span order: the report puts its sides
    in document-id order, and the record must not depend on that."""
    return [passage_name(*span) for span in sorted(_passage(side) for side in (link.source, link.target))]


def build_prov(report: Report) -> ProvDocument:
    """The PROV document of a (valid) lineage report; see the module docstring for the mapping.

    Records are added in sorted order: the serializer writes them, and numbers the blank nodes
    of anonymous relations, in the order they were added.
    """
    prov_doc = ProvDocument()
    for namespace in (TERMS, DOCUMENT, PASSAGE, LINK, OUTLET):
        prov_doc.add_namespace(namespace)

    docs = sorted(report.documents, key=lambda d: d.id)
    texts = {d.id: d.text for d in docs}
    links = sorted(report.links, key=lambda k: k.id)
    spans = sorted({_passage(side) for link in links for side in (link.source, link.target)})
    # An empty outlet name names no one; treat it as unknown, like null.
    outlets = sorted({d.outlet for d in docs if d.outlet})

    for doc in docs:
        attributes: list[tuple[QualifiedName, Any]] = [
            (PROV_TYPE, TERMS["Article"]),
            (PROV_TYPE, PROV["Collection"]),
            (PROV_LABEL, doc.title or doc.id),
            (TERMS["id"], doc.id),
            (TERMS["path"], doc.path),
            (TERMS["sha256"], doc.sha256),
            (TERMS["datePrecision"], doc.date_precision),
        ]
        if doc.date is not None:
            attributes.append((TERMS["date"], doc.date))
        if doc.url:
            attributes.append((TERMS["url"], doc.url))
        prov_doc.entity(document_name(doc.id), attributes)

    for outlet in outlets:
        prov_doc.agent(outlet_name(outlet), [(PROV_TYPE, PROV["Organization"]), (PROV_LABEL, outlet)])

    for doc_id, start, end in spans:
        prov_doc.entity(
            passage_name(doc_id, start, end),
            [
                (PROV_TYPE, TERMS["Passage"]),
                (TERMS["document"], document_name(doc_id)),
                (TERMS["start"], start),
                (TERMS["end"], end),
                (PROV_VALUE, texts[doc_id][start:end]),
            ],
        )

    for link in links:
        if link.directed:
            continue
        prov_doc.entity(
            link_name(link.id),
            [
                (PROV_TYPE, TERMS["Link"]),
                (TERMS["direction"], link.direction),
                *_link_attributes(link),
                *((TERMS["passage"], name) for name in _unordered_pair(link)),
            ],
        )

    for doc in docs:
        when = generation_time(doc.date, doc.date_precision)
        if when is not None:
            prov_doc.wasGeneratedBy(document_name(doc.id), None, when)
    for doc in docs:
        if doc.outlet:
            prov_doc.wasAttributedTo(document_name(doc.id), outlet_name(doc.outlet))
    for doc_id, start, end in spans:
        prov_doc.hadMember(document_name(doc_id), passage_name(doc_id, start, end))

    for link in links:
        if not link.directed:
            prov_doc.alternateOf(*_unordered_pair(link))
            continue
        source = passage_name(*_passage(link.source))
        target = passage_name(*_passage(link.target))
        if link.kind in _QUOTED_KINDS:
            prov_doc.wasQuotedFrom(
                target, source, identifier=link_name(link.id), other_attributes=_link_attributes(link)
            )
        else:
            prov_doc.wasDerivedFrom(
                target, source, identifier=link_name(link.id), other_attributes=_link_attributes(link)
            )
    return prov_doc


def render_prov(report: Report) -> str:
    """The report as PROV-JSON text: the same report gives the same bytes, whatever the order
    of its lists and keys (keys sorted, non-ASCII kept as is, a trailing newline)."""
    text = build_prov(report).serialize(format="json")
    assert text is not None  # serialize() returns the text when given no destination
    return json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False, indent=1) + "\n"

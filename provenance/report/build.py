"""Assemble the lineage report (a `Report`, see `provenance.report.model`) from the stages' results."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from provenance import __version__
from provenance.documents import metadata_of, texts_of
from provenance.editorial.boilerplate import Boilerplate
from provenance.editorial.meaning import LinkMeaning
from provenance.editorial.repeats import Repeat
from provenance.executor.progress import Share, no_share, sharing
from provenance.ingest.model import Document, IngestResult
from provenance.lineage import Lineage, Passage
from provenance.report.coverage import covered_chars
from provenance.report.model import (
    TEXTS,
    BoilerplateLine,
    Cluster,
    ClusterPassage,
    Credit,
    CreditEvidence,
    DocumentEntry,
    ExcludedSpan,
    Input,
    Language,
    Link,
    LinkClasses,
    Node,
    Origin,
    Origins,
    OutletCell,
    PassageRef,
    Quotation,
    QuotedShares,
    Report,
    SkippedEntry,
    Summary,
    Texts,
    Tool,
    WarningEntry,
    collector_paused,
)
from provenance.report.stored import Files, NodeWriter
from provenance.settings import DetectionSettings
from provenance.shards import Findings
from provenance.text import normalize, trimmed, visible_length
from provenance.text.spans import Span

SCHEMA_VERSION = "1.4.0"
N = TypeVar("N", bound=Node)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:12]


def _stable_ids(prefix: str, contents: list[tuple[str, ...]]) -> list[str]:
    """Ids from content, not from run order; equal contents are told apart by occurrence."""
    seen: Counter[tuple[str, ...]] = Counter()
    ids = []
    for content in contents:
        n = seen[content]
        seen[content] += 1
        ids.append(f"{prefix}-{_digest(prefix, *content, *([str(n)] if n else []))}")
    return ids


def build_report(
    root: str,
    ingested: IngestResult,
    lineage: Lineage,
    settings: DetectionSettings,
    findings: Iterable[Findings],
    meanings: Sequence[LinkMeaning],
    texts: Texts = "linked",
    share: Share = no_share,
    files: Files | None = None,
) -> Report:
    """The report, in the shape of `schemas/lineage-report.schema.json`.

    `findings` are each document's (boilerplate, repeats, quotations, credits, language), in
    the documents' order, read once and one at a time; `meanings` each link's, in the
    lineage's order. `texts` says which documents carry their text: `linked` (those in a
    link; the others keep their metadata and counts, so the report grows with the reuse
    found, not with the corpus) or `all`. With `files`, the document entries are written to
    its folder as they are made and the report reads them back from there (see
    `provenance.report.stored`), each with its text read from the documents when asked for:
    then no step holds the corpus's entries or texts. `share` is told how far the work has
    got (each pass's weight is its share of the time on 100,000 generated articles).
    """
    check_texts(texts)
    with collector_paused():
        return _build(root, ingested, lineage, settings, findings, meanings, texts, share, files)


def check_texts(texts: str) -> Texts:
    """`texts`, a choice of `TEXTS`; else ValueError."""
    if texts not in TEXTS:
        raise ValueError(f"texts must be one of {', '.join(TEXTS)}, not {texts!r}")
    return texts  # type: ignore[return-value]


class _BoilerplateLines:
    """Each distinct boilerplate line once: who prints it, why it is boilerplate, where it
    stands; gathered a document at a time."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str, str], tuple[str | None, str, str, list[str]]] = {}

    def add(self, d: Document, lines: Sequence[Boilerplate]) -> None:
        for b in lines:
            line = d.text[b.start : b.end]
            key = (d.outlet or "", normalize(line), b.rule)
            ids = self._found.setdefault(key, (d.outlet, line, b.rule, []))[3]
            if d.id not in ids:
                ids.append(d.id)

    def entries(self) -> tuple[BoilerplateLine, ...]:
        return tuple(
            BoilerplateLine(outlet=outlet, text=text, rule=rule, documents=tuple(ids))
            for outlet, text, rule, ids in (self._found[k] for k in sorted(self._found))
        )


class _Entries(Generic[N]):
    """A list of the report, in memory, or written to `files` as it is made (see
    `provenance.report.stored`); links are counted by class as they come."""

    def __init__(
        self, cls: type[N], files: Files | None, name: str, texts: Sequence[str] | None = None
    ) -> None:
        self._writer = NodeWriter(cls, files.folder / f"{name}.jsonl", files, texts) if files else None
        self._items: list[N] = []
        self._done: Sequence[N] | None = None
        self.count = self.credited = 0
        self.classes: Counter[str] = Counter()

    def add(self, item: N) -> None:
        self.count += 1
        if isinstance(item, Link):
            self.classes[item.link_class] += 1
            self.credited += item.credited
        if self._writer is None:
            self._items.append(item)
        else:
            self._writer.add(item)

    def finish(self) -> Sequence[N]:
        if self._done is None:
            self._done = tuple(self._items) if self._writer is None else self._writer.finish()
            self._items = []
        return self._done


def _build(
    root: str,
    ingested: IngestResult,
    lineage: Lineage,
    settings: DetectionSettings,
    findings: Iterable[Findings],
    meanings: Sequence[LinkMeaning],
    texts: Texts,
    share: Share,
    files: Files | None,
) -> Report:
    docs = ingested.documents
    # What needs no text reads the metadata; a text is read (from disk, for a store) when asked for.
    meta, text_of = metadata_of(docs), texts_of(docs)
    outlets_in_corpus = {d.outlet for d in meta if d.outlet}

    def ref(p: Passage) -> PassageRef:
        snippet = text_of[p.document][p.start : p.end]
        return PassageRef(document=meta[p.document].id, start=p.start, end=p.end, snippet=snippet)

    def trimmed_passage(p: Passage) -> Passage:
        # A segment cut at a sentence end may start with the blank line after it.
        span = trimmed(text_of[p.document], p.start, p.end)
        return Passage(p.document, *span) if span else p

    contents: dict[Passage, tuple[str, str]] = {}

    def content(p: Passage) -> tuple[str, str]:
        # The passage's words in matching form: ids stay the same when only offsets move.
        if p not in contents:
            contents[p] = (meta[p.document].id, normalize(text_of[p.document][p.start : p.end]))
        return contents[p]

    cluster_ids = _stable_ids(
        "C",
        [
            tuple(x for p in sorted(c.passages, key=content) for x in content(p))
            for c in sharing(lineage.clusters, share, 0.46)
        ],
    )
    link_ids = _stable_ids(
        "L", [(*content(k.source), *content(k.target)) for k in sharing(lineage.links, share, 0.04)]
    )
    contents.clear()

    spans_by_doc: dict[int, list[Span]] = {}
    links_by_doc: Counter[int] = Counter()
    for k in lineage.links:
        for p in (k.source, k.target):
            spans_by_doc.setdefault(p.document, []).append((p.start, p.end))
            links_by_doc[p.document] += 1

    entries = _Entries(DocumentEntry, files, "documents", text_of)
    boilerplate = _BoilerplateLines()
    reused_total = internal_duplicates = boilerplate_lines = 0
    for index, (d, found) in enumerate(zip(sharing(docs, share, 0.35), findings, strict=True)):
        excluded = _excluded(found.boilerplate, found.repeats)
        holes = [(e.start, e.end) for e in excluded]
        counted = covered_chars(d.text, [d.body], holes)
        reused = covered_chars(d.text, spans_by_doc.pop(index, []), holes)
        credits = tuple(
            Credit(
                start=c.start,
                end=c.end,
                cue=c.cue,
                name=c.name,
                source=c.source_name,
                source_id=c.source_id,
                own=c.source_name is not None and c.source_name == d.outlet,
                in_corpus=c.source_name in outlets_in_corpus,
            )
            for c in found.credits
        )
        entry = _document_entry(
            d,
            reused,
            counted,
            links_by_doc[index],
            language=(
                Language(code=found.language.code, confidence=found.language.confidence)
                if found.language
                else None
            ),
            quotations=tuple(Quotation(start=q.start, end=q.end, form=q.form) for q in found.quotations),
            credits=credits,
            excluded=excluded,
            with_text=texts == "all" or links_by_doc[index] > 0,
        )
        entries.add(entry)
        boilerplate.add(d, found.boilerplate)
        reused_total += reused
        internal_duplicates += len(found.repeats)
        boilerplate_lines += len(found.boilerplate)
    documents = entries.finish()

    links = _Entries(Link, files, "links")
    for link in (
        Link(
            id=link_ids[i],
            source=ref(k.source),
            target=ref(k.target),
            similarity=k.similarity,
            kind=k.kind,
            matched_words=k.matched_words,
            direction=k.direction,
            clusters=tuple(cluster_ids[c] for c in k.clusters),
            **_meaning_fields(meanings[i], meta, text_of),
        )
        for i, k in enumerate(sharing(lineage.links, share, 0.08))
    ):
        links.add(link)

    clusters = _Entries(Cluster, files, "clusters")
    for n, c in enumerate(sharing(lineage.clusters, share, 0.07)):
        origin = set(c.origin_documents)
        passages = []
        for p in map(trimmed_passage, c.passages):
            d = meta[p.document]
            role = "origin" if p.document in origin else ("later" if d.date.has_year else "yearless")
            passages.append(
                ClusterPassage(
                    document=d.id,
                    start=p.start,
                    end=p.end,
                    snippet=text_of[p.document][p.start : p.end],
                    date=d.date.value,
                    date_precision=d.date.precision,
                    outlet=d.outlet,
                    role=role,
                )
            )
        origin_date = None
        if c.origin_documents:
            first = meta[c.origin_documents[0]].date
            origin_date = first.value if c.origin_status == "determined" else first.day
        clusters.add(
            Cluster(
                id=cluster_ids[n],
                passages=tuple(passages),
                origin=Origin(
                    status=c.origin_status,
                    documents=tuple(meta[i].id for i in c.origin_documents),
                    date=origin_date,
                ),
                yearless=tuple(meta[i].id for i in c.yearless),
                links=tuple(link_ids[i] for i in c.links),
            )
        )

    warnings = tuple(
        WarningEntry(path=w.path, line=w.line, code=w.code, message=w.message) for w in ingested.warnings
    )
    skipped = tuple(SkippedEntry(path=s.path, line=s.line, reason=s.reason) for s in ingested.skipped)
    origins = Counter(c.origin_status for c in lineage.clusters)
    classes, credited = links.classes, links.credited
    return Report(
        schema_version=SCHEMA_VERSION,
        tool=Tool(name="provenance", version=__version__),
        offset_unit="unicode-codepoint",
        input=Input(
            root=root,
            files_seen=ingested.files_seen,
            manifest=ingested.manifest,
            encoding=ingested.encoding,
        ),
        parameters=dict(sorted({**settings.to_parameters(), "texts": texts}.items())),
        documents=documents,
        links=links.finish(),
        clusters=clusters.finish(),
        boilerplate=boilerplate.entries(),
        warnings=warnings,
        skipped=skipped,
        summary=Summary(
            documents=len(documents),
            links=links.count,
            clusters=clusters.count,
            origins=Origins(
                determined=origins.get("determined", 0),
                tie=origins.get("tie", 0),
                undated=origins.get("undated", 0),
            ),
            reused_chars=reused_total,
            classes=LinkClasses(
                copied_text=classes.get("copied-text", 0),
                mixed=classes.get("mixed", 0),
                shared_quotation=classes.get("shared-quotation", 0),
            ),
            credited_links=credited,
            internal_duplicates=internal_duplicates,
            boilerplate_lines=boilerplate_lines,
            outlets=outlet_matrix(links.finish(), {d.id: d.outlet for d in meta}),
            warnings=len(warnings),
            skipped=len(skipped),
        ),
    )


def _document_entry(
    d: Document,
    reused: int,
    counted: int,
    links: int,
    language: Language | None,
    quotations: tuple[Quotation, ...],
    credits: tuple[Credit, ...],
    excluded: tuple[ExcludedSpan, ...],
    with_text: bool,
) -> DocumentEntry:
    """A document's entry; without its text (`with_text` false, a document in no link) its
    quotations, credits and excluded spans go too: they are positions in that text. Its
    counts stay, and `cites` (what it credits, by name)."""
    return DocumentEntry(
        id=d.id,
        path=d.path,
        format=d.format,
        encoding=d.encoding,
        sha256=d.sha256,
        outlet=d.outlet,
        outlet_source=d.outlet_source,
        date=d.date.value,
        date_precision=d.date.precision,
        date_source=d.date.source,
        title=d.title,
        title_source=d.title_source,
        url=d.url,
        url_source=d.url_source,
        body=d.body,
        text_length=len(d.text),
        text=d.text if with_text else None,
        counted_chars=counted,
        reused_chars=reused,
        reused_share=round(min(reused / counted, 1.0), 4) if counted else 0.0,
        links=links,
        language=language,
        quotations=quotations if with_text else None,
        credits=credits if with_text else None,
        cites=tuple(sorted({c.source or c.name for c in credits if not c.own})),
        excluded=excluded if with_text else None,
    )


def _excluded(boilerplate: Sequence[Boilerplate], repeats: Sequence[Repeat]) -> tuple[ExcludedSpan, ...]:
    """A document's text left out of matching and shares, in text order."""
    spans = [ExcludedSpan(start=b.start, end=b.end, reason="boilerplate", rule=b.rule) for b in boilerplate]
    spans += [
        ExcludedSpan(
            start=r.repeat[0],
            end=r.repeat[1],
            reason="internal-duplicate",
            duplicate_of=r.first,
            words=r.words,
        )
        for r in repeats
    ]
    return tuple(sorted(spans, key=lambda e: (e.start, e.end)))


def _meaning_fields(m: LinkMeaning, meta: Sequence[Document], texts: Sequence[str]) -> dict[str, Any]:
    credit = None
    if m.evidence is not None:
        index, c = m.evidence
        text = texts[index]
        credit = CreditEvidence(
            document=meta[index].id,
            start=c.start,
            end=c.end,
            snippet=text[c.start : c.end],
            source=c.source_name,
        )
    return {
        "link_class": m.link_class,
        "quotation": QuotedShares(source=m.source_quoted, target=m.target_quoted),
        "credited": m.credited,
        "credit": credit,
        "common_sources": tuple(m.common_sources),
    }


def outlet_matrix(
    links: Sequence[Link], documents: Mapping[str, str | None] | Sequence[DocumentEntry]
) -> tuple[OutletCell, ...]:
    """Who copies whom: links summed per (earlier outlet, later outlet). `documents` gives
    each document's outlet: by id, or as the report's entries.

    Links without a known order (same day, no year) are counted apart, under the two
    outlets in name order, since neither can be said to have copied the other. A link's
    characters are those of its target's snippet (the text it names; `validate` holds each
    snippet to its text).
    """
    outlets = documents if isinstance(documents, Mapping) else {d.id: d.outlet for d in documents}
    # Unknown documents (only in a broken report, which the validator names) count as empty.
    links = [k for k in links if k.source.document in outlets and k.target.document in outlets]
    cells: dict[tuple[bool, str, str], dict[str, Any]] = {}
    for k in links:
        pair = (outlets[k.source.document], outlets[k.target.document])
        if not k.directed:
            pair = tuple(sorted(pair, key=lambda o: (o is None, o or "")))  # type: ignore[assignment]
        cell = cells.setdefault(
            (not k.directed, pair[0] or "\uffff", pair[1] or "\uffff"),
            {"source": pair[0], "target": pair[1], "links": 0, "chars": 0, "credited": 0, "quoted": 0.0},
        )
        chars = visible_length(k.target.snippet)
        cell["links"] += 1
        cell["chars"] += chars
        cell["credited"] += k.credited
        cell["quoted"] += chars * k.quotation.target
    return tuple(
        OutletCell(
            source=c["source"],
            target=c["target"],
            directed=not undirected,
            links=c["links"],
            reused_chars=c["chars"],
            credited_share=round(c["credited"] / c["links"], 4),
            quotation_share=round(c["quoted"] / c["chars"], 4) if c["chars"] else 0.0,
        )
        for (undirected, _, _), c in sorted(cells.items(), key=lambda item: item[0])
    )

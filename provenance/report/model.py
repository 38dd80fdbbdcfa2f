"""The lineage report as typed, immutable objects: one class per object kind of
`schemas/lineage-report.schema.json`.

`build_report` makes a `Report`; the JSON file, the HTML page, PROV and `validate` read it.
`Report.to_json()` (and its streaming form `json_chunks()`) writes the report's JSON bytes;
`Report.from_json()` reads them back, once the schema has accepted them.

Attributes carry the JSON names, except where Python forbids them (`Link.link_class` is
`class`, `Credit.own` is `self`; the summary's `copied-text` is `copied_text`). A `Span`
attribute is a `{"start", "end"}` object in the JSON. The conversion is read from the type
hints, so adding a field is one line (see `OPTIONAL` for one the JSON may lack).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Self

import orjson

from provenance import jsontext
from provenance.text.spans import Span

_JSON_NAME = "json"  # field metadata: the JSON key, where it is not the attribute's name
_OPTIONAL = "optional"  # field metadata: left out of the JSON while the value is None
_TEXT = "text"  # field metadata: a string as long as an article


# A field that may be missing from the JSON, None when it is (and left out while None):
# `name: Kind | None = field(default=None, metadata=OPTIONAL)`.
OPTIONAL: Mapping[str, Any] = {_OPTIONAL: True}


# A string as long as an article (a text, a snippet of one): the JSON writer writes a copy of it,
# see `_copy`.
TEXT: Mapping[str, Any] = {_TEXT: True}

# Texts a report carries: only those of documents in a link (the default), or every one.
Texts = Literal["linked", "all"]
TEXTS: tuple[Texts, ...] = ("linked", "all")


def json_name(name: str) -> Mapping[str, Any]:
    """Field metadata: the JSON key is `name`, one Python cannot spell as an attribute."""
    return {_JSON_NAME: name}


def _writer(hint: Any, value: str) -> str | None:
    """A Python expression of `value` (of type `hint`) as JSON data; None when it is as it is."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(hint, type) and issubclass(hint, Node):
        return f"{value}.to_dict(copies)"
    if origin in (typing.Union, types.UnionType):
        [inner] = [a for a in args if a is not type(None)]
        written = _writer(inner, value)
        return None if written is None else f"(None if {value} is None else {written})"
    if origin is tuple and args == (int, int):  # a Span
        return f"{{'start': {value}[0], 'end': {value}[1]}}"
    if origin in (tuple, Sequence):
        written = _writer(args[0], "x")
        return f"list({value})" if written is None else f"[{written} for x in {value}]"
    return None  # str, int, float, bool, a free-form mapping


def _reader(hint: Any, value: str, classes: dict[str, type]) -> str | None:
    """A Python expression of JSON data `value` as a value of type `hint`; None when it is as it is."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(hint, type) and issubclass(hint, Node):
        classes[hint.__name__] = hint
        return f"{hint.__name__}.from_dict({value})"
    if origin in (typing.Union, types.UnionType):
        [inner] = [a for a in args if a is not type(None)]
        read = _reader(inner, value, classes)
        return None if read is None else f"(None if {value} is None else {read})"
    if origin is tuple and args == (int, int):  # a Span
        return f"({value}['start'], {value}['end'])"
    if origin in (tuple, Sequence):
        read = _reader(args[0], "x", classes)
        return f"tuple({value})" if read is None else f"tuple([{read} for x in {value}])"
    return None


def _install_codec(cls: type[Node]) -> None:
    """Give `cls` its `to_dict` and `from_dict`, written out field by field from its type hints
    (as `dataclasses` writes `__init__`): a report of 100,000 articles converts millions of
    objects, and a loop over fields per object would take several times as long."""
    hints = typing.get_type_hints(cls)
    classes: dict[str, type] = {}
    write, read, keys = [], [], []
    for f in dataclasses.fields(cls):
        key = f.metadata.get(_JSON_NAME, f.name)
        keys.append(key)
        attr = f"self.{f.name}"
        value = _writer(hints[f.name], attr) or attr
        if f.metadata.get(_TEXT, False):
            value = f"(_copy({attr}) if copies else {attr})"
        if f.metadata.get(_OPTIONAL, False):
            write.append(f"    if {attr} is not None:\n        out[{key!r}] = {value}")
            data = f"data.get({key!r})"
        else:
            write.append(f"    out[{key!r}] = {value}")
            data = f"data[{key!r}]"
        read.append(f"{f.name}={_reader(hints[f.name], data, classes) or data}")
    code = (
        "def to_dict(self, copies=False):\n    out = {}\n" + "\n".join(write) + "\n    return out\n"
        "def from_dict(cls, data):\n"
        "    if data.keys() - KEYS:\n"
        f"        raise ValueError(f'{cls.__name__}: unknown keys {{sorted(data.keys() - KEYS)}}')\n"
        f"    return cls({', '.join(read)})\n"
    )
    namespace: dict[str, Any] = {**classes, "KEYS": frozenset(keys), "_copy": _copy}
    exec(code, namespace)
    cls.to_dict = namespace["to_dict"]  # type: ignore[method-assign]
    cls.from_dict = classmethod(namespace["from_dict"])  # type: ignore[method-assign, assignment]


class Node:
    """An object of the report, written to and read from its JSON form (see `_install_codec`)."""

    __slots__ = ()

    def to_dict(self, copies: bool = False) -> dict[str, Any]:
        """The object as JSON data, keys in the schema's order; with `copies`, a copy of each
        article-sized string (`TEXT`), for the JSON writer (see `_copy`)."""
        raise NotImplementedError

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The object of JSON data that the schema accepts (a key it does not know is an error)."""
        raise NotImplementedError


# --- documents --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Tool(Node):
    name: str
    version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Input(Node):
    root: str
    files_seen: int
    manifest: str | None
    encoding: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Language(Node):
    """The language of a document's body: ISO 639-1 `code` and the detector's `confidence`."""

    code: str
    confidence: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Quotation(Node):
    """Direct speech in a document's body (`marks` includes the marks, `dash` a speech line)."""

    start: int
    end: int
    form: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Credit(Node):
    """A credit phrase («со ссылкой на Акорду») and the outlet or source it names."""

    start: int
    end: int
    cue: str
    name: str
    source: str | None
    source_id: str | None
    own: bool = field(metadata=json_name("self"))  # the document's own outlet: a byline, not a citation
    in_corpus: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ExcludedSpan(Node):
    """Text left out of matching: a boilerplate line, or an internal duplicate."""

    start: int
    end: int
    reason: str
    rule: str | None = field(default=None, metadata=OPTIONAL)  # boilerplate only
    duplicate_of: Span | None = field(default=None, metadata=OPTIONAL)  # internal duplicate only
    words: int | None = field(default=None, metadata=OPTIONAL)  # internal duplicate only


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentEntry(Node):
    """One article: metadata, its original text, how much of it is reused.

    A document in no link may come without its text (`Report` of `texts="linked"`): then
    `text`, and the spans that only its text gives a meaning to (`quotations`, `credits`,
    `excluded`), are None and left out of the JSON; `sha256` still names the text and
    `text_length` gives its length.
    """

    id: str
    path: str
    format: str
    encoding: str | None
    sha256: str
    outlet: str | None
    outlet_source: str | None
    date: str | None
    date_precision: str
    date_source: str | None
    title: str | None
    title_source: str | None
    url: str | None
    url_source: str | None
    body: Span
    text_length: int  # code points of the text, whether the report carries it or not
    text: str | None = field(default=None, metadata={**TEXT, **OPTIONAL})
    counted_chars: int
    reused_chars: int
    reused_share: float
    links: int
    language: Language | None  # None: not told (too short, or no language clearly ahead)
    quotations: tuple[Quotation, ...] | None = field(default=None, metadata=OPTIONAL)
    credits: tuple[Credit, ...] | None = field(default=None, metadata=OPTIONAL)
    cites: tuple[str, ...]
    excluded: tuple[ExcludedSpan, ...] | None = field(default=None, metadata=OPTIONAL)

    @property
    def has_year(self) -> bool:
        return self.date_precision in ("datetime", "day")

    @property
    def has_text(self) -> bool:
        """The report carries the document's text (and its quotations, credits, excluded spans)."""
        return self.text is not None


# --- links ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PassageRef(Node):
    """A passage of one document, `text[start:end]`, and that text (`snippet`)."""

    document: str
    start: int
    end: int
    snippet: str = field(metadata=TEXT)

    @property
    def span(self) -> Span:
        return self.start, self.end


@dataclass(frozen=True, slots=True, kw_only=True)
class QuotedShares(Node):
    """Share of each side of a link that is direct speech."""

    source: float
    target: float


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditEvidence(Node):
    """The credit in one side of a link that names the other side's outlet."""

    document: str
    start: int
    end: int
    snippet: str = field(metadata=TEXT)
    source: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Link(Node):
    """Two passages, in two documents, that share text."""

    id: str
    source: PassageRef
    target: PassageRef
    similarity: float
    kind: str
    matched_words: int
    direction: str
    clusters: tuple[str, ...]
    link_class: str = field(metadata=json_name("class"))
    quotation: QuotedShares
    credited: bool
    credit: CreditEvidence | None
    common_sources: tuple[str, ...]

    @property
    def directed(self) -> bool:
        """The source is known to be the earlier side."""
        return self.direction == "earlier-to-later"


# --- clusters ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterPassage(Node):
    """A member of a cluster, with its document's date and outlet and its place in the timeline."""

    document: str
    start: int
    end: int
    snippet: str = field(metadata=TEXT)
    date: str | None
    date_precision: str
    outlet: str | None
    role: str  # origin, later, yearless

    @property
    def span(self) -> Span:
        return self.start, self.end


@dataclass(frozen=True, slots=True, kw_only=True)
class Origin(Node):
    status: str  # determined, tie, undated
    documents: tuple[str, ...]
    date: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Cluster(Node):
    """Passages that carry the same reused text, with who published it first."""

    id: str
    passages: tuple[ClusterPassage, ...]
    origin: Origin
    yearless: tuple[str, ...]
    links: tuple[str, ...]


# --- the rest ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class BoilerplateLine(Node):
    """One distinct boilerplate line, once per outlet and rule, with the documents it stands in."""

    outlet: str | None
    text: str = field(metadata=TEXT)
    rule: str
    documents: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class WarningEntry(Node):
    path: str
    line: int | None
    code: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SkippedEntry(Node):
    path: str
    line: int | None
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Origins(Node):
    """Clusters by origin status."""

    determined: int
    tie: int
    undated: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkClasses(Node):
    """Links by class."""

    copied_text: int = field(metadata=json_name("copied-text"))
    mixed: int
    shared_quotation: int = field(metadata=json_name("shared-quotation"))


@dataclass(frozen=True, slots=True, kw_only=True)
class OutletCell(Node):
    """Links between two outlets, summed (who copies whom)."""

    source: str | None
    target: str | None
    directed: bool
    links: int
    reused_chars: int
    credited_share: float
    quotation_share: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary(Node):
    documents: int
    links: int
    clusters: int
    origins: Origins
    reused_chars: int
    classes: LinkClasses
    credited_links: int
    internal_duplicates: int
    boilerplate_lines: int
    outlets: tuple[OutletCell, ...]
    warnings: int
    skipped: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Report(Node):
    """A whole lineage report."""

    schema_version: str
    tool: Tool
    offset_unit: str
    input: Input
    parameters: Mapping[str, Any]  # free-form: every setting that influenced the result
    # A tuple, or a list stored on disk (`provenance.report.stored`) for a report of a large corpus.
    documents: Sequence[DocumentEntry]
    links: Sequence[Link]
    clusters: Sequence[Cluster]
    boilerplate: tuple[BoilerplateLine, ...]
    warnings: tuple[WarningEntry, ...]
    skipped: tuple[SkippedEntry, ...]
    summary: Summary

    def json_chunks(self) -> Iterator[bytes]:
        """The JSON bytes of `to_json()`, a list item at a time: a report of 100,000 articles
        is never held as one JSON text, nor as one tree of JSON data."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        lists = {name: value for name, value in values.items() if _is_list(value)}
        head = dataclasses.replace(self, **dict.fromkeys(lists, ())).to_dict()
        head.update(lists)  # the same keys, in their places: each list is written an item at a time
        return json_chunks(head)

    def to_json(self) -> bytes:
        """The report's JSON: UTF-8, indented by 2, Cyrillic as is, a final newline."""
        return b"".join(self.json_chunks())

    @classmethod
    def from_json(cls, text: str | bytes) -> Report:
        """The report of JSON text the schema accepts (see `provenance.report.validate`)."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        data = jsontext.loads(text, long_integers=False)
        with collector_paused():
            return cls.from_dict(data)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a report's objects are made: they form no cycles, and
    with 100,000 articles' objects alive every collection would walk them all, again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def json_chunks(value: Mapping[str, Any]) -> Iterator[bytes]:
    """A JSON object as UTF-8 bytes, a list item at a time; the bytes are those of
    `orjson.dumps(value, OPT_INDENT_2)` and a newline. Items of a list (or tuple) may be
    report objects, converted one at a time."""
    yield b"{"
    for n, (key, item_list) in enumerate(value.items()):
        yield (b",\n  " if n else b"\n  ") + orjson.dumps(key) + b": "
        if _is_list(item_list) and len(item_list):
            yield b"["
            for k, item in enumerate(item_list):
                # Raw line breaks never occur inside JSON strings: indenting a line is safe.
                yield (b",\n    " if k else b"\n    ") + _indented(item, b"\n    ")
            yield b"\n  ]"
        else:
            yield _indented([] if _is_list(item_list) else item_list, b"\n  ")
    yield b"\n}\n" if value else b"}\n"


def _is_list(value: Any) -> bool:
    """A JSON array: a list, a tuple, or another sequence (a stored one), but not a string."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _indented(value: Any, newline: bytes) -> bytes:
    if isinstance(value, Node):
        value = value.to_dict(copies=True)
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).replace(b"\n", newline)


def _copy(text: str) -> str:
    """A copy of `text`. orjson keeps the UTF-8 form of a non-ASCII string it writes inside that
    string for as long as the string lives: written as they are, the report's texts would each
    stay in memory twice. A copy dies with the item written."""
    return text if text.isascii() else text[:1] + text[1:]


for _cls in Node.__subclasses__():
    _install_codec(_cls)

"""The outlet registry (kept as data): outlets and credited sources, their names by language with
case forms, signatures, page furniture, web domains, page selectors, country and languages;
outlet detection from an outlet's own signature.

A user's registry file extends the packaged one (its entries first, an entry with a packaged id
replacing it) unless it says `"standalone": true`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from provenance import jsontext, schemas

if TYPE_CHECKING:
    from lxml.cssselect import CSSSelector

REGISTRY_SCHEMA = "outlet-registry.schema.json"
DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "outlets.json"

OutletKind = Literal["outlet", "source"]


@dataclass(frozen=True)
class Outlet:
    id: str
    name: str  # canonical display name, the value stored in Document.outlet
    aliases: tuple[str, ...]
    signatures: tuple[re.Pattern[str], ...]
    kind: OutletKind = "outlet"  # "source": credited by outlets (e.g. a press service), never an outlet
    boilerplate: tuple[re.Pattern[str], ...] = ()  # whole boilerplate lines in its documents
    domains: tuple[str, ...] = ()  # web hosts ("nur.kz"); their subdomains count too
    # CSS selectors for its saved pages, kept as text so entries stay plain, picklable data;
    # css_selector() compiles them (once).
    content_selectors: tuple[str, ...] = ()  # the article's text is in the matched elements
    exclude_selectors: tuple[str, ...] = ()  # removed from the page before any extraction
    country: str | None = None  # ISO 3166-1 alpha-2 code, None when unknown
    languages: tuple[str, ...] = ()  # BCP 47 tags of the languages it publishes in
    # (language tag, (name, case forms...)) pairs; a tuple so that entries stay hashable.
    names: tuple[tuple[str, tuple[str, ...]], ...] = ()
    examples: tuple[str, ...] = ()  # lines of its own text its signatures match
    # Per signature, text every match contains: a quick `in` test before the regex runs.
    signature_needs: tuple[tuple[str, ...], ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every way the entry is written: its name, aliases and names in each language."""
        seen = dict.fromkeys((self.name, *self.aliases, *(s for _, forms in self.names for s in forms)))
        return tuple(seen)

    def names_in(self, language: str) -> tuple[str, ...]:
        """The entry's name and case forms in `language` (a BCP 47 tag), empty when not listed."""
        return next((forms for tag, forms in self.names if tag == language), ())


@dataclass(frozen=True)
class OutletRegistry:
    outlets: tuple[Outlet, ...]
    origin: str = "<memory>"  # file the registry was read from, for messages
    boilerplate: tuple[re.Pattern[str], ...] = ()  # boilerplate lines of any outlet

    @cached_property
    def by_name(self) -> dict[str, Outlet]:
        """The entries by canonical name (the last entry of a name keeps it)."""
        return {o.name: o for o in self.outlets}

    @cached_property
    def _spellings(self) -> dict[str, Outlet]:
        # Casefolded name or alias → entry; the first entry listing a spelling keeps it.
        found: dict[str, Outlet] = {}
        for o in self.outlets:
            for spelling in o.spellings:
                found.setdefault(spelling.casefold(), o)
        return found

    @cached_property
    def _name_pattern(self) -> re.Pattern[str]:
        # Longest first, so "МИА «Казинформ»" wins over "Казинформ"; a name ends where a word does.
        alternatives = sorted({s for o in self.outlets for s in o.spellings}, key=lambda s: (-len(s), s))
        if not alternatives:
            return re.compile(r"(?!)")
        return re.compile("(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)", re.IGNORECASE)

    @cached_property
    def _signatures(self) -> tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]:
        # (outlet name, signature, text it needs) of every kind "outlet" entry, in order.
        return tuple(
            (o.name, sig, need)
            for o in self.outlets
            if o.kind == "outlet"
            for sig, need in zip(o.signatures, o.signature_needs or ((),) * len(o.signatures), strict=True)
        )

    @cached_property
    def _exact(self) -> frozenset[str]:
        return frozenset(s for o in self.outlets for s in o.spellings)

    def name_at(self, text: str, pos: int) -> tuple[Outlet, int] | None:
        """The entry whose name or alias is written at `text[pos]`, and where it ends.

        Any case matches ("АКОРДА", "nur.kz"), except that a word starting with a lower-case
        letter outside ASCII is ordinary text unless a spelling is written so: "по данным
        ведомостей учета" does not name «Ведомости»."""
        m = self._name_pattern.match(text, pos)
        if not m:
            return None
        written = m.group()
        if written[0].islower() and not written[0].isascii() and written not in self._exact:
            return None
        outlet = self._spellings.get(written.casefold())
        return (outlet, m.end()) if outlet else None

    def get(self, outlet_id: str) -> Outlet | None:
        return next((o for o in self.outlets if o.id == outlet_id), None)

    def named(self, name: str) -> Outlet | None:
        """The entry called `name` (its name or an alias, any case)."""
        return self._spellings.get(name.strip().casefold())

    def canonical_name(self, name: str) -> str | None:
        """The canonical name of the outlet called `name` (its name or an alias, any case)."""
        outlet = self.named(name)
        return outlet.name if outlet else None

    @cached_property
    def _domains(self) -> dict[str, Outlet]:
        return {domain: o for o in self.outlets for domain in o.domains}

    def outlet_for_host(self, host: str) -> Outlet | None:
        """The entry whose domain is `host` or a parent of it ("www.nur.kz" -> nur.kz); the most
        specific listed domain wins."""
        host = _normal_host(host)
        labels = host.split(".")
        for i in range(len(labels) - 1):
            found = self._domains.get(".".join(labels[i:]))
            if found:
                return found
        return None


def _compiled(patterns: list[str], what: str, origin: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ValueError(
                f"invalid outlet registry {origin}: {what}: bad pattern {pattern!r}: {exc}"
            ) from exc
    return tuple(compiled)


def _needs(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """The literal runs at the top level of `pattern` (outside groups, alternatives and
    repeats), which every match contains; empty when it has none or cannot be read."""
    if pattern.flags & re.IGNORECASE:
        return ()
    try:
        # A private module: the hint is only for speed, so a Python without it loses nothing else.
        from re import _parser as parser  # type: ignore[attr-defined]

        items = list(parser.parse(pattern.pattern, pattern.flags))
        literal = parser.LITERAL
    except Exception:  # any failure just means no hint
        return ()
    runs: list[str] = []
    run = ""
    for op, value in items:
        if op is literal:
            run += chr(value)
        else:
            runs.append(run)
            run = ""
    runs.append(run)
    return tuple(dict.fromkeys(r for r in runs if r))


def _normal_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    try:
        # Registry domains are ASCII; an internationalised host is compared in its xn-- form.
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


@cache
def css_selector(selector: str) -> CSSSelector:
    """`selector` compiled for HTML pages; ValueError if it is not a CSS selector lxml can run."""
    # Imported here: only registries with selectors, and page reading, need it.
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector
    from lxml.etree import XPathError

    try:
        return CSSSelector(selector, translator="html")
    except (SelectorError, XPathError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from exc


def _selectors(selectors: list[str], what: str, origin: str) -> tuple[str, ...]:
    for selector in selectors:
        try:
            css_selector(selector)
        except ValueError as exc:
            raise ValueError(
                f"invalid outlet registry {origin}: {what}: bad CSS selector {selector!r}: {exc}"
            ) from exc
    return tuple(selectors)


def registry_from_data(data: object, origin: str = "<memory>") -> OutletRegistry:
    """Validate registry data against its schema and compile every pattern once."""
    problems = schemas.errors(REGISTRY_SCHEMA, data)
    if problems:
        raise ValueError(f"invalid outlet registry {origin}: " + "; ".join(problems))
    assert isinstance(data, dict)  # the schema guarantees it
    outlets: list[Outlet] = []
    seen: set[str] = set()
    domain_owner: dict[str, str] = {}
    for entry in data["outlets"]:
        if entry["id"] in seen:
            raise ValueError(f"invalid outlet registry {origin}: duplicate outlet id {entry['id']!r}")
        seen.add(entry["id"])
        what = f"outlet {entry['id']!r}"
        for domain in entry.get("domains", []):
            if domain in domain_owner:
                raise ValueError(
                    f"invalid outlet registry {origin}: {what}: domain {domain!r} "
                    f"is already listed by outlet {domain_owner[domain]!r}"
                )
            domain_owner[domain] = entry["id"]
        html = entry.get("html", {})
        signatures = _compiled(entry.get("signatures", []), what, origin)
        examples = tuple(entry.get("examples", []))
        for example in examples:
            if not any(sig.search(example) for sig in signatures):
                raise ValueError(
                    f"invalid outlet registry {origin}: {what}: "
                    f"example {example!r} matches none of its signatures"
                )
        outlets.append(
            Outlet(
                id=entry["id"],
                name=entry["name"],
                aliases=tuple(entry.get("aliases", [])),
                signatures=signatures,
                kind=entry.get("kind", "outlet"),
                boilerplate=_compiled(entry.get("boilerplate", []), what, origin),
                domains=tuple(entry.get("domains", [])),
                content_selectors=_selectors(html.get("content", []), what, origin),
                exclude_selectors=_selectors(html.get("exclude", []), what, origin),
                country=entry.get("country"),
                languages=tuple(entry.get("languages", [])),
                names=tuple((tag, tuple(forms)) for tag, forms in entry.get("names", {}).items()),
                examples=examples,
                signature_needs=tuple(map(_needs, signatures)),
            )
        )
    generic = _compiled(data.get("boilerplate", []), "boilerplate", origin)
    return OutletRegistry(tuple(outlets), origin, generic)


def _read(path: Path) -> object:
    try:
        return jsontext.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"invalid outlet registry {path.name}: not UTF-8 (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid outlet registry {path.name}: not JSON: {exc}") from exc
    except RecursionError as exc:
        raise ValueError(f"invalid outlet registry {path.name}: JSON nested too deeply") from exc


def extended_data(packaged: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """Registry data of `own` over `packaged`: its entries first, then the packaged entries
    whose id it does not use (an entry with a packaged id replaces it), and both files'
    boilerplate patterns."""
    ids = {entry["id"] for entry in own["outlets"]}
    boilerplate = dict.fromkeys([*packaged.get("boilerplate", []), *own.get("boilerplate", [])])
    return {
        "outlets": [*own["outlets"], *(e for e in packaged["outlets"] if e["id"] not in ids)],
        "boilerplate": list(boilerplate),
    }


def load_registry(path: Path | None = None) -> OutletRegistry:
    """The packaged outlet registry extended by the one at `path` (the file alone when it says
    `"standalone": true`); ValueError if either is invalid."""
    packaged = _read(DEFAULT_REGISTRY)
    if path is None:
        return registry_from_data(packaged, DEFAULT_REGISTRY.name)
    path = Path(path)
    own = _read(path)
    problems = schemas.errors(REGISTRY_SCHEMA, own)
    if problems:
        raise ValueError(f"invalid outlet registry {path.name}: " + "; ".join(problems))
    assert isinstance(own, dict) and isinstance(packaged, dict)  # the schema guarantees it
    if own.get("standalone", False):
        return registry_from_data(own, path.name)
    return registry_from_data(extended_data(packaged, own), path.name)


def detect_outlet(
    text: str, registry: OutletRegistry, body_start: int = 0, body_end: int | None = None
) -> tuple[str | None, str | None]:
    """(outlet name, None) when exactly one outlet's signature is in the body, else (None, problem).

    Only kind "outlet" entries can own a text; no signature means no outlet, never a guess.
    """
    body = text[body_start : len(text) if body_end is None else body_end]
    matched: list[str] = []
    for name, signature, needs in registry._signatures:
        if matched and matched[-1] == name:
            continue  # another signature of an outlet already found
        # The `in` tests are quick and spare most texts the regex.
        if all(n in body for n in needs) and signature.search(body):
            matched.append(name)
    if len(matched) > 1:
        return None, "ambiguous outlet signatures: " + ", ".join(matched)
    return (matched[0] if matched else None), None

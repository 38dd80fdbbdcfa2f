"""A saved article page: its main text and the metadata the page states about itself.

The text comes from the registry's CSS selectors for the page's outlet when it has them, else
from trafilatura. Metadata (JSON-LD, meta tags, <time>, <link rel="canonical">, <title>) is read
here, never taken from trafilatura: its metadata pass guesses a date from any year on the page,
such as a "© 2025" footer.

Dates, best first: JSON-LD datePublished; the meta tags in `DATE_META`; a <time datetime>
(itemprop="datePublished" or pubdate, then the first inside the page's main <article>, or the
first on the page when it has no <article>). An invalid value is reported and the next source
is tried.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any, Literal, TypeGuard
from urllib.parse import urljoin, urlsplit

from provenance import jsontext
from provenance.ingest.dates import parse_iso
from provenance.ingest.model import DateSource, DocumentDate, OutletSource, TitleSource, UrlSource
from provenance.ingest.outlets import Outlet, OutletRegistry, css_selector

if TYPE_CHECKING:
    from lxml.html import HtmlElement

Extractor = Literal["trafilatura", "selectors"]

# Meta tags (property, name or itemprop; any case) that state the publication time, best first.
# Not "date" or "dc.date": on many sites they hold the time the page was last changed.
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.issued",
)
_ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting"})  # and every *NewsArticle

# Something that opens a tag, closes one, or declares (<!DOCTYPE, <!--): without it, not HTML.
_MARKUP = re.compile(r"<(?:[A-Za-z]|/[A-Za-z]|!)")
# Characters XML trees cannot hold; lxml would turn them into U+FFFD or refuse the string.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# ISO 8601 as pages write it: a day, optionally a time (seconds optional) and a zone.
_DATE_VALUE = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?[ ]?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?"
)

# Elements whose text starts and ends a paragraph: HTML, and trafilatura's XML (head, item, ...).
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details"),
        *("dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "legend", "li", "listing", "main"),
        *("menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead"),
        *("tr", "ul", "ab", "head", "item", "list", "note", "quote", "row"),
    }
)
_BREAKS = frozenset({"br", "hr", "lb"})  # pages often separate paragraphs only by <br>
_CELLS = frozenset({"td", "th", "cell"})  # joined by " | " within their row's paragraph
# Never article text: scripts, styles, embedded documents, form controls, a page's <head>.
_HTML_SKIP = frozenset(
    {
        *("script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed"),
        *("canvas", "select", "textarea", "button", "head", "title"),
    }
)
_XML_SKIP = _HTML_SKIP - {"head"}  # in trafilatura's XML, <head> is a heading


class PageProblem(ValueError):
    """The page gives no document; str(exc) is a one-line reason."""


@dataclass(frozen=True)
class Page:
    """What one page gives: its text (paragraphs separated by a blank line) and metadata, each
    value with where it came from."""

    text: str
    date: DocumentDate | None
    outlet: str | None  # the registry's canonical name when the registry knows it, else as written
    outlet_source: OutletSource | None
    title: str | None
    title_source: TitleSource | None
    url: str | None
    url_source: UrlSource | None
    extractor: Extractor
    problems: tuple[tuple[str, str], ...] = ()  # (warning code, message)


def read_page(markup: str, registry: OutletRegistry) -> Page:
    """The article of one decoded page; PageProblem if it gives none."""
    if not _MARKUP.search(markup):
        raise PageProblem("not an HTML page: no markup found")
    root, fatal, flattened = _parse(markup)
    problems: list[tuple[str, str]] = []
    if flattened:
        message = (
            f"elements nested deeper than the HTML parser reads; those past {_MAX_DEPTH} levels "
            "were read side by side, as browsers do"
        )
        problems.append(("deep-html", message))
    for tag in ("html", "body"):
        opened = re.search(rf"<{tag}[\s>/]", markup, re.IGNORECASE)
        if opened and not re.search(rf"</{tag}\s*>", markup[opened.start() :], re.IGNORECASE):
            problems.append(
                (
                    "malformed-html",
                    f"no closing </{tag}> tag: the page may be truncated; read what could be parsed",
                )
            )
            break
    if fatal:
        problems.append(
            ("malformed-html", f"the HTML parser stopped early ({fatal}); read what could be parsed")
        )

    found = _Metadata(root, problems)
    when = found.date()
    url, url_source = found.url()
    outlet, outlet_source, entry = found.outlet(registry)
    title, title_source = found.title()

    extractor: Extractor = "trafilatura"
    paragraphs: list[str] = []
    if entry is not None:
        for selector in entry.exclude_selectors:
            for element in css_selector(selector)(root):
                if element.getparent() is not None:
                    element.drop_tree()  # keeps its tail, which belongs to the parent
        if entry.content_selectors:
            paragraphs = _paragraphs(_selected(root, entry.content_selectors), _HTML_SKIP)
            if paragraphs:
                extractor = "selectors"
            else:
                problems.append(
                    (
                        "selectors-no-match",
                        f"the registry's content selectors for {entry.name} find no text in this page; "
                        "read it with trafilatura instead (the selectors may be out of date)",
                    )
                )
    if not paragraphs:
        paragraphs = _trafilatura_paragraphs(root)
    if not paragraphs:
        raise PageProblem(f"malformed HTML: {fatal}" if fatal else "no article text found in the page")
    return Page(
        text="\n\n".join(paragraphs),
        date=when,
        outlet=outlet,
        outlet_source=outlet_source,
        title=title,
        title_source=title_source,
        url=url,
        url_source=url_source,
        extractor=extractor,
        problems=tuple(problems),
    )


def _parse(markup: str) -> tuple[HtmlElement, str | None, bool]:
    """The page's tree, the parser's fatal error (it then stopped early) if any, and whether
    the page was too deep for the parser and read with its nesting flattened."""
    from lxml import etree
    from lxml.html import HTMLParser, document_fromstring

    def parser(**options: str) -> HTMLParser:
        # As trafilatura parses: comments and processing instructions are never text. huge_tree
        # lets unclosed tags nest past libxml2's usual 256 levels (up to 2048), as old pages do.
        return HTMLParser(
            collect_ids=False,
            default_doctype=False,
            remove_comments=True,
            remove_pis=True,
            huge_tree=True,
            **options,
        )

    def parsed(cleaned: str) -> tuple[HtmlElement, str | None]:
        used = parser()
        try:
            try:
                root = document_fromstring(cleaned, parser=used)
            except ValueError:  # an <?xml ... encoding=...?> declaration: lxml takes that only as bytes
                used = parser(encoding="utf-8")
                root = document_fromstring(cleaned.encode("utf-8"), parser=used)
        except etree.LxmlError as exc:  # e.g. "Document is empty"
            raise PageProblem(f"malformed HTML: {exc}") from exc
        fatal = used.error_log.filter_from_level(etree.ErrorLevels.FATAL)
        message = re.sub(r",? use XML_PARSE_HUGE option", "", fatal[0].message).strip() if fatal else None
        return root, message

    cleaned = _UNSTORABLE.sub("", markup)
    root, fatal = parsed(cleaned)
    if fatal and fatal.startswith("Excessive depth"):
        # libxml2 stops at 2,048 levels, whatever its options: read the page again with the
        # elements below a sane depth taken out of the nesting, their text kept.
        flat_root, flat_fatal = parsed(_flattened(cleaned, _MAX_DEPTH))
        if flat_fatal is None or not flat_fatal.startswith("Excessive depth"):
            return flat_root, flat_fatal, True
    return root, fatal, False


_MAX_DEPTH = 256  # trafilatura slows down with depth; browsers stop nesting at 512
# A start or end tag (attribute values quoted or not), or a comment. Attributes stop at "<", so
# a stray "<" costs no scan to the end of the page.
_TAG = re.compile(r"""<!--.*?(?:-->|\Z)|<(/?)([A-Za-z][^\s/>]*)((?:[^<>"']|"[^"]*"|'[^']*')*)>""", re.S)
_VOID = frozenset(
    {
        *("area", "base", "basefont", "bgsound", "br", "col", "command", "embed", "frame", "hr"),
        *("image", "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr"),
    }
)
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"}
)


def _flattened(markup: str, limit: int) -> str:
    """The markup nested at most `limit` + 1 deep, as browsers build it: an element that would
    open deeper closes the one open at that depth first, and so becomes its sibling; text
    stays where it is, and an end tag of an element closed so is dropped.

    Nesting is counted as written, an end tag closing the elements left open inside it
    (written out, so the parser closes them too); the parser's own rules (a <p> closing a
    <p>) only make it close more."""
    pieces: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, closed early) of each element open as written
    where: dict[str, list[int]] = {}  # tag -> its places in the stack
    deepest: int | None = None  # the place of the element open at depth `limit`, if any
    pos = 0
    while (m := _TAG.search(markup, pos)) is not None:
        closing, name, attributes = m.groups()
        end = m.end()
        if name is None:  # a comment
            pieces.append(markup[pos:end])
            pos = end
            continue
        tag = name.lower()
        replacement = m.group()
        if closing:
            places = where.get(tag)
            if places:
                at = places[-1]
                # The elements left open inside are closed here, in so many words: the parser
                # might otherwise keep them open (a </span> does not close a <div>).
                inner = "".join(f"</{t}>" for t, early in reversed(stack[at + 1 :]) if not early)
                replacement = inner + ("" if stack[at][1] else replacement)
                for open_tag, _ in stack[at:]:
                    where[open_tag].pop()
                del stack[at:]
                if deepest is not None and deepest >= at:
                    deepest = None
        elif tag in _RAW_TEXT:
            close = re.compile(rf"</{tag}\s*>", re.I).search(markup, end)
            end = close.end() if close else len(markup)
            replacement = markup[m.start() : end]
        elif tag not in _VOID and not attributes.rstrip().endswith("/"):
            if len(stack) >= limit:
                if deepest is not None:
                    replacement = f"</{stack[deepest][0]}>{replacement}"
                    stack[deepest] = (stack[deepest][0], True)
                deepest = len(stack)
            where.setdefault(tag, []).append(len(stack))
            stack.append((tag, False))
        pieces.append(markup[pos : m.start()])
        pieces.append(replacement)
        pos = end
    pieces.append(markup[pos:])
    return "".join(pieces)


def _collapse(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else ""
    return value or None


def _is_string(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and not isinstance(value, jsontext.LongInteger)  # a number's digits


def _string(value: object) -> str | None:
    """A JSON-LD value as one string: the string itself, or the first string of a list."""
    if isinstance(value, list):
        value = next((v for v in value if _is_string(v) and v.strip()), None)
    if not _is_string(value):
        return None
    return value.strip() or None


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def page_date(value: str, source: DateSource) -> DocumentDate | None:
    """An ISO 8601 date from a page; None if it is none.

    With a zone it is a datetime (seconds may be missing, the zone may be written +0500).
    Without one, only the calendar day as written counts: no zone is ever assumed.
    """
    m = _DATE_VALUE.fullmatch(value.strip())
    if not m:
        return None
    day, hour, minute, second, fraction, zone = m.groups()
    if zone:
        # "Z", "+05", "+0500" -> "+05:00" as RFC 3339 wants it
        zone = "+00:00" if zone in ("Z", "z") else f"{zone[:3]}:{zone[-2:] if len(zone) > 3 else '00'}"
        return parse_iso(f"{day}T{hour}:{minute}:{second or '00'}{fraction or ''}{zone}", source)
    try:
        date.fromisoformat(day)
        if hour:
            time(int(hour), int(minute), int(second or 0))
    except ValueError:  # 2025-02-30, 25:00
        return None
    return DocumentDate(day, "day", source)


class _Metadata:
    """The metadata a page states about itself, read once; problems go to `problems`."""

    def __init__(self, root: HtmlElement, problems: list[tuple[str, str]]) -> None:
        self.root = root
        self.problems = problems
        self.meta: dict[str, list[str]] = {}
        for element in root.iter("meta"):
            content = _collapse(element.get("content"))
            if content is None:
                continue
            for attribute in ("property", "name", "itemprop"):
                key = (element.get(attribute) or "").strip().lower()
                if key:
                    self.meta.setdefault(key, []).append(content)
        self.article = self._json_ld_article()

    def first_meta(self, key: str) -> str | None:
        values = self.meta.get(key)
        return values[0] if values else None

    # JSON-LD

    def _json_ld_article(self) -> dict[str, Any]:
        """The first article object of the page's JSON-LD, with publisher references resolved."""
        objects: list[dict[str, Any]] = []
        blocks = [
            script
            for script in self.root.iter("script")
            if (script.get("type") or "").split(";")[0].strip().lower() == "application/ld+json"
        ]
        for number, script in enumerate(blocks, start=1):
            raw = (script.text or "").strip()
            # Some pages wrap the block in an HTML comment or CDATA, for old browsers.
            raw = re.sub(r"^(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)$", "", raw).strip()
            if not raw:
                continue
            try:
                data = jsontext.loads(raw, strict=False)  # strict=False: raw newlines inside strings
            except ValueError as exc:
                where = (
                    f": {exc.msg} (line {exc.lineno}, column {exc.colno})"
                    if isinstance(exc, json.JSONDecodeError)
                    else ""
                )
                self.problems.append(
                    ("bad-json-ld", f"JSON-LD block {number} is not valid JSON{where}; ignored")
                )
                continue
            except RecursionError:
                self.problems.append(("bad-json-ld", f"JSON-LD block {number} is nested too deeply; ignored"))
                continue
            objects.extend(_json_ld_objects(data))
        by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str)}
        for obj in objects:
            if _is_article(obj):
                publisher = obj.get("publisher")
                if isinstance(publisher, list):
                    publisher = next((p for p in publisher if isinstance(p, dict)), None)
                reference = publisher.get("@id") if isinstance(publisher, dict) else None
                if isinstance(reference, str) and "name" not in publisher:  # {"@id": "#org"}
                    publisher = by_id.get(reference, publisher)
                return {**obj, "publisher": publisher}
        return {}

    def _json_ld_name(self) -> str | None:
        publisher = self.article.get("publisher")
        name = _string(publisher.get("name")) if isinstance(publisher, dict) else None
        return _collapse(html.unescape(name)) if name else None

    def _json_ld_url(self) -> str | None:
        url = _string(self.article.get("url"))
        if url:
            return url
        page = self.article.get("mainEntityOfPage")
        if isinstance(page, dict):
            return _string(page.get("@id")) or _string(page.get("url"))
        return _string(page)

    # Values, each with its source

    def date(self) -> DocumentDate | None:
        candidates: list[tuple[str, DateSource, str]] = []
        published = _string(self.article.get("datePublished"))
        if published:
            candidates.append(("JSON-LD datePublished", "json-ld", published))
        for key in DATE_META:
            for value in self.meta.get(key, ())[:1]:
                candidates.append((key, "html-meta", value))
        for element in self._times():
            candidates.append(("<time datetime>", "html-time", element.get("datetime", "").strip()))
        for where, source, value in candidates:
            found = page_date(value, source)
            if found:
                return found
            shape = "not a valid date" if _DATE_VALUE.fullmatch(value.strip()) else "not an ISO 8601 date"
            self.problems.append(("bad-date", f"{where} {value!r} is {shape}; ignored"))
        return None

    def _times(self) -> list[HtmlElement]:
        """<time datetime> elements that may date the article, best first, each once."""
        times = [t for t in self.root.iter("time") if (t.get("datetime") or "").strip()]
        if not times:
            return []
        stated = [
            t
            for t in times
            if (t.get("itemprop") or "").strip().lower() == "datepublished" or t.get("pubdate") is not None
        ]
        # Teasers in a sidebar may be <article>s too: the main one holds the most text. A page
        # with an <article> is dated by its times only, so a sidebar's never stands in for them.
        articles = list(self.root.iter("article"))
        main = max(articles, key=lambda a: len(a.text_content()), default=None)
        fallback = times if main is None else [t for t in times if main in t.iterancestors("article")]
        chosen: list[HtmlElement] = []
        for element in stated[:1] + fallback[:1]:
            if element not in chosen:
                chosen.append(element)
        return chosen

    def title(self) -> tuple[str | None, TitleSource | None]:
        og = self.first_meta("og:title")
        if og:
            return og, "html-meta"
        headline = _string(self.article.get("headline"))
        if headline and _collapse(html.unescape(headline)):
            return _collapse(html.unescape(headline)), "json-ld"
        for element in self.root.iter("title"):
            if not any(a.tag == "svg" for a in element.iterancestors()):
                text = _collapse(element.text_content())
                if text:
                    return text, "html-title"
        return None, None

    def _url_candidates(self) -> list[tuple[str, UrlSource]]:
        found: list[tuple[str, UrlSource]] = []
        for link in self.root.iter("link"):
            if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").strip():
                found.append((link.get("href", "").strip(), "html-canonical"))
                break
        og = self.first_meta("og:url")
        if og:
            found.append((og, "html-meta"))
        ld = self._json_ld_url()
        if ld:
            found.append((ld, "json-ld"))
        return found

    def urls(self) -> Iterator[tuple[str, UrlSource]]:
        """Absolute http(s) URLs of the page, best first; a relative one is resolved against
        another the page states, else left out."""
        candidates = self._url_candidates()
        base = next((value for value, _ in candidates if _is_web_url(value)), None)
        for value, source in candidates:
            absolute = value if _is_web_url(value) else (urljoin(base, value) if base else "")
            if absolute and _is_web_url(absolute):
                yield absolute, source

    def url(self) -> tuple[str | None, UrlSource | None]:
        return next(self.urls(), (None, None))

    def outlet(self, registry: OutletRegistry) -> tuple[str | None, OutletSource | None, Outlet | None]:
        """The outlet, its source and its registry entry.

        og:site_name, then the JSON-LD publisher, then the URL's host; a name the registry knows
        wins over one it does not (og:site_name is often a slogan), and a name not known is kept
        as written when nothing better is found.
        """
        names: list[tuple[str, OutletSource]] = []
        site_name = self.first_meta("og:site_name")
        if site_name:
            names.append((site_name, "html-meta"))
        publisher = self._json_ld_name()
        if publisher:
            names.append((publisher, "json-ld"))
        for name, source in names:
            entry = registry.named(name)
            if entry:
                return entry.name, source, entry
        for url, _ in self.urls():
            entry = registry.outlet_for_host(urlsplit(url).hostname or "")
            if entry:
                return entry.name, "url", entry
        if names:
            return names[0][0], names[0][1], None
        return None, None, None


def _json_ld_objects(data: object, depth: int = 0) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-LD value: lists, @graph and mainEntity opened, a few levels deep."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity"):
            if key in data:
                yield from _json_ld_objects(data[key], depth + 1)


def _is_article(obj: dict[str, Any]) -> bool:
    types = obj.get("@type")
    for name in types if isinstance(types, list) else [types]:
        if isinstance(name, str):
            # "NewsArticle", "schema:NewsArticle" or "https://schema.org/NewsArticle"
            short = re.split(r"[/:#]", name.strip())[-1]
            if short in _ARTICLE_TYPES or short.endswith("NewsArticle"):
                return True
    return False


def _selected(root: HtmlElement, selectors: Iterable[str]) -> list[HtmlElement]:
    """Elements matched by any selector, in page order; one inside another is read with it."""
    matched: dict[HtmlElement, None] = {}
    for selector in selectors:
        matched.update(dict.fromkeys(css_selector(selector)(root)))
    if not matched:
        return []
    position = {element: i for i, element in enumerate(root.iter())}
    ordered = sorted(matched, key=position.__getitem__)
    return [e for e in ordered if not any(a in matched for a in e.iterancestors())]


def _paragraphs(elements: Iterable[Any], skip: frozenset[str]) -> list[str]:
    """The text of `elements` as paragraphs: a block element or a line break ends one;
    whitespace inside a paragraph becomes single spaces."""
    paragraphs: list[str] = []
    line: list[str] = []

    def end_paragraph() -> None:
        text = " ".join("".join(line).split())
        if text:
            paragraphs.append(text)
        line.clear()

    for top in elements:
        # Iterative, so a deeply nested page cannot exhaust the stack; (element, True) closes it.
        stack: list[tuple[Any, bool]] = [(top, False)]
        while stack:
            element, closing = stack.pop()
            tag = element.tag if isinstance(element.tag, str) else ""  # "" for a comment
            if closing or not tag or tag in skip:
                if closing and tag in _BLOCKS:
                    end_paragraph()
                if element is not top and element.tail:
                    line.append(element.tail)  # text after an element is its parent's
                continue
            if tag in _BLOCKS or tag in _BREAKS:
                end_paragraph()
            elif tag in _CELLS and any(part.strip() for part in line):
                line.append(" | ")
            if element.text:
                line.append(element.text)
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
        end_paragraph()
    return paragraphs


def _trafilatura_paragraphs(root: HtmlElement) -> list[str]:
    # Imported here: it takes a noticeable time to load, and only pages need it.
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            root,  # trafilatura copies a tree it is given, so ours stays as it is
            output_format="xml",  # keeps the extracted tree, whose blocks are our paragraphs
            # No metadata pass: it runs htmldate, which guesses a date from any year on the page.
            with_metadata=False,
            include_comments=False,
            include_tables=True,  # data tables carry news (results, rates); old pages are laid out in them
            include_images=False,
            include_links=False,
            include_formatting=False,
            # Its duplicate filter remembers earlier pages: the same page could then read differently.
            deduplicate=False,
        )
    except RecursionError as exc:
        raise PageProblem("malformed HTML: elements nested too deeply to read") from exc
    body = getattr(document, "body", None)
    return [] if body is None else _paragraphs([body], _XML_SKIP)

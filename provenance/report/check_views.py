"""Views of a check result, rendered from its JSON dict: linter-style text and one HTML page."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from provenance.report.html import shown, template_environment
from provenance.report.messages import CATALOGUES, CHECK, CHECK_PAGE, Lang, plural

TEMPLATE = "check.html.j2"
_CLASSES = ("copied-text", "shared-quotation", "mixed")
# Counts of the page's sentences that carry their noun in English: singular, plural.
_COUNTED = {"findings": ("finding", "findings"), "documents": ("document", "documents")}


# A passage longer than this is shown by its first and last words.
_SHORT_CHARS = 80
_SPACES = re.compile(r"\s+")


def shortened(text: str, limit: int = _SHORT_CHARS) -> str:
    """`text` on one line (every run of spaces and line breaks one space), and when longer
    than `limit`, its beginning and end around " … ", cut between words."""
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    head, tail = flat[: limit * 2 // 3], flat[-(limit // 4) :]
    head = head[: head.rfind(" ")] if " " in head else head
    tail = tail[tail.find(" ") + 1 :] if " " in tail else tail
    return f"{head} … {tail}"


def _source_label(s: dict[str, Any], words: dict[str, str]) -> str:
    facts = [x for x in (s["outlet"], s["date"] or words["undated"]) if x]
    title = f" {words['passage'].format(text=shortened(s['title'], 60))}" if s.get("title") else ""
    url = f" {s['url']}" if s.get("url") else ""
    return f"{s['document']}{title} ({', '.join(facts)}){url}"


def finding_line(name: str, f: dict[str, Any], lang: Lang = "en") -> str:
    """`name:LINE:COLUMN: START-END what: "passage"; from whom` — one finding, as a linter
    prints one problem (line and column from 1, offsets in code points)."""
    words, t = CHECK[lang], CATALOGUES[lang]
    first = f["sources"][0]
    what = words[f["class"]]
    if f["severity"] == "uncredited":
        what = words["uncredited"].format(what=what)
    if f["credited"]:
        what += words["credited"]
    head = f"{what} ({t[first['kind']]}, {plural(lang, first['matched_words'], 'word')})"
    by_id = {s["document"]: s for s in f["sources"]}
    if f["status"] in ("determined", "tie"):
        earliest = "; ".join(
            words["at"].format(source=_source_label(s, words), start=s["start"], end=s["end"])
            for s in (by_id[i] for i in f["earliest"])
        )
        where = words["earliest_tie" if f["status"] == "tie" else "earliest"].format(sources=earliest)
    elif f["status"] == "undated":
        where = words["no_year"]
    else:
        where = words["all_later"]
    others = [s for s in f["sources"] if s["document"] not in f["earliest"]]
    also = words["also"].format(sources=", ".join(_source_label(s, words) for s in others)) if others else ""
    passage = words["passage"].format(text=shortened(f["snippet"]))
    return f"{name}:{f['line']}:{f['column']}: {f['start']}-{f['end']} {head}: {passage}; {where}{also}"


def render_text(result: dict[str, Any], lang: Lang = "en") -> str:
    """Every finding on its own line, then one summary line, in `lang`."""
    lines = [finding_line(d["name"], f, lang) for d in result["drafts"] for f in d["findings"]]
    s = result["summary"]
    if lang == "en":
        drafts = f"{s['drafts']} draft{'s' if s['drafts'] != 1 else ''}"
        findings = f"{s['findings']} finding{'s' if s['findings'] != 1 else ''}"
    else:  # counts after a label: see CHECK
        drafts, findings = s["drafts"], s["findings"]
    lines.append(
        CHECK[lang]["summary"].format(
            findings=findings,
            uncredited=s["uncredited"],
            drafts=drafts,
            failing=s["failing"],
            fail_on=result["fail_on"],
        )
    )
    return "\n".join(lines) + "\n"


def _segments(text: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out, pos = [], 0
    for n, f in enumerate(findings):
        if f["start"] > pos:
            out.append({"text": shown(text[pos : f["start"]]), "finding": None})
        out.append({"text": shown(text[f["start"] : f["end"]]), "finding": n})
        pos = f["end"]
    if pos < len(text):
        out.append({"text": shown(text[pos:]), "finding": None})
    return out


def render_check_html(result: dict[str, Any], lang: Lang = "en") -> str:
    """One self-contained page in `lang`: each draft with its findings marked, and their sources."""
    drafts = [{**d, "segments": _segments(d["text"], d["findings"])} for d in result["drafts"]]
    t = CHECK_PAGE[lang]

    def say(key: str, **values: Any) -> Markup:
        # The sentence escaped, then the values put in, each escaped unless already markup.
        if lang == "en":  # "1 finding", "2 findings": the count with its noun
            counted = {k: forms for k, forms in _COUNTED.items() if isinstance(values.get(k), int)}
            values.update({k: f"{values[k]} {forms[values[k] != 1]}" for k, forms in counted.items()})
        return Markup(escape(t[key])).format(**values)

    return (
        template_environment()
        .get_template(TEMPLATE)
        .render(
            result=result,
            drafts=drafts,
            lang=lang,
            t=t,
            say=say,
            code=lambda text: Markup("<code>{}</code>").format(text),
            classes={c: CHECK[lang][c] for c in _CLASSES},
            kinds=CATALOGUES[lang],
        )
    )

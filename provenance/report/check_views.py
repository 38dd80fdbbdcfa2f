"""Views of a check result, rendered from its JSON dict: linter-style text and one HTML page."""

from __future__ import annotations

from typing import Any

from provenance.report.html import shown, template_environment

TEMPLATE = "check.html.j2"
_CLASS_WORDS = {"copied-text": "copied text", "shared-quotation": "shared quotation", "mixed": "mixed"}


def _source_label(s: dict[str, Any]) -> str:
    facts = [x for x in (s["outlet"], s["date"] or "undated") if x]
    return f"{s['document']} ({', '.join(facts)})"


def finding_line(name: str, f: dict[str, Any]) -> str:
    """`name:START-END: what, from whom` — one finding, as a linter prints one problem."""
    first = f["sources"][0]
    what = (
        f"{f['severity']} {_CLASS_WORDS[f['class']]}"
        if f["severity"] == "uncredited"
        else _CLASS_WORDS[f["class"]]
    )
    if f["credited"]:
        what += ", credited"
    head = f"{what} ({first['kind']}, {first['matched_words']} words)"
    by_id = {s["document"]: s for s in f["sources"]}
    if f["status"] in ("determined", "tie"):
        earliest = "; ".join(
            f"{_source_label(by_id[i])} at {by_id[i]['start']}-{by_id[i]['end']}" for i in f["earliest"]
        )
        where = f"earliest {'(tie) ' if f['status'] == 'tie' else ''}{earliest}"
    elif f["status"] == "undated":
        where = "no earlier source with a year"
    else:
        where = "every source is later than the draft"
    others = [s for s in f["sources"] if s["document"] not in f["earliest"]]
    also = f"; also {', '.join(_source_label(s) for s in others)}" if others else ""
    return f"{name}:{f['start']}-{f['end']}: {head}; {where}{also}"


def render_text(result: dict[str, Any]) -> str:
    """Every finding on its own line, then one summary line."""
    lines = [finding_line(d["name"], f) for d in result["drafts"] for f in d["findings"]]
    s = result["summary"]
    drafts = f"{s['drafts']} draft{'s' if s['drafts'] != 1 else ''}"
    findings = f"{s['findings']} finding{'s' if s['findings'] != 1 else ''}"
    lines.append(
        f"{findings} ({s['uncredited']} uncredited) in {drafts}; {s['failing']} at or above --fail-on "
        f"{result['fail_on']}"
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


def render_check_html(result: dict[str, Any]) -> str:
    """One self-contained page: each draft with its findings marked, and their sources."""
    drafts = [{**d, "segments": _segments(d["text"], d["findings"])} for d in result["drafts"]]
    return (
        template_environment()
        .get_template(TEMPLATE)
        .render(result=result, drafts=drafts, classes=_CLASS_WORDS)
    )

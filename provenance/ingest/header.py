"""The optional inline header that opens a text: ` date 2025-10-10 First words of the article`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from provenance.ingest.dates import ISO_VALUE, parse_iso
from provenance.ingest.model import DocumentDate

# Only an ISO-shaped value makes a header, so an article that happens to start with the
# English word "date" keeps its first words.
_HEADER = re.compile(rf"[ \t\xa0]*date[ \t\xa0]+(?P<value>{ISO_VALUE})(?=\s|\Z)\s*")


@dataclass(frozen=True)
class Header:
    body_start: int  # offset of the first article character after the header
    date: DocumentDate | None  # None when the value is not a real date (e.g. 2025-02-30)
    value: str  # the header's date as written


def parse_header(text: str) -> Header | None:
    """The inline header at the very start of `text`, or None when there is none."""
    m = _HEADER.match(text)
    if not m:
        return None
    return Header(body_start=m.end(), date=parse_iso(m["value"], "header"), value=m["value"])

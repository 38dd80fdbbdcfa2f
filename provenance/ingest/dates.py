"""Publication dates: ISO values from headers and records, datelines and trailers in text,
in Russian, Kazakh (Cyrillic, and both Latin alphabets: 2018's and 2021's), English
("ALMATY, 11 October 2025 (nCa) —", "ASTANA, Oct 11 (Reuters) -"), Uzbek ("Toshkent,
11-oktyabr") and Kyrgyz ("Бишкек, 11 октябрь"; Kyrgyz and Uzbek Cyrillic name the months
as Russian does, in the nominative).

Hand-written patterns on purpose: general date parsers invent missing years (from today's
date) and read words such as "TODAY" as dates. Here a year is only ever taken from the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from provenance.ingest.model import DocumentDate
from provenance.text.lines import LINE_END, LINE_START, line_start

# Month names as they follow a day number: Russian genitive ("16 ноября"), Kazakh nominative
# ("11 қазан") in Cyrillic and in the Latin alphabets of 2018 ("qańtar") and 2021 ("qañtar"),
# Kyrgyz and Uzbek nominative ("11 октябрь", "11-oktyabr").
_MONTH_NAMES = {
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан",
    "kk-latn-2018": "qańtar aqpan naýryz sáýir mamyr maýsym shilde tamyz qyrkúıek qazan qarasha jeltoqsan",
    "kk-latn-2021": "qañtar aqpan nauryz säuir mamyr mausym şilde tamyz qyrküiek qazan qaraşa jeltoqsan",
    "ky, uz-cyrl": "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
    "uz-latn": "yanvar fevral mart aprel may iyun iyul avgust sentyabr oktyabr noyabr dekabr",
}
_EN_NAMES = "january february march april may june july august september october november december"
# English, with abbreviations (with or without their dot: "Oct 11", "Sept. 3").
_ENGLISH = {name: n for n, name in enumerate(_EN_NAMES.split(), start=1)}
_ENGLISH |= {name[:3]: n for name, n in list(_ENGLISH.items())} | {"sept": 9}
MONTHS: dict[str, int] = {
    name: number for names in _MONTH_NAMES.values() for number, name in enumerate(names.split(), start=1)
} | _ENGLISH
# Written in capitals, 2018's dotless ı is an I, which lower() makes an i: "QYRKÚIEK".
MONTHS |= {name.replace("ı", "i"): number for name, number in MONTHS.items() if "ı" in name}

DATELINE_ZONE = 200  # a dateline must start within this many characters of the body start
TRAILER_ZONE = 200  # a trailer must lie within this many characters of the (trimmed) body end


def _any_of(names: Iterable[str]) -> str:
    """A case-blind alternation of `names`, the longest first (so "sept" is tried before "sep")."""
    return "(?i:" + "|".join(sorted(names, key=len, reverse=True)) + ")"


_MONTH = _any_of(MONTHS) + r"(?:(?<=[A-Za-z]{3})\.)?"
# "16 ноября", "16 ноября 2025", "16 ноября 2025 г.", "16 ноября 2025 года", "11 қазан 2025 ж."
_WORD_DATE = (
    rf"(?<![\w.])(?P<day>\d{{1,2}})(?:[ \t\xa0]+|-)(?P<month>{_MONTH})(?!\w)"
    rf"(?:[ \t\xa0]+(?P<year>\d{{4}})(?!\d)"
    rf"(?:[ \t\xa0]*(?i:г\.|года|год(?!\w)|г(?!\w)|ж\.|жыл(?!\w)|j\.|jyl(?!\w)))?)?"
)
# English also puts the month first: "Oct 11", "October 11, 2025".
_EN_MONTH = _any_of(_ENGLISH)
_MONTH_FIRST = (
    rf"(?<![\w.])(?P<emonth>{_EN_MONTH})(?:\.|(?!\w))[ \t\xa0]+(?P<eday>\d{{1,2}})(?!\d)"
    rf"(?:,?[ \t\xa0]+(?P<eyear>\d{{4}})(?!\d))?"
)
# "10.10.2025" (trailers only: without a month name a bare number pair is too ambiguous)
_NUMERIC_DATE = r"(?<![\w.])(?P<nday>\d{1,2})\.(?P<nmonth>\d{1,2})\.(?P<nyear>\d{4})(?![\d.]\d)"

# A dateline opens a line of the body: a city (up to four words, capitalised) then "." or ","
# then the date. "Ташкент. 16 ноября." / "АСТАНА, 16 ноября 2025 г." / "Өскемен, 11 қазан."
_CAPITAL = "[A-ZА-ЯЁӘҒҚҢӨҰҮҺІÄĞÑÖŪÜŞİÁǴŃÓÚÝ]"
_CITY = rf"{_CAPITAL}[\w-]+(?:[ \t\xa0-]{_CAPITAL}[\w-]*){{0,3}}"
_DATELINE = re.compile(
    rf"{LINE_START}[ \t\xa0]*{_CITY}[ \t\xa0]*[.,][ \t\xa0]*(?:{_WORD_DATE}|{_MONTH_FIRST})"
)

# A trailer closes a line: nothing but a short byline may come before the date on its line
# ("///nCa, ", "Астана, ", or a sentence end), and only a time or punctuation after it.
# This keeps a date inside a closing sentence ("пройдет в Астане 9 августа.") out.
_LEAD = (
    rf"(?:{LINE_START}|(?<=[.!?…»\"”)])[ \t\xa0]+)"
    r"(?:(?:///)?[^\s,:]+(?:[ \t\xa0][^\s,:]+)?[ \t\xa0]*[,:][ \t\xa0]*)?"
)
_TAIL = rf"(?:[ \t\xa0]*,?[ \t\xa0]*\d{{1,2}}:\d{{2}})?[ \t\xa0.]*{LINE_END}"
_TRAILER = re.compile(rf"{_LEAD}(?:{_WORD_DATE}|{_MONTH_FIRST}|{_NUMERIC_DATE}){_TAIL}")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
ISO_VALUE = r"\d{4}-\d{2}-\d{2}(?:[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2}))?"


def parse_iso(value: str, source: str) -> DocumentDate | None:
    """`YYYY-MM-DD` (precision day) or an RFC 3339 date-time (precision datetime); None if invalid."""
    value = value.strip()
    try:
        if _ISO_DATE.fullmatch(value):
            return DocumentDate(date.fromisoformat(value).isoformat(), "day", source)  # type: ignore[arg-type]
        if _RFC3339.fullmatch(value):
            moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
            return DocumentDate(moment.isoformat(), "datetime", source)  # type: ignore[arg-type]
    except ValueError:  # e.g. 2025-02-30 or 25:00
        return None
    return None


def _make(day: str, month: int, year: str | None, source: str) -> DocumentDate | None:
    """A validated DocumentDate; a year-less date is checked against a leap year so 29 Feb passes."""
    try:
        when = date(int(year) if year else 2000, month, int(day))
    except ValueError:  # "30 февраля" is not a date
        return None
    if year:
        return DocumentDate(when.isoformat(), "day", source)  # type: ignore[arg-type]
    return DocumentDate(f"--{when.month:02d}-{when.day:02d}", "month-day", source)  # type: ignore[arg-type]


def _from_match(m: re.Match[str], source: str) -> DocumentDate | None:
    if m.groupdict().get("nday"):
        return _make(m["nday"], int(m["nmonth"]), m["nyear"], source)
    if m.groupdict().get("eday"):
        return _make(m["eday"], MONTHS[m["emonth"].lower().rstrip(".")], m["eyear"], source)
    return _make(m["day"], MONTHS[m["month"].lower().rstrip(".")], m["year"], source)


def find_dateline(text: str, body_start: int = 0, body_end: int | None = None) -> DocumentDate | None:
    """The dateline date near the start of the body, if any."""
    end = len(text) if body_end is None else body_end
    # Slice so that the body start counts as a line start (it may follow an inline header).
    window = text[body_start : min(end, body_start + DATELINE_ZONE + 200)]
    for m in _DATELINE.finditer(window):
        if m.start() > DATELINE_ZONE:
            break
        found = _from_match(m, "dateline")
        if found:
            return found
    return None


def find_trailer(text: str, body_start: int = 0, body_end: int | None = None) -> DocumentDate | None:
    """The last trailer date near the end of the body, if any."""
    end = len(text) if body_end is None else body_end
    body = text[body_start:end].rstrip()
    cut = max(0, len(body) - TRAILER_ZONE)
    # Match from the start of the line holding the cut, so a byline the cut falls into still
    # leads its date; then keep only dates that begin inside the zone.
    found = None
    for m in _TRAILER.finditer(body, line_start(body, cut)):
        if m.start(next(g for g in ("day", "eday", "nday") if m[g])) >= cut:
            found = _from_match(m, "trailer") or found
    return found


def extract_date(text: str, body_start: int = 0, body_end: int | None = None) -> DocumentDate:
    """The publication date stated in the body's dateline or trailer; never an invented year.

    A full date beats a month-day; when both are full and disagree the dateline wins.
    """
    dateline = find_dateline(text, body_start, body_end)
    trailer = find_trailer(text, body_start, body_end)
    if dateline and (dateline.has_year or not (trailer and trailer.has_year)):
        return dateline
    return trailer or DocumentDate()

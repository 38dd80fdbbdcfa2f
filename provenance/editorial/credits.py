"""Credit phrases: how an article says where its text came from, and whom it names.

"..., передает NUR.KZ со ссылкой на Акорду" credits two parties; "///nCa" closes an nCa
article. A credit names a publisher, so a cue needs a name right after it on the same line:
"сообщает - Президент ...", "сообщает, что" and "передает привет" credit no one.

Kazakh, Uzbek and Kyrgyz put the verb last: in "Бұл туралы Kazinform хабарлайды" the name
stands right before its cue, on the same line, as in English "…, Reuters reported"; "Ақпарат
көзі: Kazinform", "деп хабарлайды Kazinform", "Source: Kazinform", "Фото: …" and "according
to Kazinform" name it after. Before such a cue the name may take a case suffix after a hyphen
or apostrophe ("Kazinform-ға сілтеме жасап", "Kun.uz'ga ko'ra"), or be followed by a noun
("Tengrinews.kz тілшісі жазады", "Kazinform агенттігіне сілтеме жасап", "UzA muxbiri xabar
beradi"); a name in a case of its own ("ҚазАқпаратқа") resolves through the registry's forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from provenance.ingest.outlets import Outlet, OutletRegistry
from provenance.text.lines import has_line_break


@dataclass(frozen=True, slots=True)
class Credit:
    start: int  # span of the whole credit (cue + name) in the original text
    end: int
    cue: str  # stable lower-case label: "передает", "со ссылкой на", "///", ...
    name: str  # the name as written: "Акорду"
    source_id: str | None  # registry id when the name resolves, else None
    source_name: str | None  # the registry entry's canonical name, else None


_SP = "[ \t\u00a0\u202f]"  # a space that keeps the name on the cue's line

# Label → pattern. Plural and ё spellings share the label so that callers can count cues.
_CUES: tuple[tuple[str, str], ...] = (
    ("передает", r"переда[её]т|передают"),
    ("сообщает", r"сообща[ею]т"),
    ("пишет", r"пиш(?:ет|ут)"),
    ("информирует", r"информиру[ею]т"),
    ("сообщили в", rf"сообщили{_SP}+в"),  # only after "как": "сообщили в Астане" is a place
    ("со ссылкой на", rf"со{_SP}+ссылкой{_SP}+на"),
    ("по данным", rf"по{_SP}+данным"),
    ("по информации", rf"по{_SP}+информации"),
    ("по сообщению", rf"по{_SP}+сообщению"),
    ("источник", r"источник:"),
    ("ақпарат көзі", rf"ақпарат{_SP}+көзі:"),
    # Kazakh "..., - деп хабарлайды Kazinform" ("so reports Kazinform") names it after the verb.
    ("хабарлайды", rf"деп{_SP}+хабарла(?:йды|ды)"),
    ("жазады", rf"деп{_SP}+жаз(?:ады|ды)"),
    ("фото", r"фото:"),
    ("source", r"source:"),
    ("photo", r"photo:"),
    ("according to", rf"according{_SP}+to"),
    ("cited by", rf"cited{_SP}+by"),
)
_AP = "['’ʼʻ‘]"  # Uzbek o‘/g‘ and the ʼ of "ma’lum", as typed
_SUFFIX_MARK = "[-'’ʼʻ‘]"  # joins a case suffix to a Latin name: "Kazinform-ға", "Kun.uz'ga"
# Cues that follow the name they credit, each a word or phrase of its own: (label, a part of
# every match in lower case, pattern).
_CUES_AFTER_NAME: tuple[tuple[str, str, str], ...] = (
    # Kazakh: reports, writes (and their past forms), "referring to X" (X in the dative),
    # "according to X's report / data" (X in the genitive).
    ("хабарлайды", "хабарла", r"хабарла(?:йды|ды)"),
    ("жазады", "жаз", r"жаз(?:ады|ды)"),
    ("сілтеме жасап", "сілтеме", rf"сілтеме{_SP}+жаса(?:п|й{_SP}+отырып)"),
    ("хабарлауынша", "хабарлауынша", r"хабарлауынша"),
    ("мәліметінше", "мәліметінше", r"мәліметінше"),
    # Uzbek, Latin and Cyrillic: reports, announced, "according to X's data / report".
    ("xabar beradi", "xabar", rf"xabar{_SP}+ber(?:adi|di|moqda)"),
    ("ma'lum qildi", "qil", rf"ma{_AP}lum{_SP}+qil(?:di|moqda)"),
    ("ma'lumotiga ko'ra", "lumot", rf"ma{_AP}lumot(?:lar)?iga{_SP}+ko{_AP}ra"),
    ("xabariga ko'ra", "xabariga", rf"xabariga{_SP}+ko{_AP}ra"),
    ("хабар беради", "хабар", rf"хабар{_SP}+бер(?:ади|ди|моқда)"),
    ("маълум қилди", "маълум", rf"маълум{_SP}+қил(?:ди|моқда)"),
    ("маълумотига кўра", "маълумот", rf"маълумот(?:лар)?ига{_SP}+кўра"),
    ("хабарига кўра", "хабарига", rf"хабарига{_SP}+кўра"),
    # Kyrgyz: reports, informs, stated.
    ("кабарлайт", "кабарла", r"кабарла(?:йт|ды)"),
    ("маалымдайт", "маалымда", r"маалымда(?:йт|ды)"),
    ("билдирди", "билдир", r"билдир(?:ди|ет)"),
    # English "…, Reuters reported".
    ("reports", "report", r"report(?:s|ed)"),
    ("writes", "wr", r"wr(?:ites|ote)"),
)
# Uzbek "according to X": the dative suffix is on the name itself ("Kun.uz'ga ko'ra").
_CUES_ON_SUFFIX: tuple[tuple[str, str, str], ...] = (
    ("ga ko'ra", "ga", rf"ga{_SP}+ko{_AP}ra"),
    ("га кўра", "кўра", rf"га{_SP}+кўра"),
)
_AFTER: dict[str, tuple[str, str]] = {  # group name -> (stem, the group's pattern)
    **{
        f"k{i}": (stem, rf"(?<!\w)(?P<k{i}>{pattern})(?!\w)")
        for i, (_, stem, pattern) in enumerate(_CUES_AFTER_NAME)
    },
    **{
        f"s{i}": (stem, rf"(?<={_SUFFIX_MARK})(?P<s{i}>{pattern})(?!\w)")
        for i, (_, stem, pattern) in enumerate(_CUES_ON_SUFFIX)
    },
}
_LABELS_AFTER = {f"k{i}": label for i, (label, _, _) in enumerate(_CUES_AFTER_NAME)}
_LABELS_ON_SUFFIX = {f"s{i}": label for i, (label, _, _) in enumerate(_CUES_ON_SUFFIX)}


@cache
def _cue_after_re(groups: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(_AFTER[g][1] for g in groups), re.IGNORECASE)


def _cues_after_in(text: str, start: int, end: int) -> re.Pattern[str] | None:
    """The cues-after-name pattern, with only the cues whose stem text[start:end] holds: each
    alternative is tried at every position, and most texts hold few of them."""
    lowered = text[start:end].lower()
    groups = tuple(g for g, (stem, _) in _AFTER.items() if stem in lowered)
    return _cue_after_re(groups) if groups else None


# A noun between a name and the cue after it, in the case the cue asks for: "Tengrinews.kz
# тілшісі жазады" (its correspondent), "Kazinform агенттігіне сілтеме жасап" (its agency),
# "UzA muxbiri xabar beradi", "мэриянын маалымат кызматы кабарлады".
_NOUN_BEFORE_CUE_RE = re.compile(
    rf"(?<!\S)(?:(?:тілші|агенттіг|сайт|портал|басылым)(?:і|ы|іне|ына|інің|ының|сі|сіне|сінің)"
    rf"|баспасөз{_SP}+қызмет(?:і|іне|інің)"
    rf"|muxbiri|(?:matbuot|axborot){_SP}+xizmati(?:ning)?|мухбири|(?:матбуот|ахборот){_SP}+хизмати(?:нинг)?"
    rf"|кабарчысы|агенттиги|(?:басма{_SP}+сөз|маалымат){_SP}+кызматы)(?={_SP}*\Z)",
    re.IGNORECASE,
)
# A Kazakh or Uzbek case suffix after a hyphen or apostrophe, ending a Latin name:
# dative, genitive, ablative ("Kazinform-ға", "Tengrinews.kz-тің", "Kun.uz'ning").
_SUFFIX_RE = re.compile(
    rf"{_SUFFIX_MARK}(?:ға|ге|қа|ке|на|не|а|е|ның|нің|дың|дің|тың|тің|дан|ден|тан|тен|нан|нен"
    rf"|ga|ka|qa|ning|dan|дан|га|ка|қа|нинг)\Z",
    re.IGNORECASE,
)
_CUE_RE = re.compile(
    rf"(?<!\w)(?P<kak>как{_SP}+)?(?:"
    + "|".join(f"(?P<c{i}>{pattern})" for i, (_, pattern) in enumerate(_CUES))
    # A word cue ends where its word does; "источник:" and "///" may touch the name.
    + r")(?:(?<=\w)(?!\w)|(?<!\w))"
    + r"|(?P<slashes>///)",
    re.IGNORECASE,
)
_LABELS = {f"c{i}": label for i, (label, _) in enumerate(_CUES)}

# A word standing between cue and name, in any case form: "передает корреспондент Kazinform",
# "по данным агентства Reuters", "как сообщили в пресс-службе Акорды".
_NOUN_RE = re.compile(
    rf"(?:корреспондент(?:а|у|ом|е|ы|ов)?|(?:информационн(?:ое|ого|ому|ым|ом){_SP}+)?агентств(?:о|а|у|ом|е)"
    rf"|издани(?:е|я|ю|ем|и)|портал(?:а|у|ом|е)?|сайт(?:а|у|ом|е)?|пресс-служб(?:а|ы|е|у|ой))(?!\w){_SP}+",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"\w+(?:[.&'’‘-]\w+)*")  # "NUR.KZ", "Интерфакс-Казахстан", "O‘zA"
_CLAUSE_RE = re.compile(r"[,;:!?]|\.(?!\w)")
_QUOTES = {"«": "»", '"': '"', "“": "”", "„": "“"}
MAX_NAME_WORDS = 4
MAX_QUOTED_CHARS = 60  # a longer quotation is a quoted sentence, not a name

# A name found: (name start, name end, span end, registry entry or None).
_Named = tuple[int, int, int, Outlet | None]


def _name_like(word: str) -> bool:
    # Capitalised ("Reuters", "ТАСС") or Latin ("nCa", "kursiv.media"); a lower-case Russian
    # word is ordinary text ("передает привет").
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and (word[0].isupper() or all(c.isascii() for c in letters))


def _name_before_cue_like(word: str) -> bool:
    # Before a cue, words of the sentence come before the name; in Uzbek and English they are
    # Latin, so a plain lower-case word is one of them ("bu haqda Reuters xabar berdi"), while
    # "Reuters", "nCa" and "kun.uz" are names.
    return _name_like(word) and (word[0].isupper() or not word.isalpha() or not word.islower())


def _proper_name(text: str, pos: int, limit: int) -> int | None:
    """End of a run of 1-4 name-like words at `pos`, separated by single spaces."""
    end = None
    for _ in range(MAX_NAME_WORDS):
        m = _WORD_RE.match(text, pos)
        # A word cut by the end of the range is not the name as written.
        if not m or m.end() > limit or not _name_like(m.group()):
            break
        end = m.end()
        if end + 1 >= limit or not re.match(_SP, text[end]):
            break
        pos = end + 1
    return end


def _resolved(registry: OutletRegistry, text: str, pos: int, limit: int) -> tuple[Outlet, int] | None:
    found = registry.name_at(text, pos)
    return found if found and found[1] <= limit else None


def _quoted(text: str, pos: int, limit: int, registry: OutletRegistry) -> _Named | None:
    """A name in quotation marks; the span takes in the closing mark."""
    close = _QUOTES.get(text[pos]) if pos < limit else None
    if close is None:
        return None
    inner = pos + 1
    stop = text.find(close, inner, min(limit, inner + MAX_QUOTED_CHARS))
    if stop <= inner or has_line_break(text, inner, stop):
        return None
    found = _resolved(registry, text, inner, stop)
    if found and found[1] == stop:
        return inner, stop, stop + 1, found[0]
    # Quotation marks bound the name, so lower-case words inside it belong to it
    # («Российская газета»); a quoted clause or sentence is not a name.
    content = text[inner:stop]
    words = content.split()
    if (
        content == content.strip()
        and len(words) <= MAX_NAME_WORDS
        and _name_like(words[0])
        and not _CLAUSE_RE.search(content)
    ):
        return inner, stop, stop + 1, None
    return None


def _known(text: str, pos: int, limit: int, registry: OutletRegistry) -> _Named | None:
    """A registry name, bare or in quotation marks, written at `pos`."""
    found = _resolved(registry, text, pos, limit)
    if found:
        return pos, found[1], found[1], found[0]
    return _quoted(text, pos, limit, registry)


def _name(text: str, pos: int, limit: int, registry: OutletRegistry) -> _Named | None:
    """The name written at `pos`: a registry entry, a quoted name or a run of proper words."""
    named = _known(text, pos, limit, registry)
    if named:
        return named
    noun = _NOUN_RE.match(text, pos, limit)
    if noun:
        # The noun is part of the credit, the name follows it: "передает агентство Reuters".
        pos = noun.end()
        named = _known(text, pos, limit, registry)
        if named:
            return named
    end = _proper_name(text, pos, limit)
    return (pos, end, end, None) if end is not None else None


def _name_end(text: str, cue: int, start: int, on_suffix: bool) -> tuple[int, bool] | None:
    """Where the name before a cue at `cue` ends, past the spaces, noun and case suffix that
    may stand between them, and whether a suffix was joined to it; None when no word comes
    before the cue."""
    if on_suffix:  # the cue begins with the suffix: "Kun.uz'ga ko'ra"
        return (cue - 1, True) if cue - 1 > start and text[cue - 2].isalnum() else None
    end = _before_spaces(text, cue, start)
    if end == cue:
        return None  # the cue does not follow a word
    noun = _NOUN_BEFORE_CUE_RE.search(text, max(start, end - 40), end)
    if noun:
        end = _before_spaces(text, noun.start(), start)
        if end == noun.start():
            return None  # a noun with no name before it
    suffix = _SUFFIX_RE.search(text, max(start, end - 6), end)
    if suffix and suffix.start() > start and text[suffix.start() - 1].isalnum():
        return suffix.start(), True
    return end, False


def _name_before(
    text: str, cue: int, start: int, registry: OutletRegistry, on_suffix: bool = False
) -> _Named | None:
    """The name ending right before a cue at `cue` (spaces, a noun or a case suffix between),
    on the cue's line: the longest of up to four words before it that is a registry name or a
    run of proper words."""
    found_end = _name_end(text, cue, start, on_suffix)
    if found_end is None:
        return None
    end, suffixed = found_end
    words = [m for m in _WORD_RE.finditer(text, max(start, end - 200), end) if m.end() <= end]
    # Only the words that run up to the cue, each a single space after the one before it.
    run: list[re.Match[str]] = []
    for m in reversed(words):
        limit = run[-1].start() if run else end
        if m.end() != limit and not (run and m.end() + 1 == limit and re.match(_SP, text[m.end()])):
            break
        run.append(m)
        if len(run) == MAX_NAME_WORDS:
            break
    for m in reversed(run):  # the longest first
        found = _known(text, m.start(), end, registry)
        if found and found[1] == end:
            return found
    count = next((i for i, m in enumerate(run) if not _name_before_cue_like(m.group())), len(run))
    if count == 0 or (count == len(run) and not suffixed and not _after_a_word(text, run[-1].start(), start)):
        # A capital opening a sentence is no name ("Ол хабарлайды", "He reported"); a word of
        # the sentence before the name shows it ("Бұл туралы Листок Приречья хабарлайды"), and
        # so does a suffix joined by a hyphen or apostrophe, which only a foreign name takes
        # ("Reuters'ga ko'ra").
        return None
    return run[count - 1].start(), end, end, None


def _before_spaces(text: str, pos: int, start: int) -> int:
    """Where the spaces (those that keep a line) ending at `pos` begin, not before `start`."""
    while pos > start and re.match(_SP, text[pos - 1]):
        pos -= 1
    return pos


def _after_a_word(text: str, pos: int, start: int) -> bool:
    pos = _before_spaces(text, pos, start)
    # A word of the sentence, or its comma ("The talks ended, Reuters reported").
    return pos > start and (text[pos - 1].isalnum() or text[pos - 1] == ",")


def find_credits(text: str, registry: OutletRegistry, start: int = 0, end: int | None = None) -> list[Credit]:
    """Credit phrases in text[start:end], in text order."""
    start, end, _ = slice(start, end).indices(len(text))
    credits = _credits_before_cue(text, registry, start, end)
    cues_after = _cues_after_in(text, start, end)
    for m in cues_after.finditer(text, start, end) if cues_after else ():
        key = m.lastgroup
        assert key is not None  # every alternative is a named group
        on_suffix = key in _LABELS_ON_SUFFIX
        named = _name_before(text, m.start(), start, registry, on_suffix)
        if named is None:
            continue
        name_start, name_end, _, outlet = named
        label = _LABELS_ON_SUFFIX[key] if on_suffix else _LABELS_AFTER[key]
        credits.append(
            Credit(
                start=name_start,
                end=m.end(),
                cue=label,
                name=text[name_start:name_end],
                source_id=outlet.id if outlet else None,
                source_name=outlet.name if outlet else None,
            )
        )
    kept: list[Credit] = []
    for credit in sorted(credits, key=lambda c: (c.start, c.end)):
        # A name between a cue before it and a cue after it ("деп хабарлайды X хабарлайды")
        # is credited once, by the first.
        if not kept or credit.start >= kept[-1].end:
            kept.append(credit)
    return kept


def _credits_before_cue(text: str, registry: OutletRegistry, start: int, end: int) -> list[Credit]:
    credits: list[Credit] = []
    pos = start
    while (m := _CUE_RE.search(text, pos, end)) is not None:
        pos = m.end()
        label = "///" if m.group("slashes") else next(label for key, label in _LABELS.items() if m.group(key))
        if label == "сообщили в" and not m.group("kak"):
            continue
        after = m.end()
        while after < end and re.match(_SP, text[after]):
            after += 1
        named = _name(text, after, end, registry)
        if named is None:
            continue
        name_start, name_end, span_end, outlet = named
        credits.append(
            Credit(
                start=m.start(),
                end=span_end,
                cue=label,
                name=text[name_start:name_end],
                source_id=outlet.id if outlet else None,
                source_name=outlet.name if outlet else None,
            )
        )
        pos = span_end
    return credits

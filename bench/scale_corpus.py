"""Large folders of dated articles with planted reuse, for the speed-and-scale benchmark.

`generate(n, folder)` writes n articles as `.txt` files, the way users keep them: a thousand
files per subfolder, each opening with the inline ` date YYYY-MM-DD ` header and ending with a
byline naming one of 50 outlets. Dates run through 2025 in article order, so a lower number is
never later. After the first articles, about 30 % of them copy one to three passages from one
of the previous 2,000 (news is copied within days): a whole paragraph or a single sentence, as
a paragraph of its own or inside one of the article's paragraphs, a third of the copies with a
word or two changed or dropped. Every copy is recorded with its offsets in both files
(`Planted`).

Articles are streamed to disk; only the recent articles the planting copies from stay in
memory, so 100,000 articles take about a minute and little memory.
"""

from __future__ import annotations

import json
import random
import re
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.synthetic_russian import Prose

START = date(2025, 1, 1)
DAYS = 365
PER_FOLDER = 1000  # files per subfolder, as archives and scrapers split them
WARMUP = 50  # the first articles copy nothing: there is little to copy from yet
REUSE_SHARE = 0.3
RECENT = 2000  # copies come from the last RECENT articles
EDIT_SHARE = 1 / 3
EDGE_WORDS = 3  # edits never touch the first or last words of a copy
# The tool reports passages of 8 matched words or more; a copied sentence of 12 words keeps
# at least 8 after the heaviest edit, so every planted copy is reuse the tool claims to find.
MIN_SENTENCE_WORDS = 12

_KINDS = ("Вестник", "Курьер", "Голос", "Эхо", "Обозреватель", "Телеграф", "Экспресс", "Листок", "Хроника")
_PLACES = ("Приречья", "Заозерья", "Степи", "Долины", "Побережья", "Предгорья")
OUTLETS = [f"{k} {p}" for k in _KINDS for p in _PLACES][:50]

_WORD = re.compile(r"\w+")


def article_id(number: int) -> str:
    """The document id the scan gives article `number`: its path without `.txt`."""
    return f"{number // PER_FOLDER:04d}/a{number:07d}"


def planted_path(folder: Path) -> Path:
    """Where the planted copies are written: beside the folder, so the scan never reads them."""
    return folder.parent / (folder.name + ".planted.json")


@dataclass(frozen=True)
class Copy:
    """One planted copy. Spans are `[start, end)` code-point offsets into the whole file text,
    header included; paragraphs are numbered as the file splits at blank lines."""

    source: str
    target: str
    source_span: tuple[int, int]
    target_span: tuple[int, int]
    source_paragraph: int
    target_paragraph: int
    unit: str  # "paragraph" or "sentence"
    placement: str  # "own-paragraph" or "inside-paragraph"
    edited: bool


@dataclass
class Planted:
    articles: int
    seed: int
    byline: bool = True
    copies: list[Copy] = field(default_factory=list)

    @property
    def targets(self) -> set[str]:
        return {c.target for c in self.copies}

    def to_json(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "seed": self.seed,
            "byline": self.byline,
            "copies": [asdict(c) for c in self.copies],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Planted:
        copies = [
            Copy(**{**c, "source_span": tuple(c["source_span"]), "target_span": tuple(c["target_span"])})
            for c in data["copies"]
        ]
        return cls(data["articles"], data["seed"], data.get("byline", True), copies)


def load_planted(folder: Path) -> Planted:
    return Planted.from_json(json.loads(planted_path(folder).read_text(encoding="utf-8")))


@dataclass
class _Piece:
    text: str
    copy: int | None = None  # index of the pending copy this text is, None for the article's own
    own: bool = True  # False for the byline: never copied


@dataclass
class _Source:
    """What the planting needs of an earlier article."""

    id: str
    text: str
    paragraphs: list[tuple[int, int, int]]  # start, end, paragraph number: wholly its own text
    sentences: list[tuple[int, int, int]]  # start, end, paragraph number: long enough to copy


@dataclass
class _Pending:
    source: _Source
    span: tuple[int, int, int]
    unit: str
    placement: str
    edited: bool


def _edit(text: str, rng: random.Random, prose: Prose) -> str:
    """One or two words changed or dropped, away from the copy's first and last words."""
    words = text.split(" ")
    where = [k for k in range(EDGE_WORDS, len(words) - EDGE_WORDS) if words[k].isalpha()]
    if not where:
        return text
    for k in sorted(rng.sample(where, min(len(where), rng.choice((1, 2)))), reverse=True):
        if rng.random() < 0.5:
            del words[k]
        else:
            new = prose.word()
            while new == words[k]:
                new = prose.word()
            words[k] = new
    return " ".join(words)


def _plan(rng: random.Random, recent: deque[_Source]) -> list[_Pending]:
    plans: list[_Pending] = []
    taken: set[tuple[str, int]] = set()  # (source, paragraph): one copy from each
    for _ in range(rng.choices((1, 2, 3), weights=(5, 3, 2))[0]):
        source = recent[rng.randrange(len(recent))]
        unit = "paragraph" if rng.random() < 0.5 else "sentence"
        pool = source.paragraphs if unit == "paragraph" else source.sentences
        pool = [s for s in pool if (source.id, s[2]) not in taken]
        if not pool:
            continue
        span = pool[rng.randrange(len(pool))]
        taken.add((source.id, span[2]))
        own = rng.random() < (0.75 if unit == "paragraph" else 0.3)
        plans.append(
            _Pending(
                source, span, unit, "own-paragraph" if own else "inside-paragraph", rng.random() < EDIT_SHARE
            )
        )
    return plans


def _compose(
    number: int, day: str, rng: random.Random, prose: Prose, recent: deque[_Source], planted: Planted
) -> tuple[str, _Source]:
    """The text of article `number`; its copies go to `planted`."""
    doc_id = article_id(number)
    paras = [[_Piece(s) for s in prose.paragraph(rng.randint(3, 5))] for _ in range(rng.randint(7, 9))]
    plans = _plan(rng, recent) if number >= WARMUP and rng.random() < REUSE_SHARE else []
    for k, plan in enumerate(plans):
        original = plan.source.text[plan.span[0] : plan.span[1]]
        text = _edit(original, rng, prose) if plan.edited else original
        plan.edited = text != original
        if plan.placement == "own-paragraph":
            paras.insert(rng.randint(0, len(paras)), [_Piece(text, k)])
        else:
            hosts = [p for p in paras if all(piece.copy is None for piece in p)]
            host = hosts[rng.randrange(len(hosts))]
            host.insert(rng.randint(0, len(host)), _Piece(text, k))
    outlet = OUTLETS[rng.randrange(len(OUTLETS))]  # drawn either way: the rest of the text is the same
    if planted.byline:
        paras.append([_Piece(f"Источник: {outlet}.", own=False)])

    # Join, recording offsets: the header runs straight into the first paragraph.
    header = f" date {day} "
    parts, pos = [header], len(header)
    spans: dict[int, tuple[int, int, int]] = {}
    own_paragraphs: list[tuple[int, int, int]] = []
    own_sentences: list[tuple[int, int, int]] = []
    for n, para in enumerate(paras):
        if n:
            parts.append("\n\n")
            pos += 2
        start = pos
        for k, piece in enumerate(para):
            if k:
                parts.append(" ")
                pos += 1
            parts.append(piece.text)
            if piece.copy is not None:
                spans[piece.copy] = (pos, pos + len(piece.text), n)
            elif piece.own and len(_WORD.findall(piece.text)) >= MIN_SENTENCE_WORDS:
                own_sentences.append((pos, pos + len(piece.text), n))
            pos += len(piece.text)
        # Only text this article wrote is copied on, so every copy has one true source.
        if all(piece.copy is None and piece.own for piece in para):
            own_paragraphs.append((start, pos, n))
    text = "".join(parts)
    for k, plan in enumerate(plans):
        s, e, n = spans[k]
        planted.copies.append(
            Copy(
                source=plan.source.id,
                target=doc_id,
                source_span=(plan.span[0], plan.span[1]),
                target_span=(s, e),
                source_paragraph=plan.span[2],
                target_paragraph=n,
                unit=plan.unit,
                placement=plan.placement,
                edited=plan.edited,
            )
        )
    return text, _Source(doc_id, text, own_paragraphs, own_sentences)


def generate(n: int, folder: Path, seed: int = 1, byline: bool = True) -> Planted:
    """Write `n` articles under `folder` (created; must be empty) and the planted copies beside it.

    `byline=False` leaves out the closing `Источник: <outlet>.` line and changes nothing else.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder}: not empty")
    rng = random.Random(seed)
    prose = Prose(random.Random(seed + 1))
    recent: deque[_Source] = deque(maxlen=RECENT)
    planted = Planted(n, seed, byline)
    for number in range(n):
        day = (START + timedelta(days=number * DAYS // max(n, 1))).isoformat()
        text, source = _compose(number, day, rng, prose, recent, planted)
        path = folder / (article_id(number) + ".txt")
        if number % PER_FOLDER == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        recent.append(source)
    # Written last: its presence says the folder is complete.
    planted_path(folder).write_text(
        json.dumps(planted.to_json(), ensure_ascii=False) + "\n", encoding="utf-8", newline="\n"
    )
    return planted

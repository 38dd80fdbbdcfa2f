"""Articles derived from the seed articles the way newsrooms reuse text, with the gold lineage.

Every sentence placed in a generated article carries a *tag*: the document and sentence it
first appeared in. Copying keeps the tag, whatever the edits, so for any two documents the
gold reuse between them is the run of sentences whose tags they share, and the true
earliest source of a sentence is its earliest-dated holder (several, on a same-day tie).

Operations: a paragraph copied whole; one or two sentences copied into new surrounding
text; quotation marks and dashes changed; words dropped or inserted; sentences and
paragraphs reordered; paragraphs split or merged; a dateline or byline prepended; copies
of copies (C copies B's edit of A); copies on the same day as their source.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.synthetic_russian import Prose
from provenance.ingest.dates import MONTHS
from provenance.settings import DetectionSettings

Tag = tuple[str, int]

# The seeds have full dates only in part; the generated corpus gives each one, so all
# five can be sources (003 has no date at all, 004 a dateline without a year).
SEED_DATES = {
    "000": "2025-10-10",
    "001": "2025-10-09",
    "002": "2025-10-10",
    "003": "2025-10-08",
    "004": "2025-11-16",
}
START = date(2025, 10, 11)
RECENT = 150  # derived articles are copied from the last RECENT ones (about nine days)
MIN_WORDS = DetectionSettings().min_words  # shorter shared runs are not reported, so not required
_MONTHS = list(MONTHS)  # genitive month names, January first, as datelines write them
_CITIES = ("Астана", "Алматы", "Ташкент", "Бишкек", "Душанбе", "Ашхабад")
_AUTHORS = ("Айгуль Сейткали", "Иван Петров", "Дана Омарова", "Ержан Касымов", "Мария Ли")
_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


@dataclass
class Sentence:
    text: str
    tag: Tag | None  # None: page furniture of this copy (dateline, byline), never reused


@dataclass
class Paragraph:
    sentences: list[Sentence]
    prefix: str = ""  # a dateline run into the first sentence


@dataclass
class Article:
    id: str
    date: str
    outlet: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    text: str = ""  # set by `seal`
    spans: list[tuple[Tag | None, int, int]] = field(default_factory=list)  # per sentence, in order

    @property
    def tags(self) -> set[Tag]:
        return {s.tag for p in self.paragraphs for s in p.sentences if s.tag}

    def seal(self) -> None:
        """Join paragraphs into the text, recording each sentence's offsets."""
        parts: list[str] = []
        pos = 0
        spans: list[tuple[Tag | None, int, int]] = []
        for n, p in enumerate(self.paragraphs):
            if n:
                parts.append("\n\n")
                pos += 2
            parts.append(p.prefix)
            pos += len(p.prefix)
            for k, s in enumerate(p.sentences):
                if k:
                    parts.append(" ")
                    pos += 1
                parts.append(s.text)
                spans.append((s.tag, pos, pos + len(s.text)))
                pos += len(s.text)
        self.text = "".join(parts)
        self.spans = spans


# --- seeds ---------------------------------------------------------------------------

_HEADER = re.compile(r"\A\s*date\s+\d{4}-\d{2}-\d{2}\s+")
_SPLIT = re.compile(r"(?<=[.!?…»\"])\s+(?=[«\"A-ZА-ЯЁ0-9])")


def _words(text: str) -> list[str]:
    return [w.lower().replace("ё", "е") for w in _WORD.findall(text)]


def _runs(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def load_seeds(folder: Path) -> list[Article]:
    """Each seed as an article whose paragraphs are the runs of sentences that may be copied.

    Not copyable: sentences the seeds already share with each other (their true lineage
    is not known), sentences repeated inside one seed (scraper duplicates), and fragments
    under five words (captions, buttons).
    """
    seeds: list[tuple[Article, list[tuple[int, int, str]]]] = []
    for path in sorted(folder.glob("*.txt")):
        sid = path.name[:3]
        text = path.read_text(encoding="utf-8-sig")
        header = _HEADER.match(text)
        body = header.end() if header else 0
        sentences: list[tuple[int, int, str]] = []  # start, end, paragraph key
        for para in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*\Z)", text[body:], flags=re.S):
            p_start = body + para.start()
            chunk = para.group()
            cut = 0
            for m in [*list(_SPLIT.finditer(chunk)), None]:
                end = m.start() if m else len(chunk)
                piece = chunk[cut:end]
                if piece.strip():
                    sentences.append((p_start + cut, p_start + end, str(p_start)))
                cut = m.end() if m else cut
        seeds.append(
            (Article(id=path.stem, date=SEED_DATES[sid], outlet=f"seed-{sid}", text=text), sentences)
        )
    out: list[Article] = []
    # Where each 5-word run occurs: a run in two sentences (of one seed or two) is text
    # the seeds already share, whose true lineage the generator does not know.
    where: dict[tuple[str, ...], set[tuple[str, int]]] = defaultdict(set)
    for article, sentences in seeds:
        for n, (s, e, _) in enumerate(sentences):
            for run in _runs(_words(article.text[s:e]), 5):
                where[run].add((article.id, n))
    for article, sentences in seeds:
        text = article.text
        article.spans = [((article.id, n), s, e) for n, (s, e, _) in enumerate(sentences)]
        ok = [
            word_count(text[s:e]) >= 5 and all(len(where[r]) == 1 for r in _runs(_words(text[s:e]), 5))
            for s, e, _ in sentences
        ]
        # Copyable material: maximal runs of copyable sentences inside one paragraph.
        material: list[list[int]] = []
        for n, (_, _, key) in enumerate(sentences):
            if not ok[n]:
                continue
            if material and material[-1][-1] == n - 1 and sentences[n - 1][2] == key:
                material[-1].append(n)
            else:
                material.append([n])
        # Paragraphs as the generator sees them, so seeds are copied like any article.
        article.paragraphs = [
            Paragraph([Sentence(text[sentences[n][0] : sentences[n][1]], (article.id, n)) for n in run])
            for run in material
        ]
        out.append(article)
    return out


# --- edits ---------------------------------------------------------------------------

_QUOTES = (("«", "»"), ('"', '"'), ("„", "“"))
_DASHES = ("—", "–", "-")


def _marks(text: str, rng: random.Random) -> str:
    opening, closing = rng.choice(_QUOTES)
    text = re.sub(r"[«„]|\"(?=\w)", opening, text)
    text = re.sub(r"[»“]|(?<=[\w.,!?])\"", closing, text)
    return re.sub(r"(?<= )[—–-](?= )", rng.choice(_DASHES), text)


def _drop_word(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    if len(words) < 12:
        return text
    i = rng.randrange(2, len(words) - 2)
    return " ".join(words[:i] + words[i + 1 :])


def _insert_word(text: str, rng: random.Random, prose: Prose) -> str:
    words = text.split(" ")
    if len(words) < 12:
        return text
    i = rng.randrange(2, len(words) - 2)
    return " ".join([*words[:i], prose.adjective(), *words[i:]])


def edit(text: str, rng: random.Random, prose: Prose) -> tuple[str, list[str]]:
    """A light newsroom edit of one sentence, and the names of the edits applied."""
    done: list[str] = []
    if rng.random() < 0.3:
        text, done = _marks(text, rng), ["marks"]
    r = rng.random()
    if r < 0.15:
        edited = _drop_word(text, rng)
        done += ["drop-word"] if edited != text else []
        text = edited
    elif r < 0.3:
        edited = _insert_word(text, rng, prose)
        done += ["insert-word"] if edited != text else []
        text = edited
    return text, done


# --- the generator ---------------------------------------------------------------------


@dataclass
class Corpus:
    articles: list[Article]
    seeds: set[str]
    operations: dict[str, int]


def _dateline(day: str, outlet: str, rng: random.Random) -> str:
    d = date.fromisoformat(day)
    return f"{rng.choice(_CITIES)}. {d.day} {_MONTHS[d.month - 1]}. {outlet.upper()} - "


def generate(seed_folder: Path, derived: int, seed: int = 1, days: int = 120, outlets: int = 40) -> Corpus:
    """`derived` articles after the seeds, each copying one to three passages."""
    rng = random.Random(seed)
    prose = Prose(random.Random(seed + 1))
    seeds = load_seeds(seed_folder)
    articles: list[Article] = list(seeds)
    seed_ids = {a.id for a in articles}
    ops: dict[str, int] = defaultdict(int)
    by_date: dict[str, list[int]] = defaultdict(list)
    for n, a in enumerate(articles):
        by_date[a.date].append(n)
    for i in range(derived):
        day = (START + timedelta(days=i * days // max(derived, 1))).isoformat()
        doc = Article(id=f"gen-{i:05d}", date=day, outlet=f"Outlet {rng.randrange(outlets):02d}")
        count = 0
        for _ in range(rng.randint(3, 6)):
            sentences = []
            for _ in range(rng.randint(2, 4)):
                sentences.append(Sentence(prose.sentence(), (doc.id, count)))
                count += 1
            doc.paragraphs.append(Paragraph(sentences))
        used: set[Tag] = set()
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            same_day = [n for n in by_date.get(day, []) if articles[n].id not in seed_ids]
            dated_seeds = [a for a in articles[: len(seeds)] if a.date <= day]
            if same_day and rng.random() < 0.15:
                source, how = articles[rng.choice(same_day)], "same-day"
            elif rng.random() < 0.12 or len(articles) == len(seeds):
                source, how = rng.choice(dated_seeds), "from-seed"
            else:
                # News is copied within days: the source is one of the recent articles.
                source = articles[rng.randrange(max(len(seeds), len(articles) - RECENT), len(articles))]
                copied = source.tags - {t for t in source.tags if t[0] == source.id}
                how = "chain" if copied else "from-derived"
            paras = [p for p in source.paragraphs if any(s.tag for s in p.sentences)]
            if not paras:
                continue
            pick = rng.randrange(len(paras))
            if how == "chain":
                # Prefer a paragraph holding text the source itself copied: C copies B's edit of A.
                chained = [
                    k
                    for k, p in enumerate(paras)
                    if any(s.tag and s.tag[0] != source.id for s in p.sentences)
                ]
                pick = rng.choice(chained) if chained else pick
            material = [s for s in paras[pick].sentences if s.tag and s.tag not in used]
            if not material:
                continue
            op = rng.choice(("paragraph", "paragraph", "sentences", "sentences", "reorder", "two-paragraphs"))
            ops[how] += 1
            if op == "sentences" or len(material) < 2:
                k = rng.randint(0, len(material) - 1)
                taken = material[k : k + rng.choice((1, 2))]
                ops["sentences-into-new-text"] += 1
            else:
                taken = list(material)
            copies = []
            for s in taken:
                text, edits = edit(s.text, rng, prose)
                for e in edits:
                    ops[e] += 1
                copies.append(Sentence(text, s.tag))
            used.update(s.tag for s in copies if s.tag)
            where = rng.randrange(len(doc.paragraphs) + 1)
            if op == "sentences" or (len(taken) == 1 and op != "paragraph"):
                host = doc.paragraphs[min(where, len(doc.paragraphs) - 1)].sentences
                at = rng.randint(0, len(host))
                host[at:at] = copies
            elif op == "reorder" and len(copies) >= 2:
                k = rng.randrange(len(copies) - 1)
                copies[k], copies[k + 1] = copies[k + 1], copies[k]
                ops["reorder-sentences"] += 1
                doc.paragraphs.insert(where, Paragraph(copies))
            elif op == "two-paragraphs" and len(paras) >= 2:
                other = paras[(pick + 1) % len(paras)]
                extra = [
                    Sentence(edit(s.text, rng, prose)[0], s.tag)
                    for s in other.sentences
                    if s.tag and s.tag not in used
                ]
                used.update(s.tag for s in extra if s.tag)
                if extra and rng.random() < 0.5:
                    doc.paragraphs.insert(where, Paragraph(copies + extra))
                    ops["merge-paragraphs"] += 1
                elif extra:
                    doc.paragraphs[where:where] = [Paragraph(extra), Paragraph(copies)]
                    ops["reorder-paragraphs"] += 1
                else:
                    doc.paragraphs.insert(where, Paragraph(copies))
            elif len(copies) >= 3 and rng.random() < 0.4:
                k = rng.randint(1, len(copies) - 1)
                doc.paragraphs[where:where] = [Paragraph(copies[:k]), Paragraph(copies[k:])]
                ops["split-paragraph"] += 1
            else:
                doc.paragraphs.insert(where, Paragraph(copies))
                ops["whole-paragraph"] += 1
        r = rng.random()
        if r < 0.3:
            doc.paragraphs[0].prefix = _dateline(day, doc.outlet, rng)
            ops["dateline"] += 1
        elif r < 0.45:
            doc.paragraphs.insert(0, Paragraph([Sentence(f"Автор: {rng.choice(_AUTHORS)}", None)]))
            ops["byline"] += 1
        doc.seal()
        by_date[day].append(len(articles))
        articles.append(doc)
    return Corpus(articles, seed_ids, dict(sorted(ops.items())))


def records(corpus: Corpus) -> list[dict[str, Any]]:
    """Input records for `scan`: one per article, dated, with its outlet."""
    return [{"id": a.id, "text": a.text, "date": a.date, "outlet": a.outlet} for a in corpus.articles]


# --- gold ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldRun:
    """Sentences two documents share, consecutive and in the same order in both."""

    x: str
    x_span: tuple[int, int]
    y: str
    y_span: tuple[int, int]
    words: int


@dataclass(frozen=True)
class PlantedSentence:
    """A copied sentence and the documents that truly hold it first."""

    document: str
    span: tuple[int, int]
    earliest: tuple[str, ...]  # more than one: a same-day tie


@dataclass
class Gold:
    runs: list[GoldRun]
    related: set[tuple[str, str]]  # document pairs sharing any planted sentence
    planted: list[PlantedSentence]
    unscored: set[tuple[str, str]]  # seed pairs: their shared text predates the generator


def gold(corpus: Corpus) -> Gold:
    arts = corpus.articles
    holders: dict[Tag, list[tuple[int, int]]] = defaultdict(list)  # tag → (article, position)
    for n, a in enumerate(arts):
        for pos, (tag, _, _) in enumerate(a.spans):
            if tag:
                holders[tag].append((n, pos))
    shared: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for places in holders.values():
        for i, (x, px) in enumerate(places):
            for y, py in places[i + 1 :]:
                if x != y:
                    shared[(x, y)].append((px, py))
    runs: list[GoldRun] = []
    related: set[tuple[str, str]] = set()
    seeds = sorted(corpus.seeds)
    unscored = {(a, b) for i, a in enumerate(seeds) for b in seeds[i + 1 :]}
    for (x, y), pairs in sorted(shared.items()):
        key = tuple(sorted((arts[x].id, arts[y].id)))
        if key in unscored:
            continue
        related.add(key)  # type: ignore[arg-type]
        pairs.sort()
        start = 0
        for k in range(1, len(pairs) + 1):
            if k < len(pairs) and pairs[k][0] == pairs[k - 1][0] + 1 and pairs[k][1] == pairs[k - 1][1] + 1:
                continue
            (px0, py0), (px1, py1) = pairs[start], pairs[k - 1]
            xs, ys = arts[x].spans, arts[y].spans
            x_span, y_span = (xs[px0][1], xs[px1][2]), (ys[py0][1], ys[py1][2])
            words = word_count(arts[x].text[x_span[0] : x_span[1]])
            runs.append(GoldRun(arts[x].id, x_span, arts[y].id, y_span, words))
            start = k
    planted: list[PlantedSentence] = []
    for a in arts:
        if a.id in corpus.seeds:
            continue
        for tag, s, e in a.spans:
            if not tag or tag[0] == a.id or word_count(a.text[s:e]) < MIN_WORDS:
                continue
            dates = {arts[h].id: arts[h].date for h, _ in holders[tag]}
            first = min(dates.values())
            planted.append(
                PlantedSentence(a.id, (s, e), tuple(sorted(d for d, v in dates.items() if v == first)))
            )
    return Gold(runs, related, planted, unscored)

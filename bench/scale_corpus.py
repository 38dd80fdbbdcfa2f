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
memory, with the planted copies. The draws chain every article to the one before, so the
articles are composed one after another; a second process writes the files meanwhile
(bench/results/scale_corpus_speed.json has the speed).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.synthetic_russian import Prose, word_count

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
            "copies": [_copy_json(c) for c in self.copies],
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
    """The text of article `number`; its copies go to `planted`.

    A paragraph is a list of pieces: the article's own sentences as `str`, a copy as
    `(text, index of its plan)`, the byline as `(text, None)`.
    """
    doc_id = article_id(number)
    paragraph, randint = prose.paragraph, rng.randint
    paras: list[list[Any]] = [paragraph(randint(3, 5)) for _ in range(randint(7, 9))]
    plans = _plan(rng, recent) if number >= WARMUP and rng.random() < REUSE_SHARE else []
    for k, plan in enumerate(plans):
        original = plan.source.text[plan.span[0] : plan.span[1]]
        text = _edit(original, rng, prose) if plan.edited else original
        plan.edited = text != original
        if plan.placement == "own-paragraph":
            paras.insert(rng.randint(0, len(paras)), [(text, k)])
        else:
            hosts = [p for p in paras if all(type(piece) is str for piece in p)]
            host = hosts[rng.randrange(len(hosts))]
            host.insert(rng.randint(0, len(host)), (text, k))
    outlet = OUTLETS[rng.randrange(len(OUTLETS))]  # drawn either way: the rest of the text is the same
    if planted.byline:
        paras.append([(f"Источник: {outlet}.", None)])

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
        own = True
        for k, piece in enumerate(para):
            if k:
                parts.append(" ")
                pos += 1
            if type(piece) is str:
                parts.append(piece)
                end = pos + len(piece)
                if word_count(piece) >= MIN_SENTENCE_WORDS:
                    own_sentences.append((pos, end, n))
            else:
                piece, copy = piece
                parts.append(piece)
                end = pos + len(piece)
                if copy is not None:
                    spans[copy] = (pos, end, n)
                own = False
            pos = end
        # Only text this article wrote is copied on, so every copy has one true source.
        if own:
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
    The articles are composed here, one after another as the random draws chain them; for large
    `n` another process writes the files meanwhile. The planted copies are written only once
    every article is on disk.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder}: not empty")
    rng = random.Random(seed)
    prose = Prose(random.Random(seed + 1))
    recent: deque[_Source] = deque(maxlen=RECENT)
    planted = Planted(n, seed, byline)
    files = _WriterProcess(str(folder)) if n >= WRITER_MIN else _Files(str(folder))
    try:
        batch: list[tuple[int, bytes]] = []
        days = -1
        for number in range(n):
            if number * DAYS // n != days:
                days = number * DAYS // n
                day = (START + timedelta(days=days)).isoformat()
            text, source = _compose(number, day, rng, prose, recent, planted)
            batch.append((number, text.encode("utf-8")))
            if len(batch) == BATCH:
                files.write(batch)
                batch = []
            recent.append(source)
        if batch:
            files.write(batch)
        files.close()
    except BaseException:
        files.abandon()
        raise
    _write_planted(planted, planted_path(folder))
    return planted


# --- writing ----------------------------------------------------------------------------------

BATCH = 100  # articles handed to the writer at a time: less than the pipe holds
WRITER_MIN = 5000  # fewer articles are written here: starting a process would cost more


def _write(folder: str, number: int, data: bytes) -> None:
    """Write an article as `path.write_text(text, encoding="utf-8", newline="\\n")` would, with
    fewer calls; a subfolder is made with its first article."""
    path = f"{folder}/{article_id(number)}.txt"
    if number % PER_FOLDER == 0:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


class _Files:
    """Articles written in this process, as they come."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def write(self, batch: list[tuple[int, bytes]]) -> None:
        for number, data in batch:
            _write(self.folder, number, data)

    def close(self) -> None:
        pass

    def abandon(self) -> None:
        pass


_RECORD = struct.Struct("<QQ")  # article number, length of its bytes
_PIPE = 1 << 20
_ROOT = str(Path(__file__).resolve().parent.parent)


def _write_stream(folder: str) -> None:
    """The writing process: writes the articles read from stdin, each a `_RECORD` and its
    bytes, until stdin ends. A record cut short (the generating process stopped while sending)
    is not written. On an error it says what on stderr and exits 1, which closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the generating process says when to stop
    stream = open(sys.stdin.fileno(), "rb", buffering=_PIPE, closefd=False)  # noqa: SIM115
    try:
        while len(head := stream.read(_RECORD.size)) == _RECORD.size:
            number, size = _RECORD.unpack(head)
            data = stream.read(size)
            if len(data) < size:
                break
            _write(folder, number, data)
    except Exception as error:
        sys.stderr.write(f"{type(error).__name__}: {error}\n")
        sys.exit(1)


class _WriterProcess:
    """Articles written by another process while this one composes the next ones. It is a fresh
    interpreter fed through a pipe, so the caller's main module is never run again."""

    def __init__(self, folder: str) -> None:
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close() or abandon()
        code = f"import sys; sys.path.insert(0, {_ROOT!r}); from bench.scale_corpus import _write_stream; "
        self.process = subprocess.Popen(
            [sys.executable, "-c", code + "_write_stream(sys.argv[1])", folder],
            stdin=subprocess.PIPE,
            stderr=self.errors,
        )
        assert self.process.stdin is not None
        self.stdin = self.process.stdin
        with contextlib.suppress(OSError):  # a larger pipe lets the two processes keep their own pace
            fcntl.fcntl(self.stdin.fileno(), fcntl.F_SETPIPE_SZ, _PIPE)

    def write(self, batch: list[tuple[int, bytes]]) -> None:
        pack = _RECORD.pack
        try:
            self.stdin.write(b"".join([b for number, data in batch for b in (pack(number, len(data)), data)]))
        except BrokenPipeError:  # the writer failed
            self.close()
            raise

    def close(self) -> None:
        """Wait until every article sent is written; raise what stopped the writer."""
        with contextlib.suppress(BrokenPipeError):
            self.stdin.close()
        code = self.process.wait()
        self.errors.seek(0)
        said = self.errors.read().decode("utf-8", "replace").strip()
        self.errors.close()
        if code:
            raise OSError(f"writing the articles failed (exit code {code}): {said}")

    def abandon(self) -> None:
        """After an error here: the writer finishes what it has whole and stops."""
        with contextlib.suppress(OSError):
            self.stdin.close()
        self.process.wait()
        self.errors.close()


def _copy_json(c: Copy) -> dict[str, Any]:
    return {
        "source": c.source,
        "target": c.target,
        "source_span": c.source_span,
        "target_span": c.target_span,
        "source_paragraph": c.source_paragraph,
        "target_paragraph": c.target_paragraph,
        "unit": c.unit,
        "placement": c.placement,
        "edited": c.edited,
    }


def _write_planted(planted: Planted, path: Path) -> None:
    """`json.dumps(planted.to_json(), ensure_ascii=False)` and a newline, written a slice of
    the copies at a time and renamed into place: its presence says the folder is complete."""
    head = json.dumps(
        {"articles": planted.articles, "seed": planted.seed, "byline": planted.byline, "copies": []},
        ensure_ascii=False,
    )
    assert head.endswith("[]}")
    part = path.with_name(path.name + ".part")
    with open(part, "w", encoding="utf-8", newline="\n") as out:
        out.write(head[:-2])
        copies = planted.copies
        for i in range(0, len(copies), 10000):
            if i:
                out.write(", ")
            out.write(json.dumps([_copy_json(c) for c in copies[i : i + 10000]], ensure_ascii=False)[1:-1])
        out.write("]}\n")
    os.replace(part, path)

"""How fast each document's language is told, on generated articles in three languages.

    python -m bench.language [--articles 3000] [-o bench/results/language.json]

Writes --articles generated Russian articles (bench.scale_corpus, about 4,000 characters
each), then times `detect_language` over them, over their English stand-ins (the same
length of English text) and over Kazakh ones, on one core, after the models are loaded.
Prints and writes documents per CPU second (and the wall time) and the languages told.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.scale_corpus import generate
from provenance import __version__
from provenance.text.language import SAMPLE_CHARS, detect_language

ENGLISH = (
    "The energy minister met the heads of regional power stations on Tuesday and discussed "
    "getting boiler houses ready for winter and the deadlines for repairing heating networks. "
)
KAZAKH = (
    "Энергетика министрі өңірлік электр станцияларының басшыларымен кеңес өткізді. Қатысушылар "
    "қазандықтарды қысқа дайындауды және жылу желілерін жөндеу мерзімдерін талқылады. "
)


def _timed(texts: list[str]) -> dict[str, Any]:
    start, cpu = time.perf_counter(), time.process_time()
    told = [detect_language(t) for t in texts]
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return {
        "documents": len(texts),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        # Per CPU second: what one core does, whatever else the machine is running.
        "documents_per_cpu_second": round(len(texts) / cpu_seconds),
        "told": dict(sorted(Counter(x.code if x else "none" for x in told).items())),
    }


def run(articles: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        generate(articles, Path(tmp))
        russian = [p.read_text(encoding="utf-8") for p in sorted(Path(tmp).rglob("*.txt"))]
    detect_language(KAZAKH * 3)  # the models are loaded on first use
    sizes = [len(t) for t in russian]
    return {
        "machine": {
            "python": platform.python_version(),
            "provenance": __version__,
            "load": round(os.getloadavg()[0], 2),
        },
        "sample_chars": SAMPLE_CHARS,
        "mean_chars": round(sum(sizes) / len(sizes)),
        "ru": _timed(russian),
        "en": _timed([ENGLISH * (n // len(ENGLISH) + 1) for n in sizes]),
        "kk": _timed([KAZAKH * (n // len(KAZAKH) + 1) for n in sizes]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("-o", "--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    result = run(args.articles)
    text = json.dumps(result, indent=2) + "\n"
    sys.stdout.write(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

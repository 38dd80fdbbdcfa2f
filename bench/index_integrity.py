"""What checking an index for damage costs: its pages, its rows' seals, a query's rows.

    python -m bench.index_integrity INDEX [--rows 200] [--repeat 5] [-o bench/results/index_integrity.json]

INDEX is any index built with `provenance index add` (e.g. by `bench.check_latency`).
Measured, best of --repeat:
1. opening without any check (what `check` does);
2. `PRAGMA quick_check`, the structure of every page (what add, remove, stats and report
   pay before they start);
3. every document row against its seal, text included (what `index stats` adds);
4. --rows rows read as `check` reads the documents its postings find: sealed and checked,
   and, for comparison, the same rows' shingles read without any check.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from provenance.index import Index
from provenance.index.store import _SEALED_COLUMNS


def _best(repeat: int, run: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(path: Path, rows: int, repeat: int) -> dict[str, Any]:
    size = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists())
    with Index(path, check_pages=False) as index:
        documents = len(index)
        ns = numbers = list(range(1, min(rows, documents) + 1))
        db = index._db
        all_rows = f"SELECT {_SEALED_COLUMNS}, seal, text FROM documents"
        shingles = "SELECT number, shingles FROM documents"
        figures = {
            "open_s": _best(repeat, lambda: Index(path, check_pages=False).close()),
            "quick_check_s": _best(repeat, index._check_pages),
            "all_seals_s": _best(repeat, lambda: sum(1 for _ in index._verified(db.execute(all_rows)))),
            "query_rows": len(numbers),
            "query_rows_sealed_ms": 1000 * _best(repeat, lambda: index._sealed("number", numbers)),
            "query_rows_unchecked_ms": 1000 * _best(repeat, lambda: index._rows_in(shingles, "number", ns)),
        }
    return {
        "index_documents": documents,
        "index_bytes": size,
        **{k: round(v, 4) for k, v in figures.items()},
        "quick_check_s_per_gib": round(figures["quick_check_s"] / (size / 2**30), 3),
        "all_seals_s_per_gib": round(figures["all_seals_s"] / (size / 2**30), 3),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("-o", "--output", type=Path, default=Path("bench/results/index_integrity.json"))
    args = parser.parse_args()
    result = measure(args.index, args.rows, args.repeat)
    text = json.dumps(result, indent=2) + "\n"
    print(text, end="")
    args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

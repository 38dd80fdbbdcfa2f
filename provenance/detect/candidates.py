"""Candidate stage: units of different documents that share an LSH band."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from datasketch import MinHashLSH

from provenance.detect.fingerprint import Unit, to_datasketch
from provenance.settings import DetectionSettings

DocPair = tuple[int, int]
UnitPair = tuple[int, int]


def candidate_pairs(
    units: list[Unit], signatures: np.ndarray, settings: DetectionSettings
) -> dict[DocPair, list[UnitPair]]:
    """Pairs of documents (lower index first) with the unit pairs that made them candidates.

    Bands and rows are set explicitly: datasketch's `threshold=` picks them by weighing
    false positives against false negatives and misses many pairs right at the threshold.
    """
    lsh = MinHashLSH(num_perm=settings.num_perm, params=(settings.lsh_bands, settings.lsh_rows))
    sketches = [to_datasketch(row, settings) for row in signatures]
    with lsh.insertion_session() as session:
        for key, sketch in enumerate(sketches):
            session.insert(key, sketch, check_duplication=False)
    pairs: dict[DocPair, set[UnitPair]] = defaultdict(set)
    for key, sketch in enumerate(sketches):
        unit = units[key]
        for other in lsh.query(sketch):
            other_unit = units[other]
            if other_unit.document == unit.document:
                continue  # repeats inside one document are not reuse between outlets
            if unit.document < other_unit.document:
                pairs[(unit.document, other_unit.document)].add((key, other))
            else:
                pairs[(other_unit.document, unit.document)].add((other, key))
    return {pair: sorted(found) for pair, found in sorted(pairs.items())}

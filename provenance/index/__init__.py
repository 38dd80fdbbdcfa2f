"""The persistent index of published documents that drafts are checked against."""

from provenance.index.entries import POSTINGS_WINDOW, IndexEntry, index_entries
from provenance.index.store import (
    FORMAT_VERSION,
    AddResult,
    Hit,
    Index,
    IndexProblem,
    IndexStats,
    SettingsMismatch,
    index_parameters,
)

__all__ = [
    "FORMAT_VERSION",
    "POSTINGS_WINDOW",
    "AddResult",
    "Hit",
    "Index",
    "IndexEntry",
    "IndexProblem",
    "IndexStats",
    "SettingsMismatch",
    "index_entries",
    "index_parameters",
]

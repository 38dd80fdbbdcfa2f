"""Ingest: files and records -> documents with metadata (date, outlet), warnings and skips."""

from provenance.ingest.dates import extract_date, find_dateline, find_trailer, parse_iso
from provenance.ingest.files import decode, ingest_folder, ingest_paths
from provenance.ingest.header import Header, parse_header
from provenance.ingest.metadata import TextMetadata, analyse_text
from provenance.ingest.model import Document, DocumentDate, IngestResult, InputWarning, Skipped
from provenance.ingest.outlets import (
    Outlet,
    OutletRegistry,
    detect_outlet,
    load_registry,
    registry_from_data,
)

__all__ = [
    "Document",
    "DocumentDate",
    "Header",
    "IngestResult",
    "InputWarning",
    "Outlet",
    "OutletRegistry",
    "Skipped",
    "TextMetadata",
    "analyse_text",
    "decode",
    "detect_outlet",
    "extract_date",
    "find_dateline",
    "find_trailer",
    "ingest_folder",
    "ingest_paths",
    "load_registry",
    "parse_header",
    "parse_iso",
    "registry_from_data",
]

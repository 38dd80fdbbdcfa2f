"""Ingest: files and records -> documents with metadata (date, outlet), warnings and skips."""

from provenance.ingest.dates import extract_date, find_dateline, find_trailer, parse_iso
from provenance.ingest.encoding import Decoded, DecodeProblem, codec_name, decode
from provenance.ingest.files import DEFAULT_MAX_FILE_SIZE, SUFFIXES, ReadOptions, ingest_folder, ingest_paths
from provenance.ingest.header import Header, parse_header
from provenance.ingest.manifest import Manifest, ManifestError, load_manifest
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
    "DEFAULT_MAX_FILE_SIZE",
    "SUFFIXES",
    "DecodeProblem",
    "Decoded",
    "Document",
    "DocumentDate",
    "Header",
    "IngestResult",
    "InputWarning",
    "Manifest",
    "ManifestError",
    "Outlet",
    "OutletRegistry",
    "ReadOptions",
    "Skipped",
    "TextMetadata",
    "analyse_text",
    "codec_name",
    "decode",
    "detect_outlet",
    "extract_date",
    "find_dateline",
    "find_trailer",
    "ingest_folder",
    "ingest_paths",
    "load_manifest",
    "load_registry",
    "parse_header",
    "parse_iso",
    "registry_from_data",
]

"""The report stage: validate a lineage report, write it atomically, render it as HTML."""

from provenance.report.html import render_html
from provenance.report.validate import validate_report
from provenance.report.write import write_atomic

__all__ = ["render_html", "validate_report", "write_atomic"]

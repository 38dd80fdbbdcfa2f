"""provenance: find reused text across news outlets and its earliest dated source."""

__version__ = "0.1.0"

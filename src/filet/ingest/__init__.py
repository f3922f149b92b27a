"""Ingestion that loses nothing: every record is stored with its provenance or quarantined.

``ingest_file`` is the one entry point for commands (``filet ingest``, ``filet scan``)
and services; the quarantine is worked through ``filet.ingest.replay``.
"""

from filet.ingest.formats import FORMATS
from filet.ingest.pipeline import IngestReport, ingest_file
from filet.ingest.records import IngestError

__all__ = ["FORMATS", "IngestError", "IngestReport", "ingest_file"]

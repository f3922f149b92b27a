"""Ingestion that loses nothing: every record is stored with its provenance or quarantined.

``ingest_file`` is the one entry point for commands (``filet ingest``, ``filet scan``)
and services; the quarantine is worked through ``filet.ingest.replay``.

The names below are loaded on first use (PEP 562): the domain modules that give the
readers their derived columns import ``filet.ingest.records``, and an eager import of
the pipeline here would bring those readers back to them half-loaded.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from filet.ingest.formats import FORMATS
    from filet.ingest.pipeline import IngestReport, ingest_file
    from filet.ingest.records import IngestError

__all__ = ["FORMATS", "IngestError", "IngestReport", "ingest_file"]
_HOMES = {
    "FORMATS": "filet.ingest.formats",
    "IngestError": "filet.ingest.records",
    "IngestReport": "filet.ingest.pipeline",
    "ingest_file": "filet.ingest.pipeline",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'filet.ingest' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)

"""Where an ingest stands, per file content: how far it got, with what setup.

The checkpoint row is keyed by the sha256 of the file's content, so a renamed copy is
recognised, and it is written in the same transaction as each batch's statements and
quarantine rows: after a crash it says exactly which records are safely stored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from filet.model.provenance import (
    HandlingCode,
    InformationAssessment,
    Provenance,
    SourceReliability,
)
from filet.store.tables import ingest_files


@dataclass
class Checkpoint:
    sha256: str
    path: str
    format: str
    mapping: str | None
    columns: list[str] | None
    provenance: Provenance
    batches_done: int = 0
    records_done: int = 0
    rows_stored: int = 0
    rows_quarantined: int = 0
    entities_stored: int = 0
    event_rows: int = 0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    saved: bool = False

    def row(self) -> dict[str, Any]:
        values = asdict(self)
        values.pop("saved")
        values["provenance"] = provenance_json(self.provenance)
        return values


def load(conn: sa.Connection, sha256: str) -> Checkpoint | None:
    row = conn.execute(sa.select(ingest_files).where(ingest_files.c.sha256 == sha256)).mappings()
    found = row.first()
    if found is None:
        return None
    values = dict(found)
    values["provenance"] = provenance_from_json(values["provenance"])
    return Checkpoint(**values, saved=True)


def save(conn: sa.Connection, checkpoint: Checkpoint) -> None:
    """Insert or update the checkpoint inside the caller's transaction."""
    values = checkpoint.row()
    if checkpoint.saved:
        conn.execute(
            ingest_files.update().where(ingest_files.c.sha256 == checkpoint.sha256).values(values)
        )
    else:
        conn.execute(ingest_files.insert().values(values))
        checkpoint.saved = True


def provenance_json(provenance: Provenance) -> dict[str, Any]:
    collected = provenance.collected_at
    return {
        "dataset": provenance.dataset,
        "collected_at": collected.isoformat() if collected else None,
        "collecting_service": provenance.collecting_service,
        "grading": provenance.grading,
        "handling": provenance.handling_code.value,
    }


def provenance_from_json(data: dict[str, Any]) -> Provenance:
    collected = data.get("collected_at")
    return Provenance(
        dataset=data["dataset"],
        collected_at=datetime.fromisoformat(collected) if collected else None,
        collecting_service=data["collecting_service"],
        source_reliability=SourceReliability(data["grading"][0]),
        information_assessment=InformationAssessment(data["grading"][1]),
        handling_code=HandlingCode(data["handling"]),
    )

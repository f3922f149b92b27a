"""Correcting and replaying quarantined records with the setup their file was read with.

A replayed record is validated by the format and mapping kept in its file's
checkpoint and stored under the provenance of the original ingest (same dataset,
grading and ``file:line``). Its event rows go to a part named after the file digest
and line, so replaying it again after a crash rewrites that part instead of adding one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from filet.ingest import checkpoint
from filet.ingest.checkpoint import Checkpoint
from filet.ingest.formats import Setup, restore
from filet.ingest.pipeline import validate_record, write_events
from filet.ingest.quarantine import Quarantined, Status, fix, get, list_quarantined, mark
from filet.ingest.readers import parse_raw
from filet.ingest.records import IngestError, RecordError, SourceRecord
from filet.security.pin_key import load_pin_key, pin_key
from filet.store import Workspace
from filet.store.entities import put_entities


@dataclass(frozen=True)
class ReplayOutcome:
    id: str
    stored: bool
    field: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "stored": self.stored, "field": self.field, "reason": self.reason}


def fix_quarantined(ws: Workspace, record_id: str, changes: dict[str, str]) -> Quarantined:
    """Correct a quarantined record's fields (``raw=`` re-reads an unparsable one)."""
    with ws.db.begin() as conn:
        found = get(conn, record_id)
        state, setup = _setup(conn, found.file_sha256)
        columns = state.columns if setup.format.reader in ("csv", "cdr") else None
        for field in changes:
            if columns is not None and field != "raw" and field not in columns:
                raise IngestError(f"{field}: colonne inconnue / no such column in {state.path}")

        def parse(text: str) -> dict[str, Any]:
            try:
                with pin_key(load_pin_key(ws.home)):
                    fields: dict[str, Any] = parse_raw(
                        setup.format.reader, text, state.columns, setup.delimiter
                    )
            except RecordError as error:
                raise IngestError(f"raw: {error}") from error
            return fields

        return fix(conn, found.id, changes, parse)


def replay(
    ws: Workspace, record_ids: list[str] | None = None, file: str | None = None
) -> list[ReplayOutcome]:
    """Re-validate quarantined records (the given ids, else all open ones) and store the good."""
    with ws.db.begin() as conn:
        if record_ids:
            targets = [get(conn, record_id) for record_id in record_ids]
        else:
            targets = list_quarantined(conn, file=file, status=Status.OPEN)
    return [_replay_one(ws, target) for target in targets]


def _replay_one(ws: Workspace, target: Quarantined) -> ReplayOutcome:
    if target.status is not Status.OPEN:
        reason = f"déjà / already {target.status.value}"
        return ReplayOutcome(target.id, False, target.field, reason)
    with ws.db.begin() as conn:
        state, setup = _setup(conn, target.file_sha256)
    if target.record is None:
        hint = f"{target.reason} — illisible, corrigez raw=… / unparsable, fix raw=… first"
        return ReplayOutcome(target.id, False, target.field, hint)
    name = Path(state.path).name
    try:
        record = SourceRecord(target.line, target.raw, target.record)
        mapped = validate_record(setup.validator(name), record, state.provenance, name)
    except RecordError as error:
        with ws.db.begin() as conn:
            mark(conn, target.id, Status.OPEN, error.field, error.reason)
        return ReplayOutcome(target.id, False, error.field, error.reason)
    write_events(ws, f"{state.sha256[:16]}-line{target.line}", [mapped])
    with ws.db.begin() as conn:
        put_entities(conn, mapped.entities)
        mark(conn, target.id, Status.REPLAYED, target.field, target.reason)
    return ReplayOutcome(target.id, True, target.field, target.reason)


def _setup(conn: sa.Connection, file_sha256: str) -> tuple[Checkpoint, Setup]:
    state = checkpoint.load(conn, file_sha256)
    if state is None:
        raise IngestError(f"aucune ingestion pour / no ingest recorded for {file_sha256}")
    name = f"mapping de / of {state.path}"
    return state, restore(state.format, state.mapping, name)

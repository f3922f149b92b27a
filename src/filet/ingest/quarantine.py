"""The quarantine: every rejected record, its reason, and what analysts did with it.

A record's id hashes the file digest, its line and its raw text (records of a document
written on one line, a JSON array or an XML report, share that line), so re-ingesting
a file never adds a second copy, and a record replayed or dropped keeps that status.
The raw text is never edited: corrections go to ``record`` (the fields), and ``note``
keeps their history.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from filet.ingest.records import IngestError, RecordError, SourceRecord, storable_text
from filet.store.db import insert_ignoring_duplicates
from filet.store.tables import quarantine

if TYPE_CHECKING:
    from filet.ingest.checkpoint import Checkpoint


class Status(StrEnum):
    OPEN = "open"  # waiting for an analyst
    REPLAYED = "replayed"  # corrected or re-validated, then stored
    DROPPED = "dropped"  # discarded by an analyst, with a reason in the note


@dataclass(frozen=True)
class Quarantined:
    id: str
    file_sha256: str
    file_path: str
    line: int
    field: str
    reason: str
    raw: str
    record: dict[str, Any] | None
    status: Status
    note: str | None
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "file": self.file_path,
            "file_sha256": self.file_sha256,
            "line": self.line,
            "field": self.field,
            "reason": self.reason,
            "raw": self.raw,
            "record": self.record,
            "status": self.status.value,
            "note": self.note,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def quarantine_id(file_sha256: str, line: int, raw: str) -> str:
    text = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()
    return hashlib.sha256(f"{file_sha256}:{line}:{text}".encode()).hexdigest()[:32]


def add(
    conn: sa.Connection, state: Checkpoint, rejected: list[tuple[SourceRecord, RecordError]]
) -> None:
    """Quarantine rejected records inside the caller's transaction; known ids are kept."""
    if not rejected:
        return
    now = datetime.now(UTC)
    rows = [
        {
            "id": quarantine_id(state.sha256, record.line, record.raw),
            "file_sha256": state.sha256,
            "file_path": state.path,
            "line": record.line,
            "field": storable_text(error.field)[:256],
            "reason": storable_text(error.reason),
            "raw": storable_text(record.raw),
            "record": _json_safe(record.fields),
            "status": Status.OPEN.value,
            "note": None,
            "created_at": now,
            "updated_at": now,
        }
        for record, error in rejected
    ]
    conn.execute(insert_ignoring_duplicates(conn, quarantine), rows)


def list_quarantined(
    conn: sa.Connection,
    file: str | None = None,
    status: Status | None = Status.OPEN,
    limit: int | None = None,
) -> list[Quarantined]:
    """Quarantined records by file and line; ``file`` is a path or a digest prefix."""
    query = sa.select(quarantine)
    if status is not None:
        query = query.where(quarantine.c.status == status.value)
    if file is not None:
        query = query.where(
            sa.or_(
                quarantine.c.file_path == str(Path(file).resolve()),
                quarantine.c.file_sha256.startswith(file.lower(), autoescape=True),
            )
        )
    query = query.order_by(quarantine.c.file_path, quarantine.c.line).limit(limit)
    return [_from_row(row) for row in conn.execute(query).mappings()]


def get(conn: sa.Connection, record_id: str) -> Quarantined:
    """The record whose id is, or starts with, ``record_id``."""
    rows = (
        conn.execute(
            sa.select(quarantine)
            .where(quarantine.c.id.startswith(record_id.lower(), autoescape=True))
            .limit(2)
        )
        .mappings()
        .all()
    )
    if len(rows) != 1 or not record_id:
        which = "ambigu / ambiguous" if rows else "inconnu / unknown"
        raise IngestError(f"quarantaine / quarantine {record_id!r}: identifiant {which} id")
    return _from_row(rows[0])


def fix(
    conn: sa.Connection,
    record_id: str,
    changes: dict[str, str],
    parse: Callable[[str], dict[str, Any]],
) -> Quarantined:
    """Correct fields of a quarantined record; ``raw=`` replaces an unparsable record.

    ``parse`` turns corrected raw text into fields (the record's reader). Dotted names
    such as ``properties.name`` reach into a FollowTheMoney entity.
    """
    found = get(conn, record_id)
    if found.status is not Status.OPEN:
        raise IngestError(f"{found.id}: déjà / already {found.status.value}")
    record = dict(found.record) if found.record is not None else None
    for field, value in changes.items():
        if field == "raw":
            record = parse(value)
        elif record is None:
            raise IngestError(
                f"{found.id}: enregistrement illisible, corrigez d'abord raw=… / "
                "unparsable record, fix raw=… first"
            )
        else:
            _set_field(record, field, value)
    history = "; ".join(f"{field}={value}" for field, value in changes.items())
    _update(conn, found.id, record=record, note=_append(found.note, f"fix: {history}"))
    return get(conn, found.id)


def drop(conn: sa.Connection, record_ids: list[str], reason: str) -> list[str]:
    """Discard records for good, saying why; returns their full ids."""
    if not reason.strip():
        raise IngestError("une raison est requise / a reason is required")
    dropped = []
    for record_id in record_ids:
        found = get(conn, record_id)
        note = _append(found.note, f"drop: {reason}")
        _update(conn, found.id, status=Status.DROPPED.value, note=note)
        dropped.append(found.id)
    return dropped


def mark(conn: sa.Connection, record_id: str, status: Status, field: str, reason: str) -> None:
    """Record the outcome of a replay: stored, or still invalid for a new reason."""
    _update(conn, record_id, status=status.value, field=field[:256], reason=reason)


def _update(conn: sa.Connection, record_id: str, **values: Any) -> None:
    conn.execute(
        quarantine.update()
        .where(quarantine.c.id == record_id)
        .values(updated_at=datetime.now(UTC), **values)
    )


def _set_field(record: dict[str, Any], field: str, value: str) -> None:
    head, _, prop = field.partition(".")
    if not prop:
        record[field] = value
        return
    nested = record.get(head)
    if not isinstance(nested, dict) or "." in prop:
        raise IngestError(f"{field}: champ introuvable / no such field")
    nested = dict(nested)
    if value:
        nested[prop] = [value]
    else:
        nested.pop(prop, None)
    record[head] = nested


def _append(note: str | None, line: str) -> str:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    return f"{note}\n{stamp} {line}" if note else f"{stamp} {line}"


def _json_safe(value: Any) -> Any:
    """The record as strict JSON: PostgreSQL refuses NaN, which Python's json accepts."""
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _from_row(row: Any) -> Quarantined:
    values = dict(row)
    values["status"] = Status(values["status"])
    for key in ("created_at", "updated_at"):
        if values[key].tzinfo is None:
            values[key] = values[key].replace(tzinfo=UTC)  # SQLite drops the zone
    return Quarantined(**values)

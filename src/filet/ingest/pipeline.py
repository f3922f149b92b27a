"""Ingesting one file: batches that are each stored whole or not at all.

For each batch the event parts are written first (atomically, under names fixed by the
file digest and batch number), then one database transaction stores the batch's
entity statements, its quarantine rows and the checkpoint. A run killed anywhere
either committed a batch or did not; the next run starts after the last committed one
and rewrites any part the killed run left uncommitted, so nothing is lost or doubled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from filet import settings
from filet.ingest import blocks, checkpoint, quarantine
from filet.ingest.checkpoint import Checkpoint
from filet.ingest.columnar import map_batch
from filet.ingest.formats import Setup, resolve
from filet.ingest.readers import fingerprint, open_records
from filet.ingest.records import WHOLE_RECORD, IngestError, Mapped, RecordError, SourceRecord
from filet.ingest.validate import Validator
from filet.model.provenance import Provenance
from filet.security.audit import Actor, Collection, track_event
from filet.security.pin_key import load_pin_key, pin_key
from filet.store import Workspace
from filet.store.entities import put_entities
from filet.store.events import EVENT_TABLES

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IngestReport:
    """What happened to one file; counts cover the whole file, across resumed runs."""

    path: Path
    sha256: str
    format: str
    rows_read: int
    rows_stored: int
    rows_quarantined: int
    entities_stored: int
    event_rows: int
    already_ingested: bool = False
    resumed_after: int = 0

    def summary(self) -> str:
        if self.already_ingested:
            return "déjà ingéré / already ingested"
        return (
            f"{self.rows_read} lus / read, {self.rows_stored} stockés / stored, "
            f"{self.rows_quarantined} en quarantaine / quarantined"
        )

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["path"] = str(self.path)
        return values


def ingest_file(
    ws: Workspace,
    path: Path,
    format: str,
    mapping: Path | str | None = None,
    provenance: Provenance | None = None,
    on_progress: Progress | None = None,
    actor: Actor | None = None,
) -> IngestReport:
    """Ingest ``path`` into ``ws``: validate each record, store it or quarantine it.

    ``mapping`` is a YAML file or a built-in mapping's name (tabular formats);
    ``provenance`` is the base provenance of every value (each record gets its own
    ``source_record``); ``None`` takes the mapping's defaults. ``on_progress`` is called
    after each batch with the lines done and the lines in the file. Each committed
    batch is recorded in the audit log as a collection by ``actor`` (default: the
    local user, ``Actor.local()``).
    Raises ``IngestError`` for a problem with the whole file or setup.
    """
    setup = resolve(format, mapping)
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"{path}: fichier introuvable / file not found")
    digest, total = fingerprint(path)
    with ws.db.begin() as conn:
        state = checkpoint.load(conn, digest)
    if state is not None and state.finished_at is not None:
        return _report(path, state, already=True)
    base = provenance or setup.provenance()
    state = _resume_or_start(state, path, digest, setup, base)
    resumed_after = state.records_done
    _drop_uncommitted_parts(ws, digest, state.batches_done)
    with (
        pin_key(load_pin_key(ws.home)),
        open_records(setup.format.reader, path, total, setup.delimiter) as opened,
    ):
        _check_columns(setup, path, opened.columns)
        state.columns = opened.columns
        validator = setup.validator(Path(state.path).name)
        records = blocks.skip(opened.records, state.records_done)
        for batch in blocks.batches(records, settings.ingest_batch_rows()):
            _store_batch(ws, state, validator, batch, actor or Actor.local())
            if on_progress is not None:
                on_progress(batch[-1].line, opened.total)
    state.finished_at = datetime.now(UTC)
    with ws.db.begin() as conn:
        checkpoint.save(conn, state)
    return _report(path, state, resumed_after=resumed_after)


def _resume_or_start(
    state: Checkpoint | None, path: Path, digest: str, setup: Setup, base: Provenance
) -> Checkpoint:
    mapping_text = setup.mapping.text if setup.mapping else None
    if state is not None and state.batches_done > 0:
        if (state.format, state.mapping) != (setup.format.name, mapping_text):
            raise IngestError(
                f"{path}: ingestion interrompue avec un autre format ou mapping / interrupted "
                f"ingest used another format or mapping ({state.format}); relancez avec le même "
                "/ rerun with the same"
            )
        return state
    fresh = Checkpoint(
        sha256=digest,
        path=str(path.resolve()),
        format=setup.format.name,
        mapping=mapping_text,
        columns=None,
        provenance=base,
    )
    fresh.saved = state is not None
    return fresh


def _check_columns(setup: Setup, path: Path, columns: list[str] | None) -> None:
    if setup.mapping is None or columns is None:
        return
    absent = set(setup.mapping.columns()) - set(columns) - setup.mapping.optional_columns()
    missing = {column: key for column, key in setup.mapping.columns().items() if column in absent}
    if missing:
        listed = ", ".join(f"{column!r} ({key})" for column, key in missing.items())
        raise IngestError(
            f"{path}:1: colonnes absentes / missing columns {listed}, "
            f"lues par / read by {setup.mapping.name}"
        )


def _store_batch(
    ws: Workspace,
    state: Checkpoint,
    validator: Validator,
    batch: list[blocks.Item],
    actor: Actor,
) -> None:
    name = Path(state.path).name
    validate = partial(validate_record, validator, base=state.provenance, file_name=name)
    mapped = map_batch(batch, validator, state.provenance, name, validate)
    part = f"{state.sha256[:16]}-{state.batches_done:06d}"
    for table, rows in mapped.tables.items():
        ws.events.write_part(table, part, rows)
    written = sum(rows.num_rows for rows in mapped.tables.values())
    state.batches_done += 1
    state.records_done += mapped.records
    state.rows_stored += mapped.stored
    state.rows_quarantined += len(mapped.rejected)
    state.event_rows += written
    with ws.db.begin() as conn:
        entities = put_entities(conn, mapped.entities) + mapped.repeated
        state.entities_stored += entities
        quarantine.add(conn, state, mapped.rejected)
        checkpoint.save(conn, state)
        collected = Collection(
            actor=actor,
            action="ingest",
            objects=(state.sha256,),
            file_name=name,
            batch=state.batches_done - 1,
            lines=batch[-1].line,
            rows_stored=mapped.stored,
            rows_quarantined=len(mapped.rejected),
            entities_stored=entities,
        )
        track_event(conn, collected)


def validate_record(
    validator: Validator, record: SourceRecord, base: Provenance, file_name: str
) -> Mapped:
    """Validate one record under its own provenance (``file:line``)."""
    if record.problem is not None:
        raise record.problem
    if record.fields is None:
        raise RecordError(WHOLE_RECORD, "enregistrement illisible / unreadable record")
    provenance = base.at_record(f"{file_name}:{record.line}")
    return validator.validate(record.fields, provenance, record.line)


def write_events(ws: Workspace, part: str, mapped: Iterable[Mapped]) -> int:
    """Write each event table's rows as one part named ``part``; returns the rows written."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for item in mapped:
        for table, row in item.events:
            rows.setdefault(table, []).append(row)
    for table, table_rows in rows.items():
        ws.events.write_part(table, part, pa.Table.from_pylist(table_rows, EVENT_TABLES[table]))
    return sum(len(table_rows) for table_rows in rows.values())


def _drop_uncommitted_parts(ws: Workspace, digest: str, committed: int) -> None:
    """Remove parts of batches a killed run wrote but never committed."""
    for table in EVENT_TABLES:
        for part in ws.events.folder(table).glob(f"{digest[:16]}-*.parquet"):
            number = part.stem.rsplit("-", 1)[1]
            if number.isdigit() and int(number) >= committed:
                part.unlink()


def _report(
    path: Path, state: Checkpoint, already: bool = False, resumed_after: int = 0
) -> IngestReport:
    return IngestReport(
        path=path,
        sha256=state.sha256,
        format=state.format,
        rows_read=state.records_done,
        rows_stored=state.rows_stored,
        rows_quarantined=state.rows_quarantined,
        entities_stored=state.entities_stored,
        event_rows=state.event_rows,
        already_ingested=already,
        resumed_after=resumed_after,
    )

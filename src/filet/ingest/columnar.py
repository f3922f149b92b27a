"""A batch's blocks mapped column by column, to exactly what record-by-record mapping gives.

``map_batch`` maps the records of a batch one by one (``validate``) and the rows of its
blocks (``filet.ingest.blocks``) as whole columns: an event table's rows are the rows
whose ``only_if`` fields are all set, its fields the block's columns; entities are
made once per distinct value of the columns they read, through the validator's own
memo, with the provenance of the first row that names them. Any row the mapping could
reject (a value out of its range or code list, a required value missing, an entity
the model refuses, nothing to store) is read back as its record and validated like the
others, so the quarantine gets the same reasons. Event rows come out in record order,
and the entities in an order ``put_entities`` stores identically.

Only mappings whose every step has a column form are mapped this way
(``BlockMapping.of``); with any other, blocks are read back as records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from followthemoney import EntityProxy
from numpy.typing import NDArray

from filet.ingest.blocks import Item, RecordBlock, count
from filet.ingest.convert import is_missing, record_provenance, text_value
from filet.ingest.mapping import Column, EventMapping, Mapping
from filet.ingest.records import Mapped, RecordError, SourceRecord
from filet.ingest.validate import MappingValidator, Validator
from filet.model.provenance import Provenance
from filet.store.events import EVENT_TABLES

Entities = list[tuple[EntityProxy, Provenance]]


@dataclass
class MappedBatch:
    """What a batch gives: event tables in record order, entities, rejected records.

    ``entities`` leaves out block rows that repeat an earlier row's entity objects
    (``put_entities`` would skip them too); ``repeated`` counts them, so that the
    entities stored count every record's entities as before.
    """

    records: int
    stored: int = 0
    rejected: list[tuple[SourceRecord, RecordError]] = field(default_factory=list)
    tables: dict[str, pa.Table] = field(default_factory=dict)
    entities: Entities = field(default_factory=list)
    repeated: int = 0


@dataclass(frozen=True)
class BlockMapping:
    """A mapping every step of which reads block columns as they are."""

    mapping: Mapping
    validator: MappingValidator

    @classmethod
    def of(cls, validator: Validator, schema: pa.Schema) -> BlockMapping | None:
        """The column form of the validator's mapping on blocks of ``schema``, if any:
        no null values, provenance columns only a collection time read from a
        timestamp, and every event field a column of the table's own type."""
        if not isinstance(validator, MappingValidator):
            return None
        mapping = validator.mapping
        if mapping.null_values or set(mapping.provenance_columns) - {"collected_at"}:
            return None
        specs = [*mapping.provenance_columns.values()]
        types = [pa.timestamp("us", tz="UTC")] * len(specs)
        for event in mapping.events:
            target = EVENT_TABLES[event.table]
            specs += event.fields.values()
            types += [target.field(name).type for name in event.fields]
        refs = [
            schema.field(name).type for name in _entity_columns(mapping) if name in schema.names
        ]
        if any(pa.types.is_timestamp(kind) for kind in refs):
            return None  # an entity would read the timestamp's ISO 8601 text
        for spec, kind in zip(specs, types, strict=True):
            if spec.column not in schema.names:
                continue
            column = schema.field(spec.column).type
            if column != kind or (pa.types.is_timestamp(kind) and spec.format != "iso"):
                return None
        return cls(mapping, validator)

    def doubtful(self, table: pa.Table) -> NDArray[np.bool_]:
        """Rows the mapping might reject: they are validated as records instead."""
        doubtful = np.zeros(table.num_rows, dtype=np.bool_)
        for event in self.mapping.events:
            wanted = self.wanted(event, table)
            for spec in event.fields.values():
                values = _column(table, spec.column)
                if values is None:
                    doubtful |= wanted & spec.required
                    continue
                doubtful |= wanted & spec.required & ~_valid(values)
                doubtful |= _outside(values, spec)
        return doubtful

    def wanted(self, event: EventMapping, table: pa.Table) -> NDArray[np.bool_]:
        """Rows that give a row of ``event``: its ``only_if`` fields all set."""
        wanted = np.ones(table.num_rows, dtype=np.bool_)
        for name in event.only_if:
            values = _column(table, event.fields[name].column)
            wanted &= False if values is None else _valid(values)
        return wanted

    def rows(self, event: EventMapping, table: pa.Table, lines: NDArray[np.int64]) -> pa.Table:
        """The event's rows for every row of ``table`` (all of them give one)."""
        schema = EVENT_TABLES[event.table]
        columns = []
        for target in schema:
            spec = event.fields.get(target.name)
            values = None if spec is None else _column(table, spec.column)
            if target.name == "source_file":
                values = pa.array([self.validator.source_file] * table.num_rows, pa.string())
            elif target.name == "source_line":
                values = pa.array(lines, pa.int64())
            columns.append(pa.nulls(table.num_rows, target.type) if values is None else values)
        return pa.table(columns, schema=schema)


def map_batch(
    batch: list[Item],
    validator: Validator,
    base: Provenance,
    file_name: str,
    validate: Callable[[SourceRecord], Mapped],
) -> MappedBatch:
    """The batch mapped: records by ``validate``, block rows by columns where they can."""
    mapped = MappedBatch(records=count(batch))
    explicit: list[tuple[int, SourceRecord]] = []
    blocks: list[tuple[int, RecordBlock]] = []
    position = 0
    for item in batch:
        if isinstance(item, RecordBlock):
            blocks.append((position, item))
            explicit += [(position + i, r) for i, r in item.given()]
            position += len(item)
        else:
            explicit.append((position, item))
            position += 1
    pieces: dict[str, list[tuple[NDArray[np.int64], pa.Table]]] = {}
    entities: list[tuple[int, Entities]] = []
    if blocks:
        held = _Held.of(blocks)
        form = BlockMapping.of(validator, held.table.schema)
        if form is None:
            explicit += held.records(np.ones(len(held.positions), dtype=np.bool_))
        else:
            explicit += _map_held(form, held, base, file_name, mapped, pieces, entities)
    for at, record in sorted(explicit, key=lambda pair: pair[0]):
        try:
            result = validate(record)
        except RecordError as error:
            mapped.rejected.append((record, error))
            continue
        mapped.stored += 1
        entities.append((at, result.entities))
        rows: dict[str, list[dict[str, Any]]] = {}
        for table, row in result.events:
            rows.setdefault(table, []).append(row)
        for table, table_rows in rows.items():
            built = pa.Table.from_pylist(table_rows, EVENT_TABLES[table])
            pieces.setdefault(table, []).append((np.full(len(table_rows), at), built))
    mapped.tables = {table: _in_order(parts) for table, parts in pieces.items()}
    mapped.entities = [item for _, items in sorted(entities, key=lambda e: e[0]) for item in items]
    return mapped


@dataclass(frozen=True)
class _Held:
    """The table rows of a batch's blocks, with their positions in the batch."""

    table: pa.Table
    positions: NDArray[np.int64]
    lines: NDArray[np.int64]
    blocks: list[RecordBlock]
    owners: NDArray[np.int64]  # each row's block
    rows: NDArray[np.int64]  # each row's row in its block

    @classmethod
    def of(cls, blocks: list[tuple[int, RecordBlock]]) -> _Held:
        sizes = [len(block.lines) for _, block in blocks]
        return cls(
            pa.concat_tables([block.table for _, block in blocks]),
            np.concatenate([start + block.held() for start, block in blocks]),
            np.concatenate([np.asarray(block.lines, dtype=np.int64) for _, block in blocks]),
            [block for _, block in blocks],
            np.repeat(np.arange(len(blocks)), sizes),
            np.concatenate([np.arange(size) for size in sizes]),
        )

    def records(self, rows: NDArray[np.bool_]) -> list[tuple[int, SourceRecord]]:
        """The records of these rows, at their positions."""
        return [
            (int(self.positions[row]), self.blocks[self.owners[row]].row_record(self.rows[row]))
            for row in np.flatnonzero(rows).tolist()
        ]


def _map_held(
    form: BlockMapping,
    held: _Held,
    base: Provenance,
    file_name: str,
    mapped: MappedBatch,
    pieces: dict[str, list[tuple[NDArray[np.int64], pa.Table]]],
    entities: list[tuple[int, Entities]],
) -> list[tuple[int, SourceRecord]]:
    """Map the held rows that the mapping surely accepts; returns the others' records."""
    table = held.table
    doubtful = form.doubtful(table)
    wanted = {event.table: form.wanted(event, table) for event in form.mapping.events}
    evented = np.logical_or.reduce([*wanted.values(), np.zeros(table.num_rows, np.bool_)])
    made = _entities(form, held, ~doubtful, base, file_name)
    doubtful |= made.refused | (~evented & ~made.some)
    kept = ~doubtful
    for event in form.mapping.events:
        rows = np.flatnonzero(wanted[event.table] & kept)
        if len(rows):
            built = form.rows(event, table.take(rows), held.lines[rows])
            pieces.setdefault(event.table, []).append((held.positions[rows], built))
    for row, items in made.first.items():
        if kept[row]:
            entities.append((int(held.positions[row]), items))
    mapped.stored += int(kept.sum())
    mapped.repeated += int(made.counts[kept].sum()) - sum(
        len(items) for row, items in made.first.items() if kept[row]
    )
    return held.records(doubtful)


@dataclass
class _Made:
    """Entities of the held rows: per row how many, which rows the model refuses, and
    for the first row of each distinct value the entities with that row's provenance."""

    counts: NDArray[np.int64]
    refused: NDArray[np.bool_]
    first: dict[int, Entities]

    @property
    def some(self) -> NDArray[np.bool_]:
        return self.counts > 0


def _entities(
    form: BlockMapping, held: _Held, rows: NDArray[np.bool_], base: Provenance, file_name: str
) -> _Made:
    """The entities of ``rows``, made once per distinct value of the columns they read."""
    columns = _entity_columns(form.mapping)
    groups = _groups(held.table, columns)
    sizes = np.zeros(groups.max(initial=0) + 1, dtype=np.int64)
    refused = np.zeros(len(sizes), dtype=np.bool_)
    first: dict[int, Entities] = {}
    candidates = np.flatnonzero(rows)
    _, firsts = np.unique(groups[candidates], return_index=True)
    representatives = np.sort(candidates[firsts])
    read = [spec.column for spec in form.mapping.provenance_columns.values()] + columns
    present = [name for name in dict.fromkeys(read) if name in held.table.column_names]
    values = held.table.take(representatives).select(present).to_pylist()
    for row, fields in zip(representatives.tolist(), values, strict=True):
        texts = {key: text_value(fields[key]) for key in columns if not is_missing(fields.get(key))}
        try:
            proxies = form.validator.entities(texts)
        except RecordError:
            refused[groups[row]] = True
            continue
        sizes[groups[row]] = len(proxies)
        provenance = base.at_record(f"{file_name}:{held.lines[row]}")
        provenance = record_provenance(provenance, fields, form.mapping.provenance_columns)
        first[row] = [(proxy, provenance) for proxy in proxies]
    return _Made(np.where(rows, sizes[groups], 0), rows & refused[groups], first)


def _entity_columns(mapping: Mapping) -> list[str]:
    entities = mapping.entities.entities if mapping.entities else []
    return sorted({column for entity in entities for column in entity.refs})


def _groups(table: pa.Table, columns: list[str]) -> NDArray[np.int64]:
    """A number per row, equal for rows with the same values in ``columns``."""
    groups = np.zeros(table.num_rows, dtype=np.int64)
    for name in columns:
        if name not in table.column_names:
            continue
        codes = pc.dictionary_encode(table[name]).combine_chunks().indices
        values = pc.fill_null(codes, -1).to_numpy().astype(np.int64) + 1
        _, groups = np.unique(groups * (values.max(initial=0) + 1) + values, return_inverse=True)
    return groups.astype(np.int64)


def _column(table: pa.Table, name: str) -> pa.Array | None:
    return table[name].combine_chunks() if name in table.column_names else None


def _valid(values: pa.Array) -> NDArray[np.bool_]:
    return np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=np.bool_)


def _outside(values: pa.Array, spec: Column) -> NDArray[np.bool_]:
    """Set values that a range or code list rejects, or that are not finite numbers."""
    checks = []
    if pa.types.is_floating(values.type):
        checks.append(pc.invert(pc.is_finite(values)))
    if spec.minimum is not None:
        checks.append(pc.less(values, spec.minimum))
    if spec.maximum is not None:
        checks.append(pc.greater(values, spec.maximum))
    if spec.values:
        checks.append(pc.invert(pc.is_in(values, pa.array(spec.values, values.type))))
    outside = np.zeros(len(values), dtype=np.bool_)
    for check in checks:
        outside |= np.asarray(pc.fill_null(check, False).to_numpy(zero_copy_only=False))
    return outside


def _in_order(parts: list[tuple[NDArray[np.int64], pa.Table]]) -> pa.Table:
    """The parts' rows as one table, in the order of their positions."""
    positions = np.concatenate([at for at, _ in parts])
    table = pa.concat_tables([rows for _, rows in parts])
    return table.take(np.argsort(positions, kind="stable"))

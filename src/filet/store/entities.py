"""Reading and writing entities as statements, each value with its provenance.

A statement's id is FollowTheMoney's statement key (dataset, entity, property, value):
the same value from the same dataset is one row, which keeps the first record that gave
it, so re-ingestion adds nothing and a vessel named in a million AIS rows is stored
once; the same value from another dataset keeps its own row, provenance and grading.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from followthemoney import EntityProxy, Statement, StatementEntity
from followthemoney.dataset import Dataset

from filet.model import model
from filet.model.provenance import (
    HandlingCode,
    InformationAssessment,
    Provenance,
    SourceReliability,
)
from filet.search.index import index_entities
from filet.store.db import insert_ignoring_duplicates
from filet.store.tables import entities, statements


@dataclass(frozen=True)
class StoredValue:
    """One property value of an entity with everything known about where it came from."""

    prop: str
    value: str
    provenance: Provenance
    original_value: str | None = None


def statement_rows(proxy: EntityProxy, provenance: Provenance) -> list[dict[str, Any]]:
    """The statement rows that store ``proxy`` under ``provenance``."""
    if not proxy.id:
        raise ValueError(f"a {proxy.schema.name} entity has no id")
    now = datetime.now(UTC)
    rows = []
    values = [(Statement.BASE, proxy.id)] + [
        (prop.name, value) for prop, value in proxy.itervalues()
    ]
    for prop, value in values:
        statement = Statement(
            entity_id=proxy.id,
            prop=prop,
            schema=proxy.schema.name,
            value=value,
            dataset=provenance.dataset,
        )
        rows.append(
            {
                "id": statement.id,
                "entity_id": proxy.id,
                "schema": proxy.schema.name,
                "prop": prop,
                "prop_type": statement.prop_type,
                "value": value,
                "original_value": None,
                "lang": None,
                "dataset": provenance.dataset,
                "source_record": provenance.source_record,
                "collected_at": provenance.collected_at,
                "collecting_service": provenance.collecting_service,
                "source_reliability": provenance.source_reliability.value,
                "information_assessment": provenance.information_assessment.value,
                "handling_code": provenance.handling_code.value,
                "stored_at": now,
            }
        )
    return rows


def put_entities(conn: sa.Connection, items: Iterable[tuple[EntityProxy, Provenance]]) -> int:
    """Store entities inside the caller's transaction; returns how many were given.

    Records that repeat an entity (a vessel in every AIS row) are merged here first:
    each value keeps the provenance of the first record that gave it, as it would in
    the table, and the search index sees each entity once per batch.
    """
    rows: dict[str, dict[str, Any]] = {}
    merged: dict[str, EntityProxy] = {}
    # Holding the objects keeps their id() from being reused while we look them up.
    seen: dict[tuple[int, str], EntityProxy] = {}
    given = 0
    for proxy, provenance in items:
        given += 1
        if (id(proxy), provenance.dataset) in seen:
            continue  # the same mapped object again: its statements are already here
        seen[(id(proxy), provenance.dataset)] = proxy
        for row in statement_rows(proxy, provenance):
            rows.setdefault(row["id"], row)
        known = merged.get(proxy.id or "")
        merged[proxy.id or ""] = proxy.clone() if known is None else known.merge(proxy)
    if rows:
        conn.execute(insert_ignoring_duplicates(conn, statements), list(rows.values()))
        now = datetime.now(UTC)
        _merge_headers(
            conn,
            [
                {
                    "id": entity_id,
                    "schema": proxy.schema.name,
                    "caption": proxy.caption[:512],
                    "updated_at": now,
                }
                for entity_id, proxy in merged.items()
            ],
        )
        index_entities(conn, list(merged.values()))
    return given


def _merge_headers(conn: sa.Connection, headers: list[dict[str, Any]]) -> None:
    """Insert new entity headers; for known ids widen the schema to the common one."""
    known = {
        row.id: row.schema
        for row in conn.execute(
            sa.select(entities.c.id, entities.c.schema).where(
                entities.c.id.in_([header["id"] for header in headers])
            )
        )
    }
    fresh = [header for header in headers if header["id"] not in known]
    if fresh:
        conn.execute(entities.insert(), fresh)
    for header in headers:
        if header["id"] not in known or known[header["id"]] == header["schema"]:
            continue
        schema = model.common_schema(known[header["id"]], header["schema"]).name
        conn.execute(
            entities.update()
            .where(entities.c.id == header["id"])
            .values(schema=schema, updated_at=header["updated_at"])
        )


def load_entity(
    conn: sa.Connection,
    entity_id: str,
    max_handling: HandlingCode = HandlingCode.H3,
    visible: sa.ColumnElement[bool] | None = None,
) -> StatementEntity | None:
    """The entity assembled from its statements at or below ``max_handling`` (and
    matching ``visible``, a row filter such as the access policy's)."""
    query = sa.select(statements).where(statements.c.entity_id == entity_id)
    if visible is not None:
        query = query.where(visible)
    rows = conn.execute(query).mappings().all()
    return _assemble(entity_id, list(rows), max_handling)


def iter_entities(
    conn: sa.Connection,
    schema: str | None = None,
    max_handling: HandlingCode = HandlingCode.H3,
    batch_size: int = 500,
    visible: sa.ColumnElement[bool] | None = None,
) -> Iterator[StatementEntity]:
    """Every entity (of ``schema`` and its descendants, if given), in id order, built
    from the statements matching ``visible`` when a row filter is given."""
    query = sa.select(entities.c.id).order_by(entities.c.id)
    if visible is not None:
        query = query.where(entities.c.id.in_(sa.select(statements.c.entity_id).where(visible)))
    if schema is not None:
        names = [descendant.name for descendant in model[schema].descendants]
        query = query.where(entities.c.schema.in_([schema, *names]))
    ids = [row.id for row in conn.execute(query)]
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        grouped: dict[str, list[Any]] = {entity_id: [] for entity_id in chunk}
        rows = sa.select(statements).where(statements.c.entity_id.in_(chunk))
        if visible is not None:
            rows = rows.where(visible)
        for row in conn.execute(rows).mappings():
            grouped[row["entity_id"]].append(row)
        for entity_id in chunk:
            entity = _assemble(entity_id, grouped[entity_id], max_handling)
            if entity is not None:
                yield entity


def values_with_provenance(
    conn: sa.Connection, entity_id: str, visible: sa.ColumnElement[bool] | None = None
) -> list[StoredValue]:
    query = sa.select(statements).where(
        statements.c.entity_id == entity_id, statements.c.prop != Statement.BASE
    )
    if visible is not None:
        query = query.where(visible)
    rows = conn.execute(
        query.order_by(statements.c.prop, statements.c.value, statements.c.source_record)
    ).mappings()
    return [
        StoredValue(
            prop=row["prop"],
            value=row["value"],
            original_value=row["original_value"],
            provenance=_provenance(row),
        )
        for row in rows
    ]


def count_entities(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(entities)).scalar_one())


def _provenance(row: Any) -> Provenance:
    collected = row["collected_at"]
    if collected is not None and collected.tzinfo is None:
        collected = collected.replace(tzinfo=UTC)  # SQLite drops the zone; we store UTC
    return Provenance(
        dataset=row["dataset"],
        source_record=row["source_record"],
        collected_at=collected,
        collecting_service=row["collecting_service"],
        source_reliability=SourceReliability(row["source_reliability"]),
        information_assessment=InformationAssessment(row["information_assessment"]),
        handling_code=HandlingCode(row["handling_code"]),
    )


def _assemble(
    entity_id: str, rows: list[Any], max_handling: HandlingCode
) -> StatementEntity | None:
    visible = [row for row in rows if HandlingCode(row["handling_code"]).rank <= max_handling.rank]
    if not visible:
        return None
    schema = visible[0]["schema"]
    for row in visible[1:]:
        schema = model.common_schema(schema, row["schema"]).name
    entity = StatementEntity(
        Dataset.make({"name": "filet", "title": "Filet"}), {"id": entity_id, "schema": schema}
    )
    for row in visible:
        if row["prop"] == Statement.BASE:
            continue
        entity.add_statement(
            Statement(
                entity_id=entity_id,
                prop=row["prop"],
                schema=row["schema"],
                value=row["value"],
                dataset=row["dataset"],
                original_value=row["original_value"],
            )
        )
    return entity

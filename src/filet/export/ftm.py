"""FollowTheMoney JSON Lines out, so Aleph, OpenSanctions tools and partners read it as is.

A value whose handling code is above the export limit is left out: H2 means "not to
be disseminated without the provider's consent", so by default an export carries
values up to H1 only (Regulation (EU) 2016/794, art. 19). The limit is a condition of
the query, as is ``visible``, the access policy's row filter: a value left out never
leaves the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

import orjson
import sqlalchemy as sa

from filet.model.provenance import HandlingCode
from filet.store.entities import iter_entities, values_with_provenance
from filet.store.tables import statements

DEFAULT_EXPORT_HANDLING = HandlingCode.H1


def exported_statements(
    max_handling: HandlingCode, visible: sa.ColumnElement[bool] | None = None
) -> sa.ColumnElement[bool]:
    """The statements an export may carry: within ``max_handling`` and ``visible``."""
    allowed = [code.value for code in HandlingCode if code.rank <= max_handling.rank]
    within = statements.c.handling_code.in_(allowed)
    return within if visible is None else sa.and_(within, visible)


def entity_dicts(
    conn: sa.Connection,
    schema: str | None = None,
    max_handling: HandlingCode = DEFAULT_EXPORT_HANDLING,
    visible: sa.ColumnElement[bool] | None = None,
) -> Iterator[dict[str, Any]]:
    """Entities as FtM dictionaries (id, schema, properties)."""
    exported = exported_statements(max_handling, visible)
    for entity in iter_entities(conn, schema=schema, visible=exported):
        yield {"id": entity.id, "schema": entity.schema.name, "properties": entity.properties}


def statement_dicts(
    conn: sa.Connection,
    schema: str | None = None,
    max_handling: HandlingCode = DEFAULT_EXPORT_HANDLING,
    visible: sa.ColumnElement[bool] | None = None,
) -> Iterator[dict[str, Any]]:
    """One dictionary per value, with its provenance and grading (FtM statement fields)."""
    exported = exported_statements(max_handling, visible)
    for entity in iter_entities(conn, schema=schema, visible=exported):
        for stored in values_with_provenance(conn, entity.id or "", visible=exported):
            origin = stored.provenance
            yield {
                "entity_id": entity.id,
                "schema": entity.schema.name,
                "prop": stored.prop,
                "value": stored.value,
                "dataset": origin.dataset,
                "origin": origin.source_record,
                "first_seen": origin.collected_at.isoformat() if origin.collected_at else None,
                "collecting_service": origin.collecting_service,
                "grading": origin.grading,
                "handling_code": origin.handling_code.value,
            }


def write_jsonl(
    records: Iterator[dict[str, Any]],
    out: IO[bytes],
    on_line: Callable[[bytes], None] | None = None,
) -> int:
    """Write one record a line; ``on_line`` sees each line's bytes (e.g. to hash what
    was disclosed for the audit log)."""
    count = 0
    for record in records:
        line = orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n"
        out.write(line)
        if on_line is not None:
            on_line(line)
        count += 1
    return count

"""Where an identifier was mentioned: the ``CaseText`` entities that name it.

Each message or procès-verbal paragraph with identifiers is a ``CaseText`` (schema in
``filet/model/schema/CaseText.yaml``, made at ingest by ``ingest/mappings/seized.yaml``)
whose ``mentions`` are the identifiers' entities. Reading them back answers what an
investigator asks of a number or an account: in which message, of which seizure, on
which date, at which ``file:line``; and, the other way round (``mentioned_by``), what
a message or a paragraph names. ``filet entity show`` and the workbench's entity page
list both. Only readable values count, so a text held in a compartment the reader is
not in is not listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from filet.store.entities import load_entity
from filet.store.tables import statements

SCHEMA = "CaseText"
MENTIONS = "mentions"
MOST_SHOWN = 200  # an entity page lists at most this many texts


@dataclass(frozen=True)
class Mention:
    """One text naming the entity, as the reader may read it."""

    text_id: str
    title: str
    date: str | None
    case_ref: str | None
    seizure_ref: str | None
    record: str | None  # file:line
    chat: str | None
    sender: str | None
    document: str | None


@dataclass(frozen=True)
class Mentioned:
    """An identifier a text names, as the reader may read it."""

    entity_id: str
    schema: str
    caption: str


def mentioned_by(
    conn: sa.Connection,
    text_id: str,
    visible: sa.ColumnElement[bool] | None,
    most: int = MOST_SHOWN,
) -> list[Mentioned]:
    """The entities a ``CaseText`` mentions (phones, accounts, wallets, plates…), the
    other way round from ``mentions_of``; those the reader may not read are left out."""
    naming = sa.select(statements.c.value).where(
        statements.c.entity_id == text_id,
        statements.c.schema == SCHEMA,
        statements.c.prop == MENTIONS,
    )
    if visible is not None:
        naming = naming.where(visible)
    found = []
    for entity_id in conn.scalars(naming.distinct().order_by(statements.c.value).limit(most)):
        entity = load_entity(conn, entity_id, visible=visible)
        if entity is not None:
            found.append(Mentioned(entity_id, entity.schema.name, entity.caption))
    return sorted(found, key=lambda m: (m.schema, m.caption, m.entity_id))


def mentions_of(
    conn: sa.Connection,
    entity_id: str,
    visible: sa.ColumnElement[bool] | None,
    most: int = MOST_SHOWN,
) -> list[Mention]:
    """The readable texts that mention ``entity_id``, oldest first (undated last)."""
    naming = sa.select(statements.c.entity_id).where(
        statements.c.schema == SCHEMA,
        statements.c.prop == MENTIONS,
        statements.c.value == entity_id,
    )
    if visible is not None:
        naming = naming.where(visible)
    ids = list(conn.scalars(naming.distinct().order_by(statements.c.entity_id).limit(most)))
    values = _values(conn, ids, visible)
    found = [_mention(text_id, values[text_id]) for text_id in ids]
    return sorted(found, key=lambda m: (m.date is None, m.date or "", m.record or "", m.text_id))


def _values(
    conn: sa.Connection, ids: list[str], visible: sa.ColumnElement[bool] | None
) -> dict[str, dict[str, list[str]]]:
    query = sa.select(statements.c.entity_id, statements.c.prop, statements.c.value).where(
        statements.c.entity_id.in_(ids), statements.c.prop != MENTIONS
    )
    if visible is not None:
        query = query.where(visible)
    held: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in conn.execute(query.distinct()):
        held[row.entity_id][row.prop].append(row.value)
    return held


def _mention(text_id: str, held: dict[str, list[str]]) -> Mention:
    def first(prop: str) -> str | None:
        return min(held[prop]) if held.get(prop) else None

    return Mention(
        text_id=text_id,
        title=first("title") or first("recordId") or text_id,
        date=first("date"),
        case_ref=first("caseRef"),
        seizure_ref=first("seizureRef"),
        record=first("recordId"),
        chat=first("chat"),
        sender=first("sender"),
        document=first("document"),
    )

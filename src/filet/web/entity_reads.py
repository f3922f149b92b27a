"""Entities as the workbench reads them: values with provenance and grading, relations
to other entities and the alerts that name them, and search; each through the policy's
row filter, so that nothing of a compartment the reader is not in shows, not even
whether an entity exists there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from followthemoney import StatementEntity, registry

from filet.alerts.alert import Alert
from filet.network.mentions import Mention, mentions_of
from filet.search import search_entities
from filet.search.service import SearchHit
from filet.security.audit import Consultation, track_event
from filet.security.identity import Account
from filet.security.policy import Action, Resource, visible_compartments_clause
from filet.security.reads import admit
from filet.store.entities import StoredValue, load_entity, values_with_provenance
from filet.store.tables import compartment_datasets, compartments, statements
from filet.web.alert_reads import alerts_naming
from filet.web.refusals import forbidden, not_found

RELATIONS_SHOWN = 200  # an entity page lists at most this many links each way


@dataclass(frozen=True)
class Relation:
    """A link read from a value of type entity: ``outgoing`` when this entity's own
    property ``prop`` names ``other_id``, else ``other_id``'s property names this one."""

    outgoing: bool
    prop: str
    other_id: str
    other_schema: str
    other_caption: str


@dataclass(frozen=True)
class EntityView:
    entity: StatementEntity
    values: list[StoredValue]
    relations: list[Relation]
    mentions: list[Mention]  # the messages and PV paragraphs that name it
    alerts: list[Alert]
    cases: list[tuple[str, str]]  # (name, title) of the reader's cases holding a value of it


def read_entity(conn: sa.Connection, account: Account, purpose: str, entity_id: str) -> EntityView:
    """The entity as ``account`` may read it; 404 whether refused or absent."""
    access = admit(conn, account, Action.READ, Resource.entity(entity_id), purpose)
    visible = access.statements()
    entity = load_entity(conn, entity_id, visible=visible) if access else None
    view = None
    if entity is not None:
        view = EntityView(
            entity,
            values_with_provenance(conn, entity_id, visible=visible),
            _relations(conn, entity, visible),
            mentions_of(conn, entity_id, visible),
            alerts_naming(conn, account, entity_id),
            _cases(conn, account, entity_id, access.now),
        )
    shown = Consultation(
        actor=account.actor(purpose),
        action="web.entity.show",
        objects=(entity_id, *(alert.id for alert in view.alerts)) if view else (entity_id,),
        results=0 if view is None else 1,
    )
    track_event(conn, shown)
    if view is None:
        raise not_found()
    return view


def _cases(
    conn: sa.Connection, account: Account, entity_id: str, now: datetime
) -> list[tuple[str, str]]:
    """The cases whose datasets hold a value of the entity, among those the reader is a
    member of: the others stay unnamed, as everywhere."""
    datasets = sa.select(statements.c.dataset).where(statements.c.entity_id == entity_id)
    holding = sa.select(compartment_datasets.c.compartment).where(
        compartment_datasets.c.dataset.in_(datasets)
    )
    query = (
        sa.select(compartments.c.name, compartments.c.title)
        .where(compartments.c.name.in_(holding), visible_compartments_clause(account, now=now))
        .order_by(compartments.c.name)
    )
    return [(row.name, row.title) for row in conn.execute(query)]


def _relations(
    conn: sa.Connection, entity: StatementEntity, visible: sa.ColumnElement[bool] | None
) -> list[Relation]:
    links: list[tuple[bool, str, str]] = []
    for held, value in entity.itervalues():
        if held.type == registry.entity:
            links.append((True, held.name, value))
    incoming = sa.select(statements.c.entity_id, statements.c.prop).where(
        statements.c.prop_type == registry.entity.name, statements.c.value == entity.id
    )
    if visible is not None:
        incoming = incoming.where(visible)
    rows = conn.execute(incoming.distinct().order_by(statements.c.entity_id).limit(RELATIONS_SHOWN))
    links.extend((False, held_by, other) for other, held_by in rows)
    related = []
    for outgoing, name, other_id in links[: 2 * RELATIONS_SHOWN]:
        # Caption and schema from the readable values only, as the search does.
        other = load_entity(conn, other_id, visible=visible)
        related.append(
            Relation(
                outgoing,
                name,
                other_id,
                other.schema.name if other is not None else "",
                other.caption if other is not None else "",
            )
        )
    return related


def search(
    conn: sa.Connection,
    account: Account,
    purpose: str,
    query: str,
    kind: str | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Entities matching ``query`` by name or identifier among the values ``account``
    may read (the row filter is applied in the search's SQL)."""
    access = admit(conn, account, Action.READ, Resource.all_entities(), purpose)
    if not access:
        raise forbidden()
    hits = search_entities(conn, query, kind=kind, limit=limit, visible=access.statements())
    consulted = Consultation(
        actor=account.actor(purpose),
        action="web.entity.search",
        objects=tuple(dict.fromkeys(hit.entity_id for hit in hits)),
        results=len(hits),
        search_kind=kind or "",
    )
    track_event(conn, consulted)
    return hits

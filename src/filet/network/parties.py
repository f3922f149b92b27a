"""Who stands behind an identifier: the party a line, an account or a name resolves to.

The path to the top is about people, while the events name lines, accounts and the
names a surveillance report writes. Each identifier is resolved, from the statements
the reader may see, in three steps:

1. its entities: the ``Phone`` of that number, the ``BankAccount`` of that account
   number or IBAN (an FtM import and a bank file may each hold one); for a meeting
   participant, the entity of that id, else the persons, companies or organisations
   of exactly that name;
2. their holder: the ``holder`` of the line (or wallet), the ``owner`` of the
   ``Ownership`` of the account, when there is exactly one; a line or an account with
   two holders (a shared handset, a joint account) stays its number, since its holders
   are not one person;
3. the entity resolution: entities merged by ``filet resolve`` (accepted links and
   analysts' "same" decisions) are one party, named after the smallest id.

A line or an account that nobody holds stays its number, as the fadettes and the bank
statements write it; a name stays as written unless exactly one entity bears it, so
that nothing is merged on a guess.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from filet.network.multigraph import Party, Ref
from filet.network.resolution import list_links
from filet.store.entities import load_entity
from filet.store.tables import statements

CHUNK = 500  # values per IN list, well under SQLite's parameter limit
# Where each kind of identifier is written: schema and properties.
IDENTIFIER_PROPS = {
    "phone": (("Phone",), ("number",)),
    "account": (("BankAccount",), ("accountNumber", "iban")),
    "name": (("Person", "Company", "Organization", "LegalEntity"), ("name",)),
}
Visible = sa.ColumnElement[bool] | None


def resolve_parties(conn: sa.Connection, refs: Iterable[Ref], visible: Visible) -> dict[Ref, Party]:
    """Each ref's party, from the statements matching ``visible`` (the access policy's
    row filter; None in a workspace without accounts)."""
    wanted = sorted(set(refs), key=lambda ref: (ref.kind, ref.value))
    entities = _identifier_entities(conn, wanted, visible)
    held = _holders(conn, {e for found in entities.values() for e in found}, visible)
    merged = _merged(conn, visible)
    labels: dict[str, str] = {}
    parties = {}
    for ref in wanted:
        found = entities.get(ref, set())
        party = _party(ref, found, held, merged)
        if party == ref.value and party not in found:  # no entity: the identifier itself
            parties[ref] = Party(ref.value, ref.value)
            continue
        if party not in labels:
            labels[party] = _caption(conn, party, visible) or ref.value
        parties[ref] = Party(party, labels[party])
    return parties


def _party(ref: Ref, entities: set[str], held: dict[str, set[str]], merged: dict[str, str]) -> str:
    """The one holder of the entities carrying the identifier (an FtM import and a bank
    file may each hold an entity for one account), else the one entity a name resolved
    to; otherwise the identifier as the events write it."""
    holders = {merged.get(h, h) for entity in entities for h in held.get(entity, ())}
    if len(holders) == 1:
        return holders.pop()
    named = {merged.get(entity, entity) for entity in entities}
    if not holders and ref.kind == "name" and len(named) == 1:
        return named.pop()
    return ref.value


def identifier_refs(conn: sa.Connection, entity_id: str, visible: Visible) -> list[Ref]:
    """The numbers of a ``Phone`` or ``BankAccount`` entity, as refs: how an entity id
    given for a line or an account is found in the events."""
    found = []
    for kind, (schemas, props) in IDENTIFIER_PROPS.items():
        if kind == "name":
            continue
        query = sa.select(statements.c.value, statements.c.value).where(
            statements.c.entity_id == entity_id,
            statements.c.schema.in_(schemas),
            statements.c.prop.in_(props),
        )
        found += [Ref(kind, value) for value, _ in sorted(_rows(conn, query, visible))]
    return found


def _identifier_entities(
    conn: sa.Connection, refs: list[Ref], visible: Visible
) -> dict[Ref, set[str]]:
    """The entities carrying each ref's value (a name written as an entity id: that one)."""
    found: dict[Ref, set[str]] = defaultdict(set)
    for kind, (schemas, props) in IDENTIFIER_PROPS.items():
        values = [ref.value for ref in refs if ref.kind == kind]
        for rows in _chunks(values):
            query = sa.select(statements.c.value, statements.c.entity_id).where(
                statements.c.schema.in_(schemas),
                statements.c.prop.in_(props),
                statements.c.value.in_(rows),
            )
            for value, entity_id in _rows(conn, query, visible):
                found[Ref(kind, value)].add(entity_id)
    names = [ref.value for ref in refs if ref.kind == "name"]
    for rows in _chunks(names):  # a participant written as an entity id is that entity
        query = sa.select(statements.c.entity_id, statements.c.entity_id).where(
            statements.c.entity_id.in_(rows)
        )
        for value, entity_id in _rows(conn, query, visible):
            found[Ref("name", value)] = {entity_id}
    return dict(found)


def _holders(conn: sa.Connection, entity_ids: set[str], visible: Visible) -> dict[str, set[str]]:
    """The holders of each line, wallet or account: ``holder``, ``Ownership.owner``."""
    holders: dict[str, set[str]] = defaultdict(set)
    ids = sorted(entity_ids)
    for rows in _chunks(ids):
        direct = sa.select(statements.c.entity_id, statements.c.value).where(
            statements.c.entity_id.in_(rows), statements.c.prop == "holder"
        )
        for entity_id, holder in _rows(conn, direct, visible):
            holders[entity_id].add(holder)
        owned = sa.select(statements.c.entity_id, statements.c.value).where(
            statements.c.schema == "Ownership",
            statements.c.prop == "asset",
            statements.c.value.in_(rows),
        )
        ownerships = dict(_rows(conn, owned, visible))  # ownership id -> asset id
        for chunk in _chunks(sorted(ownerships)):
            owners = sa.select(statements.c.entity_id, statements.c.value).where(
                statements.c.entity_id.in_(chunk), statements.c.prop == "owner"
            )
            for ownership, owner in _rows(conn, owners, visible):
                holders[ownerships[ownership]].add(owner)
    return dict(holders)


def _merged(conn: sa.Connection, visible: Visible) -> dict[str, str]:
    """Each entity merged with others to the smallest id of its group (union-find over
    the merged resolution links whose two entities the reader may see)."""
    readable = None
    if visible is not None:
        readable = sa.select(statements.c.entity_id).where(visible)
    parent: dict[str, str] = {}

    def root(entity: str) -> str:
        while parent.get(entity, entity) != entity:
            entity = parent[entity]
        return entity

    for link in list_links(conn, readable=readable):
        if link.merged:
            a, b = root(link.entity_a), root(link.entity_b)
            parent[max(a, b)] = min(a, b)
    return {entity: root(entity) for entity in parent}


def _caption(conn: sa.Connection, entity_id: str, visible: Visible) -> str | None:
    entity = load_entity(conn, entity_id, visible=visible)
    return entity.caption if entity is not None else None


def _rows(conn: sa.Connection, query: sa.Select[Any], visible: Visible) -> set[tuple[str, str]]:
    if visible is not None:
        query = query.where(visible)
    return {(str(row[0]), str(row[1])) for row in conn.execute(query.distinct())}


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]

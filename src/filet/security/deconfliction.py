"""Deconfliction: when two cases hold the same person, phone or vessel, both are told.

Two services working the same target without knowing it is how operations collide (a
surveillance blown by another service's arrest, two infiltrations of one network).
Europol's SIENA and EIS cross-checks answer this with "hit / no-hit": each owner learns
that someone else holds a match and whom to call, never what the other holds. Here, a
match between compartments (same normalized identifier, same entity id, or records that
entity resolution found to be the same) gives each compartment a notice naming only the
other compartment's service and contact. Running it again adds nothing already known;
each match is recorded in the audit log by entity ids, never by the matching value.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from filet.security.audit import Actor, Consultation, Deconfliction, track_event
from filet.security.identity import Account
from filet.store.tables import (
    accounts,
    compartment_datasets,
    compartment_members,
    compartments,
    deconfliction_notices,
    identifier_statement,
    search_identifiers,
    statements,
)


@dataclass(frozen=True)
class Match:
    """Entity ``entity_a`` of ``compartment_a`` matches ``entity_b`` of ``compartment_b``."""

    kind: str
    entity_a: str
    compartment_a: str
    entity_b: str
    compartment_b: str


@dataclass(frozen=True)
class Notice:
    """What a compartment's members are told: which of *their* entities matches, how,
    and whom to call. Nothing of the other compartment's content."""

    id: str
    compartment: str
    own_entity: str
    match_kind: str
    other_service: str
    other_contact: str
    created_at: datetime

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "compartment": self.compartment,
            "own_entity": self.own_entity,
            "match_kind": self.match_kind,
            "other_service": self.other_service,
            "other_contact": self.other_contact,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Run:
    matches: int
    notices_new: int


def _placed() -> sa.Select[tuple[str, str, str]]:
    """(entity id, statement id, compartment) of every value held in a compartment."""
    return sa.select(
        statements.c.entity_id, statements.c.prop, compartment_datasets.c.compartment
    ).join(compartment_datasets, compartment_datasets.c.dataset == statements.c.dataset)


def identifier_matches(conn: sa.Connection) -> list[Match]:
    """Entities of two compartments sharing a normalized identifier (phone in E.164,
    IBAN, IMO, MMSI, crypto address, container number: the search index's keys)."""
    query = (
        sa.select(
            search_identifiers.c.kind,
            search_identifiers.c.value,
            search_identifiers.c.entity_id,
            compartment_datasets.c.compartment,
        )
        .distinct()
        .join(statements, identifier_statement)
        .join(compartment_datasets, compartment_datasets.c.dataset == statements.c.dataset)
    )
    holders: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for row in conn.execute(query):
        holders[(row.kind, row.value)].add((row.entity_id, row.compartment))
    return [
        match
        for (kind, _), held in sorted(holders.items())
        for match in _across(f"identifier:{kind}", held)
    ]


def entity_matches(conn: sa.Connection) -> list[Match]:
    """One entity id with values in two compartments (an FtM id both sources share)."""
    query = (
        _placed()
        .with_only_columns(statements.c.entity_id, compartment_datasets.c.compartment)
        .distinct()
    )
    held: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in conn.execute(query):
        held[row.entity_id].add((row.entity_id, row.compartment))
    return [match for key in sorted(held) for match in _across("entity", held[key])]


def resolved_matches(conn: sa.Connection, pairs: Iterable[tuple[str, str, float]]) -> list[Match]:
    """Pairs that entity resolution found to be the same (``entity_a``, ``entity_b``,
    probability) whose records sit in different compartments."""
    found = []
    for entity_a, entity_b, _ in pairs:
        held = {(entity_a, c) for c in _compartments_of(conn, entity_a)}
        held |= {(entity_b, c) for c in _compartments_of(conn, entity_b)}
        found += [match for match in _across("resolved", held) if match.entity_a != match.entity_b]
    return found


def _compartments_of(conn: sa.Connection, entity_id: str) -> set[str]:
    query = (
        _placed()
        .with_only_columns(compartment_datasets.c.compartment)
        .where(statements.c.entity_id == entity_id)
        .distinct()
    )
    return set(conn.scalars(query))


def _across(kind: str, held: set[tuple[str, str]]) -> list[Match]:
    """Every pair of holders in two different compartments, in a stable order."""
    ordered = sorted(held, key=lambda item: (item[1], item[0]))
    return [
        Match(kind, entity_a, compartment_a, entity_b, compartment_b)
        for index, (entity_a, compartment_a) in enumerate(ordered)
        for entity_b, compartment_b in ordered[index + 1 :]
        if compartment_a != compartment_b
    ]


def run(
    conn: sa.Connection,
    actor: Actor,
    resolved: Sequence[tuple[str, str, float]] = (),
    now: datetime | None = None,
) -> Run:
    """Find every match between compartments and notify both sides of the new ones."""
    moment = now or datetime.now(UTC)
    matches = [
        *identifier_matches(conn),
        *entity_matches(conn),
        *resolved_matches(conn, resolved),
    ]
    contacts = case_contacts(conn)
    new = 0
    for match in dict.fromkeys(matches):
        sides = (
            (match.compartment_a, match.entity_a, match.compartment_b),
            (match.compartment_b, match.entity_b, match.compartment_a),
        )
        created = sum(
            _notify(conn, match.kind, own, entity, other, contacts[other], moment)
            for own, entity, other in sides
        )
        if created:
            track_event(
                conn,
                Deconfliction(
                    actor=actor,
                    action="deconfliction.match",
                    objects=(match.entity_a, match.entity_b),
                    match_kind=match.kind,
                    compartments=(match.compartment_a, match.compartment_b),
                    notices_new=created,
                    at=moment,
                ),
            )
        new += created
    return Run(matches=len(set(matches)), notices_new=new)


def case_contacts(conn: sa.Connection) -> dict[str, tuple[str, str]]:
    """Per compartment, its service and its creator as the contact to call."""
    query = sa.select(
        compartments.c.name,
        compartments.c.service,
        compartments.c.created_by,
        accounts.c.display_name,
    ).outerjoin(accounts, accounts.c.name == compartments.c.created_by)
    return {
        row.name: (row.service, row.display_name or row.created_by) for row in conn.execute(query)
    }


def _notify(
    conn: sa.Connection,
    kind: str,
    compartment: str,
    own_entity: str,
    other: str,
    contact: tuple[str, str],
    now: datetime,
) -> int:
    notice_id = hashlib.sha256(
        "\x1f".join((compartment, own_entity, other, kind)).encode()
    ).hexdigest()
    known = sa.select(deconfliction_notices.c.id).where(deconfliction_notices.c.id == notice_id)
    if conn.scalar(known) is not None:
        return 0
    service, person = contact
    conn.execute(
        deconfliction_notices.insert().values(
            id=notice_id,
            compartment=compartment,
            own_entity=own_entity,
            other_compartment=other,
            match_kind=kind,
            other_service=service,
            other_contact=person,
            created_at=now,
        )
    )
    return 1


def notices_for(
    conn: sa.Connection, account: Account, purpose: str = "", now: datetime | None = None
) -> list[Notice]:
    """The notices of the compartments ``account`` is an active member of (with the
    clearance they require), newest first; the reading is audited."""
    moment = now or datetime.now(UTC)
    if account.disabled:
        return []
    member_of = (
        sa.select(compartment_members.c.compartment)
        .join(compartments, compartments.c.name == compartment_members.c.compartment)
        .where(
            compartment_members.c.account == account.name,
            compartment_members.c.revoked_at.is_(None),
            compartment_members.c.expires_at > moment,
            compartments.c.clearance <= int(account.clearance),
        )
    )
    query = (
        sa.select(deconfliction_notices)
        .where(deconfliction_notices.c.compartment.in_(member_of))
        .order_by(deconfliction_notices.c.created_at.desc(), deconfliction_notices.c.id)
    )
    found = [
        Notice(
            row.id,
            row.compartment,
            row.own_entity,
            row.match_kind,
            row.other_service,
            row.other_contact,
            row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC),
        )
        for row in conn.execute(query)
    ]
    track_event(
        conn,
        Consultation(
            actor=account.actor(purpose),
            action="deconfliction.notices",
            objects=tuple(notice.id for notice in found),
            results=len(found),
        ),
    )
    return found

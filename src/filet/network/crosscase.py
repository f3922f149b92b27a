"""Cross-case linking: a number, account or plate of one case that another case holds.

A contact in a seized phone is often somebody another case already knows. When the
reader may see both cases, they are told where: the other case, its dataset and the
source line (``file:line``) of each value. When the other case is closed to them, they
learn only that it exists and whom to call, through a deconfliction notice
(:mod:`filet.security.deconfliction`), never its content.

Values meet on the search index's normalized identifiers (a phone in E.164, an IBAN,
a plate, a container number...), so ``06 12 34 56 78`` in a fadette meets
``+33 6 12 34 56 78`` in a contact list. A case is a compartment; data in no
compartment (and every dataset of a workspace without accounts) counts as its own case,
named after its dataset.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from filet.security import deconfliction
from filet.security.audit import Actor, Consultation, track_event
from filet.security.identity import Account
from filet.security.policy import visible_statements_clause
from filet.store.tables import (
    compartment_datasets,
    identifier_statement,
    search_identifiers,
    statements,
)


@dataclass(frozen=True)
class Sighting:
    """One value of an identifier, where it is held and where it was read."""

    case: str
    dataset: str
    entity_id: str
    source_record: str


@dataclass(frozen=True)
class CrossCaseLink:
    """An identifier of the reader's cases that other cases hold too."""

    kind: str
    value: str
    seen: tuple[Sighting, ...]  # what the reader may see, in every case that holds it
    closed_cases: int  # cases the reader may not see that hold it too
    contacts: tuple[tuple[str, str], ...]  # (service, person) to call for those


def _sightings(conn: sa.Connection, visible: sa.ColumnElement[bool] | None) -> list[Any]:
    case = sa.func.coalesce(
        compartment_datasets.c.compartment, sa.literal("dataset:") + statements.c.dataset
    )
    query = (
        sa.select(
            search_identifiers.c.kind,
            search_identifiers.c.value,
            statements.c.entity_id,
            statements.c.dataset,
            statements.c.source_record,
            case.label("case"),
        )
        .distinct()
        .join(statements, identifier_statement)
        .outerjoin(compartment_datasets, compartment_datasets.c.dataset == statements.c.dataset)
    )
    if visible is not None:
        query = query.where(visible)
    return list(conn.execute(query))


def cross_case_links(
    conn: sa.Connection, actor: Actor, account: Account | None
) -> list[CrossCaseLink]:
    """Every identifier the reader may see in one case that another case holds, with
    the sightings they may see; the others are notified through deconfliction. The
    reading is audited by entity ids."""
    visible = None if account is None else visible_statements_clause(account)
    seen: dict[tuple[str, str], set[Sighting]] = defaultdict(set)
    for row in _sightings(conn, visible):
        seen[(row.kind, row.value)].add(
            Sighting(row.case, row.dataset, row.entity_id, row.source_record)
        )
    held: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in _sightings(conn, None):
        if (row.kind, row.value) in seen:
            held[(row.kind, row.value)].add(row.case)
    if account is not None:
        deconfliction.run(conn, actor)
    contacts = deconfliction.case_contacts(conn)
    links = []
    for key in sorted(seen):
        if len(held[key]) < 2:
            continue
        closed = held[key] - {sighting.case for sighting in seen[key]}
        links.append(
            CrossCaseLink(
                *key,
                seen=tuple(sorted(seen[key], key=lambda s: (s.case, s.source_record))),
                closed_cases=len(closed),
                contacts=tuple(sorted({contacts[case] for case in closed if case in contacts})),
            )
        )
    objects = sorted({s.entity_id for link in links for s in link.seen})
    track_event(
        conn,
        Consultation(actor=actor, action="network.cross_case", objects=tuple(objects),
                     results=len(links)),
    )  # fmt: skip
    return links

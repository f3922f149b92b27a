"""Compartments: a case or an intelligence operation, its members and its datasets.

Data enters a compartment by dataset: every statement carries the dataset it came from,
and ``compartment_datasets`` puts each dataset in at most one compartment, so an entity
known from an open source and from a case shows its open values to everyone and its
case values to the case's members only. A membership is granted by a member entitled
to (``Action.GRANT``), always with a reason and an expiry; revoking keeps the row, and
every grant, revocation and assignment is recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from filet.security.audit import Alteration, track_event
from filet.security.identity import Account, Clearance, Service
from filet.security.policy import Action, Resource, as_utc, authorize
from filet.store.tables import (
    accounts,
    compartment_datasets,
    compartment_members,
    compartments,
)


class CompartmentKind(StrEnum):
    CASE = "case"  # une affaire judiciaire / a judicial case
    OPERATION = "operation"  # une opération de renseignement / an intelligence operation


class CompartmentError(ValueError):
    """A refused compartment operation; the message says why, in French then English."""


@dataclass(frozen=True)
class Compartment:
    name: str
    kind: CompartmentKind
    title: str
    service: Service
    clearance: Clearance
    created_by: str


@dataclass(frozen=True)
class Membership:
    compartment: str
    account: str
    granted_by: str
    reason: str
    expires_at: datetime
    revoked_at: datetime | None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


def create_compartment(
    conn: sa.Connection,
    by: Account,
    name: str,
    kind: CompartmentKind,
    title: str,
    clearance: Clearance,
    until: datetime,
) -> Compartment:
    """Create a compartment owned by ``by``'s service; ``by`` becomes its first member
    until ``until``, which a creator without the clearance it requires cannot be."""
    decision = authorize(conn, by, Action.CREATE_COMPARTMENT, Resource.compartment(name), title)
    if not decision:
        raise CompartmentError(f"refusé / denied: {decision.reason}")
    if by.clearance < clearance:
        raise CompartmentError("habilitation insuffisante / clearance below the compartment's")
    if _exists(conn, name):
        raise CompartmentError(f"compartiment existant / compartment exists: {name}")
    created = Compartment(name, kind, title, by.service, clearance, by.name)
    conn.execute(
        compartments.insert().values(
            name=name,
            kind=kind.value,
            title=title,
            service=by.service.value,
            clearance=int(clearance),
            created_by=by.name,
            created_at=datetime.now(UTC),
        )
    )
    _upsert_member(conn, name, by.name, by.name, "création / creation", until)
    _record(conn, by, title, "compartment.create", name, f"created until {until:%Y-%m-%d}")
    return created


def grant(
    conn: sa.Connection,
    by: Account,
    compartment: str,
    account: str,
    reason: str,
    until: datetime,
    now: datetime | None = None,
) -> None:
    """Make ``account`` a member of ``compartment`` until ``until``, for ``reason``.

    Clearance is checked at each decision rather than here: a member whose clearance is
    lowered loses access at once without anyone editing memberships."""
    _entitled(conn, by, compartment, reason)
    if not reason.strip():
        raise CompartmentError("motif obligatoire / a reason is required")
    if until <= (now or datetime.now(UTC)):
        raise CompartmentError("échéance passée / the expiry must be in the future")
    disabled = conn.scalar(sa.select(accounts.c.disabled).where(accounts.c.name == account))
    if disabled is None or disabled:
        raise CompartmentError(f"compte inconnu ou désactivé / unknown or disabled: {account}")
    _upsert_member(conn, compartment, account, by.name, reason, until)
    _record(
        conn,
        by,
        reason,
        "compartment.grant",
        compartment,
        f"grant {account} until {until:%Y-%m-%d}",
    )


def revoke(conn: sa.Connection, by: Account, compartment: str, account: str, reason: str) -> None:
    _entitled(conn, by, compartment, reason)
    done = conn.execute(
        compartment_members.update()
        .where(
            compartment_members.c.compartment == compartment,
            compartment_members.c.account == account,
            compartment_members.c.revoked_at.is_(None),
        )
        .values(revoked_at=datetime.now(UTC), revoked_by=by.name)
    )
    if not done.rowcount:
        raise CompartmentError(f"pas membre / not a member: {account}")
    _record(conn, by, reason, "compartment.revoke", compartment, f"revoke {account}")


def assign_dataset(
    conn: sa.Connection, by: Account, compartment: str, dataset: str, reason: str
) -> None:
    """Put ``dataset`` in ``compartment``: from now on only its members see its values."""
    _entitled(conn, by, compartment, reason)
    holder = conn.scalar(
        sa.select(compartment_datasets.c.compartment).where(
            compartment_datasets.c.dataset == dataset
        )
    )
    if holder is not None:
        raise CompartmentError(f"jeu déjà compartimenté / dataset already in {holder}")
    conn.execute(
        compartment_datasets.insert().values(
            dataset=dataset,
            compartment=compartment,
            assigned_by=by.name,
            assigned_at=datetime.now(UTC),
        )
    )
    _record(conn, by, reason, "compartment.assign", compartment, f"dataset {dataset}")


def list_compartments(
    conn: sa.Connection, where: sa.ColumnElement[bool] | None = None
) -> list[Compartment]:
    """Every compartment by name, or those matching ``where`` (a row filter such as
    ``visible_compartments_clause``, for what an account may see)."""
    query = sa.select(compartments).order_by(compartments.c.name)
    rows = conn.execute(query if where is None else query.where(where))
    return [
        Compartment(
            name=row.name,
            kind=CompartmentKind(row.kind),
            title=row.title,
            service=Service(row.service),
            clearance=Clearance(row.clearance),
            created_by=row.created_by,
        )
        for row in rows
    ]


def members(conn: sa.Connection, compartment: str) -> list[Membership]:
    rows = conn.execute(
        sa.select(compartment_members)
        .where(compartment_members.c.compartment == compartment)
        .order_by(compartment_members.c.account)
    )
    return [
        Membership(
            compartment=row.compartment,
            account=row.account,
            granted_by=row.granted_by,
            reason=row.reason,
            expires_at=as_utc(row.expires_at),
            revoked_at=None if row.revoked_at is None else as_utc(row.revoked_at),
        )
        for row in rows
    ]


def datasets(conn: sa.Connection, compartment: str) -> list[str]:
    query = sa.select(compartment_datasets.c.dataset).where(
        compartment_datasets.c.compartment == compartment
    )
    return sorted(conn.scalars(query))


def _entitled(conn: sa.Connection, by: Account, compartment: str, reason: str) -> None:
    decision = authorize(conn, by, Action.GRANT, Resource.compartment(compartment), reason)
    if not decision:
        raise CompartmentError(f"refusé / denied: {decision.reason}")


def _exists(conn: sa.Connection, name: str) -> bool:
    query = sa.select(compartments.c.name).where(compartments.c.name == name)
    return conn.scalar(query) is not None


def _upsert_member(
    conn: sa.Connection, compartment: str, account: str, by: str, reason: str, until: datetime
) -> None:
    conn.execute(
        compartment_members.delete().where(
            compartment_members.c.compartment == compartment,
            compartment_members.c.account == account,
        )
    )
    values: dict[str, Any] = {
        "compartment": compartment,
        "account": account,
        "granted_by": by,
        "reason": reason,
        "granted_at": datetime.now(UTC),
        "expires_at": until,
        "revoked_by": None,
        "revoked_at": None,
    }
    conn.execute(compartment_members.insert().values(**values))


def _record(
    conn: sa.Connection, by: Account, purpose: str, action: str, compartment: str, change: str
) -> None:
    event = Alteration(
        actor=by.actor(purpose), action=action, objects=(compartment,), change=change
    )
    track_event(conn, event)

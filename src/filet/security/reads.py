"""Reading stored data through the access policy: decided, filtered in SQL, recorded.

These are the read functions an interface calls on behalf of an account. Each asks
the policy first (the decision is audited) and then reads with the policy's row
filter in the query itself, so values outside the account's compartments never leave
the database.

A workspace is *secured* once it holds an account: from then on whoever acts must be
an existing, enabled person account (``secured_actor``). A workspace without accounts
(the demo, a quick scan) has no one to decide for, and reads everything as before:
there ``secured_actor`` gives ``None`` and an ``Access`` without account lets every
row through.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from followthemoney import StatementEntity

from filet.security.accounts import get_account
from filet.security.audit import Actor, Authorization, track_event
from filet.security.identity import Account, AccountKind
from filet.security.policy import (
    Action,
    Decision,
    Resource,
    authorize,
    visible_alerts_clause,
    visible_files_clause,
    visible_quarantine_clause,
    visible_statements_clause,
)
from filet.store.entities import StoredValue, iter_entities, load_entity, values_with_provenance
from filet.store.events import EventStore
from filet.store.tables import accounts, ingest_files, quarantine


class ActorRefused(PermissionError):
    """The named actor may not act in this secured workspace; the message says why."""


def is_secured(conn: sa.Connection) -> bool:
    """Whether the workspace holds at least one account, and so enforces the policy."""
    return bool(conn.scalar(sa.select(sa.exists(sa.select(accounts.c.name)))))


def secured_actor(conn: sa.Connection, name: str, purpose: str = "") -> Account | None:
    """The account ``name`` acts as; ``None`` in a workspace without accounts.

    An unknown, disabled or service account is refused with ``ActorRefused``, and the
    refusal is recorded in the audit log within ``conn``'s transaction: the caller
    commits it before reporting the refusal. A service account acts through its API
    token, whose scopes limit it, never by name."""
    if not is_secured(conn):
        return None
    account = get_account(conn, name)
    reason = ""
    if account is None:
        reason = f"compte inconnu / no account named {name!r}"
    elif account.disabled:
        reason = f"compte désactivé / account {name!r} is disabled"
    elif account.kind is AccountKind.SERVICE:
        reason = f"compte de service: utiliser son jeton / service account {name!r}: use its token"
    if account is None or reason:
        refusal = Authorization(
            actor=Actor(name, purpose),
            action="policy.actor",
            objects=(f"account:{name}",),
            allowed=False,
            reason=reason,
        )
        track_event(conn, refusal)
        raise ActorRefused(f"{reason} (--actor, FILET_ACTOR)")
    return account


@dataclass(frozen=True)
class Access:
    """A decision and the row filters that go with it: ``account`` is ``None`` in a
    workspace without accounts, where every row passes (the filters are ``None``)."""

    account: Account | None
    action: Action
    decision: Decision
    now: datetime

    def __bool__(self) -> bool:
        return self.decision.allowed

    def statements(self) -> sa.ColumnElement[bool] | None:
        if self.account is None:
            return None
        return visible_statements_clause(self.account, self.action, self.now)

    def alerts(self) -> sa.ColumnElement[bool] | None:
        if self.account is None:
            return None
        return visible_alerts_clause(self.account, self.action, self.now)

    def quarantine(self) -> sa.ColumnElement[bool] | None:
        if self.account is None:
            return None
        return visible_quarantine_clause(self.account, self.action, self.now)

    def files(self) -> sa.ColumnElement[bool] | None:
        if self.account is None:
            return None
        return visible_files_clause(self.account, self.action, self.now)


_UNSECURED = Decision(True, "espace sans comptes / workspace without accounts")


def admit(
    conn: sa.Connection,
    account: Account | None,
    action: Action,
    resource: Resource,
    purpose: str = "",
) -> Access:
    """Ask the policy (audited) whether ``account`` may take ``action`` on ``resource``;
    without an account (an unsecured workspace) everything is allowed, unrecorded."""
    now = datetime.now(UTC)
    if account is None:
        return Access(None, action, _UNSECURED, now)
    return Access(account, action, authorize(conn, account, action, resource, purpose, now), now)


def may_write_dataset(
    conn: sa.Connection, account: Account | None, dataset: str, purpose: str = ""
) -> Decision:
    """Whether ``account`` may add data to ``dataset`` (ingest, import), audited."""
    return admit(conn, account, Action.WRITE, Resource.dataset(dataset), purpose).decision


def readable_events(
    conn: sa.Connection, account: Account | None, events: EventStore, purpose: str = ""
) -> tuple[Access, EventStore]:
    """The event tables narrowed to the rows of files in datasets ``account`` may read
    (all of them in a workspace without accounts), with the audited decision."""
    access = admit(conn, account, Action.READ, Resource.events(), purpose)
    clause = access.files()
    if clause is None:
        return access, events
    if not access:
        return access, events.only(())
    return access, events.only(conn.scalars(sa.select(ingest_files.c.sha256).where(clause)))


def visible_quarantine_ids(
    conn: sa.Connection,
    access: Access,
    *,
    prefix: str = "",
    file: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[str]:
    """Ids of the rejected records ``access`` opens, by file and line: those starting
    with ``prefix``, of ``file`` (a path or a digest prefix), with ``status``."""
    if not access:
        return []
    query = sa.select(quarantine.c.id)
    clause = access.quarantine()
    if clause is not None:
        query = query.where(clause)
    if prefix:
        query = query.where(quarantine.c.id.startswith(prefix.lower(), autoescape=True))
    if status is not None:
        query = query.where(quarantine.c.status == status)
    if file is not None:
        query = query.where(
            sa.or_(
                quarantine.c.file_path == str(Path(file).resolve()),
                quarantine.c.file_sha256.startswith(file.lower(), autoescape=True),
            )
        )
    query = query.order_by(quarantine.c.file_path, quarantine.c.line).limit(limit)
    return list(conn.scalars(query))


def load_visible_entity(
    conn: sa.Connection, account: Account, entity_id: str, purpose: str = ""
) -> StatementEntity | None:
    """The entity built from the values ``account`` may read; ``None`` when refused or
    absent, the two being indistinguishable on purpose."""
    if not authorize(conn, account, Action.READ, Resource.entity(entity_id), purpose):
        return None
    return load_entity(conn, entity_id, visible=visible_statements_clause(account))


def visible_values(
    conn: sa.Connection, account: Account, entity_id: str, purpose: str = ""
) -> list[StoredValue]:
    """Each readable value of the entity with its provenance."""
    if not authorize(conn, account, Action.READ, Resource.entity(entity_id), purpose):
        return []
    return values_with_provenance(conn, entity_id, visible=visible_statements_clause(account))


def show_entity(
    conn: sa.Connection, account: Account | None, entity_id: str, purpose: str = ""
) -> tuple[StatementEntity | None, list[StoredValue]]:
    """The entity and its values with provenance, as ``account`` may read them, under
    one audited decision; ``(None, [])`` when refused or absent, alike on purpose."""
    access = admit(conn, account, Action.READ, Resource.entity(entity_id), purpose)
    if not access:
        return None, []
    visible = access.statements()
    entity = load_entity(conn, entity_id, visible=visible)
    if entity is None:
        return None, []
    return entity, values_with_provenance(conn, entity_id, visible=visible)


def iter_visible_entities(
    conn: sa.Connection, account: Account, schema: str | None = None, purpose: str = ""
) -> Iterator[StatementEntity]:
    """Every entity ``account`` may read, each with its readable values only."""
    if not authorize(conn, account, Action.READ, Resource.all_entities(), purpose):
        return iter(())
    return iter_entities(conn, schema, visible=visible_statements_clause(account))

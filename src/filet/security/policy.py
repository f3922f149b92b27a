"""The one place that decides who may do what, deny by default.

``authorize`` answers a single question (may this account take this action on this
resource?) and records the decision, allow or deny, in the audit log. The same rule
for reading data is ``visible_statements_clause``: a SQL condition that queries put in
their WHERE clause, so that data outside the account's compartments never leaves the
database. ``tests/test_authorization_matrix.py`` checks that the two always agree.

The rule for data (read, write, export):

1. the account is not disabled, and its role (and its token's scopes) allow the action;
2. data in no compartment is open to every role but ``partner``: a partner service sees
   only what a compartment shares with it;
3. data in a compartment needs a membership that is neither revoked nor expired, and a
   clearance at least the compartment's. An administrator is no exception.

Everything else stored follows from where it came from, with the same rule
(``visible_datasets_clause``) on the dataset it belongs to:

- an ingested file belongs to the dataset it was ingested into (``ingest_files``), and so
  do its rejected records (``visible_quarantine_clause``) and its event rows;
- an alert is readable when it names at least one source and every one is readable:
  the dataset of each file its evidence rows come from, and each subject entity it
  names (an entity being readable when one of its values is). An alert whose evidence
  leads to no known file, or that names no source at all, is shown to no account, so
  that a finding drawn from a compartment never shows through a gap in its sources
  (``visible_alerts_clause``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa

from filet.security.audit import Authorization, track_event
from filet.security.identity import Account, Role
from filet.store.tables import (
    alert_sources,
    alerts,
    compartment_datasets,
    compartment_members,
    compartments,
    entities,
    ingest_files,
    quarantine,
    statements,
)


class Action(StrEnum):
    READ = "read"
    WRITE = "write"
    EXPORT = "export"
    GRANT = "grant"  # add or remove members of a compartment one belongs to
    CREATE_COMPARTMENT = "compartment.create"
    MANAGE_ACCOUNTS = "account.manage"
    READ_AUDIT = "audit.read"


DATA_ACTIONS = frozenset({Action.READ, Action.WRITE, Action.EXPORT})
_R, _W, _E = Action.READ, Action.WRITE, Action.EXPORT
_G, _C = Action.GRANT, Action.CREATE_COMPARTMENT

ROLE_ACTIONS: Mapping[Role, frozenset[Action]] = {
    Role.ANALYST: frozenset({_R, _W}),
    Role.INVESTIGATOR: frozenset({_R, _W, _E}),
    Role.SUPERVISOR: frozenset({_R, _W, _E, _G, _C}),
    Role.MAGISTRATE: frozenset({_R, _E, _G, _C}),
    # An inspector reads the log of who looked at what, never the data itself.
    Role.INSPECTOR: frozenset({Action.READ_AUDIT}),
    Role.PARTNER: frozenset({_R}),
    # Reads only what a membership opens, like anyone (rule 3).
    Role.ADMINISTRATOR: frozenset({_R, Action.MANAGE_ACCOUNTS}),
}
OPEN_DATA_ROLES = frozenset(role for role in Role if role is not Role.PARTNER)

# Kinds of ``alert_sources`` rows; any other kind (a file no ingest knows) reads as closed.
SOURCE_DATASET = "dataset"
SOURCE_ENTITY = "entity"
SOURCE_UNKNOWN_FILE = "unknown-file"


@dataclass(frozen=True)
class Resource:
    """What an action is taken on: ``kind`` and, where it applies, its ``name``."""

    kind: str
    name: str = ""

    @classmethod
    def compartment(cls, name: str) -> Resource:
        return cls("compartment", name)

    @classmethod
    def dataset(cls, name: str) -> Resource:
        return cls("dataset", name)

    @classmethod
    def entity(cls, entity_id: str) -> Resource:
        return cls("entity", entity_id)

    @classmethod
    def open_data(cls) -> Resource:
        return cls("open-data")

    @classmethod
    def compartments(cls) -> Resource:
        """Every compartment, through the row filter: what the list of cases reads."""
        return cls("compartments")

    @classmethod
    def all_entities(cls) -> Resource:
        """Every entity, through the row filter: what a listing or a search reads."""
        return cls("entities")

    @classmethod
    def alerts(cls) -> Resource:
        """Every alert, through the row filter: what the alert queue reads."""
        return cls("alerts")

    @classmethod
    def alert(cls, alert_id: str) -> Resource:
        return cls("alert", alert_id)

    @classmethod
    def quarantine(cls) -> Resource:
        """Every rejected record, through the row filter."""
        return cls("quarantine")

    @classmethod
    def hit_index(cls) -> Resource:
        """The hit/no-hit index: it answers yes or no and a contact, never the data."""
        return cls("hit-index")

    @classmethod
    def events(cls) -> Resource:
        """The event tables' rows, through the files readable by the account."""
        return cls("events")

    @classmethod
    def accounts(cls) -> Resource:
        return cls("accounts")

    @classmethod
    def audit_log(cls) -> Resource:
        return cls("audit-log")

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}" if self.name else self.kind


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


_GLOBAL_ACTIONS = {
    Action.MANAGE_ACCOUNTS: "accounts",
    Action.READ_AUDIT: "audit-log",
    Action.CREATE_COMPARTMENT: "compartment",
}


def authorize(
    conn: sa.Connection,
    account: Account,
    action: Action,
    resource: Resource,
    purpose: str = "",
    now: datetime | None = None,
) -> Decision:
    """Decide, and record the decision in the audit log inside the caller's transaction."""
    decision = decide(conn, account, action, resource, now or datetime.now(UTC))
    event = Authorization(
        actor=account.actor(purpose),
        action=f"policy.{action.value}",
        objects=(resource.label,),
        allowed=decision.allowed,
        reason=decision.reason,
    )
    track_event(conn, event)
    return decision


def decide(
    conn: sa.Connection, account: Account, action: Action, resource: Resource, now: datetime
) -> Decision:
    """The decision alone, unrecorded: ``authorize`` is what callers use."""
    if account.disabled:
        return Decision(False, "compte désactivé / account disabled")
    if inspects(account) and resource.kind in ("alerts", "alert"):
        return _inspection(conn, account, action, resource, now)
    if action not in allowed_actions(account):
        return Decision(
            False, f"le rôle / role {account.role.value} ne permet pas / may not {action.value}"
        )
    if action in _GLOBAL_ACTIONS:
        if resource.kind != _GLOBAL_ACTIONS[action]:
            return Decision(
                False, f"{action.value} ne porte pas sur / does not apply to {resource.kind}"
            )
        return Decision(True, f"rôle / role {account.role.value}")
    if resource.kind == "dataset":
        return _dataset(conn, account, resource.name, now)
    if resource.kind == "compartment":
        return compartment_access(conn, account, resource.name, now)
    if action is Action.GRANT:
        return Decision(False, "grant porte sur un compartiment / grant applies to a compartment")
    if resource.kind == "open-data":
        return _open_data(account)
    if resource.kind == "entity":
        return _entity(conn, account, action, resource.name, now)
    if resource.kind in _ROW_FILTERED:
        return Decision(True, "filtre de lignes / row filter")
    if resource.kind == "alert":
        return _alert(conn, account, action, resource.name, now)
    if resource.kind == "hit-index" and action is Action.READ:
        return Decision(True, "hit/no-hit: oui ou non et un contact / yes or no and a contact")
    return Decision(False, f"ressource inconnue / unknown resource {resource.label}")


_ROW_FILTERED = frozenset({"entities", "alerts", "quarantine", "events", "compartments"})


def _alert(
    conn: sa.Connection, account: Account, action: Action, alert_id: str, now: datetime
) -> Decision:
    """One alert: allowed when the row filter lets it through; like an entity, the
    refusal does not say whether it exists."""
    found = sa.exists().where(alerts.c.id == alert_id, visible_alerts_clause(account, action, now))
    if conn.scalar(sa.select(found)):
        return Decision(True, "sources lisibles / sources readable through the row filter")
    return Decision(False, "aucune source lisible / nothing readable to this account")


# Integrity alerts (filet.integrity) are about officers: they go to the inspectorate,
# never to the colleagues they name, whatever datasets those may read.
INTEGRITY_ALERTS = alerts.c.detector_id.like("integrity.%")
INSPECTION_ACTIONS = frozenset({Action.READ, Action.WRITE})  # read and triage


def inspects(account: Account) -> bool:
    """Whether ``account`` is of the inspectorate: it reads the audit log."""
    return Action.READ_AUDIT in allowed_actions(account)


def _inspection(
    conn: sa.Connection, account: Account, action: Action, resource: Resource, now: datetime
) -> Decision:
    if action not in INSPECTION_ACTIONS:
        return Decision(False, "inspection: lire et trier seulement / read and triage only")
    if resource.kind == "alert":
        return _alert(conn, account, action, resource.name, now)
    return Decision(True, "inspection: alertes d'intégrité / integrity alerts (row filter)")


def allowed_actions(account: Account) -> frozenset[Action]:
    """The role's actions, narrowed to the token's scopes when it has some."""
    actions = ROLE_ACTIONS[account.role]
    if account.scopes is None:
        return actions
    return frozenset(action for action in actions if action.value in account.scopes)


def _open_data(account: Account) -> Decision:
    if account.role not in OPEN_DATA_ROLES:
        return Decision(
            False,
            "partenaire: compartiments partagés seulement / partner: shared compartments only",
        )
    return Decision(True, "données hors compartiment / data in no compartment")


def _dataset(conn: sa.Connection, account: Account, dataset: str, now: datetime) -> Decision:
    holder = conn.scalar(
        sa.select(compartment_datasets.c.compartment).where(
            compartment_datasets.c.dataset == dataset
        )
    )
    if holder is None:
        return _open_data(account)
    return compartment_access(conn, account, holder, now)


def compartment_access(conn: sa.Connection, account: Account, name: str, now: datetime) -> Decision:
    members = compartment_members
    row = conn.execute(
        sa.select(compartments.c.clearance, members.c.expires_at, members.c.revoked_at)
        .select_from(
            compartments.outerjoin(
                members,
                sa.and_(
                    members.c.compartment == compartments.c.name,
                    members.c.account == account.name,
                ),
            )
        )
        .where(compartments.c.name == name)
    ).first()
    if row is None:
        return Decision(False, f"compartiment inconnu / unknown compartment {name}")
    if row.expires_at is None:
        return Decision(False, f"non membre / not a member of {name}")
    if row.revoked_at is not None:
        return Decision(False, f"accès révoqué / membership of {name} revoked")
    expires = as_utc(row.expires_at)
    if expires <= now:
        return Decision(False, f"accès expiré / membership of {name} expired {expires:%Y-%m-%d}")
    if account.clearance < row.clearance:
        return Decision(
            False, f"habilitation insuffisante / clearance {account.clearance} < {row.clearance}"
        )
    return Decision(True, f"membre de / member of {name} until {expires:%Y-%m-%d}")


def _entity(
    conn: sa.Connection, account: Account, action: Action, entity_id: str, now: datetime
) -> Decision:
    """Visible when at least one of its values passes the row filter; the refusal does
    not say whether the entity exists, which would itself be a disclosure."""
    visible = sa.exists().where(
        statements.c.entity_id == entity_id,
        visible_statements_clause(account, action, now),
    )
    if conn.scalar(sa.select(visible)):
        return Decision(True, "valeurs visibles / values visible through the row filter")
    return Decision(False, "aucune valeur visible / nothing visible to this account")


def visible_statements_clause(
    account: Account, action: Action = Action.READ, now: datetime | None = None
) -> sa.ColumnElement[bool]:
    """The policy's rule for data, as a WHERE condition on ``statements``."""
    return visible_datasets_clause(account, statements.c.dataset, action, now)


def visible_datasets_clause(
    account: Account,
    dataset: sa.ColumnElement[str],
    action: Action = Action.READ,
    now: datetime | None = None,
) -> sa.ColumnElement[bool]:
    """The rule for data as a condition on any column that names a dataset."""
    if account.disabled or action not in DATA_ACTIONS or action not in allowed_actions(account):
        return sa.false()
    admitted = sa.select(compartment_datasets.c.dataset).where(
        compartment_datasets.c.compartment.in_(_member_of(account, now))
    )
    clause: sa.ColumnElement[bool] = dataset.in_(admitted)
    if account.role in OPEN_DATA_ROLES:
        closed = sa.select(compartment_datasets.c.dataset)
        clause = sa.or_(clause, dataset.not_in(closed))
    return clause


def visible_compartments_clause(
    account: Account, action: Action = Action.READ, now: datetime | None = None
) -> sa.ColumnElement[bool]:
    """Rule 3 as a WHERE condition on ``compartments``: those ``account`` is an active
    member of, with their clearance, when its role allows ``action`` on data. No role
    lists the others: a case's existence is itself known to its members only."""
    if account.disabled or action not in DATA_ACTIONS or action not in allowed_actions(account):
        return sa.false()
    return compartments.c.name.in_(_member_of(account, now))


def _member_of(account: Account, now: datetime | None) -> sa.Select[tuple[str]]:
    """Names of the compartments ``account`` holds an active membership of and whose
    clearance it has."""
    members = compartment_members
    return (
        sa.select(compartments.c.name)
        .join(members, members.c.compartment == compartments.c.name)
        .where(
            members.c.account == account.name,
            members.c.revoked_at.is_(None),
            members.c.expires_at > (now or datetime.now(UTC)),
            compartments.c.clearance <= int(account.clearance),
        )
    )


def visible_files_clause(
    account: Account, action: Action = Action.READ, now: datetime | None = None
) -> sa.ColumnElement[bool]:
    """Ingested files (``ingest_files`` rows) whose dataset ``account`` may act on."""
    dataset = ingest_files.c.provenance["dataset"].as_string()
    return visible_datasets_clause(account, dataset, action, now)


def visible_quarantine_clause(
    account: Account, action: Action = Action.READ, now: datetime | None = None
) -> sa.ColumnElement[bool]:
    """Rejected records of the files whose dataset ``account`` may act on."""
    files = sa.select(ingest_files.c.sha256).where(visible_files_clause(account, action, now))
    return quarantine.c.file_sha256.in_(files)


def visible_alerts_clause(
    account: Account, action: Action = Action.READ, now: datetime | None = None
) -> sa.ColumnElement[bool]:
    """Alerts with at least one source and no source ``account`` may not read; integrity
    alerts to inspectors alone, and nothing else to them (``inspects``)."""
    if inspects(account):
        return sa.and_(INTEGRITY_ALERTS, sa.literal(action in INSPECTION_ACTIONS))
    return sa.and_(_readable_sources(account, action, now), sa.not_(INTEGRITY_ALERTS))


def _readable_sources(
    account: Account, action: Action, now: datetime | None
) -> sa.ColumnElement[bool]:
    sources = alert_sources
    readable_entities = sa.select(statements.c.entity_id).where(
        visible_statements_clause(account, action, now)
    )
    unreadable = sa.or_(
        sa.and_(
            sources.c.kind == SOURCE_DATASET,
            sa.not_(visible_datasets_clause(account, sources.c.ref, action, now)),
        ),
        sa.and_(sources.c.kind == SOURCE_ENTITY, sources.c.ref.not_in(readable_entities)),
        sources.c.kind.not_in([SOURCE_DATASET, SOURCE_ENTITY]),
    )
    named = sa.exists().where(sources.c.alert_id == alerts.c.id)
    hidden = sa.exists().where(sources.c.alert_id == alerts.c.id, unreadable)
    return sa.and_(named, sa.not_(hidden))


def visible_entities_clause(
    account: Account, action: Action = Action.READ, now: datetime | None = None
) -> sa.ColumnElement[bool]:
    """The same rule as a WHERE condition on ``entities``: those with a visible value."""
    visible = sa.select(statements.c.entity_id).where(
        visible_statements_clause(account, action, now)
    )
    return entities.c.id.in_(visible)


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes; everything is stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

"""Cases (compartments) as the workbench reads them: the reader's list, one case's
workspace (members, documents, escalated alerts, deconfliction notices, dossier coffre)
and its printable report.

A case shows to its active members only, with the clearance it requires (rule 3 of
``filet.security.policy``); to anyone else it answers 404, exactly as a case that does
not exist, and the refusal stays in the audit log. Everything a case page lists is read
with the policy's row filters in SQL. The dossier coffre follows its own rule
(``may_open_coffre``): only its titles show here, never a sealed item's content, which
is read one item at a time through ``filet.cases.read_item`` (audited), and the report
never reads the coffre at all.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath

import sqlalchemy as sa
from followthemoney import StatementEntity

from filet.alerts.alert import Alert, Evidence, TriageStatus
from filet.cases.coffre import SealedItem, Technique, list_visible, read_item, workspace_key
from filet.cases.deadlines import Deadline, deadlines_in
from filet.security.audit import Consultation, Disclosure, track_event
from filet.security.coffre_policy import may_open_coffre
from filet.security.compartments import Compartment, list_compartments, members
from filet.security.deconfliction import Notice
from filet.security.identity import Account
from filet.security.policy import (
    Action,
    Resource,
    allowed_actions,
    as_utc,
    visible_alerts_clause,
    visible_compartments_clause,
    visible_files_clause,
)
from filet.security.reads import admit, show_entity
from filet.store.entities import StoredValue
from filet.store.tables import (
    accounts,
    alerts,
    compartment_datasets,
    compartment_members,
    compartments,
    deconfliction_notices,
    ingest_files,
)
from filet.web.alert_reads import escalated_to, rows_to_alerts
from filet.web.refusals import forbidden, not_found

REPORT_RECIPIENT = "web report"


@dataclass(frozen=True)
class CaseSummary:
    """One line of the reader's list: the case, until when the reader's own membership
    runs, how many active members it has, its datasets and its open escalated alerts."""

    compartment: Compartment
    expires_at: datetime
    members: int
    datasets: list[str]
    open_alerts: int


@dataclass(frozen=True)
class Member:
    account: str
    role: str
    reason: str
    granted_by: str
    expires_at: datetime


@dataclass(frozen=True)
class Document:
    """A file ingested into one of the case's datasets, named by its content digest."""

    name: str
    format: str
    dataset: str
    rows: int
    quarantined: int
    sha256: str
    ingested_at: datetime | None


@dataclass(frozen=True)
class SealedEntry:
    """A dossier coffre item as the case page lists it: never its content."""

    id: str
    technique: Technique
    title: str
    sealed_by: str
    sealed_at: datetime
    non_evidentiary: bool = SealedItem.non_evidentiary


@dataclass(frozen=True)
class CaseView:
    """A case's workspace; ``coffre`` is ``None`` when the reader may not open it."""

    summary: CaseSummary
    members: list[Member]
    documents: list[Document]
    alerts: list[Alert]
    notices: list[Notice]
    deadlines: list[Deadline]
    coffre: list[SealedEntry] | None


@dataclass(frozen=True)
class NamedEntity:
    entity: StatementEntity
    values: list[StoredValue]


@dataclass(frozen=True)
class CaseReport:
    """What the report discloses: no coffre field, on purpose."""

    summary: CaseSummary
    members: list[Member]
    documents: list[Document]
    alerts: list[Alert]
    entities: list[NamedEntity]

    @property
    def records(self) -> int:
        """The records handed over: each alert and each entity value."""
        return len(self.alerts) + sum(len(named.values) for named in self.entities)


def list_cases(conn: sa.Connection, account: Account, purpose: str) -> list[CaseSummary]:
    """The cases ``account`` is an active member of; 403 when its role reads no data."""
    access = admit(conn, account, Action.READ, Resource.compartments(), purpose)
    if not access:
        raise forbidden()
    found = _summaries(conn, account, sa.true(), access.now)
    _consulted(conn, account, purpose, "web.cases.list", [c.compartment.name for c in found])
    return found


def read_case(
    conn: sa.Connection, account: Account, purpose: str, name: str, home: Path
) -> CaseView:
    """The case's workspace for a member; 404 for anyone else, as for no such case."""
    summary, now = _admitted(conn, account, purpose, name, Action.READ, "web.case.show")
    return CaseView(
        summary,
        _members(conn, name, now),
        _documents(conn, account, name),
        case_alerts(conn, account, name),
        _notices(conn, name),
        deadlines_in(conn, name, now),
        _coffre(conn, account, purpose, name, home),
    )


def read_sealed(
    conn: sa.Connection, account: Account, purpose: str, name: str, item_id: str, home: Path
) -> SealedItem:
    """One sealed item of the case, through ``read_item`` (decided and audited); 404
    when refused, absent or of another case, alike."""
    item = read_item(conn, workspace_key(conn, home), account, item_id, purpose)
    if item is None or item.case != name:
        raise not_found()
    return item


def case_report(conn: sa.Connection, account: Account, purpose: str, name: str) -> CaseReport:
    """What the case's report holds, for a member whose role may export (403 for a role
    that never exports, 404 for a non-member); the caller records the disclosure of the
    rendered bytes with ``record_report``."""
    summary, now = _admitted(conn, account, purpose, name, Action.EXPORT, "web.case.report")
    found = case_alerts(conn, account, name, Action.EXPORT)
    named = dict.fromkeys(s.entity_id for a in found for s in a.subjects if s.entity_id)
    entities = []
    for entity_id in named:
        entity, values = show_entity(conn, account, entity_id, purpose)
        if entity is not None:
            entities.append(NamedEntity(entity, values))
    return CaseReport(
        summary,
        _members(conn, name, now),
        _documents(conn, account, name, Action.EXPORT),
        found,
        entities,
    )


def record_report(
    conn: sa.Connection, account: Account, purpose: str, report: CaseReport, body: bytes
) -> None:
    """The report leaves Filet: a ``Disclosure`` with the digest of the exact bytes."""
    objects = (
        report.summary.compartment.name,
        *(alert.id for alert in report.alerts),
        *(str(named.entity.id) for named in report.entities),
    )
    disclosed = Disclosure(
        actor=account.actor(purpose),
        action="web.case.report",
        objects=objects,
        recipient=REPORT_RECIPIENT,
        records=report.records,
        sha256=hashlib.sha256(body).hexdigest(),
    )
    track_event(conn, disclosed)


def member_cases(
    conn: sa.Connection, account: Account, action: Action = Action.READ
) -> list[Compartment]:
    """The cases ``account`` may take ``action`` in, for a choice list (escalation)."""
    return list_compartments(conn, visible_compartments_clause(account, action))


def case_alerts(
    conn: sa.Connection, account: Account, name: str, action: Action = Action.READ
) -> list[Alert]:
    """The alerts escalated to the case that ``account`` may read (or export)."""
    query = (
        sa.select(alerts.c.body, alerts.c.status)
        .where(escalated_to(name), visible_alerts_clause(account, action))
        .order_by(alerts.c.score.desc(), alerts.c.start, alerts.c.id)
    )
    return rows_to_alerts(conn.execute(query).all())


def evidence_place(evidence: Evidence) -> str:
    """Where an evidence row was read, ``file:line`` (the ingested file's base name and
    its line), or its key when it names no file."""
    key = evidence.key
    line = key.get("source_line", key.get("line"))
    if "source_file" in key and line is not None:
        return f"{PurePath(str(key['source_file'])).name}:{line}"
    return ", ".join(f"{field}={value}" for field, value in key.items())


def _admitted(
    conn: sa.Connection, account: Account, purpose: str, name: str, action: Action, read: str
) -> tuple[CaseSummary, datetime]:
    """The case's summary, and the moment of the decision, once the policy lets
    ``account`` take ``action`` on it; the read is recorded either way. A refusal is 403
    for a role that never takes ``action``, else 404, as for a case that does not exist."""
    access = admit(conn, account, action, Resource.compartment(name), purpose)
    found = _summaries(conn, account, compartments.c.name == name, access.now) if access else []
    _consulted(conn, account, purpose, read, [name], len(found))
    if not found and action not in allowed_actions(account):
        raise forbidden()
    if not found:
        raise not_found()
    return found[0], access.now


def _summaries(
    conn: sa.Connection, account: Account, which: sa.ColumnElement[bool], now: datetime
) -> list[CaseSummary]:
    """The cases matching ``which`` among those ``account`` is an active member of."""
    found = list_compartments(conn, sa.and_(which, visible_compartments_clause(account, now=now)))
    names = [compartment.name for compartment in found]
    until = _reader_until(conn, account, names)
    held = _datasets_of(conn, names)
    counted = _active_members(conn, names, now)
    escalated = _open_alerts(conn, account, names)
    return [
        CaseSummary(
            case, until[case.name], counted[case.name], held[case.name], escalated[case.name]
        )
        for case in found
    ]


def _reader_until(
    conn: sa.Connection, account: Account, names: Sequence[str]
) -> dict[str, datetime]:
    member = compartment_members
    query = sa.select(member.c.compartment, member.c.expires_at).where(
        member.c.compartment.in_(names), member.c.account == account.name
    )
    return {name: as_utc(until) for name, until in conn.execute(query)}


def _datasets_of(conn: sa.Connection, names: Sequence[str]) -> dict[str, list[str]]:
    query = (
        sa.select(compartment_datasets.c.compartment, compartment_datasets.c.dataset)
        .where(compartment_datasets.c.compartment.in_(names))
        .order_by(compartment_datasets.c.dataset)
    )
    held: dict[str, list[str]] = defaultdict(list)
    for compartment, dataset in conn.execute(query):
        held[compartment].append(dataset)
    return held


def _active_members(conn: sa.Connection, names: Sequence[str], now: datetime) -> Counter[str]:
    member = compartment_members
    query = (
        sa.select(member.c.compartment, sa.func.count())
        .where(
            member.c.compartment.in_(names),
            member.c.revoked_at.is_(None),
            member.c.expires_at > now,
        )
        .group_by(member.c.compartment)
    )
    return Counter({name: count for name, count in conn.execute(query)})


def _open_alerts(conn: sa.Connection, account: Account, names: Sequence[str]) -> Counter[str]:
    case = alerts.c.body["case_id"].as_string()
    query = (
        sa.select(case, sa.func.count())
        .where(
            case.in_(names),
            alerts.c.status == TriageStatus.ESCALATED.value,
            visible_alerts_clause(account),
        )
        .group_by(case)
    )
    return Counter({name: count for name, count in conn.execute(query)})


def _members(conn: sa.Connection, name: str, now: datetime) -> list[Member]:
    """The case's active members, with their role ("" for an account since deleted)."""
    active = [held for held in members(conn, name) if held.active(now)]
    names = [held.account for held in active]
    query = sa.select(accounts.c.name, accounts.c.role).where(accounts.c.name.in_(names))
    roles = {account: role for account, role in conn.execute(query)}
    return [
        Member(
            held.account, roles.get(held.account, ""), held.reason, held.granted_by, held.expires_at
        )
        for held in active
    ]


def _documents(
    conn: sa.Connection, account: Account, name: str, action: Action = Action.READ
) -> list[Document]:
    """The files ingested into the case's datasets, through the files' row filter."""
    dataset = ingest_files.c.provenance["dataset"].as_string()
    query = (
        sa.select(ingest_files, dataset.label("dataset"))
        .where(
            dataset.in_(
                sa.select(compartment_datasets.c.dataset).where(
                    compartment_datasets.c.compartment == name
                )
            ),
            visible_files_clause(account, action),
        )
        .order_by(ingest_files.c.started_at, ingest_files.c.sha256)
    )
    return [
        Document(
            name=PurePath(row.path).name,
            format=row.format,
            dataset=row.dataset,
            rows=row.records_done,
            quarantined=row.rows_quarantined,
            sha256=row.sha256,
            ingested_at=as_utc(row.finished_at) if row.finished_at else None,
        )
        for row in conn.execute(query)
    ]


def _notices(conn: sa.Connection, name: str) -> list[Notice]:
    """The case's deconfliction notices (the caller has admitted the reader as a member,
    which is ``notices_for``'s rule), newest first; never the other compartment's name."""
    notice = deconfliction_notices
    shown = (notice.c.id, notice.c.compartment, notice.c.own_entity, notice.c.match_kind)
    query = (
        sa.select(*shown, notice.c.other_service, notice.c.other_contact, notice.c.created_at)
        .where(notice.c.compartment == name)
        .order_by(notice.c.created_at.desc(), notice.c.id)
    )
    return [Notice(*row[:-1], as_utc(row.created_at)) for row in conn.execute(query)]


def _coffre(
    conn: sa.Connection, account: Account, purpose: str, name: str, home: Path
) -> list[SealedEntry] | None:
    if not may_open_coffre(conn, account, name, purpose):
        return None
    items = list_visible(conn, workspace_key(conn, home), account, name, purpose)
    return [
        SealedEntry(item.id, item.technique, item.title, item.sealed_by, item.sealed_at)
        for item in items
    ]


def _consulted(
    conn: sa.Connection,
    account: Account,
    purpose: str,
    action: str,
    objects: Sequence[str],
    results: int | None = None,
) -> None:
    shown = Consultation(
        actor=account.actor(purpose),
        action=action,
        objects=tuple(objects),
        results=len(objects) if results is None else results,
    )
    track_event(conn, shown)

"""The alert queue as the workbench reads it: filtered, sorted, paginated, triaged,
always through the policy's row filter, every read and change in the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from filet.alerts.alert import Alert, TriageStatus
from filet.alerts.store import set_status
from filet.security.audit import Alteration, Consultation, track_event
from filet.security.identity import Account
from filet.security.policy import SOURCE_ENTITY, Action, Resource, visible_alerts_clause
from filet.security.reads import admit
from filet.store.tables import alert_sources, alerts
from filet.web.refusals import Refused, forbidden, not_found


class AlertSort(StrEnum):
    SCORE = "score"
    RECENT = "recent"


@dataclass(frozen=True)
class AlertFilters:
    """What the queue shows: ``domain`` is the first part of detector ids
    (``maritime`` for ``maritime.ais_gap``); ``since``/``until`` keep alerts whose
    span meets that period."""

    domain: str | None = None
    detector: str | None = None
    status: TriageStatus | None = None
    min_score: float = 0.0
    since: datetime | None = None
    until: datetime | None = None
    sort: AlertSort = AlertSort.SCORE
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class AlertPage:
    items: list[Alert]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class TriageOutcome:
    updated: list[str]
    not_found: list[str]


def _conditions(
    filters: AlertFilters, visible: sa.ColumnElement[bool] | None
) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = [alerts.c.score >= filters.min_score]
    if filters.domain:
        found.append(alerts.c.detector_id.startswith(f"{filters.domain}.", autoescape=True))
    if filters.detector:
        found.append(alerts.c.detector_id == filters.detector)
    if filters.status is not None:
        found.append(alerts.c.status == filters.status.value)
    if filters.since is not None:
        found.append(alerts.c.end >= filters.since)
    if filters.until is not None:
        found.append(alerts.c.start <= filters.until)
    if visible is not None:
        found.append(visible)
    return found


def rows_to_alerts(rows: Iterable[Any]) -> list[Alert]:
    return [Alert.from_dict({**body, "status": status}) for body, status in rows]


def read_alerts(
    conn: sa.Connection, account: Account, purpose: str, filters: AlertFilters
) -> AlertPage:
    """One page of the alerts ``account`` may read; 403 when its role reads none."""
    access = admit(conn, account, Action.READ, Resource.alerts(), purpose)
    if not access:
        raise forbidden()
    where = _conditions(filters, access.alerts())
    total = conn.scalar(sa.select(sa.func.count()).select_from(alerts).where(*where)) or 0
    order = (
        (alerts.c.score.desc(), alerts.c.start.desc(), alerts.c.id)
        if filters.sort is AlertSort.SCORE
        else (alerts.c.start.desc(), alerts.c.score.desc(), alerts.c.id)
    )
    query = (
        sa.select(alerts.c.body, alerts.c.status)
        .where(*where)
        .order_by(*order)
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    )
    found = rows_to_alerts(conn.execute(query).all())
    listed = Consultation(
        actor=account.actor(purpose),
        action="web.alerts.list",
        objects=tuple(alert.id for alert in found),
        results=len(found),
    )
    track_event(conn, listed)
    return AlertPage(found, int(total), filters.page, filters.per_page)


def read_alert(conn: sa.Connection, account: Account, purpose: str, alert_id: str) -> Alert:
    """One alert, or 404 whether it is absent or refused."""
    access = admit(conn, account, Action.READ, Resource.alert(alert_id), purpose)
    row = None
    if access:
        row = conn.execute(
            sa.select(alerts.c.body, alerts.c.status).where(alerts.c.id == alert_id)
        ).first()
    shown = Consultation(
        actor=account.actor(purpose),
        action="web.alert.show",
        objects=(alert_id,),
        results=0 if row is None else 1,
    )
    track_event(conn, shown)
    if row is None:
        raise not_found()
    return rows_to_alerts([row])[0]


def triage_alerts(
    conn: sa.Connection,
    account: Account,
    purpose: str,
    alert_ids: Sequence[str],
    status: TriageStatus,
    case: str | None = None,
) -> TriageOutcome:
    """Set ``status`` on each alert ``account`` may write; the others are reported as
    not found, refused or absent alike. 403 when the role (or token) writes nothing.

    With ``case``, the alerts are escalated to that case (their ``case_id``): the status
    must be ``escalated`` (422), and ``account`` may write in the case, which a case it
    is no member of answers 404, as one that does not exist does."""
    access = admit(conn, account, Action.WRITE, Resource.alerts(), purpose)
    if not access:
        raise forbidden()
    if case is not None:
        _admit_escalation(conn, account, purpose, status, case)
    wanted = list(dict.fromkeys(alert_ids))
    writable = set(
        conn.scalars(
            sa.select(alerts.c.id).where(
                alerts.c.id.in_(wanted), visible_alerts_clause(account, Action.WRITE, access.now)
            )
        )
    )
    updated = []
    for alert_id in wanted:
        if alert_id in writable and admit(
            conn, account, Action.WRITE, Resource.alert(alert_id), purpose
        ):
            set_status(conn, alert_id, status)
            if case is not None:
                _file_in_case(conn, alert_id, case)
            updated.append(alert_id)
    if updated:
        triaged = Alteration(
            actor=account.actor(purpose),
            action="web.alert.triage",
            objects=tuple(updated),
            change=f"status={status.value}" + (f" case={case}" if case is not None else ""),
        )
        track_event(conn, triaged)
    return TriageOutcome(updated, [a for a in wanted if a not in updated])


def _admit_escalation(
    conn: sa.Connection, account: Account, purpose: str, status: TriageStatus, case: str
) -> None:
    if status is not TriageStatus.ESCALATED:
        raise Refused(422, "une affaire va avec « escalated » / a case goes with escalated")
    if not admit(conn, account, Action.WRITE, Resource.compartment(case), purpose):
        raise not_found()


def _file_in_case(conn: sa.Connection, alert_id: str, case: str) -> None:
    """Record the case in the alert's body, where ``Alert.case_id`` is read from."""
    body = conn.execute(sa.select(alerts.c.body).where(alerts.c.id == alert_id)).scalar_one()
    conn.execute(
        alerts.update().where(alerts.c.id == alert_id).values(body={**body, "case_id": case})
    )


def escalated_to(case: str) -> sa.ColumnElement[bool]:
    """Alerts escalated to ``case`` and still escalated: a case's open alerts."""
    return sa.and_(
        alerts.c.body["case_id"].as_string() == case,
        alerts.c.status == TriageStatus.ESCALATED.value,
    )


def alerts_naming(
    conn: sa.Connection, account: Account, entity_id: str, limit: int = 100
) -> list[Alert]:
    """Alerts readable by ``account`` that name ``entity_id`` among their subjects
    (the caller has already authorized reading the entity)."""
    naming = sa.select(alert_sources.c.alert_id).where(
        alert_sources.c.kind == SOURCE_ENTITY, alert_sources.c.ref == entity_id
    )
    query = (
        sa.select(alerts.c.body, alerts.c.status)
        .where(alerts.c.id.in_(naming), visible_alerts_clause(account))
        .order_by(alerts.c.score.desc(), alerts.c.id)
        .limit(limit)
    )
    return rows_to_alerts(conn.execute(query).all())


def detector_ids(conn: sa.Connection, account: Account) -> list[str]:
    """Detectors with at least one alert ``account`` may read, for the filter list."""
    query = (
        sa.select(alerts.c.detector_id)
        .where(visible_alerts_clause(account))
        .distinct()
        .order_by(alerts.c.detector_id)
    )
    return list(conn.scalars(query))

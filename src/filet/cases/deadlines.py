"""Deadlines of special investigative techniques and of police custody in a case.

Each authorization (a wiretap, a geolocation, a sonorisation, a custody) runs for the
period its article of the code de procédure pénale allows, can be renewed a number of
times or up to a total, and is void past its end: operations after it are annulled.
``LEGAL_PERIODS`` holds those rules with their article; ``schedule`` computes, from the
authorization and its renewals, when the current period ends, whether another renewal
is possible and the latest end the law allows. Periods run from date to date (a month
from 10 March ends on 10 April), chained: each renewal starts where the previous
period ends.

Recording and reading them go through the policy like the case itself: writing needs
the right to write to the case, reading its membership; both are audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from filet.security.audit import Alteration, Consultation, track_event
from filet.security.identity import Account
from filet.security.policy import Action, Resource, as_utc, authorize
from filet.store.tables import case_deadlines


@dataclass(frozen=True)
class LegalPeriod:
    """One technique in one procedural framework, as its article sets it."""

    key: str
    label_fr: str
    label_en: str
    article: str
    first: relativedelta
    renewal: relativedelta
    max_renewals: int | None = None
    max_total: relativedelta | None = None


_MONTH, _FOUR_MONTHS, _TWO_YEARS = (
    relativedelta(months=1),
    relativedelta(months=4),
    relativedelta(years=2),
)
_PERIODS = (
    LegalPeriod("interception-enquete", "Interception (enquête)", "Wiretap (inquiry)",
                "CPP art. 706-95", _MONTH, _MONTH, max_renewals=1),
    LegalPeriod("interception-instruction", "Interception (instruction)",
                "Wiretap (judicial investigation)", "CPP art. 100-2 (infractions 706-73)",
                _FOUR_MONTHS, _FOUR_MONTHS, max_total=_TWO_YEARS),
    LegalPeriod("geolocalisation-enquete", "Géolocalisation (enquête)", "Geolocation (inquiry)",
                "CPP art. 230-33 1° (procureur 15 jours, puis JLD 1 mois renouvelable)",
                relativedelta(days=15), _MONTH, max_total=_TWO_YEARS),
    LegalPeriod("geolocalisation-instruction", "Géolocalisation (instruction)",
                "Geolocation (judicial investigation)", "CPP art. 230-33 2°",
                _FOUR_MONTHS, _FOUR_MONTHS, max_total=_TWO_YEARS),
    LegalPeriod("captation-enquete", "Sonorisation, captation d'images ou de données (enquête)",
                "Bugging, image or data capture (inquiry)", "CPP art. 706-95-16",
                _MONTH, _MONTH, max_renewals=1),
    LegalPeriod("captation-instruction",
                "Sonorisation, captation d'images ou de données (instruction)",
                "Bugging, image or data capture (judicial investigation)", "CPP art. 706-95-16",
                _FOUR_MONTHS, _FOUR_MONTHS, max_total=_TWO_YEARS),
    LegalPeriod("infiltration", "Infiltration", "Undercover operation", "CPP art. 706-83",
                _FOUR_MONTHS, _FOUR_MONTHS),
    LegalPeriod("garde-a-vue", "Garde à vue (criminalité organisée)",
                "Police custody (organised crime)", "CPP art. 63 et 706-88 (96 h au plus)",
                relativedelta(hours=24), relativedelta(hours=24),
                max_total=relativedelta(hours=96)),
)  # fmt: skip
LEGAL_PERIODS: dict[str, LegalPeriod] = {period.key: period for period in _PERIODS}


class DeadlineError(ValueError):
    """A refused or impossible operation; the message says why, French then English."""


@dataclass(frozen=True)
class Schedule:
    """Where an authorization stands at ``now``."""

    ends_at: datetime
    latest_end: datetime | None  # the end the law allows at most; None: no limit
    renewable: bool
    expired: bool


def schedule(
    period: LegalPeriod, authorized_at: datetime, renewals: int, now: datetime
) -> Schedule:
    """The current period's end after ``renewals`` renewals, and what the law still allows."""
    if period.max_renewals is not None and renewals > period.max_renewals:
        raise DeadlineError(
            f"{period.article}: {period.max_renewals} renouvellement(s) au plus / "
            f"at most {period.max_renewals} renewal(s)"
        )
    latest = _latest_end(period, authorized_at)
    ends = authorized_at + period.first
    for _ in range(renewals):
        ends += period.renewal
    if latest is not None and ends > latest:
        if ends - period.renewal >= latest:
            raise DeadlineError(
                f"{period.article}: durée totale dépassée / total duration exceeded"
            )
        ends = latest
    renewable = latest is None or ends < latest
    return Schedule(ends, latest, renewable, now >= ends)


def _latest_end(period: LegalPeriod, authorized_at: datetime) -> datetime | None:
    if period.max_total is not None:
        return authorized_at + period.max_total
    if period.max_renewals is not None:
        return authorized_at + period.first + period.renewal * period.max_renewals
    return None


@dataclass(frozen=True)
class Deadline:
    """One authorization recorded in a case, with its schedule at the time of reading."""

    id: str
    case: str
    period: LegalPeriod
    target: str
    authorized_by: str
    authorized_at: datetime
    renewals: int
    schedule: Schedule


def record_authorization(
    conn: sa.Connection,
    account: Account,
    case: str,
    technique: str,
    target: str,
    authorized_by: str,
    authorized_at: datetime,
    purpose: str = "",
) -> str:
    """Record an authorization in ``case``; returns its id."""
    period = _period(technique)
    _admit(conn, account, Action.WRITE, case, purpose)
    deadline_id = secrets.token_hex(8)
    conn.execute(
        case_deadlines.insert().values(
            id=deadline_id,
            compartment=case,
            technique=period.key,
            target=target,
            authorized_by=authorized_by,
            authorized_at=authorized_at,
            renewals=0,
            recorded_by=account.name,
            recorded_at=datetime.now(UTC),
        )
    )
    _altered(conn, account, purpose, "deadline.record", case, deadline_id, period.key)
    return deadline_id


def renew(conn: sa.Connection, account: Account, deadline_id: str, purpose: str = "") -> Deadline:
    """Record one renewal, refused where the article allows no more."""
    row = conn.execute(sa.select(case_deadlines).where(case_deadlines.c.id == deadline_id)).first()
    if row is None:
        raise DeadlineError(f"échéance inconnue / unknown deadline {deadline_id}")
    _admit(conn, account, Action.WRITE, row.compartment, purpose)
    now = datetime.now(UTC)
    current = _deadline(row, now)
    if not current.schedule.renewable:
        raise DeadlineError(
            f"{current.period.article}: plus de renouvellement possible / no renewal left"
        )
    conn.execute(
        case_deadlines.update()
        .where(case_deadlines.c.id == deadline_id)
        .values(renewals=row.renewals + 1)
    )
    _altered(conn, account, purpose, "deadline.renew", row.compartment, deadline_id, "renewal")
    updated = conn.execute(sa.select(case_deadlines).where(case_deadlines.c.id == deadline_id))
    return _deadline(updated.one(), now)


def case_deadlines_of(
    conn: sa.Connection, account: Account, case: str, now: datetime, purpose: str = ""
) -> list[Deadline]:
    """The case's authorizations, the soonest end first, read through the policy."""
    _admit(conn, account, Action.READ, case, purpose)
    found = deadlines_in(conn, case, now)
    event = Consultation(
        actor=account.actor(purpose), action="deadline.list",
        objects=(case, *(d.id for d in found)), results=len(found),
    )  # fmt: skip
    track_event(conn, event)
    return found


def deadlines_in(conn: sa.Connection, case: str, now: datetime) -> list[Deadline]:
    """The case's authorizations, the soonest end first, for a caller that has already
    admitted the reader to the case (the case page)."""
    rows = conn.execute(sa.select(case_deadlines).where(case_deadlines.c.compartment == case))
    return sorted((_deadline(row, now) for row in rows), key=lambda d: d.schedule.ends_at)


def _deadline(row: sa.Row[tuple[object, ...]], now: datetime) -> Deadline:
    period = LEGAL_PERIODS[row.technique]
    authorized_at = as_utc(row.authorized_at)
    return Deadline(
        row.id, row.compartment, period, row.target, row.authorized_by, authorized_at,
        row.renewals, schedule(period, authorized_at, row.renewals, now),
    )  # fmt: skip


def _period(technique: str) -> LegalPeriod:
    try:
        return LEGAL_PERIODS[technique]
    except KeyError:
        known = ", ".join(LEGAL_PERIODS)
        raise DeadlineError(
            f"technique inconnue / unknown technique {technique!r} ({known})"
        ) from None


def _admit(conn: sa.Connection, account: Account, action: Action, case: str, purpose: str) -> None:
    decision = authorize(conn, account, action, Resource.compartment(case), purpose)
    if not decision:
        raise DeadlineError(f"refusé / denied: {decision.reason}")


def _altered(
    conn: sa.Connection,
    account: Account,
    purpose: str,
    action: str,
    case: str,
    deadline_id: str,
    change: str,
) -> None:
    event = Alteration(
        actor=account.actor(purpose), action=action, objects=(case, deadline_id), change=change
    )
    track_event(conn, event)

"""The JSON API under ``/api``: alerts, triage, entities, search and the audit log.

Callers authenticate with a service account's token (``Authorization: Bearer
filet_...``, scoped by ``filet accounts token``) or the workbench's session cookie.
An entity or alert the caller may not read answers 404, like one that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from filet.alerts.alert import TriageStatus
from filet.search.fields import SEARCH_KINDS
from filet.web.alert_reads import AlertFilters, AlertSort, read_alert, read_alerts, triage_alerts
from filet.web.audit_reads import read_audit
from filet.web.deps import Conn, CurrentAccount, Purpose
from filet.web.entity_reads import read_entity, search
from filet.web.refusals import Refused
from filet.web.schemas import (
    AlertOut,
    AlertPageOut,
    AuditEntryOut,
    BulkTriageIn,
    EntityOut,
    SearchHitOut,
    TriageIn,
    TriageOut,
)

_REFUSALS: dict[int | str, dict[str, str]] = {
    401: {"description": "Authentification requise / authentication required"},
    403: {"description": "Action refusée au rôle / action refused to the role"},
    404: {"description": "Absent ou refusé, sans distinction / absent or refused, alike"},
}

router = APIRouter(prefix="/api", tags=["api"], responses=_REFUSALS)


@router.get("/alerts", response_model=AlertPageOut, summary="Lister les alertes / list alerts")
def list_alerts(
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    domain: Annotated[str | None, Query(max_length=64)] = None,
    detector: Annotated[str | None, Query(max_length=128)] = None,
    status: TriageStatus | None = None,
    min_score: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
    since: datetime | None = None,
    until: datetime | None = None,
    sort: AlertSort = AlertSort.SCORE,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AlertPageOut:
    filters = AlertFilters(domain, detector, status, min_score, since, until, sort, page, per_page)
    return AlertPageOut.of(read_alerts(conn, account, purpose, filters))


@router.get("/alerts/{alert_id}", response_model=AlertOut, summary="Une alerte / one alert")
def get_alert(conn: Conn, account: CurrentAccount, purpose: Purpose, alert_id: str) -> AlertOut:
    return AlertOut.of(read_alert(conn, account, purpose, alert_id))


@router.post("/alerts/triage", response_model=TriageOut, summary="Trier des alertes / bulk triage")
def bulk_triage(
    conn: Conn, account: CurrentAccount, purpose: Purpose, body: BulkTriageIn
) -> TriageOut:
    outcome = triage_alerts(conn, account, purpose, body.ids, body.status, body.case)
    return TriageOut.of(outcome)


@router.post(
    "/alerts/{alert_id}/triage", response_model=AlertOut, summary="Trier une alerte / triage"
)
def triage_one(
    conn: Conn, account: CurrentAccount, purpose: Purpose, alert_id: str, body: TriageIn
) -> AlertOut:
    outcome = triage_alerts(conn, account, purpose, [alert_id], body.status, body.case)
    if not outcome.updated:
        raise Refused(404, "introuvable / not found")
    return AlertOut.of(read_alert(conn, account, purpose, alert_id))


@router.get("/entities/{entity_id}", response_model=EntityOut, summary="Une entité / one entity")
def get_entity(conn: Conn, account: CurrentAccount, purpose: Purpose, entity_id: str) -> EntityOut:
    return EntityOut.of(read_entity(conn, account, purpose, entity_id))


@router.get("/search", response_model=list[SearchHitOut], summary="Chercher des entités / search")
def search_api(
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    q: Annotated[str, Query(min_length=1, max_length=256)],
    kind: Annotated[str | None, Query(pattern=f"^({'|'.join(SEARCH_KINDS)})$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[SearchHitOut]:
    return [SearchHitOut.of(hit) for hit in search(conn, account, purpose, q, kind, limit)]


@router.get("/audit", response_model=list[AuditEntryOut], summary="Journal d'audit / audit log")
def audit_api(
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    category: Annotated[str | None, Query(max_length=32)] = None,
    actor: Annotated[str | None, Query(max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntryOut]:
    entries = read_audit(conn, account, purpose, category, actor, limit)
    return [AuditEntryOut.of(entry) for entry in entries]

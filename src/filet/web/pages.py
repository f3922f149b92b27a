"""The workbench's HTML pages: the alert queue, an alert (triage and escalation to a
case), an entity, search, the audit log. Each reads through the same functions as the
JSON API and renders a template."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from filet.alerts.alert import TriageStatus
from filet.search.fields import SEARCH_KINDS
from filet.security.policy import Action
from filet.web.alert_reads import (
    AlertFilters,
    AlertSort,
    detector_ids,
    read_alert,
    read_alerts,
    triage_alerts,
)
from filet.web.audit_reads import read_audit
from filet.web.case_reads import member_cases
from filet.web.deps import Conn, CurrentAccount, MaybeAccount, Purpose
from filet.web.entity_reads import read_entity, search
from filet.web.login import safe_next
from filet.web.templating import nav_for, render

router = APIRouter(include_in_schema=False)

PER_PAGE = 25


@router.get("/")
def home(account: MaybeAccount) -> Response:
    """The first page the account's role opens (the audit log for an inspector)."""
    links = nav_for(account)
    return RedirectResponse(links[0].path if links else "/login", status_code=303)


def _number(text: str | None, default: float, low: float, high: float) -> float:
    """A number from a form field, kept within bounds; an empty or bad field is the default."""
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return min(max(value, low), high)


def _moment(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def filters_from(request: Request) -> AlertFilters:
    """The queue's filters from the query string; what does not parse is ignored, so a
    hand-edited address shows a page rather than an error."""
    asked = request.query_params
    status = asked.get("status")
    sort = asked.get("sort")
    return AlertFilters(
        domain=asked.get("domain") or None,
        detector=asked.get("detector") or None,
        status=TriageStatus(status) if status in set(TriageStatus) else None,
        min_score=_number(asked.get("min_score"), 0.0, 0.0, 1.0),
        since=_moment(asked.get("since")),
        until=_moment(asked.get("until")),
        sort=AlertSort(sort) if sort in set(AlertSort) else AlertSort.SCORE,
        page=int(_number(asked.get("page"), 1, 1, 100_000)),
        per_page=PER_PAGE,
    )


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request, conn: Conn, account: CurrentAccount, purpose: Purpose
) -> Response:
    filters = filters_from(request)
    page = read_alerts(conn, account, purpose, filters)
    kept = {k: v for k, v in request.query_params.items() if k not in ("page", "triaged") and v}
    context = {
        "page": page,
        "filters": filters,
        "detectors": detector_ids(conn, account),
        "domains": sorted({d.split(".")[0] for d in detector_ids(conn, account)}),
        "statuses": list(TriageStatus),
        "query_for": lambda number: "?" + urlencode({**kept, "page": number}),
        "here": str(request.url.path) + ("?" + request.url.query if request.url.query else ""),
        "triaged": request.query_params.get("triaged"),
        "cases": member_cases(conn, account, Action.WRITE),
    }
    return render(request, "alerts.html", account, context)


@router.post("/alerts/triage")
def bulk_triage_page(
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    status: Annotated[TriageStatus, Form()],
    ids: Annotated[list[str] | None, Form(max_length=500)] = None,
    back: Annotated[str, Form(max_length=2048)] = "/alerts",
    case: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Triage the ticked alerts; with a case chosen, escalate them to it."""
    outcome = triage_alerts(conn, account, purpose, ids or [], status, case or None)
    target = safe_next(back)
    joiner = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{joiner}triaged={len(outcome.updated)}", status_code=303)


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(
    request: Request, conn: Conn, account: CurrentAccount, purpose: Purpose, alert_id: str
) -> Response:
    alert = read_alert(conn, account, purpose, alert_id)
    cases = member_cases(conn, account, Action.WRITE)
    context = {"alert": alert, "statuses": list(TriageStatus), "cases": cases}
    return render(request, "alert.html", account, context)


@router.post("/alerts/{alert_id}/triage")
def triage_page(
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    alert_id: str,
    status: Annotated[TriageStatus, Form()],
    case: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    triage_alerts(conn, account, purpose, [alert_id], status, case or None)
    return RedirectResponse(f"/alerts/{alert_id}", status_code=303)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(
    request: Request, conn: Conn, account: CurrentAccount, purpose: Purpose, entity_id: str
) -> Response:
    view = read_entity(conn, account, purpose, entity_id)
    return render(request, "entity.html", account, {"view": view})


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    q: str = "",
    kind: str = "",
) -> Response:
    chosen = kind if kind in SEARCH_KINDS else None
    hits = search(conn, account, purpose, q[:256], chosen) if q.strip() else None
    context = {"q": q, "kind": chosen or "", "kinds": SEARCH_KINDS, "hits": hits}
    return render(request, "search.html", account, context)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    category: str = "",
    actor: str = "",
) -> Response:
    entries = read_audit(conn, account, purpose, category or None, actor or None, 200)
    context = {"entries": entries, "category": category, "actor": actor}
    return render(request, "audit.html", account, context)

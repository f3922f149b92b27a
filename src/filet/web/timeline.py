"""An entity's timeline: its dated values, its dated links, the alerts that name it
(or its MMSI) and the calls and transfers of its numbers and accounts, in time order.

Everything is read through the policy as the chart and the map are: readable values
only, alerts through their row filter, event rows only from readable files.
"""

from __future__ import annotations

from typing import Literal

import duckdb
import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from followthemoney import registry
from pydantic import BaseModel

from filet.alerts.alert import Alert
from filet.security.audit import Consultation, track_event
from filet.security.identity import Account
from filet.security.policy import Action, Resource
from filet.security.reads import admit, readable_events
from filet.store.events import EventStore
from filet.store.tables import statements
from filet.web.alert_reads import alerts_naming
from filet.web.deps import Conn, CurrentAccount, Purpose, web_state
from filet.web.graph import API_REFUSALS, links_of, nodes_of
from filet.web.i18n import register_messages
from filet.web.maps import vessel_alerts
from filet.web.refusals import not_found
from filet.web.templating import render

MAX_EVENT_ROWS = 500  # calls or transfers shown per entity

Kind = Literal["value", "link", "alert", "call", "transaction"]


class TimelineItem(BaseModel):
    start: str
    end: str | None = None
    kind: Kind
    label: str
    label_en: str | None = None  # where the wording differs (an alert's reason)
    ref: str = ""


class Timeline(BaseModel):
    entity: str
    caption: str
    items: list[TimelineItem]


def _values(
    conn: sa.Connection, entity_id: str, visible: sa.ColumnElement[bool] | None
) -> dict[str, list[str]]:
    query = sa.select(statements.c.prop, statements.c.prop_type, statements.c.value).where(
        statements.c.entity_id == entity_id
    )
    if visible is not None:
        query = query.where(visible)
    held: dict[str, list[str]] = {}
    for prop, prop_type, value in conn.execute(query.distinct()):
        held.setdefault(f"{prop_type}:{prop}", []).append(value)  # a date is "date:birthDate"
    return held


def _links(
    conn: sa.Connection, entity_id: str, visible: sa.ColumnElement[bool] | None
) -> list[TimelineItem]:
    dated = [e for e in links_of(conn, [entity_id], visible) if e.start or e.end]
    others = {e.target if e.source == entity_id else e.source: 1 for e in dated}
    captions = {node.id: node.caption for node in nodes_of(conn, others, visible)}
    items = []
    for edge in dated:
        other = edge.target if edge.source == entity_id else edge.source
        if other in captions:
            items.append(
                TimelineItem(
                    start=edge.start or edge.end or "",
                    end=edge.end,
                    kind="link",
                    label=f"{edge.relation} · {captions[other]}",
                    ref=other,
                )
            )
    return items


def _alert_item(alert: Alert) -> TimelineItem:
    return TimelineItem(
        start=alert.start.isoformat(),
        end=alert.end.isoformat(),
        kind="alert",
        label=alert.reason_fr,
        label_en=alert.reason_en,
        ref=alert.id,
    )


def _event_rows(events: EventStore, table: str, sql: str, keys: list[str]) -> list[tuple[str, ...]]:
    parts = events.parts(table)
    if not parts or not keys:
        return []
    with duckdb.connect() as db:
        db.execute("SET TimeZone = 'UTC'")
        found = db.execute(
            sql.format(source="read_parquet($parts)"),
            {"parts": [str(p) for p in parts], "keys": keys, "most": MAX_EVENT_ROWS},
        ).fetchall()
    return [tuple(str(value) for value in row) for row in found]


def _calls_and_transfers(events: EventStore, held: dict[str, list[str]]) -> list[TimelineItem]:
    phones = held.get(f"{registry.phone.name}:phone", [])
    accounts = held.get("identifier:iban", []) + held.get("identifier:accountNumber", [])
    calls = _event_rows(
        events,
        "calls",
        (
            "SELECT strftime(start_ts, '%Y-%m-%dT%H:%M:%SZ'), caller, callee, "
            "coalesce(CAST(duration_s AS VARCHAR), '') FROM {source} "
            "WHERE caller IN (SELECT unnest($keys)) OR callee IN (SELECT unnest($keys)) "
            "ORDER BY start_ts LIMIT $most"
        ),
        phones,
    )
    transfers = _event_rows(
        events,
        "transactions",
        (
            "SELECT strftime(ts, '%Y-%m-%dT%H:%M:%SZ'), from_account, to_account, "
            "CAST(amount_paid AS VARCHAR) || ' ' || coalesce(payment_currency, '') FROM {source} "
            "WHERE from_account IN (SELECT unnest($keys)) OR to_account IN (SELECT unnest($keys)) "
            "ORDER BY ts LIMIT $most"
        ),
        accounts,
    )
    return [
        TimelineItem(start=ts, kind="call", label=f"{a} → {b} ({s} s)" if s else f"{a} → {b}")
        for ts, a, b, s in calls
    ] + [
        TimelineItem(start=ts, kind="transaction", label=f"{a} → {b} : {amount}")
        for ts, a, b, amount in transfers
    ]


def entity_timeline(
    conn: sa.Connection, account: Account, purpose: str, events: EventStore, entity_id: str
) -> Timeline:
    """Everything dated about ``entity_id`` that ``account`` may read, oldest first;
    404 when refused or absent, alike on purpose."""
    access = admit(conn, account, Action.READ, Resource.entity(entity_id), purpose)
    visible = access.statements()
    held = _values(conn, entity_id, visible) if access else {}
    if not held:
        track_event(
            conn,
            Consultation(
                actor=account.actor(purpose),
                action="web.timeline.show",
                objects=(entity_id,),
                results=0,
            ),
        )
        raise not_found()
    items = [
        TimelineItem(start=value, kind="value", label=key.partition(":")[2])
        for key, values in held.items()
        if key.startswith(f"{registry.date.name}:")
        for value in values
    ]
    items += _links(conn, entity_id, visible)
    found = {a.id: a for a in alerts_naming(conn, account, entity_id)}
    for mmsi in held.get("identifier:mmsi", []):
        found.update((a.id, a) for a in vessel_alerts(conn, access.alerts(), mmsi))
    items += [_alert_item(alert) for alert in found.values()]
    event_access, readable = readable_events(conn, account, events, purpose)
    if event_access:
        items += _calls_and_transfers(readable, held)
    items.sort(key=lambda item: (item.start, item.kind, item.label))
    caption = nodes_of(conn, {entity_id: 0}, visible)[0].caption
    track_event(
        conn,
        Consultation(
            actor=account.actor(purpose),
            action="web.timeline.show",
            objects=(entity_id, *found),
            results=len(items),
        ),
    )
    return Timeline(entity=entity_id, caption=caption, items=items)


register_messages(
    {
        "timeline.title": ("Chronologie", "Timeline"),
        "timeline.entity": ("Entité", "Entity"),
        "timeline.show": ("Afficher", "Show"),
        "timeline.when": ("Date", "Date"),
        "timeline.until": ("Fin", "End"),
        "timeline.kind": ("Nature", "Kind"),
        "timeline.what": ("Quoi", "What"),
        "timeline.none": ("Aucun résultat", "No match"),
        "timeline.kind.value": ("Valeur datée", "Dated value"),
        "timeline.kind.link": ("Lien", "Link"),
        "timeline.kind.alert": ("Alerte", "Alert"),
        "timeline.kind.call": ("Appel", "Call"),
        "timeline.kind.transaction": ("Virement", "Transfer"),
        "nav.timeline": ("Chronologie", "Timeline"),
    }
)

router = APIRouter(tags=["timeline"], responses=API_REFUSALS)


@router.get(
    "/api/timeline/{entity_id}",
    response_model=Timeline,
    summary="Chronologie d'une entité / timeline of an entity",
)
def api_timeline(
    request: Request, conn: Conn, account: CurrentAccount, purpose: Purpose, entity_id: str
) -> Timeline:
    return entity_timeline(conn, account, purpose, web_state(request).workspace.events, entity_id)


@router.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
def timeline_page(
    request: Request, conn: Conn, account: CurrentAccount, purpose: Purpose, entity: str = ""
) -> HTMLResponse:
    """Rendered on the server: a timeline is a table first, the script only adds a band."""
    found = (
        entity_timeline(conn, account, purpose, web_state(request).workspace.events, entity)
        if entity
        else None
    )
    return render(request, "timeline.html", account, {"entity": entity, "timeline": found})

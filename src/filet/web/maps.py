"""The map: a vessel's AIS track and its maritime alerts as GeoJSON, read only from the
event rows of files in datasets the reader may open.

A track is the MMSI's positions in time order; above ``MAX_TRACK_POINTS`` it keeps one
position in every few (always the first and last), which a browser draws at once and
still shows the route. An alert is placed where its evidence rows put the vessel (the
last position before a gap, the first after; where two ships met), looked up in the
whole track, before thinning.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import duckdb
import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from filet.alerts.alert import Alert
from filet.security.audit import Consultation, track_event
from filet.security.identity import Account
from filet.security.policy import Action, Resource
from filet.security.reads import admit, readable_events
from filet.store.events import EventStore
from filet.store.tables import alerts
from filet.web.deps import Conn, CurrentAccount, Purpose, web_state
from filet.web.graph import API_REFUSALS
from filet.web.i18n import register_messages
from filet.web.refusals import forbidden
from filet.web.templating import render

MAX_TRACK_POINTS = 2000
MAX_ALERTS = 500
MARITIME = "maritime."


class Geometry(BaseModel):
    type: Literal["Point", "LineString"]
    coordinates: list[float] | list[list[float]]


class Feature(BaseModel):
    type: Literal["Feature"] = "Feature"
    geometry: Geometry
    properties: dict[str, Any]


class VesselMap(BaseModel):
    """GeoJSON (RFC 7946: longitude first) of the track and the alerts placed on it."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    mmsi: str
    total_points: int
    shown_points: int
    features: list[Feature]


def _positions(events: EventStore, mmsi: str) -> list[tuple[Any, ...]]:
    """(ts, lat, lon, sog, source_file, source_line) of ``mmsi`` in time order."""
    parts = events.parts("ais_positions")
    if not parts:
        return []
    with duckdb.connect() as db:
        db.execute("SET TimeZone = 'UTC'")
        return db.execute(
            "SELECT ts, lat, lon, sog_knots, source_file, source_line FROM read_parquet(?) "
            "WHERE mmsi = ? ORDER BY ts, source_file, source_line",
            [[str(part) for part in parts], mmsi],
        ).fetchall()


def thin(rows: list[Any], most: int = MAX_TRACK_POINTS) -> list[Any]:
    """One row in every ``ceil(len / most)``, and the last: at most ``most`` + 1."""
    if len(rows) <= most:
        return rows
    stride = math.ceil(len(rows) / most)
    kept = rows[::stride]
    return kept if kept[-1] is rows[-1] else [*kept, rows[-1]]


def vessel_alerts(
    conn: sa.Connection, visible: sa.ColumnElement[bool] | None, mmsi: str
) -> list[Alert]:
    """Readable maritime alerts whose subjects name the MMSI."""
    query = sa.select(alerts.c.body, alerts.c.status).where(
        alerts.c.detector_id.startswith(MARITIME)
    )
    if visible is not None:
        query = query.where(visible)
    found = [
        Alert.from_dict({**body, "status": status})
        for body, status in conn.execute(query.order_by(alerts.c.start, alerts.c.id))
    ]
    naming = [a for a in found if any(s.kind == "mmsi" and s.value == mmsi for s in a.subjects)]
    return naming[:MAX_ALERTS]


def _alert_feature(
    alert: Alert, where: dict[tuple[str, int], tuple[float, float]]
) -> Feature | None:
    places = [
        where[key]
        for key in (
            (str(e.key.get("source_file")), int(e.key.get("source_line", -1)))
            for e in alert.evidence
        )
        if key in where
    ]
    if not places:
        return None
    lat, lon = places[0]
    return Feature(
        geometry=Geometry(type="Point", coordinates=[lon, lat]),
        properties={
            "kind": "alert",
            "id": alert.id,
            "detector": alert.detector_id,
            "score": alert.score,
            "start": alert.start.isoformat(),
            "end": alert.end.isoformat(),
            "reason_fr": alert.reason_fr,
            "reason_en": alert.reason_en,
            "positions": [[lon, lat] for lat, lon in places],
        },
    )


def vessel_map(
    conn: sa.Connection, account: Account, purpose: str, events: EventStore, mmsi: str
) -> VesselMap:
    """The MMSI's readable track and alerts; 403 when the account may read no event."""
    access, readable = readable_events(conn, account, events, purpose)
    if not access:
        raise forbidden()
    rows = _positions(readable, mmsi)
    alert_access = admit(conn, account, Action.READ, Resource.alerts(), purpose)
    found = vessel_alerts(conn, alert_access.alerts(), mmsi) if alert_access else []
    where = {(row[4], int(row[5])): (row[1], row[2]) for row in rows}
    placed = [f for f in (_alert_feature(alert, where) for alert in found) if f is not None]
    shown = thin(rows)
    features = (
        [
            Feature(
                geometry=Geometry(type="LineString", coordinates=[[r[2], r[1]] for r in shown]),
                properties={
                    "kind": "track",
                    "mmsi": mmsi,
                    "times": [r[0].isoformat() for r in shown],
                },
            )
        ]
        if shown
        else []
    )
    track_event(
        conn,
        Consultation(
            actor=account.actor(purpose),
            action="web.map.track",
            objects=(f"mmsi:{mmsi}", *(f.properties["id"] for f in placed)),
            results=len(rows),
        ),
    )
    return VesselMap(
        mmsi=mmsi, total_points=len(rows), shown_points=len(shown), features=features + placed
    )


register_messages(
    {
        "map.title": ("Carte", "Map"),
        "map.mmsi": ("MMSI du navire", "Vessel MMSI"),
        "map.show": ("Afficher", "Show"),
        "map.points": ("positions", "positions"),
        "map.alerts": ("Alertes maritimes", "Maritime alerts"),
        "map.none": ("Aucun résultat", "No match"),
        "nav.map": ("Carte", "Map"),
    }
)

router = APIRouter(tags=["map"], responses=API_REFUSALS)


@router.get(
    "/api/map/vessels/{mmsi}",
    response_model=VesselMap,
    summary="Route AIS et alertes d'un navire / vessel track and alerts",
)
def api_vessel(
    request: Request, conn: Conn, account: CurrentAccount, purpose: Purpose, mmsi: str
) -> VesselMap:
    return vessel_map(conn, account, purpose, web_state(request).workspace.events, mmsi)


@router.get("/map", response_class=HTMLResponse, include_in_schema=False)
def map_page(
    request: Request, account: CurrentAccount, mmsi: str = "", phone: str = ""
) -> HTMLResponse:
    """The page only; its script reads the track and the calls' cells from the API
    (``filet.web.phone_maps``), which decides and audits."""
    return render(request, "map.html", account, {"mmsi": mmsi, "phone": phone})

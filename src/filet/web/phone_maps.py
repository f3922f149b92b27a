"""The map's phone layer: the cells a number's calls went through, with when and how
often, as GeoJSON, read only from the event rows of files in datasets the reader may
open, as the vessel track is (calls and cell lists alike: a call whose cell is listed
only in a file the reader may not open is not placed).

The positions are ``filet.network.cells.position_steps`` for the number, the same SQL
as ``call_positions``. A cell site is where the antenna stands, not where the phone
was: within ``range_m`` of it, towards ``azimuth``. Each cell is one point with the
calls that went through it (a call that starts and ends on it counts once), the first
and the last, the first ``MAX_TIMES`` times and the first call's ``file:line``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from filet.engine.duckdb_engine import DuckDBEngine
from filet.network.cells import NUMBER_CHARS, position_steps
from filet.network.numbers import e164
from filet.security.audit import Consultation, track_event
from filet.security.identity import Account
from filet.security.reads import readable_events
from filet.store.events import EventStore
from filet.web.deps import Conn, CurrentAccount, Purpose, web_state
from filet.web.graph import API_REFUSALS
from filet.web.i18n import register_messages
from filet.web.maps import Feature, Geometry
from filet.web.refusals import forbidden

MAX_TIMES = 100  # call times listed per cell; ``calls`` counts them all
TABLES = ("calls", "cell_sites")
# A number as typed: the characters numbers are written with, one at least that is not
# punctuation or space.
NUMBER_QUERY = f"^[{NUMBER_CHARS}]*[0-9A-Za-z+*#][{NUMBER_CHARS}]*$"


class PhoneMap(BaseModel):
    """GeoJSON (RFC 7946: longitude first) of the cells the number's calls went through."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    number: str
    total_calls: int
    features: list[Feature]


def asked_number(text: str) -> str:
    """The number as the calls store it: E.164 where it parses, else as written."""
    return e164(text) or text.strip()


def _positions(events: EventStore, number: str) -> list[dict[str, Any]]:
    """Each end of the number's calls placed on its cell site, in time order."""
    if not all(events.parts(table) for table in TABLES):
        return []
    with DuckDBEngine() as engine:
        for table in TABLES:
            engine.register_parquet(table, events.folder(table), events.parts(table))
        return engine.run(position_steps(number))


def cell_features(rows: list[dict[str, Any]]) -> list[Feature]:
    """One point per cell, in the order of its first call."""
    by_cell: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_cell.setdefault(row["cell_id"], []).append(row)
    features = [_cell(cell, held) for cell, held in by_cell.items()]
    return sorted(features, key=lambda f: (f.properties["first"], f.properties["cell_id"]))


def _cell(cell: str, held: list[dict[str, Any]]) -> Feature:
    calls = {(row["source_file"], row["source_line"]): row for row in held}
    first = min(calls.values(), key=lambda r: (r["start_ts"], r["source_file"], r["source_line"]))
    times = sorted(row["start_ts"] for row in calls.values())
    site = held[0]
    return Feature(
        geometry=Geometry(type="Point", coordinates=[site["lon"], site["lat"]]),
        properties={
            "kind": "cell",
            "cell_id": cell,
            "calls": len(calls),
            "first": times[0].isoformat(),
            "last": times[-1].isoformat(),
            "times": [moment.isoformat() for moment in times[:MAX_TIMES]],
            "operator": site["operator"],
            "address": site["address"],
            "azimuth": site["azimuth"],
            "range_m": site["range_m"],
            "evidence": f"{first['source_file']}:{first['source_line']}",
            "site": f"{site['site_file']}:{site['site_line']}",
        },
    )


def phone_map(
    conn: sa.Connection, account: Account, purpose: str, events: EventStore, asked: str
) -> PhoneMap:
    """The cells of the number's readable calls; 403 when the account may read no event."""
    access, readable = readable_events(conn, account, events, purpose)
    if not access:
        raise forbidden()
    number = asked_number(asked)
    rows = _positions(readable, number)
    features = cell_features(rows)
    total = len({(row["source_file"], row["source_line"]) for row in rows})
    track_event(
        conn,
        Consultation(
            actor=account.actor(purpose),
            action="web.map.calls",
            objects=(f"phone:{number}",),
            results=total,
        ),
    )
    return PhoneMap(number=number, total_calls=total, features=features)


register_messages(
    {
        "map.phone": ("Numéro de téléphone", "Phone number"),
        "map.calls": ("appels placés sur un relais", "calls placed on a cell"),
        "map.calls.short": ("appel(s)", "call(s)"),
        "map.cells": ("Relais traversés par les appels", "Cells the calls went through"),
        "map.cells.note": (
            "Un relais est l'emplacement de l'antenne, pas celui du téléphone.",
            "A cell site is where the antenna stands, not where the phone was.",
        ),
    }
)

router = APIRouter(tags=["map"], responses=API_REFUSALS)


@router.get(
    "/api/map/calls",
    response_model=PhoneMap,
    summary="Relais traversés par les appels d'un numéro / cells of a number's calls",
)
def api_calls(
    request: Request,
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    number: Annotated[str, Query(max_length=32, pattern=NUMBER_QUERY)],
) -> PhoneMap:
    return phone_map(conn, account, purpose, web_state(request).workspace.events, number)

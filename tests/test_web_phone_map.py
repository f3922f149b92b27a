"""The map's phone layer and the entity page's mentions on a small seeded case.

Case A holds fadettes of 06 12 34 56 78 (a call starting and ending on cell 1, one from
cell 1 to cell 2, one on cell 3) with the list of cells 1 and 2, and a WhatsApp chat
naming an IBAN; case B holds the list of cell 3, another number's call there and a chat
naming the same IBAN. A reader sees only the calls, cell sites and texts of the files
they may read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from filet.ingest.pipeline import ingest_file
from filet.ingest.readers import given_fields
from filet.model.provenance import Provenance
from filet.security.accounts import get_account
from filet.security.audit import Actor
from filet.security.audit.log import read_entries
from filet.store import Workspace
from filet.store.entities import iter_entities
from filet.web.phone_maps import phone_map
from web_support import World, api_client, logged_in_client, seed_world

PHONE, OTHER = "+33612345678", "+33781234567"
HEADER = "caller,callee,start,duration_s,type,cell_start,cell_end,case_ref,seizure_ref\n"
FILES = {
    ("fadettes-a.csv", "cdr", "ds-a"): HEADER
    + "06 12 34 56 78,0698765432,2026-03-10T08:00:00,60,voice,208-01-1,208-01-1,,\n"
    + "06 12 34 56 78,0698765432,2026-03-10T09:00:00,60,voice,208-01-1,208-01-2,,\n"
    + "06 12 34 56 78,0698765432,2026-03-11T10:00:00,60,voice,208-01-3,,,\n"
    + "0698765432,0612345678,2026-03-11T11:00:00,60,voice,208-01-2,,,\n",
    ("relais-a.csv", "cells", "ds-a"): "cell_id,lat,lon,azimuth,range_m,operator,address\n"
    "208-01-1,43.2965,5.3698,120,800,Orange,1 quai du Port Marseille\n"
    "208-01-2,43.3000,5.4000,,,Orange,\n",
    ("relais-b.csv", "cells", "ds-b"): "cell_id,lat,lon,azimuth,range_m,operator,address\n"
    "208-01-3,43.3100,5.4100,,,SFR,\n",
    ("fadettes-b.csv", "cdr", "ds-b"): HEADER
    + "07 81 23 45 67,0698765432,2026-03-12T10:00:00,60,voice,208-01-3,,,\n",
    ("WhatsApp Chat with Nourrice.txt", "whatsapp", "ds-a"): (
        "10/03/2026 09:30 - Nourrice: vire sur FR76 3000 6000 0112 3456 7890 189\n"
    ),
    ("WhatsApp Chat with Tonton.txt", "whatsapp", "ds-b"): (
        "12/03/2026 11:00 - Tonton: FR76 3000 6000 0112 3456 7890 189 reçu\n"
    ),
}


def seed_calls(world: World, folder: Path) -> None:
    for (name, format, dataset), text in FILES.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        with given_fields(case_ref="2026-117", seizure_ref=f"SC-{dataset[-1].upper()}"):
            ingest_file(
                world.workspace, path, format, provenance=Provenance(dataset), actor=Actor("t")
            )


def account_id(world: World) -> str:
    with world.workspace.db.begin() as conn:
        [account] = list(iter_entities(conn, schema="BankAccount"))
    return account.id or ""


@pytest.fixture
def world(workspace: Workspace, tmp_path: Path) -> Iterator[World]:
    seeded = seed_world(workspace, tmp_path)
    seed_calls(seeded, tmp_path)
    yield seeded


def test_cells_of_a_number_with_times_and_counts(world: World) -> None:
    """Cell 1 carries two calls (one starting and ending there counts once), cell 2
    one; cell 3 is listed only in case B, so that call is not placed."""
    with world.workspace.db.begin() as conn:
        analyst = get_account(conn, "ana-a")
        assert analyst is not None
        found = phone_map(conn, analyst, "enquête", world.workspace.events, "06 12 34 56 78")
        [audited] = [e for e in read_entries(conn) if e.action == "web.map.calls"]
    assert (found.number, found.total_calls) == (PHONE, 2)
    cells = [f.properties for f in found.features]
    assert [(c["cell_id"], c["calls"], c["first"], c["last"]) for c in cells] == [
        ("208-01-1", 2, "2026-03-10T07:00:00+00:00", "2026-03-10T08:00:00+00:00"),
        ("208-01-2", 1, "2026-03-10T08:00:00+00:00", "2026-03-10T08:00:00+00:00"),
    ]
    assert cells[0]["times"] == ["2026-03-10T07:00:00+00:00", "2026-03-10T08:00:00+00:00"]
    assert (cells[0]["address"], cells[0]["evidence"], cells[0]["site"]) == (
        "1 quai du Port Marseille",
        "fadettes-a.csv:2",
        "relais-a.csv:2",
    )
    assert found.features[0].geometry.coordinates == pytest.approx([5.3698, 43.2965])
    assert f"phone:{PHONE}" in audited.entry


def test_api_gives_each_case_its_own_calls(world: World) -> None:
    analyst = logged_in_client(world, "ana-a")
    mine = analyst.get("/api/map/calls", params={"number": "06 12 34 56 78"}).json()
    assert mine["type"] == "FeatureCollection" and mine["total_calls"] == 2
    other_case = api_client(world, world.token_b)
    assert other_case.get("/api/map/calls", params={"number": PHONE}).json()["features"] == []
    theirs = other_case.get("/api/map/calls", params={"number": OTHER}).json()
    assert [f["properties"]["cell_id"] for f in theirs["features"]] == ["208-01-3"]
    assert analyst.get("/api/map/calls", params={"number": OTHER}).json()["features"] == []
    for bad in ("06' OR '1'='1", "  ", "x" * 33):
        assert analyst.get("/api/map/calls", params={"number": bad}).status_code == 422
    page = analyst.get("/map", params={"phone": "06 12 34 56 78"})
    assert page.status_code == 200 and 'data-phone="06 12 34 56 78"' in page.text
    assert "Numéro de téléphone" in page.text and "Relais traversés par les appels" in page.text


def test_entity_page_lists_the_readable_texts_that_mention_it(world: World) -> None:
    iban = account_id(world)
    mine = logged_in_client(world, "ana-a").get(f"/api/entities/{iban}").json()
    assert [(m["seizure_ref"], m["date"], m["record"]) for m in mine["mentions"]] == [
        ("SC-A", "2026-03-10T08:30:00", "WhatsApp Chat with Nourrice.txt:1")
    ]
    theirs = api_client(world, world.token_b).get(f"/api/entities/{iban}").json()
    assert [m["seizure_ref"] for m in theirs["mentions"]] == ["SC-B"]
    page = logged_in_client(world, "ana-a").get(f"/entities/{iban}")
    assert "Mentionnée dans" in page.text and "WhatsApp Chat with Nourrice.txt:1" in page.text
    assert "SC-B" not in page.text

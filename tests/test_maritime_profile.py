"""``filet maritime profile``: a vessel's identities and alerts on the seeded world.

The world (``filet.maritime.testworld``, seed 11) plants the answers: reflagged IMOs
(one IMO under two MMSIs), renamed MMSIs, MMSIs with unallocated MIDs, encounters, and
pairs moored in real ports, one of them Guayaquil (a listed high-risk port).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engines import write_event_tables
from filet.alerts.runner import run_detectors
from filet.cli import app
from filet.engine.duckdb_engine import DuckDBEngine
from filet.maritime.profile import VesselProfile, parse_vessel_id, vessel_profile
from filet.maritime.testworld import PORTS, MaritimeWorld, generate
from filet.model import model
from filet.model.identifiers import mmsi as mmsi_ids
from filet.model.provenance import Provenance
from filet.store import Workspace
from filet.store.entities import put_entities

DETECTORS = [
    "maritime.identity_change",
    "maritime.spoofing",
    "maritime.encounter",
    "maritime.high_risk_port_call",
]
runner = CliRunner()


@pytest.fixture(scope="module")
def world() -> MaritimeWorld:
    return generate(seed=11)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, world: MaritimeWorld) -> Path:
    """A workspace holding the world's positions and static reports, its detectors run,
    and one Vessel entity for the first reflagged IMO."""
    folder = tmp_path_factory.mktemp("profile") / "home"
    ws = Workspace.open(folder)
    try:
        tables = {"ais_positions": world.positions(), "ais_static": world.static_rows()}
        write_event_tables(ws.events.root, tables)
        with DuckDBEngine() as engine:
            run_detectors(ws, engine, DETECTORS)
        vessel = model.make_entity("Vessel")
        vessel.id = "vessel-reflagged"
        vessel.add("name", "NAVIRE REPAVILLONNÉ")
        vessel.add("imoNumber", world.reflagged[0])
        with ws.db.begin() as conn:
            put_entities(conn, [(vessel, Provenance(dataset="test-world"))])
    finally:
        ws.close()
    return folder


def profile(home: Path, query: str) -> VesselProfile:
    ws = Workspace.open(home)
    try:
        with ws.db.begin() as conn:
            return vessel_profile(conn, ws.events, query)
    finally:
        ws.close()


def subjects(found: VesselProfile, group: str) -> list[set[str]]:
    return [{subject.value for subject in alert.subjects} for alert in found.alerts[group]]


def static(world: MaritimeWorld, **match: str) -> list[dict[str, Any]]:
    return [
        row for row in world.static_rows() if all(row[key] == value for key, value in match.items())
    ]


def test_a_reflagged_imo_shows_both_mmsis_their_flags_and_the_change(
    home: Path, world: MaritimeWorld
) -> None:
    imo = world.reflagged[0]
    found = profile(home, f"IMO {imo}")
    reports = static(world, imo=imo)
    mmsis = sorted({row["mmsi"] for row in reports})
    assert len(mmsis) == 2 and found.imos == (imo,) and list(found.mmsis) == mmsis
    assert [t.mmsi for t in found.transmitters] == mmsis
    for transmitter in found.transmitters:
        assert transmitter.flag == (mmsi_ids.flag_country(transmitter.mmsi) or "").upper()
        [imo_run] = transmitter.imos
        assert imo_run.value == imo
        assert imo_run.reports == sum(row["mmsi"] == transmitter.mmsi for row in reports)
    first_seen = {t.mmsi: t.first_seen for t in found.transmitters}
    old, new = sorted(mmsis, key=first_seen.__getitem__)
    assert {old, new, imo} in subjects(found, "identity_changes")
    assert found.entities == (("vessel-reflagged", "NAVIRE REPAVILLONNÉ"),)
    assert "vessel-reflagged" in found.objects()


def test_the_same_vessel_found_from_either_of_its_mmsis(home: Path, world: MaritimeWorld) -> None:
    imo = world.reflagged[0]
    by_imo = profile(home, imo)
    for mmsi in by_imo.mmsis:
        by_mmsi = profile(home, mmsi)
        assert (by_mmsi.imos, by_mmsi.mmsis) == (by_imo.imos, by_imo.mmsis)
        assert by_mmsi.alerts["identity_changes"] == by_imo.alerts["identity_changes"]


def test_a_renamed_mmsi_has_two_name_runs_and_its_alert(home: Path, world: MaritimeWorld) -> None:
    mmsi = world.renamed[0]
    reports = static(world, mmsi=mmsi)
    found = profile(home, mmsi)
    [transmitter] = found.transmitters
    before, after = transmitter.names
    assert after.value.startswith(before.value + " ")  # "ESPERANZA" becomes "ESPERANZA 12"
    assert before.reports + after.reports == len(reports) == 24
    assert after.first_seen > before.last_seen
    assert [{mmsi}] == subjects(found, "identity_changes")
    planted = [set(pair) for pair in world.encounters if mmsi in pair]
    assert subjects(found, "encounters") == planted  # renamed ships may also meet at sea


def test_spoofed_encounters_and_high_risk_port_calls_land_in_their_groups(
    home: Path, world: MaritimeWorld
) -> None:
    made_up = world.spoofed[-1]  # the last four have MIDs no administration was given
    found = profile(home, made_up)
    assert found.transmitters[0].flag is None
    assert {made_up} in subjects(found, "spoofing")
    first, second = world.encounters[0]
    assert {first, second} in subjects(profile(home, first), "encounters")
    guayaquil = world.moored[PORTS.index("ECGYE")][0]
    assert {guayaquil, "ECGYE"} in subjects(profile(home, guayaquil), "risky_port_calls")
    rotterdam = world.moored[PORTS.index("NLRTM")][0]
    assert not profile(home, rotterdam).alerts["risky_port_calls"]


def test_unknown_and_invalid_vessels(home: Path) -> None:
    nothing = profile(home, "9074729")  # a valid IMO that the world does not hold
    assert not nothing.found and nothing.transmitters == ()
    with pytest.raises(ValueError, match="neither an IMO"):
        parse_vessel_id("ESPERANZA")
    assert parse_vessel_id("IMO 9074729") == ("imo", "9074729")
    assert parse_vessel_id("227006760") == ("mmsi", "227006760")


def test_cli_json_and_the_consultation_in_the_audit_log(home: Path, world: MaritimeWorld) -> None:
    imo = world.reflagged[0]
    who = ["--actor", "j.dupont", "--purpose", "dossier 2026/12", "--home", str(home)]
    result = runner.invoke(app, ["maritime", "profile", imo, "--json", *who])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["imos"] == [imo] and len(body["transmitters"]) == 2
    assert body["alerts"]["identity_changes"] and body["alerts"]["gaps"] == []
    table = runner.invoke(app, ["maritime", "profile", imo, *who], terminal_width=200)
    assert table.exit_code == 0 and "Changements d'identité" in table.output
    listed = runner.invoke(app, ["audit", "list", "--json", "--limit", "1000", *who])
    consulted = [
        entry
        for entry in json.loads(listed.stdout)
        if entry["category"] == "consultation" and entry["action"] == "maritime.profile"
    ]
    assert len(consulted) == 2
    assert consulted[0]["justification"] == "dossier 2026/12"
    ids = [alert["id"] for alert in body["alerts"]["identity_changes"]]
    assert set(ids) | {"vessel-reflagged"} <= set(consulted[0]["objects"])
    bad = runner.invoke(app, ["maritime", "profile", "NAVIRE", *who])
    assert bad.exit_code == 1 and "neither an IMO" in bad.output

"""The map on a seeded AIS track: 2,500 positions of one vessel in case A (thinned to
at most 2,001 on the map), 20 of another in case B, and an AIS gap alert placed where
its evidence lines put the vessel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from filet.alerts.alert import Alert, Evidence, Subject, ThresholdUsed
from filet.alerts.store import save_alerts
from filet.ingest.pipeline import ingest_file
from filet.model.provenance import Provenance
from filet.security.accounts import get_account
from filet.security.audit import Actor
from filet.store import Workspace
from filet.web.maps import MAX_TRACK_POINTS, thin, vessel_map
from web_support import World, api_client, logged_in_client, seed_world

VESSEL_A, VESSEL_B = "227000001", "244000002"
POINTS_A, POINTS_B = 2500, 20
START = datetime(2026, 3, 10, tzinfo=UTC)
HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,"
    "Status,Length,Width,Draft,Cargo,TransceiverClass"
)


def _position(mmsi: str, minute: int) -> tuple[float, float]:
    """A straight route west-south-west from off Brest: lat, lon at that minute."""
    return 48.0 - minute * 0.0004, -6.0 - minute * 0.001


def _csv(path: Path, mmsi: str, count: int) -> Path:
    rows = [HEADER]
    for minute in range(count):
        lat, lon = _position(mmsi, minute)
        ts = (START + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%S")
        rows.append(f"{mmsi},{ts},{lat:.6f},{lon:.6f},12.0,250.0,250,ESPERANZA,,,70,0,,,,,A")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _gap(line: int) -> Alert:
    """An AIS gap alert whose evidence is line ``line`` of ``ais-a.csv`` (minute line-2)."""
    at = START + timedelta(minutes=line - 2)
    return Alert(
        detector_id="maritime.ais_gap",
        detector_version="1",
        subjects=(Subject("mmsi", VESSEL_A),),
        start=at,
        end=at + timedelta(hours=7),
        score=0.6,
        reason_fr="Silence AIS de 7 h",
        reason_en="7 h AIS gap",
        evidence=(Evidence("ais_positions", {"source_file": "ais-a.csv", "source_line": line}),),
        thresholds=(ThresholdUsed("min_gap_hours", 6.0, "h", "GFW"),),
        thresholds_hash="test",
    )


def seed_ais(world: World, folder: Path) -> None:
    for name, dataset, mmsi, count in (
        ("ais-a.csv", "ds-a", VESSEL_A, POINTS_A),
        ("ais-b.csv", "ds-b", VESSEL_B, POINTS_B),
    ):
        ingest_file(
            world.workspace,
            _csv(folder / name, mmsi, count),
            "marinecadastre",
            provenance=Provenance(dataset),
            actor=Actor("test"),
        )
    with world.workspace.db.begin() as conn:
        save_alerts(conn, [_gap(102)])


@pytest.fixture
def world(workspace: Workspace, tmp_path: Path) -> Iterator[World]:
    seeded = seed_world(workspace, tmp_path)
    seed_ais(seeded, tmp_path)
    yield seeded


def test_thin_keeps_first_and_last_and_at_most_the_limit() -> None:
    rows = list(range(5001))
    kept = thin(rows, 2000)
    assert kept[0] == 0 and kept[-1] == 5000 and len(kept) <= 2001
    assert thin(rows[:10], 2000) == rows[:10]


def test_track_in_time_order_thinned_with_the_alert_placed(world: World) -> None:
    with world.workspace.db.begin() as conn:
        analyst = get_account(conn, "ana-a")
        assert analyst is not None
        found = vessel_map(conn, analyst, "enquête", world.workspace.events, VESSEL_A)
    assert found.total_points == POINTS_A
    assert found.shown_points == 1251  # one position in two, and the last
    assert found.shown_points <= MAX_TRACK_POINTS + 1
    track = next(f for f in found.features if f.properties["kind"] == "track")
    times = track.properties["times"]
    assert times == sorted(times) and times[0].startswith("2026-03-10T00:00:00")
    first = track.geometry.coordinates[0]
    assert first == pytest.approx([-6.0, 48.0])
    alert = next(f for f in found.features if f.properties["kind"] == "alert")
    lat, lon = _position(VESSEL_A, 100)
    assert alert.geometry.coordinates == pytest.approx([lon, lat])
    assert alert.properties["detector"] == "maritime.ais_gap"


def test_api_other_compartment_gets_no_position(world: World) -> None:
    analyst = logged_in_client(world, "ana-a")
    mine = analyst.get(f"/api/map/vessels/{VESSEL_A}").json()
    hidden = analyst.get(f"/api/map/vessels/{VESSEL_B}").json()
    assert mine["total_points"] == POINTS_A and mine["type"] == "FeatureCollection"
    assert hidden["total_points"] == 0 and hidden["features"] == []
    other = api_client(world, world.token_b).get(f"/api/map/vessels/{VESSEL_A}").json()
    assert other["total_points"] == 0 and other["features"] == []
    assert (
        api_client(world, world.token_b).get(f"/api/map/vessels/{VESSEL_B}").json()["total_points"]
        == POINTS_B
    )
    page = analyst.get("/map", params={"mmsi": VESSEL_A})
    assert page.status_code == 200 and f'data-mmsi="{VESSEL_A}"' in page.text
    assert "land-50m.json" in page.text and "Carte" in page.text
    assert analyst.get("/static/vendor/world-atlas/land-50m.json").status_code == 200
    assert analyst.get("/static/vendor/cytoscape/cytoscape.min.js").status_code == 200


def test_timeline_of_a_vessel_shows_its_mmsi_alerts(world: World, tmp_path: Path) -> None:
    vessel = tmp_path / "vessel.ftm.jsonl"
    vessel.write_text(
        '{"id": "a-esp", "schema": "Vessel", "properties": '
        f'{{"name": ["ESPERANZA"], "mmsi": ["{VESSEL_A}"]}}}}\n',
        encoding="utf-8",
    )
    ingest_file(world.workspace, vessel, "ftm", provenance=Provenance("ds-a"), actor=Actor("t"))
    items = logged_in_client(world, "ana-a").get("/api/timeline/a-esp").json()["items"]
    assert [item["kind"] for item in items] == ["alert"]
    assert items[0]["label_en"] == "7 h AIS gap"

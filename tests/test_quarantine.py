"""Working the quarantine: list, show, fix, replay with the original provenance, drop."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from filet.cli import app
from filet.ingest import IngestError, ingest_file
from filet.ingest.quarantine import Status, drop, get, list_quarantined
from filet.ingest.replay import fix_quarantined, replay
from filet.store import Workspace
from filet.store.entities import values_with_provenance
from filet.store.tables import statements

HEADER = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass"  # noqa: E501
GOOD = "227000001,2023-01-11T00:00:00,43.1,5.1,1.0,90.0,,ALPHA,,,,,,,,,A"
BAD_LAT = "227000002,2023-01-11T00:01:00,nord,5.2,1.0,90.0,,BRAVO,,,,,,,,,A"
BAD_TIME = "227000003,hier,43.3,5.3,1.0,90.0,,CHARLIE,,,,,,,,,A"
SHORT = "227000004,2023-01-11T00:03:00,43.4"


@pytest.fixture
def ais_file(tmp_path: Path) -> Path:
    path = tmp_path / "ais.csv"
    path.write_text("\n".join([HEADER, GOOD, BAD_LAT, BAD_TIME, SHORT]) + "\n", encoding="utf-8")
    return path


def by_line(ws: Workspace) -> dict[int, str]:
    with ws.db.connect() as conn:
        return {record.line: record.id for record in list_quarantined(conn, status=None)}


def test_fix_then_replay_stores_with_the_original_provenance(
    workspace: Workspace, ais_file: Path
) -> None:
    ingest_file(workspace, ais_file, "marinecadastre", mapping=None)
    ids = by_line(workspace)
    assert sorted(ids) == [3, 4, 5]
    fixed = fix_quarantined(workspace, ids[3][:10], {"LAT": "43.2"})
    assert fixed.record is not None and fixed.record["LAT"] == "43.2"
    assert fixed.raw == BAD_LAT  # the original text is kept as read
    outcomes = replay(workspace, [ids[3]])
    assert [(outcome.id, outcome.stored) for outcome in outcomes] == [(ids[3], True)]
    assert workspace.events.count("ais_positions") == 2
    with workspace.db.connect() as conn:
        assert get(conn, ids[3]).status is Status.REPLAYED
        vessel_id = conn.scalars(
            sa.select(statements.c.entity_id).where(statements.c.value == "BRAVO")
        ).one()
        provenance = values_with_provenance(conn, vessel_id)[0].provenance
    assert provenance.source_record == "ais.csv:3"
    assert provenance.dataset == "noaa-marinecadastre"
    again = replay(workspace, [ids[3]])
    assert not again[0].stored  # already replayed: nothing doubled
    assert workspace.events.count("ais_positions") == 2


def test_a_record_still_bad_stays_with_the_new_reason(workspace: Workspace, ais_file: Path) -> None:
    ingest_file(workspace, ais_file, "marinecadastre")
    ids = by_line(workspace)
    fix_quarantined(workspace, ids[4], {"BaseDateTime": "2023-01-11 00:02"})
    [outcome] = replay(workspace, [ids[4]])
    assert not outcome.stored
    with workspace.db.connect() as conn:
        record = get(conn, ids[4])
    assert record.status is Status.OPEN
    assert record.field == "BaseDateTime"
    assert "'2023-01-11 00:02'" in record.reason


def test_an_unparsable_record_is_fixed_through_its_raw_text(
    sqlite_workspace: Workspace, ais_file: Path
) -> None:
    ingest_file(sqlite_workspace, ais_file, "marinecadastre")
    short = by_line(sqlite_workspace)[5]
    with pytest.raises(IngestError, match="fix raw=… first"):
        fix_quarantined(sqlite_workspace, short, {"LAT": "43.4"})
    [untouched] = replay(sqlite_workspace, [short])
    assert not untouched.stored and "fix raw=" in untouched.reason
    with pytest.raises(IngestError, match="3 fields where the header has 17"):
        fix_quarantined(sqlite_workspace, short, {"raw": "a,b,c"})
    whole = "227000004,2023-01-11T00:03:00,43.4,5.4,1.0,90.0,,DELTA,,,,,,,,,A"
    fix_quarantined(sqlite_workspace, short, {"raw": whole})
    assert [outcome.stored for outcome in replay(sqlite_workspace, None)] == [False, False, True]


def test_drop_needs_a_reason_and_keeps_the_record(
    sqlite_workspace: Workspace, ais_file: Path
) -> None:
    ingest_file(sqlite_workspace, ais_file, "marinecadastre")
    ids = by_line(sqlite_workspace)
    with sqlite_workspace.db.begin() as conn:
        with pytest.raises(IngestError, match="reason is required"):
            drop(conn, [ids[3]], " ")
        drop(conn, [ids[3]], "position inventée / made-up position")
    with sqlite_workspace.db.connect() as conn:
        dropped = get(conn, ids[3])
        still_open = list_quarantined(conn)
    assert dropped.status is Status.DROPPED
    assert dropped.note is not None and "made-up position" in dropped.note
    assert [record.line for record in still_open] == [4, 5]


def cli(home: Path, *args: str) -> Any:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, [*args, "--home", str(home)])
    return result


def test_command_line_workflow(tmp_path: Path, ais_file: Path) -> None:
    home = tmp_path / "home"
    ingested = cli(home, "ingest", str(ais_file), "--format", "marinecadastre", "--json")
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout)[0]["rows_quarantined"] == 3
    listed = json.loads(cli(home, "quarantine", "list", "--file", str(ais_file), "--json").stdout)
    assert [(item["line"], item["field"]) for item in listed] == [
        (3, "LAT"),
        (4, "BaseDateTime"),
        (5, "(enregistrement / record)"),
    ]
    first = listed[0]["id"]
    shown = cli(home, "quarantine", "show", first[:8])
    assert "'nord' n'est pas un nombre / is not a number" in shown.stdout
    assert cli(home, "quarantine", "fix", first, "LAT=43.2").exit_code == 0
    replayed = cli(home, "quarantine", "replay", "--all", "--json")
    assert replayed.exit_code == 1  # two records stay quarantined
    assert [item["stored"] for item in json.loads(replayed.stdout)] == [True, False, False]
    dropped = cli(home, "quarantine", "drop", listed[1]["id"], "--reason", "doublon / duplicate")
    assert dropped.exit_code == 0
    remaining = json.loads(cli(home, "quarantine", "list", "--json").stdout)
    assert [item["line"] for item in remaining] == [5]
    again = cli(home, "ingest", str(ais_file), "--format", "marinecadastre", "--json")
    assert json.loads(again.stdout)[0]["already_ingested"] is True


def test_command_line_errors(tmp_path: Path, ais_file: Path) -> None:
    home = tmp_path / "home"
    bad_grading = cli(home, "ingest", str(ais_file), "-f", "marinecadastre", "--grading", "E9")
    assert bad_grading.exit_code == 1
    assert "--grading" in bad_grading.output
    missing = cli(home, "ingest", str(tmp_path / "none.csv"), "-f", "marinecadastre")
    assert missing.exit_code == 1 and "none.csv" in missing.output
    unknown = cli(home, "quarantine", "show", "ffff")
    assert unknown.exit_code == 1 and "ffff" in unknown.output


def test_an_ftm_entity_is_fixed_by_property(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    entity = {
        "id": "p1",
        "schema": "Person",
        "properties": {"name": ["Luc Martin"], "nickname": ["Le Chat"], "birthDate": ["hier"]},
    }
    path = tmp_path / "people.ftm.json"
    path.write_text(json.dumps(entity) + "\n", encoding="utf-8")
    ingest_file(sqlite_workspace, path, "ftm")
    [record_id] = by_line(sqlite_workspace).values()
    fix_quarantined(sqlite_workspace, record_id, {"properties.nickname": ""})
    [outcome] = replay(sqlite_workspace, [record_id])
    assert (outcome.stored, outcome.field) == (False, "properties.birthDate")
    fix_quarantined(
        sqlite_workspace,
        record_id,
        {"properties.birthDate": "1971-04-02", "properties.alias": "Le Chat"},
    )
    assert [outcome.stored for outcome in replay(sqlite_workspace, [record_id])] == [True]
    with sqlite_workspace.db.connect() as conn:
        values = {(v.prop, v.value) for v in values_with_provenance(conn, "p1")}
        assert get(conn, record_id).note is not None
    assert values == {("name", "Luc Martin"), ("birthDate", "1971-04-02"), ("alias", "Le Chat")}

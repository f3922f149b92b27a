"""Malformed input never stops an ingest: every bad record is quarantined, every good one stored.

Files are generated line by line, each line either valid or broken in one known way,
so the expected counts are known: stored + quarantined = lines, and the quarantined
lines are exactly the broken ones.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filet.ingest import ingest_file
from filet.ingest.readers import fingerprint
from filet.store import Workspace
from filet.store.tables import quarantine

HEADER = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass"  # noqa: E501
COLUMNS = HEADER.split(",")
T0 = datetime(2023, 1, 11, tzinfo=UTC)
FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

garbage = st.binary(min_size=1, max_size=30).map(
    lambda data: b"\xff" + bytes(b for b in data if b not in b'\n\r",')
)
names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ ", max_size=20)


@st.composite
def positions(draw: st.DrawFn) -> dict[str, object]:
    return {
        "mmsi": draw(st.integers(200_000_000, 775_999_999)),
        "ts": T0 + timedelta(seconds=draw(st.integers(0, 86_399))),
        "lat": draw(st.floats(-89.9, 89.9)),
        "lon": draw(st.floats(-179.9, 179.9)),
        "sog": draw(st.floats(0, 40)),
        "cog": draw(st.floats(0, 359.9)),
        "name": draw(names),
    }


CSV_FAULTS = ["lat_text", "no_mmsi", "bad_time", "lat_range", "garbage", "short", "bad_imo"]


def csv_line(position: dict[str, object], fault: str | None, junk: bytes) -> bytes:
    row = dict.fromkeys(COLUMNS, "")
    ts = position["ts"]
    assert isinstance(ts, datetime)
    row |= {
        "MMSI": str(position["mmsi"]),
        "BaseDateTime": ts.strftime("%Y-%m-%dT%H:%M:%S"),
        "LAT": f"{position['lat']:.5f}",
        "LON": f"{position['lon']:.5f}",
        "SOG": f"{position['sog']:.1f}",
        "COG": f"{position['cog']:.1f}",
        "VesselName": str(position["name"]),
        "IMO": "IMO9307839",
    }
    if fault == "lat_text":
        row["LAT"] = "N" + row["LAT"]
    elif fault == "no_mmsi":
        row["MMSI"] = ""
    elif fault == "bad_time":
        row["BaseDateTime"] = "2023-13-45T25:61:00"
    elif fault == "lat_range":
        row["LAT"] = "123.4"
    elif fault == "bad_imo":
        row["IMO"] = "IMO9307838"
    values = [row[column] for column in COLUMNS]
    if fault == "short":
        values = values[:-3]
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    line = out.getvalue().encode()
    if fault == "garbage":
        line = line.replace(b",,", b"," + junk + b",", 1)
    return line


def quarantined_lines(ws: Workspace, path: Path) -> dict[int, str]:
    digest, _ = fingerprint(path)
    with ws.db.connect() as conn:
        rows = conn.execute(
            sa.select(quarantine.c.line, quarantine.c.reason).where(
                quarantine.c.file_sha256 == digest
            )
        )
        return {line: reason for line, reason in rows}


@FAST
@given(
    st.lists(
        st.tuples(positions(), st.none() | st.sampled_from(CSV_FAULTS), garbage),
        min_size=1,
        max_size=40,
    )
)
def test_malformed_csv_rows_are_quarantined(
    sqlite_workspace: Workspace,
    tmp_path: Path,
    lines: list[tuple[dict[str, object], str | None, bytes]],
) -> None:
    body = b"\n".join(csv_line(position, fault, junk) for position, fault, junk in lines)
    path = tmp_path / "generated.csv"
    path.write_bytes(",".join(COLUMNS).encode() + b"\n" + body + b"\n")
    report = ingest_file(sqlite_workspace, path, "marinecadastre")
    bad = {line for line, (_, fault, _) in enumerate(lines, start=2) if fault}
    assert report.rows_read == len(lines)
    assert report.rows_stored + report.rows_quarantined == len(lines)
    if not report.already_ingested:
        assert report.rows_stored == report.event_rows == len(lines) - len(bad)
        found = quarantined_lines(sqlite_workspace, path)
        assert set(found) == bad
        assert all(reason for reason in found.values())


JSON_FAULTS = ["broken", "lat_text", "lat_bool", "no_ssvid", "bad_time", "garbage", "array"]


def json_line(position: dict[str, object], fault: str | None, junk: bytes) -> bytes:
    ts = position["ts"]
    assert isinstance(ts, datetime)
    record: dict[str, object] = {
        "ssvid": position["mmsi"],
        "lat": position["lat"],
        "lon": position["lon"],
        "timestamp": ts.isoformat(),
        "course": position["cog"],
        "speed": position["sog"],
    }
    if fault == "lat_text":
        record["lat"] = f"N{position['lat']}"
    elif fault == "lat_bool":
        record["lat"] = True
    elif fault == "no_ssvid":
        del record["ssvid"]
    elif fault == "bad_time":
        record["timestamp"] = "hier soir"
    line = json.dumps(record).encode()
    if fault == "broken":
        return line[:-1]
    if fault == "garbage":
        return junk
    if fault == "array":
        return b"[" + line + b"]"
    return line


@FAST
@given(
    st.lists(
        st.tuples(positions(), st.none() | st.sampled_from(JSON_FAULTS), garbage),
        min_size=1,
        max_size=40,
    )
)
def test_malformed_json_lines_are_quarantined(
    sqlite_workspace: Workspace,
    tmp_path: Path,
    lines: list[tuple[dict[str, object], str | None, bytes]],
) -> None:
    path = tmp_path / "generated.json"
    path.write_bytes(b"\n".join(json_line(*line) for line in lines) + b"\n")
    report = ingest_file(sqlite_workspace, path, "gfw")
    bad = {line for line, (_, fault, _) in enumerate(lines, start=1) if fault}
    assert report.rows_read == len(lines)
    assert report.rows_stored + report.rows_quarantined == len(lines)
    if not report.already_ingested:
        assert report.event_rows == len(lines) - len(bad)
        assert set(quarantined_lines(sqlite_workspace, path)) == bad


FTM_FAULTS = ["unknown_schema", "unknown_property", "bad_date", "no_id", "abstract", "nested"]


def ftm_line(index: int, name: str, fault: str | None) -> str:
    entity: dict[str, object] = {
        "id": f"person-{index}",
        "schema": "Person",
        "properties": {"name": [name or "Anonyme"], "birthDate": ["1980-01-02"]},
    }
    properties = entity["properties"]
    assert isinstance(properties, dict)
    if fault == "unknown_schema":
        entity["schema"] = "Smuggler"
    elif fault == "unknown_property":
        properties["nickname"] = ["Le Chat"]
    elif fault == "bad_date":
        properties["birthDate"] = ["le deux janvier"]
    elif fault == "no_id":
        del entity["id"]
    elif fault == "abstract":
        entity["schema"] = "Thing"
    elif fault == "nested":
        properties["name"] = [{"first": name}]
    return json.dumps(entity)


@FAST
@given(st.lists(st.tuples(names, st.none() | st.sampled_from(FTM_FAULTS)), min_size=1, max_size=30))
def test_malformed_ftm_entities_are_quarantined(
    sqlite_workspace: Workspace, tmp_path: Path, lines: list[tuple[str, str | None]]
) -> None:
    path = tmp_path / "generated.ftm.json"
    text = "\n".join(ftm_line(index, name, fault) for index, (name, fault) in enumerate(lines))
    path.write_text(text + "\n", encoding="utf-8")
    report = ingest_file(sqlite_workspace, path, "ftm")
    bad = {line for line, (_, fault) in enumerate(lines, start=1) if fault}
    assert report.rows_stored + report.rows_quarantined == len(lines)
    if not report.already_ingested:
        assert set(quarantined_lines(sqlite_workspace, path)) == bad


def test_quarantine_reasons_name_the_field(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    position = {"mmsi": 227000001, "ts": T0, "lat": 43.0, "lon": 5.0, "sog": 1.0, "cog": 2.0}
    path = tmp_path / "faults.json"
    faults = ["lat_text", "no_ssvid", "bad_time", "broken"]
    path.write_bytes(b"\n".join(json_line(position | {"name": ""}, f, b"") for f in faults))
    ingest_file(sqlite_workspace, path, "gfw")
    with sqlite_workspace.db.connect() as conn:
        found = conn.execute(
            sa.select(quarantine.c.line, quarantine.c.field, quarantine.c.reason).order_by(
                quarantine.c.line
            )
        ).all()
    assert [(line, field) for line, field, _ in found] == [
        (1, "lat"),
        (2, "ssvid"),
        (3, "timestamp"),
        (4, "(enregistrement / record)"),
    ]
    assert "'N43.0' n'est pas un nombre / is not a number" in found[0][2]
    assert "missing value" in found[1][2]
    assert "'hier soir'" in found[2][2]
    assert "invalid JSON" in found[3][2]

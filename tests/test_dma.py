"""Danish Maritime Authority AIS CSV (built-in mapping ``dma``) on an inline sample.

The rows follow the layout of the daily files at http://web.ais.dk/aisdata/ (header
``# Timestamp,Type of mobile,MMSI,…``, times ``dd/mm/yyyy HH:MM:SS`` in UTC); the values
are made up for the test, the answers follow from them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow.dataset as ds
import sqlalchemy as sa

from filet.ingest import ingest_file
from filet.store import Workspace
from filet.store.entities import iter_entities
from filet.store.tables import quarantine

HEADER = (
    "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,"
    "Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,"
    "Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D"
)
ROWS = [
    # 2: a cargo ship under way, with its static data
    "05/07/2017 00:00:01,Class A,219000873,56.990910,10.304567,Under way using engine,0.0,"
    "12.3,30.9,31,9319466,OWIE2,NORDIC STAR,Cargo,,20,120,GPS,7.5,GOTEBORG,,AIS,100,20,10,10",
    # 3: a class B yacht whose speed and course are "not available"
    "05/07/2017 00:00:02,Class B,265177000,57.692,11.842,Unknown value,,102.3,360.0,,"
    "Unknown,Unknown,MARIA,Pleasure,,,,GPS,,Unknown,,AIS,,,,",
    # 4: no position (latitude 91, longitude 181): the vessel only
    "05/07/2017 00:00:03,Class A,219000873,91.000000,181.000000,Moored,,0.0,,,"
    "9319466,OWIE2,NORDIC STAR,Cargo,,20,120,GPS,7.5,GOTEBORG,,AIS,100,20,10,10",
    # 5: a timestamp written the US way: quarantined
    "07/35/2017 00:00:04,Class A,219000873,56.99,10.30,Moored,,0.0,,,"
    "Unknown,Unknown,,Undefined,,,,GPS,,Unknown,,AIS,,,,",
]


def test_dma_positions_vessels_and_quarantine(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "aisdk_20170705.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    report = ingest_file(workspace, path, "dma")
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (4, 3, 1)
    folder = workspace.events.folder("ais_positions")
    positions = sorted(
        ds.dataset(folder, format="parquet").to_table().to_pylist(),
        key=lambda row: row["source_line"],
    )
    assert [(row["source_line"], row["mmsi"], row["sog_knots"]) for row in positions] == [
        (2, "219000873", 12.3),
        (3, "265177000", None),  # 102.3 kn: not available (ITU-R M.1371-5)
    ]
    assert positions[0]["ts"] == datetime(2017, 7, 5, 0, 0, 1, tzinfo=UTC)
    assert positions[1]["cog_degrees"] is None
    with workspace.db.connect() as conn:
        vessels = {vessel.first("mmsi"): vessel for vessel in iter_entities(conn)}
        [(line, field)] = conn.execute(sa.select(quarantine.c.line, quarantine.c.field))
    assert sorted(vessels) == ["219000873", "265177000"]
    cargo = vessels["219000873"]
    assert cargo.get("imoNumber") == ["IMO9319466"]
    assert (cargo.get("name"), cargo.get("callSign"), cargo.get("type")) == (
        ["NORDIC STAR"],
        ["OWIE2"],
        ["Cargo"],
    )
    assert vessels["265177000"].get("imoNumber") == []  # "Unknown" is not a number
    assert (line, field) == (5, "# Timestamp")

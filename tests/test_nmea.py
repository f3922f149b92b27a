"""Raw NMEA 0183 AIS: hand-built messages with known answers, stored or quarantined."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import reduce
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
import sqlalchemy as sa
from pyais.encode import encode_dict
from typer.testing import CliRunner

from filet.cli import app
from filet.ingest import ingest_file, pipeline
from filet.ingest.nmea import nmea_records
from filet.ingest.replay import fix_quarantined, replay
from filet.store import Workspace
from filet.store.entities import iter_entities, put_entities
from filet.store.tables import quarantine

T0 = 1_709_251_200  # 2024-03-01T00:00:00Z
MMSI = 227006760  # French MID 227


def sentences(fields: dict[str, Any], channel: str = "A", seq_id: int = 0) -> list[str]:
    """``!AIVDM`` sentences for one message, as pyais encodes them."""
    encoded: list[str] = encode_dict(
        fields, talker_id="AI", sentence_type="VDM", radio_channel=channel, seq_id=seq_id
    )
    return encoded


def tagged(sentence: str, seconds: int) -> str:
    """The sentence behind a tag block giving its receiver time (NMEA 4.10, IEC 61162-1)."""
    body = f"c:{seconds}"
    checksum = reduce(lambda acc, char: acc ^ ord(char), body, 0)
    return f"\\{body}*{checksum:02X}\\{sentence}"


def position(seconds: int, **extra: Any) -> str:
    fields = {"type": 1, "mmsi": MMSI, "lat": 43.3, "lon": 5.3, "speed": 12.5, "course": 90.0}
    return tagged(sentences(fields | extra)[0], T0 + seconds)


def voyage_parts(seq_id: int = 3) -> list[str]:
    """A type 5 message in two sentences: static and voyage data of a French cargo ship."""
    fields = {
        "type": 5,
        "mmsi": MMSI,
        "imo": 9319466,
        "shipname": "NAVIRE TEST",
        "callsign": "FABC",
        "ship_type": 70,
        "destination": "MARSEILLE",
        "draught": 7.5,
    }
    return sentences(fields, channel="B", seq_id=seq_id)


def rows(ws: Workspace, table: str) -> list[dict[str, Any]]:
    folder = ws.events.folder(table)
    if not any(folder.glob("*.parquet")):
        return []
    found: list[dict[str, Any]] = ds.dataset(folder, format="parquet").to_table().to_pylist()
    return sorted(found, key=lambda row: int(row["source_line"]))


def quarantined(ws: Workspace) -> dict[int, tuple[str, str]]:
    with ws.db.connect() as conn:
        found = conn.execute(sa.select(quarantine.c.line, quarantine.c.field, quarantine.c.reason))
        return {line: (field, reason) for line, field, reason in found}


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_interleaved_parts_tag_blocks_noise_and_errors(
    workspace: Workspace, tmp_path: Path
) -> None:
    first, second = voyage_parts()
    bad_checksum = position(60)[:-2] + "00"
    lone_part = voyage_parts(seq_id=7)[0]
    lines = [
        position(0),  # 1: stored
        tagged(first, T0 + 30),  # 2: first part, completed at line 4
        position(60, speed=102.3, course=360.0),  # 3: stored, speed and course cleaned
        second,  # 4: part of line 2
        "",  # blank: skipped
        "# a comment",  # skipped
        bad_checksum,  # 7
        lone_part,  # 8: its second part never comes
        "$GPGGA,184353.07,1929.045,S,02410.506,E,1,04,2.6,100.00,M,-33.9,M,,0000*6D",  # 9
        "garbage",  # 10
        sentences({"type": 1, "mmsi": MMSI, "lat": 43.4, "lon": 5.4})[0],  # 11: no time
        position(120, lat=91.0, lon=181.0),  # 12: position not available: noise only
        sentences({"type": 4, "mmsi": 2275300})[0],  # 13: base station report, not stored
    ]
    report = ingest_file(workspace, write(tmp_path / "feed.nmea", lines), "nmea")
    positions = rows(workspace, "ais_positions")
    assert [(row["source_line"], row["sog_knots"], row["cog_degrees"]) for row in positions] == [
        (1, 12.5, 90.0),
        (3, None, None),
    ]
    assert positions[0]["ts"] == datetime(2024, 3, 1, tzinfo=UTC)
    assert positions[0]["mmsi"] == f"{MMSI:09d}"
    noise = rows(workspace, "ais_noise")
    assert [(row["source_line"], row["cleaned"]) for row in noise] == [
        (3, "sog_knots=102.3, cog_degrees=360.0"),
        (12, "lat=91.0, lon=181.0"),
    ]
    [static] = rows(workspace, "ais_static")
    assert (static["source_line"], static["imo"], static["name"]) == (2, "9319466", "NAVIRE TEST")
    assert (static["destination"], static["draught_m"]) == ("MARSEILLE", 7.5)
    assert static["ts"] == datetime(2024, 3, 1, 0, 0, 30, tzinfo=UTC)
    with workspace.db.connect() as conn:
        [vessel] = list(iter_entities(conn))
    assert vessel.get("imoNumber") == ["IMO9319466"]  # FtM writes the prefix
    assert vessel.get("callSign") == ["FABC"]
    assert vessel.get("type") == ["Cargo (70)"]
    problems = quarantined(workspace)
    assert {line: field for line, (field, _) in problems.items()} == {
        7: "checksum",
        8: "part",
        9: "(enregistrement / record)",
        10: "(enregistrement / record)",
        11: "ts",
        13: "msg_type",
    }
    assert "bad checksum" in problems[7][1]
    assert "incomplete" in problems[8][1]
    assert "not an AIS sentence" in problems[9][1]
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (10, 4, 6)


def test_out_of_sequence_part_and_aivdo(tmp_path: Path) -> None:
    first, second = voyage_parts()
    own = encode_dict({"type": 18, "mmsi": MMSI, "lat": 43.0, "lon": 5.0}, talker_id="AI")[0]
    records = list(nmea_records([second, first, tagged(own, T0)]))
    assert [
        (record.line, record.problem.field if record.problem else None) for record in records
    ] == [
        (1, "part"),  # a second part before any first part
        (3, None),  # !AIVDO (own ship) is read like !AIVDM
        (2, "part"),  # left waiting for its second part at the end of the file
    ]


def test_a_position_without_time_is_fixed_and_replayed(
    workspace: Workspace, tmp_path: Path
) -> None:
    untimed = sentences({"type": 1, "mmsi": MMSI, "lat": 43.4, "lon": 5.4, "speed": 3.0})[0]
    ingest_file(workspace, write(tmp_path / "untimed.nmea", [position(0), untimed]), "nmea")
    with workspace.db.connect() as conn:
        [record_id] = conn.scalars(sa.select(quarantine.c.id))
    fix_quarantined(workspace, record_id, {"ts": "2024-03-01T00:05:00+00:00"})
    [outcome] = replay(workspace, [record_id])
    assert outcome.stored
    replayed = [row for row in rows(workspace, "ais_positions") if row["source_line"] == 2]
    assert [(row["ts"], row["sog_knots"]) for row in replayed] == [
        (datetime(2024, 3, 1, 0, 5, tzinfo=UTC), 3.0)
    ]


def test_a_broken_sentence_is_fixed_through_its_raw_text(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    good = position(0)
    ingest_file(sqlite_workspace, write(tmp_path / "broken.nmea", [good[:-2] + "00"]), "nmea")
    with sqlite_workspace.db.connect() as conn:
        [record_id] = conn.scalars(sa.select(quarantine.c.id))
    fix_quarantined(sqlite_workspace, record_id, {"raw": good})
    assert [outcome.stored for outcome in replay(sqlite_workspace, [record_id])] == [True]
    assert len(rows(sqlite_workspace, "ais_positions")) == 1


def test_reingest_adds_nothing(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path / "twice.nmea", [position(0), *voyage_parts(), "garbage"])
    first = ingest_file(sqlite_workspace, path, "nmea")
    again = ingest_file(sqlite_workspace, path, "nmea")
    assert (first.rows_stored, first.rows_quarantined) == (2, 1)
    assert again.already_ingested
    assert len(rows(sqlite_workspace, "ais_positions")) == 1


def test_scan_and_help(tmp_path: Path) -> None:
    path = write(tmp_path / "scan.nmea", [position(0), position(8 * 3600)])
    out = tmp_path / "alerts.jsonl"
    runner = CliRunner()
    result = runner.invoke(app, ["scan", str(path), "--format", "nmea", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ais_gap" in out.read_text(encoding="utf-8")  # 8 h of silence: one AIS gap
    help_text = runner.invoke(app, ["ingest", "--help"], terminal_width=200).output
    assert "nmea" in help_text and "dma" in help_text


def test_a_crashed_ingest_resumes_without_loss_or_double(
    sqlite_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records complete out of line order (interleaved parts): resume counts records."""
    lines: list[str] = []
    for index in range(6):
        first, second = voyage_parts(seq_id=index % 10)
        lines += [tagged(first, T0 + index), position(10 * index), second, "garbage"]
    path = write(tmp_path / "crash.nmea", lines)
    calls: list[int] = []

    def crash_on_second_batch(conn: sa.Connection, items: Any) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed between part and commit")
        return put_entities(conn, items)

    monkeypatch.setenv("FILET_INGEST_BATCH_ROWS", "5")
    monkeypatch.setattr(pipeline, "put_entities", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        ingest_file(sqlite_workspace, path, "nmea")
    monkeypatch.setenv("FILET_INGEST_BATCH_ROWS", "4")
    report = ingest_file(sqlite_workspace, path, "nmea")
    assert (report.resumed_after, report.rows_stored, report.rows_quarantined) == (5, 12, 6)
    assert [row["source_line"] for row in rows(sqlite_workspace, "ais_positions")] == list(
        range(2, 24, 4)
    )
    assert [row["source_line"] for row in rows(sqlite_workspace, "ais_static")] == list(
        range(1, 24, 4)
    )
    assert sorted(quarantined(sqlite_workspace)) == list(range(4, 25, 4))


def test_a_time_written_by_the_logger_around_the_sentence() -> None:
    """Feeds that write their own time before or after the sentence (pyais #17, #139)."""
    sentence = sentences({"type": 1, "mmsi": MMSI, "lat": 43.3, "lon": 5.3})[0]
    lines = [
        f"{T0 + 60} {sentence}",
        f"{sentence},{T0 + 120}.5",
        f"2024-03-01T00:03:00+01:00;{sentence}",
        f"{tagged(sentence, T0)} 1999-01-01T00:00:00",  # the tag block wins
        f"hier {sentence}",
    ]
    records = list(nmea_records(lines))
    assert [record.fields["ts"] if record.fields else None for record in records] == [
        "2024-03-01T00:01:00+00:00",
        "2024-03-01T00:02:00.500000+00:00",
        "2024-02-29T23:03:00+00:00",
        "2024-03-01T00:00:00+00:00",
        None,
    ]
    problem = records[-1].problem
    assert problem is not None and problem.field == "ts" and "'hier'" in problem.reason

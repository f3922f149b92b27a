"""The pyais test files (M0r13n/pyais @38afd74 ``tests/``, MIT): every line accounted for.

Counts are pyais's own, computed here: a message pyais decodes is stored, or
quarantined for a reason other than decoding (no receiver time, a type Filet does not
store, a checksum pyais does not check); every other line is quarantined as
undecodable. pyais skips incomplete multi-part messages silently: here they are
quarantined part by part.
"""

from __future__ import annotations

from collections import Counter
from functools import reduce
from pathlib import Path

import pyarrow.dataset as ds
import pytest
import sqlalchemy as sa
from pyais.stream import FileReaderStream

from filet.ingest import ingest_file
from filet.ingest.ais_fields import NOISE, POSITION_TYPES
from filet.ingest.nmea import nmea_records
from filet.ingest.records import WHOLE_RECORD
from filet.store import Workspace
from filet.store.tables import quarantine

SAMPLES = ("ais/pyais-nmea/nmea_data_sample.txt", "ais/pyais-nmea/mixed.txt")
NOT_DECODING = {"ts", "msg_type", "tag_block", "checksum"}
DECODING = {WHOLE_RECORD, "part"}


def pyais_messages(path: Path) -> tuple[list[object], int]:
    """The messages pyais decodes from ``path``, and how many it fails to decode."""
    decoded, failed = [], 0
    for message in FileReaderStream(str(path)):
        try:
            decoded.append(message.decode())
        except Exception:  # counting pyais's failures, whatever they are
            failed += 1
    return decoded, failed


def content_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def quarantined_fields(ws: Workspace) -> list[tuple[str, str]]:
    with ws.db.connect() as conn:
        found = conn.execute(sa.select(quarantine.c.field, quarantine.c.raw))
        return [(field, raw) for field, raw in found]


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_line_is_stored_or_quarantined(
    sqlite_workspace: Workspace, shared_data: Path, sample: str
) -> None:
    path = shared_data / sample
    decoded, failed = pyais_messages(path)
    report = ingest_file(sqlite_workspace, path, "nmea")
    rejected = quarantined_fields(sqlite_workspace)
    assert report.rows_quarantined == len(rejected)
    not_decoding = sum(field in NOT_DECODING for field, _ in rejected)
    assert report.rows_stored + not_decoding == len(decoded)
    assert {field for field, _ in rejected} <= NOT_DECODING | DECODING
    undecodable = [raw for field, raw in rejected if field in DECODING]
    assert len(undecodable) >= failed
    with path.open(encoding="utf-8") as handle:
        records = list(nmea_records(handle))
    assert sum(record.raw.count("\n") + 1 for record in records) == len(content_lines(path))
    assert report.rows_read == len(records) == report.rows_stored + report.rows_quarantined


def test_data_sample_matches_the_published_counts(
    sqlite_workspace: Workspace, shared_data: Path
) -> None:
    """``maritime.md``: 898 lines, 778 decode, 100 fail; 20 first parts have no second."""
    path = shared_data / SAMPLES[0]
    decoded, failed = pyais_messages(path)
    lines = content_lines(path)
    report = ingest_file(sqlite_workspace, path, "nmea")
    fields = Counter(field for field, _ in quarantined_fields(sqlite_workspace))
    assert report.rows_read == len(lines)  # only single-line records: no part was completed
    assert fields[WHOLE_RECORD] == failed
    assert fields["part"] == len(lines) - len(decoded) - failed
    assert report.rows_stored + fields["ts"] + fields["msg_type"] == len(decoded)


def tag(line: str, seconds: int) -> str:
    body = f"c:{seconds}"
    checksum = reduce(lambda acc, char: acc ^ ord(char), body, 0)
    return f"\\{body}*{checksum:02X}\\{line}"


def test_with_receiver_times_every_decoded_position_is_stored(
    sqlite_workspace: Workspace, shared_data: Path, tmp_path: Path
) -> None:
    """The data sample with a tag block on each line: positions as pyais decodes them."""
    source = (shared_data / SAMPLES[0]).read_text(encoding="utf-8").splitlines()
    path = tmp_path / "tagged.nmea"
    start = 1_503_079_517  # the tag block example of the NMEA 4.10 standard
    path.write_text("".join(tag(line, start + i) + "\n" for i, line in enumerate(source)))
    decoded, _ = pyais_messages(path)
    expected = [
        (f"{m.mmsi:09d}", m.lat, m.lon)  # type: ignore[attr-defined]
        for m in decoded
        if m.msg_type in POSITION_TYPES  # type: ignore[attr-defined]
        and m.lat != NOISE.unavailable_lat  # type: ignore[attr-defined]
        and m.lon != NOISE.unavailable_lon  # type: ignore[attr-defined]
    ]
    ingest_file(sqlite_workspace, path, "nmea")
    folder = sqlite_workspace.events.folder("ais_positions")
    stored = ds.dataset(folder, format="parquet").to_table().to_pylist()
    assert Counter((row["mmsi"], row["lat"], row["lon"]) for row in stored) == Counter(expected)
    assert {field for field, _ in quarantined_fields(sqlite_workspace)} == DECODING | {"msg_type"}

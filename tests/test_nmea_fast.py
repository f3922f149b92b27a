"""The vectorized AIS decoder gives exactly the records pyais gives, and is used.

Every comparison reads the same lines twice with ``nmea_records``, once through the
fast path and once through pyais alone (``fast=False``), and requires the same records:
line, raw text, every field, every problem. How many records the fast path holds as
columns is counted too (``held``), so that a test cannot pass by sending everything
to pyais; and the columns themselves must be the records' fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais.encode import encode_dict

from filet.ingest.blocks import RecordBlock
from filet.ingest.nmea import nmea_items, nmea_records
from filet.ingest.records import SourceRecord
from nmea_support import T0, feeds, message_bits, sentences, tagged

# M0r13n/pyais @38afd74 tests/ (MIT): raw NMEA with about a hundred undecodable lines.
SAMPLES = ("ais/pyais-nmea/nmea_data_sample.txt", "ais/pyais-nmea/mixed.txt")


def record_key(record: SourceRecord) -> tuple[Any, ...]:
    problem = record.problem
    return (record.line, record.raw, record.fields, problem and (problem.field, problem.reason))


def compare(lines: list[str]) -> tuple[list[SourceRecord], int]:
    """The fast path's records, checked equal to pyais's, and how many it held as
    columns; each column value is checked against its record's field."""
    fast = list(nmea_records(lines))
    assert [record_key(r) for r in fast] == [record_key(r) for r in nmea_records(lines, False)]
    held = 0
    for item in nmea_items(lines):
        if isinstance(item, RecordBlock):
            held += item.table.num_rows
            for row, values in enumerate(item.table.to_pylist()):
                assert_same_fields(values, item.row_record(row).fields or {})
    return fast, held


def assert_same_fields(columns: dict[str, Any], fields: dict[str, Any]) -> None:
    """A table row holds its record's fields: null where the record has none, the
    instant its ISO 8601 text names for a time."""
    assert set(fields) <= set(columns)
    for name, value in columns.items():
        expected = fields.get(name)
        if isinstance(value, datetime):
            assert expected is not None and value == datetime.fromisoformat(expected), name
        else:
            assert value == expected, name


def variants(lines: list[str]) -> Iterator[tuple[str, list[str]]]:
    """The lines as they are, behind tag blocks, and after a logger's UNIX seconds."""
    yield "plain", lines
    yield (
        "tag block",
        [tagged(line, T0 + i) if line.strip() else line for i, line in enumerate(lines)],
    )
    yield "logger", [f"{T0 + i} {line}" if line.strip() else line for i, line in enumerate(lines)]


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_message_of_the_shared_samples(shared_data: Path, sample: str) -> None:
    lines = (shared_data / sample).read_text(encoding="utf-8").splitlines()
    for name, variant in variants(lines):
        records, held = compare(variant)
        stored = sum(record.problem is None for record in records)
        # With a time, nearly every stored message is held as columns (short type 24
        # parts are pyais's); without one, positions are quarantined.
        if name != "plain":
            assert held >= 0.9 * stored > 0, name


def test_the_data_sample_counts(shared_data: Path) -> None:
    """``maritime.md``: 898 lines, of which 778 decode; with a tag block, the 764
    positions and static reports of the stored types are all held as columns, the 36
    with a noise value cleaned (``ais_noise``)."""
    lines = (shared_data / SAMPLES[0]).read_text(encoding="utf-8").splitlines()
    records, held = compare([tagged(line, T0 + i) for i, line in enumerate(lines)])
    assert len(records) == 898
    stored = [record for record in records if record.problem is None]
    assert len(stored) == 764
    assert held == 764
    assert sum("cleaned" in (record.fields or {}) for record in stored) == 36
    assert {record.fields["msg_type"] for record in stored if record.fields} == {1, 3, 18, 24}


def encoded(fields: dict[str, Any], seq_id: int = 0) -> list[str]:
    lines: list[str] = encode_dict(
        fields | {"msg_type": fields["type"]}, talker_id="AI", radio_channel="B", seq_id=seq_id
    )
    return lines


MMSI = 227006760


@pytest.mark.parametrize(
    ("fields", "columns"),
    [
        ({"type": 1, "mmsi": MMSI, "lat": 91.0, "lon": 181.0, "speed": 102.3, "course": 360.0}, 1),
        ({"type": 2, "mmsi": MMSI, "lat": -33.9, "lon": -70.7, "speed": 51.2, "course": 359.9}, 1),
        ({"type": 3, "mmsi": MMSI, "lat": 43.3, "lon": 5.3, "speed": 63.0, "course": 409.5}, 1),
        ({"type": 18, "mmsi": 1, "lat": -90.0, "lon": -180.0, "speed": 51.25, "course": 0.0}, 1),
        ({"type": 18, "mmsi": 1, "lat": -90.0, "lon": -180.0, "speed": 51.3, "course": 0.0}, 1),
        ({"type": 19, "mmsi": MMSI, "lat": 43.3, "lon": 5.3, "shipname": "@@ MAR@CARIBE @",
          "ship_type": 26}, 1),
        ({"type": 19, "mmsi": MMSI, "lat": 91.0, "lon": 5.3, "shipname": "", "ship_type": 1}, 1),
        ({"type": 5, "mmsi": MMSI, "imo": 9319466, "shipname": "NAVIRE TEST", "callsign": "FABC",
          "ship_type": 70, "destination": "MARSEILLE", "draught": 7.5}, 1),
        ({"type": 5, "mmsi": MMSI, "imo": 9319467, "shipname": "@", "ship_type": 100,
          "draught": 0}, 0),
        ({"type": 24, "mmsi": MMSI, "partno": 0, "shipname": " ESPERANZA  "}, 1),
        ({"type": 24, "mmsi": MMSI, "partno": 1, "callsign": "F@ABC", "ship_type": 31}, 1),
        ({"type": 24, "mmsi": 981234567, "partno": 1, "callsign": "TENDER", "ship_type": 0,
          "mothership_mmsi": MMSI}, 1),
    ],
)  # fmt: skip
def test_known_noise_text_and_identifiers(fields: dict[str, Any], columns: int) -> None:
    """Noise values are held as columns with what was cleaned and why, as are text with
    ``@`` padding and auxiliary craft; an IMO number with a wrong check digit makes a
    record."""
    lines = [tagged(sentence, T0) for sentence in encoded(fields)]
    [record], held = compare(lines)
    assert record.fields is not None and record.fields["msg_type"] == fields["type"]
    assert held == columns


def test_parts_interleaved_superseded_and_mixed_with_pyais() -> None:
    """Type 5 parts reassemble as pyais groups them; a part pyais must frame (a time
    after the sentence) sends its whole message to pyais, with the same record."""
    first, second = encoded({"type": 5, "mmsi": MMSI, "shipname": "UN"}, seq_id=3)
    other_first, other_second = encoded({"type": 5, "mmsi": MMSI + 1, "shipname": "DEUX"}, 4)
    position = encoded({"type": 1, "mmsi": MMSI, "lat": 43.0, "lon": 5.0})[0]
    lines = [
        tagged(first, T0),
        other_first,
        tagged(position, T0 + 1),
        second,
        f"{other_second},{T0 + 2}",  # framed by pyais only
        first,
        first,  # supersedes the previous first part
        second,
        other_second,  # out of sequence: its first part is gone
    ]
    records, held = compare(lines)
    assert [record.line for record in records] == [3, 1, 2, 6, 7, 9]
    assert held == 3  # the position and two of the three type 5 messages


def test_a_message_split_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A type 5 whose parts fall in two chunks of lines is held in the second."""
    monkeypatch.setattr("filet.ingest.nmea.CHUNK_LINES", 3)
    first, second = encoded({"type": 5, "mmsi": MMSI, "shipname": "UN"}, seq_id=1)
    position = tagged(encoded({"type": 1, "mmsi": MMSI, "lat": 43.0, "lon": 5.0})[0], T0)
    records, held = compare(["", position, tagged(first, T0), second, "# fin", position])
    assert [record.line for record in records] == [2, 3, 6]
    assert held == 3


@settings(max_examples=300, deadline=None)
@given(st.lists(message_bits(), min_size=1, max_size=6), st.booleans())
def test_random_payloads_decode_as_pyais_decodes_them(bit_strings: list[str], tag: bool) -> None:
    lines = [
        tagged(sentence, T0 + index) if tag else sentence
        for index, bits in enumerate(bit_strings)
        for sentence in sentences(bits, seq_id=index % 10)
    ]
    records, held = compare(lines)
    assert len(records) == len(bit_strings)
    assert all(record.fields is not None for record in records)
    # Every message is held but those with a wrong IMO, the positions only with a time.
    kept = [record for record in records if "imo=" not in (record.fields or {}).get("cleaned", "")]
    assert held == sum(tag or record.problem is None for record in kept)


@settings(max_examples=200, deadline=None)
@given(feeds())
def test_random_feeds_read_as_pyais_reads_them(lines: list[str]) -> None:
    """Any mix of messages, times and broken lines: the same records in the same order."""
    compare(lines)

"""The vectorized AIS decoder gives exactly the records pyais gives, and is used.

Every comparison runs ``nmea_records`` twice on the same lines, once through the fast
path and once through pyais alone (``fast=False``), and requires the same records:
line, raw text, every field, every problem. The fast decoder is also counted, so that
a test cannot pass by sending everything to pyais.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import reduce
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais.encode import encode_dict

from filet.ingest import nmea_fast
from filet.ingest.nmea import nmea_records
from filet.ingest.records import SourceRecord

# M0r13n/pyais @38afd74 tests/ (MIT): raw NMEA with about a hundred undecodable lines.
SAMPLES = ("ais/pyais-nmea/nmea_data_sample.txt", "ais/pyais-nmea/mixed.txt")
T0 = 1_709_251_200  # 2024-03-01T00:00:00Z
# Bits per message as transmitted (ITU-R M.1371-5): the lengths the fast path decodes.
LENGTHS = {1: 168, 2: 168, 3: 168, 18: 168, 19: 312, 5: 424}


def record_key(record: SourceRecord) -> tuple[Any, ...]:
    problem = record.problem
    return (record.line, record.raw, record.fields, problem and (problem.field, problem.reason))


@pytest.fixture
def fast_decoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many messages the fast decoder decoded (not handed back to pyais), in total."""
    count = [0]
    decode = nmea_fast.Batch.decode

    def counting(batch: nmea_fast.Batch) -> list[dict[str, Any] | None]:
        results = decode(batch)
        count[0] += sum(fields is not None for fields in results)
        return results

    monkeypatch.setattr(nmea_fast.Batch, "decode", counting)
    return count


def compare(lines: list[str]) -> list[SourceRecord]:
    """The fast path's records, checked equal to pyais's; returns them."""
    fast = list(nmea_records(lines))
    assert [record_key(r) for r in fast] == [record_key(r) for r in nmea_records(lines, False)]
    return fast


def checksum(text: str) -> str:
    return f"{reduce(lambda acc, char: acc ^ ord(char), text, 0):02X}"


def tagged(sentence: str, seconds: int) -> str:
    body = f"c:{seconds}"
    return f"\\{body}*{checksum(body)}\\{sentence}"


def variants(lines: list[str]) -> Iterator[tuple[str, list[str]]]:
    """The lines as they are, behind tag blocks, and after a logger's UNIX seconds."""
    yield "plain", lines
    yield (
        "tag block",
        [tagged(line, T0 + i) if line.strip() else line for i, line in enumerate(lines)],
    )
    yield "logger", [f"{T0 + i} {line}" if line.strip() else line for i, line in enumerate(lines)]


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_message_of_the_shared_samples(
    shared_data: Path, sample: str, fast_decoded: list[int]
) -> None:
    lines = (shared_data / sample).read_text(encoding="utf-8").splitlines()
    stored_by_pyais = 0
    for _, variant in variants(lines):
        records = compare(variant)
        stored_by_pyais += sum(record.fields is not None for record in records)
    # Nearly every message pyais decodes is decoded by the fast path (types 4, 15, 20
    # and the like are not stored; short type 24 parts are left to pyais).
    assert fast_decoded[0] >= 0.95 * stored_by_pyais > 0


def test_the_data_sample_counts(shared_data: Path, fast_decoded: list[int]) -> None:
    """``maritime.md``: 898 lines, of which 778 decode; with a tag block, all 762
    positions and static reports of the stored types come through the fast path."""
    lines = (shared_data / SAMPLES[0]).read_text(encoding="utf-8").splitlines()
    records = compare([tagged(line, T0 + i) for i, line in enumerate(lines)])
    assert len(records) == 898
    stored = [record for record in records if record.problem is None]
    assert len(stored) == fast_decoded[0] == 764
    assert {record.fields["msg_type"] for record in stored if record.fields} == {1, 3, 18, 24}


def sentences(fields: dict[str, Any], seq_id: int = 0) -> list[str]:
    encoded: list[str] = encode_dict(
        fields | {"msg_type": fields["type"]}, talker_id="AI", radio_channel="B", seq_id=seq_id
    )
    return encoded


MMSI = 227006760


@pytest.mark.parametrize(
    "fields",
    [
        {"type": 1, "mmsi": MMSI, "lat": 91.0, "lon": 181.0, "speed": 102.3, "course": 360.0},
        {"type": 2, "mmsi": MMSI, "lat": -33.9, "lon": -70.7, "speed": 51.2, "course": 359.9},
        {"type": 3, "mmsi": MMSI, "lat": 43.3, "lon": 5.3, "speed": 63.0, "course": 409.5},
        {"type": 18, "mmsi": 1, "lat": -90.0, "lon": -180.0, "speed": 51.25, "course": 0.0},
        {"type": 19, "mmsi": MMSI, "lat": 43.3, "lon": 5.3, "shipname": "@@ MAR@CARIBE @",
         "ship_type": 26},
        {"type": 19, "mmsi": MMSI, "lat": 91.0, "lon": 5.3, "shipname": "", "ship_type": 1},
        {"type": 5, "mmsi": MMSI, "imo": 9319466, "shipname": "NAVIRE TEST", "callsign": "FABC",
         "ship_type": 70, "destination": "MARSEILLE", "draught": 7.5},
        {"type": 5, "mmsi": MMSI, "imo": 9319467, "shipname": "@", "ship_type": 100, "draught": 0},
        {"type": 24, "mmsi": MMSI, "partno": 0, "shipname": " ESPERANZA  "},
        {"type": 24, "mmsi": MMSI, "partno": 1, "callsign": "F@ABC", "ship_type": 31},
        {"type": 24, "mmsi": 981234567, "partno": 1, "callsign": "TENDER", "ship_type": 0,
         "mothership_mmsi": MMSI},
    ],
)  # fmt: skip
def test_known_noise_text_and_identifiers(fields: dict[str, Any], fast_decoded: list[int]) -> None:
    lines = [tagged(sentence, T0) for sentence in sentences(fields)]
    [record] = compare(lines)
    assert fast_decoded[0] == 1
    assert record.fields is not None and record.fields["msg_type"] == fields["type"]


def test_parts_interleaved_superseded_and_mixed_with_pyais(fast_decoded: list[int]) -> None:
    """Type 5 parts reassemble as pyais groups them; a part pyais must frame (a time
    after the sentence) sends its whole message to pyais, with the same record."""
    first, second = sentences({"type": 5, "mmsi": MMSI, "shipname": "UN"}, seq_id=3)
    other_first, other_second = sentences({"type": 5, "mmsi": MMSI + 1, "shipname": "DEUX"}, 4)
    position = sentences({"type": 1, "mmsi": MMSI, "lat": 43.0, "lon": 5.0})[0]
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
    records = compare(lines)
    assert [record.line for record in records] == [3, 1, 2, 6, 7, 9]
    assert fast_decoded[0] == 3  # the position and two of the three type 5 messages


def armoured(bits: str) -> tuple[str, int]:
    """Bits as the 6-bit ASCII armour of an AIS payload, with the fill bits added."""
    fill = -len(bits) % 6
    padded = bits + "0" * fill
    values = [int(padded[i : i + 6], 2) for i in range(0, len(padded), 6)]
    return "".join(chr(v + 48 if v < 40 else v + 56) for v in values), fill


def message(kind: int, part: int) -> st.SearchStrategy[str]:
    """Random bits of a whole message of ``kind``: its type first, the part number of a
    type 24 in bits 38-39, everything else at random."""
    length = LENGTHS.get(kind, 160 if part == 0 else 168)

    def bits(number: int) -> str:
        rest = f"{number:0{length - 6}b}"
        if kind == 24:
            rest = rest[:32] + f"{part:02b}" + rest[34:]
        return f"{kind:06b}" + rest

    return st.integers(0, 2 ** (length - 6) - 1).map(bits)


KINDS = st.sampled_from([(1, 0), (2, 0), (3, 0), (18, 0), (19, 0), (5, 0), (24, 0), (24, 1)])


@settings(max_examples=300, deadline=None)
@given(st.lists(KINDS.flatmap(lambda key: message(*key)), min_size=1, max_size=6), st.booleans())
def test_random_payloads_decode_as_pyais_decodes_them(bit_strings: list[str], tag: bool) -> None:
    lines: list[str] = []
    for index, bits in enumerate(bit_strings):
        payload, fill = armoured(bits)
        chunks = [payload[i : i + 60] for i in range(0, len(payload), 60)]
        for number, chunk in enumerate(chunks, start=1):
            body = (
                f"AIVDM,{len(chunks)},{number},{index % 10 if len(chunks) > 1 else ''},A,{chunk},"
            )
            body += f"{fill if number == len(chunks) else 0}"
            sentence = f"!{body}*{checksum(body)}"
            lines.append(tagged(sentence, T0 + index) if tag else sentence)
    records = compare(lines)
    assert len(records) == len(bit_strings)
    assert all(record.fields is not None for record in records)
    assert None not in nmea_fast.frame(lines)  # framed by the fast path...
    batch = nmea_fast.Batch()
    for bits in bit_strings:
        batch.add(*armoured(bits), None)
    assert None not in batch.decode()  # ... and decoded by it

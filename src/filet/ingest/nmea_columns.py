"""The decoded AIS messages as an Arrow table: each record field a column, no dict per line.

A row holds what ``Messages.fields`` gives for its message, typed as the mapping reads
it (``filet.ingest.blocks``): the MMSI and IMO as zero-padded text, the receiver time
as a UTC timestamp, a value ``message_fields`` cleans (latitude 91, speed 102.3 kn …)
null, with ``cleaned`` and ``cleaned_reason`` saying what went and why, written by
``message_fields`` itself once for each distinct set of noise values. Text is made
without a Python string per row: the 6-bit characters are one buffer, trimmed by Arrow.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from filet.ingest.ais_fields import NOISE, STATIC_TYPES, message_fields
from filet.ingest.nmea_fast import ENUM_TYPES, Decoded, Messages, ship_type_code
from filet.ingest.nmea_framing import NO_TIME

_UTC_MICROSECONDS = pa.timestamp("us", tz="UTC")
_KEPT = -1.0  # in ``_cleaned_columns``, a value not cleaned: no noise value is negative
_CLEAN = 0.0  # a latitude, longitude, speed and course that are not noise

# The columns of ``table``: the record fields, null where a record has none.
SCHEMA = pa.schema(
    [
        ("msg_type", pa.int64()),
        ("mmsi", pa.string()),
        ("ts", _UTC_MICROSECONDS),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("sog", pa.float64()),
        ("cog", pa.float64()),
        ("name", pa.string()),
        ("callsign", pa.string()),
        ("destination", pa.string()),
        ("draught", pa.float64()),
        ("ship_type", pa.string()),
        ("imo", pa.string()),
        ("static_ts", _UTC_MICROSECONDS),
        ("cleaned", pa.string()),
        ("cleaned_reason", pa.string()),
    ]
)


# ``message_fields``'s text for each ship type code, through pyais's enum or not.
_SHIP_TYPES = {
    enum: pa.array(
        [message_fields(Decoded(kind, 0, ship_type=ship_type_code(kind, code)), None)["ship_type"]
         for code in range(256)],
        pa.string(),
    )
    for enum, kind in ((True, 5), (False, 24))
}  # fmt: skip


def table(messages: Messages, rows: NDArray[np.int64], seconds: NDArray[np.int64]) -> pa.Table:
    """The records of these ``plain`` messages received at ``seconds`` (or NO_TIME),
    as columns: ``SCHEMA``."""
    kind = messages.kind[rows]
    position = ~messages.position[rows]
    noise = _noise(messages, rows)
    instants, untimed = seconds[rows] * 1_000_000, seconds[rows] == NO_TIME
    static = np.isin(kind, list(STATIC_TYPES))
    number, draught = messages.numbers["imo"][rows], messages.numbers["draught"][rows]
    typed = messages.has["ship_type"][rows]
    ship_types = messages.numbers["ship_type"][rows[typed]]
    enum = np.isin(kind[typed], list(ENUM_TYPES))
    ship_type = pc.if_else(
        pa.array(enum), _SHIP_TYPES[True].take(ship_types), _SHIP_TYPES[False].take(ship_types)
    )
    numbered = messages.has["imo"][rows] & (number != 0)
    columns = {
        "msg_type": pa.array(kind),
        "mmsi": _digits(messages.mmsi[rows], 9),
        "ts": pa.array(instants, _UTC_MICROSECONDS, mask=untimed),
        "lat": pa.array(messages.lat[rows], mask=position | noise[0]),
        "lon": pa.array(messages.lon[rows], mask=position | noise[1]),
        "sog": pa.array(messages.speed[rows], mask=position | noise[2]),
        "cog": pa.array(messages.course[rows], mask=position | noise[3]),
        "name": _text(messages, "shipname", rows),
        "callsign": _text(messages, "callsign", rows),
        "destination": _text(messages, "destination", rows),
        "draught": pa.array(draught / 10.0, mask=~messages.has["draught"][rows] | (draught == 0)),
        "ship_type": _spread(typed, ship_type),
        "imo": _spread(numbered, _digits(number[numbered], 7)),
        "static_ts": pa.array(instants, _UTC_MICROSECONDS, mask=untimed | ~static),
        **_cleaned_columns(messages, rows, noise),
    }
    return pa.table(columns, schema=SCHEMA)


def _noise(messages: Messages, rows: NDArray[np.int64]) -> NDArray[np.bool_]:
    """(4, rows): which of latitude, longitude, speed and course ``message_fields``
    cleans, by its own tests on the same floats."""
    lat, lon = messages.lat[rows], messages.lon[rows]
    speed, course = messages.speed[rows], messages.course[rows]
    noisy_speed = np.zeros(len(rows), dtype=np.bool_)
    for value in NOISE.noise_speeds_knots:
        noisy_speed |= np.abs(speed - value) <= NOISE.speed_tolerance_knots
    noise = np.stack(
        (
            np.abs(lat - NOISE.unavailable_lat) < 1e-6,
            np.abs(lon - NOISE.unavailable_lon) < 1e-6,
            noisy_speed,
            course >= NOISE.unavailable_course_degrees,
        ),
    )
    return noise & messages.position[rows]


def _cleaned_columns(
    messages: Messages, rows: NDArray[np.int64], noise: NDArray[np.bool_]
) -> dict[str, pa.Array]:
    """``cleaned`` and ``cleaned_reason``, written by ``message_fields`` once for each
    distinct set of values it cleans."""
    noisy = noise[0] | noise[1] | noise[2] | noise[3]
    chosen = rows[noisy]
    values = np.stack(
        (
            messages.lat[chosen],
            messages.lon[chosen],
            messages.speed[chosen],
            messages.course[chosen],
        ),
        1,
    )
    texts = [_cleaned(*kind) for kind in np.where(noise[:, noisy].T, values, _KEPT).tolist()]
    return {
        name: _spread(noisy, pa.array([text[at] for text in texts], pa.string()))
        for at, name in enumerate(("cleaned", "cleaned_reason"))
    }


def _text(messages: Messages, name: str, rows: NDArray[np.int64]) -> pa.Array:
    """``message_fields``'s text: ``@`` read as a space, trimmed, empty as null."""
    carried = messages.has[name][rows]
    characters = messages.texts[name][rows[carried]]
    characters = np.where(characters == ord("@"), ord(" "), characters).astype(np.uint8)
    width = characters.shape[1]
    offsets = np.arange(0, (len(characters) + 1) * width, width, dtype=np.int32)
    text = pa.StringArray.from_buffers(
        len(characters), pa.py_buffer(offsets), pa.py_buffer(characters.tobytes())
    )
    trimmed = pc.utf8_trim(text, " ")
    filled = np.asarray(pc.utf8_length(trimmed).to_numpy() > 0, dtype=np.bool_)
    carried[carried] = filled
    return _spread(carried, trimmed.filter(pa.array(filled)))


@lru_cache(maxsize=4096)
def _cleaned(lat: float, lon: float, speed: float, course: float) -> tuple[str, str]:
    """What ``message_fields`` cleans from a position and why; ``_KEPT`` for a value it
    keeps. Noise values are few: each is written once."""
    lat, lon, speed, course = (
        _CLEAN if value == _KEPT else value for value in (lat, lon, speed, course)
    )
    fields = message_fields(Decoded(1, 0, lat, lon, speed, course), None)
    return fields["cleaned"], fields["cleaned_reason"]


def _spread(mask: NDArray[np.bool_], text: pa.Array) -> pa.Array:
    """``text`` in order where ``mask`` holds, null elsewhere, without copying it: each
    row's offsets into the same characters."""
    valid = mask.copy()
    valid[mask] = np.asarray(pc.is_valid(text).to_numpy(zero_copy_only=False), dtype=np.bool_)
    offsets = np.frombuffer(text.buffers()[1], np.int32, len(text) + 1, 4 * text.offset)
    return pa.StringArray.from_buffers(
        len(mask),
        pa.py_buffer(offsets[np.concatenate(([0], np.cumsum(mask)))]),
        text.buffers()[2] or pa.py_buffer(b""),
        pa.py_buffer(np.packbits(valid, bitorder="little")),
    )


def _digits(numbers: NDArray[np.int64], width: int) -> pa.Array:
    """Numbers as decimal text of at least ``width`` digits, zeros in front."""
    return pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0")

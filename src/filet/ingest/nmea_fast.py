"""Vectorized decoding of the AIS messages that make most of a feed, identical to pyais.

Position reports (types 1, 2, 3, 18, 19) and static data (types 5, 19, 24 parts A and B)
are nearly all of the traffic a receiver logs. Decoding them one by one through pyais
costs microseconds each in Python; here the messages of a chunk are decoded at once
with numpy, into columns: the 6-bit values of all the messages of a type gathered into
one array, each field a few shifts of its columns, with no Python object per message
(``filet.ingest.nmea_columns`` makes them an Arrow table).

Each message's record (``Messages.fields``) is the one pyais gives once
``filet.ingest.ais_fields.message_fields`` has cleaned it, and the table holds the same
values: same scaling (``to_lat_lon``'s integer rounding, tenths of knots and degrees),
same "not available" values, same 6-bit text trimming. A message too short for its
fields, of another type, or a part number other than 0 or 1 is not ``decoded``, and
``filet.ingest.nmea`` hands it to pyais unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pyais.constants import ShipType

from filet.ingest.ais_fields import POSITION_TYPES, message_fields
from filet.ingest.nmea_framing import NO_TIME, Frames
from filet.model.identifiers import imo

# The character of each 6-bit text value: ``@`` (0), ``A``-``Z``, then ASCII 32-63.
_SIXBIT_TEXT = np.array([v + 64 if v < 32 else v for v in range(64)], dtype=np.uint8)
_TEXT_WIDTHS = {"shipname": 20, "callsign": 7, "destination": 20}
_NUMBERS = ("imo", "ship_type", "draught")


@dataclass(frozen=True)
class _Layout:
    """Where a message type keeps the fields the ingest stores (ITU-R M.1371-5 tables).

    Offsets are in bits from the start of the message; ``bits`` is the length the
    message must have at least for every one of them to be whole, as pyais then reads
    them in full.
    """

    bits: int
    speed: int | None = None  # 10 bits, tenths of a knot
    lon: int | None = None  # 28 bits signed, 1/10,000 min; lat follows, 27 bits
    course: int | None = None  # 12 bits, tenths of a degree
    texts: tuple[tuple[str, int], ...] = ()  # (attribute, offset), widths in _TEXT_WIDTHS
    numbers: tuple[tuple[str, int, int], ...] = ()  # (attribute, offset, width)


_CLASS_A = _Layout(128, speed=50, lon=61, course=116)
_LAYOUTS: dict[tuple[int, int], _Layout] = {
    (1, 0): _CLASS_A,
    (2, 0): _CLASS_A,
    (3, 0): _CLASS_A,
    (18, 0): _Layout(124, speed=46, lon=57, course=112),
    (19, 0): _Layout(
        271, speed=46, lon=57, course=112, texts=(("shipname", 143),),
        numbers=(("ship_type", 263, 8),),
    ),
    (5, 0): _Layout(
        422,
        texts=(("callsign", 70), ("shipname", 112), ("destination", 302)),
        numbers=(("imo", 40, 30), ("ship_type", 232, 8), ("draught", 294, 8)),
    ),
    (24, 0): _Layout(160, texts=(("shipname", 40),)),
    (24, 1): _Layout(132, texts=(("callsign", 90),), numbers=(("ship_type", 40, 8),)),
}  # fmt: skip
_LONGEST = max(-(-layout.bits // 6) for layout in _LAYOUTS.values())
# pyais converts these through enums whose fallback can change the value (ShipType 1 -> 0).
ENUM_TYPES = frozenset({5, 19})


@dataclass(slots=True)
class Decoded:
    """A decoded message with pyais's attribute names, for ``message_fields``."""

    msg_type: int
    mmsi: int
    lat: float | None = None
    lon: float | None = None
    speed: float | None = None
    course: float | None = None
    shipname: str | None = None
    callsign: str | None = None
    destination: str | None = None
    draught: float | None = None
    ship_type: Any = None
    imo: int | None = None


def ship_type_code(kind: int, code: int) -> Any:
    """The ship type as pyais gives it: through its enum for types 5 and 19."""
    return ShipType.from_value(code) if kind in ENUM_TYPES else code


@dataclass
class Messages:
    """Messages decoded together, as columns; a message not ``decoded`` is pyais's."""

    kind: NDArray[np.int64]
    decoded: NDArray[np.bool_]
    mmsi: NDArray[np.int64]
    position: NDArray[np.bool_]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    speed: NDArray[np.float64]
    course: NDArray[np.float64]
    texts: dict[str, NDArray[np.uint8]]  # (messages, characters), "@" kept
    numbers: dict[str, NDArray[np.int64]]
    has: dict[str, NDArray[np.bool_]]  # which messages carry each text and number

    @classmethod
    def decode(
        cls,
        data: NDArray[np.uint8],
        starts: NDArray[np.int64],
        lengths: NDArray[np.int64],
        fills: NDArray[np.int64],
    ) -> Messages:
        """The messages whose armoured payloads start at ``starts`` in ``data`` (padded
        with at least ``_LONGEST`` bytes), ``lengths`` characters long."""
        count = len(starts)
        usable = lengths * 6 - fills
        kinds = _armour(data[starts])
        parts = np.where(kinds == 24, (_armour(data[starts + 6]) >> 2) & 3, 0)
        empty = np.zeros(count, dtype=np.bool_)
        nan = np.full(count, np.nan)
        found = cls(
            kinds, empty.copy(), np.zeros(count, dtype=np.int64), empty.copy(),
            nan.copy(), nan.copy(), nan.copy(), nan.copy(),
            {name: np.zeros((count, width), np.uint8) for name, width in _TEXT_WIDTHS.items()},
            {name: np.zeros(count, np.int64) for name in _NUMBERS},
            {name: empty.copy() for name in (*_TEXT_WIDTHS, *_NUMBERS)},
        )  # fmt: skip
        for (kind, part), layout in _LAYOUTS.items():
            # Whole fields only: a message shorter than its layout is pyais's to decode.
            rows = np.flatnonzero((kinds == kind) & (parts == part) & (usable >= layout.bits))
            if len(rows):
                at = starts[rows, None] + np.arange(-(-layout.bits // 6))
                found._fill(rows, layout, _armour(data[at]))
        return found

    def _fill(self, rows: NDArray[np.int64], layout: _Layout, values: NDArray[np.int64]) -> None:
        """Decode the messages ``rows`` of one layout from their 6-bit values."""
        self.decoded[rows] = True
        self.mmsi[rows] = _number(values, 8, 30)
        for name, offset in layout.texts:
            self.texts[name][rows] = _SIXBIT_TEXT[_characters(values, offset, _TEXT_WIDTHS[name])]
            self.has[name][rows] = True
        for name, offset, width in layout.numbers:
            self.numbers[name][rows] = _number(values, offset, width)
            self.has[name][rows] = True
        if layout.lon is None or layout.speed is None or layout.course is None:
            return
        self.position[rows] = True
        # pyais's to_lat_lon: round(v / 600000, 6) as integer arithmetic, exact for |v| < 2**27.
        self.lon[rows] = ((10 * _number(values, layout.lon, 28, signed=True) + 3) // 6) / 1e6
        self.lat[rows] = ((10 * _number(values, layout.lon + 28, 27, signed=True) + 3) // 6) / 1e6
        self.speed[rows] = _number(values, layout.speed, 10) / 10.0
        self.course[rows] = _number(values, layout.course, 12) / 10.0

    def fields(self, row: int, ts: str | None) -> dict[str, Any]:
        """The record of one decoded message, by ``message_fields`` as for pyais's."""
        kind = int(self.kind[row])
        message = Decoded(kind, int(self.mmsi[row]))
        if self.position[row]:
            message.lat, message.lon = float(self.lat[row]), float(self.lon[row])
            message.speed, message.course = float(self.speed[row]), float(self.course[row])
        for name, texts in self.texts.items():
            if self.has[name][row]:
                setattr(message, name, texts[row].tobytes().decode("ascii"))
        numbers = {name: int(values[row]) for name, values in self.numbers.items()}
        if self.has["imo"][row]:
            message.imo = numbers["imo"]
        if self.has["draught"][row]:
            message.draught = numbers["draught"] / 10.0
        if self.has["ship_type"][row]:
            message.ship_type = ship_type_code(kind, numbers["ship_type"])
        return message_fields(message, ts)

    def plain(self, timed: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Messages whose record ``nmea_columns.table`` holds: decoded, no IMO number with a
        wrong check digit, and received at a known time (``timed``) if they are positions."""
        number = self.numbers["imo"]
        given = self.has["imo"] & (number != 0)
        checked = [imo.looks_like(f"{value:07d}") for value in np.unique(number[given]).tolist()]
        valid = np.unique(number[given])[np.asarray(checked, dtype=np.bool_)]
        wrong = given & ~np.isin(number, valid)
        positions = np.isin(self.kind, list(POSITION_TYPES))
        return self.decoded & ~wrong & (timed | ~positions)


@dataclass
class Queue:
    """A chunk's messages to decode together: its one-sentence messages where the chunk
    holds them (indices 0, 1, ... in line order), then the payloads of multi-part
    messages as they complete."""

    frames: Frames
    payloads: list[str] = field(default_factory=list)
    fills: list[int] = field(default_factory=list)
    times: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.singles = np.flatnonzero(self.frames.single)

    def add(self, payload: str, fill_bits: int, ts: str | None) -> int:
        """Queue a reassembled message; returns its index."""
        self.payloads.append(payload)
        self.fills.append(fill_bits)
        self.times.append(NO_TIME if ts is None else int(datetime.fromisoformat(ts).timestamp()))
        return len(self.singles) + len(self.payloads) - 1

    def decode(self) -> tuple[Messages, NDArray[np.int64]]:
        """Every queued message decoded, and the UNIX seconds each was received at."""
        first, lengths, fills = self.frames.payloads
        joined = np.frombuffer("".join(self.payloads).encode("ascii"), dtype=np.uint8)
        data = np.concatenate((self.frames.chunk.bytes, joined, np.zeros(_LONGEST, dtype=np.uint8)))
        added = np.fromiter(map(len, self.payloads), dtype=np.int64, count=len(self.payloads))
        offsets = len(self.frames.chunk.bytes) + np.cumsum(added) - added
        messages = Messages.decode(
            data,
            np.concatenate((first[self.singles], offsets)),
            np.concatenate((lengths[self.singles], added)),
            np.concatenate((fills[self.singles], np.asarray(self.fills, dtype=np.int64))),
        )
        seconds = np.concatenate(
            (self.frames.seconds[self.singles], np.asarray(self.times, dtype=np.int64))
        )
        return messages, seconds


def _armour(data: NDArray[np.uint8]) -> NDArray[np.int64]:
    """The 6-bit value of each armour character, as pyais reads it (``bit_vector``)."""
    value = data - ord("0")
    return np.where(value > 40, value - 8, value).astype(np.int64)


def _number(
    values: NDArray[np.int64], offset: int, width: int, signed: bool = False
) -> NDArray[np.int64]:
    """The ``width``-bit field at bit ``offset`` of each message (rows of 6-bit values)."""
    first, last = offset // 6, (offset + width - 1) // 6
    packed = np.zeros(len(values), dtype=np.int64)
    for column in range(first, last + 1):  # at most 7 columns: 42 bits
        packed = (packed << 6) | values[:, column]
    value: NDArray[np.int64] = (packed >> (6 * (last + 1) - offset - width)) & ((1 << width) - 1)
    if signed:
        value = np.where(value >= 1 << (width - 1), value - (1 << width), value)
    return value


def _characters(values: NDArray[np.int64], offset: int, count: int) -> NDArray[np.int64]:
    """The ``count`` 6-bit characters from bit ``offset`` of each message."""
    first, shift = divmod(offset, 6)
    if not shift:
        return values[:, first : first + count]
    high = values[:, first : first + count] << 6 | values[:, first + 1 : first + count + 1]
    characters: NDArray[np.int64] = (high >> (6 - shift)) & 63
    return characters

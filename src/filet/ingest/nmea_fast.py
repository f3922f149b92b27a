"""Vectorized decoding of the AIS messages that make most of a feed, identical to pyais.

Position reports (types 1, 2, 3, 18, 19) and static data (types 5, 19, 24 parts A and B)
are nearly all of the traffic a receiver logs. Decoding them one by one through pyais
costs tens of microseconds each in Python; here a chunk of sentences is checked and
decoded at once with numpy: checksums by one XOR reduction over the chunk's bytes, bits
unpacked from the 6-bit armour in one array, each field one matrix product.

The output is the record pyais gives once ``filet.ingest.ais_fields.message_fields``
has cleaned it, field for field: same scaling (``to_lat_lon``'s integer rounding, tenths
of knots and degrees), same "not available" values, same 6-bit text trimming. Anything
this module does not recognise exactly (another type, a message too short for its
fields, a part number other than 0 or 1, an odd character, a bad checksum, a timestamp
that is not plain UNIX seconds) is declined, and ``filet.ingest.nmea`` hands it to pyais
unchanged: the fast path never decides what is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pyais.constants import ShipType

from filet.ingest.ais_fields import NOISE, message_fields

_ISO_CACHE_SIZE = 100_000
_MAX_PAYLOAD = 200  # characters, as pyais (MAX_PAYLOAD_LEN)
_SHORTEST = len("!AIVDM,1,1,,,0,0*00")


def _table(values: dict[int, int], default: int) -> NDArray[np.int64]:
    table = np.full(256, default, dtype=np.int64)
    table[list(values)] = list(values.values())
    return table


# The 6-bit value of each armour character: pyais's own table (``bit_vector``).
_ARMOUR = np.array(
    [(c - 56 if c - 48 > 40 else c - 48) if 48 <= c <= 119 else 0 for c in range(256)],
    dtype=np.uint8,
)
# Characters of the 6-bit armour (ITU-R M.1371-5 §8.2.2): "0" to "W", "`" to "w".
_OUTSIDE_ALPHABET = np.array([not (48 <= c <= 87 or 96 <= c <= 119) for c in range(256)])
_HEX_VALUE = _table({ord(c): int(c, 16) for c in "0123456789abcdefABCDEF"}, -1)
_DIGIT_VALUE = _table({ord(c): int(c) for c in "0123456789"}, -1)
_UPPER = np.array([65 <= c <= 90 for c in range(256)])
_ALNUM = np.array([chr(c).isascii() and chr(c).isalnum() for c in range(256)])
# The character of each 6-bit text value: ``@`` (0), ``A``-``Z``, then ASCII 32-63.
_SIXBIT_TEXT = np.array([v + 64 if v < 32 else v for v in range(64)], dtype=np.uint8)
_SIX_WEIGHTS = np.array([32, 16, 8, 4, 2, 1], dtype=np.int64)


@dataclass(slots=True)
class FastSentence:
    """One checked sentence, with the attributes ``filet.ingest.nmea`` groups parts by."""

    talker_id: str
    type: str
    frag_cnt: int
    frag_num: int
    seq_id: int | None
    channel: str
    payload: str
    fill_bits: int

    @property
    def is_single(self) -> bool:
        """As pyais: a sequential message id makes a one-sentence message a group."""
        return not self.seq_id and self.frag_num == self.frag_cnt == 1


Framed = tuple[FastSentence, str | None]


@dataclass
class _Chunk:
    """The chunk's lines as one byte array, with where each line starts and ends."""

    text: str
    bytes: NDArray[np.uint8]  # padded with zeros, so that reads past a line stay in bounds
    starts: NDArray[np.int64]
    ends: NDArray[np.int64]

    @classmethod
    def of(cls, texts: list[str]) -> _Chunk:
        text = "\n".join(texts)
        data = np.frombuffer(text.encode("ascii") + bytes(8), dtype=np.uint8)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = np.zeros(len(texts), dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=starts[1:])
        return cls(text, data, starts, starts + lengths)

    def at(self, positions: NDArray[np.int64]) -> NDArray[np.uint8]:
        """The bytes at these positions; past the end, the last (padding) byte."""
        found: NDArray[np.uint8] = self.bytes.take(positions, mode="clip")
        return found

    def next(self, char: str, positions: NDArray[np.int64]) -> NDArray[np.int64]:
        """Where ``char`` first occurs at or after each position (the padding if nowhere)."""
        found = np.flatnonzero(self.bytes == ord(char))
        index = np.searchsorted(found, positions)
        return np.append(found, len(self.bytes) - 1)[index]

    def counts(
        self, mask: NDArray[np.bool_], begin: NDArray[np.int64], end: NDArray[np.int64]
    ) -> NDArray[np.int64]:
        """How many bytes in each ``[begin, end)`` the mask selects."""
        total = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
        return total[np.maximum(end, begin)] - total[begin]

    def xor(self, begin: NDArray[np.int64], end: NDArray[np.int64]) -> NDArray[np.int64]:
        """The NMEA checksum (XOR of the bytes) of each ``[begin, end)``."""
        running = np.concatenate(([0], np.bitwise_xor.accumulate(self.bytes).astype(np.int64)))
        checksums: NDArray[np.int64] = np.bitwise_xor(running[end], running[begin])
        return checksums

    def hex(self, positions: NDArray[np.int64]) -> NDArray[np.int64]:
        """The two hex digits at each position as a number, -1 where they are not hex."""
        high, low = _HEX_VALUE[self.at(positions)], _HEX_VALUE[self.at(positions + 1)]
        return np.where((high >= 0) & (low >= 0), 16 * high + low, -1)


def frame(raws: list[str]) -> list[Framed | None]:
    """Each line as a checked sentence and its receiver time, or ``None`` for pyais.

    A line is taken when it is one canonical ``!xxVDM``/``!xxVDO`` sentence (one to nine
    parts, a payload of 1 to 200 armour characters, fill bits 0 to 5, the checksum
    right) with at most a tag block (NMEA 4.10, its checksum right) or a logger's UNIX
    seconds before it. The receiver time is the tag block's last ``c:`` in whole seconds,
    else the logger's seconds, as ISO 8601 UTC, as ``filet.ingest.nmea`` reads them.
    Every test runs on the whole chunk at once.
    """
    texts, logged = _logger_times(raws)
    chunk = _Chunk.of(texts)
    begin = chunk.starts
    ok = chunk.ends - begin >= _SHORTEST
    tagged = chunk.at(begin) == ord("\\")
    closing = chunk.next("\\", begin + 1)
    star = closing - 3  # a tag block ends "*hh\"
    ok &= ~tagged | (
        (closing < chunk.ends)
        & (star > begin + 1)
        & (chunk.at(star) == ord("*"))
        & (chunk.counts(chunk.bytes == ord("*"), begin, closing) == 1)
        & (chunk.xor(begin + 1, star) == chunk.hex(star + 1))
    )
    head = np.where(tagged, closing + 1, begin)
    ok &= _sentence_ok(chunk, head)
    fields = _comma_positions(chunk, head)
    ok &= _fields_ok(chunk, head, fields)
    found: list[Framed | None] = [None] * len(raws)
    rows = np.flatnonzero(ok)
    count, number, seq, channel, payload, tail = fields[rows].T
    text = chunk.text
    columns = zip(
        rows.tolist(),
        np.where(tagged[rows], begin[rows] + 1, -1).tolist(),
        star[rows].tolist(),
        head[rows].tolist(),
        _DIGIT_VALUE[chunk.at(count + 1)].tolist(),
        _DIGIT_VALUE[chunk.at(number + 1)].tolist(),
        np.where(channel - seq == 2, _DIGIT_VALUE[chunk.at(seq + 1)], -1).tolist(),
        channel.tolist(),
        payload.tolist(),
        tail.tolist(),
        _DIGIT_VALUE[chunk.at(tail + 1)].tolist(),
        strict=True,
    )
    for row, tag_start, tag_end, start, parts, part, sequence, channel_at, at, end, fill in columns:
        stamp = logged[row]
        if tag_start >= 0:
            received = _tag_time(text[tag_start:tag_end])
            if received == "":
                continue
            stamp = received or stamp
        sentence = FastSentence(
            text[start + 1 : start + 3],
            text[start + 3 : start + 6],
            parts,
            part,
            None if sequence < 0 else sequence,
            text[channel_at + 1 : at],
            text[at + 1 : end],
            fill,
        )
        found[row] = (sentence, None if stamp is None else _iso(int(stamp)))
    return found


def _logger_times(raws: list[str]) -> tuple[list[str], list[str | None]]:
    """The lines without a logger's UNIX seconds before the sentence, and those seconds.

    A line that is not ASCII becomes empty: pyais will say why it is not a sentence.
    """
    texts: list[str] = []
    logged: list[str | None] = []
    for raw in raws:
        stamp = None
        if not raw.isascii():
            raw = ""
        elif raw[:1].isdigit():
            seconds, _, sentence = raw.partition(" ")
            if 9 <= len(seconds) <= 10 and seconds.isdigit():
                raw, stamp = sentence.lstrip(" "), seconds
            else:
                raw = ""
        texts.append(raw)
        logged.append(stamp)
    return texts, logged


def _sentence_ok(chunk: _Chunk, head: NDArray[np.int64]) -> NDArray[np.bool_]:
    """``!`` then two capital letters, ``VDM`` or ``VDO``, then a comma."""
    at = chunk.at
    return (
        (at(head) == ord("!"))
        & _UPPER[at(head + 1)]
        & _UPPER[at(head + 2)]
        & (at(head + 3) == ord("V"))
        & (at(head + 4) == ord("D"))
        & ((at(head + 5) == ord("M")) | (at(head + 5) == ord("O")))
        & (at(head + 6) == ord(","))
    )


def _comma_positions(chunk: _Chunk, first: NDArray[np.int64]) -> NDArray[np.int64]:
    """The positions of the six commas after each sentence's tag (columns)."""
    found = np.flatnonzero(chunk.bytes == ord(","))
    index = np.searchsorted(found, first)
    padded = np.append(found, np.full(6, len(chunk.bytes) - 1))
    return padded[index[:, None] + np.arange(6)]


def _fields_ok(
    chunk: _Chunk, head: NDArray[np.int64], commas: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Part count and number 1-9, sequence id and channel of one character or none, a
    payload of armour characters, fill bits 0-5, a right checksum, and nothing else."""
    count, number, seq, channel, payload, tail = commas.T
    at, ends = chunk.at, chunk.ends
    parts = _DIGIT_VALUE[at(count + 1)]
    part = _DIGIT_VALUE[at(number + 1)]
    fill = _DIGIT_VALUE[at(tail + 1)]
    length = tail - payload - 1
    return (
        (count == head + 6)
        & (tail < ends)
        & (chunk.counts(chunk.bytes == ord(","), head, ends) == 6)
        & (number - count == 2)
        & (parts >= 1)
        & (seq - number == 2)
        & (part >= 1)
        & (part <= parts)
        & ((channel - seq == 1) | ((channel - seq == 2) & (_DIGIT_VALUE[at(seq + 1)] >= 0)))
        & ((payload - channel == 1) | ((payload - channel == 2) & _ALNUM[at(channel + 1)]))
        & (length >= 1)
        & (length <= _MAX_PAYLOAD)
        & (chunk.counts(_OUTSIDE_ALPHABET[chunk.bytes], payload + 1, tail) == 0)
        & (ends - tail == 5)
        & (fill >= 0)
        & (fill <= 5)
        & (at(tail + 2) == ord("*"))
        & (chunk.xor(head + 1, ends - 3) == chunk.hex(ends - 2))
    )


def _tag_time(tag: str) -> str | None:
    """The tag block's last ``c:`` value as pyais reads it, ``None`` if there is none and
    ``""`` if it is not plain seconds (pyais and ``filet.ingest.nmea`` will say why)."""
    at = tag.rfind(",c:")
    if at >= 0:
        stamp = tag[at + 3 :]
    elif tag.startswith("c:"):
        stamp = tag[2:]
    else:
        return None
    stamp = stamp.partition(",")[0]
    return stamp if stamp.isdigit() and len(stamp) <= 10 else ""


_ISO: dict[int, str] = {}


def _iso(seconds: int) -> str:
    """UNIX seconds as the ISO 8601 text ``datetime.isoformat`` writes, cached."""
    text = _ISO.get(seconds)
    if text is None:
        if len(_ISO) >= _ISO_CACHE_SIZE:
            _ISO.clear()
        text = _ISO[seconds] = datetime.fromtimestamp(seconds, UTC).isoformat()
    return text


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
    texts: tuple[tuple[str, int, int], ...] = ()  # (attribute, offset, characters)
    numbers: tuple[tuple[str, int, int], ...] = ()  # (attribute, offset, width)


_CLASS_A = _Layout(128, speed=50, lon=61, course=116)
_LAYOUTS: dict[tuple[int, int], _Layout] = {
    (1, 0): _CLASS_A,
    (2, 0): _CLASS_A,
    (3, 0): _CLASS_A,
    (18, 0): _Layout(124, speed=46, lon=57, course=112),
    (19, 0): _Layout(
        271, speed=46, lon=57, course=112, texts=(("shipname", 143, 20),),
        numbers=(("ship_type", 263, 8),),
    ),
    (5, 0): _Layout(
        422,
        texts=(("callsign", 70, 7), ("shipname", 112, 20), ("destination", 302, 20)),
        numbers=(("imo", 40, 30), ("ship_type", 232, 8), ("draught", 294, 8)),
    ),
    (24, 0): _Layout(160, texts=(("shipname", 40, 20),)),
    (24, 1): _Layout(132, texts=(("callsign", 90, 7),), numbers=(("ship_type", 40, 8),)),
}  # fmt: skip
_LONGEST = max(-(-layout.bits // 6) for layout in _LAYOUTS.values())
# pyais converts these through enums whose fallback can change the value (ShipType 1 -> 0).
_ENUM_TYPES = frozenset({5, 19})


@dataclass(slots=True)
class _Decoded:
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


@dataclass
class Batch:
    """Messages waiting to be decoded together; ``add`` returns the message's index."""

    payloads: list[str] = field(default_factory=list)
    fills: list[int] = field(default_factory=list)
    times: list[str | None] = field(default_factory=list)

    def add(self, payload: str, fill_bits: int, ts: str | None) -> int:
        self.payloads.append(payload)
        self.fills.append(fill_bits)
        self.times.append(ts)
        return len(self.payloads) - 1

    def decode(self) -> list[dict[str, Any] | None]:
        """Each message's record fields, or ``None`` where pyais must decode it."""
        results: list[dict[str, Any] | None] = [None] * len(self.payloads)
        if not self.payloads:
            return results
        buffer = _ARMOUR[np.frombuffer("".join(self.payloads).encode("ascii"), dtype=np.uint8)]
        buffer = np.append(buffer, np.zeros(_LONGEST, dtype=np.uint8))  # reads past the end
        lengths = np.fromiter(map(len, self.payloads), dtype=np.int64, count=len(self.payloads))
        starts = np.concatenate(([0], np.cumsum(lengths[:-1])))
        usable = lengths * 6 - np.asarray(self.fills, dtype=np.int64)
        kinds = buffer[starts]
        parts = np.where(kinds == 24, (buffer[starts + 6] >> 2) & 3, 0)
        for (kind, part), layout in _LAYOUTS.items():
            # Whole fields only: a message shorter than its layout is pyais's to decode.
            rows = np.flatnonzero((kinds == kind) & (parts == part) & (usable >= layout.bits))
            if not len(rows):
                continue
            chars = -(-layout.bits // 6)
            values = buffer[starts[rows, None] + np.arange(chars)]
            bits = np.unpackbits(values[:, :, None], axis=2)[:, :, 2:].reshape(len(rows), -1)
            stamps = [self.times[row] for row in rows.tolist()]
            for row, fields in zip(rows.tolist(), _fields(kind, layout, bits, stamps), strict=True):
                results[row] = fields
        return results


def _number(
    bits: NDArray[np.uint8], offset: int, width: int, signed: bool = False
) -> NDArray[np.int64]:
    weights = np.left_shift(np.int64(1), np.arange(width - 1, -1, -1, dtype=np.int64))
    value: NDArray[np.int64] = bits[:, offset : offset + width].astype(np.int64) @ weights
    if signed:
        value = np.where(value >= 1 << (width - 1), value - (1 << width), value)
    return value


def _text(bits: NDArray[np.uint8], offset: int, chars: int) -> list[str]:
    """6-bit text, untrimmed: ``message_fields`` trims it exactly as it trims pyais's."""
    six = bits[:, offset : offset + 6 * chars].reshape(len(bits), chars, 6).astype(np.int64)
    encoded = _SIXBIT_TEXT[six @ _SIX_WEIGHTS].tobytes().decode("ascii")
    return [encoded[start : start + chars] for start in range(0, len(encoded), chars)]


def _fields(
    kind: int, layout: _Layout, bits: NDArray[np.uint8], stamps: list[str | None]
) -> list[dict[str, Any]]:
    """The records of one group of messages of the same layout."""
    mmsis: list[int] = _number(bits, 8, 30).tolist()
    columns: dict[str, list[Any]] = {}
    for name, offset, chars in layout.texts:
        columns[name] = _text(bits, offset, chars)
    for name, offset, width in layout.numbers:
        columns[name] = _number(bits, offset, width).tolist()
    if "draught" in columns:
        columns["draught"] = [value / 10.0 for value in columns["draught"]]
    if kind in _ENUM_TYPES:
        columns["ship_type"] = [ShipType.from_value(value) for value in columns["ship_type"]]
    if layout.lon is None:
        return [
            message_fields(_Decoded(kind, mmsi, **_row(columns, index)), ts)
            for index, (mmsi, ts) in enumerate(zip(mmsis, stamps, strict=True))
        ]
    assert layout.speed is not None and layout.course is not None
    speed_raw = _number(bits, layout.speed, 10)
    course_raw = _number(bits, layout.course, 12)
    lon_raw = _number(bits, layout.lon, 28, signed=True)
    lat_raw = _number(bits, layout.lon + 28, 27, signed=True)
    # pyais's to_lat_lon: round(v / 600000, 6) as integer arithmetic, exact for |v| < 2**27.
    lon = ((10 * lon_raw + 3) // 6) / 1e6
    lat = ((10 * lat_raw + 3) // 6) / 1e6
    speed = speed_raw / 10.0
    course = course_raw / 10.0
    plain = ~_noisy(lat, lon, speed, course)
    if columns:
        plain[:] = False  # type 19 is also static data: message_fields does all of it
    records = []
    for index, (mmsi, ts, is_plain, la, lo, sp, co) in enumerate(
        zip(
            mmsis,
            stamps,
            plain.tolist(),
            lat.tolist(),
            lon.tolist(),
            speed.tolist(),
            course.tolist(),
            strict=True,
        )
    ):
        if is_plain:
            records.append(
                {"msg_type": kind, "mmsi": f"{mmsi:09d}", "ts": ts, "lat": la, "lon": lo,
                 "sog": sp, "cog": co}
            )  # fmt: skip
        else:
            decoded = _Decoded(kind, mmsi, la, lo, sp, co, **_row(columns, index))
            records.append(message_fields(decoded, ts))
    return records


def _noisy(
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
    speed: NDArray[np.float64],
    course: NDArray[np.float64],
) -> NDArray[np.bool_]:
    """Rows ``message_fields`` would clean, by its own tests on the same floats."""
    noisy = (np.abs(lat - NOISE.unavailable_lat) < 1e-6) | (
        np.abs(lon - NOISE.unavailable_lon) < 1e-6
    )
    for value in NOISE.noise_speeds_knots:
        noisy |= np.abs(speed - value) <= NOISE.speed_tolerance_knots
    noisy |= course >= NOISE.unavailable_course_degrees
    return noisy


def _row(columns: dict[str, list[Any]], index: int) -> dict[str, Any]:
    return {name: values[index] for name, values in columns.items()}

"""Vectorized framing of NMEA lines: which are canonical AIS sentences, and when received.

A chunk of lines is joined into one byte array and every test runs on all of its lines
at once: commas found by one scan, checksums by one XOR accumulation, receiver times
read digit by digit as columns. A line is taken only when it is one canonical
``!xxVDM``/``!xxVDO`` sentence (one to nine parts, a payload of 1 to 200 armour
characters, fill bits 0 to 5, the checksum right), bare, behind a tag block (NMEA 4.10,
its checksum right) whose ``c:`` is whole UNIX seconds, or after a logger's UNIX
seconds. Anything else is left to pyais by ``filet.ingest.nmea``, which says why it is
wrong: the fast path never decides what is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

_ISO_CACHE_SIZE = 100_000
_MAX_PAYLOAD = 200  # characters, as pyais (MAX_PAYLOAD_LEN)
_SHORTEST = len("!AIVDM,1,1,,,0,0*00")
_STAMP_DIGITS = 10  # UNIX seconds up to 9,999,999,999 (the year 2286)
NO_TIME = -1  # ``Frames.seconds`` of a sentence received at no known time


_TENS = 10 ** np.arange(_STAMP_DIGITS + 1, dtype=np.int64)


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


@dataclass
class _Chunk:
    """The chunk's lines as one byte array, with where each line starts and ends.

    Each pass over the bytes is made once (where a character occurs, the running XOR),
    then every line's test is a lookup in it.
    """

    text: str
    bytes: NDArray[np.uint8]  # padded with zeros, so that reads past a line stay in bounds
    starts: NDArray[np.int64]
    ends: NDArray[np.int64]
    raws: list[str] | None = None  # the lines, where ``text`` does not hold them all
    _found: dict[str, NDArray[np.int64]] = field(default_factory=dict)

    @classmethod
    def read(cls, lines: list[str]) -> _Chunk:
        """Lines as a file gives them: joined as they are when they are ASCII and each
        ends its line, else one by one without their line ends (a line that is not
        ASCII left empty: pyais says why it is not a sentence)."""
        text = "".join(lines)
        if text.isascii():
            data = np.frombuffer((text + "\0" * _STAMP_DIGITS).encode("ascii"), dtype=np.uint8)
            ends = np.flatnonzero(data == ord("\n"))
            lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
            if len(ends) == len(lines) and np.array_equal(ends, np.cumsum(lengths) - 1):
                return cls(
                    text, data, np.concatenate(([0], ends[:-1] + 1)), _unreturned(data, ends)
                )
        raws = [line.rstrip("\r\n") for line in lines]
        chunk = cls.of([raw if raw.isascii() else "" for raw in raws])
        chunk.raws = raws
        return chunk

    def raw(self, row: int) -> str:
        """The line without its line end."""
        if self.raws is not None:
            return self.raws[row]
        return self.text[self.starts[row] : self.ends[row]]

    @classmethod
    def of(cls, texts: list[str]) -> _Chunk:
        text = "\n".join(texts)
        data = np.frombuffer((text + "\0" * _STAMP_DIGITS).encode("ascii"), dtype=np.uint8)
        breaks = np.flatnonzero(data == ord("\n"))
        if len(breaks) != len(texts) - 1:  # a line holding a line feed of its own
            lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
            breaks = np.cumsum(lengths + 1)[:-1] - 1
        starts = np.concatenate(([0], breaks + 1))[: len(texts)]
        ends = np.append(breaks, len(text))[: len(texts)]
        return cls(text, data, starts, ends)

    def at(self, positions: NDArray[np.int64]) -> NDArray[np.uint8]:
        """The bytes at these positions; past the end, the last (padding) byte."""
        found: NDArray[np.uint8] = self.bytes.take(positions, mode="clip")
        return found

    def positions(self, char: str) -> NDArray[np.int64]:
        """Where ``char`` occurs."""
        if char not in self._found:
            self._found[char] = np.flatnonzero(self.bytes == ord(char))
        return self._found[char]

    def next(self, char: str, positions: NDArray[np.int64]) -> NDArray[np.int64]:
        """Where ``char`` first occurs at or after each position (else the padding)."""
        found = self.positions(char)
        return np.append(found, len(self.bytes) - 1)[np.searchsorted(found, positions)]

    def xor(self, begin: NDArray[np.int64], end: NDArray[np.int64]) -> NDArray[np.int64]:
        """The NMEA checksum (XOR of the bytes) of each ``[begin, end)``; -2 where it ends
        before it begins."""
        checksums = self._reduce(np.bitwise_xor, self.bytes, begin, end).astype(np.int64)
        return np.where(end > begin, checksums, np.where(end == begin, 0, -2))

    def armoured(self, begin: NDArray[np.int64], end: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Whether each ``[begin, end)`` (not empty) holds armour characters only."""
        data = self.bytes
        # "0" to "W" and "`" to "w" (ITU-R M.1371-5 §8.2.2), as wrapping byte arithmetic.
        outside = ((data - 48) > 39) & ((data - 96) > 23)
        found: NDArray[np.bool_] = ~self._reduce(np.logical_or, outside, begin, end)
        return found

    def _reduce(
        self, ufunc: np.ufunc, data: NDArray[Any], begin: NDArray[np.int64], end: NDArray[np.int64]
    ) -> NDArray[Any]:
        """``ufunc`` over each ``[begin, end)``, right wherever ``begin < end``."""
        bounds = np.clip(np.stack((begin, end), axis=1).ravel(), 0, len(data) - 1)
        reduced: NDArray[Any] = ufunc.reduceat(data, bounds)[::2]
        return reduced

    def hex(self, positions: NDArray[np.int64]) -> NDArray[np.int64]:
        """The two hex digits at each position as a number, -1 where they are not hex."""
        high, low = _hex(self.at(positions)), _hex(self.at(positions + 1))
        return np.where((high >= 0) & (low >= 0), 16 * high + low, -1)

    def digit(self, positions: NDArray[np.int64]) -> NDArray[np.int64]:
        """The digit at each position, -1 where there is none."""
        return _digit(self.at(positions))

    def number(
        self, begin: NDArray[np.int64], width: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """The decimal number of ``width`` (at most 10) characters at each position, and
        whether they are all digits."""
        inside = np.arange(_STAMP_DIGITS) < width[:, None]
        digits = self.at(begin[:, None] + np.arange(_STAMP_DIGITS)) - ord("0")  # wraps: < 10
        digital = np.asarray((~inside | (digits < 10)).all(axis=1), dtype=np.bool_)
        # The ten characters as one number, then as many digits as there are.
        padded = np.where(inside, digits, 0).astype(np.int64) @ _TENS[_STAMP_DIGITS - 1 :: -1]
        value: NDArray[np.int64] = padded // _TENS[_STAMP_DIGITS - np.clip(width, 0, _STAMP_DIGITS)]
        return value, digital


@dataclass
class Frames:
    """The lines of a chunk as the fast path frames them, one entry per line."""

    chunk: _Chunk
    ok: NDArray[np.bool_]  # a canonical sentence, with a plain time if any
    single: NDArray[np.bool_]  # ... that is a whole message by itself
    seconds: NDArray[np.int64]  # its receiver time in UNIX seconds, or NO_TIME
    head: NDArray[np.int64]  # where its "!" is
    commas: NDArray[np.int64]  # (lines, 6): where its six commas are

    @property
    def payloads(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        """Each line's payload as (first character, number of characters, fill bits)."""
        payload, tail = self.commas[:, 4], self.commas[:, 5]
        fills = self.chunk.digit(tail + 1)
        return payload + 1, tail - payload - 1, fills

    def sentence(self, row: int) -> FastSentence:
        """The framed sentence of a line (``ok``), as ``filet.ingest.nmea`` groups parts."""
        text, start = self.chunk.text, int(self.head[row])
        count, number, seq, channel, payload, tail = self.commas[row].tolist()
        return FastSentence(
            text[start + 1 : start + 3],
            text[start + 3 : start + 6],
            int(text[count + 1]),
            int(text[number + 1]),
            int(text[seq + 1]) if channel - seq == 2 else None,
            text[channel + 1 : payload],
            text[payload + 1 : tail],
            int(text[tail + 1]),
        )

    def raw(self, row: int) -> str:
        """The line as read, without its line end."""
        return self.chunk.raw(row)

    def ts(self, row: int) -> str | None:
        """The line's receiver time as ISO 8601 UTC, as ``filet.ingest.nmea`` writes it."""
        seconds = int(self.seconds[row])
        return None if seconds == NO_TIME else iso(seconds)


def frame(lines: list[str]) -> Frames:
    """Each line (with or without its line end) checked as a sentence the fast path
    takes (``Frames.ok``), all at once."""
    chunk = _Chunk.read(lines)
    begin, logged, ok = _logger_times(chunk)
    ok &= chunk.ends - begin >= _SHORTEST
    tagged = chunk.at(begin) == ord("\\")
    closing = chunk.next("\\", begin + 1)
    star = closing - 3  # a tag block ends "*hh\"
    ok &= ~tagged | (
        (closing < chunk.ends)
        & (star > begin + 1)
        & (chunk.next("*", begin) == star)  # the one "*" before the closing "\\"
        & (chunk.xor(begin + 1, star) == chunk.hex(star + 1))
    )
    head = np.where(tagged, closing + 1, begin)
    ok &= _sentence_ok(chunk, head)
    commas = _comma_positions(chunk, head)
    ok &= _fields_ok(chunk, head, commas)
    commas = commas[:, :6]
    rows = np.flatnonzero(tagged & ok)
    stamped = np.full(len(ok), NO_TIME)
    stamped[rows] = _tag_times(chunk, begin[rows] + 1, star[rows])
    ok &= stamped >= NO_TIME
    seconds = np.where(stamped >= 0, stamped, logged)
    count, number, seq, channel = commas[:, 0], commas[:, 1], commas[:, 2], commas[:, 3]
    single = (
        ok
        & (chunk.digit(count + 1) == 1)
        & (chunk.digit(number + 1) == 1)
        & ((channel - seq == 1) | (chunk.digit(seq + 1) == 0))
    )
    return Frames(chunk, ok, single, seconds, head, commas)


def _logger_times(
    chunk: _Chunk,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Where each sentence starts after a logger's UNIX seconds (``1503079517 !AIVDM…``),
    those seconds (else NO_TIME), and whether the line can be a sentence at all: one
    starting with another number is pyais's to judge."""
    starts, ends = chunk.starts, chunk.ends
    numbered = (starts < ends) & (chunk.digit(starts) >= 0)
    begin, seconds = starts.copy(), np.full(len(starts), NO_TIME)
    rows = np.flatnonzero(numbered)
    if not len(rows):
        return begin, seconds, ~numbered
    space = chunk.next(" ", starts[rows])
    width = space - starts[rows]
    value, digits = chunk.number(starts[rows], width)
    stamped = (space < ends[rows]) & (width >= 9) & (width <= _STAMP_DIGITS) & digits
    rows = rows[stamped]
    begin[rows], seconds[rows] = space[stamped] + 1, value[stamped]
    while True:  # the spaces after the seconds, one column at a time
        spaced = (begin[rows] < ends[rows]) & (chunk.at(begin[rows]) == ord(" "))
        if not spaced.any():
            break
        begin[rows] += spaced
    return begin, seconds, ~numbered | (seconds != NO_TIME)


def _tag_times(
    chunk: _Chunk, first: NDArray[np.int64], end: NDArray[np.int64]
) -> NDArray[np.int64]:
    """The last ``c:`` of each tag block ``[first, end)`` as pyais reads it: UNIX seconds,
    NO_TIME if there is none, and -2 if it is not plain seconds (pyais and
    ``filet.ingest.nmea`` will say why)."""
    commas = chunk.positions(",")
    marks = commas[(chunk.at(commas + 1) == ord("c")) & (chunk.at(commas + 2) == ord(":"))]
    index = np.searchsorted(marks, end - 3, side="right") - 1
    last = np.append(marks, -1)[index]  # index -1 reads the -1 appended
    found = (index >= 0) & (last >= first)
    leading = (chunk.at(first) == ord("c")) & (chunk.at(first + 1) == ord(":")) & (first + 2 <= end)
    start = np.where(found, last + 3, first + 2)
    width = np.minimum(chunk.next(",", start), end) - start
    value, digits = chunk.number(start, width)
    seconds = np.where((width >= 1) & (width <= _STAMP_DIGITS) & digits, value, -2)
    return np.where(found | leading, seconds, NO_TIME)


def _sentence_ok(chunk: _Chunk, head: NDArray[np.int64]) -> NDArray[np.bool_]:
    """``!`` then two capital letters, ``VDM`` or ``VDO``, then a comma."""
    at = chunk.at
    return (
        (at(head) == ord("!"))
        & _upper(at(head + 1))
        & _upper(at(head + 2))
        & (at(head + 3) == ord("V"))
        & (at(head + 4) == ord("D"))
        & ((at(head + 5) == ord("M")) | (at(head + 5) == ord("O")))
        & (at(head + 6) == ord(","))
    )


def _comma_positions(chunk: _Chunk, first: NDArray[np.int64]) -> NDArray[np.int64]:
    """The positions of the first seven commas after each sentence's tag (columns): a
    sentence has six, the seventh is on a later line."""
    found = chunk.positions(",")
    index = np.searchsorted(found, first)
    padded = np.append(found, np.full(7, len(chunk.bytes) - 1))
    return padded[index[:, None] + np.arange(7)]


def _fields_ok(
    chunk: _Chunk, head: NDArray[np.int64], commas: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Part count and number 1-9, sequence id and channel of one character or none, a
    payload of armour characters, fill bits 0-5, a right checksum, and nothing else."""
    count, number, seq, channel, payload, tail, after = commas.T
    at, ends = chunk.at, chunk.ends
    parts = chunk.digit(count + 1)
    part = chunk.digit(number + 1)
    fill = chunk.digit(tail + 1)
    length = tail - payload - 1
    return (
        (count == head + 6)
        & (tail < ends)
        & (after >= ends)
        & (number - count == 2)
        & (parts >= 1)
        & (seq - number == 2)
        & (part >= 1)
        & (part <= parts)
        & ((channel - seq == 1) | ((channel - seq == 2) & (chunk.digit(seq + 1) >= 0)))
        & ((payload - channel == 1) | ((payload - channel == 2) & _alnum(at(channel + 1))))
        & (length >= 1)
        & (length <= _MAX_PAYLOAD)
        & chunk.armoured(payload + 1, tail)
        & (ends - tail == 5)
        & (fill >= 0)
        & (fill <= 5)
        & (at(tail + 2) == ord("*"))
        & (chunk.xor(head + 1, ends - 3) == chunk.hex(ends - 2))
    )


_ISO: dict[int, str] = {}


def iso(seconds: int) -> str:
    """UNIX seconds as the ISO 8601 text ``datetime.isoformat`` writes, cached."""
    text = _ISO.get(seconds)
    if text is None:
        if len(_ISO) >= _ISO_CACHE_SIZE:
            _ISO.clear()
        text = _ISO[seconds] = datetime.fromtimestamp(seconds, UTC).isoformat()
    return text


def _digit(data: NDArray[np.uint8]) -> NDArray[np.int64]:
    value = (data - ord("0")).astype(np.int64)  # wraps first: a digit is below 10
    return np.where(value < 10, value, -1)


def _upper(data: NDArray[np.uint8]) -> NDArray[np.bool_]:
    found: NDArray[np.bool_] = data - ord("A") < 26
    return found


def _alnum(data: NDArray[np.uint8]) -> NDArray[np.bool_]:
    found: NDArray[np.bool_] = (data - ord("0") < 10) | _upper(data) | (data - ord("a") < 26)
    return found


def _hex(data: NDArray[np.uint8]) -> NDArray[np.int64]:
    """Each hex digit's value (either case), -1 where it is not one."""
    upper = (data - ord("A")).astype(np.int64)
    lower = (data - ord("a")).astype(np.int64)
    letter = np.where(upper < 6, upper + 10, np.where(lower < 6, lower + 10, -1))
    return np.where(data - ord("0") < 10, _digit(data), letter)


def _unreturned(data: NDArray[np.uint8], ends: NDArray[np.int64]) -> NDArray[np.int64]:
    """Line ends before any "\\r" (``str.rstrip("\\r\\n")`` takes them away too)."""
    ends = ends.copy()
    starts = np.concatenate(([0], ends[:-1] + 1))
    while True:
        carriage = (ends > starts) & (data[ends - 1] == ord("\r"))
        if not carriage.any():
            return ends
        ends -= carriage

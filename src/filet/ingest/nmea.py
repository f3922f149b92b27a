"""Raw NMEA 0183 AIS (``!AIVDM``/``!AIVDO``) as records, decoded with pyais.

Each non-blank line that is not a ``#`` comment belongs to exactly one record: a
single-part sentence is a record at its own line; the parts of a multi-part message
are one record at the line of its first part, whose raw text is the parts' lines. An
undecodable sentence (bad checksum, a part missing, a type Filet does not store,
garbage) is a record with a problem, so it reaches the quarantine with its line.

Parts are grouped as pyais groups them (sequential message id, channel, talker,
sentence type and part count), so that interleaved messages reassemble; a part out of
order, a first part that another first part replaces, or a message left incomplete at
the end of the file is quarantined part by part.

Time comes from the receiver: a tag block's ``c:`` field (UNIX seconds, as in
``\\c:1503079517*55\\!AIVDM…``), else a time the logger wrote just before or after the
sentence (UNIX seconds or ISO 8601, naive meaning UTC, separated by a space, comma or
semicolon). A position without either is quarantined with its decoded fields kept, so
``filet quarantine fix ID ts=…`` then ``replay`` stores it: AIS itself carries no date
in a position report, and inventing one would place the vessel at a time nobody saw.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pyais.exceptions import AISBaseException, UnknownMessageException
from pyais.messages import NMEAMessage, NMEASentence, NMEASentenceFactory

from filet.ingest import nmea_columns, nmea_framing
from filet.ingest.ais_fields import POSITION_TYPES, STATIC_TYPES, message_fields
from filet.ingest.blocks import Item, RecordBlock, records_of
from filet.ingest.nmea_fast import Messages, Queue
from filet.ingest.nmea_framing import NO_TIME, FastSentence
from filet.ingest.records import WHOLE_RECORD, RecordError, SourceRecord

SUPPORTED_TYPES = POSITION_TYPES | STATIC_TYPES
_Slot = tuple[int, str, str, str, int]
# A receiver or logger's own time written before or after the sentence, as many feeds
# do (``1503079517 !AIVDM…*5C``, ``!AIVDM…*5C,1503079517``: pyais issues #17, #139).
_AROUND = re.compile(
    r"^(?P<before>[^\\!]*?)[\s,;]*"
    r"(?P<sentence>(?:\\[^\\]*\\)?![A-Z]{5},[^*]*\*[0-9A-Fa-f]{2})"
    r"[\s,;]*(?P<after>.*?)$"
)
_SECONDS = re.compile(r"^\d{9,10}(\.\d+)?$")
_NOT_AIS = "pas une phrase AIS (!AIVDM, !AIVDO) / not an AIS sentence"


CHUNK_LINES = 8192  # lines framed and decoded together: numpy's overhead spread thin


@dataclass
class _Part:
    line: int
    raw: str
    sentence: NMEAMessage | FastSentence
    ts: str | None


@dataclass(slots=True)
class _Waiting:
    """A complete message in the fast path's queue, made a record once it is decoded.

    ``parts`` is ``None`` for a one-sentence message, whose line is then its only part.
    """

    line: int
    raw: str
    ts: str | None
    index: int
    parts: list[_Part] | None

    def record(self, messages: Messages) -> SourceRecord:
        if not messages.decoded[self.index]:
            return _pyais_record(self.parts or [_part(self.line, self.raw)])
        return _stored(self.line, self.raw, messages.fields(self.index, self.ts), self.ts)


@dataclass(frozen=True)
class _Held:
    """The records of a chunk block's table rows (``blocks.Rows``), made on demand."""

    frames: nmea_framing.Frames
    messages: Messages
    rows: NDArray[np.int64]  # each table row's message
    seconds: NDArray[np.int64]
    singles: NDArray[np.int64]  # the line of each one-sentence message
    joined: dict[int, str]  # the lines of each multi-part message held

    def raw(self, row: int) -> str:
        index = int(self.rows[row])
        found = self.joined.get(index)
        return self.frames.raw(int(self.singles[index])) if found is None else found

    def fields(self, row: int) -> dict[str, Any]:
        index = int(self.rows[row])
        seconds = int(self.seconds[index])
        ts = None if seconds == NO_TIME else nmea_framing.iso(seconds)
        return self.messages.fields(index, ts)


@dataclass
class _Assembler:
    """Multi-part messages waiting for their next part, by pyais's grouping key."""

    pending: dict[_Slot, list[_Part]] = field(default_factory=dict)

    def add(self, part: _Part) -> Iterator[SourceRecord | list[_Part]]:
        """The parts of the message this part completes, or records of the parts it orphans."""
        sentence = part.sentence
        slot = (
            -1 if sentence.seq_id is None else sentence.seq_id,
            sentence.channel,
            sentence.talker_id,
            sentence.type,
            sentence.frag_cnt,
        )
        waiting = self.pending.get(slot)
        if sentence.frag_num == 1:
            if waiting:
                yield from _orphans(waiting, "remplacée par une nouvelle partie 1 / superseded")
            self.pending[slot] = [part]
        elif waiting is None or sentence.frag_num != len(waiting) + 1:
            yield _orphan(part, "partie hors séquence / part out of sequence")
            return
        else:
            waiting.append(part)
        parts = self.pending[slot]
        if len(parts) == sentence.frag_cnt:
            del self.pending[slot]
            yield parts

    def leftovers(self) -> Iterator[SourceRecord]:
        for parts in self.pending.values():
            yield from _orphans(parts, "message incomplet en fin de fichier / incomplete at end")
        self.pending.clear()


def nmea_records(lines: Iterable[str], fast: bool = True) -> Iterator[SourceRecord]:
    """One record per AIS message or undecodable line, in the order they complete.

    ``fast`` decodes the common messages with ``filet.ingest.nmea_fast`` (same records,
    several times faster); without it every sentence goes through pyais.
    """
    return records_of(nmea_items(lines, fast))


def nmea_items(lines: Iterable[str], fast: bool = True) -> Iterator[Item]:
    """``nmea_records``, each chunk of lines as one block with the fast path's messages
    that need no cleaning as columns (``filet.ingest.blocks``)."""
    assembler = _Assembler()
    source = iter(lines)
    first = 1
    while taken := list(itertools.islice(source, CHUNK_LINES)):
        if fast:
            yield _fast_chunk(first, taken, assembler)
        else:
            for number, text in enumerate(taken, start=first):
                raw = text.rstrip("\r\n")
                if _content(raw):
                    yield from _pyais_items(number, raw, assembler)
        first += len(taken)
    yield from assembler.leftovers()


def _content(raw: str) -> bool:
    """Not blank, not a ``#`` comment: a line that is a record or part of one."""
    return bool(raw.strip()) and not raw.lstrip().startswith("#")


def _pyais_items(number: int, raw: str, assembler: _Assembler) -> Iterator[SourceRecord]:
    """The records one line completes, framed and decoded by pyais."""
    try:
        part = _part(number, raw)
    except RecordError as problem:
        yield SourceRecord(number, raw, None, problem)
        return
    if part.sentence.is_single:
        yield _pyais_record([part])
        return
    for done in assembler.add(part):
        yield done if isinstance(done, SourceRecord) else _pyais_record(done)


def _fast_chunk(first: int, lines: list[str], assembler: _Assembler) -> RecordBlock:
    """The records the chunk of lines from line ``first`` completes, in order: one-sentence
    messages framed at once and decoded where they lie, the other lines one by one."""
    frames = nmea_framing.frame(lines)
    queue = Queue(frames)
    others: list[SourceRecord | _Waiting] = []
    at: list[int] = []  # the line (in the chunk) each of the others completes at
    for position in np.flatnonzero(~frames.single).tolist():
        number, raw = first + position, frames.raw(position)
        if not _content(raw):
            continue
        done: Iterable[SourceRecord | _Waiting]
        if frames.ok[position]:
            part = _Part(number, raw, frames.sentence(position), frames.ts(position))
            done = (
                d if isinstance(d, SourceRecord) else _message(d, queue)
                for d in assembler.add(part)
            )
        else:
            done = _pyais_items(number, raw, assembler)
        for item in done:
            others.append(item)
            at.append(position)
    messages, seconds = queue.decode()
    return _block(first, frames, queue, messages, seconds, others, at)


def _block(
    first: int,
    frames: nmea_framing.Frames,
    queue: Queue,
    messages: Messages,
    seconds: NDArray[np.int64],
    others: list[SourceRecord | _Waiting],
    at: list[int],
) -> RecordBlock:
    """The chunk's records in order, the messages that need no cleaning held as columns."""
    plain = messages.plain(seconds != NO_TIME)
    singles = queue.singles
    order = np.argsort(np.concatenate((singles, np.asarray(at, dtype=np.int64))), kind="stable")
    slot = np.empty_like(order)
    slot[order] = np.arange(len(order))  # the place of each single, then of each other
    records: dict[int, SourceRecord] = {}  # by place: the records not held
    held = np.full(len(order), -1, dtype=np.int64)  # the message held at each place
    held[slot[: len(singles)]] = np.arange(len(singles))
    lines = np.zeros(len(plain), dtype=np.int64)
    lines[: len(singles)] = first + singles
    joined: dict[int, str] = {}  # the lines of the multi-part messages held
    for index in np.flatnonzero(~plain[: len(singles)]).tolist():
        position = int(singles[index])
        waiting = _Waiting(first + position, frames.raw(position), frames.ts(position), index, None)
        records[int(slot[index])], held[slot[index]] = waiting.record(messages), -1
    for other, entry in zip(slot[len(singles) :].tolist(), others, strict=True):
        if isinstance(entry, _Waiting) and plain[entry.index]:
            held[other], lines[entry.index], joined[entry.index] = (
                entry.index,
                entry.line,
                entry.raw,
            )
        else:
            records[other] = entry if isinstance(entry, SourceRecord) else entry.record(messages)
    rows = held[held >= 0]
    places = np.flatnonzero(held < 0)
    return RecordBlock(
        len(order),
        [records[place] for place in places.tolist()],
        places,
        nmea_columns.table(messages, rows, seconds),
        lines[rows],
        _Held(frames, messages, rows, seconds, singles, joined),
    )


def _message(parts: list[_Part], queue: Queue) -> SourceRecord | _Waiting:
    """A multi-part message: queued for the fast path if every part came through it."""
    sentences = [part.sentence for part in parts if isinstance(part.sentence, FastSentence)]
    if len(sentences) < len(parts):
        return _pyais_record(parts)
    payload = "".join(sentence.payload for sentence in sentences)
    ts = _time(parts)
    index = queue.add(payload, sentences[-1].fill_bits, ts)
    return _Waiting(parts[0].line, _raw(parts), ts, index, parts)


def parse_nmea(raw: str) -> dict[str, Any]:
    """The fields of a record's raw text (its lines), as a replay after ``fix raw=`` needs."""
    records = list(nmea_records(raw.splitlines()))
    if len(records) != 1:
        raise RecordError(WHOLE_RECORD, f"{len(records)} messages au lieu d'un / not one message")
    record = records[0]
    if record.problem is not None:
        raise record.problem
    assert record.fields is not None  # a record without a problem has fields
    return record.fields


def _part(number: int, raw: str) -> _Part:
    """One checked AIS sentence with its receiver time, or a ``RecordError`` saying why not."""
    text, logged = _logger_time(raw)
    try:
        sentence: NMEASentence = NMEASentenceFactory.produce(text.encode("utf-8"))
    except UnknownMessageException as error:
        raise RecordError(WHOLE_RECORD, _NOT_AIS) from error
    except (AISBaseException, UnicodeEncodeError, ValueError) as error:
        raise RecordError(
            WHOLE_RECORD, f"phrase NMEA invalide / invalid NMEA sentence ({type(error).__name__})"
        ) from error
    if not isinstance(sentence, NMEAMessage):
        raise RecordError(WHOLE_RECORD, _NOT_AIS)
    if not sentence.is_valid:
        read = "absente / missing" if sentence.checksum < 0 else f"{sentence.checksum:02X}"
        raise RecordError("checksum", f"somme de contrôle fausse / bad checksum: {read}")
    return _Part(number, raw, sentence, _receiver_time(sentence) or logged)


def _logger_time(raw: str) -> tuple[str, str | None]:
    """The sentence, and the time a logger wrote just before or after it, if any."""
    match = _AROUND.match(raw.strip())
    if match is None:
        return raw.strip(), None
    stamp = match["before"] or match["after"]
    if not stamp:
        return match["sentence"], None
    try:
        moment = (
            datetime.fromtimestamp(float(stamp), UTC)
            if _SECONDS.match(stamp)
            else datetime.fromisoformat(stamp)
        )
    except (ValueError, OverflowError, OSError) as error:
        reason = f"{stamp!r}: ni secondes UNIX ni ISO 8601 / neither UNIX seconds nor ISO 8601"
        raise RecordError("ts", reason) from error
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return match["sentence"], moment.astimezone(UTC).isoformat()


def _receiver_time(sentence: NMEAMessage) -> str | None:
    block = sentence.tag_block
    if block is None:
        return None
    block.init()
    if not block.is_valid:
        raise RecordError("tag_block", "somme de contrôle du tag block invalide / bad checksum")
    stamp = block.receiver_timestamp
    if stamp is None:
        return None
    try:
        return datetime.fromtimestamp(int(stamp), UTC).isoformat()
    except (ValueError, OverflowError, OSError) as error:
        raise RecordError(
            "tag_block", f"c:{stamp}: secondes UNIX attendues / UNIX seconds"
        ) from error


def _pyais_record(parts: list[_Part]) -> SourceRecord:
    """The message decoded by pyais, its parts framed by pyais if the fast path framed them."""
    message = NMEAMessage.assemble_from_iterable([_pyais_sentence(part) for part in parts])
    return _decoded(parts[0].line, _raw(parts), message, _time(parts))


def _pyais_sentence(part: _Part) -> NMEAMessage:
    if isinstance(part.sentence, NMEAMessage):
        return part.sentence
    framed = _part(part.line, part.raw).sentence  # checked by the fast path: pyais takes it
    assert isinstance(framed, NMEAMessage)
    return framed


def _raw(parts: list[_Part]) -> str:
    return "\n".join(part.raw for part in parts)


def _time(parts: list[_Part]) -> str | None:
    return next((part.ts for part in parts if part.ts is not None), None)


def _decoded(line: int, raw: str, sentence: NMEAMessage, ts: str | None) -> SourceRecord:
    try:
        message = sentence.decode()
    except (AISBaseException, ValueError, IndexError) as error:
        problem = RecordError(
            WHOLE_RECORD, f"message AIS indécodable / undecodable ({type(error).__name__})"
        )
        return SourceRecord(line, raw, None, problem)
    if message.msg_type not in SUPPORTED_TYPES:
        problem = RecordError(
            "msg_type",
            f"type AIS {message.msg_type} non stocké / not stored "
            f"(stockés / stored: {', '.join(map(str, sorted(SUPPORTED_TYPES)))})",
        )
        return SourceRecord(line, raw, None, problem)
    return _stored(line, raw, message_fields(message, ts), ts)


def _stored(line: int, raw: str, fields: dict[str, Any], ts: str | None) -> SourceRecord:
    """The record of a decoded message; a position needs a receiver time to be stored."""
    if ts is None and fields["msg_type"] in POSITION_TYPES:
        problem = RecordError(
            "ts",
            "pas d'heure de réception / no receiver time (tag block c:, ou autour de la "
            "phrase / or around the sentence); fix ts=<ISO 8601>, replay",
        )
        return SourceRecord(line, raw, fields, problem)
    return SourceRecord(line, raw, fields)


def _orphans(parts: list[_Part], why: str) -> Iterator[SourceRecord]:
    for part in parts:
        yield _orphan(part, why)


def _orphan(part: _Part, why: str) -> SourceRecord:
    sentence = part.sentence
    reason = f"partie / part {sentence.frag_num}/{sentence.frag_cnt}: {why}"
    return SourceRecord(part.line, part.raw, None, RecordError("part", reason))

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

from pyais.exceptions import AISBaseException, UnknownMessageException
from pyais.messages import NMEAMessage, NMEASentence, NMEASentenceFactory

from filet.ingest import nmea_fast
from filet.ingest.ais_fields import POSITION_TYPES, STATIC_TYPES, message_fields
from filet.ingest.nmea_fast import FastSentence
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


CHUNK_LINES = 512  # lines framed and decoded together: enough for numpy, few live objects


@dataclass
class _Part:
    line: int
    raw: str
    sentence: NMEAMessage | FastSentence
    ts: str | None


@dataclass(slots=True)
class _Waiting:
    """A complete message in the fast path's batch, made a record once the batch is decoded.

    ``parts`` is ``None`` for a one-sentence message, whose line is then its only part.
    """

    line: int
    raw: str
    ts: str | None
    index: int
    parts: list[_Part] | None

    def record(self, decoded: list[dict[str, Any] | None]) -> SourceRecord:
        fields = decoded[self.index]
        if fields is None:
            return _pyais_record(self.parts or [_part(self.line, self.raw)])
        return _stored(self.line, self.raw, fields, self.ts)


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
    assembler = _Assembler()
    numbered = ((number, text.rstrip("\r\n")) for number, text in enumerate(lines, start=1))
    content = (
        (number, raw)
        for number, raw in numbered
        if raw.strip() and not raw.lstrip().startswith("#")
    )
    while chunk := list(itertools.islice(content, CHUNK_LINES)):
        yield from _chunk_records(chunk, assembler, fast)
    yield from assembler.leftovers()


def _chunk_records(
    chunk: list[tuple[int, str]], assembler: _Assembler, fast: bool
) -> Iterator[SourceRecord]:
    """The records a chunk of lines completes; the fast path's messages decoded at once."""
    framed = nmea_fast.frame([raw for _, raw in chunk]) if fast else [None] * len(chunk)
    batch = nmea_fast.Batch()
    ready: list[SourceRecord | _Waiting] = []
    for (number, raw), checked in zip(chunk, framed, strict=True):
        if checked is None:
            try:
                part = _part(number, raw)
            except RecordError as problem:
                ready.append(SourceRecord(number, raw, None, problem))
                continue
        else:
            sentence, ts = checked
            if sentence.is_single:
                index = batch.add(sentence.payload, sentence.fill_bits, ts)
                ready.append(_Waiting(number, raw, ts, index, None))
                continue
            part = _Part(number, raw, sentence, ts)
        if part.sentence.is_single:
            ready.append(_pyais_record([part]))
            continue
        for done in assembler.add(part):
            ready.append(done if isinstance(done, SourceRecord) else _message(done, batch))
    decoded = batch.decode()
    for item in ready:
        yield item if isinstance(item, SourceRecord) else item.record(decoded)


def _message(parts: list[_Part], batch: nmea_fast.Batch) -> SourceRecord | _Waiting:
    """A multi-part message: queued for the fast path if every part came through it."""
    sentences = [part.sentence for part in parts if isinstance(part.sentence, FastSentence)]
    if len(sentences) < len(parts):
        return _pyais_record(parts)
    payload = "".join(sentence.payload for sentence in sentences)
    ts = _time(parts)
    index = batch.add(payload, sentences[-1].fill_bits, ts)
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

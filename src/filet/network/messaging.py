"""Seized messaging exports as the ``telegram`` and ``whatsapp`` formats read them.

Telegram Desktop's "Export chat history" writes ``result.json``: one chat (``name``,
``id``, ``messages``) or the whole account (``chats.list`` and ``left_chats.list``,
each a chat). A message has ``id``, ``date`` (local time of the exporting computer),
``date_unixtime`` (UTC seconds, newer exports), ``from``/``from_id`` (``actor`` for
service messages such as calls) and ``text``, a string or a list of strings and
entities (``{"type": "phone", "text": "…"}``). The file is walked value by value, so
each message keeps the line where it starts, and a truncated export keeps the
messages before the break (the rest goes to the quarantine).

WhatsApp's "Export chat" writes text, one message per header line, day first:
``[25/12/2023, 14:05:33] Name: text`` (iPhone) or ``25/12/2023 14:05 - Name: text``
(Android); the lines that follow, up to the next header, belong to the message. The
chat is named after the file (``WhatsApp Chat with X.txt``: ``X``). Times are the
phone's local time.

Each message is one record; then, for each identifier found in its text that has an
entity (phone, IBAN, crypto address, plate, container, IMO, MMSI), one more record at
the same line, so the entity's provenance points at the message (``file:line``). That
record also describes the text (``text_*`` fields, the case and the seizure), from
which the mapping makes a ``CaseText`` entity that ``mentions`` the identifier's.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from filet.ingest.convert import is_missing, timestamp
from filet.ingest.mapping import Column
from filet.ingest.records import WHOLE_RECORD, RecordError, SourceRecord, check_text
from filet.network.extract import extract
from filet.network.lexicon import default_lexicon

# Identifier kinds stored as entities (ingest/mappings/seized.yaml); e-mails and
# coordinates stay in the message's ``identifiers`` column.
ENTITY_KINDS = ("phone", "iban", "crypto", "plate", "container", "imo", "mmsi")
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
_CHAT_LISTS = ("chats", "left_chats")
# A text's time without an offset is French legal time, as seized.yaml reads ``ts``.
_SENT = Column("ts", timezone="Europe/Paris")


def message_fields(
    chat: str | None, sent: str, sender: str | None, text: str, **extra: Any
) -> dict[str, Any]:
    """A message record's fields, with the identifiers and slang found in its text;
    RecordError when the text holds bytes that were not UTF-8."""
    return with_findings({"chat": chat, "ts": sent, "sender": sender, "text": text, **extra})


def with_findings(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields with ``identifiers`` and ``slang`` found in their ``text``, for any
    text read from a case (messages, procès-verbaux); RecordError when a field holds
    bytes that were not UTF-8."""
    check_text(fields)
    text = fields["text"]
    found = extract(text)
    slang = sorted({hit.term.term for hit in default_lexicon().find(text)})
    identifiers = ", ".join(f"{item.kind}:{item.value}" for item in found) or None
    return {**fields, "identifiers": identifiers, "slang": ", ".join(slang) or None}


def with_mentions(records: Iterator[SourceRecord], source_file: str) -> Iterator[SourceRecord]:
    """Each record, then one record per identifier in its ``identifiers`` that becomes
    an entity, carrying the text it was found in (``text_fields``)."""
    for record in records:
        yield record
        found = record.fields.get("identifiers") if record.fields else None
        if not found:
            continue
        text = text_fields(record, source_file)
        for item in found.split(", "):
            kind, _, value = item.partition(":")
            if kind in ENTITY_KINDS:
                fields = {"identifier_kind": kind, kind: value, **text}
                yield SourceRecord(record.line, record.raw, fields)


def text_fields(record: SourceRecord, source_file: str) -> dict[str, Any]:
    """What the ``CaseText`` of a message or paragraph is made of: where it stands
    (``file:line``), a digest of its raw text (two files of the same name, two seizures,
    are two texts; the same file read again is the same one), its time in UTC, its chat,
    sender or document, its case and seizure, and a title that says all this."""
    fields = record.fields or {}
    where = f"{source_file}:{record.line}"
    sent = _utc(fields.get("ts"))
    seizure = fields.get("seizure_ref")
    shown = (seizure, fields.get("chat"), sent and sent[:16].replace("T", " ") + " UTC", where)
    return {
        "text_record": where,
        "text_digest": hashlib.sha256(record.raw.encode("utf-8", "surrogateescape")).hexdigest(),
        "text_title": " · ".join(str(part) for part in shown if not is_missing(part)),
        "text_date": sent,
        "text_chat": fields.get("chat"),
        "text_sender": fields.get("sender"),
        "text_document": fields.get("document"),
        "case_ref": fields.get("case_ref"),
        "seizure_ref": seizure,
    }


def _utc(sent: Any) -> str | None:
    """The time as FtM writes a date, in UTC; None when there is none or it does not
    parse (the message itself then goes to the quarantine with its reason)."""
    if is_missing(sent):
        return None
    try:
        return timestamp(sent, _SENT).strftime("%Y-%m-%dT%H:%M:%S")
    except RecordError:
        return None


# Telegram


def telegram_records(text: str) -> Iterator[SourceRecord]:
    """One record per message of a Telegram Desktop export, at the line it starts."""
    walker = _Walker(text)
    try:
        yield from walker.chat({})
    except (json.JSONDecodeError, IndexError, RecursionError) as error:
        line = walker.line(walker.pos)
        if isinstance(error, json.JSONDecodeError):
            reason = f"{error.msg} (ligne / line {walker.line(error.pos)})"
        elif isinstance(error, IndexError):
            reason = "fin de fichier inattendue / unexpected end of file"
        else:
            reason = "trop imbriqué / nested too deep"
        problem = RecordError(
            WHOLE_RECORD, f"JSON Telegram illisible / unreadable Telegram JSON: {reason}"
        )
        yield SourceRecord(line, text[walker.pos :], None, problem)


def telegram_fields(message: Any, chat: dict[str, Any]) -> dict[str, Any]:
    """A Telegram message's fields; RecordError naming the key at fault."""
    if not isinstance(message, dict):
        raise RecordError(WHOLE_RECORD, "message: objet JSON attendu / JSON object expected")
    service = message.get("type") == "service"
    text = _telegram_text(message.get("text", ""))
    if service and not text:
        text = f"[{message.get('action', 'service')}]"
    return message_fields(
        _text_or_none(chat.get("name")),
        _telegram_time(message),
        _text_or_none(message.get("actor" if service else "from")),
        text,
        chat_id=_text_or_none(chat.get("id")),
        message_id=_text_or_none(message.get("id")),
        sender_id=_text_or_none(message.get("actor_id" if service else "from_id")),
    )


def _telegram_text(text: Any) -> str:
    if isinstance(text, str):
        return text
    if not isinstance(text, list):
        raise RecordError("text", "texte ou liste attendu / text or list expected")
    parts = [part if isinstance(part, str) else part.get("text", "") for part in text]
    if not all(isinstance(part, str) for part in parts):
        raise RecordError("text", "entité de texte illisible / unreadable text entity")
    return "".join(parts)


def _telegram_time(message: dict[str, Any]) -> str:
    """UTC from ``date_unixtime`` when present, else ``date`` as written (local time)."""
    try:
        if "date_unixtime" in message:
            return datetime.fromtimestamp(int(message["date_unixtime"]), UTC).isoformat()
        return datetime.fromisoformat(str(message["date"])).isoformat()
    except KeyError:
        raise RecordError("date", "date manquante / missing date") from None
    except (TypeError, ValueError, OverflowError, OSError) as error:
        raise RecordError("date", f"date illisible / unreadable date: {error}") from error


def _text_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


class _Walker:
    """Reads the export value by value, keeping positions (hence source lines)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self._counted = (0, 1)

    def line(self, pos: int) -> int:
        start, line = self._counted if pos >= self._counted[0] else (0, 1)
        line += self.text.count("\n", start, pos)
        self._counted = (pos, line)
        return line

    def peek(self) -> str:
        self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
        return self.text[self.pos]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise json.JSONDecodeError(f"'{char}' attendu / expected", self.text, self.pos)
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        value, self.pos = _DECODER.raw_decode(self.text, self.pos)
        return value

    def elements(self, close: str) -> Iterator[None]:
        """Positions the walker on each element until ``close``; the caller reads it."""
        first = True
        while self.peek() != close:
            if not first:
                self.expect(",")
                self.peek()
            first = False
            yield
        self.pos += 1

    def chat(self, chat: dict[str, Any]) -> Iterator[SourceRecord]:
        self.expect("{")
        for _ in self.elements("}"):
            if self.peek() != '"':
                raise json.JSONDecodeError("clé attendue / key expected", self.text, self.pos)
            key, self.pos = json.decoder.scanstring(self.text, self.pos + 1)  # type: ignore[attr-defined]
            self.expect(":")
            if key in _CHAT_LISTS and self.peek() == "{":
                yield from self.chat({})
            elif key == "list" and self.peek() == "[":
                self.expect("[")
                for _ in self.elements("]"):
                    yield from self.chat({})
            elif key == "messages" and self.peek() == "[":
                yield from self.messages(chat)
            else:
                chat[key] = self.value()

    def messages(self, chat: dict[str, Any]) -> Iterator[SourceRecord]:
        self.expect("[")
        for _ in self.elements("]"):
            start = self.pos
            message = self.value()
            raw = self.text[start : self.pos]
            try:
                yield SourceRecord(self.line(start), raw, telegram_fields(message, chat))
            except RecordError as problem:
                yield SourceRecord(self.line(start), raw, None, problem)


# WhatsApp

_IPHONE = re.compile(
    r"^\[(\d{1,2})/(\d{1,2})/(\d{2,4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?\] (.*)$", re.DOTALL
)
_ANDROID = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{2,4}),? (\d{1,2}):(\d{2})(?::(\d{2}))? - (.*)$", re.DOTALL
)
_MARKS = "\u200e\u200f\ufeff"
# The file names WhatsApp gives an export, in English and French.
_EXPORT_NAME = re.compile(r"^(?:WhatsApp Chat with |Discussion WhatsApp avec )", re.IGNORECASE)


def whatsapp_records(lines: Iterator[str], chat: str | None) -> Iterator[SourceRecord]:
    """One record per message: its header line and the lines that continue it."""
    chat = _EXPORT_NAME.sub("", chat) if chat else chat
    first, taken = 0, list[str]()
    for number, text in enumerate(lines, start=1):
        line = text.rstrip("\r\n")
        if _header(line) is not None and taken:
            yield from _whatsapp_records(first, taken, chat)
            taken = []
        if not taken:
            first = number
        taken.append(line)
    if taken:
        yield from _whatsapp_records(first, taken, chat)


def whatsapp_fields(raw: str, chat: str | None) -> dict[str, Any]:
    """A WhatsApp message's fields from its lines; RecordError when it has no header."""
    first, _, rest = raw.partition("\n")
    header = _header(first)
    if header is None:
        raise RecordError(
            WHOLE_RECORD,
            "ligne hors message, sans date / line outside a message, no date header",
        )
    day, month, year, hour, minute, second, body = header.groups()
    year = f"20{year}" if len(year) == 2 else year
    try:
        sent = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError as error:
        raise RecordError("date", f"date impossible / impossible date: {error}") from error
    text = "\n".join([body, rest]) if rest else body
    sender, colon, said = text.partition(": ")
    if not colon or "\n" in sender:
        return message_fields(chat, sent.isoformat(), None, text.strip(_MARKS))
    return message_fields(chat, sent.isoformat(), sender.strip(_MARKS), said.strip(_MARKS))


def _header(line: str) -> re.Match[str] | None:
    bare = line.lstrip(_MARKS)
    return _IPHONE.match(bare) or _ANDROID.match(bare)


def _whatsapp_records(first: int, taken: list[str], chat: str | None) -> Iterator[SourceRecord]:
    """The record for these lines; none when they are all blank."""
    while taken and not taken[-1].strip():
        taken = taken[:-1]
    if not taken:
        return
    raw = "\n".join(taken)
    try:
        yield SourceRecord(first, raw, whatsapp_fields(raw, chat))
    except RecordError as problem:
        yield SourceRecord(first, raw, None, problem)

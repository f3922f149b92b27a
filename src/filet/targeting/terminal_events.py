"""Container terminal events as the ``terminal`` format reads them.

A terminal operating system's export (one event a row: ``container, ts, event,
terminal, party, haulier, truck_plate, pin, seal, consignment_id``) is read as CSV, then
each record is made safe and comparable before anything else sees it:

- the **release PIN** becomes a digest. A PIN is a bearer credential: whoever holds it
  takes the container out of the terminal, and stolen or bought PINs are how cocaine
  containers are pulled out (Europol, *Criminal networks in EU ports*, 2023). The
  detectors only need to know whether the PIN presented at the gate is the one issued,
  and a digest answers that, so the PIN itself is kept nowhere: not in the event
  table, not in the quarantine (the record's raw text is rewritten with the digest),
  not in an alert or an export. The digest does not depend on the container number,
  so that correcting a mistyped number in the quarantine keeps the PIN's digest right.
  It is keyed (HMAC-SHA-256 with the key of ``filet.security.pin_key``, held outside
  the tables): without the key, trying every short PIN finds nothing;
- the **container number** is compacted and checked (ISO 6346 check digit): a number
  that fails it is a typing error or an invented box, and the record goes to the
  quarantine, naming the column;
- the **event** is written in lower case with underscores (``Gate Out`` is
  ``gate_out``), for the mapping's code list to check.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from collections.abc import Iterator
from typing import Any

from filet.ingest.records import RecordError, SourceRecord
from filet.model.identifiers import container as iso6346
from filet.security.pin_key import current_pin_key

PIN_COLUMN = "pin"
CONTAINER_COLUMN = "container"
EVENT_COLUMN = "event"
DIGEST_PREFIX = "hmac-sha256:"
# Digests already made (a quarantined record replayed from its rewritten text), and
# those of stores written before the digest was keyed, are kept as they are.
_DIGEST = re.compile(r"(hmac-)?sha256:[0-9a-f]{32}")
# Raw text kept in the quarantine for a line that could not be split into columns: the
# PIN's position in it is unknown, so the line itself is not kept (the file and line
# number still lead to it).
WITHHELD = "[ligne non conservée : elle peut contenir un PIN / line not kept: it may hold a PIN]"


def pin_digest(pin: str, key: bytes | None = None) -> str:
    """The digest stored in place of ``pin``, keyed with ``key`` or the block's (see
    ``filet.security.pin_key.pin_key``); a digest given again is kept as it is, so
    that a quarantined record replayed from its rewritten text digests nothing twice."""
    text = pin.strip()
    if _DIGEST.fullmatch(text):
        return text
    secret = key if key is not None else current_pin_key()
    if secret is None:
        raise RecordError(PIN_COLUMN, "aucune clé de PIN / no PIN key (filet.security.pin_key)")
    keyed = hmac.new(secret, text.encode("utf-8", "surrogateescape"), hashlib.sha256)
    return DIGEST_PREFIX + keyed.hexdigest()[:32]


def event_name(text: str) -> str:
    """``Gate Out``, ``GATE-OUT`` and ``gate_out`` are the same event."""
    return re.sub(r"[\s-]+", "_", text.strip()).lower()


def terminal_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The record with its PIN digested, its container compacted and its event named."""
    out = dict(fields)
    box = fields.get(CONTAINER_COLUMN)
    if isinstance(box, str):
        out[CONTAINER_COLUMN] = iso6346.compact(box)
    pin = fields.get(PIN_COLUMN)
    if isinstance(pin, str) and pin.strip():
        out[PIN_COLUMN] = pin_digest(pin)
    event = fields.get(EVENT_COLUMN)
    if isinstance(event, str):
        out[EVENT_COLUMN] = event_name(event)
    return out


def container_problem(fields: dict[str, Any]) -> RecordError | None:
    """Why the record's container number is not an ISO 6346 one, if it is not."""
    box = fields.get(CONTAINER_COLUMN)
    if not isinstance(box, str) or not box.strip():
        return None  # missing: the mapping says it is required, and names it
    try:
        iso6346.normalize(box)
    except ValueError as error:
        return RecordError(CONTAINER_COLUMN, str(error))
    return None


def checked_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """:func:`terminal_fields`, raising on a container number that is not ISO 6346."""
    safe = terminal_fields(fields)
    problem = container_problem(safe)
    if problem is not None:
        raise problem
    return safe


def terminal_records(records: Iterator[SourceRecord], delimiter: str) -> Iterator[SourceRecord]:
    """CSV records made safe: fields and raw text carry the PIN's digest, never the PIN."""
    for record in records:
        if record.fields is None:
            yield SourceRecord(record.line, WITHHELD, None, record.problem)
            continue
        safe = terminal_fields(record.fields)
        raw = csv_line(list(safe.values()), delimiter)
        problem = container_problem(safe)
        # A wrong container number is fixed in the raw text (``raw=``), which is checked
        # again; fields left in the quarantine would replay unchecked.
        yield SourceRecord(record.line, raw, None if problem else safe, problem)


def csv_line(values: list[Any], delimiter: str) -> str:
    """One CSV line, quoted where needed, without its line ending."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerow(values)
    return buffer.getvalue().removesuffix("\n")

"""Other phone-extraction reports as the ``extraction`` format reads them.

Extraction tools (Cellebrite, Oxygen, XRY, MOBILedit…) each write their own report;
rather than one reader per tool and version, a report is converted once (a script, a
spreadsheet) into this generic layout, and Filet stores it exactly as the dedicated
formats would: the same tables, the same entities, the same keys.

One JSON Lines file (UTF-8), one JSON object per line; blank lines are skipped.
Every object has ``kind`` and only the fields of its kind; a value is text, a number
or ``null``. ``case_ref`` and ``seizure_ref`` (the case and the seizure, scellé) are
allowed in every kind. Required fields are marked with ``*``.

- ``"kind": "call"`` to the ``calls`` table, as the ``cdr`` format: ``caller*``,
  ``callee*`` (numbers, written in E.164 where they parse), ``start*`` (ISO 8601;
  without an offset, French legal time, Europe/Paris), ``duration_s`` (seconds,
  ≥ 0), ``type`` (voice, sms, mms, data…), ``cell_start``, ``cell_end`` (CGI).
- ``"kind": "message"`` to the ``messages`` table, as the ``telegram`` and
  ``whatsapp`` formats: ``ts*`` (ISO 8601, as ``start``), ``text``, ``chat``,
  ``chat_id``, ``message_id``, ``sender``, ``sender_id``; the identifiers and slang
  found in ``text`` are added, and each identifier with an entity becomes one.
- ``"kind": "contact"`` to the ``contacts`` table, as the ``contacts`` format:
  ``owner*`` (the seized phone's number), ``name``, ``number``, ``email``.

Example::

    {"kind": "call", "caller": "06 12 34 56 78", "callee": "+33698765432",
     "start": "2024-03-01T10:00:00", "duration_s": 65, "cell_start": "208-01-1234"}

(on one line). A line that is not such an object goes to the quarantine with its
line and the field at fault: an unknown kind, an unknown or nested field, a missing
required value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from filet.ingest.convert import is_missing
from filet.ingest.records import RecordError, SourceRecord
from filet.network.cdr import with_numbers
from filet.network.contacts import CONTACT_NUMBERS
from filet.network.messaging import with_findings

REFS = ("case_ref", "seizure_ref")
FIELDS: dict[str, tuple[str, ...]] = {
    "call": ("caller", "callee", "start", "duration_s", "type", "cell_start", "cell_end"),
    "message": ("ts", "text", "chat", "chat_id", "message_id", "sender", "sender_id"),
    "contact": ("owner", "name", "number", "email"),
}
# The field that sends a record to its table (the mapping's ``only_if``): without it a
# record would store nothing of its kind, so it is required here.
ROUTES = {"call": "start", "message": "ts", "contact": "owner"}


def extraction_records(records: Iterator[SourceRecord]) -> Iterator[SourceRecord]:
    """JSON Lines records as the fields of their kind; unparsable ones pass unchanged."""
    for record in records:
        if record.fields is None:
            yield record
            continue
        try:
            yield SourceRecord(record.line, record.raw, extraction_fields(record.fields))
        except RecordError as problem:
            yield SourceRecord(record.line, record.raw, None, problem)


def extraction_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """One object's fields, as the dedicated format of its kind gives them."""
    kind = fields.get("kind")
    if not isinstance(kind, str) or kind not in FIELDS:
        known = ", ".join(FIELDS)
        raise RecordError("kind", f"{kind!r}: inconnu / unknown (connus / known: {known})")
    allowed = (*FIELDS[kind], *REFS)
    values = {key: value for key, value in fields.items() if key != "kind"}
    for key, value in values.items():
        if key not in allowed:
            listed = ", ".join(allowed)
            raise RecordError(key, f"champ inconnu / unknown field ({kind}: {listed})")
        if isinstance(value, dict | list):
            raise RecordError(key, "valeur imbriquée / nested value, expected text or a number")
    if is_missing(values.get(ROUTES[kind])):
        raise RecordError(ROUTES[kind], f"valeur manquante / missing value ({kind})")
    return _KINDS[kind](values)


def _message(values: dict[str, Any]) -> dict[str, Any]:
    text = values.get("text") or ""
    if not isinstance(text, str):
        raise RecordError("text", "texte attendu / text expected")
    return with_findings({**values, "text": text})


_KINDS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "call": with_numbers,
    "message": _message,
    "contact": CONTACT_NUMBERS.fields,
}

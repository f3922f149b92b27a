"""Meetings ("rencontres") as the ``meetings`` and ``meetings-edgelist`` formats read them.

A surveillance report or a procès-verbal says who met whom, when and where. The
``meetings`` format is a CSV with a header: ``start`` (ISO 8601, French legal time when
it has no offset), either ``participants`` (separated by ``;`` or ``|``, as many as
were seen together) or a pair ``participant_a``, ``participant_b``, then ``place``,
``source`` (surveillance, PV, sonorisation…), ``case_ref``, ``seizure_ref`` and
``count`` (meetings the row stands for, 1 when empty). Only the participants are
required: published networks give no dates.

``meetings-edgelist`` reads the layout the Montagna study publishes (Cavallaro et al.
2020, PLOS ONE 15(8):e0236476): ``a b count`` separated by spaces or tabs, no header,
one row per pair that met, ``count`` the meetings between them.

A participant written as a phone number is kept in E.164, so that the line the
surveillance identified is the one the fadettes show; any other participant is a name,
spaces collapsed. A record is one meeting whatever its size: its row in the ``meetings``
table lists the participants, and the pairs are drawn at analysis time
(``filet.network.multigraph``), so that the quarantine and a replay handle the meeting
as one line of the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from filet.ingest.convert import is_missing
from filet.ingest.records import (
    WHOLE_RECORD,
    AddedColumns,
    RecordError,
    SourceRecord,
    check_text,
)
from filet.network.numbers import e164

SEPARATOR = "; "  # between the participants stored in ``meetings.participants``
_SPLIT = re.compile(r"[;|]")
_SPACES = re.compile(r"\s+")


def participant(value: str) -> str | None:
    """A participant as stored: the number in E.164 when it is one, else the name with
    its spaces collapsed; None when empty."""
    name = _SPACES.sub(" ", value).strip()
    if not name:
        return None
    return e164(name) or name


def participants_of(stored: str) -> list[str]:
    """The participants of a ``meetings`` row, in the order they were written."""
    return [name for name in stored.split(SEPARATOR) if name]


def meeting_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The record with ``meeting_participants`` (at least two, each once) and
    ``meeting_count``; RecordError naming the column otherwise."""
    check_text(fields)
    given = fields.get("participants")
    if not is_missing(given):
        written, column = _SPLIT.split(str(given)), "participants"
    else:
        pair = (fields.get("participant_a"), fields.get("participant_b"))
        written, column = [str(v) for v in pair if not is_missing(v)], "participant_a"
    names = list(dict.fromkeys(p for p in (participant(w) for w in written) if p))
    if len(names) < 2:
        raise RecordError(
            column,
            "au moins deux participants / at least two participants "
            f"(participants, ou / or participant_a et / and participant_b): {names}",
        )
    count = fields.get("count")
    return {
        **fields,
        "meeting_participants": SEPARATOR.join(names),
        "meeting_count": "1" if is_missing(count) else count,
    }


class MeetingColumns(AddedColumns):
    """The meetings CSV's derived columns: the participants as stored, the count."""

    added = ("meeting_participants", "meeting_count")

    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        return meeting_fields(fields)


MEETING_COLUMNS = MeetingColumns()


def edgelist_fields(raw: str) -> dict[str, Any]:
    """One ``a b count`` row of a published edge list as a meeting record."""
    parts = raw.split()
    if len(parts) != 3:
        raise RecordError(
            WHOLE_RECORD, f"'a b nombre' attendu / expected 'a b count': {len(parts)} champs"
        )
    return meeting_fields({"participant_a": parts[0], "participant_b": parts[1], "count": parts[2]})


def edgelist_records(lines: Iterator[str]) -> Iterator[SourceRecord]:
    """Records of a headerless edge list; blank lines skipped, bad rows carry their problem."""
    for number, text in enumerate(lines, start=1):
        raw = text.rstrip("\r\n")
        if not raw.strip():
            continue
        try:
            yield SourceRecord(number, raw, edgelist_fields(raw))
        except RecordError as problem:
            yield SourceRecord(number, raw, None, problem)

"""Call detail records ("fadettes") as the ``cdr`` format reads them.

The generic layout (docs/networks.md) is a CSV with a header: ``caller``, ``callee``,
``start``, ``duration_s``, ``type``, ``cell_start``, ``cell_end``, ``case_ref``,
``seizure_ref``. Operators write numbers nationally (``06 12 34 56 78``) or
internationally (``+33 6 12 34 56 78``, ``0033…``); both become E.164 so that one line
is one node whatever the file. A number that does not parse (a short code, a masked
number) is kept as written: the call still happened, and the analyst sees it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from filet.ingest.records import SourceRecord
from filet.model.identifiers import phone

NUMBER_COLUMNS = ("caller", "callee")
ADDED_COLUMNS = tuple(f"{column}_e164" for column in NUMBER_COLUMNS)


def cdr_columns(header: list[str] | None) -> list[str] | None:
    """The CSV header plus the E.164 columns the reader adds."""
    return None if header is None else [*header, *ADDED_COLUMNS]


def csv_columns(columns: list[str] | None) -> list[str] | None:
    """The CSV header alone, from the columns the reader announced."""
    return None if columns is None else [c for c in columns if c not in ADDED_COLUMNS]


def with_numbers(fields: dict[str, Any]) -> dict[str, Any]:
    """The record with ``caller``/``callee`` in E.164 where they parse, and
    ``caller_e164``/``callee_e164`` set only then (the Phone entities' keys)."""
    out = dict(fields)
    for column in NUMBER_COLUMNS:
        given = fields.get(column)
        if not isinstance(given, str) or not given.strip():
            continue
        try:
            number = phone.normalize(given.strip())
        except ValueError:
            out[column] = given.strip()
            continue
        out[column] = number
        out[f"{column}_e164"] = number
    return out


def cdr_records(records: Iterator[SourceRecord]) -> Iterator[SourceRecord]:
    """CSV records with their numbers normalised; unparsable records pass unchanged."""
    for record in records:
        if record.fields is None:
            yield record
        else:
            yield SourceRecord(record.line, record.raw, with_numbers(record.fields))

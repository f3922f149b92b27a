"""Phone-number columns of a CSV written in E.164, so that a line is one node everywhere.

A seized phone's contact list, like an operator's call records, writes numbers
nationally (``06 12 34 56 78``) or internationally (``+33 6 12 34 56 78``); both
become E.164, and ``<column>_e164`` is set only then: it is the Phone entity's key, so
a short code or a masked number is kept as written but makes no entity.
"""

from __future__ import annotations

from typing import Any

from filet.ingest.records import AddedColumns
from filet.model.identifiers import phone


def e164(value: Any) -> str | None:
    """``value`` in E.164 when it is a phone number that parses, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return phone.normalize(value.strip())
    except ValueError:
        return None


class NumberColumns(AddedColumns):
    """The columns of a CSV layout that hold phone numbers, and their E.164 keys."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.added = tuple(f"{column}_e164" for column in columns)

    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The record with its numbers in E.164 where they parse, and the keys set."""
        out = dict(fields)
        for column, key in zip(self.columns, self.added, strict=True):
            number = e164(fields.get(column))
            if number is not None:
                out[column] = out[key] = number
        return out

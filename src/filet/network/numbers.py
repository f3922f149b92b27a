"""Phone-number columns of a CSV written in E.164, so that a line is one node everywhere.

A seized phone's contact list, like an operator's call records, writes numbers
nationally (``06 12 34 56 78``) or internationally (``+33 6 12 34 56 78``); both
become E.164, and ``<column>_e164`` is set only then: it is the Phone entity's key, so
a short code or a masked number is kept as written but makes no entity.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from filet.model.identifiers import phone

if TYPE_CHECKING:  # a runtime import would loop: filet.ingest reads contacts through us
    from filet.ingest.records import SourceRecord


def e164(value: Any) -> str | None:
    """``value`` in E.164 when it is a phone number that parses, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return phone.normalize(value.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class NumberColumns:
    """The columns of a CSV layout that hold phone numbers."""

    columns: tuple[str, ...]

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(f"{column}_e164" for column in self.columns)

    def announced(self, header: list[str] | None) -> list[str] | None:
        """The CSV header plus the E.164 columns the reader adds."""
        return None if header is None else [*header, *self.added]

    def header(self, columns: list[str] | None) -> list[str] | None:
        """The CSV header alone, from the columns the reader announced."""
        return None if columns is None else [c for c in columns if c not in self.added]

    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The record with its numbers in E.164 where they parse, and the keys set."""
        out = dict(fields)
        for column, key in zip(self.columns, self.added, strict=True):
            number = e164(fields.get(column))
            if number is not None:
                out[column] = out[key] = number
        return out

    def records(self, records: Iterator[SourceRecord]) -> Iterator[SourceRecord]:
        """CSV records with their numbers normalised; unparsable records pass unchanged."""
        for record in records:
            if record.fields is None:
                yield record
            else:
                yield replace(record, fields=self.fields(record.fields))

"""What a reader hands over and what validation makes of it.

A record keeps its raw text next to its parsed fields: when validation rejects it,
the quarantine stores the text as it was read, so nothing in the file is lost even
when the record cannot be parsed at all.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from followthemoney import EntityProxy

from filet.model.provenance import Provenance

WHOLE_RECORD = "(enregistrement / record)"


class IngestError(ValueError):
    """A problem with a whole file or its setup (format, mapping, options): nothing ingested."""


class RecordError(Exception):
    """One record is invalid; ``field`` names the column or property at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class SourceRecord:
    """One record as read: its first line, its raw text and, when parsable, its fields."""

    line: int
    raw: str
    fields: dict[str, Any] | None
    problem: RecordError | None = None


@dataclass
class Mapped:
    """What one valid record yields: entities with their provenance, and event rows."""

    entities: list[tuple[EntityProxy, Provenance]] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.entities and not self.events


def storable_text(text: str) -> str:
    """The text with undecodable bytes and NUL written as escapes, which any database keeps."""
    escaped = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return escaped.replace("\x00", "\\x00")


def check_text(fields: dict[str, Any], prefix: str = "") -> None:
    """Reject a record holding bytes that are not UTF-8 text, or NUL characters."""
    for key, value in fields.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            check_text(value, prefix=f"{name}.")
        elif isinstance(value, list):
            check_text({str(index): item for index, item in enumerate(value)}, f"{name}.")
        elif isinstance(value, str) and not _clean(value):
            raise RecordError(
                name,
                f"octets non UTF-8 ou NUL dans {storable_text(value)[:80]!r} / "
                "bytes that are not UTF-8 text, or NUL",
            )
        if not _clean(str(key)):
            raise RecordError(storable_text(name), "nom de champ illisible / unreadable field name")


def _clean(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: bytes that were not UTF-8
        return False
    return True


class AddedColumns(ABC):
    """A CSV reader's derived columns (keys, normalized or checked values): the header
    it announces, and each record with its fields derived. A record whose fields cannot
    be derived keeps its raw text and carries the problem, for the quarantine (fixed
    there with ``raw=``, which is derived again)."""

    added: tuple[str, ...]

    def announced(self, header: list[str] | None) -> list[str] | None:
        """The CSV header plus the columns the reader adds."""
        return None if header is None else [*header, *self.added]

    def header(self, columns: list[str] | None) -> list[str] | None:
        """The CSV header alone, from the columns the reader announced."""
        return None if columns is None else [c for c in columns if c not in self.added]

    @abstractmethod
    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The record's fields with the added columns; RecordError naming the column."""

    def records(self, records: Iterator[SourceRecord]) -> Iterator[SourceRecord]:
        for record in records:
            if record.fields is None:
                yield record
                continue
            try:
                yield replace(record, fields=self.fields(record.fields))
            except RecordError as problem:
                yield replace(record, fields=None, problem=problem)

"""YAML mappings from the columns of a table to entities and to event rows.

The ``entities:`` section is a FollowTheMoney query mapping, read by FtM's own engine,
so a mapping written for ``ftm map`` carries over. Filet adds ``events:`` (columns to
the rows of an event table, typed by that table's declared Arrow schema) and
``provenance:`` (defaults, or per-record columns, for the provenance of every value).
Every error names the mapping file and the key at fault, before any row is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa
import yaml
from followthemoney.exc import InvalidMapping
from followthemoney.mapping import QueryMapping
from followthemoney.mapping.source import Source

from filet.ingest.records import IngestError
from filet.model import model
from filet.model.provenance import HandlingCode, parse_grading
from filet.store.events import EVENT_TABLES

TOP_KEYS = {
    "description",
    "delimiter",
    "decimal",
    "null_values",
    "provenance",
    "entities",
    "events",
}
COLUMN_KEYS = {"column", "format", "timezone", "min", "max", "required", "values", "optional"}
PROVENANCE_KEYS = {"dataset", "collecting_service", "grading", "handling", "collected_at"}
TIMESTAMP_FORMATS = ("iso", "epoch_s", "epoch_ms", "epoch_days")
_SOURCE_FIELDS = {"source_file", "source_line"}


@dataclass(frozen=True)
class Column:
    """How one value is read from a record: the column, and for timestamps its format."""

    column: str
    format: str = "iso"
    timezone: str = "UTC"
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False
    decimal: str = "."  # "," for numbers written the French way: 43,25
    # The only values a text field may take (a code list); empty: any text.
    values: tuple[str, ...] = ()
    # A column a file may lack (added to a layout later): the field is then empty.
    optional: bool = False


@dataclass(frozen=True)
class EventMapping:
    """Rows of ``table``; a record whose ``only_if`` fields are null yields no row."""

    table: str
    fields: dict[str, Column]
    only_if: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mapping:
    """A checked mapping; ``text`` is kept so that a replay months later maps the same way."""

    name: str
    text: str
    delimiter: str
    decimal: str
    null_values: dict[str, tuple[Any, ...]]
    defaults: dict[str, str]
    provenance_columns: dict[str, Column]
    entities: QueryMapping | None
    events: tuple[EventMapping, ...]

    def columns(self) -> dict[str, str]:
        """Each source column the mapping reads, with the key that reads it."""
        used: dict[str, str] = {}
        for entity in self.entities.entities if self.entities else []:
            for column in sorted(entity.refs):
                used.setdefault(column, f"entities.{entity.name}")
        for key, spec in self.provenance_columns.items():
            used.setdefault(spec.column, f"provenance.{key}")
        for event in self.events:
            for target, spec in event.fields.items():
                used.setdefault(spec.column, f"events.{event.table}.fields.{target}")
        return used

    def optional_columns(self) -> set[str]:
        """Source columns a file may lack: only ``optional`` event fields read them."""
        specs = [spec for event in self.events for spec in event.fields.values()]
        needed = {spec.column for spec in specs if not spec.optional}
        needed |= {spec.column for spec in self.provenance_columns.values()}
        for entity in self.entities.entities if self.entities else []:
            needed |= set(entity.refs)
        return {spec.column for spec in specs if spec.optional} - needed


class _EntitiesOnly(QueryMapping):
    """FtM's query mapping without a source: Filet's readers feed it the records."""

    def _get_source(self, data: dict[str, Any]) -> Source:
        return Source(self, data)


def parse_mapping(text: str, name: str) -> Mapping:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise IngestError(f"{name}: YAML illisible / unreadable YAML: {error}") from error
    if not isinstance(data, dict):
        raise IngestError(f"{name}: le mapping doit être un dictionnaire / must be a mapping")
    _only_keys(data, TOP_KEYS, name, "")
    if not data.get("entities") and not data.get("events"):
        raise IngestError(f"{name}: ni entities ni events / neither entities nor events")
    defaults, columns = _provenance(_section(data, "provenance", name), name)
    delimiter = data.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise IngestError(f"{name}: delimiter: un seul caractère / one character expected")
    decimal = data.get("decimal", ".")
    if decimal not in (".", ","):
        raise IngestError(f"{name}: decimal: '.' ou / or ','")
    events = tuple(
        _event(table, spec, name, decimal) for table, spec in _section(data, "events", name).items()
    )
    nulls = _null_values(_section(data, "null_values", name), name)
    entities = _entities(data, name)
    return Mapping(name, text, delimiter, decimal, nulls, defaults, columns, entities, events)


def _null_values(section: dict[str, Any], name: str) -> dict[str, tuple[Any, ...]]:
    nulls: dict[str, tuple[Any, ...]] = {}
    for column, values in section.items():
        if not isinstance(values, list) or not all(
            isinstance(v, str | int | float) for v in values
        ):
            raise IngestError(f"{name}: null_values.{column}: liste de valeurs / list of values")
        nulls[str(column)] = tuple(values)
    return nulls


def _entities(data: dict[str, Any], name: str) -> QueryMapping | None:
    section = _section(data, "entities", name)
    if not section:
        return None
    try:
        return _EntitiesOnly(model, {"entities": section})
    except (InvalidMapping, AttributeError, TypeError) as error:
        raise IngestError(f"{name}: entities: {error}") from error


def _provenance(section: dict[str, Any], name: str) -> tuple[dict[str, str], dict[str, Column]]:
    _only_keys(section, PROVENANCE_KEYS, name, "provenance.")
    defaults: dict[str, str] = {}
    columns: dict[str, Column] = {}
    for key, value in section.items():
        where = f"provenance.{key}"
        if isinstance(value, dict):
            columns[key] = _column(value, name, where, timestamp=key == "collected_at")
            continue
        if isinstance(value, date):  # YAML reads 2024-05-01 as a date
            value = value.isoformat()
        if not isinstance(value, str | int) or not str(value):
            raise IngestError(f"{name}: {where}: texte ou {{column: …}} attendu / expected")
        defaults[key] = str(value)
    try:
        if "collected_at" in defaults:
            datetime.fromisoformat(defaults["collected_at"])
        if "grading" in defaults:
            parse_grading(defaults["grading"])
        if "handling" in defaults:
            HandlingCode(defaults["handling"])
    except ValueError as error:
        raise IngestError(f"{name}: provenance: {error}") from error
    return defaults, columns


def _event(table: str, spec: Any, name: str, decimal: str) -> EventMapping:
    where = f"events.{table}"
    if table not in EVENT_TABLES:
        raise IngestError(
            f"{name}: {where}: table d'événements inconnue / unknown event table "
            f"(connues / known: {', '.join(EVENT_TABLES)})"
        )
    if not isinstance(spec, dict):
        raise IngestError(f"{name}: {where}: dictionnaire attendu / expected a mapping")
    _only_keys(spec, {"fields", "only_if"}, name, f"{where}.")
    schema = EVENT_TABLES[table]
    fields = spec.get("fields") or {}
    if not isinstance(fields, dict):
        raise IngestError(f"{name}: {where}.fields: dictionnaire attendu / expected a mapping")
    mapped: dict[str, Column] = {}
    for target, column in fields.items():
        if target not in schema.names or target in _SOURCE_FIELDS:
            raise IngestError(
                f"{name}: {where}.fields.{target}: pas un champ / not a field of {table}"
            )
        field = schema.field(target)
        mapped[target] = _column(
            column,
            name,
            f"{where}.fields.{target}",
            timestamp=pa.types.is_timestamp(field.type),
            numeric=_is_numeric(field.type),
            required=not field.nullable,
            decimal=decimal,
        )
    missing = [
        field.name
        for field in schema
        if not field.nullable and field.name not in mapped and field.name not in _SOURCE_FIELDS
    ]
    if missing:
        raise IngestError(f"{name}: {where}.fields: manquent / missing {', '.join(missing)}")
    only_if = spec.get("only_if") or []
    if not isinstance(only_if, list) or not all(item in mapped for item in only_if):
        raise IngestError(f"{name}: {where}.only_if: liste de champs de fields / list of fields")
    return EventMapping(table, mapped, tuple(only_if))


def _column(
    spec: Any,
    name: str,
    where: str,
    timestamp: bool = False,
    numeric: bool = False,
    required: bool = False,
    decimal: str = ".",
) -> Column:
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("column"), str):
        raise IngestError(f"{name}: {where}: {{column: NOM}} attendu / expected")
    _only_keys(spec, COLUMN_KEYS, name, f"{where}.")
    for key in sorted(spec):
        if key in ("format", "timezone") and not timestamp:
            raise IngestError(f"{name}: {where}.{key}: pour les dates / for timestamps only")
        if key in ("min", "max") and not numeric:
            raise IngestError(f"{name}: {where}.{key}: pour les nombres / for numbers only")
        if key == "values" and (timestamp or numeric):
            raise IngestError(f"{name}: {where}.values: pour le texte / for text only")
        if key == "optional" and not isinstance(spec[key], bool):
            raise IngestError(f"{name}: {where}.optional: true ou / or false")
    try:
        ZoneInfo(str(spec.get("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise IngestError(f"{name}: {where}.timezone: fuseau inconnu / unknown zone") from error
    return Column(
        column=spec["column"],
        format=str(spec.get("format", "iso")),
        timezone=str(spec.get("timezone", "UTC")),
        minimum=_number(spec.get("min"), name, f"{where}.min"),
        maximum=_number(spec.get("max"), name, f"{where}.max"),
        required=bool(spec.get("required", required)),
        decimal=decimal,
        values=_values(spec.get("values", []), name, f"{where}.values"),
        optional=spec.get("optional", False) is True,
    )


def _values(listed: Any, name: str, where: str) -> tuple[str, ...]:
    if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
        raise IngestError(f"{name}: {where}: liste de textes attendue / expected a list of text")
    return tuple(listed)


def _number(value: Any, name: str, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IngestError(f"{name}: {where}: nombre attendu / expected a number")
    return float(value)


def _is_numeric(kind: pa.DataType) -> bool:
    return bool(pa.types.is_floating(kind) or pa.types.is_integer(kind))


def _section(data: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    section = data.get(key) or {}
    if not isinstance(section, dict):
        raise IngestError(f"{name}: {key}: dictionnaire attendu / expected a mapping")
    return section


def _only_keys(data: dict[str, Any], allowed: set[str], name: str, prefix: str) -> None:
    unknown = sorted(str(key) for key in data if key not in allowed)
    if unknown:
        raise IngestError(
            f"{name}: {prefix}{unknown[0]}: clé inconnue / unknown key "
            f"(permises / allowed: {', '.join(sorted(allowed))})"
        )


def read_mapping(path: Path) -> Mapping:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise IngestError(f"{path}: mapping illisible / unreadable mapping: {error}") from error
    return parse_mapping(text, str(path))

"""Typed values from raw fields: numbers, timestamps, per-record provenance.

Each conversion failure is a ``RecordError`` naming the source column and what was
wrong with its value, which is what the analyst reads in the quarantine.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from filet.ingest.mapping import Column
from filet.ingest.records import RecordError
from filet.model.provenance import HandlingCode, Provenance, parse_grading

MAX_NAME_LENGTH = 128
_TRUE = {"true", "1", "yes", "oui", "vrai", "t", "y", "o"}
_FALSE = {"false", "0", "no", "non", "faux", "f", "n"}
# Numbers of time units since 1970-01-01 UTC, as seconds divided by the scale;
# epoch_days reads simulation steps of one day (AMLSim).
_EPOCH_SCALES = {"epoch_s": 1.0, "epoch_ms": 1000.0, "epoch_days": 1 / 86400}


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def event_value(fields: dict[str, Any], spec: Column, field: pa.Field, table: str) -> Any:
    """The value of ``field`` of ``table`` read from ``spec.column``, checked."""
    value = present_value(fields, spec, field, table)
    if value is None and spec.required:
        raise RecordError(
            spec.column, f"valeur manquante / missing value (pour / for {table}.{field.name})"
        )
    return value


def present_value(fields: dict[str, Any], spec: Column, field: pa.Field, table: str) -> Any:
    """The converted value, or None when the column is empty."""
    value = fields.get(spec.column)
    if is_missing(value):
        return None
    converted = _convert(value, field.type, spec)
    _check_range(converted, spec, f"{table}.{field.name}")
    return converted


def without_nulls(
    fields: dict[str, Any], nulls: dict[str, tuple[Any, ...]], decimal: str = "."
) -> dict[str, Any]:
    """The record with "not available" values (the mapping's ``null_values``) emptied."""
    cleaned = dict(fields)
    for column, values in nulls.items():
        value = cleaned.get(column)
        if isinstance(value, str) and decimal == ",":
            value = value.replace(",", ".")
        if value is not None and any(_same(value, null) for null in values):
            cleaned[column] = None
    return cleaned


def _same(value: Any, null: Any) -> bool:
    """Equal as text, or as numbers to float32 precision (AIS keeps 102.3 as 102.3000030518)."""
    if isinstance(value, str) and value.strip() == str(null):
        return True
    try:
        number, expected = float(value), float(null)
    except (TypeError, ValueError, OverflowError):
        return bool(value == null)
    return math.isclose(number, expected, rel_tol=1e-6)


def timestamp(value: Any, spec: Column) -> datetime:
    """A UTC timestamp from text, a number of seconds or milliseconds, or a datetime."""
    if isinstance(value, datetime):
        parsed = value
    elif spec.format in _EPOCH_SCALES:
        number = _float(value, spec.column)
        scale = _EPOCH_SCALES[spec.format]
        try:
            parsed = datetime.fromtimestamp(number / scale, UTC)
        except (OverflowError, OSError, ValueError) as error:
            raise RecordError(
                spec.column, f"{value!r}: date hors limites / out of range"
            ) from error
    else:
        parsed = _parse_text_time(value, spec)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(spec.timezone))
    try:
        return parsed.astimezone(UTC)
    except OverflowError as error:
        raise RecordError(spec.column, f"{value!r}: date hors limites / out of range") from error


@lru_cache(maxsize=65_536)
def _strptime(text: str, format: str) -> datetime:
    """Parsing, remembered: AIS and bank files repeat the same timestamps row after row."""
    if format == "iso":
        return datetime.fromisoformat(text)
    return datetime.strptime(text, format)


def _parse_text_time(value: Any, spec: Column) -> datetime:
    if not isinstance(value, str):
        raise RecordError(spec.column, f"{value!r} n'est pas une date / is not a timestamp")
    text = value.strip()
    try:
        return _strptime(text, spec.format)
    except ValueError as error:
        raise RecordError(
            spec.column,
            f"{text!r} n'est pas une date au format / is not a timestamp in format {spec.format}",
        ) from error


def record_provenance(
    base: Provenance, fields: dict[str, Any], columns: dict[str, Column]
) -> Provenance:
    """The record's provenance: per-record columns, where the mapping names them, win."""
    provenance = base
    for key, spec in columns.items():
        value = fields.get(spec.column)
        if is_missing(value):
            continue
        text = str(value).strip()
        try:
            if key == "collected_at":
                provenance = replace(provenance, collected_at=timestamp(value, spec))
            elif key == "grading":
                reliability, assessment = parse_grading(text)
                provenance = replace(
                    provenance, source_reliability=reliability, information_assessment=assessment
                )
            elif key == "handling":
                provenance = replace(provenance, handling_code=HandlingCode(text.upper()))
            elif key == "dataset":
                provenance = replace(provenance, dataset=checked_name(text, key))
            else:
                provenance = replace(provenance, collecting_service=checked_name(text, key))
        except ValueError as error:
            raise RecordError(spec.column, f"{key}: {error}") from error
    return provenance


def checked_name(text: str, key: str) -> str:
    """A dataset or service name that fits its column (128 characters, store/tables.py)."""
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(f"{key}: plus de / longer than {MAX_NAME_LENGTH} caractères / chars")
    return text


def _convert(value: Any, kind: pa.DataType, spec: Column) -> Any:
    if pa.types.is_timestamp(kind):
        return timestamp(value, spec)
    if spec.decimal == "," and isinstance(value, str):
        value = value.replace(",", ".")
    if pa.types.is_floating(kind):
        return _float(value, spec.column)
    if pa.types.is_integer(kind):
        return _integer(value, spec.column)
    if pa.types.is_boolean(kind):
        return _boolean(value, spec.column)
    return text_value(value)


def text_value(value: Any) -> str:
    """Text as a person would write the value: 416000000, not 416000000.0."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).strip()


def _float(value: Any, column: str) -> float:
    if isinstance(value, bool):
        raise RecordError(column, f"{value!r} n'est pas un nombre / is not a number")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError) as error:
        raise RecordError(column, f"{value!r} n'est pas un nombre / is not a number") from error
    if not math.isfinite(number):
        raise RecordError(column, f"{value!r} n'est pas un nombre fini / is not a finite number")
    return number


def _integer(value: Any, column: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        real = _float(value, column)
        if not real.is_integer():
            raise RecordError(column, f"{value!r} n'est pas un entier / is not an integer")
        number = int(real)
    if not -(2**63) <= number < 2**63:
        raise RecordError(column, f"{value!r}: entier trop grand / integer out of range")
    return number


def _boolean(value: Any, column: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise RecordError(column, f"{value!r} n'est pas un booléen / is not a boolean")


def _check_range(value: Any, spec: Column, target: str) -> None:
    if spec.minimum is not None and value < spec.minimum:
        raise RecordError(spec.column, f"{value} < minimum {spec.minimum:g} (pour / for {target})")
    if spec.maximum is not None and value > spec.maximum:
        raise RecordError(spec.column, f"{value} > maximum {spec.maximum:g} (pour / for {target})")
    if spec.values and value not in spec.values:
        allowed = ", ".join(spec.values)
        raise RecordError(
            spec.column, f"{value!r} hors de la liste / not one of: {allowed} (pour / for {target})"
        )

"""Detector thresholds: frozen dataclasses whose every field cites its source.

A threshold is a configurable default, never a magic number: its field name carries
the unit (``min_gap_hours``), its metadata says what it means and where the default
comes from (a paper, a law, an agency's published criteria). The thresholds table in
``docs/thresholds.md`` is generated from these fields.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from filet.alerts.alert import ThresholdUsed


def threshold(default: Any, *, unit: str, source: str, help: str) -> Any:
    """Declare one threshold field: its default, unit, cited source and meaning."""
    if not source.strip():
        raise ValueError("a threshold must cite its source")
    return dataclasses.field(
        default=default, metadata={"unit": unit, "source": source, "help": help}
    )


@dataclass(frozen=True)
class Thresholds:
    """Base class of every detector's thresholds; subclasses add ``threshold()`` fields."""

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            if "source" not in spec.metadata:
                raise TypeError(
                    f"{type(self).__name__}.{spec.name} must be declared with threshold()"
                )

    def used(self) -> tuple[ThresholdUsed, ...]:
        """The thresholds as applied, for an alert to show."""
        return tuple(
            ThresholdUsed(
                name=spec.name,
                value=getattr(self, spec.name),
                unit=spec.metadata["unit"],
                source=spec.metadata["source"],
            )
            for spec in dataclasses.fields(self)
        )

    def digest(self) -> str:
        """Short hash of the values, so that an alert says which settings made it."""
        values = {spec.name: getattr(self, spec.name) for spec in dataclasses.fields(self)}
        encoded = json.dumps(values, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()[:16]

    @classmethod
    def documented(cls) -> Iterator[tuple[str, Any, str, str, str]]:
        """(name, default, unit, source, help) for each field: the docs are built from it."""
        for spec in dataclasses.fields(cls):
            yield (
                spec.name,
                spec.default,
                spec.metadata["unit"],
                spec.metadata["source"],
                spec.metadata["help"],
            )

    def replace(self, **changes: Any) -> Thresholds:
        """A copy with some values changed, each converted to the type of its default."""
        defaults: dict[str, Any] = {spec.name: spec.default for spec in dataclasses.fields(self)}
        converted = {}
        for name, value in changes.items():
            if name not in defaults:
                raise KeyError(f"{type(self).__name__} has no threshold {name!r}")
            converted[name] = _convert(value, defaults[name], name)
        return dataclasses.replace(self, **converted)


_TRUE = {"true", "yes", "oui", "1"}
_FALSE = {"false", "no", "non", "0"}


def _convert(value: Any, default: Any, name: str) -> Any:
    """Read a value given on the command line as the type of the threshold's default."""
    if isinstance(default, bool) and isinstance(value, str):
        if value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError(f"threshold {name!r} takes true or false, not {value!r}")
    try:
        return type(default)(value)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"threshold {name!r} takes a {type(default).__name__}, not {value!r}"
        ) from error

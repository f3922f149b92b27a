"""Flat record fields from a decoded AIS message, with known noise values cleaned.

The fields are what the built-in ``nmea`` mapping reads: positions go to
``ais_positions``, static and voyage data to the Vessel entity and ``ais_static``.
A value that AIS uses for "not available", or that receivers are known to emit as
noise, is emptied rather than stored as a fact, and the record says which value was
emptied and why (``cleaned``, ``cleaned_reason``), which the mapping writes to
``ais_noise``: nothing read is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyais.constants import ShipType

from filet.model.identifiers import imo

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
STATIC_TYPES = frozenset({5, 19, 24})


@dataclass(frozen=True)
class NoiseValues:
    """Values that mean "not available" or are known receiver noise.

    ITU-R M.1371-5, message 1 (table 46) and message 27: latitude 91, longitude 181,
    course 360 (511 in message 27), speed 102.3 kn (63 kn in message 27). Speeds
    51.2 and 63 kn are also frequent artefacts: Global Fishing Watch's segmenter
    treats all three as noise (``pipe-segment`` @b72a869 ``cli/commands/segment.py``).
    """

    noise_speeds_knots: tuple[float, ...] = (51.2, 63.0, 102.3)
    speed_tolerance_knots: float = 0.05  # AIS speeds are tenths of a knot
    unavailable_course_degrees: float = 360.0  # any course from here up is "not available"
    unavailable_lat: float = 91.0
    unavailable_lon: float = 181.0


NOISE = NoiseValues()
_NOT_AVAILABLE = "non disponible / not available (ITU-R M.1371)"


def message_fields(message: Any, ts: str | None) -> dict[str, Any]:
    """The record of one decoded position or static message; ``ts`` is ISO 8601, UTC."""
    kind = int(message.msg_type)
    fields: dict[str, Any] = {"msg_type": kind, "mmsi": f"{int(message.mmsi):09d}", "ts": ts}
    cleaned: list[str] = []
    reasons: list[str] = []
    if kind in POSITION_TYPES:
        _position(message, fields, cleaned, reasons)
    if kind in STATIC_TYPES:
        _static(message, fields, cleaned, reasons)
        fields["static_ts"] = ts
    if cleaned:
        fields["cleaned"] = ", ".join(cleaned)
        fields["cleaned_reason"] = "; ".join(reasons)
    return fields


def _position(message: Any, fields: dict[str, Any], cleaned: list[str], reasons: list[str]) -> None:
    lat, lon = message.lat, message.lon
    speed, course = message.speed, message.course
    if lat is not None and abs(lat - NOISE.unavailable_lat) < 1e-6:
        cleaned.append(f"lat={lat}")
        reasons.append(f"lat {lat}: {_NOT_AVAILABLE}")
        lat = None
    if lon is not None and abs(lon - NOISE.unavailable_lon) < 1e-6:
        cleaned.append(f"lon={lon}")
        reasons.append(f"lon {lon}: {_NOT_AVAILABLE}")
        lon = None
    if speed is not None and any(
        abs(speed - noise) <= NOISE.speed_tolerance_knots for noise in NOISE.noise_speeds_knots
    ):
        cleaned.append(f"sog_knots={speed}")
        reasons.append(
            f"vitesse / speed {speed} kn: bruit ou non disponible / noise or not available "
            "(ITU-R M.1371; GFW pipe-segment)"
        )
        speed = None
    if course is not None and course >= NOISE.unavailable_course_degrees:
        cleaned.append(f"cog_degrees={course}")
        reasons.append(f"cap / course {course}: {_NOT_AVAILABLE}")
        course = None
    fields.update(lat=lat, lon=lon, sog=speed, cog=course)


def _static(message: Any, fields: dict[str, Any], cleaned: list[str], reasons: list[str]) -> None:
    fields["name"] = _text(getattr(message, "shipname", None))
    fields["callsign"] = _text(getattr(message, "callsign", None))
    fields["destination"] = _text(getattr(message, "destination", None))
    draught = getattr(message, "draught", None)
    fields["draught"] = draught if draught else None  # 0 = not available (ITU-R M.1371)
    fields["ship_type"] = _ship_type(getattr(message, "ship_type", None))
    number = getattr(message, "imo", None)
    if number:  # 0 = not available
        text = f"{int(number):07d}"
        if imo.looks_like(text):
            fields["imo"] = text
        else:
            cleaned.append(f"imo={number}")
            reasons.append(f"IMO {number}: chiffre de contrôle faux / wrong check digit")


def _text(value: Any) -> str | None:
    """AIS six-bit text, padding (``@``) and spaces trimmed; empty means not available."""
    if not isinstance(value, str):
        return None
    text = value.replace("@", " ").strip()
    return text or None


def _ship_type(value: Any) -> str | None:
    """The ITU ship type code with its name, e.g. ``Cargo (70)``; 0 is not available."""
    if value is None or int(value) == 0:
        return None
    code = int(value)
    try:
        name = ShipType(code).name.replace("_", " ")
    except ValueError:
        return f"({code})"
    return f"{name} ({code})"

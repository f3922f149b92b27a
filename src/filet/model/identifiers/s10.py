"""Postal item identifier (UPU standard S10, "identification of postal items").

Thirteen characters: a two-letter service indicator (``RR`` registered, ``CP`` parcel,
``EE`` EMS...), an eight-digit serial number, a check digit, and the ISO 3166-1 alpha-2
code of the issuing postal operator's country. The check digit weighs the serial's
digits by 8, 6, 4, 2, 3, 5, 9, 7, takes 11 minus the sum modulo 11, and writes 10 as 0
and 11 as 5. Example: ``AA 473 124 829 GB`` normalizes to ``AA473124829GB``.

A wrong check digit is how a typed-in or invented number shows: the postal operators'
advance data (ITMATT) always carries the number its systems printed.
"""

from __future__ import annotations

import re

from filet.model.identifiers.common import invalid, strip_separators

KIND = "s10"
LABEL = "numéro d'envoi postal S10 / S10 postal item number"
WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_SHAPE = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")


def compact(text: str) -> str:
    """Upper-case, separators dropped, nothing checked."""
    return strip_separators(text).upper()


def check_digit(serial: str) -> int:
    """The S10 check digit of an eight-digit serial number."""
    if len(serial) != len(WEIGHTS) or not serial.isdigit():
        raise ValueError(f"eight digits expected, not {serial!r}")
    remainder = sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True)) % 11
    digit = 11 - remainder
    return {10: 0, 11: 5}.get(digit, digit)


def has_shape(text: str) -> bool:
    """Two letters, nine digits, two letters once compacted: an S10 number, right or not."""
    return bool(_SHAPE.match(compact(text)))


def normalize(text: str) -> str:
    """The compact number; ValueError on a wrong shape or check digit."""
    number = compact(text)
    if not _SHAPE.match(number):
        raise invalid(
            "S10",
            text,
            "attendu 2 lettres, 9 chiffres, 2 lettres / expected 2 letters, 9 digits, 2 letters",
        )
    expected = check_digit(number[2:10])
    if int(number[10]) != expected:
        raise invalid(
            "S10",
            text,
            f"chiffre de contrôle {number[10]} au lieu de {expected} / "
            f"check digit {number[10]}, expected {expected}",
        )
    return number


def looks_like(text: str) -> bool:
    try:
        normalize(text)
    except ValueError:
        return False
    return True


def make(service: str, serial: str, country: str) -> str:
    """The S10 number of ``serial`` with its check digit (the seeded worlds use it)."""
    return f"{service.upper()}{serial}{check_digit(serial)}{country.upper()}"

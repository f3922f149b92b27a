"""Telephone numbers in E.164 form (ITU-T Recommendation E.164).

``+``, the country calling code and the national significant number, at most 15
digits. National formats are read with a default region, France unless said otherwise,
since French services mostly write French numbers nationally. Example:
``06 12 34 56 78`` normalizes to ``+33612345678``.
"""

from __future__ import annotations

import re

import phonenumbers

from filet.model.identifiers.common import invalid

KIND = "phone"
LABEL = "numéro de téléphone / phone number"
DEFAULT_REGION = "FR"
# Longest written form worth parsing: 15 digits (E.164) plus separators and a prefix.
_MAX_TEXT_LENGTH = 40
_SHAPE = re.compile(r"^\+?[\d\s().\-/]{6,30}$")


def compact(text: str) -> str:
    """Digits and a leading ``+`` only, nothing checked."""
    digits = re.sub(r"\D", "", text)
    return "+" + digits if text.strip().startswith("+") else digits


def normalize(text: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164 form; ValueError when it is not a valid number."""
    if len(text) > _MAX_TEXT_LENGTH:
        raise invalid("téléphone / phone", text, "trop long / too long")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise invalid("téléphone / phone", text, str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise invalid(
            "téléphone / phone",
            text,
            "numéro non attribué dans le plan de numérotation / not a valid number in its "
            "numbering plan",
        )
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def looks_like(text: str) -> bool:
    """Digits and separators only, and a valid number once read."""
    if not _SHAPE.match(text.strip()):
        return False
    try:
        normalize(text)
    except ValueError:
        return False
    return True

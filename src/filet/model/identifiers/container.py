"""Freight container number (ISO 6346).

Four letters (a three-letter owner code registered with the BIC and the equipment
category U, J or Z), six serial digits and a check digit computed over the ten
preceding characters. Example: ``CSQU 305438 3`` normalizes to ``CSQU3054383``.
"""

from __future__ import annotations

import re

from stdnum import iso6346
from stdnum.exceptions import InvalidChecksum, ValidationError

from filet.model.identifiers.common import invalid, strip_separators

KIND = "container"
LABEL = "numéro de conteneur / container number"
_SHAPE = re.compile(r"^[A-Z]{3}[UJZR]\d{7}$", re.IGNORECASE)


def compact(text: str) -> str:
    """Upper-case, separators dropped, nothing checked."""
    return strip_separators(text).upper()


def normalize(text: str) -> str:
    """Upper-case, separators dropped; ValueError on a wrong shape or check digit."""
    if not _SHAPE.match(compact(text)):
        raise invalid(
            "ISO 6346",
            text,
            "attendu 3 lettres, U/J/Z/R, 7 chiffres / expected 3 letters, U/J/Z/R, 7 digits",
        )
    try:
        return str(iso6346.validate(compact(text)))
    except InvalidChecksum as error:
        raise invalid("ISO 6346", text, "chiffre de contrôle faux / wrong check digit") from error
    except ValidationError as error:
        raise invalid("ISO 6346", text, "format refusé / format rejected") from error


def looks_like(text: str) -> bool:
    return bool(_SHAPE.match(compact(text))) and iso6346.is_valid(compact(text))

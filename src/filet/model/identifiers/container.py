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


# The character whose ISO 6346 value is its index: 0-9, then A = 10, B = 12 ... Z = 38;
# '.' holds the skipped multiples of 11.
_VALUES = "0123456789A.BCDEFGHIJK.LMNOPQRSTU.VWXYZ"


def looks_like_sql(column: str) -> str:
    """:func:`looks_like` as a SQL boolean that DuckDB and Spark both run, on an
    upper-case column without separators: the shape, then the check digit (each of the
    first ten values weighted by 2^position, modulo 11 then 10), inside CASE since SQL's
    AND does not keep the cast from a text of the wrong shape."""
    weighted = " + ".join(
        f"(instr('{_VALUES}', substr({column}, {i + 1}, 1)) - 1) * {2**i}" for i in range(10)
    )
    return (
        f"(CASE WHEN regexp_matches(coalesce({column}, ''), '^[A-Z]{{3}}[UJZR][0-9]{{7}}$') "
        f"THEN CAST(substr({column}, 11, 1) AS INTEGER) = (({weighted}) % 11) % 10 "
        "ELSE FALSE END)"
    )

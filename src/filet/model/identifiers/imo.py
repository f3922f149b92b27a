"""IMO ship identification number (IMO Resolution A.1078(28), SOLAS XI-1/3).

Seven digits: six assigned sequentially to a hull and a check digit, the sum of the
first six digits weighted 7 down to 2, modulo 10. Usually written with the ``IMO``
prefix. Example: ``IMO 9319466`` normalizes to ``9319466``.

The number stays with the hull through changes of name, flag and owner, which makes it
the identifier of choice for vessels (an MMSI changes with the flag).
"""

from __future__ import annotations

import re

from stdnum import imo as stdnum_imo
from stdnum.exceptions import InvalidChecksum, ValidationError

from filet.model.identifiers.common import invalid, strip_separators

KIND = "imo"
LABEL = "numéro IMO / IMO number"
_SHAPE = re.compile(r"^(IMO)?\d{7}$", re.IGNORECASE)


def compact(text: str) -> str:
    """Separators and the ``IMO`` prefix dropped, nothing checked."""
    return strip_separators(text).upper().removeprefix("IMO")


def normalize(text: str) -> str:
    """The seven digits, without the ``IMO`` prefix; ValueError if the check digit fails."""
    if not _SHAPE.match(strip_separators(text)):
        raise invalid("IMO", text, "il faut 7 chiffres / 7 digits expected")
    try:
        return str(stdnum_imo.validate(compact(text)))
    except InvalidChecksum as error:
        raise invalid("IMO", text, "chiffre de contrôle faux / wrong check digit") from error
    except ValidationError as error:
        raise invalid("IMO", text, "format refusé / format rejected") from error


def looks_like(text: str) -> bool:
    """True for seven digits (optionally after ``IMO``) whose check digit is right."""
    return bool(_SHAPE.match(strip_separators(text))) and stdnum_imo.is_valid(compact(text))

"""International Bank Account Number (ISO 13616-1:2020).

A country code, two check digits (ISO 7064 MOD 97-10) and the national account number
(BBAN) whose length and layout the country registers with SWIFT. Example:
``FR76 3000 6000 0112 3456 7890 189`` normalizes to ``FR7630006000011234567890189``.
"""

from __future__ import annotations

import re
import warnings

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from filet.model.identifiers.common import invalid, strip_separators

KIND = "iban"
LABEL = "IBAN"
_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$", re.IGNORECASE)


def compact(text: str) -> str:
    """Upper-case, separators dropped, nothing checked."""
    return strip_separators(text).upper()


def normalize(text: str) -> str:
    """The IBAN in electronic form (no spaces, upper case); ValueError if it fails."""
    if not _SHAPE.match(compact(text)):
        raise invalid(
            "IBAN",
            text,
            "attendu pays, 2 chiffres de contrôle, compte / expected country, 2 check "
            "digits, account",
        )
    try:
        with warnings.catch_warnings():
            # Countries whose national check digits schwifty cannot verify warn; the
            # ISO 7064 check still runs, which is what we rely on.
            warnings.simplefilter("ignore")
            return str(IBAN(compact(text)).compact)
    except SchwiftyException as error:
        raise invalid("IBAN", text, str(error)) from error


def looks_like(text: str) -> bool:
    try:
        normalize(text)
    except ValueError:
        return False
    return True

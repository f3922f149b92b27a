"""The code lists of INSEE's SIRENE register that front-business checks compare on.

SIRENE gives every French business its main activity as a NAF rév. 2 code (``56.10C``,
fast food: division ``56``, food and beverage service) and its headcount band
(``01``: 1 or 2 employees). Codes of the older nomenclatures SIRENE keeps for closed
businesses (NAF rév. 1 ``55.3A``, NAP) are not NAF rév. 2 codes.
"""

from __future__ import annotations

import re

# INSEE, « Tranche d'effectif salarié » of SIRENE (documentation of the stock files).
HEADCOUNT_BANDS: dict[str, tuple[str, str]] = {
    "NN": ("unité non employeuse", "no employee"),
    "00": ("0 salarié en fin d'année", "0 employees at year end"),
    "01": ("1 ou 2 salariés", "1 or 2 employees"),
    "02": ("3 à 5 salariés", "3 to 5 employees"),
    "03": ("6 à 9 salariés", "6 to 9 employees"),
    "11": ("10 à 19 salariés", "10 to 19 employees"),
    "12": ("20 à 49 salariés", "20 to 49 employees"),
    "21": ("50 à 99 salariés", "50 to 99 employees"),
    "22": ("100 à 199 salariés", "100 to 199 employees"),
    "31": ("200 à 249 salariés", "200 to 249 employees"),
    "32": ("250 à 499 salariés", "250 to 499 employees"),
    "41": ("500 à 999 salariés", "500 to 999 employees"),
    "42": ("1 000 à 1 999 salariés", "1,000 to 1,999 employees"),
    "51": ("2 000 à 4 999 salariés", "2,000 to 4,999 employees"),
    "52": ("5 000 à 9 999 salariés", "5,000 to 9,999 employees"),
    "53": ("10 000 salariés et plus", "10,000 employees or more"),
}
# The 88 divisions of NAF rév. 2 (INSEE, décret n° 2007-1888), the two digits that
# start every code (01-03 agriculture ... 56 food service ... 96 personal services),
# as runs of consecutive numbers: 04, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89 are none.
_DIVISION_RUNS = (
    (1, 3), (5, 33), (35, 39), (41, 43), (45, 47), (49, 53),
    (55, 56), (58, 66), (68, 75), (77, 82), (84, 88), (90, 99),
)  # fmt: skip
NAF_DIVISIONS = frozenset(f"{d:02d}" for low, high in _DIVISION_RUNS for d in range(low, high + 1))
_NAF = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")


def naf_code(text: str) -> str | None:
    """``56.10C`` for ``56.10C``, ``5610c`` or `` 56.10C ``; None if not a NAF rév. 2
    code (wrong shape, or a division NAF rév. 2 does not have)."""
    match = _NAF.match(text.strip().upper())
    if match is None or match.group(1) not in NAF_DIVISIONS:
        return None
    return f"{match.group(1)}.{match.group(2)}{match.group(3)}"

"""Maritime Mobile Service Identity (ITU-R Recommendation M.585).

Nine digits. A ship station's MMSI starts with its three Maritime Identification Digits
(MID, 201 to 775), allocated by the ITU to the flag administration: ``227006760`` is a
French ship. Other stations put the MID further in: coast stations ``00MID…``, group
calls ``0MID…``, SAR aircraft ``111MID…``, handhelds ``8MID…``, craft associated with a
parent ship ``98MID…`` and aids to navigation ``99MID…``; AIS-SART, MOB and EPIRB
devices (``970``, ``972``, ``974``) carry no MID.

The MMSI is what AIS transmits, and it changes when a ship changes flag; spoofed MMSIs
with unallocated MIDs are common, so ``normalize`` only checks the shape and
``flag_country`` says whether the MID is allocated.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from filet.model.identifiers.common import invalid, strip_separators

KIND = "mmsi"
LABEL = "MMSI"
# ITU MID table (ITU-R M.585, Annex 1; ITU "Table of Maritime Identification Digits").
MID_TABLE = Path(__file__).with_name("mid.csv")
_SHAPE = re.compile(r"^(MMSI)?(\d{9})$", re.IGNORECASE)
# Where the MID sits, by leading digits (ITU-R M.585-9, Annexes 1 to 5).
_MID_OFFSETS = (("111", 3), ("98", 2), ("99", 2), ("00", 2), ("0", 1), ("8", 1))


def compact(text: str) -> str:
    """Separators and the ``MMSI`` prefix dropped, nothing checked."""
    return strip_separators(text).upper().removeprefix("MMSI")


def normalize(text: str) -> str:
    """The nine digits; ValueError for anything else."""
    match = _SHAPE.match(strip_separators(text))
    if not match or match.group(2) == "000000000":
        raise invalid("MMSI", text, "il faut 9 chiffres / 9 digits expected")
    return match.group(2)


def looks_like(text: str) -> bool:
    """Nine digits whose MID is allocated (a bare 9-digit number is often something else)."""
    try:
        return flag_country(normalize(text)) is not None
    except ValueError:
        return False


def mid(mmsi: str) -> str | None:
    """The Maritime Identification Digits inside a normalized MMSI, if it has any."""
    if mmsi[0] in "234567":
        return mmsi[:3]
    for prefix, offset in _MID_OFFSETS:
        if mmsi.startswith(prefix):
            return mmsi[offset : offset + 3]
    return None


def flag_country(mmsi: str) -> str | None:
    """ISO 3166-1 alpha-2 code of the administration that allocated the MID, if any."""
    digits = mid(normalize(mmsi))
    return None if digits is None else _countries().get(digits)


@cache
def _countries() -> dict[str, str]:
    with MID_TABLE.open(encoding="utf-8", newline="") as handle:
        return {row["mid"]: row["country"] for row in csv.DictReader(handle)}

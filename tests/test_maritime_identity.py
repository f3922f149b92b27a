"""Identity changes (``maritime.identity_change``) on hand-built static reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engines import BothEngines
from filet.alerts import Subject
from filet.maritime.identity import IdentityThresholds

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _reports(mmsi: str, names: list[str], imo: str = "9074729") -> list[dict[str, Any]]:
    """One static report an hour per name given, call sign fixed."""
    return [
        {
            "mmsi": mmsi,
            "ts": T0 + timedelta(hours=hour),
            "imo": imo,
            "name": name,
            "call_sign": "FQAB",
            "ship_type": "70",
            "destination": None,
            "draught_m": None,
            "source_file": f"{mmsi}.nmea",
            "source_line": hour + 1,
        }
        for hour, name in enumerate(names)
    ]


@pytest.mark.spark
def test_a_confirmed_new_name_is_a_change_a_one_off_is_not(both_engines: BothEngines) -> None:
    renamed = _reports("227000001", ["ESPERANZA", "ESPERANZA", " esperanza ", "SOLEDAD", "SOLEDAD"])
    garbled = _reports(
        "227000002", ["MAR CARIBE", "MAR C@@@@@", "MAR CARIBE", "MAR CARIBE"], "9176187"
    )
    alerts = both_engines("maritime.identity_change", {"ais_static": renamed + garbled})
    assert [(a.subjects, a.start, a.end) for a in alerts] == [
        ((Subject("mmsi", "227000001"),), T0 + timedelta(hours=2), T0 + timedelta(hours=3))
    ]
    assert alerts[0].reason_en == (
        "Identity change: MMSI 227000001, name 'ESPERANZA' becomes 'SOLEDAD' "
        "(2024-03-01 02:00 → 2024-03-01 03:00 UTC)."
    )
    assert [e.key["source_line"] for e in alerts[0].evidence] == [3, 4]


@pytest.mark.spark
def test_one_imo_under_a_new_mmsi_is_a_reflagging(both_engines: BothEngines) -> None:
    rows = _reports("227000001", ["ESPERANZA"] * 3) + [
        dict(row, ts=row["ts"] + timedelta(hours=5))
        for row in _reports("351000001", ["ESPERANZA"] * 2)
    ]
    [alert] = both_engines("maritime.identity_change", {"ais_static": rows})
    assert alert.subjects == (
        Subject("imo", "9074729"),
        Subject("mmsi", "227000001"),
        Subject("mmsi", "351000001"),
    )
    assert alert.reason_fr.endswith("(2024-03-01 02:00 → 2024-03-01 05:00 UTC, pavillon FR → PA).")


def test_confirmation_needs_at_least_one_report() -> None:
    with pytest.raises(ValueError, match="min_confirming_reports"):
        IdentityThresholds(min_confirming_reports=0)

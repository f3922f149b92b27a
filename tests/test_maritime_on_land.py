"""Positions on land (``maritime.position_on_land``) on hand-built tracks.

The places are checked against the GLOBE mask itself: the Sahara (25 N, 10 E) and the
Beauce (48.2 N, 1.6 E) are land for kilometres around; the Landes beach at 44 N,
1.345 W is land 1.4 km from the Atlantic; Rouen's port, on the Seine, reads as land
too, a river narrower than the mask's cells.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines import BothEngines
from filet.alerts import get_detector
from filet.maritime.on_land import OnLandThresholds, inland, score

T0 = datetime(2024, 3, 1, tzinfo=UTC)
SAHARA, BEAUCE, BEACH, ROUEN, AT_SEA = (25.0, 10.0), (48.2, 1.6), (44.0, -1.345), (49.44, 1.10), (
    46.0, -10.0)  # fmt: skip


def _track(
    mmsi: str, places: list[tuple[float, float]], first_line: int = 2
) -> list[dict[str, Any]]:
    """One report every 10 min, moving 0.01 degree east each time."""
    return [
        {
            "mmsi": mmsi,
            "ts": T0 + timedelta(minutes=10 * i),
            "lat": lat,
            "lon": lon + 0.01 * i,
            "sog_knots": None,
            "cog_degrees": None,
            "source_file": "t.csv",
            "source_line": first_line + i,
        }
        for i, (lat, lon) in enumerate(places)
    ]


@pytest.mark.spark
def test_tracks_inland_are_flagged_and_coasts_ports_and_single_fixes_are_not(
    both_engines: BothEngines,
) -> None:
    rows = (
        _track("227000001", [SAHARA] * 5)
        + _track("227000002", [AT_SEA] * 4 + [BEAUCE] * 2 + [AT_SEA] * 4, first_line=20)
        + _track("227000003", [BEACH] * 4, first_line=40)
        + _track("227000004", [(ROUEN[0], ROUEN[1] - 0.02)] * 4, first_line=60)
        + _track("227000005", [AT_SEA] * 3 + [BEAUCE] * 3, first_line=80)
    )
    alerts = both_engines("maritime.position_on_land", {"ais_positions": rows})
    assert [alert.subjects[0].value for alert in alerts] == sorted(["227000001", "227000005"])
    by_mmsi = {alert.subjects[0].value: alert for alert in alerts}
    sahara = by_mmsi["227000001"]
    assert [e.key["source_line"] for e in sahara.evidence] == [2, 3, 4, 5, 6]
    assert sahara.score == score(5, 3) == round(1 - 2 ** (-5 / 3), 3)
    assert sahara.reason_en.startswith("Positions on land: 5 of MMSI 227000001's 5 positions")
    beauce = by_mmsi["227000005"]
    assert "3 des 6 positions" in beauce.reason_fr
    assert beauce.start == T0 + timedelta(minutes=30) and beauce.end == T0 + timedelta(minutes=50)


def test_without_the_port_exclusion_rouen_s_berth_reads_as_land() -> None:
    """The exclusion is what keeps a river port out; the mask alone calls it land."""
    berth = np.array([ROUEN[0]]), np.array([ROUEN[1] - 0.02])
    assert inland(*berth, margin_m=2_000.0).tolist() == [True]
    rows = [_selected(row) for row in _track("227000004", [(ROUEN[0], ROUEN[1] - 0.02)] * 4)]
    detector = get_detector("maritime.position_on_land")
    assert detector.to_alerts(rows, OnLandThresholds()) == []
    [alert] = detector.to_alerts(rows, OnLandThresholds(port_radius_km=0.0))
    assert alert.subjects[0].value == "227000004"


def _selected(row: dict[str, Any]) -> dict[str, Any]:
    """An event row as the detector's SQL step hands it over."""
    kept = {key: row[key] for key in ("mmsi", "lat", "lon", "source_file", "source_line")}
    return {
        **kept,
        "ts_us": int((row["ts"] - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * 1e6),
    }


def test_the_margin_decides_the_beach() -> None:
    lat, lon = np.array([BEACH[0]]), np.array([BEACH[1]])
    assert inland(lat, lon, margin_m=0.0).tolist() == [True]  # land itself
    assert inland(lat, lon, margin_m=2_000.0).tolist() == [False]  # sea within 2 km


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-60, 70), st.floats(-180, 179.99)), min_size=1, max_size=40),
    st.floats(0, 3_000),
    st.floats(0, 3_000),
)
def test_a_wider_margin_never_adds_land(
    points: list[tuple[float, float]], margin: float, more: float
) -> None:
    lats = np.array([p[0] for p in points])
    lons = np.array([p[1] for p in points])
    narrow = inland(lats, lons, margin)
    wide = inland(lats, lons, margin + more)
    assert not (wide & ~narrow).any()

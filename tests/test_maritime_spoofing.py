"""Spoofed or shared MMSIs (``maritime.spoofing``) on hand-built tracks and GFW samples."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engines import BothEngines
from filet.maritime.spoofing import SpoofingThresholds, mid_problem, score

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _track(mmsi: str, lons: list[float]) -> list[dict[str, Any]]:
    """One report every 10 min along 20 N at the given longitudes."""
    return [
        {
            "mmsi": mmsi,
            "ts": T0 + timedelta(minutes=10 * i),
            "lat": 20.0,
            "lon": lon,
            "sog_knots": None,
            "cog_degrees": None,
            "source_file": "t.csv",
            "source_line": i + 2,
        }
        for i, lon in enumerate(lons)
    ]


@pytest.mark.spark
def test_two_jumps_are_one_bad_fix_three_are_two_transmitters(both_engines: BothEngines) -> None:
    steady = [-40.0 + 0.03 * i for i in range(8)]  # 0.03 deg in 10 min: 10 knots
    one_bad_fix = [*steady[:3], -38.0, *steady[4:]]
    alternating = [(-40.0, -38.0)[i % 2] for i in range(4)]
    rows = _track("227000001", one_bad_fix) + _track("227000002", alternating)
    alerts = both_engines("maritime.spoofing", {"ais_positions": rows})
    assert [a.subjects[0].value for a in alerts] == ["227000002"]
    [alert] = alerts
    assert alert.reason_en.startswith("Doubtful identity: 3 impossible jumps in 4 positions")
    assert [e.key["source_line"] for e in alert.evidence] == [2, 3]


@pytest.mark.spark
def test_an_unallocated_mid_is_flagged_even_on_a_clean_track(both_engines: BothEngines) -> None:
    rows = _track("217000001", [-40.0, -39.97]) + _track("227000001", [-40.0, -39.97])
    alerts = both_engines("maritime.spoofing", {"ais_positions": rows})
    assert [a.subjects[0].value for a in alerts] == ["217000001"]
    assert alerts[0].score == 0.5
    assert "préfixe MID attribué à aucun État" in alerts[0].reason_fr


def test_mid_problems() -> None:
    assert mid_problem("227006760") is None
    assert mid_problem("970123456") is None  # AIS-SART: no MID by design
    assert mid_problem("217000001") is not None
    assert mid_problem("12345") == (
        "n'a pas la forme d'un MMSI (9 chiffres)",
        "is not shaped like an MMSI (9 digits)",
    )
    assert score(6, 3, False) == 0.75 and score(0, 3, True) == 0.5


def _gfw(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line, text in enumerate(path.read_text().splitlines(), start=1):
        message = json.loads(text)
        if message["lat"] is not None and message["lon"] is not None:
            rows.append(
                {
                    "mmsi": str(message["ssvid"]),
                    "ts": datetime.fromisoformat(message["timestamp"]),
                    "lat": message["lat"],
                    "lon": message["lon"],
                    "sog_knots": message["speed"],
                    "cog_degrees": message["course"],
                    "source_file": path.name,
                    "source_line": line,
                }
            )
    return rows


@pytest.mark.spark
@pytest.mark.shared_data
def test_the_shared_mmsi_sample_is_flagged(both_engines: BothEngines, shared_data: Path) -> None:
    """GlobalFishingWatch/gpsdio-segment @8109193 tests/data (Apache-2.0, SkyTruth).

    416000000.json: several transmitters share the MMSI, 146 implied jumps over 30 kn.
    The jump rule tolerates more than a flat 30 kn over short intervals, so it finds at
    most those 146, and more than one bad fix would make.
    """
    rows = _gfw(shared_data / "ais" / "gfw-gpsdio-segment" / "416000000.json")
    [alert] = both_engines("maritime.spoofing", {"ais_positions": rows})
    jumps = int(alert.reason_en.split(": ")[1].split(" ")[0])
    assert SpoofingThresholds().min_jumps <= jumps <= 146
    assert alert.subjects[0].value == "416000000"

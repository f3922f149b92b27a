"""Loitering (``maritime.loitering``) on hand-built tracks and on the Suez queue sample."""

from __future__ import annotations

import csv
import itertools
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engines import BothEngines
from filet.alerts import Subject
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE
from filet.maritime.loitering import LoiteringThresholds, score, to_alerts
from filet.maritime.testworld import move

T0 = datetime(2024, 3, 1, tzinfo=UTC)
MID_ATLANTIC = (25.0, -40.0)
ANCHORING = LoiteringThresholds(min_distance_from_shore_nm=0.0)


def _drift(
    mmsi: str, hours: list[float], knots: float, start: tuple[float, float] = MID_ATLANTIC
) -> list[dict[str, Any]]:
    """Positions at ``T0 + hours`` moving north at ``knots``."""
    return [
        {
            "mmsi": mmsi,
            "ts": T0 + timedelta(hours=h),
            "lat": move(start, h * knots * METRES_PER_NAUTICAL_MILE, 0.0)[0],
            "lon": start[1],
            "sog_knots": None,
            "cog_degrees": None,
            "source_file": f"{mmsi}.csv",
            "source_line": line,
        }
        for line, h in enumerate(hours, start=2)
    ]


@pytest.mark.spark
def test_four_slow_hours_at_sea_make_an_event_three_do_not(both_engines: BothEngines) -> None:
    rows = _drift("227000001", [0, 1, 2, 3, 4], 1.5) + _drift("227000002", [0, 1, 2, 3], 1.5)
    rows += _drift("227000003", [0, 1, 2, 3, 4, 5], 2.5)
    alerts = both_engines("maritime.loitering", {"ais_positions": rows})
    assert [(a.subjects, a.start, a.end) for a in alerts] == [
        ((Subject("mmsi", "227000001"),), T0, T0 + timedelta(hours=4))
    ]
    assert [e.key["source_line"] for e in alerts[0].evidence] == [2, 6]
    assert "plus de 20,0 milles de toute terre" in alerts[0].reason_fr


@pytest.mark.spark
def test_a_long_silence_cuts_the_event_and_the_first_report_of_each_hour_counts(
    both_engines: BothEngines,
) -> None:
    """Reports a minute apart inside an hour do not turn jitter into speed."""
    rows = _drift("227000001", [0, 1, 2, 9, 10, 11], 0.5)
    rows += _drift("227000002", [0, 0.01, 0.02, 1, 2, 3, 4], 0.5)
    rows[-6]["lat"] += 0.001  # 110 m off 36 s later: 180 knots between two reports
    alerts = both_engines("maritime.loitering", {"ais_positions": rows}, ANCHORING)
    assert [a.subjects[0].value for a in alerts] == ["227000002"]


def test_slow_near_the_coast_is_anchoring_not_loitering() -> None:
    """Off Le Havre (49.5 N, 0.0 E): land within 20 nm, so no alert unless distance is 0."""
    row = {
        "mmsi": "227000001",
        "start_us": 0,
        "end_us": 5 * 3_600_000_000,
        "lat": 49.5,
        "lon": 0.0,
        "start_file": "a.csv",
        "start_line": 2,
        "end_file": "a.csv",
        "end_line": 7,
    }
    assert to_alerts([row], LoiteringThresholds()) == []
    [alert] = to_alerts([row], ANCHORING)
    assert alert.reason_en == (
        "MMSI 227000001 under 2.0 knots for 5.0 h around 49.500, 0.000 (distance not tested)."
    )
    assert alert.score == score(5, 4) == 0.580


def _suez(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            moment = datetime.strptime(record["ais_pos_timestamp"], "%d/%m/%Y %H:%M")
            rows.append(
                {
                    "mmsi": record["ID"],
                    "ts": moment.replace(tzinfo=UTC),
                    "lat": float(record["latitude"]),
                    "lon": float(record["longitude"]),
                    "sog_knots": None,
                    "cog_degrees": None,
                    "source_file": path.name,
                    "source_line": line,
                }
            )
    return rows


def _nm(a: dict[str, Any], b: dict[str, Any]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h)) / METRES_PER_NAUTICAL_MILE


@pytest.mark.spark
@pytest.mark.shared_data
def test_the_suez_queue_is_mostly_anchored(both_engines: BothEngines, shared_data: Path) -> None:
    """movingpandas/movingpandas-examples @76ef15d data/boat-positions.csv (VesselsValue).

    256 vessels queuing at Suez during the Ever Given blockage, 20-24 March 2021, near
    shore, so the shore condition is off. Most of the queue must be caught; a vessel that
    never strays 0.5 nm from one point over 6 h or more without a 6 h silence must be;
    and each event's end lies less than 2 knots times its duration from its start.
    """
    rows = _suez(shared_data / "ais" / "movingpandas-boat-positions" / "boat-positions.csv")
    alerts = both_engines("maritime.loitering", {"ais_positions": rows}, ANCHORING)
    flagged = {alert.subjects[0].value for alert in alerts}
    by_vessel: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: r["ts"]):
        by_vessel.setdefault(row["mmsi"], []).append(row)
    assert len(flagged) > len(by_vessel) / 2
    assert _still(by_vessel) <= flagged
    by_line = {row["source_line"]: row for row in rows}
    for alert in alerts:
        first, last = (by_line[e.key["source_line"]] for e in alert.evidence)
        hours = (alert.end - alert.start).total_seconds() / 3600
        assert _nm(first, last) < 2.0 * hours


def _still(by_vessel: dict[str, list[dict[str, Any]]]) -> set[str]:
    still = set()
    for vessel, track in by_vessel.items():
        hours = (track[-1]["ts"] - track[0]["ts"]).total_seconds() / 3600
        silences = [
            (b["ts"] - a["ts"]).total_seconds() / 3600 for a, b in itertools.pairwise(track)
        ]
        if hours >= 6 and max(silences) <= 6 and max(_nm(track[0], p) for p in track) <= 0.25:
            still.add(vessel)
    return still


def test_thresholds_must_make_sense() -> None:
    with pytest.raises(ValueError, match="min_duration_hours must be positive"):
        LoiteringThresholds(min_duration_hours=0.0)
    with pytest.raises(ValueError, match="min_distance_from_shore_nm"):
        LoiteringThresholds(min_distance_from_shore_nm=-1.0)

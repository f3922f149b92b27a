"""Ship-to-ship encounters (``maritime.encounter``) on hand-built pairs of tracks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engines import BothEngines
from filet.maritime.encounters import EncounterThresholds, _cell_degrees
from filet.maritime.testworld import move

T0 = datetime(2024, 3, 1, tzinfo=UTC)
AT_SEA = (25.0, -40.0)


def _still(mmsi: str, minutes: list[int], place: tuple[float, float]) -> list[dict[str, Any]]:
    return [
        {
            "mmsi": mmsi,
            "ts": T0 + timedelta(minutes=m),
            "lat": place[0],
            "lon": place[1],
            "sog_knots": 0.0,
            "cog_degrees": None,
            "source_file": f"{mmsi}.csv",
            "source_line": line,
        }
        for line, m in enumerate(minutes, start=2)
    ]


def _side_by_side(minutes: list[int], metres: float = 300.0) -> list[dict[str, Any]]:
    return _still("227000001", minutes, AT_SEA) + _still(
        "538000002", minutes, move(AT_SEA, metres, 90.0)
    )


def _spans(alerts: list[Any]) -> list[tuple[list[str], datetime, datetime]]:
    return [([s.value for s in a.subjects], a.start, a.end) for a in alerts]


@pytest.mark.spark
def test_two_hours_alongside_at_sea_is_an_encounter(both_engines: BothEngines) -> None:
    """Reports every 7 min from 00:03, then 02:11: grid slots 00:10 to 02:10 (2 h) close.

    A slot lies between two reports less than an hour apart, so the last one makes none.
    """
    minutes = [*range(3, 131, 7), 131]
    alerts = both_engines("maritime.encounter", {"ais_positions": _side_by_side(minutes)})
    assert _spans(alerts) == [
        (
            ["227000001", "538000002"],
            T0 + timedelta(minutes=10),
            T0 + timedelta(hours=2, minutes=10),
        )
    ]
    [alert] = alerts
    assert [e.key["source_line"] for e in alert.evidence] == [3, 3]
    assert alert.score == 0.5
    assert "à moins de 500 m pendant 2,0 h (au plus près 300 m" in alert.reason_fr


@pytest.mark.spark
def test_too_short_too_far_or_not_interpolated_is_no_encounter(both_engines: BothEngines) -> None:
    short = _side_by_side(list(range(0, 111, 10)))  # 1 h 50 min
    far = [
        dict(row, mmsi="9" + row["mmsi"]) for row in _side_by_side(list(range(0, 301, 10)), 600.0)
    ]
    sparse = [dict(row, mmsi="8" + row["mmsi"]) for row in _side_by_side(list(range(0, 601, 61)))]
    assert both_engines("maritime.encounter", {"ais_positions": short + far + sparse}) == []


@pytest.mark.spark
def test_runs_less_than_four_hours_apart_merge(both_engines: BothEngines) -> None:
    """Slots 00:00-01:10 and 04:20-05:30 close: too short alone, one 5 h 30 encounter."""
    first, second = list(range(0, 81, 10)), list(range(260, 341, 10))
    rows = _side_by_side(first + second)
    alerts = both_engines("maritime.encounter", {"ais_positions": rows})
    assert _spans(alerts) == [(["227000001", "538000002"], T0, T0 + timedelta(minutes=330))]
    apart = EncounterThresholds(merge_gap_hours=2.0)
    assert both_engines("maritime.encounter", {"ais_positions": rows}, apart) == []


def test_cells_are_wide_enough_up_to_80_degrees() -> None:
    cell = _cell_degrees(500.0)
    east = move((79.9, 0.0), 500.0, 90.0)
    assert east[1] <= cell < 0.03

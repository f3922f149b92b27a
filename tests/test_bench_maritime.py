"""The maritime benchmark's fleet and its check that Filet and movingpandas agree.

The benchmark times nothing before ``check`` has found the same gaps on both sides
(the planted silences) and every loitering event inside a movingpandas stop; these
tests hold it to that on one generated day.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

pytest.importorskip("movingpandas", reason="the baseline needs pip install 'filet[bench]'")

from benchmarks.bench_maritime import check  # noqa: E402
from benchmarks.maritime_fleet import Fleet, fleet  # noqa: E402

from filet.maritime.testworld import DAY, START  # noqa: E402


@pytest.fixture(scope="module")
def day() -> Fleet:
    """Exactly the first generated day: 53 vessels, two of them silent for a while."""
    times = fleet(10_000).positions.column("ts").to_pylist()
    return fleet(sum(moment < START + DAY for moment in times))


def test_a_fleet_has_the_positions_asked_numbered_in_time_order() -> None:
    ships = fleet(9_000)
    times = ships.positions.column("ts").to_pylist()
    assert ships.positions.num_rows == 9_000
    assert times == sorted(times)
    assert ships.positions.column("source_line").to_pylist() == list(range(2, 9_002))
    assert ships.days == 2
    assert fleet(9_000).positions.equals(ships.positions)


def test_both_sides_find_the_planted_silences_and_the_same_stops(
    day: Fleet, tmp_path: Path
) -> None:
    assert day.days == 1 and day.vessels == 53 and len(day.silences) == 2
    agreement = check(day, tmp_path)
    assert agreement.gaps == 2
    # Six loiterers at sea and six moored vessels (no shore condition on either side).
    assert agreement.loitering_events == 12
    assert agreement.stops >= agreement.loitering_events


def test_the_check_refuses_sides_that_disagree(day: Fleet, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="gaps differ"):
        check(replace(day, silences=day.silences[:1]), tmp_path)

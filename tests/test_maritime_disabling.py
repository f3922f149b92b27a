"""Likely intentional AIS disabling (``maritime.ais_disabling``, Welch et al. 2022).

A seeded world of three days: vessels far out in the Atlantic that go silent for 13 to
30 h after regular reporting (planted), and look-alikes that must not be flagged: a
silence of 8 h, a long silence starting near the Breton coast, a long silence after
sparse reporting (one position an hour, fewer than 14 in the 12 h before).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engines import BothEngines, write_event_tables
from filet.alerts import Alert, get_detector
from filet.engine.duckdb_engine import DuckDBEngine
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE
from filet.maritime.disabling import DisablingThresholds
from filet.maritime.testworld import move

T0 = datetime(2026, 3, 10, tzinfo=UTC)
# Off Ushant, about 10 nm from the coast of Brittany.
NEAR_SHORE = (48.45, -5.35)


@dataclass
class GapWorld:
    rows: list[dict[str, Any]] = field(default_factory=list)
    disabled: set[str] = field(default_factory=set)
    look_alikes: set[str] = field(default_factory=set)

    def track(
        self,
        rng: random.Random,
        start: tuple[float, float],
        every_min: int,
        gap: tuple[float, float],
    ) -> str:
        """Three days at 10 kn heading west, one report every ``every_min``, none in ``gap``."""
        mmsi = f"2{len(self.rows) % 97:02d}{rng.randint(100000, 999999)}"
        course = rng.uniform(200, 340)
        for step in range(0, 72 * 60, every_min):
            hours = step / 60 + rng.randint(0, 60) / 3600
            if gap[0] <= hours < gap[1]:
                continue
            lat, lon = move(start, hours * 10 * METRES_PER_NAUTICAL_MILE, course)
            self.rows.append(
                {
                    "mmsi": mmsi,
                    "ts": T0 + timedelta(hours=hours),
                    "lat": round(lat, 6),
                    "lon": round(lon, 6),
                    "sog_knots": 10.0,
                    "cog_degrees": course,
                    "source_file": "gaps.csv",
                    "source_line": len(self.rows) + 2,
                }
            )
        return mmsi


def generate(seed: int) -> GapWorld:
    rng, world = random.Random(seed), GapWorld()
    for index in range(8):
        offshore = (20.0 + 2 * (index // 4), -45.0 + 3 * (index % 4))
        begin = rng.uniform(14, 30)
        world.disabled.add(world.track(rng, offshore, 10, (begin, begin + rng.uniform(13, 30))))
    for index in range(3):
        offshore = (26.0, -45.0 + 3 * index)
        begin = rng.uniform(14, 30)
        world.look_alikes.add(world.track(rng, offshore, 10, (begin, begin + 8)))
        world.look_alikes.add(world.track(rng, NEAR_SHORE, 10, (2.5, 18.5)))
        sparse = (30.0, -45.0 + 3 * index)
        world.look_alikes.add(world.track(rng, sparse, 60, (begin, begin + 20)))
    return world


def _flagged(alerts: list[Alert]) -> set[str]:
    return {alert.subjects[0].value for alert in alerts}


@pytest.mark.spark
def test_seeded_world_disabling_is_found_and_look_alikes_are_not(
    both_engines: BothEngines,
) -> None:
    world = generate(1)
    alerts = both_engines("maritime.ais_disabling", {"ais_positions": world.rows})
    assert _flagged(alerts) == world.disabled
    [first] = [a for a in alerts if a.subjects[0].value == min(world.disabled)]
    assert first.reason_fr.startswith("Extinction AIS probablement volontaire : MMSI ")
    assert "plus de 50 milles marins de la côte" in first.reason_fr


def _on_duckdb(root: Path, world: GapWorld, thresholds: DisablingThresholds) -> list[Alert]:
    store = write_event_tables(root, {"ais_positions": world.rows})
    with DuckDBEngine() as engine:
        store.register(engine)
        return get_detector("maritime.ais_disabling").run(engine, thresholds)


def test_recall_and_precision_over_seeds(tmp_path: Path) -> None:
    hits = planted = flagged = 0
    for seed in range(4):
        world = generate(seed)
        found = _flagged(_on_duckdb(tmp_path / str(seed), world, DisablingThresholds()))
        hits, planted = hits + len(found & world.disabled), planted + len(world.disabled)
        flagged += len(found)
    assert hits / planted >= 0.95
    assert hits / flagged >= 0.9


def test_each_condition_is_what_excludes_its_look_alike(tmp_path: Path) -> None:
    """Relaxing the shore distance and the reception before lets the look-alikes in."""
    world = generate(2)
    loose = DisablingThresholds(min_distance_from_shore_nm=0.0, min_positions_before=0)
    found = _flagged(_on_duckdb(tmp_path / "loose", world, loose))
    near_shore_and_sparse = {m for m in world.look_alikes if m in found}
    assert len(near_shore_and_sparse) == 6  # the 8 h silences stay out: they are short
    poorly_covered = DisablingThresholds(min_area_positions_per_day=1000.0)
    assert not _on_duckdb(tmp_path / "area", world, poorly_covered)


def test_thresholds_must_make_sense() -> None:
    with pytest.raises(ValueError, match="min_gap_hours"):
        DisablingThresholds(min_gap_hours=0.0)
    with pytest.raises(ValueError, match="min_area_positions_per_day"):
        DisablingThresholds(min_area_positions_per_day=-1.0)

"""Dark targets (``maritime.dark_target``): sensor tracks with no AIS, on a seeded world.

Radar tracks (a contact every 5 min for 2 h, ~100 m of noise) of three kinds: vessels
that transmit AIS (a report every 3 min; one of them silent for 30 min during the
track) must match; vessels without AIS are dark (planted), including one that passes
close to an AIS vessel for a few minutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engines import BothEngines
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE
from filet.maritime.dark_targets import DarkTargetThresholds
from filet.maritime.testworld import move

T0 = datetime(2026, 3, 10, 6, tzinfo=UTC)
KNOTS_15 = 15 * METRES_PER_NAUTICAL_MILE


@dataclass
class SensorWorld:
    ais: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    dark: set[str] = field(default_factory=set)
    lit: set[str] = field(default_factory=set)

    def vessel(
        self, rng: random.Random, start: tuple[float, float], course: float, ais: bool
    ) -> str:
        track = f"R{len(self.dark) + len(self.lit) + 1:03d}"
        silent, mmsi = rng.uniform(20, 80), f"227{track[1:]}000"
        for second in range(0, 2 * 3600, 180) if ais else ():
            hours = (second + rng.randint(0, 20)) / 3600
            if not silent <= hours * 60 < silent + 30:
                self._add(self.ais, "mmsi", mmsi, start, course, hours)
        for second in range(0, 2 * 3600, 300):
            noisy = move(start, abs(rng.gauss(0, 100)), rng.uniform(0, 360))
            self._add(self.contacts, "track_id", track, noisy, course, second / 3600, "radar")
        (self.lit if ais else self.dark).add(track)
        return track

    @staticmethod
    def _add(
        rows: list[dict[str, Any]],
        key: str,
        value: str,
        start: tuple[float, float],
        course: float,
        hours: float,
        sensor: str | None = None,
    ) -> None:
        lat, lon = move(start, hours * KNOTS_15, course)
        row = {key: value, "ts": T0 + timedelta(hours=hours), "lat": lat, "lon": lon}
        if sensor is None:
            row |= {"sog_knots": 15.0, "cog_degrees": course}
        else:
            row["sensor"] = sensor
        rows.append(row | {"source_file": f"{key}.csv", "source_line": len(rows) + 2})


def generate(seed: int) -> SensorWorld:
    rng, world = random.Random(seed), SensorWorld()
    for index in range(12):
        start = (43.0 + 0.3 * (index // 4), 5.0 + 0.5 * (index % 4))
        world.vessel(rng, start, rng.uniform(0, 360), ais=index % 3 != 0)
    crossing = (44.5, 5.0)
    world.vessel(rng, crossing, 90.0, ais=True)
    world.vessel(rng, move(crossing, 2 * KNOTS_15, 90.0), 270.0, ais=False)
    return world


@pytest.mark.spark
@pytest.mark.parametrize("seed", [3])
def test_tracks_without_ais_are_dark_and_the_others_are_not(
    both_engines: BothEngines, seed: int
) -> None:
    world = generate(seed)
    tables = {"ais_positions": world.ais, "sensor_tracks": world.contacts}
    alerts = both_engines("maritime.dark_target", tables)
    found = {alert.subjects[0].value for alert in alerts}
    assert len(found & world.dark) / len(world.dark) >= 0.95
    assert len(found & world.dark) / len(found) >= 0.9
    assert not found & world.lit
    assert all(alert.reason_en.startswith("Dark target: track R") for alert in alerts)


@pytest.mark.spark
def test_a_tighter_window_loses_the_ais_silence_and_flags_nothing_more(
    both_engines: BothEngines,
) -> None:
    """With 1 min, contacts between AIS reports 3 min apart go unmatched: more flagged."""
    world = generate(4)
    tables = {"ais_positions": world.ais, "sensor_tracks": world.contacts}
    tight = DarkTargetThresholds(max_time_minutes=1.0)
    found = {a.subjects[0].value for a in both_engines("maritime.dark_target", tables, tight)}
    assert world.dark <= found and found & world.lit


def test_thresholds_must_make_sense() -> None:
    with pytest.raises(ValueError, match="min_unmatched_share"):
        DarkTargetThresholds(min_unmatched_share=1.5)

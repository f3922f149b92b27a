"""The maritime detector suite on DuckDB over ``size`` generated positions, and
movingpandas side by side for gap splitting and stop detection.

The fleet (``maritime_fleet.py``) is written as Parquet event tables (positions, static
reports, sensor contacts); the land mask and the port list are loaded before timing,
as a long-running service holds them. Every maritime detector runs end to end (SQL,
then alerts) ``REPEATS`` times; its median is its time, the suite's time their sum.
The suite is set against the goal of 1,000,000 positions/s; each detector against the
floor of any per-vessel detector on DuckDB: one ``LEAD`` window over the positions by
MMSI and time, counted.

movingpandas (``movingpandas_baseline.py``) runs on the first ``MOVINGPANDAS_SIZE``
positions at most (it is slow), Filet on the same ones and on all of them:

- gap splitting: ``ObservationGapSplitter.split(gap=6 h)`` against ``maritime.ais_gap``;
- stop detection: ``TrajectoryStopDetector`` (4 h within ``STOP_DIAMETER_M``) against
  ``maritime.loitering`` with ``min_distance_from_shore_nm=0`` (movingpandas has no
  shore condition). The diameter is the farthest a vessel under 2 kn goes in 4 h, so
  every loitering event fits in it; the converse does not hold.

Before timing, both sides run on ``CHECK_SIZE`` positions and must agree: the same
gaps, which are the planted silences; every loitering event inside a stop of the same
vessel, and every stop that is no loitering event belonging to a planted encounter
vessel (3 h slow, with the approach and departure at 12 kn inside the diameter for
4 h, while Filet's hourly speeds over those hours are above 2 kn).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

from benchmarks import movingpandas_baseline as baseline
from benchmarks.common import Comparison
from benchmarks.maritime_fleet import Fleet, fleet

from filet.alerts import Alert, Detector, Thresholds, all_detectors, get_detector
from filet.engine import Engine, Step
from filet.engine.duckdb_engine import DuckDBEngine
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE, all_ports, nearest_land_nm
from filet.maritime.gaps import AisGapThresholds
from filet.maritime.loitering import LoiteringThresholds
from filet.store.events import EventStore

DEFAULT_SIZE = 1_000_000
MOVINGPANDAS_SIZE = 100_000
CHECK_SIZE = 15_000
REPEATS = 3
GOAL_POSITIONS_PER_S = 1_000_000
GAP = AisGapThresholds()
LOITERING = LoiteringThresholds(min_distance_from_shore_nm=0.0)
STOP_DIAMETER_M = (
    LOITERING.max_speed_knots * LOITERING.min_duration_hours * METRES_PER_NAUTICAL_MILE
)
FLOOR = "DuckDB floor: one LEAD window over the positions by MMSI and time"
MPD = "movingpandas 0.23"

Interval = baseline.Interval


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    _preload()
    with tempfile.TemporaryDirectory(prefix="filet-bench-maritime-") as folder:
        check(fleet(min(size, CHECK_SIZE)), Path(folder) / "check")
        everything = fleet(size)
        _log(
            f"{everything.positions.num_rows:,} positions, {everything.statics.num_rows:,} "
            f"static reports, {everything.contacts.num_rows:,} sensor contacts; "
            f"{everything.days} days, {everything.vessels:,} vessels\n"
        )
        suite = _suite(everything, Path(folder) / "all")
        return suite + _side_by_side(everything, Path(folder))


@dataclass(frozen=True)
class Agreement:
    """What both sides found on the check world."""

    gaps: int
    loitering_events: int
    stops: int


def check(world: Fleet, folder: Path) -> Agreement:
    """Refuse to time two sides that do not find the same things (see the docstring)."""
    store = _store(world, folder)
    trajectories = baseline.collection(world.positions)
    with DuckDBEngine() as engine:
        store.register(engine)
        gaps = _intervals(get_detector("maritime.ais_gap").run(engine, GAP))
        loitering = _intervals(get_detector("maritime.loitering").run(engine, LOITERING))
    cuts = baseline.split_on_gaps(trajectories, timedelta(hours=GAP.min_gap_hours))
    planted = sorted(
        (m, a.replace(tzinfo=None), b.replace(tzinfo=None)) for m, a, b in world.silences
    )
    if not gaps == cuts == planted:
        raise RuntimeError(f"gaps differ: Filet {gaps}, movingpandas {cuts}, planted {planted}")
    found = baseline.stops(trajectories, STOP_DIAMETER_M, _min_duration())
    unmatched = [event for event in loitering if not _overlaps(event, found)]
    beside = [stop for stop in found if not _overlaps(stop, loitering)]
    extra = [stop for stop in beside if stop[0] not in world.encounter_vessels]
    if unmatched or extra:
        raise RuntimeError(f"stops differ: Filet only {unmatched}, movingpandas only {extra}")
    _log(
        f"check on {world.positions.num_rows:,} positions: {len(gaps)} gaps on both sides; "
        f"{len(loitering)} loitering events, {len(found)} movingpandas stops "
        f"({len(beside)} of them at planted encounters)\n"
    )
    return Agreement(len(gaps), len(loitering), len(found))


def _suite(world: Fleet, folder: Path) -> list[Comparison]:
    positions = world.positions.num_rows
    store = _store(world, folder)
    detectors = [d for d in all_detectors() if d.domain == "maritime"]
    with DuckDBEngine() as engine:
        store.register(engine)
        floor = _median(lambda: engine.run(_floor_steps()))
        seconds = {d.id: _median(partial(d.run, engine)) for d in detectors}
    _log("".join(f"{name}: {s:.3f} s\n" for name, s in seconds.items()))
    total = sum(seconds.values())
    rows = [
        Comparison(
            f"suite of {len(detectors)} detectors, {positions:,} positions", "positions/s",
            positions / total, "goal", GOAL_POSITIONS_PER_S, higher_is_better=True,
        )
    ]  # fmt: skip
    rows += [
        Comparison(_named(d, world), "positions/s", positions / seconds[d.id], FLOOR,
                   positions / floor, higher_is_better=True)
        for d in detectors
    ]  # fmt: skip
    return rows


def _named(detector: Detector, world: Fleet) -> str:
    """The detector's id, with what it reads when that is not the positions."""
    if "ais_positions" in detector.inputs:
        return detector.id
    return f"{detector.id} (reads the {world.statics.num_rows:,} static reports)"


def _side_by_side(everything: Fleet, folder: Path) -> list[Comparison]:
    """Both operations at movingpandas's size, then Filet on all positions."""
    small = fleet(min(everything.positions.num_rows, MOVINGPANDAS_SIZE))
    rows = small.positions.num_rows
    all_rows = everything.positions.num_rows
    store = EventStore(folder / "small")
    write_s = _seconds(partial(store.write_part, "ais_positions", "part-0", small.positions))
    build_s, split_s, stop_s = _movingpandas_seconds(small)
    small_gap, small_stop = _filet_pair(store)
    all_gap, all_stop = _filet_pair(EventStore(folder / "all"))
    _log(
        f"movingpandas on {rows:,} positions: collection {build_s:.2f} s, gap split "
        f"{split_s:.2f} s, stops {stop_s:.2f} s; Filet gaps {small_gap:.3f} s, "
        f"loitering {small_stop:.3f} s\n"
    )
    on = f"same {rows:,} positions"
    built = f"{MPD}, TrajectoryCollection built"
    return [
        Comparison(
            f"preparing {rows:,} positions (Parquet / TrajectoryCollection)", "positions/s",
            rows / write_s, f"{MPD} TrajectoryCollection(...)", rows / build_s, True,
        ),
        Comparison(
            f"gaps, {on}", "positions/s", rows / small_gap,
            f"{MPD} ObservationGapSplitter.split", rows / split_s, True,
        ),
        Comparison(
            f"gaps, {on}, with construction", "positions/s", rows / small_gap,
            f"{built} + split", rows / (build_s + split_s), True,
        ),
        Comparison(
            f"gaps, Filet on all {all_rows:,}", "positions/s", all_rows / all_gap,
            f"{built} + split, on {rows:,}", rows / (build_s + split_s), True,
        ),
        Comparison(
            f"stops, {on}", "positions/s", rows / small_stop,
            f"{MPD} TrajectoryStopDetector", rows / stop_s, True,
        ),
        Comparison(
            f"stops, {on}, with construction", "positions/s", rows / small_stop,
            f"{built} + stop detector", rows / (build_s + stop_s), True,
        ),
        Comparison(
            f"stops, Filet on all {all_rows:,}", "positions/s", all_rows / all_stop,
            f"{built} + stop detector, on {rows:,}", rows / (build_s + stop_s), True,
        ),
    ]  # fmt: skip


def _movingpandas_seconds(small: Fleet) -> tuple[float, float, float]:
    """Seconds to build the collection, split it on gaps, and find its stops."""
    begun = time.perf_counter()
    trajectories = baseline.collection(small.positions)
    build_s = time.perf_counter() - begun
    gap = timedelta(hours=GAP.min_gap_hours)
    split_s = _seconds(partial(baseline.split_on_gaps, trajectories, gap))
    stop_s = _seconds(partial(baseline.stops, trajectories, STOP_DIAMETER_M, _min_duration()))
    return build_s, split_s, stop_s


def _filet_pair(store: EventStore) -> tuple[float, float]:
    """Median seconds of the gap and loitering detectors on ``store``'s positions."""
    with DuckDBEngine() as engine:
        store.register(engine)
        return (
            _detector_median(engine, get_detector("maritime.ais_gap"), GAP),
            _detector_median(engine, get_detector("maritime.loitering"), LOITERING),
        )


def _detector_median(engine: Engine, detector: Detector, thresholds: Thresholds) -> float:
    return _median(partial(detector.run, engine, thresholds))


def _median(work: Callable[[], object]) -> float:
    return statistics.median(_seconds(work) for _ in range(REPEATS))


def _seconds(work: Callable[[], object]) -> float:
    begun = time.perf_counter()
    work()
    return time.perf_counter() - begun


def _floor_steps() -> list[Step]:
    sql = """
        SELECT COUNT(next_ts) AS pairs FROM (
            SELECT LEAD(ts) OVER (PARTITION BY mmsi ORDER BY ts, source_file, source_line)
                AS next_ts
            FROM ais_positions
        ) AS consecutive
    """
    return [Step(sql, "maritime_floor")]


def _store(world: Fleet, folder: Path) -> EventStore:
    store = EventStore(folder)
    store.write_part("ais_positions", "part-0", world.positions)
    store.write_part("ais_static", "part-0", world.statics)
    store.write_part("sensor_tracks", "part-0", world.contacts)
    return store


def _intervals(alerts: list[Alert]) -> list[Interval]:
    """(MMSI, start, end) of each alert, naive UTC as movingpandas gives them."""
    return sorted(
        (a.subjects[0].value, a.start.replace(tzinfo=None), a.end.replace(tzinfo=None))
        for a in alerts
    )


def _overlaps(interval: Interval, others: list[Interval]) -> bool:
    mmsi, start, end = interval
    return any(m == mmsi and s <= end and start <= e for m, s, e in others)


def _min_duration() -> timedelta:
    return timedelta(hours=LOITERING.min_duration_hours)


def _preload() -> None:
    """The land mask (seconds, once per process) and the port list, before any timing."""
    nearest_land_nm(0.0, 0.0, 1.0)
    all_ports()


def _log(text: str) -> None:
    sys.stderr.write(text)

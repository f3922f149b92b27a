"""A maritime fleet at scale for ``bench_maritime.py``: seeded worlds, one day apart.

Day ``k`` is ``filet.maritime.testworld.generate(seed=k)`` moved ``k`` days on: 53
vessels reporting every ten minutes (encounters, crossings, moored pairs, loiterers,
shared and made-up MMSIs, bad fixes) with their hourly static reports, so the detectors
meet the planted answers and look-alikes they are tested on, at any size. The world
itself never goes silent, so that the gap detectors find something: on each day two of
the plain cruisers (vessels with no planted answer) lose their reports for 6.5 to 10 h,
a naive gap (6 h or more) that stays under the 12 h of intentional disabling and too
short for a cruiser at 12 kn to look like a jump. Each day also has six sensor tracks
over two hours, as in the demo: three following loiterers (AIS vessels), three of
vessels without AIS (dark targets).

A fleet of ``size`` positions is whole days, then the first vessels (by MMSI) of one
more day; positions are numbered as lines of one file, in time order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from filet.maritime.coast import METRES_PER_NAUTICAL_MILE
from filet.maritime.testworld import START, MaritimeWorld, generate, move
from filet.store.events import EVENT_TABLES

SILENCED_PER_DAY = 2
SILENCE_HOURS = (6.5, 10.0)
RADAR_WINDOW_HOURS = (10.0, 12.0)
POSITIONS_FILE = "flotte.csv"

Report = tuple[datetime, str, float, float]
Track = list[tuple[datetime, float, float]]
Silence = tuple[str, datetime, datetime]


@dataclass(frozen=True)
class Fleet:
    """Event tables of ``days`` generated days, with what was planted in them."""

    positions: pa.Table
    statics: pa.Table
    contacts: pa.Table
    days: int
    vessels: int
    # (MMSI, last report before, first report after) of every silence planted.
    silences: list[Silence]
    # MMSIs slow for 3 h at a planted encounter (shorter than loitering's 4 h).
    encounter_vessels: set[str]


def fleet(size: int) -> Fleet:
    """At least one vessel's day, then days until ``size`` positions."""
    reports: list[Report] = []
    statics: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    silences: list[Silence] = []
    encounter_vessels: set[str] = set()
    vessels = day = 0
    while len(reports) < size:
        world, shift = generate(seed=day), timedelta(days=day)
        tracks, cut = _silenced(world, random.Random(day))
        kept = _fill(tracks, size - len(reports))
        reports.extend(sorted((ts + shift, m, lat, lon) for m in kept for ts, lat, lon in kept[m]))
        statics.extend(_statics(world, None if kept == tracks else set(kept), shift))
        contacts.extend(_contacts(world, set(kept), day, shift))
        silences.extend(
            (m, before + shift, after + shift)
            for m, before, after in cut
            if m in kept and kept[m][-1][0] >= after
        )
        encounter_vessels.update(m for pair in world.encounters for m in pair if m in kept)
        vessels, day = vessels + len(kept), day + 1
    return Fleet(
        _positions_table(reports),
        pa.Table.from_pylist(statics, schema=EVENT_TABLES["ais_static"]),
        pa.Table.from_pylist(contacts, schema=EVENT_TABLES["sensor_tracks"]),
        day,
        vessels,
        silences,
        encounter_vessels,
    )


def _silenced(world: MaritimeWorld, rng: random.Random) -> tuple[dict[str, Track], list[Silence]]:
    """The world's tracks, two plain cruisers with a silence cut out of theirs."""
    planted = {
        *(m for pair in world.encounters + world.passings + world.moored for m in pair),
        *world.loiterers,
        *world.spoofed,
        *world.glitched,
    }
    plain = sorted(set(world.tracks) - planted)
    tracks, silences = dict(world.tracks), []
    for mmsi in rng.sample(plain, SILENCED_PER_DAY):
        begin = START + timedelta(hours=rng.uniform(3.0, 12.0))
        end = begin + timedelta(hours=rng.uniform(*SILENCE_HOURS))
        before = [r for r in tracks[mmsi] if r[0] < begin]
        after = [r for r in tracks[mmsi] if r[0] >= end]
        tracks[mmsi] = before + after
        silences.append((mmsi, before[-1][0], after[0][0]))
    return tracks, silences


def _fill(tracks: dict[str, Track], room: int) -> dict[str, Track]:
    """Whole tracks by MMSI while they fit in ``room``; the next one cut to fit."""
    kept = {}
    for mmsi in sorted(tracks):
        if room <= 0:
            break
        kept[mmsi] = tracks[mmsi][:room]
        room -= len(kept[mmsi])
    return kept


def _positions_table(reports: list[Report]) -> pa.Table:
    ts, mmsi, lat, lon = zip(*reports, strict=True)
    rows = len(reports)
    return pa.table(
        {
            "mmsi": pa.array(mmsi, pa.string()),
            "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
            "lat": pa.array([round(value, 6) for value in lat], pa.float64()),
            "lon": pa.array([round(value, 6) for value in lon], pa.float64()),
            "sog_knots": pa.nulls(rows, pa.float64()),
            "cog_degrees": pa.nulls(rows, pa.float64()),
            "source_file": pa.array([POSITIONS_FILE] * rows, pa.string()),
            "source_line": pa.array(range(2, rows + 2), pa.int64()),
        },
        schema=EVENT_TABLES["ais_positions"],
    )


def _statics(world: MaritimeWorld, kept: set[str] | None, shift: timedelta) -> list[dict[str, Any]]:
    """The day's static reports; on a day cut short, those of the vessels kept."""
    return [
        row | {"ts": row["ts"] + shift}
        for row in world.static_rows(f"statiques-{shift.days}.nmea")
        if kept is None or row["mmsi"] in kept
    ]


def _contacts(
    world: MaritimeWorld, kept: set[str], day: int, shift: timedelta
) -> list[dict[str, Any]]:
    """Radar contacts 2 min after three loiterers' reports; aircraft tracks of three
    vessels without AIS, every 5 min at 12 kn in empty sea."""
    begin, end = (START + timedelta(hours=h) for h in RADAR_WINDOW_HOURS)
    rows = [
        (f"J{day}-RADAR-L{index}", ts + timedelta(minutes=2), *move((lat, lon), 100.0, 45.0))
        for index, mmsi in enumerate(m for m in world.loiterers[:3] if m in kept)
        for ts, lat, lon in world.tracks[mmsi]
        if begin <= ts < end
    ]
    for index in range(3):
        for step in range(24):
            hours = step / 12
            place = move((5.0, -30.0 + 2 * index), hours * 12 * METRES_PER_NAUTICAL_MILE, 90.0)
            rows.append((f"J{day}-RADAR-D{index}", begin + timedelta(hours=hours), *place))
    name = f"pistes-{day}.csv"
    return [
        {
            "track_id": track,
            "ts": ts + shift,
            "lat": lat,
            "lon": lon,
            "sensor": "radar",
            "source_file": name,
            "source_line": line,
        }
        for line, (track, ts, lat, lon) in enumerate(rows, start=2)
    ]

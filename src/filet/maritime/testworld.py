"""A seeded maritime world with known answers, for tests, the demo and benchmarks.

One day of AIS reports every ten minutes (with a minute or two of jitter and ~10 m of
position noise) in the open Atlantic, more than 20 nm from land and far from ports,
plus moored pairs in real ports. Each scenario has its own patch of sea, and every
vessel sends a static report (IMO, name, call sign) every hour. The world says what each
detector must find (``encounters``, ``loiterers``, ``spoofed``, ``renamed`` MMSIs and
``reflagged`` IMOs) and the look-alikes it must not flag: ships crossing at speed
(``passings``), pairs moored in port (``moored``), single bad fixes (``glitched``), one
garbled static report (``garbled``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from stdnum import imo as stdnum_imo

from filet.engine.dialects import EARTH_RADIUS_M
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE, port
from filet.model.identifiers import mmsi as mmsi_ids

START = datetime(2026, 3, 10, tzinfo=UTC)
DAY = timedelta(days=1)
REPORT_EVERY = timedelta(minutes=10)
CRUISE_KNOTS = 12.0
PORTS = ("FRLEH", "NLRTM", "ECGYE")
# ITU-R M.585 MIDs of the world's ships: France, Spain, Netherlands, Panama, Ecuador.
VALID_MIDS = ("227", "224", "244", "351", "735")
NAMES = ("ESPERANZA", "NORTHERN STAR", "MAR CARIBE", "BLUE HORIZON", "RIO GUAYAS", "CAP FERRET")

Position = tuple[float, float]
Path = Callable[[float], Position]  # hours since START -> (lat, lon)


@dataclass
class MaritimeWorld:
    seed: int
    tracks: dict[str, list[tuple[datetime, float, float]]] = field(default_factory=dict)
    encounters: list[tuple[str, str]] = field(default_factory=list)
    passings: list[tuple[str, str]] = field(default_factory=list)
    moored: list[tuple[str, str]] = field(default_factory=list)
    loiterers: list[str] = field(default_factory=list)
    spoofed: list[str] = field(default_factory=list)
    glitched: list[str] = field(default_factory=list)
    statics: list[tuple[datetime, str, str, str, str]] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    reflagged: list[str] = field(default_factory=list)
    garbled: list[str] = field(default_factory=list)

    def positions(self, source_file: str = "world.csv") -> list[dict[str, Any]]:
        """``ais_positions`` rows, numbered as the lines of a CSV file with a header."""
        reports = sorted(
            (ts, mmsi, lat, lon) for mmsi, track in self.tracks.items() for ts, lat, lon in track
        )
        return [
            {
                "mmsi": mmsi,
                "ts": ts,
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "sog_knots": None,
                "cog_degrees": None,
                "source_file": source_file,
                "source_line": line,
            }
            for line, (ts, mmsi, lat, lon) in enumerate(reports, start=2)
        ]

    def static_rows(self, source_file: str = "static.csv") -> list[dict[str, Any]]:
        """``ais_static`` rows: (ts, mmsi, imo, name, call sign) reports in time order."""
        return [
            {
                "mmsi": mmsi,
                "ts": ts,
                "imo": imo,
                "name": name,
                "call_sign": call_sign,
                "ship_type": None,
                "destination": None,
                "draught_m": None,
                "source_file": source_file,
                "source_line": line,
            }
            for line, (ts, mmsi, imo, name, call_sign) in enumerate(sorted(self.statics), start=2)
        ]


def move(start: Position, metres: float, course_degrees: float) -> Position:
    """Dead reckoning on a sphere, good enough for tens of kilometres."""
    lat, lon = start
    north = metres * math.cos(math.radians(course_degrees)) / EARTH_RADIUS_M
    east = metres * math.sin(math.radians(course_degrees)) / EARTH_RADIUS_M
    return lat + math.degrees(north), lon + math.degrees(east / math.cos(math.radians(lat)))


def _knots(hours: float, knots: float) -> float:
    return hours * knots * METRES_PER_NAUTICAL_MILE


def stop_and_go(
    place: Position,
    begin: float,
    stay: float,
    drift_knots: float,
    courses: tuple[float, float] = (90.0, 30.0),
) -> Path:
    """Cruise in, drift slowly at ``place`` for ``stay`` hours from ``begin``, cruise out."""
    course_in, course_out = courses

    def at(hours: float) -> Position:
        if hours < begin:
            return move(place, _knots(begin - hours, CRUISE_KNOTS), course_in + 180)
        if hours <= begin + stay:
            return move(place, _knots(hours - begin, drift_knots), 200.0)
        drifted = move(place, _knots(stay, drift_knots), 200.0)
        return move(drifted, _knots(hours - begin - stay, CRUISE_KNOTS), course_out)

    return at


def cruise(place: Position, when: float, course: float) -> Path:
    """Steady cruise that passes ``place`` at ``when`` hours."""
    return lambda hours: move(place, _knots(hours - when, CRUISE_KNOTS), course)


def moored(place: Position) -> Path:
    return lambda hours: place


def generate(seed: int = 11) -> MaritimeWorld:
    rng = random.Random(seed)
    world = MaritimeWorld(seed)
    used: set[str] = set()
    patches = iter((15.0 + 1.5 * (i // 10), -50.0 + 1.5 * (i % 10)) for i in range(60))

    def vessel(path: Path, mids: tuple[str, ...] = VALID_MIDS) -> str:
        mmsi = _new_mmsi(rng, mids, used)
        world.tracks[mmsi] = _sample(rng, path)
        return mmsi

    for _ in range(6):
        place, begin = next(patches), rng.uniform(4.0, 16.0)
        side = move(place, rng.uniform(100.0, 300.0), rng.uniform(0.0, 360.0))
        first = vessel(stop_and_go(place, begin, 3.0, 0.3))
        second = vessel(stop_and_go(side, begin, 3.0, 0.3, (0.0, 150.0)))
        world.encounters.append((first, second))
    for _ in range(4):
        place, when = next(patches), rng.uniform(6.0, 18.0)
        course = rng.uniform(0.0, 360.0)
        first = vessel(cruise(place, when, course))
        second = vessel(cruise(move(place, 80.0, course + 90), when, course + 90))
        world.passings.append((first, second))
    for locode in PORTS:
        berth = (port(locode).lat, port(locode).lon)
        first = vessel(moored(berth))
        second = vessel(moored(move(berth, 60.0, 0.0)))
        world.moored.append((first, second))
    for _ in range(6):
        path = stop_and_go(next(patches), rng.uniform(3.0, 12.0), rng.uniform(5.5, 8.0), 0.8)
        world.loiterers.append(vessel(path))
    for _ in range(4):
        world.spoofed.append(_two_transmitters(rng, world, used, next(patches)))
    for _ in range(3):
        world.glitched.append(_one_bad_fix(rng, world, used, next(patches)))
    for _ in range(4):
        path = cruise(next(patches), 12.0, rng.uniform(0.0, 360.0))
        world.spoofed.append(vessel(path, _unallocated_mids()))
    for _ in range(10):
        vessel(cruise(next(patches), 12.0, rng.uniform(0.0, 360.0)))
    _identities(rng, world, used)
    return world


def _identities(rng: random.Random, world: MaritimeWorld, used: set[str]) -> None:
    """Hourly static reports; some vessels renamed, reflagged or garbled once mid-day."""
    fleet = list(world.tracks)
    chosen = rng.sample(fleet, 10)
    world.renamed, world.garbled = chosen[:4], chosen[7:]
    reflagged = dict.fromkeys(chosen[4:7], "")
    for mmsi in fleet:
        imo = "".join(str(rng.randint(1, 9)) for _ in range(6))
        imo += stdnum_imo.calc_check_digit(imo)
        name, call_sign = rng.choice(NAMES), f"{rng.choice('CDFHP')}{rng.randint(1000, 9999)}"
        change = rng.randint(8, 16)
        if mmsi in reflagged:
            reflagged[mmsi] = _new_mmsi(rng, VALID_MIDS, used)
            world.reflagged.append(imo)
        for hour in range(24):
            moment = START + timedelta(hours=hour, seconds=rng.randint(0, 300))
            shown, sender = name, mmsi
            if mmsi in world.renamed and hour >= change:
                shown = f"{name} {change}"
            if mmsi in reflagged and hour >= change:
                sender = reflagged[mmsi]
            if mmsi in world.garbled and hour == change:
                shown = name[:3] + "@" * (len(name) - 3)
            world.statics.append((moment, sender, imo, shown, call_sign))


def _sample(rng: random.Random, path: Path) -> list[tuple[datetime, float, float]]:
    """A report every ten minutes, a little late at random, with ~10 m of noise."""
    reports = []
    for step in range(int(DAY / REPORT_EVERY)):
        moment = START + step * REPORT_EVERY + timedelta(seconds=rng.randint(0, 90))
        lat, lon = path((moment - START).total_seconds() / 3600)
        lat, lon = move((lat, lon), abs(rng.gauss(0.0, 10.0)), rng.uniform(0.0, 360.0))
        reports.append((moment, lat, lon))
    return reports


def _two_transmitters(
    rng: random.Random, world: MaritimeWorld, used: set[str], place: Position
) -> str:
    """One MMSI, two ships 300 km apart reporting in turn."""
    mmsi = _new_mmsi(rng, VALID_MIDS, used)
    near = _sample(rng, cruise(place, 12.0, rng.uniform(0.0, 360.0)))
    far = _sample(rng, cruise(move(place, 300_000.0, 45.0), 12.0, rng.uniform(0.0, 360.0)))
    world.tracks[mmsi] = [(near if i % 2 else far)[i] for i in range(len(near))]
    return mmsi


def _one_bad_fix(rng: random.Random, world: MaritimeWorld, used: set[str], place: Position) -> str:
    """A steady track with one report 100 nm off: two jumps, out and back."""
    mmsi = _new_mmsi(rng, VALID_MIDS, used)
    track = _sample(rng, cruise(place, 12.0, rng.uniform(0.0, 360.0)))
    index = rng.randrange(10, len(track) - 10)
    moment, lat, lon = track[index]
    track[index] = (moment, *move((lat, lon), 100 * METRES_PER_NAUTICAL_MILE, 90.0))
    world.tracks[mmsi] = track
    return mmsi


def _unallocated_mids() -> tuple[str, ...]:
    """Ship-station MIDs (201 to 775) that the ITU allocated to no administration."""
    return tuple(
        str(mid) for mid in range(201, 776) if mmsi_ids.flag_country(f"{mid}000001") is None
    )


def _new_mmsi(rng: random.Random, mids: tuple[str, ...], used: set[str]) -> str:
    while True:
        mmsi = f"{rng.choice(mids)}{rng.randint(100_000, 999_999)}"
        if mmsi not in used:
            used.add(mmsi)
            return mmsi

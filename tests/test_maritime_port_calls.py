"""Port calls (``maritime.port_call``) with hysteresis, on a seeded world of port traffic.

Ports are real UN/LOCODE entries of the list shipped by ``searoute``, none with a
neighbour closer than 10 km (neighbours make one call, at the nearer); the tracks are
generated: callers that berth, ships that sail past within 2 km, ships idling just
outside the entry radius, ships going back and forth across the entry radius while
in port (one call, thanks to the 4 km exit), and ships silent for hours at a berth.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engines import BothEngines, write_event_tables
from filet.alerts import Alert, get_detector
from filet.engine.duckdb_engine import DuckDBEngine
from filet.maritime.coast import METRES_PER_NAUTICAL_MILE, port
from filet.maritime.port_calls import PortCallThresholds, to_alerts
from filet.maritime.risky_ports import HighRiskPortThresholds, load_list
from filet.maritime.testworld import move

T0 = datetime(2026, 3, 10, tzinfo=UTC)
KNOTS_12 = 12 * METRES_PER_NAUTICAL_MILE
PORTS = ("ECGYE", "BRSSZ", "COTRB", "COCTG", "SRPBM", "FRLEH", "COBUN", "GYGEO", "BEANR")
Track = Callable[[float], tuple[float, float]]


@dataclass
class PortWorld:
    tracks: dict[str, list[tuple[datetime, float, float]]] = field(default_factory=dict)
    calls: set[tuple[str, str]] = field(default_factory=set)
    no_call: set[str] = field(default_factory=set)

    def rows(self, source_file: str = "ports.csv") -> list[dict[str, Any]]:
        reports = sorted((ts, m, lat, lon) for m, t in self.tracks.items() for ts, lat, lon in t)
        return [
            {
                "mmsi": m,
                "ts": ts,
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "sog_knots": None,
                "cog_degrees": None,
                "source_file": source_file,
                "source_line": line,
            }
            for line, (ts, m, lat, lon) in enumerate(reports, start=2)
        ]


def visit(berth: tuple[float, float], arrive: float, leave: float, bearing: float) -> Track:
    """Steam in at 12 kn along ``bearing``, lie at ``berth``, steam out the same way."""

    def at(hours: float) -> tuple[float, float]:
        if hours < arrive:
            return move(berth, (arrive - hours) * KNOTS_12, bearing)
        if hours <= leave:
            return berth
        return move(berth, (hours - leave) * KNOTS_12, bearing)

    return at


def sample(rng: random.Random, path: Track, silent: tuple[float, float] = (0, 0)) -> list[Any]:
    """A report every ten minutes for a day, with jitter and ~10 m of noise."""
    reports = []
    for step in range(144):
        hours = step / 6 + rng.randint(0, 90) / 3600
        if silent[0] <= hours < silent[1]:
            continue
        lat, lon = move(path(hours), abs(rng.gauss(0.0, 10.0)), rng.uniform(0.0, 360.0))
        reports.append((T0 + timedelta(hours=hours), lat, lon))
    return reports


def generate(seed: int) -> PortWorld:
    rng, world = random.Random(seed), PortWorld()
    for index, locode in enumerate(PORTS):
        place = port(locode)
        here = (place.lat, place.lon)

        def mmsi(kind: int, index: int = index) -> str:
            return f"2{kind}{index}{seed % 1000:03d}{rng.randint(100, 999)}"

        bearing, arrive = rng.uniform(0, 360), rng.uniform(3, 8)
        caller = mmsi(1)
        berth = move(here, rng.uniform(0, 1500), rng.uniform(0, 360))
        world.tracks[caller] = sample(
            rng, visit(berth, arrive, arrive + rng.uniform(4, 10), bearing)
        )
        world.calls.add((caller, locode))
        hesitant = mmsi(2)
        inside, edge = move(here, 2000, bearing), move(here, 3500, bearing)
        world.tracks[hesitant] = sample(rng, _back_and_forth(inside, edge, arrive, bearing))
        world.calls.add((hesitant, locode))
        silent = mmsi(3)
        quick = visit(berth, arrive, arrive + 8, bearing + 90)
        world.tracks[silent] = sample(rng, _moving_berth(quick), (arrive + 1, arrive + 7))
        world.calls.add((silent, locode))
        passer = mmsi(4)
        abeam = move(here, 2000, bearing + 90)
        world.tracks[passer] = sample(rng, lambda h, a=abeam, b=bearing: _steam(a, h - 12, b))
        idler = mmsi(5)
        outside = move(here, 3500, bearing - 90)
        world.tracks[idler] = sample(rng, visit(outside, arrive, arrive + 10, bearing - 90))
        world.no_call |= {passer, idler}
    return world


def _steam(start: tuple[float, float], hours: float, bearing: float) -> tuple[float, float]:
    return move(start, hours * KNOTS_12, bearing)


def _back_and_forth(
    inside: tuple[float, float], edge: tuple[float, float], arrive: float, bearing: float
) -> Track:
    """Berth 2 km from the port, then shift between 2 and 3.5 km every hour for 8 h."""
    stay = visit(inside, arrive, arrive + 10, bearing)

    def at(hours: float) -> tuple[float, float]:
        if arrive + 2 <= hours < arrive + 10 and int(hours - arrive) % 2:
            return edge
        return stay(hours)

    return at


def _moving_berth(path: Track) -> Track:
    """Keep moving at 1 kn while in port, so only the silence can make the call."""

    def at(hours: float) -> tuple[float, float]:
        return move(path(hours), (hours % 1) * METRES_PER_NAUTICAL_MILE, 45.0)

    return at


def _found(alerts: list[Any]) -> set[tuple[str, str]]:
    return {(a.subjects[0].value, a.subjects[1].value) for a in alerts}


@pytest.mark.spark
def test_seeded_world_calls_are_found_once_each(both_engines: BothEngines) -> None:
    world = generate(7)
    alerts = both_engines("maritime.port_call", {"ais_positions": world.rows()})
    found = [(a.subjects[0].value, a.subjects[1].value) for a in alerts]
    assert len(found) == len(set(found)), "one call per visit, however often it crosses 3 km"
    assert set(found) == world.calls
    assert not {mmsi for mmsi, _ in found} & world.no_call


def _on_duckdb(
    root: Path, rows: list[dict[str, Any]], thresholds: PortCallThresholds | None = None
) -> list[Alert]:
    store = write_event_tables(root, {"ais_positions": rows})
    with DuckDBEngine() as engine:
        store.register(engine)
        return get_detector("maritime.port_call").run(engine, thresholds)


def test_without_hysteresis_shifting_berths_split_one_call_into_several(tmp_path: Path) -> None:
    world = generate(3)
    no_hysteresis = PortCallThresholds(entry_km=3.0, exit_km=3.0)
    alerts = _on_duckdb(tmp_path, world.rows(), no_hysteresis)
    hesitant = {mmsi for mmsi, _ in world.calls if mmsi[1] == "2"}
    per_vessel = [sum(a.subjects[0].value == m for a in alerts) for m in sorted(hesitant)]
    assert min(per_vessel) > 1


def test_recall_and_precision_over_seeds(tmp_path: Path) -> None:
    hits = misses = false = 0
    for seed in range(5):
        world = generate(seed)
        found = _found(_on_duckdb(tmp_path / str(seed), world.rows()))
        hits += len(found & world.calls)
        misses += len(world.calls - found)
        false += len(found - world.calls)
    assert hits / (hits + misses) >= 0.95
    assert hits / (hits + false) >= 0.9


def test_reasons_name_the_port_and_how_the_vessel_stayed() -> None:
    row = {
        "mmsi": "735000001",
        "locode": "ECGYE",
        "closest_m": 640.0,
        "start_ts": T0,
        "end_ts": T0 + timedelta(hours=6.5),
        "left_port": 1,
        "stopped": 0,
        "silent": 1,
        "start_file": "a.csv",
        "start_line": 3,
        "end_file": "a.csv",
        "end_line": 40,
    }
    [alert] = to_alerts([row], PortCallThresholds())
    assert alert.reason_fr == (
        "Escale de MMSI 735000001 à Guayaquil (ECGYE, Ecuador) pendant 6,5 h (silence AIS "
        "dans le port, au plus près 0,6 km)."
    )
    assert alert.reason_en.startswith("Port call of MMSI 735000001 at Guayaquil (ECGYE")
    assert [e.key["source_line"] for e in alert.evidence] == [3, 40]


def test_exit_radius_cannot_be_inside_the_entry_radius() -> None:
    with pytest.raises(ValueError, match="exit_km"):
        PortCallThresholds(entry_km=5.0, exit_km=4.0)


@pytest.mark.spark
def test_calls_at_listed_ports_name_the_list_and_its_version(both_engines: BothEngines) -> None:
    """The built-in list (EMCDDA-Europol 2022, UNODC 2023, Sénat 2024) holds five of the
    world's ports; calls at the four others are not flagged."""
    world = generate(5)
    alerts = both_engines("maritime.high_risk_port_call", {"ais_positions": world.rows()})
    listed = set(load_list().ports)
    assert _found(alerts) == {(m, locode) for m, locode in world.calls if locode in listed}
    assert {locode for _, locode in world.calls} - listed  # unlisted ports were visited
    version = load_list().version
    assert all(f"version {version}" in alert.reason_fr for alert in alerts)
    assert all(alert.thresholds[-1].value == version for alert in alerts)


def test_a_service_list_replaces_the_built_in_one(tmp_path: Path) -> None:
    listing = tmp_path / "ports.yaml"
    listing.write_text(
        'version: "2026-01-01"\nsources: {note: "Note de service 12"}\nports:\n'
        "  - {locode: FRLEH, why_fr: essai, why_en: trial, sources: [note]}\n"
    )
    world = generate(6)
    store = write_event_tables(tmp_path / "events", {"ais_positions": world.rows()})
    thresholds = HighRiskPortThresholds(high_risk_ports_file=str(listing))
    with DuckDBEngine() as engine:
        store.register(engine)
        alerts = get_detector("maritime.high_risk_port_call").run(engine, thresholds)
    assert _found(alerts) == {(m, locode) for m, locode in world.calls if locode == "FRLEH"}
    assert "version 2026-01-01" in alerts[0].reason_en


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('sources: {a: "x"}\nports: []\n', "'version'"),
        ('version: "1"\nsources: {a: "x"}\nports:\n  - {locode: ZZZZZ, sources: [a]}\n', "locode"),
        ('version: "1"\nsources: {a: "x"}\nports:\n  - {locode: FRLEH, sources: [b]}\n', "sources"),
    ],
)
def test_a_bad_list_names_its_file_and_field(tmp_path: Path, body: str, field: str) -> None:
    listing = tmp_path / "bad.yaml"
    listing.write_text(body)
    with pytest.raises(ValueError, match=field) as raised:
        load_list(str(listing))
    assert str(listing) in str(raised.value)

"""Maritime detectors on a seeded world with planted answers (``filet.maritime.testworld``).

Each detector must find at least 95 % of what was planted (recall) with at least 90 %
of its alerts planted (precision), on DuckDB and Spark alike, and must leave the
look-alikes alone: ships crossing at speed, pairs moored in port, single bad fixes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engines import BothEngines, write_event_tables
from filet.alerts import Alert, Thresholds, get_detector
from filet.engine.duckdb_engine import DuckDBEngine
from filet.maritime.encounters import EncounterThresholds
from filet.maritime.loitering import LoiteringThresholds
from filet.maritime.testworld import MaritimeWorld, generate


@pytest.fixture(scope="module")
def world() -> MaritimeWorld:
    return generate(seed=11)


def _found(alerts: list[Alert]) -> set[frozenset[str]]:
    return {frozenset(subject.value for subject in alert.subjects) for alert in alerts}


def _assert_recall_and_precision(found: set[frozenset[str]], planted: set[frozenset[str]]) -> None:
    hits = found & planted
    assert len(hits) / len(planted) >= 0.95, f"missed {planted - found}"
    assert len(hits) / len(found) >= 0.9, f"unplanted {found - planted}"


def _on_duckdb(
    tmp_path: Path, world: MaritimeWorld, detector_id: str, thresholds: Thresholds
) -> list[Alert]:
    store = write_event_tables(tmp_path, {"ais_positions": world.positions()})
    with DuckDBEngine() as engine:
        store.register(engine)
        return get_detector(detector_id).run(engine, thresholds)


@pytest.mark.spark
def test_encounters_are_found_and_crossings_are_not(
    both_engines: BothEngines, world: MaritimeWorld
) -> None:
    alerts = both_engines("maritime.encounter", {"ais_positions": world.positions()})
    found = _found(alerts)
    _assert_recall_and_precision(found, {frozenset(pair) for pair in world.encounters})
    assert not found & {frozenset(pair) for pair in world.passings + world.moored}


def test_moored_pairs_are_close_and_slow_so_only_the_port_distance_drops_them(
    tmp_path: Path, world: MaritimeWorld
) -> None:
    anywhere = EncounterThresholds(min_distance_from_port_km=0.0)
    found = _found(_on_duckdb(tmp_path, world, "maritime.encounter", anywhere))
    assert {frozenset(pair) for pair in world.moored} <= found


@pytest.mark.spark
def test_loitering_is_found_at_sea_and_not_in_port(
    both_engines: BothEngines, world: MaritimeWorld
) -> None:
    alerts = both_engines("maritime.loitering", {"ais_positions": world.positions()})
    _assert_recall_and_precision(_found(alerts), {frozenset([m]) for m in world.loiterers})


def test_without_the_shore_condition_moored_vessels_are_anchoring(
    tmp_path: Path, world: MaritimeWorld
) -> None:
    anchoring = LoiteringThresholds(min_distance_from_shore_nm=0.0)
    found = _found(_on_duckdb(tmp_path, world, "maritime.loitering", anchoring))
    in_port = {frozenset([mmsi]) for pair in world.moored for mmsi in pair}
    assert in_port <= found
    assert {frozenset([m]) for m in world.loiterers} <= found


@pytest.mark.spark
def test_spoofed_and_invalid_mmsis_are_found_and_single_bad_fixes_are_not(
    both_engines: BothEngines, world: MaritimeWorld
) -> None:
    alerts = both_engines("maritime.spoofing", {"ais_positions": world.positions()})
    found = _found(alerts)
    _assert_recall_and_precision(found, {frozenset([m]) for m in world.spoofed})
    assert not found & {frozenset([m]) for m in world.glitched}


def test_the_world_is_the_same_for_the_same_seed() -> None:
    assert generate(seed=5).positions() == generate(seed=5).positions()
    assert generate(seed=5).encounters != generate(seed=6).encounters


@pytest.mark.spark
def test_renamings_and_reflaggings_are_found_and_garbled_reports_are_not(
    both_engines: BothEngines, world: MaritimeWorld
) -> None:
    alerts = both_engines("maritime.identity_change", {"ais_static": world.static_rows()})
    found = {frozenset([alert.subjects[0].value]) for alert in alerts}
    planted = {frozenset([key]) for key in world.renamed + world.reflagged}
    _assert_recall_and_precision(found, planted)
    assert not found & {frozenset([m]) for m in world.garbled}

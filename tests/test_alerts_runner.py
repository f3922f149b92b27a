"""Running detectors over a workspace: selection, threshold overrides, saving."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engines import write_event_tables
from filet.alerts import Detector, all_detectors
from filet.alerts.runner import MissingInputError, run_detectors
from filet.alerts.store import list_alerts
from filet.engine.duckdb_engine import DuckDBEngine
from filet.store import Workspace

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _positions(hours: list[float]) -> list[dict[str, Any]]:
    return [
        {
            "mmsi": "227000001",
            "ts": T0 + timedelta(hours=offset),
            "lat": 43.0,
            "lon": 5.0 + line / 10,
            "sog_knots": None,
            "cog_degrees": None,
            "source_file": "track.csv",
            "source_line": line,
        }
        for line, offset in enumerate(hours, start=1)
    ]


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[object, ...]] = []

    def started(self, detector: Detector) -> None:
        self.events.append(("started", detector.id))

    def saved(self, detector: Detector, found: int, new: int) -> None:
        self.events.append(("saved", detector.id, found, new))


@pytest.fixture
def with_gaps(workspace: Workspace) -> Workspace:
    """Two gaps: 8 h and 14 h."""
    write_event_tables(workspace.events.root, {"ais_positions": _positions([0, 8, 22])})
    return workspace


def test_runs_applicable_detectors_and_saves_once(with_gaps: Workspace) -> None:
    first, second = Recorder(), Recorder()
    with DuckDBEngine() as engine:
        found = run_detectors(with_gaps, engine, listener=first)
        again = run_detectors(with_gaps, engine, listener=second)
    gaps = [a for a in found if a.detector_id == "maritime.ais_gap"]
    assert [(a.start, a.end) for a in gaps] == [
        (T0, T0 + timedelta(hours=8)),
        (T0 + timedelta(hours=8), T0 + timedelta(hours=22)),
    ]
    assert [a.id for a in again] == [a.id for a in found]
    applicable = {d.id for d in all_detectors() if set(d.inputs) <= {"ais_positions"}}
    assert {event[1] for event in first.events if event[0] == "started"} == applicable
    assert ("saved", "maritime.ais_gap", 2, 2) in first.events
    assert ("saved", "maritime.ais_gap", 2, 0) in second.events
    with with_gaps.db.connect() as conn:
        assert {a.id for a in list_alerts(conn)} == {a.id for a in found}


def test_overrides_change_the_thresholds(with_gaps: Workspace) -> None:
    with DuckDBEngine() as engine:
        found = run_detectors(
            with_gaps, engine, ["maritime.ais_gap"], {"maritime.ais_gap": {"min_gap_hours": "12"}}
        )
    assert [(a.end - a.start) for a in found] == [timedelta(hours=14)]
    assert found[0].thresholds[0].value == 12.0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"maritime.ais_gap": {"min_gap_hours": "six"}}, "invalid threshold for maritime.ais_gap"),
        ({"maritime.ais_gap": {"max_speed_knots": "3"}}, "no threshold 'max_speed_knots'"),
        ({"network.key_player": {"top_n": "3"}}, "'network.key_player', which is not running"),
    ],
)
def test_bad_overrides_are_refused(
    with_gaps: Workspace, overrides: dict[str, dict[str, str]], message: str
) -> None:
    with DuckDBEngine() as engine, pytest.raises((KeyError, ValueError), match=re.escape(message)):
        run_detectors(with_gaps, engine, overrides=overrides)


def test_a_detector_asked_for_without_its_input_is_an_error(sqlite_workspace: Workspace) -> None:
    with DuckDBEngine() as engine:
        assert run_detectors(sqlite_workspace, engine) == []
        with pytest.raises(MissingInputError, match="reads ais_positions, which holds no data"):
            run_detectors(sqlite_workspace, engine, ["maritime.ais_gap"])
        with pytest.raises(KeyError, match=re.escape("unknown detector 'maritime.nope'")):
            run_detectors(sqlite_workspace, engine, ["maritime.nope"])

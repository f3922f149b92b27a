"""``filet detect`` and ``filet detectors`` through the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engines import write_event_tables
from filet.cli import app

T0 = datetime(2024, 3, 1, tzinfo=UTC)
runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A workspace folder whose one vessel is silent for 8 h, then for 14 h."""
    folder = tmp_path / "home"
    rows: list[dict[str, Any]] = [
        {
            "mmsi": "227000001",
            "ts": T0 + timedelta(hours=offset),
            "lat": 43.0,
            "lon": 5.0,
            "sog_knots": None,
            "cog_degrees": None,
            "source_file": "track.csv",
            "source_line": line,
        }
        for line, offset in enumerate([0, 8, 22], start=1)
    ]
    write_event_tables(folder / "events", {"ais_positions": rows})
    return folder


def _json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_detect_reports_new_then_known_alerts(home: Path) -> None:
    first = _json("detect", "--home", str(home))
    second = _json("detect", "--home", str(home))
    assert first["engine"] == "duckdb"
    gaps_first = [d for d in first["detectors"] if d["detector"] == "maritime.ais_gap"]
    gaps_second = [d for d in second["detectors"] if d["detector"] == "maritime.ais_gap"]
    assert gaps_first == [{"detector": "maritime.ais_gap", "found": 2, "new": 2}]
    assert gaps_second == [{"detector": "maritime.ais_gap", "found": 2, "new": 0}]
    assert all(d["new"] == 0 for d in second["detectors"])


def test_detect_prints_a_summary_table(home: Path) -> None:
    result = runner.invoke(app, ["detect", "--home", str(home), "--engine", "duckdb"])
    assert result.exit_code == 0, result.output
    assert "Détection terminée" in result.stdout
    assert "maritime.ais_gap" in result.stdout


def test_set_changes_a_threshold(home: Path) -> None:
    found = _json(
        "detect",
        "maritime.ais_gap",
        "--home",
        str(home),
        "--set",
        "maritime.ais_gap.min_gap_hours=12",
    )
    assert found["detectors"] == [{"detector": "maritime.ais_gap", "found": 1, "new": 1}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "min_gap_hours=12"], "expected detector.threshold=value"),
        (["--set", "maritime.ais_gap.min_gap_hours=soon"], "invalid threshold"),
        (["maritime.nope"], "unknown detector 'maritime.nope'"),
        (["--engine", "oracle"], "unknown engine 'oracle'"),
    ],
)
def test_detect_errors_are_clear(home: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["detect", "--home", str(home), *args])
    assert result.exit_code == 1
    assert message in " ".join(result.stderr.split())


def test_detect_names_the_missing_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["detect", "maritime.ais_gap", "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert "reads ais_positions, which holds no data" in " ".join(result.stderr.split())


@pytest.mark.spark
def test_detect_on_spark(home: Path, spark_session: Any) -> None:
    """Joins the test run's Spark session, as ``local[2]`` would start it."""
    found = _json("detect", "maritime.ais_gap", "--home", str(home), "--engine", "spark")
    assert found["detectors"] == [{"detector": "maritime.ais_gap", "found": 2, "new": 2}]
    assert spark_session.range(1).count() == 1  # the command left the session running


def test_detectors_lists_inputs_and_cited_thresholds() -> None:
    listed = {detector["id"]: detector for detector in _json("detectors")}
    gap = listed["maritime.ais_gap"]
    assert gap["inputs"] == ["ais_positions"]
    [threshold] = gap["thresholds"]
    assert (threshold["name"], threshold["default"], threshold["unit"]) == (
        "min_gap_hours",
        6.0,
        "h",
    )
    assert "pipe-gaps @9d9426e" in threshold["source"]
    table = runner.invoke(app, ["detectors"])
    assert table.exit_code == 0
    assert "min_gap_hours" in table.stdout

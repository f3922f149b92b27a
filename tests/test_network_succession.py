"""Temporal phases and succession at the top: CAVIAR's published phases, a hand-built
takeover on both engines, and ``filet network phases`` through the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engines import BothEngines, write_event_tables
from filet.alerts import get_detector
from filet.cli import app
from filet.demo.network import NetworkPart
from filet.engine.duckdb_engine import DuckDBEngine
from filet.network import datasets
from filet.network.graph import call_graph
from filet.network.ranking import rank
from filet.network.succession import SuccessionThresholds
from filet.store import Workspace

T0 = datetime(2024, 3, 1, 8, tzinfo=UTC)
PHASE = timedelta(days=60)


def _call(a: str, b: str, at: datetime, line: int) -> dict[str, Any]:
    return {
        "caller": a,
        "callee": b,
        "start_ts": at,
        "duration_s": 60.0,
        "call_type": "voice",
        "cell_start": None,
        "cell_end": None,
        "case_ref": "PV-7",
        "seizure_ref": None,
        "source_file": "fadettes.csv",
        "source_line": line,
    }


def _phased(phases: list[list[tuple[str, str, int]]]) -> list[dict[str, Any]]:
    """Calls ``(a, b, count)`` of each phase, ten minutes apart from the phase's start."""
    rows: list[dict[str, Any]] = []
    for index, edges in enumerate(phases):
        at = T0 + index * PHASE
        for a, b, count in edges:
            for _ in range(count):
                rows.append(_call(a, b, at, len(rows) + 2))
                at += timedelta(minutes=10)
    return rows


def _takeover() -> list[dict[str, Any]]:
    """Phase 1: the head A calls his two lieutenants B and C, each running a cell of
    four, and three suppliers. Phase 2: A is silent (arrested); B calls C and both cells."""
    cells = {"B": [f"b{i}" for i in range(4)], "C": [f"c{i}" for i in range(4)]}
    first = [("A", "B", 6), ("A", "C", 6)] + [("A", f"s{i}", 2) for i in range(3)]
    first += [(chief, member, 2) for chief, members in cells.items() for member in members]
    second = [("B", "C", 4)] + [("B", member, 2) for member in cells["B"] + cells["C"]]
    second += [("C", member, 1) for member in cells["C"]]
    return _phased([first, second])


@pytest.mark.spark
def test_lieutenant_taking_over_after_the_head_goes_silent(both_engines: BothEngines) -> None:
    [alert] = both_engines("network.succession", {"calls": _takeover()})
    assert [subject.value for subject in alert.subjects] == ["B", "A"]
    assert (alert.start, alert.end) == (T0 + PHASE, T0 + 2 * PHASE)
    assert "phase 2" in alert.reason_en and "A, first in phase 1, is absent" in alert.reason_en
    assert "Relève probable : B passe 1e en phase 2" in alert.reason_fr
    # B ranked 2nd in phase 1 behind A: one place climbed.
    assert alert.score == 0.5
    rows = _takeover()
    phase_two_lines = {row["source_line"] for row in rows if row["start_ts"] >= T0 + PHASE}
    cited = [evidence.key["source_line"] for evidence in alert.evidence]
    assert cited and set(cited) <= phase_two_lines
    assert {t.name: t.value for t in alert.thresholds}["phase_days"] == 60.0


def _detect(tmp_path: Path, rows: list[dict[str, Any]], **settings: Any) -> list[Any]:
    write_event_tables(tmp_path, {"calls": rows})
    with DuckDBEngine() as engine:
        engine.register_parquet("calls", tmp_path / "calls")
        thresholds = SuccessionThresholds(**settings)
        return get_detector("network.succession").run(engine, thresholds)


def test_a_steady_head_raises_nothing(tmp_path: Path) -> None:
    steady = [row for row in _takeover() if row["start_ts"] < T0 + PHASE]
    again = [{**row, "start_ts": row["start_ts"] + PHASE} for row in steady]
    assert _detect(tmp_path, steady + again) == []


def test_phases_too_small_to_rank_are_left_out(tmp_path: Path) -> None:
    """Phase 2 has ten numbers: ranked at ten, left out at eleven (no phase to compare)."""
    assert len(_detect(tmp_path / "ten", _takeover(), min_phase_numbers=10)) == 1
    assert _detect(tmp_path / "eleven", _takeover(), min_phase_numbers=11) == []


def test_a_call_on_the_boundary_opens_the_next_phase(tmp_path: Path) -> None:
    """The first call of phase 2 is exactly 60 days after the first call of all."""
    rows = _takeover()
    boundary = next(row for row in rows if row["start_ts"] >= T0 + PHASE)
    assert boundary["start_ts"] == T0 + PHASE
    [alert] = _detect(tmp_path, rows)
    assert alert.start == boundary["start_ts"]


@pytest.fixture(scope="module")
def caviar_calls(shared_data: Path) -> list[dict[str, Any]]:
    """CAVIAR's eleven phases as calls, one per call counted, each phase 60 days long."""
    folder = shared_data / "networks" / "caviar"
    phases = [
        [(a, b, round(calls)) for a, b, calls in datasets.caviar_phase(folder, phase)]
        for phase in datasets.CAVIAR_PHASES
    ]
    return _phased(phases)


def test_caviar_successions_are_the_published_ones(
    tmp_path: Path, caviar_calls: list[dict[str, Any]], shared_data: Path
) -> None:
    """n3 overtakes n1 in phase 9, n1 is back in phase 10, n41 leads phase 11 (Morselli
    2009): the only changes at the top in eleven phases."""
    alerts = _detect(tmp_path, caviar_calls)
    found = [(alert.subjects[0].value, alert.subjects[1].value, alert.start) for alert in alerts]
    assert sorted(found, key=lambda item: item[2]) == [
        ("n3", "n1", T0 + 8 * PHASE),
        ("n1", "n3", T0 + 9 * PHASE),
        ("n41", "n1", T0 + 10 * PHASE),
    ]
    # Each phase is ranked exactly as the phase file alone.
    folder = shared_data / "networks" / "caviar"
    alone = rank(call_graph(datasets.caviar_phase(folder, 11)))
    [n41] = [alert for alert in alerts if alert.subjects[0].value == "n41"]
    assert "n41 ranks 1 in phase 11" in n41.reason_en
    assert alone[0].name == "n41"


def test_cli_phases_shows_each_phase_and_the_successions(
    tmp_path: Path, caviar_calls: list[dict[str, Any]]
) -> None:
    home = tmp_path / "home"
    csv_path = tmp_path / "caviar.csv"
    header = "caller,callee,start,duration_s,type,cell_start,cell_end,case_ref,seizure_ref"
    lines = [header] + [
        f"{row['caller']},{row['callee']},{row['start_ts'].isoformat()},60,voice,,,CAVIAR,"
        for row in caviar_calls
    ]
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", str(csv_path), "--format", "cdr", "--home", str(home)])
    assert ingested.exit_code == 0, ingested.output
    result = runner.invoke(app, ["network", "phases", "--json", "--home", str(home)])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert [phase["phase"] for phase in shown["phases"]] == list(range(1, 12))
    assert [phase["top"][0]["name"] for phase in shown["phases"]][8:] == ["n3", "n1", "n41"]
    assert [(s["phase"], s["number"], s["previous_rank"]) for s in shown["successions"]] == [
        (9, "n3", 2),
        (10, "n1", 2),
        (11, "n41", 8),
    ]
    table = runner.invoke(app, ["network", "phases", "--top", "3", "--home", str(home)])
    assert table.exit_code == 0, table.output
    assert "Relève / succession phase 11: n41" in table.stdout


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_demo_arrest_gives_one_succession_and_keeps_the_other_answers(
    tmp_path: Path, seed: int
) -> None:
    """The demo's second requisition: the arrested head replaced by a lieutenant, the
    only succession; the hidden leader, the broker and the burner switch still found."""
    part = NetworkPart()
    home = str(tmp_path / "home")
    for planted in part.write_inputs(tmp_path / "inputs", seed):
        command = ["ingest", str(planted.path), "--format", "cdr", "--home", home]
        assert CliRunner().invoke(app, command).exit_code == 0
    ws = Workspace.open(Path(home))
    try:
        with DuckDBEngine() as engine:
            ws.events.register(engine)
            alerts = [
                alert
                for detector in ("key_player", "broker", "burner_switch", "succession")
                for alert in get_detector(f"network.{detector}").run(engine)
            ]
    finally:
        ws.close()
    assert [expected.found for expected in part.expectations(alerts)] == [True] * 4
    assert len([a for a in alerts if a.detector_id == "network.succession"]) == 1

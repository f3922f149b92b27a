"""End to end through the command line: demo, one-shot scan, help and errors."""

import json
from pathlib import Path

from typer.testing import CliRunner

from filet.cli import app
from filet.demo.world import generate

runner = CliRunner()
ALERT_FIELDS = {
    "id",
    "detector_id",
    "detector_version",
    "subjects",
    "start",
    "end",
    "score",
    "reasons",
    "evidence",
    "thresholds",
    "thresholds_hash",
    "status",
    "case_id",
}


def test_demo_finds_every_planted_answer(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--home", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "manqué" not in result.output
    for gap in generate().planted_gaps:
        assert f"MMSI {gap.mmsi}, {gap.hours:.0f} h — ✓ retrouvé / found" in result.output
    assert "Vessel" in result.output


def test_scan_writes_one_explained_alert_per_line(tmp_path: Path) -> None:
    world = generate(seed=11)
    files = world.write(tmp_path / "inputs")
    out = tmp_path / "alerts.jsonl"
    result = runner.invoke(
        app, ["scan", str(files["ais"]), "--format", "marinecadastre", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    alerts = [
        alert
        for alert in map(json.loads, out.read_text().splitlines())
        if alert["detector_id"] == "maritime.ais_gap"
    ]
    assert len(alerts) == len(world.planted_gaps)
    for alert in alerts:
        assert set(alert) == ALERT_FIELDS
        assert alert["subjects"][0]["kind"] == "mmsi"
        assert alert["reasons"]["fr"] and alert["reasons"]["en"]
        assert 0 < alert["score"] <= 1
        assert all(t["source"] for t in alert["thresholds"])
        assert {e["key"]["source_file"] for e in alert["evidence"]} == {"ais-marinecadastre.csv"}
    planted = {(g.mmsi, g.start.isoformat(), g.end.isoformat()) for g in world.planted_gaps}
    found = {(a["subjects"][0]["value"], a["start"], a["end"]) for a in alerts}
    assert found == planted


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in (
        "init",
        "ingest",
        "quarantine",
        "detect",
        "detectors",
        "alerts",
        "triage",
        "entity",
        "export",
        "scan",
        "demo",
    ):
        assert command in result.output


def test_errors_exit_non_zero_with_a_message(tmp_path: Path) -> None:
    home = ["--home", str(tmp_path / "ws")]
    missing = runner.invoke(app, ["ingest", str(tmp_path / "absent.csv"), "--format", "csv", *home])
    assert missing.exit_code != 0
    unknown = runner.invoke(app, ["detect", "no.such_detector", *home])
    assert unknown.exit_code != 0
    assert "no.such_detector" in unknown.output
    triage = runner.invoke(app, ["triage", "nope", "dismissed", *home])
    assert triage.exit_code == 1
    assert "nope" in triage.output


def test_ingest_detect_triage_by_id_prefix(tmp_path: Path) -> None:
    files = generate(seed=5).write(tmp_path / "inputs")
    home = ["--home", str(tmp_path / "ws")]
    assert (
        runner.invoke(
            app, ["ingest", str(files["ais"]), "--format", "marinecadastre", *home]
        ).exit_code
        == 0
    )
    assert runner.invoke(app, ["detect", "maritime.ais_gap", *home]).exit_code == 0
    listed = runner.invoke(app, ["alerts", "--format", "jsonl", *home])
    ids = [json.loads(line)["id"] for line in listed.stdout.splitlines()]
    assert len(ids) == 2
    triaged = runner.invoke(app, ["triage", ids[0][:10], "dismissed", *home])
    assert triaged.exit_code == 0, triaged.output
    dismissed = runner.invoke(app, ["alerts", "--status", "dismissed", "--format", "jsonl", *home])
    assert [json.loads(line)["id"] for line in dismissed.stdout.splitlines()] == [ids[0]]
    ambiguous = runner.invoke(app, ["triage", "", "escalated", *home])
    assert ambiguous.exit_code == 1

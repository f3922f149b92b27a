"""``filet scan --format ens`` writes the learned selection as alerts: the budget spent on
the consignments awaiting a decision, its random share honoured, each pick explained."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from filet.alerts import get_detector
from filet.cli import app
from filet.demo.cargo import CargoWorld, generate
from filet.targeting.inspection_selection import DETECTOR_ID, SelectionThresholds

runner = CliRunner()
WAITING_FROM = 197  # the last three days of a 200-day world await a decision


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[CargoWorld, Path]:
    world = generate(4, days=200)
    for row in world.rows:
        if world.day_of(row) >= WAITING_FROM:
            row["inspection"] = ""
    return world, world.write(tmp_path_factory.mktemp("ens") / "manifests.csv")


def _scan(path: Path, out: Path, *options: str) -> tuple[list[dict[str, Any]], str]:
    result = runner.invoke(app, ["scan", str(path), "--format", "ens", "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    alerts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return [a for a in alerts if a["detector_id"] == DETECTOR_ID], result.output


def _consignment(alert: dict[str, Any]) -> str:
    return next(s["value"] for s in alert["subjects"] if s["kind"] == "consignment")


def test_scan_writes_the_selection_with_its_reasons_and_random_share(
    world: tuple[CargoWorld, Path], tmp_path: Path
) -> None:
    cargo, path = world
    waiting = {r["consignment_id"] for r in cargo.rows if cargo.day_of(r) >= WAITING_FROM}
    picked, _ = _scan(path, tmp_path / "alerts.jsonl", "--budget", "20")

    assert len(picked) == 20
    chosen = [_consignment(a) for a in picked]
    assert len(set(chosen)) == 20 and set(chosen) <= waiting
    drawn = [a for a in picked if "protected random share" in a["reasons"]["en"]]
    assert len(drawn) == 2  # 10 % of 20, by lottery
    assert all("part aléatoire protégée" in a["reasons"]["fr"] for a in drawn)
    for alert in picked:
        en, fr = alert["reasons"]["en"], alert["reasons"]["fr"]
        assert "Rules:" in en and "Model:" in en and "Règles :" in fr and "Modèle :" in fr
        # Every pick names its parties' records: a known consignee with its phone changes.
        assert "Trust: shipper " in en and "consignee " in en and "carrier (vessel IMO)" in en
        assert "consignments" in en and "smoothed hit rate" in en
        assert "phone +" in en or "never seen" in en
        assert 0.0 <= alert["score"] <= 1.0
        used = {t["name"]: t for t in alert["thresholds"]}
        assert used["budget_count"]["value"] == 20
        assert used["random_share"]["value"] == 0.10
        assert "Minimum Random Rate" in used["random_share"]["source"]
    scored = [a for a in picked if a not in drawn]
    assert all("by score" in a["reasons"]["en"] for a in scored)
    # The learned ranking finds most of the waiting smuggling with 16 % of the boxes.
    smuggled = waiting & cargo.smuggled
    assert len(set(chosen) & smuggled) * 2 > len(smuggled)


def test_default_budget_is_a_share_and_a_percentage_is_read(
    world: tuple[CargoWorld, Path], tmp_path: Path
) -> None:
    cargo, path = world
    waiting = sum(1 for r in cargo.rows if cargo.day_of(r) >= WAITING_FROM)
    default = SelectionThresholds().budget_share
    picked, _ = _scan(path, tmp_path / "default.jsonl")
    assert len(picked) == round(waiting * default)
    picked, _ = _scan(path, tmp_path / "five.jsonl", "--budget", "5%")
    assert len(picked) == round(waiting * 0.05)
    refused = runner.invoke(app, ["scan", str(path), "--format", "ens", "--budget", "many"])
    assert refused.exit_code == 1 and "expected a count" in refused.output


def test_no_inspected_history_says_so_instead_of_failing(tmp_path: Path) -> None:
    world = generate(2, days=20, per_day=10)
    for row in world.rows:
        row["inspection"] = ""
    path = world.write(tmp_path / "manifests.csv")
    picked, said = _scan(path, tmp_path / "alerts.jsonl")
    assert picked == []
    assert "no inspected consignment in the history" in said
    assert "aucun envoi contrôlé" in said


def test_the_selection_is_a_registered_detector() -> None:
    detector = get_detector(DETECTOR_ID)
    assert detector.inputs == ("manifests",)
    with pytest.raises(ValueError, match="random_share"):
        SelectionThresholds(random_share=1.5)
    assert SelectionThresholds(budget_count=500).budget(120) == 120
    assert SelectionThresholds(budget_share=0.01).budget(20) == 1


def test_profile_command_shows_one_party_history(
    world: tuple[CargoWorld, Path], tmp_path: Path
) -> None:
    cargo, path = world
    home = tmp_path / "ws"
    ingested = runner.invoke(app, ["ingest", str(path), "--format", "ens", "--home", str(home)])
    assert ingested.exit_code == 0, ingested.output
    name = cargo.rows[0]["consignee"]
    mine = [r for r in cargo.rows if r["consignee"] == name]
    result = runner.invoke(
        app, ["targeting", "profile", name, "--json", "--limit", "3", "--home", str(home)]
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    consignee = next(p for p in shown["profiles"] if p["role"] == "consignee")
    assert consignee["consignments"] == len(mine)
    assert consignee["inspected"] == sum(r["inspection"] in ("clean", "seizure") for r in mine)
    assert consignee["seized"] == sum(r["inspection"] == "seizure" for r in mine)
    assert consignee["changes"]["phones"] == len({r["consignee_phone"] for r in mine}) - 1
    assert [row["consignment_id"] for row in shown["latest"]] == [
        r["consignment_id"] for r in mine[::-1][:3]
    ]
    unknown = runner.invoke(app, ["targeting", "profile", "NOBODY", "--home", str(home)])
    assert unknown.exit_code == 1 and "never seen" in unknown.output


def test_profile_of_a_travel_agency_counts_its_bookings_and_seizures(tmp_path: Path) -> None:
    from filet.demo.flights import generate as flights

    world = flights(3, days=60)
    path = world.write(tmp_path / "pnr.csv")
    home = tmp_path / "ws"
    ingested = runner.invoke(app, ["ingest", str(path), "--format", "pnr", "--home", str(home)])
    assert ingested.exit_code == 0, ingested.output
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    agency = Counter(r["travel_agent"] for r in rows if r["travel_agent"]).most_common(1)[0][0]
    mine = [r for r in rows if r["travel_agent"] == agency]
    result = runner.invoke(app, ["targeting", "profile", agency, "--json", "--home", str(home)])
    assert result.exit_code == 0, result.output
    (profile,) = json.loads(result.output)["profiles"]
    assert profile["role"] == "travel_agent"
    assert profile["consignments"] == len(mine)
    assert profile["inspected"] == sum(r["inspection"] in ("clean", "seizure") for r in mine)
    assert profile["seized"] == sum(r["inspection"] == "seizure" for r in mine)
    assert profile["changes"]["payers"] == len({r["payer_name"] for r in mine}) - 1

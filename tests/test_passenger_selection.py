"""``filet scan --format pnr`` writes the learned passenger selection as alerts, and
``filet targeting select --kind passengers`` draws it with a committed seed: the budget
spent on the boarded passengers awaiting a decision, its random share honoured, each
pick explained by its rules, the model and the records of its agency, payer and phone."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from filet.alerts import get_detector
from filet.cli import app
from filet.demo.flights import FIRST_DAY, FlightWorld, generate
from filet.targeting.passenger_selection import DETECTOR_ID, PassengerSelectionThresholds

runner = CliRunner()
DAYS, WAITING = 90, 3  # the last three days of a 90-day world await a decision


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[FlightWorld, Path, set[str]]:
    """Seed 1; returns the world, its PNR file and the boarded passengers waiting."""
    flights = generate(1, days=DAYS)
    first_waiting = FIRST_DAY + timedelta(days=DAYS - WAITING)
    waiting = set()
    for row in flights.rows:
        if datetime.fromisoformat(row["departure_ts"]).date() >= first_waiting:
            row["inspection"] = ""
            if row["travel_status"] != "no-show":
                waiting.add(row["record_locator"])
    return flights, flights.write(tmp_path_factory.mktemp("pnr") / "pnr.csv"), waiting


def _scan(path: Path, out: Path, *options: str) -> tuple[list[dict[str, Any]], str]:
    result = runner.invoke(app, ["scan", str(path), "--format", "pnr", "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    alerts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return [a for a in alerts if a["detector_id"] == DETECTOR_ID], result.output


def _locator(alert: dict[str, Any]) -> str:
    return next(s["value"] for s in alert["subjects"] if s["kind"] == "record_locator")


def test_scan_writes_the_passenger_selection_with_its_reasons_and_random_share(
    world: tuple[FlightWorld, Path, set[str]], tmp_path: Path
) -> None:
    flights, path, waiting = world
    picked, _ = _scan(path, tmp_path / "alerts.jsonl", "--budget", "20")

    assert len(picked) == 20
    chosen = [_locator(a) for a in picked]
    assert len(set(chosen)) == 20 and set(chosen) <= waiting
    drawn = [a for a in picked if "protected random share" in a["reasons"]["en"]]
    assert len(drawn) == 2  # 10 % of 20, by lottery
    assert all("part aléatoire protégée" in a["reasons"]["fr"] for a in drawn)
    # The lottery's seed is the SHA-256 of the waiting passengers' ids.
    seed = hashlib.sha256("\n".join(sorted(waiting)).encode()).hexdigest()
    assert all(f"seed {seed[:16]}" in a["reasons"]["en"] for a in drawn)
    for alert in picked:
        en, fr = alert["reasons"]["en"], alert["reasons"]["fr"]
        assert en.startswith("Passenger ") and fr.startswith("Passager ")
        assert "Rules:" in en and "Model:" in en and "Règles :" in fr and "Modèle :" in fr
        assert "(budget 20 of " in en and f"{len(waiting)} waiting" in en
        # Every pick names its payer's and booking phone's records (an agency where one
        # booked the ticket).
        assert "Trust: " in en and "payer " in en and "contact phone " in en
        assert "smoothed hit rate" in en or "never seen" in en
        assert 0.0 <= alert["score"] <= 1.0
        assert [e["table"] for e in alert["evidence"]] == ["passengers"]
        used = {t["name"]: t for t in alert["thresholds"]}
        assert used["budget_count"]["value"] == 20
        assert used["random_share"]["value"] == 0.10
        assert "Minimum Random Rate" in used["random_share"]["source"]
        assert used["weight_cash"]["value"] == 2  # the courier rules the model reads
    assert any("Trust: travel agency " in a["reasons"]["en"] for a in picked)
    scored = [a for a in picked if a not in drawn]
    assert [a["reasons"]["en"].count("ranked 1 by score") for a in scored].count(1) == 1
    # The top of the ranking names the rules it hit and the model's pushes.
    top = next(a for a in scored if "ranked 1 by score" in a["reasons"]["en"])["reasons"]["en"]
    assert "Rules: none" not in top and "(+2)" in top
    assert re.search(r"Model: [^.]+ = [^;]+ \(\+\d\.\d\d\)", top)
    # Twenty stops among the waiting passengers hold most of their couriers.
    couriers = waiting & flights.couriers
    assert len(set(chosen) & couriers) * 2 > len(couriers)


def test_the_same_file_gives_the_same_selection_and_a_share_is_read(
    world: tuple[FlightWorld, Path, set[str]], tmp_path: Path
) -> None:
    _, path, waiting = world
    first, _ = _scan(path, tmp_path / "a.jsonl", "--detector", DETECTOR_ID)
    again, _ = _scan(path, tmp_path / "b.jsonl", "--detector", DETECTOR_ID)
    assert [_locator(a) for a in first] == [_locator(a) for a in again]
    default = PassengerSelectionThresholds().budget_share
    assert len(first) == round(len(waiting) * default)
    share, _ = _scan(path, tmp_path / "c.jsonl", "--detector", DETECTOR_ID, "--budget", "10%")
    assert len(share) == round(len(waiting) * 0.10)


def test_no_inspected_history_says_so_instead_of_failing(tmp_path: Path) -> None:
    flights = generate(2, days=10)
    for row in flights.rows:
        row["inspection"] = ""
    path = flights.write(tmp_path / "pnr.csv")
    picked, said = _scan(path, tmp_path / "alerts.jsonl")
    assert picked == []
    assert "no inspected passenger in the history" in said
    assert "aucun passager contrôlé" in said


def test_nothing_waiting_says_so(tmp_path: Path) -> None:
    path = generate(2, days=10).write(tmp_path / "pnr.csv")
    picked, said = _scan(path, tmp_path / "alerts.jsonl", "--detector", DETECTOR_ID)
    assert picked == []
    assert "no passenger awaits a decision" in said and "aucun passager en attente" in said


def test_the_selection_is_a_registered_detector() -> None:
    detector = get_detector(DETECTOR_ID)
    assert detector.inputs == ("passengers",)
    with pytest.raises(ValueError, match="budget_share"):
        PassengerSelectionThresholds(budget_share=0.0)
    assert PassengerSelectionThresholds(budget_count=500).budget(120) == 120
    assert PassengerSelectionThresholds().budget(200) == 10


def test_select_draws_passengers_with_a_committed_seed(
    world: tuple[FlightWorld, Path, set[str]], tmp_path: Path
) -> None:
    flights, path, waiting = world
    home = tmp_path / "ws"
    ingested = runner.invoke(app, ["ingest", str(path), "--format", "pnr", "--home", str(home)])
    assert ingested.exit_code == 0, ingested.output
    committed = runner.invoke(app, ["targeting", "commit", "--home", str(home)])
    seed = re.search(r"keep it secret: ([0-9a-f]{32})", committed.output)
    assert seed is not None
    out = tmp_path / "picks.csv"
    result = runner.invoke(
        app,
        ["targeting", "select", "--kind", "passengers", "--seed", seed.group(1),
         "--out", str(out), "--home", str(home), "--budget", "physical=10",
         "--officer", "physical=dupont", "--officer", "physical=martin"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    picks = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(picks) == 10 and {p["passenger_id"] for p in picks} <= waiting
    assert {p["officer"] for p in picks} == {"dupont", "martin"}
    assert sum(p["why"] == "random" for p in picks) == 1
    assert all(re.search(r", [A-Z0-9]{6} [A-Z]{3}-[A-Z]{3} ", p["passenger"]) for p in picks)
    for column in ("travel_agent_record", "payer_record", "phone_record"):
        assert column in picks[0]
    assert any("contrôlés / inspected" in p["payer_record"] for p in picks)
    caught = {p["passenger_id"] for p in picks} & flights.couriers
    assert len(caught) * 2 > len(waiting & flights.couriers)
    wrong = runner.invoke(
        app,
        ["targeting", "select", "--kind", "boats", "--seed", seed.group(1), "--out", str(out),
         "--home", str(home), "--budget", "physical=1", "--officer", "physical=dupont"],
    )  # fmt: skip
    assert wrong.exit_code == 1 and "expected consignments or passengers" in wrong.output

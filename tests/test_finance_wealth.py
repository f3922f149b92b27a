"""Unexplained wealth and the seizure registry: a person-year whose purchases and
spending outrun the declared income, on DuckDB and Spark; the demo's owners through
the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from engines import BothEngines
from filet.alerts.store import list_alerts
from filet.cli import app
from filet.demo.finance import FinancePart
from filet.demo.wealth import CASE, UNEXPLAINED, WealthPart
from filet.finance.unexplained_wealth import UnexplainedWealthThresholds
from filet.store import Workspace

DETECTOR = "finance.unexplained_wealth"


def _asset(line: int, owner: str, kind: str, price: float | None, on: str, **more: Any) -> dict:
    return {
        "asset_id": more.get("asset_id", f"A{line}"),
        "kind": kind,
        "description": more.get("description"),
        "owner_id": owner,
        "owner_name": None,
        "value": None,
        "currency": more.get("currency", "Euro"),
        "valued_on": None,
        "acquired_on": datetime.fromisoformat(on).replace(tzinfo=UTC) if on else None,
        "acquisition_price": price,
        "loan_amount": more.get("loan"),
        "bank": more.get("bank"),
        "account": more.get("account"),
        "source_file": "patrimoine.csv",
        "source_line": line,
    }


def _income(line: int, owner: str, year: int, amount: float) -> dict:
    return {
        "owner_id": owner,
        "owner_name": f"Person {owner}",
        "year": year,
        "declared_income": amount,
        "currency": "Euro",
        "income_source": "avis d'imposition",
        "source_file": "revenus.csv",
        "source_line": line,
    }


def _transfer(line: int, payer: str, payee: str, amount: float, on: str) -> dict:
    return {
        "transaction_id": None,
        "ts": datetime.fromisoformat(on).replace(tzinfo=UTC),
        "from_bank": "010",
        "from_account": payer,
        "to_bank": "010",
        "to_account": payee,
        "amount_paid": amount,
        "payment_currency": "Euro",
        "amount_received": amount,
        "receiving_currency": "Euro",
        "payment_format": "Wire",
        "is_laundering": None,
        "source_file": "virements.csv",
        "source_line": line,
    }


@pytest.mark.spark
def test_a_year_of_purchases_far_above_income_is_flagged(both_engines: BothEngines) -> None:
    assets = [
        _asset(1, "K", "real_estate", 300_000, "2023-03-01"),
        _asset(2, "K", "vehicle", 60_000, "2023-12-31"),
        _asset(3, "K", "vehicle", 40_000, "2024-01-01"),  # the next year
        _asset(4, "K", "bank_account", None, "", bank="010", account="K1"),
        _asset(5, "K", "bank_account", None, "", bank="010", account="K2"),
        # A house bought on a loan: only the deposit was paid from own resources.
        _asset(6, "S", "real_estate", 320_000, "2023-06-01", loan=290_000),
    ]
    transfers = [
        _transfer(1, "K1", "SHOP", 15_000, "2023-05-01"),
        _transfer(2, "K1", "K2", 50_000, "2023-05-02"),  # to himself: not spending
        _transfer(3, "K2", "SHOP", 5_000, "2022-12-31"),  # the year before
    ]
    income = [_income(1, "K", 2023, 20_000), _income(2, "S", 2023, 45_000)]
    (alert,) = both_engines(
        DETECTOR, {"assets": assets, "declared_income": income, "transactions": transfers}
    )
    assert [subject.value for subject in alert.subjects] == ["K"]
    assert alert.start.year == alert.end.year == 2023
    reason = alert.reason_fr.replace("\u202f", " ").replace("\xa0", " ")
    assert "acquis 360 000,00" in reason and "dépensé 15 000,00" in reason
    assert "écart de 355 000,00" in reason and "18,8 fois" in reason
    cited = {(e.table, e.key["source_line"]) for e in alert.evidence}
    assert cited == {("assets", 1), ("assets", 2), ("transactions", 1), ("declared_income", 1)}
    assert {t.name: t.value for t in alert.thresholds} == {"min_gap": 50_000, "min_ratio": 2.0}


@pytest.mark.spark
def test_without_an_income_record_or_below_the_ratio_nothing_is_said(
    both_engines: BothEngines,
) -> None:
    assets = [
        _asset(1, "N", "real_estate", 200_000, "2023-03-01"),  # no income on file for N
        _asset(2, "R", "real_estate", 190_000, "2023-03-01"),
        _asset(3, "D", "real_estate", 200_000, "2023-03-01", currency="US Dollar"),
    ]
    income = [
        _income(1, "R", 2023, 100_000),  # gap 90,000 but not twice the income
        _income(2, "D", 2023, 10_000),  # bought in another currency: not summed
    ]
    # No transfers at all: the detector still runs, on its other inputs.
    assert both_engines(DETECTOR, {"assets": assets, "declared_income": income}) == []
    lower = UnexplainedWealthThresholds(min_ratio=1.5)
    (alert,) = both_engines(DETECTOR, {"assets": assets, "declared_income": income}, lower)
    assert alert.subjects[0].value == "R"


def test_demo_owners_unexplained_wealth_and_seizures(tmp_path: Path) -> None:
    """The demo's bank transfers and patrimony files, ingested and read through the CLI."""
    home, runner = tmp_path / "home", CliRunner()
    part = WealthPart()
    inputs = FinancePart().write_inputs(tmp_path, 7) + part.write_inputs(tmp_path, 7)
    for given in inputs:
        done = runner.invoke(app, ["ingest", str(given.path), "--format", given.format,
                                   "--home", str(home)])  # fmt: skip
        assert done.exit_code == 0, done.output
    detectors = [DETECTOR, "finance.jurisdiction_exposure"]
    detected = runner.invoke(app, ["detect", *detectors, "--home", str(home)])
    assert detected.exit_code == 0, detected.output
    ws = Workspace.open(home, f"sqlite:///{home / 'filet.db'}")
    try:
        with ws.db.begin() as conn:
            alerts = list_alerts(conn)
    finally:
        ws.close()
    assert all(expectation.found for expectation in part.expectations(alerts))
    wealth = runner.invoke(app, ["finance", "wealth", UNEXPLAINED, "--home", str(home), "--json"])
    assert wealth.exit_code == 0, wealth.output
    (year,) = orjson.loads(wealth.output)["years"]
    assert (year["year"], year["income"], year["flagged"]) == (2022, 18_500, True)
    assert sorted(a["amount"] for a in year["acquisitions"]) == [92_000, 420_000]
    assert year["spending"], "the collection account pays four accounts out"
    nurse = runner.invoke(app, ["finance", "wealth", "P-0002", "--home", str(home), "--json"])
    (house,) = orjson.loads(nurse.output)["years"]
    assert house["flagged"] is False and house["acquisitions"][0]["amount"] == 30_000
    seized = runner.invoke(
        app, ["finance", "seized", "--case", CASE, "--home", str(home), "--json"]
    )
    assert seized.exit_code == 0, seized.output
    registry = orjson.loads(seized.output)
    standing = {a["kind"]: a["status"] for a in registry["assets"]}
    assert standing == {"real_estate": "confiscated", "vehicle": "allocated"}
    assert {(t["status"], t["value"]) for t in registry["totals"]} == {
        ("confiscated", 450_000),
        ("allocated", 80_000),
    }
    printed = runner.invoke(app, ["finance", "wealth", UNEXPLAINED, "--home", str(home)])
    assert "Range Rover Sport" in printed.output and "au-delà" in printed.output

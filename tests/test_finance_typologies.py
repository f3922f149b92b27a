"""Typology detectors (fan-in, fan-out, cycles, structuring) on hand-built transfers,
identical on DuckDB and Spark, and the demo's seeded money world."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engines import BothEngines, write_event_tables
from filet.alerts import Evidence, get_detector
from filet.alerts.runner import run_detectors
from filet.demo.finance import FinancePart, generate
from filet.engine.duckdb_engine import DuckDBEngine
from filet.finance.cycles import CycleThresholds
from filet.finance.fans import FanThresholds
from filet.finance.structuring import StructuringThresholds
from filet.ingest import ingest_file
from filet.store import Workspace

T0 = datetime(2022, 9, 1, tzinfo=UTC)


def _tx(
    line: int, payer: str, payee: str, amount: float, days: float, bank: str | None = "010"
) -> dict[str, Any]:
    return {
        "transaction_id": None,
        "ts": T0 + timedelta(days=days),
        "from_bank": bank,
        "from_account": payer,
        "to_bank": bank,
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


def _accounts(alert: Any) -> list[str]:
    return [subject.value for subject in alert.subjects]


@pytest.mark.spark
def test_fan_in_counts_distinct_senders_within_the_window(both_engines: BothEngines) -> None:
    """H gets 4 senders within 30 days (one of them twice); L's 4th sender is too late."""
    rows = [
        _tx(1, "A", "H", 900.0, 0),
        _tx(2, "B", "H", 800.0, 3),
        _tx(3, "B", "H", 850.0, 4),
        _tx(4, "C", "H", 700.0, 10),
        _tx(5, "D", "H", 600.0, 30),
        _tx(6, "A", "L", 100.0, 0),
        _tx(7, "B", "L", 100.0, 1),
        _tx(8, "C", "L", 100.0, 2),
        _tx(9, "D", "L", 100.0, 30.5),
    ]
    [alert] = both_engines("finance.fan_in", {"transactions": rows})
    assert _accounts(alert) == ["010/H", "010/A", "010/B", "010/C", "010/D"]
    assert (alert.start, alert.end) == (T0, T0 + timedelta(days=30))
    assert [e.key["source_line"] for e in alert.evidence] == [1, 2, 3, 4, 5]
    assert alert.score == 0.5
    assert "3 850,00 Euro" in alert.reason_fr and "3,850.00 Euro" in alert.reason_en


@pytest.mark.spark
def test_fan_out_and_no_fan_below_the_minimum(both_engines: BothEngines) -> None:
    rows = [_tx(i, "S", f"P{i}", 1000.0, i) for i in range(1, 6)]
    rows += [_tx(10 + i, "Q", f"P{i}", 1000.0, i) for i in range(1, 4)]
    alerts = both_engines("finance.fan_out", {"transactions": rows})
    assert [_accounts(alert)[0] for alert in alerts] == ["010/S"]
    assert len(alerts[0].evidence) == 5
    assert both_engines("finance.fan_in", {"transactions": rows}) == []


@pytest.mark.spark
def test_smurfing_fan_in_counts_payers_that_split_on_one_day(both_engines: BothEngines) -> None:
    """A, B, C each pay H twice on one day (A across UTC midnight: two days, once each)."""
    rows = [
        _tx(1, "A", "H", 900.0, 0.99),
        _tx(2, "A", "H", 900.0, 1.01),
        _tx(3, "B", "H", 800.0, 3.1),
        _tx(4, "B", "H", 850.0, 3.2),
        _tx(5, "C", "H", 700.0, 10.5),
        _tx(6, "C", "H", 700.0, 10.6),
        _tx(7, "D", "H", 600.0, 12.5),
        _tx(8, "D", "H", 600.0, 12.6),
        _tx(9, "D", "H", 600.0, 12.7),
    ]
    smurfs = FanThresholds(min_counterparties=3, min_same_day_transfers=2)
    [alert] = both_engines("finance.fan_in", {"transactions": rows}, smurfs)
    assert _accounts(alert) == ["010/H", "010/B", "010/C", "010/D"]
    assert [e.key["source_line"] for e in alert.evidence] == [3, 4, 5, 6, 7, 8, 9]
    assert len(both_engines("finance.fan_in", {"transactions": rows})) == 1


def _ring(
    start_line: int, accounts: list[str], amounts: list[float], days: list[float]
) -> list[dict[str, Any]]:
    return [
        _tx(start_line + hop, payer, accounts[(hop + 1) % len(accounts)], amounts[hop], days[hop])
        for hop, payer in enumerate(accounts)
    ]


@pytest.mark.spark
def test_cycles_are_time_respecting_and_keep_most_of_the_amount(
    both_engines: BothEngines,
) -> None:
    """Three rings: one kept; one whose last hop comes before the others; one that leaks."""
    kept = _ring(1, ["A", "B", "C", "D"], [50_000, 49_000, 48_000, 47_000], [1, 2, 3, 5])
    out_of_order = _ring(10, ["E", "F", "G"], [20_000, 20_000, 20_000], [5, 1, 6])
    leaking = _ring(20, ["J", "K", "M"], [20_000, 10_000, 9_900], [1, 2, 3])
    rows = kept + out_of_order + leaking
    [alert] = both_engines("finance.cycle", {"transactions": rows})
    assert _accounts(alert) == ["010/A", "010/B", "010/C", "010/D"]
    assert alert.evidence == tuple(
        Evidence("transactions", {"source_file": "virements.csv", "source_line": line})
        for line in (1, 2, 3, 4)
    )
    assert alert.score == 0.94
    assert "94 %" in alert.reason_fr

    unordered = CycleThresholds(time_respecting=False)
    alerts = both_engines("finance.cycle", {"transactions": rows}, unordered)
    assert sorted(_accounts(alert)[0] for alert in alerts) == ["010/A", "010/E"]


@pytest.mark.spark
def test_cycle_bounds_on_hops_and_window(both_engines: BothEngines) -> None:
    six = _ring(1, ["A", "B", "C", "D", "E", "F"], [1000.0] * 6, [1, 2, 3, 4, 5, 6])
    two = _ring(10, ["X", "Y"], [1000.0, 1000.0], [1, 40])
    rows = six + two
    assert both_engines("finance.cycle", {"transactions": rows}) == []
    wide = CycleThresholds(max_hops=6, window_days=40)
    alerts = both_engines("finance.cycle", {"transactions": rows}, wide)
    assert sorted(len(alert.subjects) for alert in alerts) == [2, 6]


@pytest.mark.spark
def test_structuring_just_below_the_threshold(both_engines: BothEngines) -> None:
    """S pays 9,000 to 9,999.99 three times in a week; 10,000 itself and 8,999 do not count."""
    rows = [
        _tx(1, "S", "X", 9_500.0, 0),
        _tx(2, "S", "Y", 9_999.99, 2),
        _tx(3, "S", "X", 9_000.0, 6.9),
        _tx(4, "S", "X", 9_800.0, 20),
        _tx(5, "T", "X", 10_000.0, 0),
        _tx(6, "T", "X", 8_999.0, 1),
        _tx(7, "T", "X", 9_100.0, 2),
        _tx(8, "T", "X", 9_200.0, 3),
    ]
    [alert] = both_engines("finance.structuring", {"transactions": rows})
    assert _accounts(alert) == ["010/S"]
    assert [e.key["source_line"] for e in alert.evidence] == [1, 2, 3]
    assert alert.thresholds_hash == StructuringThresholds().digest()


@pytest.mark.spark
def test_pass_through_forwards_most_of_the_money_within_hours(both_engines: BothEngines) -> None:
    """M forwards twice within 24 h; N waits 30 h once; P pays its sender back (a cycle)."""
    hour = 1 / 24
    rows = [
        _tx(1, "A", "M", 10_000.0, 0),
        _tx(2, "M", "Z", 9_500.0, 5 * hour),
        _tx(3, "B", "M", 8_000.0, 2),
        _tx(4, "M", "Z", 7_900.0, 2 + 23 * hour),
        _tx(5, "M", "Z", 5_000.0, 2 + 23 * hour),
        _tx(6, "A", "N", 10_000.0, 0),
        _tx(7, "N", "Z", 9_900.0, 1),
        _tx(8, "B", "N", 10_000.0, 3),
        _tx(9, "N", "Z", 9_900.0, 3 + 30 * hour),
        _tx(10, "A", "P", 10_000.0, 0),
        _tx(11, "P", "A", 9_900.0, 1 * hour),
        _tx(12, "B", "P", 10_000.0, 2),
        _tx(13, "P", "B", 9_900.0, 2 + hour),
    ]
    [alert] = both_engines("finance.pass_through", {"transactions": rows})
    assert _accounts(alert) == ["010/M", "010/A", "010/B", "010/Z"]
    assert [e.key["source_line"] for e in alert.evidence] == [1, 2, 3, 4]
    assert "2 fois" in alert.reason_fr


def test_accounts_without_a_bank_are_keyed_by_number(tmp_path: Path) -> None:
    rows = [_tx(i, f"S{i}", "H", 50.0, i, bank=None) for i in range(1, 5)]
    store = write_event_tables(tmp_path, {"transactions": rows})
    with DuckDBEngine() as engine:
        store.register(engine)
        [alert] = get_detector("finance.fan_in").run(engine)
    assert _accounts(alert) == ["H", "S1", "S2", "S3", "S4"]


def test_thresholds_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="max_hops"):
        CycleThresholds(max_hops=1)
    with pytest.raises(ValueError, match="min_counterparties"):
        FanThresholds(min_counterparties=1)
    with pytest.raises(ValueError, match="below_margin_ratio"):
        StructuringThresholds(below_margin_ratio=1.5)


def test_demo_world_is_seeded_and_its_plants_are_found(tmp_path: Path) -> None:
    """The demo's money world: same seed, same transfers; every plant found, and every
    alert is about a planted account (the collector's halves are a fan-in and a fan-out)."""
    assert generate(7).transfers == generate(7).transfers
    assert generate(7).transfers != generate(8).transfers
    part = FinancePart()
    [item] = part.write_inputs(tmp_path / "inputs", seed=7)
    ws = Workspace.open(tmp_path / "home", f"sqlite:///{tmp_path / 'filet.db'}")
    try:
        ingest_file(ws, item.path, item.format, provenance=item.provenance)
        with DuckDBEngine() as engine:
            alerts = run_detectors(ws, engine)
    finally:
        ws.close()
    assert [expected.found for expected in part.expectations(alerts)] == [True] * 6
    finance = [alert for alert in alerts if alert.detector_id.startswith("finance")]
    assert {alert.detector_id for alert in finance} == {
        "finance.cycle",
        "finance.fan_in",
        "finance.fan_out",
        "finance.gather_scatter",
        "finance.pass_through",
        "finance.scatter_gather",
        "finance.structuring",
    }
    world = part.world
    assert world is not None
    planted = {world.fan_in_hub, world.structurer, world.transit, world.collector}
    planted |= world.cycle | world.scatter_ends
    assert {alert.subjects[0].value for alert in finance} <= planted

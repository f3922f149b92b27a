"""Scatter-gather and gather-scatter on hand-built transfers, identical on DuckDB and
Spark: relays must respect time, and both ends must be reached by enough accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engines import BothEngines
from filet.finance.scatter_gather import GatherScatterThresholds, ScatterGatherThresholds
from test_finance_typologies import T0, _accounts, _tx


@pytest.mark.spark
def test_scatter_gather_needs_time_respecting_relays(both_engines: BothEngines) -> None:
    """S splits 30,000 over M1..M3, which pass it on to T; M4 pays T before it is paid,
    so it is no relay; U reaches V through two relays only."""
    rows = [
        _tx(1, "S", "M1", 10_000.0, 0),
        _tx(2, "S", "M2", 10_000.0, 0.5),
        _tx(3, "S", "M3", 10_000.0, 1),
        _tx(4, "M1", "T", 9_800.0, 2),
        _tx(5, "M2", "T", 9_700.0, 3),
        _tx(6, "M3", "T", 9_900.0, 4),
        _tx(7, "M4", "T", 9_000.0, 0),
        _tx(8, "S", "M4", 9_000.0, 1),
        _tx(10, "U", "N1", 5_000.0, 0),
        _tx(11, "U", "N2", 5_000.0, 0),
        _tx(12, "N1", "V", 5_000.0, 1),
        _tx(13, "N2", "V", 5_000.0, 1),
    ]
    [alert] = both_engines("finance.scatter_gather", {"transactions": rows})
    assert _accounts(alert) == ["010/S", "010/T", "010/M1", "010/M2", "010/M3"]
    assert [e.key["source_line"] for e in alert.evidence] == [1, 2, 3, 4, 5, 6]
    assert (alert.start, alert.end) == (T0, T0 + timedelta(days=4))
    assert alert.score == 0.5
    assert "30 000,00 Euro" in alert.reason_fr and "29 400,00 Euro" in alert.reason_fr
    assert "to 3 intermediaries" in alert.reason_en


@pytest.mark.spark
def test_scatter_gather_relays_must_fit_the_window(both_engines: BothEngines) -> None:
    rows = [_tx(i, "S", f"M{i}", 1_000.0, 0) for i in range(1, 4)]
    rows += [_tx(10 + i, f"M{i}", "T", 1_000.0, 5 + 7 * i) for i in range(1, 4)]
    assert len(both_engines("finance.scatter_gather", {"transactions": rows})) == 1
    short = ScatterGatherThresholds(window_days=20)
    assert both_engines("finance.scatter_gather", {"transactions": rows}, short) == []


@pytest.mark.spark
def test_gather_scatter_collects_then_redistributes(both_engines: BothEngines) -> None:
    """With three counterparties a side: H gathers from A, B, C and pays X, Y, Z; G
    gathers from three but pays two."""
    rows = [
        _tx(1, "A", "H", 3_000.0, 0),
        _tx(2, "B", "H", 3_000.0, 1),
        _tx(3, "C", "H", 3_000.0, 2),
        _tx(4, "H", "X", 2_900.0, 3),
        _tx(5, "H", "Y", 2_900.0, 4),
        _tx(6, "H", "Z", 2_900.0, 5),
        _tx(10, "A", "G", 1_000.0, 0),
        _tx(11, "B", "G", 1_000.0, 0),
        _tx(12, "C", "G", 1_000.0, 0),
        _tx(13, "G", "X", 1_000.0, 1),
        _tx(14, "G", "Y", 1_000.0, 1),
    ]
    three = GatherScatterThresholds(min_counterparties=3)
    assert both_engines("finance.gather_scatter", {"transactions": rows}) == []
    [alert] = both_engines("finance.gather_scatter", {"transactions": rows}, three)
    assert _accounts(alert) == ["010/H", "010/A", "010/B", "010/C", "010/X", "010/Y", "010/Z"]
    assert [e.key["source_line"] for e in alert.evidence] == [1, 2, 3, 4, 5, 6]
    assert "reçoit 9 000,00 Euro de 3 comptes et paie 8 700,00 Euro à 3 comptes" in (
        alert.reason_fr
    )


@pytest.mark.spark
def test_gather_scatter_ignores_payments_made_before_the_gathering(
    both_engines: BothEngines,
) -> None:
    """The hub's payments come before the money arrives: no redistribution of it."""
    rows = [_tx(i, "H", f"P{i}", 1_000.0, 0) for i in range(1, 4)]
    rows += [_tx(10 + i, f"Q{i}", "H", 1_000.0, 1 + i) for i in range(1, 4)]
    three = GatherScatterThresholds(min_counterparties=3)
    assert both_engines("finance.gather_scatter", {"transactions": rows}, three) == []


def test_thresholds_refuse_meaningless_values() -> None:
    with pytest.raises(ValueError, match="min_intermediaries"):
        ScatterGatherThresholds(min_intermediaries=1)
    with pytest.raises(ValueError, match="window_days"):
        ScatterGatherThresholds(window_days=0)
    with pytest.raises(ValueError, match="min_counterparties"):
        GatherScatterThresholds(min_counterparties=1)

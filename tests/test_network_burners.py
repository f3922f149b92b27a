"""Burner-phone switch: a line goes silent, a new one calls the same people.

The demo's generator (filet.demo.network) plants a switch in its hidden hierarchy: the
old line calls six members of the first cell in the first half of the period, the new
one five of them and one more in the second half. Cell members share contacts too, but
are active at the same time: they are the look-alikes that must not be flagged.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engines import BothEngines, write_event_tables
from filet.alerts import get_detector
from filet.demo.network import generate
from filet.engine.duckdb_engine import DuckDBEngine
from filet.model.identifiers import phone
from filet.network.burners import BurnerThresholds

T0 = datetime(2024, 3, 1, 8, tzinfo=UTC)


def _calls(
    pairs: list[tuple[str, str]], minutes: list[float] | None = None
) -> list[dict[str, Any]]:
    times = minutes if minutes is not None else [37.0 * n for n in range(len(pairs))]
    return [
        {
            "caller": a,
            "callee": b,
            "start_ts": T0 + timedelta(minutes=at),
            "duration_s": 60.0,
            "call_type": "voice",
            "cell_start": None,
            "cell_end": None,
            "case_ref": "PV-7",
            "seizure_ref": None,
            "source_file": "fadettes.csv",
            "source_line": number + 2,
        }
        for number, ((a, b), at) in enumerate(zip(pairs, times, strict=True))
    ]


def _switches(
    tmp_path: Path, rows: list[dict[str, Any]], thresholds: BurnerThresholds | None = None
) -> list[tuple[str, ...]]:
    write_event_tables(tmp_path, {"calls": rows})
    with DuckDBEngine() as engine:
        engine.register_parquet("calls", tmp_path / "calls")
        alerts = get_detector("network.burner_switch").run(engine, thresholds)
    return [tuple(subject.value for subject in alert.subjects) for alert in alerts]


def _world(seed: int) -> tuple[list[dict[str, Any]], tuple[str, str]]:
    hierarchy = generate(seed)
    pairs = [(phone.normalize(a), phone.normalize(b)) for a, b in hierarchy.calls]
    old, new = (phone.normalize(number) for number in hierarchy.burner)
    return _calls(pairs), (old, new)


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_planted_switch_is_the_only_link(tmp_path: Path, seed: int) -> None:
    """The planted pair, in that order, and none of the cell members sharing contacts."""
    rows, planted = _world(seed)
    assert _switches(tmp_path, rows) == [planted]


def test_overlap_in_time_is_not_a_switch(tmp_path: Path) -> None:
    """Same four contacts; one call of the old line after the new one's first stops it."""
    contacts = [f"+3361000000{i}" for i in range(4)]
    old, new = "+33620000001", "+33620000002"
    pairs = [(old, c) for c in contacts] + [(new, c) for c in contacts]
    assert _switches(tmp_path / "apart", _calls(pairs)) == [(old, new)]
    overlapping = [0, 10, 20, 200, 100, 110, 120, 130]
    assert _switches(tmp_path / "overlap", _calls(pairs, overlapping)) == []


def test_thresholds_bound_the_rule(tmp_path: Path) -> None:
    """Three shared of five contacts (Jaccard 0.6) after a 40-day silence."""
    old, new = "+33620000001", "+33620000002"
    pairs = [(old, f"+3361000000{i}") for i in range(4)] + [
        (new, f"+3361000000{i}") for i in (0, 1, 2, 4)
    ]
    minutes = [0.0] * 4 + [40 * 24 * 60.0] * 4
    rows = _calls(pairs, minutes)
    assert _switches(tmp_path / "a", rows) == []
    wide = BurnerThresholds(max_silence_days=45)
    assert _switches(tmp_path / "b", rows, wide) == [(old, new)]
    strict = BurnerThresholds(max_silence_days=45, min_jaccard=0.7)
    assert _switches(tmp_path / "c", rows, strict) == []
    many = BurnerThresholds(max_silence_days=45, min_shared_contacts=4)
    assert _switches(tmp_path / "d", rows, many) == []


def test_thresholds_are_checked() -> None:
    with pytest.raises(ValueError, match="min_jaccard"):
        BurnerThresholds(min_jaccard=1.5)


@pytest.mark.spark
def test_switch_on_both_engines(both_engines: BothEngines) -> None:
    """Same alert, reasons and cited call lines on DuckDB and Spark."""
    rows, planted = _world(7)
    [alert] = both_engines("network.burner_switch", {"calls": rows})
    assert tuple(subject.value for subject in alert.subjects) == planted
    assert [evidence.table for evidence in alert.evidence] == ["calls", "calls"]
    assert "5 contacts communs sur 7" in alert.reason_fr

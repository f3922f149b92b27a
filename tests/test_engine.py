"""The engines give the same Python values for the same SQL, on known answers."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engines import write_event_tables
from filet.engine import DUCKDB, SPARK, Engine, Step, open_engine
from filet.engine.duckdb_engine import DuckDBEngine
from filet.engine.factory import ENGINE_NAMES
from filet.store.events import EventStore

# One degree of arc on a sphere of the mean Earth radius (6,371,008.8 m).
ONE_DEGREE_M = 6_371_008.8 * math.pi / 180


def _position(line: int, ts: datetime, lat: float, lon: float) -> dict[str, object]:
    return {
        "mmsi": "227000001",
        "ts": ts,
        "lat": lat,
        "lon": lon,
        "sog_knots": None,
        "cog_degrees": None,
        "source_file": "track.csv",
        "source_line": line,
    }


@pytest.fixture
def events(tmp_path: Path) -> EventStore:
    return write_event_tables(
        tmp_path / "events",
        {
            "ais_positions": [
                _position(2, datetime(2020, 1, 1, 0, 0, 0, 1, tzinfo=UTC), 1.0, 0.0),
                _position(1, datetime(2020, 1, 1, tzinfo=UTC), 0.0, 0.0),
            ]
        },
    )


def test_parquet_tables_come_back_with_utc_timestamps(
    each_engine: Engine, events: EventStore
) -> None:
    assert events.register(each_engine) == ["ais_positions"]
    rows = each_engine.run(
        [Step("SELECT mmsi, ts, source_line FROM ais_positions ORDER BY source_line", "out")]
    )
    assert rows == [
        {"mmsi": "227000001", "ts": datetime(2020, 1, 1, tzinfo=UTC), "source_line": 1},
        {"mmsi": "227000001", "ts": datetime(2020, 1, 1, 0, 0, 0, 1, tzinfo=UTC), "source_line": 2},
    ]
    assert all(row["ts"].utcoffset().total_seconds() == 0 for row in rows)


def test_dialect_snippets_give_known_values(each_engine: Engine, events: EventStore) -> None:
    """Epoch microseconds of 2020-01-01T00:00:00.000001Z, and one degree of latitude."""
    events.register(each_engine)
    dialect = each_engine.dialect
    steps = [
        Step(
            f"SELECT source_line, {dialect.epoch_microseconds('ts')} AS us,"
            " lat, lon FROM ais_positions",
            "snippet_input",
        ),
        Step(
            "SELECT a.us, "
            + dialect.distance_m("a.lat", "a.lon", "b.lat", "b.lon")
            + " AS metres FROM snippet_input a JOIN snippet_input b"
            " ON a.source_line = 2 AND b.source_line = 1",
            "snippet_output",
        ),
    ]
    [row] = each_engine.run(steps)
    assert row["us"] == 1_577_836_800_000_001
    assert row["metres"] == pytest.approx(ONE_DEGREE_M, rel=1e-12)


def test_later_steps_read_earlier_ones() -> None:
    with DuckDBEngine() as engine:
        rows = engine.run(
            [
                Step("SELECT range AS n FROM range(5)", "numbers"),
                Step("SELECT sum(n) AS total FROM numbers", "total"),
            ]
        )
    assert rows == [{"total": 10}]


def test_a_pipeline_needs_steps() -> None:
    with DuckDBEngine() as engine, pytest.raises(ValueError, match="at least one step"):
        engine.run([])


def test_spark_sql_is_translated_from_duckdb() -> None:
    sql = "SELECT LEAD(ts) OVER (PARTITION BY mmsi ORDER BY ts) AS next_ts FROM ais_positions"
    assert DUCKDB.translate(sql) == sql
    assert SPARK.translate(sql) == (
        "SELECT LEAD(ts) OVER (PARTITION BY mmsi ORDER BY ts NULLS LAST) AS next_ts"
        " FROM ais_positions"
    )


def test_open_engine_by_name() -> None:
    assert ENGINE_NAMES == ("duckdb", "spark")
    with open_engine("duckdb") as engine:
        assert engine.dialect is DUCKDB
    with pytest.raises(ValueError, match="unknown engine 'postgres'"):
        open_engine("postgres")

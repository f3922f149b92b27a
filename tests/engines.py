"""Run a detector on DuckDB and on Spark and check that both find the same alerts.

Loaded by ``tests/conftest.py`` as a pytest plugin, so its fixtures are everywhere and
its asserts get pytest's detailed diffs. Every detector test goes through
``both_engines``; mark the test ``spark`` so that ``-m "not spark"`` can leave it out:

    @pytest.mark.spark
    def test_one_gap(both_engines):
        alerts = both_engines("maritime.ais_gap", {"ais_positions": rows})
        assert [alert.start for alert in alerts] == [...]

Rows are plain dictionaries in the table's schema (``filet.store.events.EVENT_TABLES``),
in any order. The alerts come back sorted by id, once both engines agree on them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from filet.alerts import Alert, Thresholds, get_detector
from filet.engine import Engine
from filet.engine.duckdb_engine import DuckDBEngine
from filet.store.events import EVENT_TABLES, EventStore

Rows = list[dict[str, Any]]
BothEngines = Callable[..., list[Alert]]


def write_event_tables(root: Path, tables: Mapping[str, Rows]) -> EventStore:
    """Write each table's rows as one Parquet part, the way ingestion stores them."""
    store = EventStore(root)
    for table, rows in tables.items():
        store.write_part(table, "part-0", pa.Table.from_pylist(rows, schema=EVENT_TABLES[table]))
    return store


def detect_on_both(
    spark: Any,
    root: Path,
    detector_id: str,
    tables: Mapping[str, Rows],
    thresholds: Thresholds | None = None,
) -> list[Alert]:
    """The detector's alerts, after checking that DuckDB and Spark give identical ones."""
    from filet.engine.spark_engine import SparkEngine

    store = write_event_tables(root, tables)
    detector = get_detector(detector_id)
    found = {}
    for engine in (DuckDBEngine(), SparkEngine(session=spark)):
        with engine:
            present = store.register(engine)
            store.register_empty(engine, set(detector.optional_inputs) - set(present))
            alerts = sorted(detector.run(engine, thresholds), key=lambda alert: alert.id)
        found[engine.dialect.name] = alerts
    duckdb_alerts = [alert.to_dict() for alert in found["duckdb"]]
    spark_alerts = [alert.to_dict() for alert in found["spark"]]
    assert duckdb_alerts == spark_alerts, f"{detector_id}: DuckDB and Spark disagree"
    return found["duckdb"]


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One local Spark session for the whole run: starting one costs seconds."""
    pytest.importorskip("pyspark", reason="Spark tests need pyspark (pip install 'filet[spark]')")
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        pytest.skip("Spark tests need Java 17 or later (java on PATH or JAVA_HOME)")
    from filet.engine.spark_engine import spark_session as start

    session = start("local[2]")
    yield session
    session.stop()


@pytest.fixture
def both_engines(spark_session: Any, tmp_path: Path) -> BothEngines:
    """``both_engines(detector_id, tables, thresholds=None)``: see the module docstring."""

    def run(
        detector_id: str, tables: Mapping[str, Rows], thresholds: Thresholds | None = None
    ) -> list[Alert]:
        return detect_on_both(spark_session, tmp_path / "events", detector_id, tables, thresholds)

    return run


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def each_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """Each engine in turn, for tests of the engines themselves."""
    if request.param == "duckdb":
        opened: Engine = DuckDBEngine()
    else:
        from filet.engine.spark_engine import SparkEngine

        opened = SparkEngine(session=request.getfixturevalue("spark_session"))
    with opened:
        yield opened

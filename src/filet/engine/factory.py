"""Choosing an engine by name, as the settings and the command line give it."""

from __future__ import annotations

from filet.engine.base import Engine
from filet.engine.duckdb_engine import DuckDBEngine

ENGINE_NAMES = ("duckdb", "spark")


def open_engine(name: str, spark_master: str | None = None) -> Engine:
    """A ready engine; ``spark_master`` defaults to the ``spark_master`` setting.

    Spark is imported only when asked for: it is an optional dependency and its
    session takes seconds to start.
    """
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        try:
            from filet.engine.spark_engine import SparkEngine
        except ImportError as error:
            raise ImportError(
                "le moteur spark demande pyspark (pip install 'filet[spark]') / "
                f"the spark engine needs pyspark (pip install 'filet[spark]'): {error}"
            ) from error
        return SparkEngine(master=spark_master)
    raise ValueError(
        f"moteur inconnu / unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}"
    )

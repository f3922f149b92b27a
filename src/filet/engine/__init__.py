"""Analytics engines: DuckDB embedded by default, Apache Spark for cluster scale."""

from filet.engine.base import Engine, Step
from filet.engine.dialects import DUCKDB, SPARK, Dialect

__all__ = ["DUCKDB", "SPARK", "Dialect", "Engine", "Step"]

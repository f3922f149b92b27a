"""Analytics engines: DuckDB embedded by default, Apache Spark for cluster scale."""

from filet.engine.base import Engine, Step, sql_texts
from filet.engine.dialects import DUCKDB, SPARK, Dialect
from filet.engine.factory import ENGINE_NAMES, open_engine

__all__ = [
    "DUCKDB",
    "ENGINE_NAMES",
    "SPARK",
    "Dialect",
    "Engine",
    "Step",
    "open_engine",
    "sql_texts",
]

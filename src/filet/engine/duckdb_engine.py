"""The default engine: DuckDB embedded in the process, nothing to install or run."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from filet.engine.base import Engine
from filet.engine.dialects import DUCKDB


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class DuckDBEngine(Engine):
    """An in-memory DuckDB database; event tables stay in their Parquet files."""

    dialect = DUCKDB

    def __init__(self) -> None:
        self._conn = duckdb.connect()
        # Timestamps are stored in UTC; the session zone decides how DuckDB shows them.
        self._conn.execute("SET TimeZone = 'UTC'")

    def register_parquet(self, table: str, folder: Path, files: list[Path] | None = None) -> None:
        if files is None:
            source = _literal(str(folder / "*.parquet"))
        else:
            source = "[" + ", ".join(_literal(str(file)) for file in files) + "]"
        # Both names are quoted by _identifier and _literal: no caller text reaches the SQL.
        self._conn.execute(
            f"CREATE OR REPLACE VIEW {_identifier(table)} AS SELECT * FROM read_parquet({source})"  # nosec B608
        )

    def _materialize(self, sql: str, output_table: str) -> None:
        # A view, as on Spark: DuckDB plans the whole pipeline at once and streams it,
        # instead of storing every intermediate row (all position pairs, say).
        self._conn.execute(f"CREATE OR REPLACE TEMP VIEW {_identifier(output_table)} AS {sql}")

    def _fetch(self, table: str) -> pa.Table:
        return self._conn.sql(f"SELECT * FROM {_identifier(table)}").to_arrow_table()

    def close(self) -> None:
        self._conn.close()

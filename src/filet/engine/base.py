"""The analytics engine contract: run a pipeline of SQL steps over event tables.

Detectors never talk to DuckDB or Spark directly. They return a list of ``Step``
(SQL written once, in DuckDB's dialect, plus the name of the table it produces) and
an ``Engine`` runs them: DuckDB embedded by default, Spark at cluster scale. This is
how the same detector code runs on both (see ``docs/engine.md``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from filet.engine.dialects import Dialect


@dataclass(frozen=True)
class Step:
    """One SQL statement whose result is visible to later steps as ``output_table``."""

    sql: str
    output_table: str


def sql_texts(values: Iterable[str]) -> str:
    """Texts as a SQL list of literals (quotes doubled), for an ``IN (...)``; DuckDB's
    dialect, which the engines translate."""
    return ", ".join("'" + value.replace("'", "''") + "'" for value in sorted(values))


class Engine(ABC):
    """Runs steps on one backend. Subclasses hold no detector logic."""

    dialect: Dialect

    @abstractmethod
    def register_parquet(self, table: str, folder: Path, files: list[Path] | None = None) -> None:
        """Make the Parquet files of ``folder`` queryable as ``table``; only ``files``
        (never empty) when given."""

    @abstractmethod
    def _materialize(self, sql: str, output_table: str) -> None:
        """Run ``sql`` (already in this engine's dialect) as a view or temporary table."""

    @abstractmethod
    def _fetch(self, table: str) -> pa.Table:
        """All rows of ``table`` as Arrow, as the engine hands them over."""

    @abstractmethod
    def close(self) -> None: ...

    def run(self, steps: list[Step]) -> list[dict[str, Any]]:
        """Run the steps in order and return the rows of the last one."""
        return self.run_table(steps).to_pylist()

    def run_table(self, steps: list[Step]) -> pa.Table:
        """:meth:`run`, the rows kept as Arrow: for a caller that goes on in Arrow, so
        that a large result is not turned into Python dictionaries and back."""
        if not steps:
            raise ValueError("a pipeline needs at least one step")
        for step in steps:
            self._materialize(self.dialect.translate(step.sql), step.output_table)
        return utc_timestamps(self._fetch(steps[-1].output_table))

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def utc_timestamps(table: pa.Table) -> pa.Table:
    """``table`` with every timestamp timezone-aware UTC.

    Both engines hand results over as Arrow, so that DuckDB and Spark give the same
    values; a timestamp without a zone is taken to be UTC, as stored.
    """
    columns = []
    for column in table.columns:
        if pa.types.is_timestamp(column.type):
            column = column.cast(pa.timestamp(column.type.unit, tz="UTC"))
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)

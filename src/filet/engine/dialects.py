"""Every difference between the SQL dialects Filet runs on lives here.

Detector SQL is written once in DuckDB's dialect and translated with SQLGlot. Where a
translation is not enough (a function one engine lacks, or spells differently),
the detector asks its ``Dialect`` for the snippet instead of writing it inline.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot


@dataclass(frozen=True)
class Dialect:
    name: str  # sqlglot's name for it

    def translate(self, sql: str) -> str:
        if self.name == "duckdb":
            return sql
        return ";\n".join(sqlglot.transpile(sql, read="duckdb", write=self.name))

    def epoch_seconds(self, column: str) -> str:
        """Seconds since 1970-01-01 UTC of a TIMESTAMP column."""
        if self.name == "spark":
            return f"CAST(unix_timestamp({column}) AS BIGINT)"
        return f"CAST(epoch({column}) AS BIGINT)"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")

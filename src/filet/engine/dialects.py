"""Every difference between the SQL dialects Filet runs on lives here.

Detector SQL is written once in DuckDB's dialect and translated with SQLGlot. Where a
translation is not enough (a function one engine lacks, or spells differently),
the detector asks its ``Dialect`` for the snippet instead of writing it inline. The
snippets are themselves passed through ``translate``, so a Spark snippet must be one
that SQLGlot's DuckDB reader leaves as it is (an unknown function call does).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot

# Mean Earth radius (IUGG), the usual radius for haversine distances.
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Dialect:
    name: str  # sqlglot's name for it

    def translate(self, sql: str) -> str:
        if self.name == "duckdb":
            return sql
        return ";\n".join(sqlglot.transpile(sql, read="duckdb", write=self.name))

    def epoch_microseconds(self, column: str) -> str:
        """Microseconds since 1970-01-01 UTC of a TIMESTAMP column, as an exact BIGINT.

        SQLGlot turns DuckDB's ``epoch(ts)`` (a DOUBLE with the fraction) into Spark's
        ``unix_timestamp(ts)`` (whole seconds), so durations compared across engines
        must use integer microseconds, which both store exactly.
        """
        if self.name == "spark":
            return f"unix_micros({column})"
        return f"epoch_us({column})"

    def distance_m(self, lat1: str, lon1: str, lat2: str, lon2: str) -> str:
        """Great-circle (haversine) distance in metres between two positions in degrees.

        Neither engine has a built-in without an extension (DuckDB spatial, Sedona), so
        the formula is spelled out once here; SQLGlot translates it unchanged.
        """
        half_dlat = f"sin(radians({lat2} - {lat1}) / 2)"
        half_dlon = f"sin(radians({lon2} - {lon1}) / 2)"
        chord = (
            f"power({half_dlat}, 2) + "
            f"cos(radians({lat1})) * cos(radians({lat2})) * power({half_dlon}, 2)"
        )
        # least() guards asin against a rounding error just above 1 (antipodes).
        return f"(2 * {EARTH_RADIUS_M} * asin(least(1.0, sqrt({chord}))))"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")

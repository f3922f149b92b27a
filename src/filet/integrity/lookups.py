"""What the integrity detectors share: lookups cut into officer-days, and how an alert
cites the lookups it rests on.

A day is a UTC calendar day, counted as a whole number since 1970-01-01 from integer
microseconds, so that DuckDB and Spark put a lookup at midnight in the same day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from filet.alerts import Evidence
from filet.engine import Dialect

_MICROSECONDS_PER_DAY = 86_400_000_000
_EPOCH = date(1970, 1, 1)
MAX_EVIDENCE = 10


def lookups_with_day(dialect: Dialect) -> str:
    """Every lookup with its ``day`` number."""
    micros = dialect.epoch_microseconds("ts")
    return f"""
        SELECT ts, officer, unit, system, subject, subject_kind, reason, case_ref,
            source_file, source_line,
            CAST(FLOOR({micros} / {_MICROSECONDS_PER_DAY}) AS BIGINT) AS day
        FROM lookups
    """


def by_officer_day(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The rows of each officer-day, in the order the SQL gave them."""
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[(row["officer"], int(row["day"]))].append(row)
    return list(grouped.values())


def day_of(number: int) -> date:
    return _EPOCH + timedelta(days=int(number))


def evidence(rows: list[dict[str, Any]]) -> tuple[Evidence, ...]:
    """The first lookups by time, file and line: enough to open the log where it
    happened, not the whole day."""
    first = sorted(rows, key=lambda r: (r["ts"], r["source_file"], r["source_line"]))
    return tuple(
        Evidence("lookups", {"source_file": r["source_file"], "source_line": r["source_line"]})
        for r in first[:MAX_EVIDENCE]
    )


def systems(rows: list[dict[str, Any]]) -> str:
    """The files consulted, busiest first: ``TAJ ×8, SIV ×4``."""
    counted = Counter(row["system"] or "?" for row in rows)
    return ", ".join(f"{name} ×{n}" for name, n in sorted(counted.items(), key=_busiest))


def _busiest(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]

"""What the typology detectors share: accounts as one key, windows, alert pieces.

An account is known by its bank and number ("0012/8000EBD30"), or by its number alone
when the source has no bank (AMLSim). Times are compared as whole microseconds so that
DuckDB and Spark draw the same window edges.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from filet.alerts import Evidence
from filet.engine import Dialect, Step

MICROSECONDS_PER_DAY = 86_400_000_000
TABLE = "transactions"


def account_key(bank: str, account: str) -> str:
    return f"CASE WHEN {bank} IS NULL THEN {account} ELSE concat({bank}, '/', {account}) END"


def transfers(dialect: Dialect, output: str) -> Step:
    """One row per transfer: sender, receiver, amount paid, time in microseconds."""
    sql = f"""
        SELECT
            {account_key("from_bank", "from_account")} AS src,
            {account_key("to_bank", "to_account")} AS dst,
            amount_paid AS amount,
            coalesce(payment_currency, '') AS currency,
            ts,
            {dialect.epoch_microseconds("ts")} AS ts_us,
            source_file, source_line
        FROM {TABLE}
    """
    return Step(sql, output)


def best_windows(
    source: str, key: str, counted: str, window_us: int, min_count: int, prefix: str
) -> list[Step]:
    """Per ``key``, the window of ``window_us`` holding most distinct ``counted`` values.

    Every transfer of a key opens a window; the fullest one (the earliest on a tie)
    is kept if it reaches ``min_count``, and its transfers come out, one row each.
    """
    counts = f"""
        SELECT a.{key} AS subject, a.ts_us AS start_us, count(DISTINCT b.{counted}) AS n
        FROM {source} a JOIN {source} b
          ON a.{key} = b.{key} AND b.ts_us >= a.ts_us AND b.ts_us <= a.ts_us + {window_us}
        GROUP BY a.{key}, a.ts_us
        HAVING count(DISTINCT b.{counted}) >= {min_count}
    """
    ranked = f"""
        SELECT subject, start_us, n,
            row_number() OVER (PARTITION BY subject ORDER BY n DESC, start_us) AS rank
        FROM {prefix}_counts
    """
    rows = f"""
        SELECT w.subject, w.n, t.{counted} AS party, t.amount, t.currency, t.ts,
            t.source_file, t.source_line
        FROM {prefix}_ranked w JOIN {source} t
          ON t.{key} = w.subject AND t.ts_us >= w.start_us
         AND t.ts_us <= w.start_us + {window_us}
        WHERE w.rank = 1
        ORDER BY w.subject, t.ts, t.source_file, t.source_line
    """
    return [
        Step(counts, f"{prefix}_counts"),
        Step(ranked, f"{prefix}_ranked"),
        Step(rows, f"{prefix}_rows"),
    ]


def grouped(rows: list[dict[str, Any]], key: str) -> list[list[dict[str, Any]]]:
    """Rows by ``key``, in key order, each group in time then source order."""
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return [
        sorted(groups[name], key=lambda r: (r["ts"], r["source_file"], r["source_line"]))
        for name in sorted(groups)
    ]


def evidence(rows: list[dict[str, Any]]) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(TABLE, {"source_file": row["source_file"], "source_line": row["source_line"]})
        for row in rows
    )


def span(rows: list[dict[str, Any]]) -> tuple[datetime, datetime]:
    times = [row["ts"] for row in rows]
    return min(times), max(times)


def totals(rows: list[dict[str, Any]], french: bool = True) -> str:
    """Amounts per currency: "12 500,00 USD" in French, "12,500.00 USD" in English."""
    sums: dict[str, float] = defaultdict(float)
    for row in rows:
        sums[row["currency"]] += row["amount"]
    return " + ".join(
        f"{money(total, french)} {currency}".strip() for currency, total in sorted(sums.items())
    )


def money(value: float, french: bool = True) -> str:
    text = f"{value:,.2f}"
    return text.replace(",", " ").replace(".", ",") if french else text


def growing_score(count: float, minimum: float) -> float:
    """``1 - 2 ** (-count / minimum)``: 0.5 at the threshold, towards 1 beyond."""
    return round(1 - 2 ** (-count / minimum), 3)

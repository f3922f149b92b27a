"""Front businesses over a generated register: ``finance.front_business`` on DuckDB
against the same statistics in plain Python.

``size`` seeded transfers (80 % cash deposits, 20 % card settlements) into the accounts
of ``size / 40`` registered businesses over three calendar months. Each business has a
NAF code among 16 (7 divisions) and a headcount band among 4; its typical monthly
takings depend on both; one business in 1,000 pays in six times as much. Filet runs
``finance.front_business`` with its defaults.

The baseline computes the same thing in Python (dictionaries, ``statistics.median``):
cash per business and month, per NAF code and band the members, median and median
absolute deviation, the division when the code has too few peers, the same four
conditions. Both must flag the same business months, which is checked; the figure is
transfers read per second.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
from benchmarks.common import Comparison

from filet.alerts import get_detector
from filet.engine.duckdb_engine import DuckDBEngine
from filet.finance.front_business import MAD_TO_Z, FrontBusinessThresholds
from filet.store.events import EVENT_TABLES, EventStore

DEFAULT_SIZE = 5_000_000
BASELINE_NAME = "Python dictionaries and statistics.median, same rules"
CODES = (
    "56.10A", "56.10C", "56.30Z", "96.02A", "96.02B", "45.20A", "45.20B", "47.42Z",
    "47.11B", "47.11C", "10.71C", "10.71D", "93.13Z", "93.29Z", "55.10Z", "55.20Z",
)  # fmt: skip
BANDS = ("NN", "01", "02", "11")
MONTH_STARTS_US = [int(datetime(2024, m, 1, tzinfo=UTC).timestamp() * 1e6) for m in (1, 2, 3)]
DAY_US = 86_400_000_000
Answer = set[tuple[str, str]]  # (SIREN, month)


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    thresholds = FrontBusinessThresholds()
    businesses, transfers = generate(size)
    with tempfile.TemporaryDirectory(prefix="filet-bench-front-") as folder:
        store = _store(Path(folder), businesses, transfers)
        with DuckDBEngine() as engine:
            store.register(engine)
            started = time.perf_counter()
            alerts = get_detector("finance.front_business").run(engine, thresholds)
            filet_rate = size / (time.perf_counter() - started)
    found = {(alert.subjects[0].value, alert.start.strftime("%Y-%m")) for alert in alerts}
    started = time.perf_counter()
    expected = python_front_businesses(businesses, transfers, thresholds)
    baseline_rate = size / (time.perf_counter() - started)
    if found != expected:
        raise RuntimeError(f"Filet flagged {len(found)} business months, Python {len(expected)}")
    sys.stderr.write(f"{len(found)} business months flagged of {len(businesses['siren']):,}\n")
    return [
        Comparison(
            f"front businesses, {size:,} transfers", "transfers/s", filet_rate,
            BASELINE_NAME, baseline_rate, higher_is_better=True,
        )
    ]  # fmt: skip


def generate(size: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The register (one account per business) and the transfers, seeded."""
    rng = np.random.default_rng(7)
    count = max(60, size // 40)
    code = rng.integers(0, len(CODES), count)
    band = rng.integers(0, len(BANDS), count)
    typical = 200.0 * (1 + code % 5) * (1 + 2 * band)  # one deposit's usual amount
    front = np.arange(count) % 1000 == 999
    business = rng.integers(0, count, size)
    month = rng.integers(0, 3, size)
    ts = np.array(MONTH_STARTS_US)[month] + rng.integers(0, 28 * DAY_US, size)
    amount = typical[business] * rng.lognormal(0, 0.25, size) * np.where(front[business], 6, 1)
    register = {
        "siren": np.array([f"{i:09d}" for i in range(count)]),
        "naf": np.array(CODES)[code],
        "band": np.array(BANDS)[band],
    }
    transfers = {
        "business": business,
        "ts": ts,
        "amount": np.round(amount, 2),
        "cash": rng.random(size) < 0.8,
    }
    return register, transfers


def _store(
    folder: Path, businesses: dict[str, np.ndarray], transfers: dict[str, np.ndarray]
) -> EventStore:
    store = EventStore(folder)
    accounts = np.char.add("A", np.arange(len(businesses["siren"])).astype(str))
    register = pa.table(
        {
            "account": pa.array(accounts),
            "siren": pa.array(businesses["siren"]),
            "naf": pa.array(businesses["naf"]),
            "headcount_band": pa.array(businesses["band"]),
            "source_file": pa.array(["sirene.csv"] * len(accounts)),
            "source_line": pa.array(np.arange(2, len(accounts) + 2)),
        }
    )
    rows = len(transfers["ts"])
    to_account = pa.array(accounts[transfers["business"]])
    cash = pa.table(
        {
            "ts": pa.array(transfers["ts"], pa.timestamp("us", tz="UTC")),
            "from_account": to_account,
            "to_account": to_account,
            "amount_paid": pa.array(transfers["amount"]),
            "payment_currency": pa.array(["EUR"] * rows),
            "payment_format": pa.array(np.where(transfers["cash"], "Cash", "Credit Card")),
            "source_file": pa.array(["bench.csv"] * rows),
            "source_line": pa.array(np.arange(2, rows + 2)),
        }
    )
    for table, name in ((register, "businesses"), (cash, "transactions")):
        for field in EVENT_TABLES[name]:
            if field.name not in table.column_names:
                table = table.append_column(field, pa.nulls(table.num_rows, field.type))
        store.write_part(name, "bench", table)
    return store


def python_front_businesses(
    businesses: dict[str, np.ndarray], transfers: dict[str, np.ndarray],
    thresholds: FrontBusinessThresholds,
) -> Answer:  # fmt: skip
    cents: dict[tuple[int, str], int] = defaultdict(int)
    months = [datetime.fromtimestamp(us / 1e6, UTC).strftime("%Y-%m") for us in MONTH_STARTS_US]
    starts = np.array(MONTH_STARTS_US)
    month_of = np.searchsorted(starts, transfers["ts"], side="right") - 1
    for business, month, amount, cash in zip(
        transfers["business"].tolist(), month_of.tolist(), transfers["amount"].tolist(),
        transfers["cash"].tolist(), strict=True,
    ):  # fmt: skip
        if cash:
            cents[business, months[month]] += round(amount * 100)
    naf, band = businesses["naf"].tolist(), businesses["band"].tolist()
    by_code: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    by_division: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for (business, month), total in cents.items():
        by_code[month, naf[business], band[business]].append(total)
        by_division[month, naf[business][:2], band[business]].append(total)
    code_stats = {key: _stats(values) for key, values in by_code.items()}
    division_stats = {key: _stats(values) for key, values in by_division.items()}
    flagged: Answer = set()
    for (business, month), total in cents.items():
        members, median, mad = code_stats[month, naf[business], band[business]]
        if members - 1 < thresholds.min_peers:
            members, median, mad = division_stats[month, naf[business][:2], band[business]]
        if (
            members - 1 >= thresholds.min_peers
            and mad > 0
            and total > thresholds.min_cash_amount * 100
            and total >= thresholds.min_ratio_to_peer_median * median
            and MAD_TO_Z * (total - median) >= thresholds.min_modified_z * mad
        ):
            flagged.add((businesses["siren"][business], month))
    return flagged


def _stats(values: list[int]) -> tuple[int, float, float]:
    median = statistics.median(values)
    return len(values), median, statistics.median(abs(value - median) for value in values)

"""Cycle mining over generated transfers: ``finance.cycle`` on DuckDB against networkx.

``size`` seeded transfers between ``size / 10`` accounts over 90 days (log-normal
amounts), with one planted time-respecting cycle of 3 to 5 hops per 10,000 transfers,
are written as the ``transactions`` event table. Filet runs ``finance.cycle`` with its
defaults (≤ 5 hops, 30 days, time-respecting, each hop 90 %-111 % of the previous).

The baseline is the same search in Python over a networkx ``MultiDiGraph``: from every
transfer, a depth-first walk along later transfers within the window and amount band,
through distinct accounts, counting the cycles back to the start. It runs on a world
``BASELINE_SHARE`` the size, generated the same way (same transfers per account); both
find the same cycles there, which is checked. Throughput (transfers per second) is
compared on that world, and Filet's on the full size against the baseline's.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import numpy as np
import pyarrow as pa
from benchmarks.common import Comparison

from filet.alerts import get_detector
from filet.engine.duckdb_engine import DuckDBEngine
from filet.finance.cycles import CycleThresholds
from filet.store.events import EVENT_TABLES, EventStore

DEFAULT_SIZE = 5_000_000
BASELINE_SHARE = 0.01
BASELINE_NAME = "networkx MultiDiGraph, depth-first search, same bounds"
DAYS = 90
T0_US = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
DAY_US = 86_400_000_000


def run(size: int = DEFAULT_SIZE) -> list[Comparison]:
    thresholds = CycleThresholds()
    small = max(200, int(size * BASELINE_SHARE))
    little = generate(small)
    with tempfile.TemporaryDirectory(prefix="filet-bench-typologies-") as folder:
        filet_rate, _ = _filet(Path(folder) / "all", generate(size), size, thresholds)
        small_rate, filet_cycles = _filet(Path(folder) / "small", little, small, thresholds)
    started = time.perf_counter()
    baseline_cycles = networkx_cycles(little, small, thresholds)
    baseline_rate = small / (time.perf_counter() - started)
    if filet_cycles != baseline_cycles:
        raise RuntimeError(
            f"Filet found {len(filet_cycles)} cycles, networkx {len(baseline_cycles)}"
        )
    _log(f"{len(filet_cycles)} cycles in {small:,} transfers, both ways\n")
    return [
        Comparison(
            f"cycles, same {small:,} transfers", "transfers/s", small_rate, BASELINE_NAME,
            baseline_rate, higher_is_better=True,
        ),
        Comparison(
            f"cycles, Filet on all {size:,}", "transfers/s", filet_rate,
            f"{BASELINE_NAME}, on {small:,}", baseline_rate, higher_is_better=True,
        ),
    ]  # fmt: skip


def generate(size: int) -> dict[str, np.ndarray]:
    """Random transfers sorted by time, with planted cycles spliced in."""
    rng = np.random.default_rng(7)
    accounts = max(20, size // 10)
    src = rng.integers(0, accounts, size)
    dst = rng.integers(0, accounts, size)
    ts = np.sort(rng.integers(T0_US, T0_US + DAYS * DAY_US, size))
    amount = np.round(rng.lognormal(7, 1.0, size), 2)
    for start in range(0, size - 5, 10_000):
        hops = 3 + (start // 10_000) % 3
        members = rng.choice(accounts, hops, replace=False)
        for hop in range(hops):
            row = start + hop
            src[row], dst[row] = members[hop], members[(hop + 1) % hops]
            ts[row] = ts[start] + hop * 3_600_000_000
            amount[row] = 50_000.0 - 500 * hop
    return {"src": src, "dst": dst, "ts": ts, "amount": amount}


def _filet(
    folder: Path, columns: dict[str, np.ndarray], rows: int, thresholds: CycleThresholds
) -> tuple[float, set[tuple[str, ...]]]:
    store = EventStore(folder)
    schema = EVENT_TABLES["transactions"]
    names = pa.array(np.char.add("A", columns["src"][:rows].astype(str)))
    table = pa.table(
        {
            "ts": pa.array(columns["ts"][:rows], pa.timestamp("us", tz="UTC")),
            "from_account": names,
            "to_account": pa.array(np.char.add("A", columns["dst"][:rows].astype(str))),
            "amount_paid": pa.array(columns["amount"][:rows]),
            "source_file": pa.array(["bench.csv"] * rows),
            "source_line": pa.array(np.arange(2, rows + 2)),
        }
    )
    missing = [field for field in schema if field.name not in table.column_names]
    for field in missing:
        table = table.append_column(field, pa.nulls(rows, field.type))
    store.write_part("transactions", "bench", table)
    with DuckDBEngine() as engine:
        store.register(engine)
        started = time.perf_counter()
        alerts = get_detector("finance.cycle").run(engine, thresholds)
        elapsed = time.perf_counter() - started
    return rows / elapsed, {tuple(s.value for s in alert.subjects) for alert in alerts}


def networkx_cycles(
    columns: dict[str, np.ndarray], rows: int, thresholds: CycleThresholds
) -> set[tuple[str, ...]]:
    graph = nx.MultiDiGraph()
    for line in range(rows):
        graph.add_edge(
            f"A{columns['src'][line]}", f"A{columns['dst'][line]}", key=line,
            ts=int(columns["ts"][line]), amount=float(columns["amount"][line]),
        )  # fmt: skip
    window = round(thresholds.window_days * DAY_US)
    found: set[tuple[str, ...]] = set()
    for start, first, _line, data in graph.edges(keys=True, data=True):
        if start != first:
            _walk(
                graph,
                [start, first],
                data["ts"],
                data["ts"],
                data["amount"],
                window,
                thresholds,
                found,
            )
    return found


def _walk(
    graph: nx.MultiDiGraph, path: list[str], first_ts: int, last_ts: int, last_amount: float,
    window: int, thresholds: CycleThresholds, found: set[tuple[str, ...]],
) -> None:  # fmt: skip
    ratio = thresholds.min_amount_kept_ratio
    for _, nxt, data in graph.out_edges(path[-1], data=True):
        ts, amount = data["ts"], data["amount"]
        if not (last_ts <= ts <= first_ts + window):
            continue
        if not (amount >= ratio * last_amount and amount * ratio <= last_amount):
            continue
        if nxt == path[0]:
            found.add(tuple(path))
        elif nxt not in path and len(path) < thresholds.max_hops:
            _walk(graph, [*path, nxt], first_ts, ts, amount, window, thresholds, found)


def _log(text: str) -> None:
    sys.stderr.write(text)

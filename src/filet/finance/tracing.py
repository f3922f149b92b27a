"""Flow tracing: where an account's money went, or where it came from, hop by hop.

The transfers are read with SQL (DuckDB over the workspace's Parquet), one hop at a
time, so only the accounts the money reaches are read. The attribution itself is a
replay of those transfers in time order: money can only leave an account after it
arrived there (time-respecting paths), and every unit traced out of the starting
accounts ends at exactly one place (amount conservation).

Two attribution models, the "haircut" and "FIFO" taint models of Möser, Böhme &
Breuker ("Towards risk scoring of Bitcoin transactions", FC 2014 workshops):

- proportional (haircut): an outflow carries the traced money of the account pro rata
  to its share of the balance; the balance is rebuilt from zero from every transfer
  of the account in the table, traced or not;
- FIFO: the account's inflows form a queue, an outflow takes the earliest money first.

Backward tracing runs the same replay on the reversed transfers, latest first: an
outflow is explained by the inflows before it, pro rata (proportional), or in queue
order counted from the latest transfer (FIFO: the same pairing of money in and out as
forward FIFO when the account ends empty; money never seen coming in is the oldest).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from filet.engine import Engine, Step, sql_texts
from filet.finance.common import TABLE, account_key, transfers

METHODS = ("proportional", "fifo")
Path = tuple[str, ...]


@dataclass(frozen=True)
class Transfer:
    src: str
    dst: str
    amount: float
    currency: str
    ts: datetime
    source_file: str
    source_line: int


@dataclass(frozen=True)
class Flow:
    """Money that travelled ``path`` (accounts in trace order) and rests at its end."""

    path: Path
    amount: float

    @property
    def end(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class Trace:
    seeds: tuple[str, ...]
    backward: bool
    method: str
    depth: int
    flows: tuple[Flow, ...]
    currencies: tuple[str, ...]
    truncated: bool

    @property
    def total(self) -> float:
        return sum(flow.amount for flow in self.flows)

    def end_totals(self) -> dict[str, float]:
        """Per end point, the traced money resting there, largest first."""
        sums: dict[str, float] = defaultdict(float)
        for flow in self.flows:
            sums[flow.end] += flow.amount
        return dict(sorted(sums.items(), key=lambda item: (-item[1], item[0])))

    def to_dict(self) -> dict[str, Any]:
        return {
            "seeds": list(self.seeds),
            "direction": "backward" if self.backward else "forward",
            "method": self.method,
            "depth": self.depth,
            "currencies": list(self.currencies),
            "truncated": self.truncated,
            "total": round(self.total, 2),
            "end_points": {key: round(value, 2) for key, value in self.end_totals().items()},
            "paths": [
                {"path": list(flow.path), "amount": round(flow.amount, 2)} for flow in self.flows
            ],
        }


def account_keys(engine: Engine, numbers: list[str]) -> list[str]:
    """The transfer keys ("bank/number") of the accounts with these numbers, any bank."""
    if not numbers:
        return []
    listed = sql_texts(numbers)
    sql = f"""
        SELECT DISTINCT {account_key("from_bank", "from_account")} AS account FROM {TABLE}
        WHERE from_account IN ({listed})
        UNION
        SELECT DISTINCT {account_key("to_bank", "to_account")} AS account FROM {TABLE}
        WHERE to_account IN ({listed})
    """
    return sorted(row["account"] for row in engine.run([Step(sql, "trace_keys")]))


def load_transfers(engine: Engine, seeds: list[str], depth: int, backward: bool) -> list[Transfer]:
    """Every transfer in or out of the accounts within ``depth - 1`` hops of the seeds.

    Both directions are read for each account reached: the inflows that are not traced
    still make up the balance the proportional model shares out.
    """
    found: dict[tuple[str, int], Transfer] = {}
    loaded: set[str] = set()
    frontier = set(seeds)
    for _ in range(depth):
        listed = sql_texts(frontier)
        hop = f"SELECT * FROM trace_transfers WHERE src IN ({listed}) OR dst IN ({listed})"
        rows = engine.run([transfers(engine.dialect, "trace_transfers"), Step(hop, "trace_hop")])
        for row in rows:
            found[(row["source_file"], row["source_line"])] = _transfer(row)
        loaded |= frontier
        origin, onward = ("dst", "src") if backward else ("src", "dst")
        frontier = {row[onward] for row in rows if row[origin] in frontier} - loaded
        if not frontier:
            break
    return list(found.values())


def _transfer(row: dict[str, Any]) -> Transfer:
    return Transfer(
        src=row["src"],
        dst=row["dst"],
        amount=float(row["amount"]),
        currency=row["currency"],
        ts=row["ts"],
        source_file=row["source_file"],
        source_line=int(row["source_line"]),
    )


class ProportionalPool:
    """An account's balance and the traced part of it, per path."""

    def __init__(self) -> None:
        self.balance = 0.0
        self.traced: dict[Path, float] = {}

    def receive(self, path: Path | None, amount: float) -> None:
        self.balance += amount
        if path is not None:
            self.traced[path] = self.traced.get(path, 0.0) + amount

    def send(self, amount: float) -> list[tuple[Path, float]]:
        if amount <= 0:
            return []
        traced_total = sum(self.traced.values())
        # An outflow larger than the known balance spends money the table never showed
        # coming in: all the traced money leaves with it.
        share = min(1.0, amount / max(self.balance, traced_total, amount))
        self.balance = max(0.0, self.balance - amount)
        if not self.traced:
            return []
        carried = [(path, value * share) for path, value in self.traced.items()]
        self.traced = {path: value * (1 - share) for path, value in self.traced.items()}
        self.traced = {path: value for path, value in self.traced.items() if value > 1e-9}
        return carried

    def remaining(self) -> dict[Path, float]:
        return self.traced


class FifoPool:
    """An account's inflows as a queue of lots; untraced lots have no path."""

    def __init__(self) -> None:
        self.lots: deque[list[Any]] = deque()

    def receive(self, path: Path | None, amount: float) -> None:
        self.lots.append([path, amount])

    def send(self, amount: float) -> list[tuple[Path, float]]:
        carried: list[tuple[Path, float]] = []
        while amount > 1e-9 and self.lots:
            lot = self.lots[0]
            taken = min(amount, lot[1])
            if lot[0] is not None:
                carried.append((lot[0], taken))
            lot[1] -= taken
            amount -= taken
            if lot[1] <= 1e-9:
                self.lots.popleft()
        return carried

    def remaining(self) -> dict[Path, float]:
        left: dict[Path, float] = defaultdict(float)
        for path, amount in self.lots:
            if path is not None:
                left[path] += amount
        return left


@dataclass(frozen=True)
class Bounds:
    """How far a trace may go: hops, distinct paths, and the smallest tranche followed."""

    depth: int = 5
    max_paths: int = 10_000
    min_amount: float = 0.01


def replay(
    transfers_: list[Transfer], seeds: set[str], method: str, bounds: Bounds, backward: bool
) -> tuple[dict[Path, float], bool]:
    """The traced money resting at the end of each path, and whether a bound cut it."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    pool_type = ProportionalPool if method == "proportional" else FifoPool
    pools: dict[str, ProportionalPool | FifoPool] = defaultdict(pool_type)
    resting: dict[Path, float] = defaultdict(float)
    truncated = False
    order = sorted(transfers_, key=lambda t: (t.ts, t.source_file, t.source_line), reverse=backward)
    for transfer in order:
        src, dst = (transfer.dst, transfer.src) if backward else (transfer.src, transfer.dst)
        if src in seeds and dst in seeds:
            continue  # between the starting accounts (one person's own): not a flow out
        fresh = src in seeds
        carried = [((src,), transfer.amount)] if fresh else pools[src].send(transfer.amount)
        untraced = transfer.amount - sum(amount for _, amount in carried)
        for path, amount in carried:
            onward = (*path, dst)
            if amount < bounds.min_amount or (
                onward not in resting and len(resting) >= bounds.max_paths
            ):
                truncated = truncated or amount >= bounds.min_amount
                resting[path] += amount
                untraced += amount
            elif dst in seeds or len(onward) - 1 >= bounds.depth:
                resting[onward] += amount
                untraced += amount
            else:
                resting[onward] += 0.0  # the path counts against max_paths from now on
                pools[dst].receive(onward, amount)
        if dst not in seeds:
            pools[dst].receive(None, max(0.0, untraced))
    for pool in pools.values():
        for path, amount in pool.remaining().items():
            resting[path] += amount
    return resting, truncated


def trace(
    engine: Engine,
    seeds: list[str],
    method: str = "proportional",
    backward: bool = False,
    bounds: Bounds | None = None,
) -> Trace:
    """Follow the money of ``seeds`` (account keys) forward, or backward to its sources."""
    bounds = bounds or Bounds()
    if bounds.depth < 1:
        raise ValueError(f"depth must be at least 1, got {bounds.depth}")
    loaded = load_transfers(engine, seeds, bounds.depth, backward)
    resting, truncated = replay(loaded, set(seeds), method, bounds, backward)
    flows = tuple(
        Flow(path, amount)
        for path, amount in sorted(resting.items(), key=lambda item: (-item[1], item[0]))
        if amount > 1e-9
    )
    currencies = tuple(sorted({t.currency for t in loaded if t.currency}))
    return Trace(tuple(seeds), backward, method, bounds.depth, flows, currencies, truncated)

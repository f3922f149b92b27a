"""AMLworld-like labelled transfers: ordinary traffic with planted laundering attempts.

IBM's AMLworld (Altman et al., "Realistic Synthetic Financial Transactions for
Anti-Money Laundering Models", NeurIPS 2023) is a download Filet does not ship; this
seeded generator writes transfers in its layout (``*_Trans.csv`` with ``Is Laundering``)
so that the learned model (:mod:`filet.finance.model`) can be trained and measured on
data whose every answer is known.

The ordinary traffic is what makes rules alone drown: people pay shops (a popular shop
hears from hundreds of accounts a month, a fan-in that launders nothing), friends,
strangers and themselves (``Reinvestment``); employers pay their whole staff on one
day (a fan-out). Laundering attempts of the AMLworld types (fan-in, fan-out, cycle,
scatter-gather, gather-scatter, stack) move larger sums between ordinary accounts,
each hop after the money arrived, at any hour, mostly by ACH, as in AMLworld's
laundering rows; every one of their transfers is labelled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa

from filet.demo.finance import START, MoneyWorld, Transfer, write
from filet.store.events import EVENT_TABLES

Account = tuple[str, str]
KINDS: tuple[str, ...] = (
    "fan-in", "fan-out", "cycle", "scatter-gather", "gather-scatter", "stack",
)  # fmt: skip
# Value of one unit in US dollars; a payee keeps its own currency.
RATES: dict[str, float] = {
    "US Dollar": 1.0, "Euro": 1.17, "UK Pound": 1.35, "Yuan": 0.14, "Rupee": 0.012,
    "Swiss Franc": 1.1, "Canadian Dollar": 0.73,
}  # fmt: skip
CURRENCY_SHARES = (0.78, 0.1, 0.04, 0.03, 0.02, 0.015, 0.015)
FORMATS = ("Cheque", "Credit Card", "ACH", "Cash", "Wire", "Bitcoin")
SHOP_FORMATS = (0.2, 0.5, 0.12, 0.13, 0.03, 0.02)
PERSON_FORMATS = (0.38, 0.1, 0.2, 0.2, 0.08, 0.04)
LAUNDERING_FORMATS = (0.12, 0.08, 0.5, 0.12, 0.1, 0.08)
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Attempt:
    """One planted laundering attempt: its type and its accounts ("bank/number")."""

    kind: str
    accounts: tuple[str, ...]
    transfers: int


@dataclass
class LabelledWorld:
    transfers: list[Transfer] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)

    def write(self, path: Path) -> Path:
        """The transfers as an AMLworld ``*_Trans.csv``, one transfer a line from line 2."""
        return write(MoneyWorld(transfers=self.transfers), path)

    def table(self, source_file: str) -> pa.Table:
        """The rows ``filet ingest FILE --format amlworld`` stores for :meth:`write`'s file."""
        received = [t.received or (t.amount, t.currency) for t in self.transfers]
        columns = {
            "transaction_id": [None] * len(self.transfers),
            "ts": [t.ts for t in self.transfers],
            "from_bank": [t.payer[0] for t in self.transfers],
            "from_account": [t.payer[1] for t in self.transfers],
            "to_bank": [t.payee[0] for t in self.transfers],
            "to_account": [t.payee[1] for t in self.transfers],
            "amount_paid": [t.amount for t in self.transfers],
            "payment_currency": [t.currency for t in self.transfers],
            "amount_received": [amount for amount, _ in received],
            "receiving_currency": [currency for _, currency in received],
            "payment_format": [t.format for t in self.transfers],
            "is_laundering": [t.laundering for t in self.transfers],
            "source_file": [source_file] * len(self.transfers),
            "source_line": list(range(2, len(self.transfers) + 2)),
        }
        return pa.Table.from_pydict(columns, schema=EVENT_TABLES["transactions"])


class _Builder:
    """The accounts, their roles and currencies, and the transfers made so far."""

    def __init__(self, rng: np.random.Generator, accounts: int, days: int) -> None:
        self.rng = rng
        self.days = days
        banks = sorted({f"{rng.integers(1, 10**width):0{width}d}" for width in (3, 4, 5) * 12})
        numbers = rng.choice(16**8, accounts, replace=False)
        self.accounts: list[Account] = [
            (banks[int(rng.integers(len(banks)))], f"8{number:08X}") for number in numbers
        ]
        self.currency = [
            list(RATES)[i] for i in rng.choice(len(RATES), accounts, p=CURRENCY_SHARES)
        ]
        self.shops = max(2, accounts * 6 // 100)
        self.employers = max(1, accounts * 2 // 100)
        self.people = accounts - self.shops - self.employers
        self.transfers: list[Transfer] = []

    def pay(
        self, day: float, payer: int, payee: int, usd: float, form: str, laundering: bool = False
    ) -> None:
        """A transfer worth ``usd``; none after the last day (an attempt the recording
        cuts short, as any extract cuts some)."""
        if day >= self.days:
            return
        paid, got = self.currency[payer], self.currency[payee]
        amount = round(usd / RATES[paid], 2)
        when = START + timedelta(minutes=round(day * 1440))
        received = (round(usd / RATES[got], 2), got) if got != paid else None
        self.transfers.append(
            Transfer(
                when, self.accounts[payer], self.accounts[payee], max(amount, 0.01), paid,
                form, laundering, received,
            )
        )  # fmt: skip

    def person(self) -> int:
        return int(self.rng.integers(self.people))

    def form(self, shares: tuple[float, ...]) -> str:
        return FORMATS[pick(self.rng, np.cumsum(shares))]


def pick(rng: np.random.Generator, cumulative: np.ndarray) -> int:
    """An index drawn with the weights whose running sum is ``cumulative``."""
    return min(int(np.searchsorted(cumulative, rng.random() * cumulative[-1])), len(cumulative) - 1)


def generate(
    seed: int = 0, accounts: int = 2_000, days: int = 20, attempts: int = 80
) -> LabelledWorld:
    """``days`` of ordinary traffic between ``accounts`` accounts and ``attempts``
    laundering attempts, each starting on a random day, sorted by time."""
    if days < 5 or accounts < 100:
        raise ValueError("at least 5 days and 100 accounts")
    builder = _Builder(np.random.default_rng(seed), accounts, days)
    _ordinary(builder, days)
    world = LabelledWorld()
    for _ in range(attempts):
        kind = KINDS[int(builder.rng.integers(len(KINDS)))]
        start = float(builder.rng.uniform(0, days))
        before = len(builder.transfers)
        members = PLANTERS[kind](builder, start)
        keys = tuple(dict.fromkeys("/".join(builder.accounts[m]) for m in members))
        world.attempts.append(Attempt(kind, keys, len(builder.transfers) - before))
    world.transfers = sorted(builder.transfers, key=lambda transfer: transfer.ts)
    return world


def _ordinary(b: _Builder, days: int) -> None:
    """Shops, friends, strangers, oneself; shops pay suppliers; employers pay salaries."""
    rng = b.rng
    shop_weights = np.cumsum(1 / np.arange(1, b.shops + 1) ** 0.8)
    friends = rng.integers(0, b.people, (b.people, 2))
    first_shop, first_employer = b.people, b.people + b.shops
    for day in range(days):
        for payer in range(b.people):
            for _ in range(rng.poisson(1.2)):
                when = day + _daytime(rng)
                draw = rng.random()
                if draw < 0.5:
                    shop = first_shop + pick(rng, shop_weights)
                    b.pay(when, payer, shop, rng.lognormal(4.0, 1.0), b.form(SHOP_FORMATS))
                elif draw < 0.75:
                    friend = int(friends[payer, rng.integers(2)])
                    b.pay(when, payer, friend, rng.lognormal(5.5, 1.1), b.form(PERSON_FORMATS))
                elif draw < 0.88:
                    b.pay(when, payer, payer, rng.lognormal(6.5, 1.0), "Reinvestment")
                else:
                    b.pay(when, payer, b.person(), rng.lognormal(5.0, 1.2), b.form(PERSON_FORMATS))
        for shop in range(first_shop, first_employer):
            for _ in range(rng.poisson(0.8)):
                supplier = first_shop + int(rng.integers(b.shops))
                b.pay(day + _daytime(rng), shop, supplier, rng.lognormal(7.5, 1.0), "ACH")
    staff = rng.integers(0, b.employers, b.people)
    for employer in range(b.employers):
        payday = int(rng.integers(14))
        for day in range(payday, days, 14):
            for person in np.flatnonzero(staff == employer):
                when = day + 0.375 + rng.uniform(0, 0.2)
                form = "ACH" if rng.random() < 0.8 else "Cheque"
                b.pay(when, first_employer + employer, int(person), rng.lognormal(7.6, 0.3), form)


def _daytime(rng: np.random.Generator) -> float:
    """A time of day, as a fraction: mostly office hours, some at any time."""
    if rng.random() < 0.15:
        return float(rng.uniform(0, 1))
    return float(np.clip(rng.normal(13, 3.5), 0, 23.98) / 24)


def _later(b: _Builder, day: float) -> float:
    """When money that arrived at ``day`` moves on: hours later, a day or two at most."""
    return day + float(b.rng.exponential(0.4)) + 1 / 1440


def _launder(b: _Builder, day: float, payer: int, payee: int, usd: float) -> None:
    b.pay(
        day + float(b.rng.uniform(0, 1)) / 1440, payer, payee, usd, b.form(LAUNDERING_FORMATS), True
    )


def _members(b: _Builder, low: int, high: int) -> list[int]:
    count = int(b.rng.integers(low, high + 1))
    return [int(m) for m in b.rng.choice(b.people, count, replace=False)]


def _sum(b: _Builder) -> float:
    return float(b.rng.lognormal(8.6, 0.9))


def _fan_in(b: _Builder, day: float) -> list[int]:
    hub, *payers = _members(b, 5, 10)
    share = _sum(b) / len(payers)
    for payer in payers:
        _launder(b, day + float(b.rng.uniform(0, 3)), payer, hub, share * b.rng.uniform(0.8, 1.2))
    return [hub, *payers]


def _fan_out(b: _Builder, day: float) -> list[int]:
    hub, *payees = _members(b, 5, 10)
    share = _sum(b) / len(payees)
    for payee in payees:
        _launder(b, day + float(b.rng.uniform(0, 3)), hub, payee, share * b.rng.uniform(0.8, 1.2))
    return [hub, *payees]


def _cycle(b: _Builder, day: float) -> list[int]:
    members = _members(b, 3, 6)
    amount = _sum(b)
    for hop, payer in enumerate(members):
        _launder(b, day, payer, members[(hop + 1) % len(members)], amount)
        day, amount = _later(b, day), amount * float(b.rng.uniform(0.93, 0.99))
    return members


def _scatter_gather(b: _Builder, day: float) -> list[int]:
    origin, target, *relays = _members(b, 5, 8)
    share = _sum(b) / len(relays)
    for relay in relays:
        sent = day + float(b.rng.uniform(0, 1))
        _launder(b, sent, origin, relay, share)
        _launder(b, _later(b, sent), relay, target, share * float(b.rng.uniform(0.9, 0.99)))
    return [origin, *relays, target]


def _gather_scatter(b: _Builder, day: float) -> list[int]:
    hub, *others = _members(b, 9, 15)
    payers, payees = others[: len(others) // 2], others[len(others) // 2 :]
    total = _sum(b)
    last = day
    for payer in payers:
        sent = day + float(b.rng.uniform(0, 1.5))
        last = max(last, sent)
        _launder(b, sent, payer, hub, total / len(payers))
    for payee in payees:
        _launder(b, _later(b, last), hub, payee, 0.95 * total / len(payees))
    return [hub, *others]


def _stack(b: _Builder, day: float) -> list[int]:
    """Three layers of 2 to 4 accounts, each paying every account of the next layer
    once its own money is in (AMLworld's stacked bipartite pattern)."""
    sizes = [int(b.rng.integers(2, 5)) for _ in range(3)]
    members = _members(b, sum(sizes), sum(sizes))
    layers = [members[sum(sizes[:i]) : sum(sizes[: i + 1])] for i in range(3)]
    amount = _sum(b) / (len(layers[0]) * len(layers[1]))
    ready = {payer: day + float(b.rng.uniform(0, 1)) for payer in layers[0]}
    for upper, lower in pairwise(layers):
        for payer in upper:
            for payee in lower:
                sent = _later(b, ready[payer])
                _launder(b, sent, payer, payee, amount)
                ready[payee] = max(ready.get(payee, sent), sent)
        amount *= 0.95 * len(upper) / len(lower)
    return [m for layer in layers for m in layer]


PLANTERS: dict[str, Callable[[_Builder, float], list[int]]] = {
    "fan-in": _fan_in,
    "fan-out": _fan_out,
    "cycle": _cycle,
    "scatter-gather": _scatter_gather,
    "gather-scatter": _gather_scatter,
    "stack": _stack,
}

"""The demo's money part: three weeks of bank transfers in the IBM AMLworld layout, with
a planted fan-in (mules paying one account), a cycle of four transfers coming back to
its start, cash structured just below €10,000, a transit account that forwards what
it gets within hours, money split over three front companies and rejoined
(scatter-gather) and a collection point that pays out what it gathers (gather-scatter),
hidden in regular traffic."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from filet.alerts import Alert
from filet.demo.parts import DemoInput, Expectation
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability

HEADER = [
    "Timestamp", "From Bank", "Account", "To Bank", "Account", "Amount Received",
    "Receiving Currency", "Amount Paid", "Payment Currency", "Payment Format", "Is Laundering",
]  # fmt: skip
START = datetime(2022, 9, 1, tzinfo=UTC)
BANKS = ("010", "0012", "03208", "070", "1124")
BANK_FEED = Provenance(
    dataset="demo-virements",
    collecting_service="Tracfin",
    source_reliability=SourceReliability.B,
    information_assessment=InformationAssessment.CORROBORATED,
    handling_code=HandlingCode.H2,
)


@dataclass(frozen=True)
class Transfer:
    ts: datetime
    payer: tuple[str, str]
    payee: tuple[str, str]
    amount: float
    currency: str = "US Dollar"
    format: str = "Wire"
    laundering: bool = False
    # What the payee gets when it is paid in another currency: (amount, currency).
    received: tuple[float, str] | None = None

    def row(self) -> list[str]:
        amount = f"{self.amount:.2f}"
        got, got_currency = self.received or (self.amount, self.currency)
        return [
            self.ts.strftime("%Y/%m/%d %H:%M"), *self.payer, *self.payee, f"{got:.2f}",
            got_currency, amount, self.currency, self.format, "1" if self.laundering else "0",
        ]  # fmt: skip


@dataclass
class MoneyWorld:
    """Transfers and the planted answers, each as account keys ("bank/number")."""

    transfers: list[Transfer] = field(default_factory=list)
    fan_in_hub: str = ""
    mules: set[str] = field(default_factory=set)
    cycle: set[str] = field(default_factory=set)
    structurer: str = ""
    transit: str = ""
    scatter_ends: set[str] = field(default_factory=set)
    relays: set[str] = field(default_factory=set)
    collector: str = ""


def key(account: tuple[str, str]) -> str:
    return "/".join(account)


def generate(seed: int = 7, accounts: int = 30, days: int = 21) -> MoneyWorld:
    """Regular traffic: each account pays the next two of a ring, about weekly.

    Every account thus hears from two others only, the ring is longer than any cycle
    searched, and ordinary amounts stay far below the reporting threshold: what the
    detectors find is what was planted.
    """
    rng = random.Random(seed)
    ring = [(BANKS[i % len(BANKS)], f"80{rng.randrange(16**7):07X}") for i in range(accounts)]
    world = MoneyWorld()
    for index, payer in enumerate(ring):
        for step in (1, 2):
            payee = ring[(index + step) % accounts]
            for week in range(0, days, 7):
                when = START + timedelta(days=week + rng.randrange(7), minutes=rng.randrange(1440))
                world.transfers.append(
                    Transfer(when, payer, payee, round(rng.uniform(80, 3000), 2))
                )
    _plant_fan_in(world, rng, ring[3])
    _plant_cycle(world, rng, ring[10], ring[17], ring[24], ring[6])
    _plant_structuring(world, rng, ring[20], ring[21])
    _plant_pass_through(world, rng, (ring[12], ring[27]))
    _plant_scatter_gather(world, rng)
    _plant_gather_scatter(world, rng)
    world.transfers.sort(key=lambda transfer: transfer.ts)
    return world


def _plant_fan_in(world: MoneyWorld, rng: random.Random, hub: tuple[str, str]) -> None:
    world.fan_in_hub = key(hub)
    for number in range(6):
        mule = (BANKS[number % len(BANKS)], f"90{rng.randrange(16**7):07X}")
        world.mules.add(key(mule))
        when = START + timedelta(days=4 + number % 3, hours=rng.randrange(24))
        amount = round(rng.uniform(1500, 2500), 2)
        world.transfers.append(Transfer(when, mule, hub, amount, format="Cash", laundering=True))


def _plant_cycle(world: MoneyWorld, rng: random.Random, *members: tuple[str, str]) -> None:
    """50,000 € around four accounts in six days, each keeping a small cut."""
    world.cycle = {key(member) for member in members}
    amount = 50_000.0
    for hop, payer in enumerate(members):
        payee = members[(hop + 1) % len(members)]
        when = START + timedelta(days=9 + 2 * hop, hours=rng.randrange(24))
        world.transfers.append(Transfer(when, payer, payee, amount, "Euro", "Wire", True))
        amount = round(amount * rng.uniform(0.96, 0.99), 2)


def _plant_structuring(
    world: MoneyWorld, rng: random.Random, payer: tuple[str, str], payee: tuple[str, str]
) -> None:
    world.structurer = key(payer)
    for day in range(4):
        when = START + timedelta(days=14 + day, hours=rng.randrange(9, 18))
        amount = round(rng.uniform(9200, 9950), 2)
        world.transfers.append(Transfer(when, payer, payee, amount, "Euro", "Cash", True))


def _plant_pass_through(
    world: MoneyWorld, rng: random.Random, payers: tuple[tuple[str, str], ...]
) -> None:
    """A transit account: 30,000 in, 29,400 out to an offshore account hours later, twice."""
    transit = ("070", f"91{rng.randrange(16**7):07X}")
    offshore = ("1124", f"99{rng.randrange(16**7):07X}")
    world.transit = key(transit)
    for number, payer in enumerate(payers):
        when = START + timedelta(days=11 + 5 * number, hours=rng.randrange(8, 12))
        world.transfers.append(Transfer(when, payer, transit, 30_000.0, laundering=True))
        later = when + timedelta(hours=rng.randrange(2, 8))
        world.transfers.append(Transfer(later, transit, offshore, 29_400.0, laundering=True))


def _plant_scatter_gather(world: MoneyWorld, rng: random.Random) -> None:
    """Three front companies each get a share and, two or three days later, pass it to
    one final account: no transfer links the two ends."""
    origin = ("0012", f"97{rng.randrange(16**7):07X}")
    target = ("1124", f"98{rng.randrange(16**7):07X}")
    world.scatter_ends = {key(origin), key(target)}
    for number in range(3):
        relay = (BANKS[number], f"92{rng.randrange(16**7):07X}")
        world.relays.add(key(relay))
        when = START + timedelta(days=2 + number, hours=rng.randrange(8, 18))
        amount = round(rng.uniform(12_000, 15_000), 2)
        world.transfers.append(Transfer(when, origin, relay, amount, "Euro", "Wire", True))
        later = when + timedelta(days=2 + rng.randrange(2), hours=rng.randrange(8))
        kept = round(amount * rng.uniform(0.95, 0.98), 2)
        world.transfers.append(Transfer(later, relay, target, kept, "Euro", "Wire", True))


def _plant_gather_scatter(world: MoneyWorld, rng: random.Random) -> None:
    """Four payers fill a collection account, which pays four others days later (its two
    halves are a fan-in and a fan-out too)."""
    collector = ("03208", f"93{rng.randrange(16**7):07X}")
    world.collector = key(collector)
    for number in range(4):
        payer = (BANKS[number + 1], f"94{rng.randrange(16**7):07X}")
        when = START + timedelta(days=6 + number, hours=rng.randrange(8, 18))
        amount = round(rng.uniform(4_000, 6_000), 2)
        world.transfers.append(
            Transfer(when, payer, collector, amount, format="Cash", laundering=True)
        )
    for number in range(4):
        payee = (BANKS[number], f"95{rng.randrange(16**7):07X}")
        when = START + timedelta(days=12 + number, hours=rng.randrange(8, 18))
        amount = round(rng.uniform(3_500, 5_000), 2)
        world.transfers.append(Transfer(when, collector, payee, amount, laundering=True))


def write(world: MoneyWorld, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        out.writerows(transfer.row() for transfer in world.transfers)
    return path


class FinancePart:
    name = "finance"

    def __init__(self) -> None:
        self.world: MoneyWorld | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.world = generate(seed)
        path = write(self.world, folder / "HI-Demo_Trans.csv")
        return [DemoInput(path, "amlworld", BANK_FEED)]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.world is not None, "write_inputs comes first"
        world = self.world
        by_detector: dict[str, list[set[str]]] = {}
        heads: dict[str, set[str]] = {}
        for alert in alerts:
            accounts = {subject.value for subject in alert.subjects}
            by_detector.setdefault(alert.detector_id, []).append(accounts)
            heads.setdefault(alert.detector_id, set()).add(alert.subjects[0].value)
        fan_ins = by_detector.get("finance.fan_in", [])
        return [
            Expectation(
                f"Concentration plantée / planted fan-in: {len(world.mules)} mules → "
                f"{world.fan_in_hub}",
                any(world.mules | {world.fan_in_hub} <= found for found in fan_ins),
            ),
            Expectation(
                f"Cycle planté / planted cycle: {', '.join(sorted(world.cycle))}",
                world.cycle in by_detector.get("finance.cycle", []),
            ),
            Expectation(
                f"Fractionnement planté / planted structuring: {world.structurer}",
                world.structurer in heads.get("finance.structuring", set()),
            ),
            Expectation(
                f"Compte de transit planté / planted pass-through account: {world.transit}",
                world.transit in heads.get("finance.pass_through", set()),
            ),
            Expectation(
                f"Dispersion-regroupement plantée / planted scatter-gather: "
                f"{' → '.join(sorted(world.scatter_ends))} via {len(world.relays)} relais",
                world.scatter_ends | world.relays in by_detector.get("finance.scatter_gather", []),
            ),
            Expectation(
                f"Collecte-redistribution plantée / planted gather-scatter: {world.collector}",
                world.collector in heads.get("finance.gather_scatter", set()),
            ),
        ]

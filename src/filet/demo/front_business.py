"""The demo's front-business part: a register of Marseille shops in the SIRENE layout,
their cash takings for September 2022 (deposits into their own accounts) and card
settlements, and one planted « lessiveuse »: a kebab with one or two employees that
pays in €60,000 in cash over the month, about five times what the kebabs of its size
do, then wires the money on to two companies of the network.

Takings are drawn, per trade and headcount band, between bounds less than three times
apart: no ordinary shop is three times its peers' median, so what the detector finds
is what was planted. Bars and phone shops are too few to have five peers, even over
their NAF division: they are never compared.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from stdnum import luhn

from filet.alerts import Alert
from filet.demo.finance import BANKS, HEADER, START, Transfer
from filet.demo.parts import DemoInput, Expectation
from filet.finance.common import money
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability

DAYS = 30  # September 2022, a calendar month from START
PLANTED_CASH = 60_000.0
REGISTER_HEADER = [
    "siren", "denominationUniteLegale", "activitePrincipaleUniteLegale",
    "trancheEffectifsUniteLegale", "dateCreationUniteLegale", "codePostalEtablissement",
    "libelleCommuneEtablissement", "bank", "account",
]  # fmt: skip
PLACES = (
    "DU PORT", "DE LA GARE", "DU MARCHÉ", "SAINT-CHARLES", "DES ARCADES", "DU CENTRE",
    "LE PRADO", "BELSUNCE", "CASTELLANE", "LA JOLIETTE", "NOAILLES", "LE PANIER",
)  # fmt: skip
REGISTER = Provenance(
    dataset="demo-sirene",
    collecting_service="INSEE SIRENE",
    source_reliability=SourceReliability.A,
    information_assessment=InformationAssessment.KNOWN_TRUE,
    handling_code=HandlingCode.H0,
)
DEPOSITS = Provenance(
    dataset="demo-versements",
    collecting_service="Tracfin",
    source_reliability=SourceReliability.B,
    information_assessment=InformationAssessment.CORROBORATED,
    handling_code=HandlingCode.H2,
)


@dataclass(frozen=True)
class Trade:
    """Shops of one NAF code and headcount band, and their ordinary monthly cash."""

    naf: str
    band: str
    label: str
    count: int
    monthly_cash: tuple[float, float]


TRADES = (
    Trade("56.10C", "01", "KEBAB", 8, (8_000, 14_000)),
    Trade("56.10C", "11", "BURGER", 6, (35_000, 50_000)),
    Trade("96.02A", "01", "COIFFURE", 7, (4_000, 7_000)),
    Trade("96.02B", "01", "ONGLERIE", 6, (3_000, 6_000)),
    Trade("45.20B", "02", "LAVAGE AUTO", 6, (5_000, 9_000)),
    Trade("56.30Z", "02", "BAR", 4, (12_000, 20_000)),
    Trade("47.42Z", "01", "TÉLÉPHONIE", 4, (2_000, 5_000)),
)


@dataclass(frozen=True)
class Business:
    siren: str
    name: str
    naf: str
    band: str
    created: date
    postcode: str
    account: tuple[str, str]

    def row(self) -> list[str]:
        return [
            self.siren, self.name, self.naf, self.band, self.created.isoformat(),
            self.postcode, "MARSEILLE", *self.account,
        ]  # fmt: skip


@dataclass
class FrontWorld:
    """The register, the month's transfers and the planted front business."""

    businesses: list[Business] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    front: Business | None = None
    network: list[Business] = field(default_factory=list)


def generate(seed: int = 7) -> FrontWorld:
    rng = random.Random(seed)
    world = FrontWorld()
    for trade in TRADES:
        for _ in range(trade.count):
            shop = _business(rng, world, trade.naf, trade.band, trade.label)
            _takings(world, rng, shop, rng.uniform(*trade.monthly_cash))
    front = _business(rng, world, "56.10C", "01", "KEBAB", created=date(2021, 6, 14))
    world.front = front
    _takings(world, rng, front, PLANTED_CASH, laundering=True)
    world.network = [
        _business(rng, world, "46.90Z", "00", "SARL NÉGOCE"),
        _business(rng, world, "68.20B", "NN", "SCI"),
    ]
    for day, payee, amount in ((14, 0, 25_000.0), (28, 0, 24_000.0), (20, 1, 6_500.0)):
        when = START + timedelta(days=day, hours=rng.randrange(9, 17))
        world.transfers.append(
            Transfer(
                when, front.account, world.network[payee].account, amount, "Euro", "Wire", True
            )
        )
    world.transfers.sort(key=lambda transfer: transfer.ts)
    return world


def _business(
    rng: random.Random, world: FrontWorld, naf: str, band: str, label: str,
    created: date | None = None,
) -> Business:  # fmt: skip
    same_label = sum(business.name.startswith(label) for business in world.businesses)
    name = f"{label} {PLACES[same_label % len(PLACES)]}"
    body = f"{rng.randrange(10**7, 10**8)}"
    business = Business(
        siren=body + luhn.calc_check_digit(body),
        name=name,
        naf=naf,
        band=band,
        created=created or date(2005, 1, 1) + timedelta(days=rng.randrange(6000)),
        postcode=f"130{rng.randrange(1, 17):02d}",
        account=(rng.choice(BANKS), f"60{rng.randrange(16**7):07X}"),
    )
    world.businesses.append(business)
    return business


def _takings(
    world: FrontWorld, rng: random.Random, shop: Business, cash: float, laundering: bool = False
) -> None:
    """The month's cash, paid in by the shop into its own account in deposits of about
    €5,000 (well below the structuring band), and weekly card settlements from its own
    payment terminal's acquirer account."""
    count = math.ceil(cash / 5_000) + rng.randrange(3)
    weights = [rng.uniform(0.85, 1.15) for _ in range(count)]
    amounts = [round(cash * weight / sum(weights), 2) for weight in weights[:-1]]
    amounts.append(round(cash - sum(amounts), 2))
    for amount in amounts:
        when = START + timedelta(days=rng.randrange(DAYS), hours=rng.randrange(9, 19))
        world.transfers.append(
            Transfer(when, shop.account, shop.account, amount, "Euro", "Cash", laundering)
        )
    acquirer = (shop.account[0], f"71{rng.randrange(16**7):07X}")
    for week in range(4):
        when = START + timedelta(days=7 * week + 6, hours=rng.randrange(2, 6))
        amount = round(cash * rng.uniform(0.1, 0.2) if not laundering else 2_500.0, 2)
        world.transfers.append(
            Transfer(when, acquirer, shop.account, amount, "Euro", "Credit Card")
        )


def write_register(world: FrontWorld, path: Path) -> Path:
    """The register as a SIRENE-layout CSV (format ``businesses``)."""
    return _write_csv(path, REGISTER_HEADER, [business.row() for business in world.businesses])


def write_transfers(world: FrontWorld, path: Path) -> Path:
    """The month's transfers in the AMLworld layout (format ``amlworld``)."""
    return _write_csv(path, HEADER, [transfer.row() for transfer in world.transfers])


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return path


class FrontBusinessPart:
    name = "businesses"

    def __init__(self) -> None:
        self.world: FrontWorld | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.world = generate(seed)
        register = write_register(self.world, folder / "sirene-marseille.csv")
        transfers = write_transfers(self.world, folder / "HI-Demo-Commerces_Trans.csv")
        return [
            DemoInput(register, "businesses", REGISTER),
            DemoInput(transfers, "amlworld", DEPOSITS),
        ]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.world is not None and self.world.front is not None, "write_inputs first"
        front = self.world.front
        flagged = {
            alert.subjects[0].value
            for alert in alerts
            if alert.detector_id == "finance.front_business"
        }
        others = len(self.world.businesses) - 1
        return [
            Expectation(
                f"Commerce-lessiveuse planté / planted front business: {front.name} (SIREN "
                f"{front.siren}, NAF {front.naf}), {money(PLANTED_CASH)} € d'espèces / cash, "
                f"{START:%Y-%m}",
                front.siren in flagged,
            ),
            Expectation(
                f"Aucun des {others} autres commerces signalé / none of the {others} other "
                "businesses flagged",
                flagged <= {front.siren},
            ),
        ]

"""The demo's crypto part: five street wallets pay the network head's Bitcoin address
(a fan-in), which an exchange's answer to a requisition attributes to him; from there a
peel chain of four hops, each paying a small amount out and the change to a fresh
address, ends at a deposit address of an exchange, where the money is cashed out."""

from __future__ import annotations

import csv
import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from filet.alerts import Alert
from filet.demo.parts import DemoInput, Expectation
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability
from filet.model.identifiers import crypto

START = datetime(2024, 3, 4, 9, tzinfo=UTC)
FEE_BTC = 0.0002  # paid by each transaction; it stays where it was paid in a trace
HEAD = ("Karim Benali", "1984-05-02")
WALLET_HEADER = (
    *("address", "chain", "holder_name", "holder_birth_date", "holder_company_number"),
    *("source", "observed_date"),
)
EXCHANGE = ("Plateforme Demo SAS", "912345678")
REQUISITION = Provenance(
    dataset="demo-crypto",
    collecting_service="OFAST",
    source_reliability=SourceReliability.B,
    information_assessment=InformationAssessment.CORROBORATED,
    handling_code=HandlingCode.H1,
)


@dataclass
class CryptoWorld:
    """Transfers (time, sender, receiver, BTC) and the planted addresses."""

    transfers: list[tuple[datetime, str, str, float]] = field(default_factory=list)
    head: str = ""
    dealers: set[str] = field(default_factory=set)
    deposit: str = ""
    cashed_out: float = 0.0  # what the peel chain brings to the deposit address


def address(rng: random.Random) -> str:
    """A Bitcoin P2PKH address (version byte 0) over 20 random bytes."""
    return crypto.base58check(bytes([0]) + rng.randbytes(20))


def generate(seed: int = 7) -> CryptoWorld:
    rng = random.Random(seed)
    world = CryptoWorld(head=address(rng), deposit=address(rng))
    held = 0.0
    for day in range(5):
        dealer = address(rng)
        world.dealers.add(dealer)
        amount = round(rng.uniform(0.2, 0.6), 8)
        world.transfers.append((START + timedelta(days=2 * day), dealer, world.head, amount))
        held += amount
    sender, when = world.head, START + timedelta(days=12)
    for _ in range(4):
        peel = round(held * rng.uniform(0.05, 0.15), 8)
        change = round(held - peel - FEE_BTC, 8)
        following = address(rng)
        world.transfers += [(when, sender, address(rng), peel), (when, sender, following, change)]
        sender, held, when = following, change, when + timedelta(hours=rng.randint(2, 30))
    world.cashed_out = round(held - FEE_BTC, 8)
    world.transfers.append((when, sender, world.deposit, world.cashed_out))
    return world


def write(world: CryptoWorld, folder: Path) -> tuple[Path, Path]:
    """The exchange's KYC reply (``wallets``) and the explorer export (``chain``)."""
    folder.mkdir(parents=True, exist_ok=True)
    wallets, chain = folder / "portefeuilles-kyc.csv", folder / "transferts-btc.csv"
    source = "réponse KYC de la plateforme / exchange KYC reply"
    with wallets.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(WALLET_HEADER)
        out.writerow([world.head, "btc", *HEAD, "", source, "2024-04-02"])
        out.writerow([world.deposit, "btc", EXCHANGE[0], "", EXCHANGE[1], source, "2024-04-02"])
    with chain.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["tx_hash", "timestamp", "from_address", "to_address", "amount", "asset"])
        for when, sender, receiver, amount in world.transfers:
            row = [when.isoformat(), sender, receiver, f"{amount:.8f}", "BTC"]
            tx_hash = hashlib.sha256(",".join(row).encode("ascii")).hexdigest()
            out.writerow([tx_hash, *row])
    return wallets, chain


class CryptoPart:
    name = "crypto"

    def __init__(self) -> None:
        self.world: CryptoWorld | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.world = generate(seed)
        wallets, chain = write(self.world, folder)
        return [DemoInput(wallets, "wallets", REQUISITION), DemoInput(chain, "chain", REQUISITION)]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.world is not None, "write_inputs comes first"
        planted = {f"bitcoin/{wallet}" for wallet in {self.world.head, *self.world.dealers}}
        fan_ins = [
            {subject.value for subject in alert.subjects}
            for alert in alerts
            if alert.detector_id == "finance.fan_in"
        ]
        return [
            Expectation(
                f"Portefeuille du chef payé par {len(self.world.dealers)} revendeurs / head's "
                f"wallet paid by {len(self.world.dealers)} dealers: bitcoin/{self.world.head}",
                any(planted <= found for found in fan_ins),
            )
        ]

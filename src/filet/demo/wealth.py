"""The demo's patrimony part: who owns what, what they declared, what justice seized.

Four people of the demo's money world. The owner of the collection account (the
gather-scatter hub) bought a villa and a car in the autumn of 2022 on a declared income
of 18,500: the planted unexplained wealth. A nurse bought a house, mostly on a loan; a
teacher only spends; a fourth person owns a flat but no income record is on file for
her, so her year is not judged. The villa and the car are then seized in a case, the
villa confiscated and the car allocated to an investigation service. The same account
also wires money to two accounts in Lebanon, a country on the FATF grey list: the
planted jurisdiction exposure. Amounts are in dollars, the currency of the demo's
AMLworld-style bank transfers.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from filet.alerts import Alert
from filet.demo.finance import BANK_FEED, HEADER, MoneyWorld, generate
from filet.demo.parts import DemoInput, Expectation
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability

CURRENCY = "US Dollar"
CASE = "DEMO-2022-017"
REGISTERS = Provenance(
    dataset="demo-patrimoine",
    collecting_service="PIAC",  # Plateforme d'identification des avoirs criminels
    source_reliability=SourceReliability.A,
    information_assessment=InformationAssessment.CORROBORATED,
    handling_code=HandlingCode.H2,
)
ASSET_HEADER = [
    "asset_id", "kind", "description", "owner_id", "owner_name", "value", "currency",
    "valued_on", "acquired_on", "acquisition_price", "loan_amount", "bank", "account",
]  # fmt: skip
SEIZURE_HEADER = [
    "asset_id", "kind", "description", "owner_id", "owner_name", "case_reference", "status",
    "decided_on", "authority", "legal_basis", "value", "currency", "bank", "account",
]  # fmt: skip
INCOME_HEADER = ["owner_id", "owner_name", "year", "declared_income", "currency", "income_source"]
UNEXPLAINED = "P-0001"
# IBANs in Lebanon (check digits valid), on the FATF list of jurisdictions under
# increased monitoring of 13 June 2025.
LEBANESE_ACCOUNTS = ("LB62099900000001001901229114", "LB92000700000000123123456123")


@dataclass(frozen=True)
class People:
    """The demo's owners, from the money world's accounts."""

    assets: list[list[str]]
    seizures: list[list[str]]
    income: list[list[str]]
    wires: list[list[str]]


def people(world: MoneyWorld) -> People:
    bank, account = world.collector.split("/")
    suspect = {t.payer for t in world.transfers if t.laundering}
    ring_bank, ring_account = sorted({t.payer for t in world.transfers} - suspect)[0]
    villa = "13055-000-AB-0123"
    car = "GH-482-KL"
    assets = [
        [villa, "real_estate", "Villa, Marseille 8e", UNEXPLAINED, "Karim Benali", "450000",
         CURRENCY, "2022-12-31", "2022-09-20", "420000", "", "", ""],
        [car, "vehicle", "Range Rover Sport", UNEXPLAINED, "Karim Benali", "85000", CURRENCY,
         "2022-12-31", "2022-09-28", "92000", "", "", ""],
        ["", "bank_account", "Compte courant", UNEXPLAINED, "Karim Benali", "", "", "", "", "",
         "", bank, account],
        ["13055-000-CD-0456", "real_estate", "Maison, Aubagne", "P-0002", "Sophie Martin",
         "310000", CURRENCY, "2022-12-31", "2022-10-03", "310000", "280000", "", ""],
        ["", "bank_account", "Compte courant", "P-0003", "Julien Roux", "", "", "", "", "", "",
         ring_bank, ring_account],
        ["13055-000-EF-0789", "real_estate", "Appartement, Marseille 3e", "P-0004",
         "Nadia Haddad", "180000", CURRENCY, "2022-12-31", "2022-09-12", "175000", "", "", ""],
    ]  # fmt: skip
    seizures = [
        [villa, "real_estate", "Villa, Marseille 8e", UNEXPLAINED, "Karim Benali", CASE,
         "seized", "2022-10-15", "juge d'instruction", "CPP 706-150", "450000", CURRENCY, "", ""],
        [car, "vehicle", "Range Rover Sport", UNEXPLAINED, "Karim Benali", CASE, "seized",
         "2022-10-15", "juge d'instruction", "CPP 706-141", "85000", CURRENCY, "", ""],
        [villa, "real_estate", "Villa, Marseille 8e", UNEXPLAINED, "Karim Benali", CASE,
         "confiscated", "2023-06-20", "tribunal correctionnel", "Code pénal 131-21", "450000",
         CURRENCY, "", ""],
        [car, "vehicle", "Range Rover Sport", UNEXPLAINED, "Karim Benali", CASE, "allocated",
         "2023-09-01", "AGRASC", "CPP 706-160", "80000", CURRENCY, "", ""],
    ]  # fmt: skip
    income = [
        [UNEXPLAINED, "Karim Benali", "2022", "18500", CURRENCY, "avis d'imposition 2023"],
        ["P-0002", "Sophie Martin", "2022", "41000", CURRENCY, "avis d'imposition 2023"],
        ["P-0003", "Julien Roux", "2022", "36000", CURRENCY, "avis d'imposition 2023"],
    ]
    wires = [
        ["2022/10/04 10:12", bank, account, "", LEBANESE_ACCOUNTS[0], "7000.00", CURRENCY,
         "7000.00", CURRENCY, "Wire", "1"],
        ["2022/10/11 15:40", bank, account, "", LEBANESE_ACCOUNTS[1], "6500.00", CURRENCY,
         "6500.00", CURRENCY, "Wire", "1"],
    ]  # fmt: skip
    return People(assets, seizures, income, wires)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return path


def _inputs(folder: Path, found: People) -> list[DemoInput]:
    return [
        DemoInput(_write(folder / "patrimoine.csv", ASSET_HEADER, found.assets), "assets",
                  REGISTERS),
        DemoInput(_write(folder / "saisies.csv", SEIZURE_HEADER, found.seizures),
                  "seizures", REGISTERS),
        DemoInput(_write(folder / "revenus.csv", INCOME_HEADER, found.income), "income",
                  REGISTERS),
        DemoInput(_write(folder / "HI-Demo-Intl_Trans.csv", HEADER, found.wires),
                  "amlworld", BANK_FEED),
    ]  # fmt: skip


class WealthPart:
    name = "wealth"

    def __init__(self) -> None:
        self.collector = ""

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        world = generate(seed)
        self.collector = world.collector
        return _inputs(folder, people(world))

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        def flagged(detector: str) -> set[str]:
            return {a.subjects[0].value for a in alerts if a.detector_id == detector}

        return [
            Expectation(
                f"Richesse inexpliquée plantée / planted unexplained wealth: {UNEXPLAINED}, "
                "seul signalé / the only one flagged",
                flagged("finance.unexplained_wealth") == {UNEXPLAINED},
            ),
            Expectation(
                f"Virements vers le Liban (liste grise du GAFI) / wires to Lebanon (FATF grey "
                f"list): {self.collector}, seul signalé / the only one flagged",
                flagged("finance.jurisdiction_exposure") == {self.collector},
            ),
        ]

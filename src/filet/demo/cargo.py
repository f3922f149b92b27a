"""The demo's cargo part, and the seeded port world the targeting tests draw: months of
entry summary declarations for containers bound for Le Havre, Dunkerque and Fos, from
regular importers and their usual exporters, with everyday noise (new importers,
forwarder bookings, freight paid by a third party, short descriptions), and three
ways cocaine comes in:

- **rip-on** in the fruit of a few **compromised exporters** in Ecuador and Colombia:
  the documents are those of an honest shipment, only the exporter's record betrays it;
- **identity theft** of a known importer: its genuine name, another phone, freight paid
  in cash or by a stranger, often a cloned container number;
- **front companies**: a consignee never seen, a vague description, a forwarder's booking
  with no seller, an indirect route.

Each day the service inspects a share of the consignments (half by the cargo rules,
half at random, the ASYCUDA way) and finds what is there nine times in ten; everything
else stays uninspected, smuggled or not. ``smuggled`` is the whole truth, known to the
generator only: evaluations score against it, not against the seizures; ``kilos`` is
what each smuggled consignment carries (:mod:`filet.demo.loads`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from stdnum import iso6346

from filet.alerts import Alert
from filet.demo import loads
from filet.demo.files import write_csv
from filet.demo.parts import DemoInput, Expectation
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability

FIRST_DAY = date(2024, 1, 8)
HEADER = [
    "consignment_id", "ts", "vessel_imo", "port_loading", "ports_transshipment",
    "port_discharge", "shipper", "consignee", "consignee_phone", "notify_party", "buyer",
    "seller", "booking_party", "freight_payment", "freight_payer", "hs6",
    "goods_description", "container", "container_type", "seals", "gross_mass_kg", "inspection",
]  # fmt: skip
# hs6, description, reefer, the loading ports it comes from.
GOODS: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    ("080390", "FRESH BANANAS CAVENDISH", True, ("ECGYE", "ECPBO", "COTRB", "COSMR", "CRMOB")),
    ("080430", "FRESH PINEAPPLES MD2", True, ("CRMOB", "ECGYE", "PAMIT")),
    ("030617", "FROZEN VANNAMEI SHRIMP HLSO", True, ("ECGYE", "INNSA", "VNSGN")),
    ("090111", "GREEN COFFEE BEANS ARABICA", False, ("BRSSZ", "COCTG", "PECLL")),
    ("180100", "RAW COCOA BEANS IN BAGS", False, ("CIABJ", "ECGYE", "GHTEM")),
    ("847130", "PORTABLE COMPUTERS AND TABLETS", False, ("CNSHA", "CNNGB")),
    ("940360", "WOODEN BEDROOM FURNITURE", False, ("BRSSZ", "VNSGN", "MYPKG")),
    ("690721", "GLAZED CERAMIC FLOOR TILES", False, ("ESVLC", "TRMER", "INNSA")),
    ("870899", "MOTOR VEHICLE BRAKE PARTS", False, ("MAPTM", "TRMER", "CNNGB")),
    ("440710", "SAWN PINE TIMBER KILN DRIED", False, ("BRSSZ", "CLSAI", "USSAV")),
)
GOODS_SHARE = (4, 2, 2, 2, 1, 2, 1, 1, 1, 1)
DISCHARGE = ("FRLEH", "FRLEH", "FRLEH", "FRDKK", "FRFOS")
HUBS = ("PAMIT", "JMKIN", "ESALG", "MAPTM", "PTSIE")
SOUTH_AMERICA = ("EC", "CO", "BR", "PE", "PA", "CR")
VAGUE = ("GENERAL CARGO", "FAK", "VARIOUS GOODS", "SPARE PARTS")
FORWARDERS = ("TRANSCARGO NVOCC", "OCEANLINK LOGISTICS", "RAPID FREIGHT SAS")
CARRIERS = ("MSCU", "CMAU", "MAEU", "HLXU", "ONEU")
DOCUMENTS = Provenance(
    dataset="demo-ens",
    collecting_service="DGDDI",
    source_reliability=SourceReliability.A,
    information_assessment=InformationAssessment.KNOWN_TO_SOURCE,
    handling_code=HandlingCode.H2,
)


@dataclass
class Importer:
    name: str
    phone: str
    goods: list[int]  # indexes in GOODS
    shippers: dict[str, str]  # loading port -> exporter
    forwarder: str | None


@dataclass
class CargoWorld:
    rows: list[dict[str, str]] = field(default_factory=list)
    smuggled: set[str] = field(default_factory=set)
    schemes: dict[str, str] = field(default_factory=dict)  # consignment -> scheme
    compromised: set[str] = field(default_factory=set)  # exporters
    kilos: dict[str, float] = field(default_factory=dict)  # smuggling consignment -> kg

    def write(self, path: Path) -> Path:
        return write_csv(path, HEADER, self.rows)

    def day_of(self, row: dict[str, str]) -> int:
        return (datetime.fromisoformat(row["ts"]).date() - FIRST_DAY).days


def container_number(rng: random.Random, valid: bool = True) -> str:
    first = rng.choice(CARRIERS) + f"{rng.randrange(10**6):06d}"
    digit = int(iso6346.calc_check_digit(first))
    return first + str(digit if valid else (digit + rng.randrange(1, 10)) % 10)


def generate(seed: int, days: int = 120, per_day: int = 40, inspected: float = 0.10) -> CargoWorld:
    """A port world of ``days`` days with about ``per_day`` consignments a day, of which
    the share ``inspected`` is inspected (outcomes known), the rest not."""
    rng = random.Random(seed)
    importers = [_importer(rng, i) for i in range(120)]
    fruit = sorted(
        {
            imp.shippers[port]
            for imp in importers
            for g in imp.goods
            if GOODS[g][2]
            for port in GOODS[g][3]
            if port[:2] in ("EC", "CO")
        }
    )
    world = CargoWorld(compromised=set(rng.sample(fruit, min(4, len(fruit)))))
    serial = 0
    for day in range(days):
        if rng.random() < 0.5:
            importers.append(_importer(rng, len(importers)))
        for _ in range(max(1, round(rng.gauss(per_day, per_day * 0.15)))):
            serial += 1
            world.rows.append(_consignment(rng, world, importers, day, serial))
    _inspect(rng, world, inspected)
    world.kilos = loads.consignments(seed, world.schemes)
    return world


def _importer(rng: random.Random, index: int) -> Importer:
    # Fruit is the bulk of reefer trade from South America to Le Havre.
    goods = sorted(set(rng.choices(range(len(GOODS)), GOODS_SHARE, k=rng.choice((1, 1, 2)))))
    ports = sorted({p for g in goods for p in GOODS[g][3]})
    shippers = {p: f"EXPORTADORA {p}-{rng.randrange(3):02d}" for p in ports}
    forwarder = rng.choice(FORWARDERS) if rng.random() < 0.25 else None
    return Importer(
        f"IMPORT {index:03d} SAS", f"+3323{rng.randrange(10**7):07d}", goods, shippers, forwarder
    )


def _consignment(
    rng: random.Random, world: CargoWorld, importers: list[Importer], day: int, serial: int
) -> dict[str, str]:
    importer = rng.choice(importers)
    goods = GOODS[rng.choice(importer.goods)]
    port = rng.choice([p for p in goods[3] if p in importer.shippers])
    row = _honest(rng, importer, goods, port, day, serial)
    roll = rng.random()
    if row["shipper"] in world.compromised and rng.random() < 0.2:
        _mark(world, row, "rip-on")
    elif roll < 0.004:
        _steal_identity(rng, row)
        _mark(world, row, "identity")
    elif roll < 0.008:
        _front(rng, row, serial)
        _mark(world, row, "front")
    return row


def _honest(
    rng: random.Random,
    importer: Importer,
    goods: tuple[str, str, bool, tuple[str, ...]],
    port: str,
    day: int,
    serial: int,
) -> dict[str, str]:
    hs6, description, reefer, _ = goods
    if rng.random() < 0.01:  # a company changes its number now and then
        importer.phone = f"+3323{rng.randrange(10**7):07d}"
    shipper = importer.shippers[port]
    booking = importer.forwarder or shipper
    payment = rng.choices(("Y", "H", "Z"), (60, 35, 5))[0]
    payer = rng.choice((shipper, importer.name))
    if rng.random() < 0.10:
        payer = rng.choice(FORWARDERS)
    if rng.random() < 0.05:
        description = rng.choice(VAGUE)
    route = rng.choice(HUBS) if rng.random() < 0.35 else ""
    moment = datetime.combine(FIRST_DAY + timedelta(days=day), time(6), UTC) + timedelta(
        minutes=rng.randrange(14 * 60)
    )
    return {
        "consignment_id": f"ENS{serial:07d}",
        "ts": moment.isoformat(),
        "vessel_imo": str(9_300_000 + rng.randrange(400)),
        "port_loading": port,
        "ports_transshipment": route,
        "port_discharge": rng.choice(DISCHARGE),
        "shipper": shipper,
        "consignee": importer.name,
        "consignee_phone": importer.phone,
        "notify_party": importer.name,
        "buyer": importer.name,
        "seller": shipper if importer.forwarder is None or rng.random() < 0.6 else "",
        "booking_party": booking,
        "freight_payment": payment,
        "freight_payer": payer,
        "hs6": hs6,
        "goods_description": description,
        "container": container_number(rng),
        "container_type": "45R1" if reefer else rng.choice(("22G1", "45G1")),
        "seals": f"{rng.randrange(10**7):07d}",
        "gross_mass_kg": str(round(rng.uniform(12_000, 28_000))),
        "inspection": "",
    }


def _steal_identity(rng: random.Random, row: dict[str, str]) -> None:
    row["consignee_phone"] = f"+336{rng.randrange(10**8):08d}"
    row["port_loading"] = rng.choice(("ECGYE", "COTRB", "BRSSZ", "PAMIT"))
    row["shipper"] = f"EXPORTADORA {row['port_loading']}-9{rng.randrange(10)}"
    row["seller"] = row["shipper"]
    row["booking_party"] = row["shipper"]
    if rng.random() < 0.6:
        row["freight_payment"] = "A"
    if rng.random() < 0.7:
        row["freight_payer"] = f"M. {rng.choice(('DIALLO', 'MARTIN', 'OKONKWO', 'SILVA'))}"
    if rng.random() < 0.5:
        row["container"] = container_number(rng, valid=False)


def _front(rng: random.Random, row: dict[str, str], serial: int) -> None:
    row["consignee"] = f"NEGOCE {serial:05d} SARL"
    row["consignee_phone"] = f"+337{rng.randrange(10**8):08d}"
    row["notify_party"] = row["buyer"] = row["consignee"]
    row["port_loading"] = rng.choice(("ECGYE", "COCTG", "COTRB", "BRSSZ", "PECLL", "CNSHA"))
    if rng.random() < 0.6:
        row["goods_description"] = rng.choice(VAGUE)
    if rng.random() < 0.7:
        row["booking_party"] = rng.choice(FORWARDERS)
        row["seller"] = ""
    if rng.random() < 0.6:
        row["ports_transshipment"] = ";".join(rng.sample(HUBS, 2))
    if rng.random() < 0.3:
        row["container"] = container_number(rng, valid=False)


def _mark(world: CargoWorld, row: dict[str, str], scheme: str) -> None:
    world.smuggled.add(row["consignment_id"])
    world.schemes[row["consignment_id"]] = scheme


def _inspect(rng: random.Random, world: CargoWorld, share: float) -> None:
    """Each day, half the inspections go to consignments loaded in South America (the
    service's old profile), half to any at random; an inspection finds the drugs nine
    times in ten."""
    by_day: dict[int, list[dict[str, str]]] = {}
    for row in world.rows:
        by_day.setdefault(world.day_of(row), []).append(row)
    for rows in by_day.values():
        budget = round(len(rows) * share)
        profiled = [r for r in rows if r["port_loading"][:2] in SOUTH_AMERICA]
        chosen = rng.sample(profiled, min(len(profiled), budget // 2))
        rest = [r for r in rows if r not in chosen]
        chosen += rng.sample(rest, min(len(rest), budget - len(chosen)))
        for row in rows:
            found = row["consignment_id"] in world.smuggled and rng.random() < 0.9
            row["inspection"] = ("seizure" if found else "clean") if row in chosen else "none"


class CargoPart:
    """Four months of declarations: the cargo rules must propose the identity thefts and
    front companies that carry enough of their indicators."""

    name = "cargo"

    def __init__(self) -> None:
        self.world: CargoWorld | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.world = generate(seed, days=120, per_day=30)
        folder.mkdir(parents=True, exist_ok=True)
        return [DemoInput(self.world.write(folder / "ens.csv"), "ens", DOCUMENTS)]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.world, "write_inputs comes first"
        proposed = {
            subject.value
            for alert in alerts
            if alert.detector_id == "targeting.cargo_rules"
            for subject in alert.subjects
            if subject.kind == "consignment"
        }
        found = []
        for scheme, fr in (("identity", "usurpation d'importateur"), ("front", "société écran")):
            planted = {c for c, s in self.world.schemes.items() if s == scheme}
            caught = len(planted & proposed)
            found.append(
                Expectation(
                    f"{fr} / {scheme}: {caught} de / of {len(planted)} envois proposés",
                    caught * 2 >= len(planted),
                )
            )
        return found

"""A seeded test world with known answers, written in the formats Filet ingests.

The same seed always gives the same people, companies, vessels and tracks, and the
world says what a detector should find in it (``planted``), so tests and the demo
check real output against a known truth. Each domain adds its part here.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import phonenumbers
from schwifty import IBAN
from stdnum import iso6346

from filet.demo.files import write_csv
from filet.model import model

FIRST_NAMES = (
    "Karim",
    "Sofiane",
    "Jordan",
    "Mehdi",
    "Kevin",
    "Lucas",
    "Yanis",
    "Nadia",
    "Julien",
    "Carlos",
    "Diego",
    "Pieter",
    "Jan",
    "Inès",
    "Moussa",
    "Léa",
)
LAST_NAMES = (
    "Benali",
    "Moreau",
    "Fernández",
    "Da Silva",
    "Janssen",
    "Ouali",
    "Lefèvre",
    "Rodríguez",
    "De Vries",
    "Traoré",
    "Girard",
    "Haddad",
    "Peeters",
    "Mendes",
)
COMPANY_WORDS = (
    "Transit",
    "Import Export",
    "Logistique",
    "Fruits Tropicaux",
    "Marée",
    "Services Portuaires",
    "Trading",
    "Négoce",
    "Holding",
    "Sécurité",
)
COMPANY_FORMS = ("SARL", "SAS", "S.A.", "LLC", "BV", "FZE")
#: Flags as (ISO country, MMSI maritime identification digits), ITU-R M.585.
FLAGS = (
    ("fr", "227"),
    ("es", "224"),
    ("nl", "244"),
    ("pa", "351"),
    ("ec", "735"),
    ("br", "710"),
    ("lr", "636"),
    ("mt", "248"),
)
VESSEL_NAMES = (
    "ESPERANZA",
    "NORTHERN STAR",
    "MAR CARIBE",
    "SAINT MALO",
    "BLUE HORIZON",
    "RIO GUAYAS",
    "ATLANTIC TRADER",
    "CAP FERRET",
)
MARINECADASTRE_COLUMNS = (
    "MMSI",
    "BaseDateTime",
    "LAT",
    "LON",
    "SOG",
    "COG",
    "Heading",
    "VesselName",
    "IMO",
    "CallSign",
    "VesselType",
    "Status",
    "Length",
    "Width",
    "Draft",
    "Cargo",
    "TransceiverClass",
)
TRACK_START = datetime(2026, 3, 2, tzinfo=UTC)
REPORT_INTERVAL = timedelta(minutes=10)


@dataclass(frozen=True)
class PlantedGap:
    """An AIS silence the generator made on purpose: a gap detector must find it."""

    mmsi: str
    start: datetime
    end: datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass
class World:
    seed: int
    entities: list[dict[str, Any]] = field(default_factory=list)
    ais_rows: list[dict[str, Any]] = field(default_factory=list)
    planted_gaps: list[PlantedGap] = field(default_factory=list)

    def write(self, folder: Path) -> dict[str, Path]:
        """Write the world's input files; returns them by name."""
        folder.mkdir(parents=True, exist_ok=True)
        entities_path = folder / "entities.ftm.jsonl"
        with entities_path.open("w", encoding="utf-8") as out:
            for entity in self.entities:
                out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        ais_path = folder / "ais-marinecadastre.csv"
        write_csv(ais_path, MARINECADASTRE_COLUMNS, self.ais_rows)
        return {"entities": entities_path, "ais": ais_path}


def imo_number(rng: random.Random) -> str:
    """A valid IMO number: 6 digits and a check digit (weights 7..2, modulo 10)."""
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(5)]
    check = sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return "".join(map(str, digits)) + str(check)


def _entity(schema: str, key: str, **properties: Any) -> dict[str, Any]:
    proxy = model.make_entity(schema)
    proxy.id = f"demo-{schema.lower()}-{key}"
    for prop, values in properties.items():
        for value in values if isinstance(values, list | tuple) else [values]:
            proxy.add(prop, value)
    return proxy.to_dict()


def generate(seed: int = 7, vessels: int = 6, people: int = 12) -> World:
    rng = random.Random(seed)
    world = World(seed=seed)
    persons = [_person(rng, index) for index in range(people)]
    companies = [_company(rng, index) for index in range(max(3, people // 2))]
    fleet = [_vessel(rng, index) for index in range(vessels)]
    world.entities.extend(persons + companies + fleet)
    world.entities.extend(_relations(rng, persons, companies, fleet))
    world.entities.extend(_holdings(rng, persons, companies, fleet))
    for index, vessel in enumerate(fleet):
        gap_hours = (9, 20)[index] if index < 2 else None
        _track(rng, world, vessel, gap_hours)
    return world


def _person(rng: random.Random, index: int) -> dict[str, Any]:
    phone = _mobile_number(rng)
    return _entity(
        "Person",
        str(index),
        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        birthDate=f"{rng.randint(1970, 2002)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        nationality=rng.choice(["fr", "es", "nl", "co", "ec"]),
        phone=phone,
    )


def _mobile_number(rng: random.Random) -> str:
    """A French mobile number in a range that is actually allocated (+33 6 …)."""
    while True:
        number = f"+336{rng.randint(10_000_000, 99_999_999)}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number


def _company(rng: random.Random, index: int) -> dict[str, Any]:
    return _entity(
        "Company",
        str(index),
        name=f"{rng.choice(COMPANY_WORDS)} {rng.choice(LAST_NAMES)} {rng.choice(COMPANY_FORMS)}",
        jurisdiction=rng.choice(["fr", "be", "nl", "ae", "pa", "es"]),
        registrationNumber=str(rng.randint(100_000_000, 999_999_999)),
    )


def _vessel(rng: random.Random, index: int) -> dict[str, Any]:
    flag, mid = FLAGS[index % len(FLAGS)]
    return _entity(
        "Vessel",
        str(index),
        name=VESSEL_NAMES[index % len(VESSEL_NAMES)],
        imoNumber=imo_number(rng),
        mmsi=f"{mid}{rng.randint(100_000, 999_999)}",
        flag=flag,
        callSign=f"{flag.upper()}{rng.randint(1000, 9999)}",
    )


def _relations(
    rng: random.Random,
    persons: list[dict[str, Any]],
    companies: list[dict[str, Any]],
    fleet: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    links = []
    for index, company in enumerate(companies):
        owner = persons[index % len(persons)]
        links.append(
            _entity(
                "Ownership",
                f"p{index}",
                owner=owner["id"],
                asset=company["id"],
                percentage=str(rng.choice([25, 33, 50, 51, 100])),
            )
        )
        director = persons[(index + 3) % len(persons)]
        links.append(
            _entity(
                "Directorship",
                f"d{index}",
                director=director["id"],
                organization=company["id"],
                role="gérant",
            )
        )
    for index, vessel in enumerate(fleet):
        links.append(
            _entity(
                "Ownership",
                f"v{index}",
                owner=companies[index % len(companies)]["id"],
                asset=vessel["id"],
                percentage="100",
            )
        )
    for index in range(0, len(persons) - 1, 3):
        links.append(
            _entity(
                "Family",
                f"f{index}",
                person=persons[index]["id"],
                relative=persons[index + 1]["id"],
                relationship="frère",
            )
        )
        links.append(
            _entity(
                "Associate",
                f"a{index}",
                person=persons[index]["id"],
                associate=persons[(index + 2) % len(persons)]["id"],
            )
        )
    return links


def _holdings(
    rng: random.Random,
    persons: list[dict[str, Any]],
    companies: list[dict[str, Any]],
    fleet: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Bank accounts, phone lines and a container shipment: identifiers to search for."""
    held = []
    for index, company in enumerate(companies):
        account = str(rng.randint(10**10, 10**11 - 1))
        iban = IBAN.generate("FR", bank_code="3000600001", account_code=account)
        bank_account = _entity("BankAccount", str(index), iban=str(iban), bankName="Banque Démo")
        held.append(bank_account)
        held.append(
            _entity("Ownership", f"b{index}", owner=company["id"], asset=bank_account["id"])
        )
    for index, person in enumerate(persons[:4]):
        held.append(
            _entity(
                "Phone",
                str(index),
                number=person["properties"]["phone"][0],
                holder=person["id"],
                imei=str(rng.randint(10**14, 10**15 - 1)),
            )
        )
    owner_code = f"MSKU{rng.randint(100_000, 999_999)}"
    container = _entity(
        "Container",
        "0",
        containerNumber=owner_code + iso6346.calc_check_digit(owner_code),
        containerType="45R1",
    )
    shipment = _entity(
        "Shipment",
        "0",
        billOfLading=f"GYE{rng.randint(10**6, 10**7 - 1)}",
        shipper=companies[0]["id"],
        consignee=companies[1]["id"],
        container=container["id"],
        vessel=fleet[0]["id"],
        goodsDescription="Bananes fraîches / fresh bananas",
        hsCode="080390",
        portOfLoading="ECGYE",
        portOfDischarge="FRLEH",
    )
    return [*held, container, shipment]


def _track(rng: random.Random, world: World, vessel: dict[str, Any], gap_hours: int | None) -> None:
    """Three days of positions every ten minutes, with one planted silence if asked."""
    properties = vessel["properties"]
    mmsi = properties["mmsi"][0]
    # Open Atlantic, between the Antilles and the Azores, so that no track crosses land.
    lat, lon = rng.uniform(15.0, 35.0), rng.uniform(-58.0, -45.0)
    dlat, dlon = rng.uniform(-0.005, 0.005), rng.uniform(0.01, 0.04)
    reports = int(timedelta(days=3) / REPORT_INTERVAL)
    silence: tuple[datetime, datetime] | None = None
    if gap_hours is not None:
        begin = TRACK_START + timedelta(hours=rng.randint(12, 30))
        silence = (begin, begin + timedelta(hours=gap_hours))
        world.planted_gaps.append(PlantedGap(mmsi, silence[0], silence[1]))
    for step in range(reports):
        moment = TRACK_START + step * REPORT_INTERVAL
        lat, lon = lat + dlat, lon + dlon
        if silence is not None and silence[0] < moment < silence[1]:
            continue
        world.ais_rows.append(
            {
                "MMSI": mmsi,
                "BaseDateTime": moment.strftime("%Y-%m-%dT%H:%M:%S"),
                "LAT": f"{lat:.5f}",
                "LON": f"{lon:.5f}",
                "SOG": f"{rng.uniform(10.0, 14.0):.1f}",
                "COG": "75.0",
                "Heading": "75.0",
                "VesselName": properties["name"][0],
                "IMO": f"IMO{properties['imoNumber'][0][3:]}",
                "CallSign": properties["callSign"][0],
                "VesselType": "70",
                "Status": "0",
                "Length": "180",
                "Width": "28",
                "Draft": "9.5",
                "Cargo": "70",
                "TransceiverClass": "A",
            }
        )

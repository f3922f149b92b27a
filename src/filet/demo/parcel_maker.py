"""The tools the seeded parcel world is drawn with: places, senders, serial numbers.

:mod:`filet.demo.parcels` draws the ordinary traffic with them, and
:mod:`filet.demo.parcel_schemes` the smuggling; both write rows in the ``parcels``
layout (``HEADER``), with values declared in the sender's currency at the rates the
parcel rules convert them back with.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from filet.demo import parcel_catalog as cat
from filet.demo.files import write_csv
from filet.model.identifiers import s10
from filet.targeting.parcel_goods import rates
from filet.targeting.parcel_rules import ParcelRuleThresholds

FIRST_DAY = date(2024, 9, 2)
HEADER = [
    "item_id", "channel", "carrier", "posted_ts", "origin_country", "origin_office",
    "sender_name", "sender_address", "addressee_name", "addressee_address",
    "addressee_postcode", "addressee_city", "destination_country", "addressee_phone",
    "content_description", "hs6", "declared_value", "currency", "gross_weight_kg",
    "item_count", "category", "inspection",
]  # fmt: skip
RATES = rates(ParcelRuleThresholds().eur_rates)


@dataclass
class Place:
    """A delivery address and the people (name, phone) who receive there."""

    address: str
    postcode: str
    city: str
    people: list[tuple[str, str]]


@dataclass
class Sender:
    name: str
    country: str
    currency: str
    channel: str
    places: list[Place] = field(default_factory=list)  # a family's or a firm's recipients
    goods: tuple[int, ...] = ()  # a shop's, indexes in SHOP_GOODS


@dataclass
class ParcelWorld:
    rows: list[dict[str, str]] = field(default_factory=list)
    smuggled: set[str] = field(default_factory=set)
    schemes: dict[str, str] = field(default_factory=dict)  # item -> scheme

    def write(self, path: Path) -> Path:
        return write_csv(path, HEADER, self.rows)


class Maker:
    """The world being drawn: its random source, places, serial numbers and rows."""

    def __init__(self, seed: int, days: int) -> None:
        self.rng = random.Random(seed)
        self.days = days
        self.world = ParcelWorld()
        self.serial = 10_000_000
        self.homes = [self.home() for _ in range(1500)]
        for _ in range(40):  # buildings whose residents write no flat number
            self.homes[self.rng.randrange(len(self.homes))].people += self.home().people
        self.relays = [self.place(f"Relais {i:02d}") for i in range(12)]

    def name(self, surname: str | None = None) -> str:
        return f"{self.rng.choice(cat.GIVEN)} {surname or self.rng.choice(cat.SURNAMES)}"

    def phone(self) -> str:
        rng = self.rng
        digits = f"6{rng.choice('0124578')}{rng.randrange(10**7):07d}"
        spaced = " ".join(f"0{digits}"[i : i + 2] for i in range(0, 10, 2))
        return rng.choice((f"0{digits}", f"+33{digits}", spaced))

    def place(self, prefix: str = "") -> Place:
        rng = self.rng
        postcode, city = rng.choice(cat.CITIES)
        street = f"{rng.randrange(1, 160)} {rng.choice(cat.STREETS)}"
        return Place(f"{prefix}, {street}" if prefix else street, postcode, city, [])

    def home(self) -> Place:
        place, rng = self.place(), self.rng
        first = self.name()
        shared = self.phone()
        place.people.append((first, shared))
        if rng.random() < 0.45:  # a couple, one surname or two, one phone or two
            surname = first.split(" ", 1)[1] if rng.random() < 0.6 else None
            place.people.append(
                (self.name(surname), shared if rng.random() < 0.5 else self.phone())
            )
        if rng.random() < 0.04:  # a flatshare
            place.people += [(self.name(), self.phone()) for _ in range(rng.randrange(2, 4))]
        return place

    def item_id(self, sender: Sender, carrier: str) -> str:
        self.serial += 1
        if sender.channel == "post":
            service = self.rng.choice(("LP", "RB", "CP", "UA", "RR", "LX"))
            return s10.make(service, f"{self.serial % 10**8:08d}", sender.country)
        if carrier == "UPS":
            return f"1Z{self.rng.randrange(16**6):06X}{self.serial:010d}"
        return f"{self.serial:012d}" if carrier == "FedEx" else f"{self.serial:010d}"

    def moment(self, day: int) -> str:
        at = datetime.combine(FIRST_DAY + timedelta(days=day), time(7), UTC)
        return (at + timedelta(minutes=self.rng.randrange(12 * 60))).isoformat()

    def parcel(
        self, sender: Sender, day: int, to: Place, person: tuple[str, str], **fields: object
    ) -> dict[str, str]:
        carrier = (
            cat.POSTAL_OPERATORS.get(sender.country, "Poste")
            if sender.channel == "post"
            else self.rng.choice(cat.EXPRESS_CARRIERS)
        )
        value_eur = float(fields.pop("value_eur"))  # type: ignore[arg-type]
        row = {
            "item_id": self.item_id(sender, carrier),
            "channel": sender.channel,
            "carrier": carrier,
            "posted_ts": self.moment(day),
            "origin_country": sender.country,
            "origin_office": "",
            "sender_name": sender.name,
            "sender_address": f"{self.rng.randrange(1, 300)} MAIN ROAD",
            "addressee_name": person[0],
            "addressee_address": to.address,
            "addressee_postcode": to.postcode,
            "addressee_city": to.city,
            "destination_country": "FR",
            "addressee_phone": person[1],
            "declared_value": f"{value_eur / RATES[sender.currency]:.2f}",
            "currency": sender.currency,
            "item_count": "1",
            "inspection": "",
        }
        row.update({key: str(value) for key, value in fields.items()})
        self.world.rows.append(row)
        return row

    def mark(self, row: dict[str, str], scheme: str) -> None:
        self.world.smuggled.add(row["item_id"])
        self.world.schemes[row["item_id"]] = scheme

"""The demo's parcels part, and the seeded parcel world the parcel tests draw: weeks of
postal and express items bound for French households, mostly online shopping (China,
Hong Kong, the United States, the United Kingdom...), parcels that families abroad post
home (Morocco, French Guiana, Senegal...), business samples, and everyday noise: relay
points and buildings receiving for dozens of names, flatshares, couples with two
surnames, sellers who declare « gift » or too low a value, the wrong HS code, a vague
description, a family posting to five households, a buyer ordering three items just
under €150 in a week. Planted in it, three ways drugs come by post:

- **drop addresses**: a network sends parcels from South America or French Guiana to a
  few flats under invented names, with one new phone; a careful share uses the
  resident's own name and phone and a truthful description;
- **reshippers**: one sender in a risky country posts « gifts » to many households;
- **split consignments**: a shop-like sender splits one order into three to five
  parcels each declared just under €150, to one address within days.

Each day customs inspect a share of the parcels (half on the old profile, risky origins,
half at random) and find what is there nine times in ten: most smuggling is never
inspected. ``smuggled`` and ``schemes`` are the whole truth, known to the generator only.
"""

from __future__ import annotations

from pathlib import Path

from filet.alerts import Alert
from filet.demo import parcel_catalog as cat
from filet.demo.parcel_maker import Maker, ParcelWorld, Sender
from filet.demo.parcel_schemes import drop_network, reshipper, split
from filet.demo.parts import DemoInput, Expectation
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability
from filet.targeting.parcel_rules import DETECTOR_ID, ParcelRuleThresholds

SCHEMES = ("drop", "reshipper", "split")
DOCUMENTS = Provenance(
    dataset="demo-colis",
    collecting_service="DGDDI",
    source_reliability=SourceReliability.A,
    information_assessment=InformationAssessment.KNOWN_TO_SOURCE,
    handling_code=HandlingCode.H2,
)


def generate(seed: int, days: int = 60, per_day: int = 150, inspected: float = 0.05) -> ParcelWorld:
    """A parcel world of ``days`` days with about ``per_day`` ordinary parcels a day, of
    which the share ``inspected`` is inspected (outcomes known), the rest not."""
    maker = Maker(seed, days)
    rng = maker.rng
    shops = [_shop(maker, i) for i in range(60)]
    families = [_family(maker, i) for i in range(260)]
    firms = [_firm(maker, i) for i in range(8)]
    for day in range(days):
        for _ in range(max(1, round(rng.gauss(per_day, per_day * 0.1)))):
            roll = rng.random()
            if roll < 0.80:
                _shop_parcel(maker, rng.choice(shops), day)
            elif roll < 0.97:
                _family_parcel(maker, rng.choice(families), day)
            else:
                _sample(maker, rng.choice(firms), day)
    for _ in range(2):
        drop_network(maker)
    for _ in range(3):
        reshipper(maker)
    for _ in range(max(1, days // 7)):
        split(maker)
    maker.world.rows.sort(key=lambda row: row["posted_ts"])
    _inspect(maker, inspected)
    return maker.world


def _shop(maker: Maker, index: int) -> Sender:
    rng, countries = maker.rng, cat.SHOP_COUNTRIES
    country, _, currency, channel = rng.choices(countries, [c[1] for c in countries])[0]
    shop = Sender(f"{country} SHOP {index:02d} LTD", country, currency, channel)
    shop.goods = tuple(rng.sample(range(len(cat.SHOP_GOODS)), rng.randrange(1, 4)))
    return shop


def _family(maker: Maker, index: int) -> Sender:
    rng = maker.rng
    countries = cat.FAMILY_COUNTRIES
    country, _, currency = rng.choices(countries, [c[1] for c in countries])[0]
    family = Sender(maker.name(), country, currency, "post")
    # Most post to one household or two; a few large families to five or six.
    reached = rng.choice((1, 1, 1, 2, 2, 3)) if rng.random() > 0.08 else rng.randrange(5, 7)
    family.places = rng.sample(maker.homes, reached)
    return family


def _firm(maker: Maker, index: int) -> Sender:
    rng = maker.rng
    country = rng.choice(("GB", "US", "CN", "CH"))
    currency = {"GB": "GBP", "US": "USD", "CN": "USD", "CH": "CHF"}[country]
    firm = Sender(f"{country} MATERIALS {index} INC", country, currency, "express")
    for number in range(rng.randrange(4, 10)):
        client = maker.place(f"SARL CLIENT {index}-{number}")
        client.people = [(maker.name(), maker.phone())]
        firm.places.append(client)
    return firm


def _shop_parcel(maker: Maker, shop: Sender, day: int) -> None:
    rng = maker.rng
    home = rng.choice(maker.homes)
    person = rng.choice(home.people)
    to = rng.choice(maker.relays) if rng.random() < 0.15 else home
    goods = cat.SHOP_GOODS[rng.choice(shop.goods)]
    count = rng.choice((1, 1, 1, 2, 3))
    value = sum(rng.uniform(*goods.value) for _ in range(count))
    weight = sum(rng.uniform(*goods.kg) for _ in range(count)) + rng.uniform(0.03, 0.2)
    description, hs6, category = goods.description, goods.hs6, "sale"
    if rng.random() < 0.03:
        hs6 = rng.choice(cat.SHOP_GOODS).hs6  # a seller's wrong code
    if rng.random() < 0.05:
        description = rng.choice(cat.VAGUE)
    if shop.country in ("CN", "HK") and rng.random() < 0.05:
        category, description, value = "gift", "GIFT", value / 2  # to spare the buyer VAT
    if rng.random() < 0.03:
        value /= 10  # undervalued
    fields = {
        "content_description": description,
        "hs6": hs6,
        "value_eur": round(value, 2),
        "gross_weight_kg": round(weight, 2),
        "item_count": count,
        "category": category,
    }
    maker.parcel(shop, day, to, person, **fields)
    if rng.random() < 0.004 and day + 5 < maker.days:  # an honest buyer's three big orders
        for later in sorted(rng.sample(range(day, day + 6), 2)):
            big = {**fields, "value_eur": round(rng.uniform(121, 149), 2)}
            maker.parcel(shop, later, to, person, **big)


def _family_parcel(maker: Maker, family: Sender, day: int) -> None:
    rng = maker.rng
    home = rng.choice(family.places)
    description, hs6, kg = rng.choice(cat.FAMILY_GOODS)
    fields = {
        "content_description": description,
        "hs6": hs6,
        "value_eur": round(min(300.0, rng.lognormvariate(3.2, 0.6)), 2),  # median EUR 25
        "gross_weight_kg": round(rng.uniform(*kg), 2),
        "category": "document" if description == "DOCUMENTS" else "gift",
    }
    maker.parcel(family, day, home, rng.choice(home.people), **fields)


def _sample(maker: Maker, firm: Sender, day: int) -> None:
    rng = maker.rng
    client = rng.choice(firm.places)
    described = rng.choice((("SAMPLES", ""), ("COSMETICS SAMPLES", "330499")))
    fields = {
        "content_description": described[0],
        "hs6": described[1],
        "value_eur": round(rng.uniform(1, 20), 2),
        "gross_weight_kg": round(rng.uniform(0.1, 1.5), 2),
        "category": "sample",
    }
    maker.parcel(firm, day, client, client.people[0], **fields)


def _inspect(maker: Maker, share: float) -> None:
    """Each day half the inspections go to risky origins (the old profile), half to any
    parcel at random; an inspection finds the drugs nine times in ten."""
    rng, world = maker.rng, maker.world
    risky = set(ParcelRuleThresholds().countries())
    by_day: dict[str, list[dict[str, str]]] = {}
    for row in world.rows:
        by_day.setdefault(row["posted_ts"][:10], []).append(row)
    for rows in by_day.values():
        budget = round(len(rows) * share)
        profiled = [row for row in rows if row["origin_country"] in risky]
        chosen = rng.sample(profiled, min(len(profiled), budget // 2))
        rest = [row for row in rows if row not in chosen]
        chosen += rng.sample(rest, min(len(rest), budget - len(chosen)))
        picked = {id(row) for row in chosen}
        for row in rows:
            found = row["item_id"] in world.smuggled and rng.random() < 0.9
            row["inspection"] = ("seizure" if found else "clean") if id(row) in picked else "none"


def flagged(alerts: list[Alert]) -> set[str]:
    """The parcels the parcel rules proposed."""
    return {
        subject.value
        for alert in alerts
        if alert.detector_id == DETECTOR_ID
        for subject in alert.subjects
        if subject.kind == "parcel"
    }


class ParcelsPart:
    """Four weeks of parcels: the parcel rules must propose most of each scheme's parcels,
    and mostly smuggling."""

    name = "parcels"

    def __init__(self) -> None:
        self.world: ParcelWorld | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.world = generate(seed, days=28, per_day=60)
        folder.mkdir(parents=True, exist_ok=True)
        return [DemoInput(self.world.write(folder / "colis.csv"), "parcels", DOCUMENTS)]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.world, "write_inputs comes first"
        proposed = flagged(alerts)
        found = []
        for scheme, fr in (("drop", "adresses de dépôt"), ("reshipper", "réexpéditeurs"),
                           ("split", "envois fractionnés")):  # fmt: skip
            planted = {item for item, s in self.world.schemes.items() if s == scheme}
            caught = len(planted & proposed)
            found.append(
                Expectation(
                    f"{fr} / {scheme}: {caught} de / of {len(planted)} colis proposés",
                    caught * 2 >= len(planted),
                )
            )
        right = len(proposed & self.world.smuggled)
        found.append(
            Expectation(
                f"colis proposés / parcels proposed: {right} de / of {len(proposed)} passaient "
                "de la drogue / carried drugs",
                right * 2 >= len(proposed),
            )
        )
        return found

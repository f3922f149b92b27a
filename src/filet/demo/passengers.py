"""The demo's passengers part, and the seeded world the screening tests draw: a few
flights from Cayenne and Pointe-à-Pitre to Orly, their PNR, and a watchlist.

Ordinary travellers book weeks ahead by card, come back after a week or more and check
a bag or two, with some everyday noise (a cash ticket, a late booking, a one-way
ticket). Planted in it:

- **couriers**, paid for in cash by one organiser, booked a day or two before the
  flight, one-way, without a checked bag; one of them failed to board an earlier flight;
- **watchlisted travellers** whose PNR spells their name otherwise than the list: an
  entry in Cyrillic script (``Шевченко``) for a PNR in French romanization
  (``CHEVTCHENKO``), surname and given name swapped, an accent and a typo, a document
  number written with spaces;
- a **namesake**: a traveller with a listed person's name but another date of birth,
  who must not be a hit.

The answers (``couriers``, ``watchlisted``, ``namesake``) are what the detectors must
find, or leave alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from filet.alerts import Alert
from filet.demo.files import write_csv
from filet.demo.parts import DemoInput, Expectation
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability

PNR_HEADER = [
    "kind", "record_locator", "booking_ts", "voyage", "departure_ts", "origin",
    "destination", "surname", "given_names", "birth_date", "document_number",
    "nationality", "payment_method", "payer_name", "travel_agent", "one_way",
    "return_ts", "checked_bags", "travel_status", "frequent_flyer", "party_size",
    "split_from",
]  # fmt: skip
WATCHLIST_HEADER = ["entry_id", "surname", "given_names", "birth_date", "document_number",
                    "nationality", "list_name", "reason"]  # fmt: skip
FLIGHTS = (
    ("TX0571", "CAY", datetime(2026, 3, 2, 21, 30, tzinfo=UTC)),
    ("AF0893", "CAY", datetime(2026, 3, 4, 22, 15, tzinfo=UTC)),
    ("TX0541", "PTP", datetime(2026, 3, 5, 20, 45, tzinfo=UTC)),
)
SURNAMES = ("MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND",
            "LEROY", "MOREAU", "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA",
            "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER", "MOREL", "GIRARD",
            "ANDRE", "MERCIER", "BLANC", "GUERIN", "BOYER", "GARNIER", "CHEVALIER",
            "FRANCOIS", "LEGRAND", "GAUTHIER", "PERRIN", "ROBIN", "CLEMENT", "MORIN",
            "HO-A-CHUCK", "LOUIS-JEAN", "JEAN-BAPTISTE", "PIERRE-LOUIS", "ALEXIS")  # fmt: skip
GIVEN = ("JEAN", "MARIE", "PIERRE", "ANNE", "PAUL", "SOPHIE", "LUC", "CLAIRE", "MARC",
         "JULIE", "LOUIS", "EMMA", "HUGO", "LEA", "NOAH", "CHLOE", "ENZO", "INES")  # fmt: skip
ORGANISER = "SARL KOUROU VOYAGES SERVICES"
LISTS = Provenance(
    dataset="demo-liste-surveillance",
    collecting_service="DNRED",
    source_reliability=SourceReliability.B,
    information_assessment=InformationAssessment.CORROBORATED,
    handling_code=HandlingCode.H3,
)
PNR = Provenance(
    dataset="demo-pnr",
    collecting_service="UIP",
    source_reliability=SourceReliability.A,
    information_assessment=InformationAssessment.KNOWN_TRUE,
    handling_code=HandlingCode.H3,
)


@dataclass
class PassengerWorld:
    """PNR rows, watchlist rows (as CSV cells) and the planted answers."""

    pnr: list[dict[str, str]] = field(default_factory=list)
    watchlist: list[dict[str, str]] = field(default_factory=list)
    couriers: set[str] = field(default_factory=set)  # "SURNAME GIVEN"
    watchlisted: dict[str, str] = field(default_factory=dict)  # "SURNAME GIVEN" -> entry
    namesake: str = ""


def generate(seed: int, per_flight: int = 60, listed: int = 300) -> PassengerWorld:
    rng = random.Random(seed)
    world = PassengerWorld()
    for voyage, origin, departure in FLIGHTS:
        for _ in range(per_flight):
            world.pnr.append(_ordinary(rng, voyage, origin, departure))
    world.watchlist = [_listed_stranger(rng, n) for n in range(listed)]
    _plant_couriers(rng, world)
    _plant_watchlisted(rng, world)
    return world


def _locator(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))


def _ts(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _row(voyage: str, origin: str, departure: datetime, **values: str) -> dict[str, str]:
    row = dict.fromkeys(PNR_HEADER, "")
    row.update(kind="pnr", voyage=voyage, origin=origin, destination="ORY",
               departure_ts=_ts(departure), travel_status="confirmed", party_size="1",
               one_way="false", payment_method="card")  # fmt: skip
    row.update(values)
    return row


def _ordinary(rng: random.Random, voyage: str, origin: str, departure: datetime) -> dict[str, str]:
    surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
    one_way = rng.random() < 0.1
    ahead = rng.randint(1, 3) if rng.random() < 0.05 else rng.randint(10, 90)
    return _row(
        voyage, origin, departure,
        record_locator=_locator(rng),
        booking_ts=_ts(departure - timedelta(days=ahead, hours=rng.randint(0, 12))),
        surname=surname, given_names=given,
        birth_date=_birth(rng, 1950, 2005).isoformat(),
        document_number=f"{rng.randint(10, 99)}AB{rng.randint(10_000, 99_999)}",
        nationality="FRA",
        payment_method="cash" if rng.random() < 0.05 else "card",
        payer_name=f"{surname} {given}",
        one_way="true" if one_way else "false",
        return_ts="" if one_way else _ts(departure + timedelta(days=rng.randint(7, 30))),
        checked_bags=str(0 if rng.random() < 0.1 else rng.randint(1, 2)),
    )  # fmt: skip


def _birth(rng: random.Random, first: int, last: int) -> date:
    return date(first, 1, 1) + timedelta(days=rng.randint(0, 365 * (last - first)))


def _listed_stranger(rng: random.Random, number: int) -> dict[str, str]:
    syllables = ("ka", "lo", "mi", "zu", "ren", "tak", "vo", "bri", "ske", "dun", "fa", "gor")
    surname = "".join(rng.choice(syllables) for _ in range(3)).capitalize()
    given = "".join(rng.choice(syllables) for _ in range(2)).capitalize()
    return _entry(f"FPR-{number:05d}", surname, given, _birth(rng, 1950, 2005), "")


def _entry(
    entry_id: str, surname: str, given: str, born: date | None, document: str
) -> dict[str, str]:
    return {"entry_id": entry_id, "surname": surname, "given_names": given,
            "birth_date": born.isoformat() if born else "", "document_number": document,
            "nationality": "", "list_name": "FPR", "reason": "fiche S stupéfiants"}  # fmt: skip


def _plant_couriers(rng: random.Random, world: PassengerWorld) -> None:
    voyage, origin, departure = FLIGHTS[0]
    names = [("ALEXANDRE", "KEVIN"), ("SAINT-LOUIS", "JOHANNA"), ("HO-TEN", "STEEVE"),
             ("NOEL", "MARVIN")]  # fmt: skip
    for n, (surname, given) in enumerate(names):
        world.couriers.add(f"{surname} {given}")
        row = _row(
            voyage, origin, departure,
            record_locator=_locator(rng),
            booking_ts=_ts(departure - timedelta(days=1, hours=n)),
            surname=surname, given_names=given,
            birth_date=_birth(rng, 1995, 2005).isoformat(),
            document_number=f"{rng.randint(10, 99)}CD{rng.randint(10_000, 99_999)}",
            nationality="FRA", payment_method="cash", payer_name=ORGANISER,
            one_way="true", checked_bags="0",
        )  # fmt: skip
        world.pnr.append(row)
    earlier = {
        **world.pnr[-1],
        "voyage": "TX0569",
        "record_locator": _locator(rng),
        "departure_ts": _ts(departure - timedelta(days=12)),
        "booking_ts": _ts(departure - timedelta(days=13)),
        "travel_status": "no-show",
    }
    world.pnr.append(earlier)


def _plant_watchlisted(rng: random.Random, world: PassengerWorld) -> None:
    voyage, origin, departure = FLIGHTS[1]
    planted = [
        # (PNR surname, PNR given, list surname, list given, document on PNR, on list)
        ("CHEVTCHENKO", "TARAS", "Шевченко", "Тарас", "", ""),
        ("KARIM", "BENALI", "Benali", "Karim", "", ""),
        ("DUPRE", "HELENE", "Dupré", "Hélène", "", ""),
        ("MOHAMED", "YOUSSEF", "Muhammad", "Yussuf", "FR 12 AB 34567", "FR12AB34567"),
        ("LEFEVRE", "ANTOINE", "Lefèbvre", "Antoine", "", ""),
    ]
    for n, (surname, given, listed_surname, listed_given, doc, listed_doc) in enumerate(planted):
        born = _birth(rng, 1965, 1995)
        entry = f"FPR-9{n:04d}"
        world.watchlist.append(_entry(entry, listed_surname, listed_given, born, listed_doc))
        world.pnr.append(_row(
            voyage, origin, departure, record_locator=_locator(rng),
            booking_ts=_ts(departure - timedelta(days=30)), surname=surname, given_names=given,
            birth_date=born.isoformat(), document_number=doc, nationality="FRA",
            payer_name=f"{surname} {given}", return_ts=_ts(departure + timedelta(days=15)),
            checked_bags="1",
        ))  # fmt: skip
        world.watchlisted[f"{surname} {given}"] = entry
    _plant_namesake(rng, world)


def _plant_namesake(rng: random.Random, world: PassengerWorld) -> None:
    """A listed name on a traveller born eleven years later: not the listed person."""
    born = _birth(rng, 1965, 1985)
    world.watchlist.append(_entry("FPR-98000", "Girardot", "Benoît", born, ""))
    world.namesake = "GIRARDOT BENOIT"
    voyage, origin, departure = FLIGHTS[2]
    world.pnr.append(_row(
        voyage, origin, departure, record_locator=_locator(rng),
        booking_ts=_ts(departure - timedelta(days=40)), surname="GIRARDOT",
        given_names="BENOIT", birth_date=(born + timedelta(days=4018)).isoformat(),
        payer_name="GIRARDOT BENOIT", return_ts=_ts(departure + timedelta(days=20)),
        checked_bags="2",
    ))  # fmt: skip


def write_pnr(world: PassengerWorld, path: Path) -> None:
    write_csv(path, PNR_HEADER, world.pnr)


def write_watchlist(world: PassengerWorld, path: Path) -> None:
    write_csv(path, WATCHLIST_HEADER, world.watchlist)


def flagged(alerts: list[Alert], detector_id: str) -> dict[str, set[str]]:
    """Passenger name -> the other subjects (watchlist entries, locators) of its alerts."""
    found: dict[str, set[str]] = {}
    for alert in alerts:
        if alert.detector_id == detector_id:
            who = alert.subjects[0].value
            found.setdefault(who, set()).update(s.value for s in alert.subjects[1:])
    return found


class PassengersPart:
    name = "passengers"

    def __init__(self) -> None:
        self.world: PassengerWorld | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.world = generate(seed)
        folder.mkdir(parents=True, exist_ok=True)
        pnr, listed = folder / "pnr.csv", folder / "liste-surveillance.csv"
        write_pnr(self.world, pnr)
        write_watchlist(self.world, listed)
        return [DemoInput(listed, "watchlist", LISTS), DemoInput(pnr, "pnr", PNR)]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.world, "write_inputs comes first"
        world = self.world
        hits = flagged(alerts, "targeting.watchlist_hits")
        couriers = flagged(alerts, "targeting.courier_indicators")
        found = all(world.watchlisted[who] in hits.get(who, set()) for who in world.watchlisted)
        return [
            Expectation(
                f"Passeurs / couriers: {len(world.couriers)} sur le vol / on flight TX0571",
                world.couriers <= set(couriers),
            ),
            Expectation(
                f"Passagers sur liste / watchlisted travellers: {len(world.watchlisted)}, "
                "autres graphies / other spellings",
                found,
            ),
            Expectation(
                f"Homonyme non signalé / namesake not flagged: {world.namesake}",
                world.namesake not in hits,
            ),
        ]

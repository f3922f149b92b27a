"""A seeded year of flights to Paris, with couriers, inspections and the whole truth.

Daily flights from Cayenne, Fort-de-France, Pointe-à-Pitre, Saint-Martin and
La Réunion to Orly and Roissy, each a sample of its passengers (a dozen, not three
hundred). Residents fly home and back: on holiday, for work (their employer pays,
short stays, no bag, sometimes booked the day before), or to move (one-way, a parent
pays, cash now and then). Every courier indicator of :mod:`filet.targeting.couriers`
is common among them.

**Organisers** recruit couriers (Sénat r19-707: 20-30 a flight from Cayenne, who
shifted to the Antilles once Cayenne was checked at 100 %; one works from
Saint-Martin, a route the rules do not list). An organiser buys the tickets through one
small travel agency that also serves the residents, gives one of its phones and
e-mail addresses as the booking contact, and pays through a front (a person or a
company) it keeps for a few weeks; it changes phone or front now and then, more often
after a seizure. How much of that shows on a courier's PNR depends on how careful the
organiser is that day: a careless booking is cash, paid by the front, booked the day
before, one-way, without a bag; a careful one looks like a holiday. The rules see the
indicators of each booking; only a history of seizures shows the agency, the phone and
the front behind both kinds.

Each day customs inspect a small share of the boarded passengers, half those showing
the most indicators on the watched routes, half at random, and an inspection finds the
drugs in 85 % of couriers (ingested capsules are missed). ``couriers`` is the whole
truth, uninspected couriers included: evaluations score against it, not the seizures;
``kilos`` is what each carries (:mod:`filet.demo.loads`).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from filet.demo import loads
from filet.demo.files import write_csv
from filet.demo.passengers import PNR_HEADER, SURNAMES

FIRST_DAY = date(2025, 1, 6)
HEADER = [*PNR_HEADER, "contact_phone", "contact_email", "inspection"]
# Flight, origin, destination, departure hour (UTC), passengers sampled a flight.
ROUTES: tuple[tuple[str, str, str, int, int], ...] = (
    ("TX0571", "CAY", "ORY", 21, 12),
    ("AF0893", "CAY", "ORY", 22, 10),
    ("AF0855", "FDF", "ORY", 20, 12),
    ("TX0511", "FDF", "ORY", 21, 8),
    ("AF0851", "PTP", "ORY", 20, 12),
    ("AF0675", "RUN", "CDG", 19, 8),
    ("TX0907", "SXM", "CDG", 18, 5),
)
DIALLING = {"CAY": "+594694", "FDF": "+596696", "PTP": "+590690", "RUN": "+262692",
            "SXM": "+590690"}  # fmt: skip
MORE_SURNAMES = ("ALEXANDRE", "SAINT-LOUIS", "HO-TEN", "NOEL", "JOSEPH", "CELESTIN",
                 "EDOUARD", "LAGUERRE", "PHILIBERT", "MONTOUT", "RENE-CORAIL", "DESIRE",
                 "MARIE-SAINTE", "ZAMY", "BELLAY", "TIBURCE", "ROSETTE", "SYLVESTRE",
                 "AUGUSTIN", "CESAIRE", "LUBIN", "PAYET", "HOARAU", "GRONDIN", "FONTAINE",
                 "BARRET", "ETIENNE", "MANGATAL", "CHAULET", "BOURGADE")  # fmt: skip
GIVEN = ("JEAN", "MARIE", "PIERRE", "ANNE", "PAUL", "SOPHIE", "LUC", "CLAIRE", "MARC",
         "JULIE", "KEVIN", "JOHANNA", "STEEVE", "MARVIN", "LAURA", "DYLAN", "SARAH",
         "JORDAN", "LEA", "NOAH", "CHLOE", "ENZO", "INES", "RUDY", "MELISSA", "TONY",
         "CINDY", "WILLY", "NADIA", "FABRICE")  # fmt: skip
AGENCIES = ("SELECTOUR CAYENNE", "HAVAS VOYAGES FDF", "CARAIBES VOYAGES",
            "LECLERC VOYAGES", "BOURBON VOYAGES", "EXPEDIA")  # fmt: skip
SMALL_AGENCIES = ("KOUROU VOYAGES SERVICES", "MARONI TOURS", "LAMENTIN EVASION",
                  "POINTE VOYAGES EXPRESS", "FRIENDLY ISLAND TRAVEL")  # fmt: skip
EMPLOYERS = ("CENTRE SPATIAL GUYANAIS", "CHU DE MARTINIQUE", "RECTORAT DE GUADELOUPE",
             "EDF ARCHIPEL", "BTP CARAIBES SARL", "CHU DE LA REUNION", "PREFECTURE GUYANE",
             "ORANGE CARAIBE")  # fmt: skip
FRONTS = ("SARL TROPIC SERVICES", "SAS ANTILLES NEGOCE", "EURL GUYANE FRET", "M. ALVES",
          "MME BERTIN", "M. DA SILVA", "SARL ISLAND EVENTS", "M. LOUISOR", "MME PIERRE",
          "SARL KOUROU VOYAGES SERVICES", "M. AMADOU", "SAS CAYENNE DISTRIBUTION")  # fmt: skip


@dataclass
class Person:
    surname: str
    given: str
    born: date
    document: str
    phone: str
    email: str
    home: str
    agency: str = ""  # "" books directly with the airline
    employer: str | None = None
    trader: bool = False  # buys goods in Paris for a shop back home: short cash trips


@dataclass
class Organiser:
    """A network sending couriers: its agency, phone, e-mail and front change over time."""

    name: str
    origins: tuple[str, ...]
    care: float  # chance that a booking looks ordinary
    rate: float  # couriers a day
    start: int
    end: int
    agency: str
    phone: str = ""
    email: str = ""
    front: str = ""
    couriers: list[Person] = field(default_factory=list)


@dataclass
class FlightWorld:
    """PNR rows (as CSV cells, outcomes filled in) and the answers only the generator knows."""

    rows: list[dict[str, str]] = field(default_factory=list)
    couriers: set[str] = field(default_factory=set)  # record locators of boarded couriers
    organiser_of: dict[str, str] = field(default_factory=dict)  # locator -> organiser
    kilos: dict[str, float] = field(default_factory=dict)  # courier's locator -> kg

    def write(self, path: Path) -> Path:
        return write_csv(path, HEADER, self.rows)


@dataclass
class _State:
    rng: random.Random
    world: FlightWorld
    residents: dict[str, list[Person]]
    organisers: list[Organiser]
    locators: set[str] = field(default_factory=set)
    serial: int = 0


def generate(seed: int, days: int = 365, inspected: float = 0.05) -> FlightWorld:
    """``days`` days of flights; each day the share ``inspected`` of boarded passengers
    is inspected (outcome ``clean`` or ``seizure``), the others are ``none``."""
    rng = random.Random(seed)
    state = _State(rng, FlightWorld(), _residents(rng), _organisers(rng, days))
    for day in range(days):
        rows = _day(state, day)
        seized = _inspect(state, rows, inspected)
        _adapt(state, day, seized)
        state.world.rows.extend(rows)
    state.world.kilos = loads.couriers(seed, state.world.couriers)
    return state.world


def _person(rng: random.Random, home: str, first: int, last: int) -> Person:
    surname = rng.choice(SURNAMES + MORE_SURNAMES)
    given = rng.choice(GIVEN)
    born = date(first, 1, 1) + timedelta(days=rng.randrange(365 * (last - first)))
    number = rng.randrange(10**6)
    return Person(
        surname, given, born, f"{rng.randrange(10, 99)}{home[:2]}{rng.randrange(10**5):05d}",
        f"{DIALLING[home]}{rng.randrange(10**6):06d}",
        f"{given}.{surname}{number % 100}@mail.fr".lower(), home,
    )  # fmt: skip


def _residents(rng: random.Random) -> dict[str, list[Person]]:
    found: dict[str, list[Person]] = {}
    for origin in sorted({route[1] for route in ROUTES}):
        people = []
        for _ in range(1500):
            person = _person(rng, origin, 1945, 2007)
            roll = rng.random()
            person.agency = (
                "" if roll < 0.5 else rng.choice(AGENCIES if roll < 0.85 else SMALL_AGENCIES)
            )
            person.employer = rng.choice(EMPLOYERS) if rng.random() < 0.3 else None
            person.trader = rng.random() < 0.06
            people.append(person)
        found[origin] = people
    return found


def _organisers(rng: random.Random, days: int) -> list[Organiser]:
    """Networks of every kind: Cayenne first, the Antilles later, one from Saint-Martin;
    they start and stop at different times."""
    plans = (("CAY",), ("CAY",), ("CAY", "FDF"), ("FDF", "PTP"), ("PTP",), ("FDF",),
             ("SXM",), ("CAY", "PTP"))  # fmt: skip
    found = []
    for n, origins in enumerate(plans):
        start = 0 if "CAY" in origins else rng.randrange(days // 3)
        # Half the networks last the whole period, the others stop after months.
        length = days if n % 2 else rng.randrange(days // 2, days + 1)
        organiser = Organiser(
            f"ORG-{n}", origins, rng.uniform(0.3, 0.8), rng.uniform(0.25, 0.55),
            start, min(days, start + length), rng.choice(SMALL_AGENCIES),
        )  # fmt: skip
        _rotate(rng, organiser, phone=True, email=True, front=True)
        found.append(organiser)
    return found


def _rotate(
    rng: random.Random, organiser: Organiser, phone: bool, email: bool, front: bool
) -> None:
    home = organiser.origins[0]
    if phone:
        organiser.phone = f"{DIALLING[home]}{rng.randrange(10**6):06d}"
    if email:
        organiser.email = f"contact{rng.randrange(10**4)}@{rng.choice(('gmail', 'proton'))}.com"
    if front:
        organiser.front = f"{rng.choice(FRONTS)} {rng.randrange(100)}".removesuffix(" 0")


def _adapt(state: _State, day: int, seized: set[str]) -> None:
    """Organisers change phone, e-mail or front now and then, more often after a seizure."""
    rng = state.rng
    for organiser in state.organisers:
        hit = any(state.world.organiser_of.get(locator) == organiser.name for locator in seized)
        odds = 0.35 if hit else 0.015
        _rotate(rng, organiser, rng.random() < odds, rng.random() < odds, rng.random() < odds * 2)
        if rng.random() < 0.003:
            organiser.agency = rng.choice(SMALL_AGENCIES)


def _locator(state: _State) -> str:
    while True:
        locator = "".join(state.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
        if locator not in state.locators:
            state.locators.add(locator)
            return locator


def _ts(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _day(state: _State, day: int) -> list[dict[str, str]]:
    rng = state.rng
    rows = []
    for voyage, origin, destination, hour, size in ROUTES:
        departure = datetime.combine(FIRST_DAY + timedelta(days=day), time(hour), UTC)
        departure += timedelta(minutes=rng.randrange(0, 60, 5))
        for person in rng.sample(state.residents[origin], max(1, round(rng.gauss(size, 2)))):
            rows.append(_resident_trip(state, person, voyage, destination, departure))
        for organiser in state.organisers:
            if organiser.start <= day < organiser.end and origin in organiser.origins:
                share = 1 / sum(r[1] in organiser.origins for r in ROUTES)
                for _ in range(_poisson(rng, organiser.rate * share)):
                    rows.append(_courier_trip(state, organiser, voyage, destination, departure))
    return rows


def _poisson(rng: random.Random, mean: float) -> int:
    count, product, limit = 0, rng.random(), math.exp(-mean)
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _row(state: _State, person: Person, voyage: str, destination: str, departure: datetime,
         ahead: float, stay: float | None, **values: str) -> dict[str, str]:  # fmt: skip
    row = dict.fromkeys(HEADER, "")
    row.update(
        kind="pnr", record_locator=_locator(state), voyage=voyage, origin=person.home,
        destination=destination, departure_ts=_ts(departure),
        booking_ts=_ts(departure - timedelta(days=ahead)), surname=person.surname,
        given_names=person.given, birth_date=person.born.isoformat(),
        document_number=person.document, nationality="FRA", payment_method="card",
        payer_name=f"{person.surname} {person.given}", travel_agent=person.agency,
        contact_phone=person.phone, contact_email=person.email, one_way="true",
        checked_bags="1", travel_status="confirmed", party_size="1",
    )  # fmt: skip
    if stay is not None:
        row.update(one_way="false", return_ts=_ts(departure + timedelta(days=stay)))
    row.update(values)
    if state.rng.random() < 0.015:
        row["travel_status"] = "no-show"
    return row


def _resident_trip(
    state: _State, person: Person, voyage: str, destination: str, departure: datetime
) -> dict[str, str]:
    """A holiday or family visit, a work trip, a move or a trader's buying trip, each
    with its own noise."""
    rng = state.rng
    purpose = rng.random()
    if person.trader:
        return _row(
            state, person, voyage, destination, departure, rng.uniform(0.2, 5),
            rng.uniform(2, 5), payment_method="cash" if rng.random() < 0.5 else "card",
            checked_bags=str(rng.choice((0, 0, 2))),
        )  # fmt: skip
    if purpose < 0.25 and person.employer:
        late = rng.random() < 0.2
        return _row(
            state, person, voyage, destination, departure,
            rng.uniform(0.2, 2) if late else rng.uniform(3, 30), rng.uniform(1, 8),
            payer_name=person.employer, payment_method=rng.choice(("card", "transfer")),
            checked_bags=str(rng.choice((0, 0, 1))),
        )  # fmt: skip
    if purpose < 0.35:
        parent = rng.choice((person.surname, person.surname, rng.choice(MORE_SURNAMES)))
        return _row(
            state, person, voyage, destination, departure, rng.uniform(3, 60), None,
            payer_name=f"{parent} {rng.choice(GIVEN)}",
            payment_method="cash" if rng.random() < 0.15 else "card",
            checked_bags=str(rng.choice((1, 2, 2, 3))),
        )  # fmt: skip
    return _row(
        state, person, voyage, destination, departure, _ahead(rng),
        None if rng.random() < 0.05 else rng.uniform(5, 45),
        payment_method=rng.choices(("card", "cash", "transfer", "miles"), (82, 6, 6, 6))[0],
        checked_bags=str(0 if rng.random() < 0.08 else rng.choice((1, 1, 2))),
    )  # fmt: skip


def _ahead(rng: random.Random) -> float:
    """Days a resident books ahead: mostly weeks, some days, a few the day before (a
    funeral, an illness)."""
    roll = rng.random()
    if roll < 0.05:
        return rng.uniform(0.2, 2.5)
    return rng.uniform(3, 14) if roll < 0.3 else rng.uniform(14, 120)


def _courier_trip(
    state: _State, organiser: Organiser, voyage: str, destination: str, departure: datetime
) -> dict[str, str]:
    """A courier of ``organiser``: the booking careless or careful, its contact details,
    agency and front those of the organiser more often than not."""
    rng = state.rng
    origin = next(r[1] for r in ROUTES if r[0] == voyage)
    if organiser.couriers and rng.random() < 0.25:
        person = rng.choice(organiser.couriers)  # sent again
    else:
        person = _person(rng, origin, 1988, 2006)
        organiser.couriers.append(person)
    careful = rng.random() < organiser.care
    odds = 0.25 if careful else 0.6
    row = _row(
        state, person, voyage, destination, departure,
        rng.uniform(3, 30) if careful or rng.random() < 0.3 else rng.uniform(0.2, 2.5),
        rng.uniform(2, 3) if rng.random() < odds else rng.uniform(6, 14),
        travel_agent=organiser.agency if rng.random() < 0.7 else person.agency,
        contact_phone=organiser.phone if rng.random() < 0.5 else person.phone,
        contact_email=organiser.email if rng.random() < 0.35 else person.email,
        payment_method="cash" if rng.random() < (0.15 if careful else 0.55) else "card",
        checked_bags="0" if rng.random() < odds else "1",
    )  # fmt: skip
    if rng.random() < odds:
        row["one_way"], row["return_ts"] = "true", ""
    if rng.random() < (0.35 if careful else 0.6):
        row["payer_name"] = organiser.front
    if row["travel_status"] != "no-show":
        state.world.couriers.add(row["record_locator"])
    state.world.organiser_of[row["record_locator"]] = organiser.name
    return row


def _signs(row: dict[str, str]) -> int:
    """What an officer sees at a glance: cash, a stranger paying, booked late, one way,
    no bag; the watched routes come first."""
    booked = datetime.fromisoformat(row["booking_ts"])
    late = datetime.fromisoformat(row["departure_ts"]) - booked <= timedelta(days=2)
    stranger = row["surname"] not in row["payer_name"]
    watched = row["origin"] in ("CAY", "FDF", "PTP")
    shown = (row["payment_method"] == "cash", stranger, late, row["one_way"] == "true",
             row["checked_bags"] == "0")  # fmt: skip
    return sum(shown) + 10 * watched


def _inspect(state: _State, rows: list[dict[str, str]], share: float) -> set[str]:
    """Half of the day's budget on the passengers showing the most signs, half at random;
    returns the locators of the day's seizures."""
    rng = state.rng
    boarded = [r for r in rows if r["travel_status"] != "no-show"]
    budget = max(1, round(len(boarded) * share))
    ranked = sorted(boarded, key=lambda r: (-_signs(r), rng.random()))
    chosen = ranked[: budget // 2 + budget % 2]
    rest = [r for r in boarded if r not in chosen]
    chosen += rng.sample(rest, min(len(rest), budget - len(chosen)))
    picked = {id(r) for r in chosen}
    seized = set()
    for row in rows:
        if id(row) not in picked:
            row["inspection"] = "none"
            continue
        found = row["record_locator"] in state.world.couriers and rng.random() < 0.85
        row["inspection"] = "seizure" if found else "clean"
        if found:
            seized.add(row["record_locator"])
    return seized

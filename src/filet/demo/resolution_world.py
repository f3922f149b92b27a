"""A seeded world of person records with known duplicates, to measure entity resolution.

Each person is drawn once, then copied into other datasets (a fadette subscriber list,
a custody file, a partner service's list) the way real files disagree: a typo, another
romanization (Mohamed / Mohammed / Muhammad, Cyrillic for Cyrillic-born people), the
surname written first, a missing birth date, phone or passport, the day and month of
the birth date swapped. The world also holds the records that make resolution hard:
namesakes (the same common name, another person) and siblings (same surname, same
address, another first name and birth date). ``true_pairs`` lists every pair of record
ids that are one person, so precision and recall are exact.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import combinations

from filet.network.resolution import ResolutionRecord

# First names with their usual romanizations: a copy may use any of them.
FIRST_NAMES: tuple[tuple[str, ...], ...] = (
    ("Mohamed", "Mohammed", "Muhammad", "Mohammad"),
    ("Youssef", "Yousef", "Youcef", "Yusuf"),
    ("Karim", "Kareem"),
    ("Abdelkader", "Abdel Kader", "Abdelkadir"),
    ("Said", "Saïd", "Saeed"),
    ("Hicham", "Hisham"),
    ("Rachid", "Rashid"),
    ("Mehdi", "Mahdi"),
    ("Nadia", "Nadiya"),
    ("Fatima", "Fatma", "Fatimah"),
    ("Leila", "Leïla", "Layla"),
    ("Sofiane", "Sofian", "Soufiane"),
    ("Jean",),
    ("Pierre",),
    ("Nicolas",),
    ("Julien",),
    ("Sébastien", "Sebastien"),
    ("Marie",),
    ("Camille",),
    ("Thomas",),
    ("Antoine",),
    ("José", "Jose"),
    ("Miguel",),
    ("Alejandro",),
    ("Arben",),
    ("Besnik",),
    ("Dritan",),
    ("Kevin",),
    ("Moussa", "Musa"),
    ("Mamadou",),
    ("Ibrahim", "Ibrahima", "Brahim"),
    ("Ousmane", "Usman"),
)
SURNAMES: tuple[tuple[str, ...], ...] = (
    ("Benali", "Ben Ali", "Benaly"),
    ("El Amrani", "Elamrani", "Amrani"),
    ("Chraibi", "Cheraibi", "Chraïbi"),
    ("Haddad", "Hadad"),
    ("Bouzid", "Bouzide"),
    ("Mansouri", "Mansoury"),
    ("Belkacem", "Belkassem"),
    ("Zerrouki", "Zerouki"),
    ("Martin",),
    ("Bernard",),
    ("Dubois",),
    ("Lefebvre", "Lefèvre"),
    ("Moreau",),
    ("Garcia", "García"),
    ("Fernandez", "Fernández"),
    ("Rodriguez", "Rodríguez"),
    ("Hoxha", "Hodja"),
    ("Krasniqi", "Krasniki"),
    ("Berisha",),
    ("Diallo", "Jallow"),
    ("Traoré", "Traore"),
    ("Coulibaly", "Kulibali"),
    ("Girard",),
    ("Roux",),
    ("Fontaine",),
    ("Mercier",),
    ("Nguyen",),
    ("Lambert",),
)
# People born in Russia or Ukraine: their copies in a partner's file keep the Cyrillic.
CYRILLIC_NAMES: tuple[tuple[str, str, str, str], ...] = (
    ("Ivan", "Иван", "Petrov", "Петров"),
    ("Sergei", "Сергей", "Ivanov", "Иванов"),
    ("Dmitri", "Дмитрий", "Volkov", "Волков"),
    ("Oleg", "Олег", "Kovalenko", "Коваленко"),
    ("Andrei", "Андрей", "Smirnov", "Смирнов"),
)
NATIONALITIES = ("fr", "fr", "fr", "ma", "dz", "tn", "es", "al", "sn", "ml")
CITIES = ("Marseille", "Lyon", "Lille", "Paris", "Nice", "Toulouse", "Bordeaux", "Nantes")
STREETS = ("rue de la République", "boulevard National", "avenue Jean Jaurès", "chemin du Littoral")
DATASETS = ("fadettes-sfr", "gav-marseille", "partenaire-udo", "fichier-tiers")
DUPLICATE_SHARE = 0.45  # of persons copied at least once into another dataset
NAMESAKE_SHARE = 0.08  # persons who get an unrelated namesake
SIBLING_SHARE = 0.08  # persons who get a sibling at the same address


@dataclass(frozen=True)
class PersonRecord:
    """One record of one dataset, with the FollowTheMoney properties resolution reads."""

    record_id: str
    dataset: str
    person: int  # the true identity; never given to the resolver
    name: str
    birth_date: str | None
    nationality: str | None
    phone: str | None
    passport: str | None
    address: str | None


@dataclass(frozen=True)
class PersonWorld:
    records: list[PersonRecord]
    true_pairs: set[tuple[str, str]]  # record ids, lower first


@dataclass(frozen=True)
class _Identity:
    first: tuple[str, ...]
    surname: tuple[str, ...]
    birth: date
    nationality: str
    phone: str
    passport: str
    address: str


def generate(people: int = 2000, seed: int = 7) -> PersonWorld:
    """``people`` distinct persons, their copies, namesakes and siblings, shuffled."""
    rng = random.Random(seed)
    identities: list[_Identity] = []
    for _ in range(people):
        base = _identity(rng)
        identities.append(base)
        if rng.random() < NAMESAKE_SHARE:
            identities.append(replace(_identity(rng), first=base.first, surname=base.surname))
        if rng.random() < SIBLING_SHARE:
            sibling = _identity(rng)
            identities.append(
                replace(
                    sibling,
                    surname=base.surname,
                    address=base.address,
                    nationality=base.nationality,
                )
            )
    records: list[PersonRecord] = []
    for person, identity in enumerate(identities):
        datasets = rng.sample(DATASETS, k=len(DATASETS))
        copies = 1 + (rng.randint(1, 3) if rng.random() < DUPLICATE_SHARE else 0)
        for copy in range(copies):
            record_id = f"p{person:07d}-{copy}"
            if copy == 0:
                records.append(_clean(record_id, datasets[0], person, identity))
            else:
                records.append(_noisy(rng, record_id, datasets[copy], person, identity))
    rng.shuffle(records)
    return PersonWorld(records, _pairs(records))


def resolution_records(world: PersonWorld) -> list[ResolutionRecord]:
    """The world's records as resolution reads them (one dataset each, no compartment)."""
    return [
        ResolutionRecord(
            entity_id=record.record_id,
            family="Person",
            dataset=record.dataset,
            compartments=frozenset(),
            names=(record.name,),
            birth_date=record.birth_date,
            nationality=record.nationality,
            identifiers=(record.passport,) if record.passport else (),
            phones=(record.phone,) if record.phone else (),
            addresses=(record.address,) if record.address else (),
        )
        for record in world.records
    ]


def _identity(rng: random.Random) -> _Identity:
    if rng.random() < 0.04:
        first_latin, first_cyr, last_latin, last_cyr = rng.choice(CYRILLIC_NAMES)
        first: tuple[str, ...] = (first_latin, first_cyr)
        surname: tuple[str, ...] = (last_latin, last_cyr)
        nationality = rng.choice(("ru", "ua"))
    else:
        first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        nationality = rng.choice(NATIONALITIES)
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    phone = f"+336{rng.randrange(10**8):08d}"
    passport = f"{rng.randrange(10, 99)}{rng.choice('ABCDEFGHJK')}{rng.randrange(10**5):05d}"
    address = f"{rng.randint(1, 180)} {rng.choice(STREETS)}, {rng.choice(CITIES)}"
    return _Identity(first, surname, birth, nationality, phone, passport, address)


def _clean(record_id: str, dataset: str, person: int, identity: _Identity) -> PersonRecord:
    return PersonRecord(
        record_id=record_id,
        dataset=dataset,
        person=person,
        name=f"{identity.first[0]} {identity.surname[0]}",
        birth_date=identity.birth.isoformat(),
        nationality=identity.nationality,
        phone=identity.phone,
        passport=identity.passport,
        address=identity.address,
    )


def _noisy(
    rng: random.Random, record_id: str, dataset: str, person: int, identity: _Identity
) -> PersonRecord:
    """A copy as another service wrote it down: each field may differ or be missing."""
    first, surname = rng.choice(identity.first), rng.choice(identity.surname)
    if rng.random() < 0.25:
        surname = _typo(rng, surname)
    if rng.random() < 0.15:
        first = _typo(rng, first)
    name = f"{surname.upper()} {first}" if rng.random() < 0.3 else f"{first} {surname}"
    birth: str | None = identity.birth.isoformat()
    if rng.random() < 0.25:
        birth = None
    elif rng.random() < 0.1 and identity.birth.day <= 12:
        birth = date(identity.birth.year, identity.birth.day, identity.birth.month).isoformat()
    return PersonRecord(
        record_id=record_id,
        dataset=dataset,
        person=person,
        name=name,
        birth_date=birth,
        nationality=None if rng.random() < 0.3 else identity.nationality,
        phone=None if rng.random() < 0.5 else identity.phone,
        passport=None if rng.random() < 0.7 else identity.passport,
        address=None if rng.random() < 0.5 else identity.address,
    )


def _typo(rng: random.Random, word: str) -> str:
    """One keyboard slip: a letter dropped, doubled or two letters swapped."""
    if len(word) < 4:
        return word
    index = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:index] + word[index + 1 :]
    if kind == 1:
        return word[:index] + word[index] + word[index:]
    return word[: index - 1] + word[index] + word[index - 1] + word[index + 1 :]


def _pairs(records: list[PersonRecord]) -> set[tuple[str, str]]:
    by_person: dict[int, list[str]] = {}
    for record in records:
        by_person.setdefault(record.person, []).append(record.record_id)
    pairs: set[tuple[str, str]] = set()
    for ids in by_person.values():
        pairs.update((a, b) if a < b else (b, a) for a, b in combinations(sorted(ids), 2))
    return pairs


def ftm_entity(record: PersonRecord) -> dict[str, object]:
    """The record as the FollowTheMoney Person a service would hand over."""
    properties: dict[str, str | None] = {
        "name": record.name,
        "birthDate": record.birth_date,
        "nationality": record.nationality,
        "phone": record.phone,
        "passportNumber": record.passport,
        "address": record.address,
    }
    kept = {prop: [value] for prop, value in properties.items() if value is not None}
    return {"id": record.record_id, "schema": "Person", "properties": kept}

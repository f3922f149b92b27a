"""The demo's integrity part, and the seeded world the integrity tests draw: five weeks
of lookups in police and customs files by officers of four units, each working their
own cases, with field checks, slips and a few colleague favours as everyday noise, and
two planted misuses:

- a **seller**, who on three days looks up, for someone outside, people of another
  unit's cases, citing that case or no case with a reason like « vérif »;
- an **enumerator**, who on one day runs a series of plates through the vehicle file
  under one of their own cases (justified on paper, far above their habit).

No public police-lookup log exists: the generator is the test bed, and its answers
(``seller_days``, ``enumerator_days``) are what the detectors must find.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from filet.alerts import Alert
from filet.demo.parts import DemoInput, Expectation
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability

PARIS = ZoneInfo("Europe/Paris")
FIRST_DAY = date(2024, 3, 4)  # a Monday
UNITS = ("BRI-13", "OFAST-75", "DOUANE-76", "SRPJ-59")
SYSTEMS = ("TAJ", "TAJ", "TAJ", "FPR", "SIV", "FOVeS")
CASE_REASONS = (
    "audition du témoin", "identification d'un suspect", "préparation de la perquisition",
    "vérification d'adresse avant interpellation", "recoupement d'une écoute",
)  # fmt: skip
FIELD_REASONS = ("contrôle routier RN568", "contrôle d'identité gare Saint-Charles")
SHORT_REASONS = ("vérif", "RAS", "info", "")
LOOKUP_HEADER = ["ts", "officer", "unit", "system", "subject", "subject_kind", "reason", "case_ref"]
LOGS = Provenance(
    dataset="demo-consultations",
    collecting_service="IGPN",
    source_reliability=SourceReliability.A,
    information_assessment=InformationAssessment.KNOWN_TRUE,
    handling_code=HandlingCode.H3,
)


@dataclass(frozen=True)
class Lookup:
    ts: datetime
    officer: str
    unit: str
    system: str
    subject: str
    subject_kind: str
    reason: str
    case_ref: str

    def row(self) -> list[str]:
        local = self.ts.astimezone(PARIS).replace(tzinfo=None).isoformat(timespec="seconds")
        return [local, self.officer, self.unit, self.system, self.subject, self.subject_kind,
                self.reason, self.case_ref]  # fmt: skip


@dataclass(frozen=True)
class Assignment:
    officer: str
    case_ref: str
    start: date
    end: date | None = None


@dataclass
class LookupWorld:
    """The lookups, the assignments and the planted answers as (officer, UTC day)."""

    lookups: list[Lookup] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    seller: str = ""
    seller_days: set[date] = field(default_factory=set)
    enumerator: str = ""
    enumerator_days: set[date] = field(default_factory=set)
    working_days: list[date] = field(default_factory=list)


def generate(seed: int, officers_per_unit: int = 5, weeks: int = 5) -> LookupWorld:
    rng = random.Random(seed)
    world = LookupWorld()
    days = [FIRST_DAY + timedelta(days=n) for n in range(7 * weeks)]
    world.working_days = [day for day in days if day.weekday() < 5]
    cases = {unit: [f"{2024}-{unit[:3]}-{n:03d}" for n in range(1, 5)] for unit in UNITS}
    staff: dict[str, str] = {}
    for unit in UNITS:
        for n in range(1, officers_per_unit + 1):
            officer = f"{unit.lower()}-{n:02d}"
            staff[officer] = unit
            for case_ref in rng.sample(cases[unit], 2):
                world.assignments.append(Assignment(officer, case_ref, FIRST_DAY))
    world.officers = sorted(staff)
    own_cases = {o: [a.case_ref for a in world.assignments if a.officer == o] for o in staff}
    for day in world.working_days:
        for officer, unit in staff.items():
            for _ in range(rng.randint(3, 16)):
                world.lookups.append(_ordinary(rng, day, officer, unit, own_cases[officer], cases))
    _plant_seller(rng, world, staff, cases)
    _plant_enumerator(rng, world, staff, own_cases)
    world.lookups.sort(key=lambda lookup: (lookup.ts, lookup.officer))
    return world


def _ordinary(
    rng: random.Random,
    day: date,
    officer: str,
    unit: str,
    own: list[str],
    cases: dict[str, list[str]],
) -> Lookup:
    """Mostly one's own cases; some field checks; rare slips and favours."""
    subject, kind = _subject(rng)
    draw = rng.random()
    if draw < 0.86:
        reason, case_ref = rng.choice(CASE_REASONS), rng.choice(own)
    elif draw < 0.975:
        reason, case_ref = rng.choice(FIELD_REASONS), ""
    elif draw < 0.99:
        reason, case_ref = rng.choice(SHORT_REASONS), ""
    else:  # a colleague's case, asked for help
        other = rng.choice([u for u in UNITS if u != unit])
        reason, case_ref = rng.choice(CASE_REASONS), rng.choice(cases[other])
    return Lookup(_at(rng, day), officer, unit, rng.choice(SYSTEMS), subject, kind, reason,
                  case_ref)  # fmt: skip


def _plant_seller(
    rng: random.Random, world: LookupWorld, staff: dict[str, str], cases: dict[str, list[str]]
) -> None:
    world.seller = rng.choice(world.officers)
    unit = staff[world.seller]
    others = [u for u in UNITS if u != unit]
    for day in rng.sample(world.working_days[5:], 3):
        world.seller_days.add(day)
        target_unit = rng.choice(others)
        for n in range(rng.randint(4, 6)):
            subject, kind = _subject(rng)
            cited = rng.choice(cases[target_unit]) if n % 2 else ""
            reason = rng.choice(CASE_REASONS) if cited else rng.choice(SHORT_REASONS)
            world.lookups.append(
                Lookup(_at(rng, day), world.seller, unit, "TAJ", subject, kind, reason, cited)
            )


def _plant_enumerator(
    rng: random.Random, world: LookupWorld, staff: dict[str, str], own: dict[str, list[str]]
) -> None:
    world.enumerator = rng.choice([o for o in world.officers if o != world.seller])
    day = rng.choice(world.working_days[10:])
    world.enumerator_days.add(day)
    letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTVWXYZ") for _ in range(2))
    first = rng.randint(100, 800)
    for n in range(70):
        plate = f"{letters}-{first + n:03d}-{letters[::-1]}"
        start = datetime.combine(day, time(14, 0), PARIS).astimezone(UTC)
        world.lookups.append(
            Lookup(
                start + timedelta(seconds=40 * n),
                world.enumerator,
                staff[world.enumerator],
                "SIV",
                plate,
                "vehicle",
                "identification d'un véhicule",
                own[world.enumerator][0],
            )
        )


def _subject(rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(("person", "person", "vehicle", "phone"))
    if kind == "person":
        return f"P{rng.randint(0, 99_999):05d}", kind
    if kind == "vehicle":
        letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTVWXYZ") for _ in range(4))
        return f"{letters[:2]}-{rng.randint(100, 999)}-{letters[2:]}", kind
    return f"+336{rng.randint(10_000_000, 99_999_999)}", kind


def _at(rng: random.Random, day: date) -> datetime:
    """A moment of the working day (08:00-19:00, Paris), in UTC."""
    local = datetime.combine(day, time(8, 0), PARIS) + timedelta(seconds=rng.randint(0, 39_600))
    return local.astimezone(UTC)


def write_lookups(world: LookupWorld, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(LOOKUP_HEADER)
        writer.writerows(lookup.row() for lookup in world.lookups)


def write_assignments(world: LookupWorld, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["officer", "case_ref", "start", "end"])
        for item in world.assignments:
            end = item.end.isoformat() if item.end else ""
            writer.writerow([item.officer, item.case_ref, item.start.isoformat(), end])


def flagged_days(alerts: list[Alert], detector_id: str) -> set[tuple[str, date]]:
    """(officer, UTC day) of each alert of ``detector_id``."""
    return {
        (alert.subjects[0].value, alert.start.astimezone(UTC).date())
        for alert in alerts
        if alert.detector_id == detector_id
    }


class IntegrityPart:
    name = "integrity"

    def __init__(self) -> None:
        self.world: LookupWorld | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.world = generate(seed)
        folder.mkdir(parents=True, exist_ok=True)
        logs, assigned = folder / "consultations.csv", folder / "affectations.csv"
        write_lookups(self.world, logs)
        write_assignments(self.world, assigned)
        return [DemoInput(logs, "lookups", LOGS), DemoInput(assigned, "assignments", LOGS)]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.world, "write_inputs comes first"
        world = self.world
        unjustified = flagged_days(alerts, "integrity.unjustified_lookups")
        volume = flagged_days(alerts, "integrity.lookup_volume")
        seller_days = {(world.seller, day) for day in world.seller_days}
        enumerator_days = {(world.enumerator, day) for day in world.enumerator_days}
        return [
            Expectation(
                f"Consultations vendues / sold lookups: {world.seller}, "
                f"{len(world.seller_days)} jours / days",
                seller_days <= unjustified,
            ),
            Expectation(
                f"Série de plaques / plate series: {world.enumerator}",
                enumerator_days <= volume,
            ),
        ]

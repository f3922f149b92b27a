"""The demo's container terminal part, and the seeded world the release tests draw:
four weeks of import containers at two Le Havre terminals, each declared in an entry
summary declaration with its seals, discharged, released to its forwarder with a
nominated haulier, given a PIN, checked and picked up days later. Everyday variety
looks like the planted cases without being one:

- a pick-up seven hours after discharge (fast, not that fast);
- PINs presented by the nominated haulier rather than the forwarder;
- a box opened by customs and resealed with a customs seal;
- a new forwarder's first pick-ups, by hauliers nobody nominated;
- seals written ``ML-123 456`` where the manifest says ``ML123456``.

Three cases are planted: a **PIN misuse** (the forwarder's PIN presented, two hours
after discharge, by an unknown company with an unknown haulier), a **gate-out without
release**, and a **rip-off** (a seal read at the terminal that no manifest declared).

No public terminal log exists: the generator is the test bed, and its answers
(``pin_misuse``, ``no_release``, ``rip_off``, ``look_alikes``) are what the detectors
must find and leave alone.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from stdnum import iso6346

from filet.alerts import Alert
from filet.demo.files import write_csv
from filet.demo.parts import DemoInput, Expectation
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability
from filet.store.events import EVENT_TABLES
from filet.targeting.release_anomalies import DETECTOR_ID as RELEASE_ANOMALIES
from filet.targeting.release_anomalies import RULES
from filet.targeting.seal_mismatch import DETECTOR_ID as SEAL_MISMATCH

PARIS = ZoneInfo("Europe/Paris")
FIRST_DAY = datetime(2024, 3, 4, 6, tzinfo=UTC)  # a Monday
TERMINALS = ("TPO", "TDF")  # Terminal Porte Océane, Terminal de France
OWNERS = ("MSCU", "CMAU", "MAEU", "HLXU", "ONEU")
FORWARDERS = {
    "Transitaire Normand": ("Transports Lefebvre", "TLH Logistique"),
    "Seine Cargo Services": ("Transports Martin", "Routes de l'Estuaire"),
    "Océane Transit": ("TLH Logistique", "Caux Express"),
    "Havre Freight": ("Transports Martin", "Transports Lefebvre"),
}
NEWCOMER = ("Nouvelle Logistique Rouen", ("Transports Dubois", "Vexin Routier"))
EVENT_HEADER = ["container", "ts", "event", "terminal", "party", "haulier", "truck_plate",
                "pin", "seal", "consignment_id"]  # fmt: skip
MANIFEST_HEADER = [f.name for f in EVENT_TABLES["manifests"] if not f.name.startswith("source_")]
TERMINAL_LOGS = Provenance(
    dataset="demo-terminal",
    collecting_service="Douane Le Havre",
    source_reliability=SourceReliability.A,
    information_assessment=InformationAssessment.KNOWN_TRUE,
    handling_code=HandlingCode.H3,
)
DECLARATIONS = Provenance(
    dataset="demo-ens",
    collecting_service="Douane Le Havre",
    source_reliability=SourceReliability.B,
    information_assessment=InformationAssessment.KNOWN_TO_SOURCE,
    handling_code=HandlingCode.H3,
)


@dataclass(frozen=True)
class TerminalEvent:
    container: str
    ts: datetime
    event: str
    terminal: str
    party: str = ""
    haulier: str = ""
    truck_plate: str = ""
    pin: str = ""
    seal: str = ""
    consignment_id: str = ""

    def row(self) -> list[str]:
        local = self.ts.astimezone(PARIS).isoformat(timespec="seconds")
        return [self.container, local, self.event, self.terminal, self.party, self.haulier,
                self.truck_plate, self.pin, self.seal, self.consignment_id]  # fmt: skip


@dataclass(frozen=True)
class Manifest:
    consignment_id: str
    ts: datetime
    container: str
    consignee: str
    seals: str

    def row(self) -> dict[str, str]:
        given = {
            "consignment_id": self.consignment_id, "ts": self.ts.isoformat(),
            "port_loading": "CNSHA", "port_discharge": "FRLEH", "shipper": "Ningbo Home Co",
            "consignee": self.consignee, "booking_party": self.consignee, "seller":
            "Ningbo Home Co", "buyer": self.consignee, "freight_payment": "H", "hs6": "940360",
            "goods_description": "wooden furniture for dining rooms",
            "container": self.container, "container_type": "45G1", "seals": self.seals,
            "gross_mass_kg": "18200",
        }  # fmt: skip
        return {column: given.get(column, "") for column in MANIFEST_HEADER}


@dataclass
class TerminalWorld:
    """Events, manifests and the planted answers, as container numbers."""

    events: list[TerminalEvent] = field(default_factory=list)
    manifests: list[Manifest] = field(default_factory=list)
    pin_misuse: str = ""
    no_release: str = ""
    rip_off: str = ""
    look_alikes: set[str] = field(default_factory=set)
    containers: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Visit:
    """One import container's stay, as the generator draws it."""

    container: str
    terminal: str
    forwarder: str
    haulier: str
    discharge: datetime
    seal: str
    consignment_id: str


def generate(seed: int, weeks: int = 4, visits_per_day: int = 6) -> TerminalWorld:
    rng = random.Random(seed)
    world = TerminalWorld()
    for day in range(7 * weeks - 1):
        for _ in range(visits_per_day):
            forwarder = rng.choice(sorted(FORWARDERS))
            visit = _visit(rng, world, day, forwarder, rng.choice(FORWARDERS[forwarder]))
            _ordinary(rng, world, visit, dwell_hours=rng.uniform(20, 220))
    _plant(rng, world, weeks)
    _look_alikes(rng, world, weeks)
    world.events.sort(key=lambda event: (event.ts, event.container, event.event))
    return world


def _visit(
    rng: random.Random, world: TerminalWorld, day: int, forwarder: str, haulier: str
) -> Visit:
    while True:
        first_ten = rng.choice(OWNERS) + f"{rng.randint(0, 999_999):06d}"
        container = first_ten + iso6346.calc_check_digit(first_ten)
        if container not in world.containers:
            break
    world.containers.add(container)
    discharge = FIRST_DAY + timedelta(days=day, minutes=rng.randint(0, 14 * 60))
    seal = f"{rng.choice(('ML', 'CM', 'HL'))}{rng.randint(100_000, 999_999)}"
    consignment = f"LEH{rng.randint(10**8, 10**9 - 1)}"
    filed = discharge - timedelta(days=rng.randint(14, 28))
    world.manifests.append(Manifest(consignment, filed, container, forwarder, seal))
    terminal = rng.choice(TERMINALS)
    return Visit(container, terminal, forwarder, haulier, discharge, seal, consignment)


def _ordinary(
    rng: random.Random,
    world: TerminalWorld,
    visit: Visit,
    dwell_hours: float,
    nominated: bool = True,
    presenter: str | None = None,
) -> None:
    """Discharge, release (before or after arrival), PIN, seal check, pick-up."""
    pin = f"{rng.randint(0, 999_999):06d}"
    released = visit.discharge + timedelta(hours=rng.uniform(-48, min(12, dwell_hours / 2)))
    pin_at = max(released, visit.discharge) + timedelta(minutes=rng.randint(10, 30))
    out_at = visit.discharge + timedelta(hours=dwell_hours)
    who = presenter or rng.choice((visit.forwarder, visit.haulier))
    box, terminal, ref = visit.container, visit.terminal, visit.consignment_id
    world.events += [
        TerminalEvent(box, visit.discharge, "discharge", terminal, seal=visit.seal),
        TerminalEvent(box, released, "release_issued", terminal, visit.forwarder,
                      visit.haulier if nominated else "", consignment_id=ref),
        TerminalEvent(box, pin_at, "pin_issued", terminal, visit.forwarder, pin=pin),
        TerminalEvent(box, visit.discharge + timedelta(minutes=40), "seal_check", terminal,
                      seal=visit.seal, consignment_id=ref),
        TerminalEvent(box, out_at, "gate_out", terminal, who, visit.haulier, _plate(rng), pin),
    ]  # fmt: skip


def _plant(rng: random.Random, world: TerminalWorld, weeks: int) -> None:
    days = range(7, 7 * weeks - 3)
    misuse = _visit(rng, world, rng.choice(days), "Seine Cargo Services", "Transports Martin")
    world.pin_misuse = misuse.container
    _ordinary(rng, world, misuse, dwell_hours=2)
    legitimate = world.events.pop()  # the forwarder's pick-up, replaced by the thieves'
    world.events.append(
        replace(legitimate, party="SARL Transit Express", haulier="Transports du Nord")
    )
    bare = _visit(rng, world, rng.choice(days), "Havre Freight", "Transports Martin")
    world.no_release = bare.container
    world.events += [
        TerminalEvent(bare.container, bare.discharge, "discharge", bare.terminal, seal=bare.seal),
        TerminalEvent(bare.container, bare.discharge + timedelta(days=3), "gate_out",
                      bare.terminal, "Havre Freight", "Transports Martin", _plate(rng)),
    ]  # fmt: skip
    ripped = _visit(rng, world, rng.choice(days), "Océane Transit", "Caux Express")
    world.rip_off = ripped.container
    _ordinary(rng, world, ripped, dwell_hours=rng.uniform(40, 90))
    check = next(e for e in world.events if e.container == ripped.container and e.seal)
    clone = f"{ripped.seal[:2]}{rng.randint(100_000, 999_999)}"
    world.events.append(
        TerminalEvent(ripped.container, check.ts + timedelta(hours=20), "seal_check",
                      ripped.terminal, seal=clone)
    )  # fmt: skip


def _look_alikes(rng: random.Random, world: TerminalWorld, weeks: int) -> None:
    days = range(7, 7 * weeks - 3)
    quick = _visit(rng, world, rng.choice(days), "Océane Transit", "TLH Logistique")
    _ordinary(rng, world, quick, dwell_hours=7, presenter="TLH Logistique")
    searched = _visit(rng, world, rng.choice(days), "Transitaire Normand", "TLH Logistique")
    _ordinary(rng, world, searched, dwell_hours=60)
    opened = searched.discharge + timedelta(hours=20)
    world.events += [
        TerminalEvent(searched.container, opened, "inspection", searched.terminal, "Douane"),
        TerminalEvent(searched.container, opened + timedelta(hours=2), "seal_check",
                      searched.terminal, seal=f"DOUANE{rng.randint(10_000, 99_999)}"),
    ]  # fmt: skip
    spaced = _visit(rng, world, rng.choice(days), "Havre Freight", "Transports Lefebvre")
    _ordinary(rng, world, spaced, dwell_hours=50)
    typed = f"{spaced.seal[:2]}-{spaced.seal[2:5]} {spaced.seal[5:]}"  # ML-123 456
    world.events.append(
        TerminalEvent(spaced.container, spaced.discharge + timedelta(hours=30), "seal_check",
                      spaced.terminal, seal=typed)
    )  # fmt: skip
    forwarder, hauliers = NEWCOMER
    newcomers = [
        _visit(rng, world, day, forwarder, hauliers[n % 2])
        for n, day in enumerate(sorted(rng.sample(list(days), 3)))
    ]
    for visit in newcomers:
        # Nobody nominated: the forwarder presents its own PIN, by a haulier of its choice.
        dwell = rng.uniform(30, 80)
        _ordinary(rng, world, visit, dwell, nominated=False, presenter=forwarder)
    world.look_alikes = {quick.container, searched.container, spaced.container} | {
        visit.container for visit in newcomers
    }


def _plate(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTVWXYZ") for _ in range(4))
    return f"{letters[:2]}-{rng.randint(100, 999)}-{letters[2:]}"


def write_events(world: TerminalWorld, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(EVENT_HEADER)
        writer.writerows(event.row() for event in world.events)


def write_manifests(world: TerminalWorld, path: Path) -> None:
    write_csv(path, MANIFEST_HEADER, (manifest.row() for manifest in world.manifests))


def flagged(alerts: list[Alert], detector_id: str) -> set[str]:
    """The containers the alerts of ``detector_id`` are about."""
    return {
        subject.value
        for alert in alerts
        if alert.detector_id == detector_id
        for subject in alert.subjects
        if subject.kind == "container"
    }


def rules_of(alerts: list[Alert], container: str) -> set[str]:
    """The release rules named by the alerts on ``container`` (``[rule]`` in the reasons)."""
    return {
        rule
        for alert in alerts
        if alert.detector_id == RELEASE_ANOMALIES and alert.subjects[0].value == container
        for rule in RULES
        if f"[{rule}]" in alert.reason_en
    }


class TerminalPart:
    name = "terminal"

    def __init__(self) -> None:
        self.world: TerminalWorld | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.world = generate(seed)
        folder.mkdir(parents=True, exist_ok=True)
        events, manifests = folder / "terminal-le-havre.csv", folder / "ens-le-havre.csv"
        write_events(self.world, events)
        write_manifests(self.world, manifests)
        return [DemoInput(events, "terminal", TERMINAL_LOGS),
                DemoInput(manifests, "ens", DECLARATIONS)]  # fmt: skip

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.world, "write_inputs comes first"
        world = self.world
        released = flagged(alerts, RELEASE_ANOMALIES)
        sealed = flagged(alerts, SEAL_MISMATCH)
        misuse = {"pin_other_party", "unexpected_haulier", "fast_pickup"}
        return [
            Expectation(
                f"PIN détourné / PIN misuse: {world.pin_misuse}",
                misuse <= rules_of(alerts, world.pin_misuse),
            ),
            Expectation(
                f"Sortie sans mainlevée / gate-out without release: {world.no_release}",
                "no_release" in rules_of(alerts, world.no_release),
            ),
            Expectation(f"Rip-off (scellé / seal): {world.rip_off}", world.rip_off in sealed),
            Expectation(
                f"Aucun cas légitime signalé / no look-alike flagged ({len(world.look_alikes)})",
                not world.look_alikes & (released | sealed),
            ),
        ]

"""The demo's network part: call records of a hidden hierarchy, as fadettes.

A leader calls only his two lieutenants, never the street; each lieutenant runs a
cell whose members call each other; a broker links the second cell to a supplier
cell. The leader has two contacts and few calls, yet every path between the cells
goes through him: the key-player ranking must put him in its top three, and the
broker detector must flag the broker. A semi-wholesaler of the first cell drops his
line halfway through for a new one that calls almost the same members: the
burner-switch detector must link the two.

Then the most visible number of that period is arrested. Two months later a second
requisition (``fadettes-apres-interpellation.csv``) shows a lieutenant running his cell
and three new recruits on his own: the succession detector must name him as the new
head, in place of the arrested one.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from filet.alerts import Alert
from filet.demo.parts import DemoInput, Expectation
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability
from filet.model.identifiers import phone
from filet.network.graph import call_graph
from filet.network.ranking import rank

REQUISITION = Provenance(
    dataset="demo-fadettes",
    collecting_service="OFAST",
    source_reliability=SourceReliability.A,
    information_assessment=InformationAssessment.KNOWN_TRUE,
    handling_code=HandlingCode.H1,
)
COLUMNS = (
    *("caller", "callee", "start", "duration_s", "type"),
    *("cell_start", "cell_end", "case_ref", "seizure_ref"),
)
START = datetime(2024, 3, 1, 8, tzinfo=UTC)
AFTER_ARREST = START + timedelta(days=61)  # past the succession detector's 60-day phase
CELL_SIZES = (8, 8, 3)
RECRUITS = 3


@dataclass(frozen=True)
class Hierarchy:
    """The planted roles, as written in the file (national format) and in E.164."""

    leader: str
    lieutenants: tuple[str, str]
    broker: str
    calls: list[tuple[str, str]]
    burner: tuple[str, str]  # old line, new line
    cells: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Succession:
    """The second requisition: who was arrested, who took over, and their calls."""

    arrested: str
    successor: str
    calls: list[tuple[str, str]]


def generate(seed: int) -> Hierarchy:
    rng = random.Random(seed)
    drawn = iter(rng.sample(range(10_000_000, 39_000_000), 4 + sum(CELL_SIZES)))
    leader, broker = _mobile(next(drawn)), _mobile(next(drawn))
    cells = [[_mobile(next(drawn)) for _ in range(size)] for size in CELL_SIZES]
    lieutenants = (cells[0][0], cells[1][0])
    calls: list[tuple[str, str]] = []
    for lieutenant in lieutenants:
        calls += [(leader, lieutenant)] * rng.randint(2, 4)
    for cell in cells:
        for member in cell[1:]:
            calls += [(cell[0], member)] * rng.randint(3, 8)
            calls += [(member, rng.choice(cell))] * rng.randint(1, 4)
    calls += [(broker, rng.choice(cells[1][1:])) for _ in range(4)]
    calls += [(broker, rng.choice(cells[2])) for _ in range(4)]
    rng.shuffle(calls)
    burner = (_mobile(next(drawn)), _mobile(next(drawn)))
    switched = _switched(rng, calls, cells[0], burner)
    return Hierarchy(
        leader, lieutenants, broker, switched, burner, tuple(tuple(cell) for cell in cells)
    )


def after_arrest(hierarchy: Hierarchy, seed: int) -> Succession:
    """The best-ranked number of the first period is arrested; a lieutenant who is not
    him runs his own cell (less the arrested) and three recruits."""
    first = rank(call_graph((phone.normalize(a), phone.normalize(b), 1.0)
                            for a, b in hierarchy.calls))[0].name  # fmt: skip
    arrested = next(n for n in _numbers(hierarchy) if phone.normalize(n) == first)
    index = 1 if phone.normalize(hierarchy.lieutenants[0]) == first else 0
    successor, cell = hierarchy.lieutenants[index], hierarchy.cells[index]
    rng = random.Random(seed * 7919)
    recruits = [_mobile(rng.randrange(40_000_000, 49_000_000)) for _ in range(RECRUITS)]
    calls: list[tuple[str, str]] = []
    for member in [m for m in cell[1:] if m != arrested] + recruits:
        calls += [(successor, member)] * rng.randint(3, 6)
    for member in cell[1:]:
        if member != arrested:
            calls += [(member, rng.choice(cell[1:]))] * rng.randint(1, 2)
    rng.shuffle(calls)
    return Succession(arrested, successor, calls)


def _numbers(hierarchy: Hierarchy) -> set[str]:
    return {number for pair in hierarchy.calls for number in pair}


def _switched(
    rng: random.Random, calls: list[tuple[str, str]], cell: list[str], burner: tuple[str, str]
) -> list[tuple[str, str]]:
    """The calls with a line switch planted: the old line calls six members of the
    cell in the first half of the period, the new one five of them and one more in
    the second half (5 shared of 7, Jaccard 0.71)."""
    old, new = burner
    half = len(calls) // 2
    before = calls[:half] + [(old, member) for member in cell[1:7]] * 2
    after = calls[half:] + [(new, member) for member in cell[2:8]] * 2
    rng.shuffle(before)
    rng.shuffle(after)
    return before + after


def _mobile(digits: int) -> str:
    """A French mobile number written as operators print it: ``06 12 34 56 78``."""
    text = f"{digits:08d}"
    return "06 " + " ".join(text[i : i + 2] for i in range(0, 8, 2))


def write_cdr(
    hierarchy: Hierarchy,
    path: Path,
    seed: int,
    calls: list[tuple[str, str]] | None = None,
    start_at: datetime = START,
) -> None:
    """The calls (the hierarchy's by default) as fadettes, 37 minutes apart."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number, (caller, callee) in enumerate(calls or hierarchy.calls):
            start = start_at + timedelta(minutes=37 * number)
            duration = rng.randint(10, 400)
            writer.writerow(
                [caller, callee, start.isoformat(), duration, "voice", "", "", "DEMO-1", ""]
            )


class NetworkPart:
    name = "network"

    def __init__(self) -> None:
        self.hierarchy: Hierarchy | None = None
        self.succession: Succession | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.hierarchy = generate(seed)
        self.succession = after_arrest(self.hierarchy, seed)
        folder.mkdir(parents=True, exist_ok=True)
        first, second = folder / "fadettes.csv", folder / "fadettes-apres-interpellation.csv"
        write_cdr(self.hierarchy, first, seed)
        write_cdr(self.hierarchy, second, seed, self.succession.calls, AFTER_ARREST)
        provenance = replace(REQUISITION, collected_at=datetime.now(UTC))
        return [DemoInput(first, "cdr", provenance), DemoInput(second, "cdr", provenance)]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.hierarchy and self.succession, "write_inputs comes first"
        leader = phone.normalize(self.hierarchy.leader)
        broker = phone.normalize(self.hierarchy.broker)
        old, new = (phone.normalize(number) for number in self.hierarchy.burner)
        successor = phone.normalize(self.succession.successor)
        arrested = phone.normalize(self.succession.arrested)
        return [
            Expectation(
                f"Chef caché parmi les 3 acteurs clés / hidden leader in the top 3: {leader}",
                leader in _flagged(alerts, "network.key_player", top=3),
            ),
            Expectation(
                f"Intermédiaire entre deux cellules / broker between two cells: {broker}",
                broker in _flagged(alerts, "network.broker"),
            ),
            Expectation(
                f"Changement de ligne / burner switch: {old} → {new}",
                any(
                    [s.value for s in alert.subjects] == [old, new]
                    for alert in alerts
                    if alert.detector_id == "network.burner_switch"
                ),
            ),
            Expectation(
                f"Relève après l'interpellation / succession after the arrest: {successor} "
                f"à la place de / instead of {arrested}",
                any(
                    [s.value for s in alert.subjects] == [successor, arrested]
                    for alert in alerts
                    if alert.detector_id == "network.succession"
                ),
            ),
        ]


def _flagged(alerts: list[Alert], detector_id: str, top: int | None = None) -> set[str]:
    """Numbers flagged by ``detector_id``; with ``top``, only the best ``top`` by score."""
    found = sorted((a for a in alerts if a.detector_id == detector_id), key=lambda a: -a.score)
    return {a.subjects[0].value for a in found[:top]}

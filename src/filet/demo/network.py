"""The demo's network part: call records of a hidden hierarchy, as fadettes.

A leader calls only his two lieutenants, never the street; each lieutenant runs a
cell whose members call each other; a broker links the second cell to a supplier
cell. The leader has two contacts and few calls, yet every path between the cells
goes through him: the key-player ranking must put him in its top three, and the
broker detector must flag the broker.
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
CELL_SIZES = (8, 8, 3)


@dataclass(frozen=True)
class Hierarchy:
    """The planted roles, as written in the file (national format) and in E.164."""

    leader: str
    lieutenants: tuple[str, str]
    broker: str
    calls: list[tuple[str, str]]


def generate(seed: int) -> Hierarchy:
    rng = random.Random(seed)
    drawn = iter(rng.sample(range(10_000_000, 39_000_000), 2 + sum(CELL_SIZES)))
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
    return Hierarchy(leader, lieutenants, broker, calls)


def _mobile(digits: int) -> str:
    """A French mobile number written as operators print it: ``06 12 34 56 78``."""
    text = f"{digits:08d}"
    return "06 " + " ".join(text[i : i + 2] for i in range(0, 8, 2))


def write_cdr(hierarchy: Hierarchy, path: Path, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number, (caller, callee) in enumerate(hierarchy.calls):
            start = START + timedelta(minutes=37 * number)
            duration = rng.randint(10, 400)
            writer.writerow(
                [caller, callee, start.isoformat(), duration, "voice", "", "", "DEMO-1", ""]
            )


class NetworkPart:
    name = "network"

    def __init__(self) -> None:
        self.hierarchy: Hierarchy | None = None

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.hierarchy = generate(seed)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "fadettes.csv"
        write_cdr(self.hierarchy, path, seed)
        return [DemoInput(path, "cdr", replace(REQUISITION, collected_at=datetime.now(UTC)))]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.hierarchy is not None, "write_inputs comes first"
        leader = phone.normalize(self.hierarchy.leader)
        broker = phone.normalize(self.hierarchy.broker)
        return [
            Expectation(
                f"Chef caché parmi les 3 acteurs clés / hidden leader in the top 3: {leader}",
                leader in _flagged(alerts, "network.key_player", top=3),
            ),
            Expectation(
                f"Intermédiaire entre deux cellules / broker between two cells: {broker}",
                broker in _flagged(alerts, "network.broker"),
            ),
        ]


def _flagged(alerts: list[Alert], detector_id: str, top: int | None = None) -> set[str]:
    """Numbers flagged by ``detector_id``; with ``top``, only the best ``top`` by score."""
    found = sorted((a for a in alerts if a.detector_id == detector_id), key=lambda a: -a.score)
    return {a.subjects[0].value for a in found[:top]}

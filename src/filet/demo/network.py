"""The demo's network part: call records of a hidden hierarchy, as fadettes.

A leader calls only his two lieutenants, never the street; each lieutenant runs a
cell whose members call each other; a broker links the second cell to a supplier
cell. The leader has two contacts and few calls, yet every path between the cells
goes through him: the key-player ranking must put him in its top three, and the
broker detector must flag the broker. A semi-wholesaler of the first cell drops his
line halfway through for a new one that calls almost the same members: the
burner-switch detector must link the two.
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
    burner: tuple[str, str]  # old line, new line


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
    return Hierarchy(leader, lieutenants, broker, _switched(rng, calls, cells[0], burner), burner)


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
        old, new = (phone.normalize(number) for number in self.hierarchy.burner)
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
        ]


def _flagged(alerts: list[Alert], detector_id: str, top: int | None = None) -> set[str]:
    """Numbers flagged by ``detector_id``; with ``top``, only the best ``top`` by score."""
    found = sorted((a for a in alerts if a.detector_id == detector_id), key=lambda a: -a.score)
    return {a.subjects[0].value for a in found[:top]}

"""The demo's flights part: three months of the seeded flights to Paris
(:mod:`filet.demo.flights`), the last three days awaiting a decision. The learned
passenger selection (``targeting.passenger_selection``) trains on the passengers
inspected before and must put at least a third of the couriers of those three days among
its picks, with 5 % of the passengers waiting as its budget (random picks would hold
about 5 % of them). The passengers part's flights, whose PNR carry no outcome, wait
too and share the budget: its four couriers are picked first on seeds 1 to 7.

A short period and the world's small flights (a dozen passengers sampled a flight, about
6,000 PNR rows) keep the demo quick.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from filet.alerts import Alert
from filet.demo.flights import FIRST_DAY, FlightWorld, generate
from filet.demo.parts import DemoInput, Expectation
from filet.model import HandlingCode, InformationAssessment, Provenance, SourceReliability
from filet.targeting.passenger_selection import DETECTOR_ID

DAYS = 90
WAITING_DAYS = 3
FLIGHTS = Provenance(
    dataset="demo-vols",
    collecting_service="UIP",
    source_reliability=SourceReliability.A,
    information_assessment=InformationAssessment.KNOWN_TRUE,
    handling_code=HandlingCode.H3,
)


class FlightsPart:
    name = "flights"

    def __init__(self) -> None:
        self.world: FlightWorld | None = None
        self.waiting: set[str] = set()  # record locators awaiting a decision

    def write_inputs(self, folder: Path, seed: int) -> list[DemoInput]:
        self.world = generate(seed, days=DAYS)
        first_waiting = FIRST_DAY + timedelta(days=DAYS - WAITING_DAYS)
        for row in self.world.rows:
            if datetime.fromisoformat(row["departure_ts"]).date() >= first_waiting:
                row["inspection"] = ""
                self.waiting.add(row["record_locator"])
        folder.mkdir(parents=True, exist_ok=True)
        return [DemoInput(self.world.write(folder / "vols.csv"), "pnr", FLIGHTS)]

    def expectations(self, alerts: list[Alert]) -> list[Expectation]:
        assert self.world, "write_inputs comes first"
        picked = {
            subject.value
            for alert in alerts
            if alert.detector_id == DETECTOR_ID
            for subject in alert.subjects
            if subject.kind == "record_locator"
        }
        couriers = self.waiting & self.world.couriers
        caught = len(couriers & picked)
        return [
            Expectation(
                f"Passeurs en attente / couriers awaiting a decision: {caught} de / of "
                f"{len(couriers)} parmi les {len(picked)} passagers proposés / among the "
                f"{len(picked)} passengers proposed",
                bool(couriers) and caught * 3 >= len(couriers),
            )
        ]
